"""Consensus in a Delphi: 1–9 ratings of statements by stakeholder groups over rounds.

Input is one row per rater × statement × round: ``rater_id``, ``group`` (the rater's panel), ``statement``,
``round`` (1, 2, …) and ``rating`` (1–9; missing where the rater skipped the statement). Missing ratings are
left out of every share: n is the number of raters who rated the statement in that round.

Verdicts follow a :class:`ConsensusRule`. The default ("percent") rule calls a statement "in" when at least
70% rate it 7–9 and at most 15% rate it 1–3, "out" when at least 70% rate it 1–3 and at most 15% rate it 7–9,
and otherwise "no consensus"; ties at the thresholds count as met. The RAND/UCLA option (Fitch et al. 2001)
judges by the median (7–9 "in", 1–3 "out") unless the panel disagrees: the interpercentile range
IPR = P70 − P30 is wider than IPRAS = 2.35 + 1.5 × |5 − (P30 + P70) / 2|. Percentiles interpolate linearly
between order statistics (numpy's and R's default, type 7).

Every count passes the study's publication plan when one is given (each statement in each round is a
population of its own: the raters who rated it), else the table's own suppression.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from mindthegap.analysis.publication import PublicationPlan, apply_plan, population_name
from mindthegap.analysis.suppression import ALL, suppress
from mindthegap.privacy import DEFAULT_MIN_N

IN, OUT, NONE = "in", "out", "no consensus"
REQUIRED = ("rater_id", "group", "statement", "round", "rating")
_EPS = 1e-9  # shares are compared with a tolerance so that 7 of 10 is exactly "70%"

DELPHI_DIMS = ("level", "role")
"""The roster's dimensions a Delphi population is also grouped by (with its panel): panels are drawn along
levels and roles, and the other dimensions only multiply the cube the plan must protect."""

SUMMARY_COLUMNS = ["n", "median", "pct_agree", "pct_disagree", "ipr", "ipras", "disagreement", "verdict"]


@dataclass(frozen=True)
class ConsensusRule:
    """How a verdict is reached. ``method`` is ``"percent"`` (shares rating 7–9 and 1–3) or ``"rand"``
    (RAND/UCLA median and disagreement index). ``agree`` and ``disagree`` are the percent rule's shares."""

    method: str = "percent"
    agree: float = 0.70
    disagree: float = 0.15

    def __post_init__(self) -> None:
        if self.method not in ("percent", "rand"):
            raise ValueError(f"consensus method must be 'percent' or 'rand', not {self.method!r}")
        if not (0 < self.agree <= 1 and 0 <= self.disagree < 1):
            raise ValueError("consensus shares must lie between 0 and 1 (e.g. agree 0.7, disagree 0.15)")

    def describe(self) -> str:
        if self.method == "rand":
            return "RAND/UCLA: median 7–9 'in', 1–3 'out', unless the panel disagrees (IPR > IPRAS)"
        return (
            f"'in' when at least {self.agree:.0%} rate 7–9 and at most {self.disagree:.0%} rate 1–3; "
            "'out' the mirror image; otherwise 'no consensus'"
        )


def _check(ratings: pd.DataFrame, columns: Sequence[str] = REQUIRED) -> pd.DataFrame:
    missing = [c for c in columns if c not in ratings.columns]
    if missing:
        raise KeyError(f"Delphi ratings lack column(s): {', '.join(missing)}")
    data = ratings.copy()
    data["rating"] = pd.to_numeric(data["rating"], errors="coerce").astype(float)
    bad = data["rating"].notna() & ~data["rating"].between(1, 9)
    if bad.any():
        raise ValueError(
            f"Delphi ratings must lie between 1 and 9; found {data.loc[bad, 'rating'].iloc[0]:g}"
        )
    return data.dropna(subset=["rating"])


def verdicts(pct_agree, pct_disagree, median, ipr, ipras, rule: ConsensusRule) -> np.ndarray:
    """The verdict for arrays of group statistics (shares as fractions, not percentages)."""
    a = np.asarray(pct_agree, float)
    d = np.asarray(pct_disagree, float)
    if rule.method == "rand":
        med = np.asarray(median, float)
        agreed = ~(np.asarray(ipr, float) > np.asarray(ipras, float) + _EPS)
        out = np.where(agreed & (med >= 7), IN, np.where(agreed & (med <= 3), OUT, NONE))
    else:
        is_in = (a >= rule.agree - _EPS) & (d <= rule.disagree + _EPS)
        is_out = (d >= rule.agree - _EPS) & (a <= rule.disagree + _EPS)
        out = np.where(is_in, IN, np.where(is_out, OUT, NONE))
    return out.astype(object)


def _grouped_stats(data: pd.DataFrame, keys: list[str], rule: ConsensusRule) -> pd.DataFrame:
    """n, median, shares, IPR/IPRAS and verdict per group of ``keys``, in numpy: one sort, no Python loop."""
    grouped = data.groupby(keys, sort=True, observed=True)
    gid = grouped.ngroup().to_numpy()
    table = grouped.size().rename("n").reset_index()
    rating = data["rating"].to_numpy(dtype=float)
    n = np.bincount(gid, minlength=len(table))
    order = np.lexsort((rating, gid))
    ordered, start = rating[order], np.concatenate([[0], np.cumsum(n)[:-1]])

    def quantile(p: float) -> np.ndarray:  # linear interpolation between order statistics (type 7)
        h = (n - 1) * p
        lo = np.floor(h).astype(int)
        hi = np.minimum(lo + 1, n - 1)
        return ordered[start + lo] + (h - lo) * (ordered[start + hi] - ordered[start + lo])

    p30, p70 = quantile(0.3), quantile(0.7)
    table["median"] = quantile(0.5)
    agree = np.bincount(gid, weights=rating >= 7, minlength=len(table)) / n
    disagree = np.bincount(gid, weights=rating <= 3, minlength=len(table)) / n
    table["pct_agree"], table["pct_disagree"] = agree * 100, disagree * 100
    table["ipr"] = p70 - p30
    table["ipras"] = 2.35 + 1.5 * np.abs(5 - (p30 + p70) / 2)
    table["disagreement"] = table["ipr"] > table["ipras"] + _EPS
    table["verdict"] = verdicts(agree, disagree, table["median"], table["ipr"], table["ipras"], rule)
    return table


def consensus_summary(
    ratings: pd.DataFrame,
    *,
    rule: ConsensusRule | None = None,
    across: bool = True,
    min_n: int = DEFAULT_MIN_N,
    plan: PublicationPlan | None = None,
    kind: str = "delphi",
) -> pd.DataFrame:
    """Per round × statement × group: ``n`` raters, ``median``, ``pct_agree`` (% rating 7–9),
    ``pct_disagree`` (% rating 1–3), ``ipr``, ``ipras``, ``disagreement`` (IPR > IPRAS) and ``verdict``.

    With ``across``, a row with group "All" pools every rater of the statement (consensus across groups).
    Rows are suppressed where a group is small, by ``plan`` when given (see :func:`register_populations`).
    """
    rule = rule or ConsensusRule()
    data = _check(ratings)
    data["group"] = data["group"].astype(str)
    keys = ["round", "statement", "group"]
    frames = [_grouped_stats(data, keys, rule)]
    if across:
        frames.append(_grouped_stats(data, ["round", "statement"], rule).assign(group=ALL))
    table = pd.concat(frames, ignore_index=True)[[*keys, *SUMMARY_COLUMNS]]
    table = table.sort_values(keys, key=_all_last, kind="stable").reset_index(drop=True)
    if plan is not None:
        population = register_populations(plan, data, kind=kind)
        return apply_plan(table, plan, {"n": population}, by=keys, output="consensus by group")
    return suppress_by_part(table, by=keys, min_n=min_n)


def suppress_by_part(
    table: pd.DataFrame, *, by: list[str], min_n: int, n_col: str = "n", keep=()
) -> pd.DataFrame:
    """:func:`~mindthegap.analysis.suppression.suppress` run only on the parts (a round and statement: every
    grouping column but the last) holding a group under ``min_n``. A part where every group is large enough
    has nothing to hide, so skipping it is exact, and it keeps a large Delphi fast."""
    parts = by[:-1]
    small = pd.to_numeric(table[n_col], errors="coerce").fillna(0) < min_n
    needs = small.groupby([table[c] for c in parts]).transform("any") if parts else small.any()
    needs = needs.to_numpy() if parts else np.full(len(table), bool(needs))
    fine = table[~needs].assign(suppressed=False, suppression_reason=None)
    if not needs.any():
        return fine.astype({"suppression_reason": object})
    checked = suppress(table[needs], n_col=n_col, by=by, min_n=min_n, keep=keep)
    return pd.concat([fine, checked]).loc[table.index]


def register_populations(plan: PublicationPlan, data: pd.DataFrame, *, kind: str = "delphi"):
    """Register the raters of each statement in each round with ``plan`` (grouped by panel as well as by
    the plan's own dimensions) and return the function naming a row's population."""
    dims = tuple(dict.fromkeys((*[d for d in plan.dims if d in DELPHI_DIMS], "group")))
    people = data[["rater_id", "group", "round", "statement"]].rename(columns={"rater_id": plan.id_col})
    if plan.roster is not None:
        roster = plan.roster.drop(columns=["group"], errors="ignore")
        people = people.join(roster, on=plan.id_col, how="inner")
    else:
        people = people.assign(**{d: None for d in plan.dims if d not in people})
    for (rnd, statement), part in people.groupby(["round", "statement"], sort=True):
        name = population_name(kind, round=rnd, statement=statement)
        plan.register(name, part[[plan.id_col, *dims]], dims=dims)

    def population(row: dict) -> str:
        return population_name(kind, round=row["round"], statement=row["statement"])

    return population


def _all_last(col: pd.Series) -> pd.Series:
    return col.map(lambda v: (1, "") if v == ALL else (0, v))


def across_groups(summary: pd.DataFrame) -> pd.DataFrame:
    """Consensus within and across groups, per round × statement, from a published summary: how many groups
    are shown, how many reached "in" and "out", whether every group shown reached the same verdict, and the
    pooled verdict (the "All" row). Suppressed groups are not counted as having any verdict."""
    shown = summary[~summary["suppressed"].astype(bool)]
    groups = shown[shown["group"] != ALL]
    pooled = shown[shown["group"] == ALL].set_index(["round", "statement"])["verdict"]
    rows = []
    for (rnd, statement), part in groups.groupby(["round", "statement"], sort=True):
        found = part["verdict"].tolist()
        same = len(set(found)) == 1 and found[0] in (IN, OUT)
        rows.append(
            {
                "round": rnd,
                "statement": statement,
                "groups_shown": len(found),
                "groups_in": found.count(IN),
                "groups_out": found.count(OUT),
                "all_groups_agree": same,
                "pooled_verdict": pooled.get((rnd, statement), pd.NA),
            }
        )
    columns = ["round", "statement", "groups_shown", "groups_in", "groups_out", "all_groups_agree"]
    return pd.DataFrame(rows, columns=[*columns, "pooled_verdict"])


def group_divergence(
    summary: pd.DataFrame,
    *,
    reference: str = "policymakers",
    others: Sequence[str] = ("practitioners", "service_users"),
    median_gap: float = 2.0,
) -> pd.DataFrame:
    """Statements on which ``reference`` and each of ``others`` part, from a published summary.

    Two groups part on a statement when their verdicts differ and one of them is "in" or "out", or when
    their medians lie ``median_gap`` or more apart. Only groups the summary shows are compared. Returns one
    row per round × statement × other group: both medians and verdicts, ``median_difference`` (other −
    reference) and ``part`` (bool).
    """
    shown = summary[~summary["suppressed"].astype(bool)]
    ref = shown[shown["group"] == reference][["round", "statement", "median", "verdict"]]
    rows = []
    for other in others:
        oth = shown[shown["group"] == other][["round", "statement", "median", "verdict"]]
        both = ref.merge(oth, on=["round", "statement"], suffixes=("_reference", "_other"))
        both.insert(2, "other_group", other)
        rows.append(both)
    columns = ["round", "statement", "other_group", "median_reference", "verdict_reference"]
    columns += ["median_other", "verdict_other"]
    out = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=columns)
    out = out.reindex(columns=columns)
    out.insert(3, "reference_group", reference)
    out["median_difference"] = out["median_other"].astype(float) - out["median_reference"].astype(float)
    decided = out["verdict_reference"].isin([IN, OUT]) | out["verdict_other"].isin([IN, OUT])
    differ = out["verdict_reference"] != out["verdict_other"]
    out["part"] = (differ & decided) | (out["median_difference"].abs() >= median_gap - _EPS)
    return out.reset_index(drop=True)
