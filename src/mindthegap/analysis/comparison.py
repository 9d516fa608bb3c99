"""Comparing construct scores between groups and between waves, with effect sizes and multiplicity control.

* Group summaries: n, mean with a 95% studentised bootstrap CI
  (:func:`~mindthegap.analysis.bootstrap.grouped_mean_ci`), median with a distribution-free CI from binomial
  order statistics (Conover 1999, §3.2).
* Omnibus: Kruskal–Wallis across the groups large enough to show.
* Pairs: Mann–Whitney U and Welch's t; Cliff's delta (= rank-biserial r for two groups; positive when group b
  scores higher than group a) and Hedges' g (b − a) with a 95% CI from the Hedges & Olkin (1985) standard
  error and the normal quantile (see :func:`hedges_g` for why not t). The Mann–Whitney p values of
  one call (one score, one grouping) are adjusted together by Holm and by Benjamini–Hochberg (statsmodels).
* Paired pre/post: only people who answered in both waves; mean change with a t CI, paired t, Wilcoxon
  signed-rank with zero differences kept by Pratt's method, d_z (:func:`paired_statistics`, which the
  values–practice ``wave_change`` uses too, so both report the same figures for the same differences).
Every statistic here takes one score per person: given ``id_col``, a person with two rows in one group is an
error (compare one wave at a time, or pair the waves). Groups below ``min_n`` are suppressed in summaries and
left out of every test, so no statistic is computed on (and no difference can reveal) a small group. With a
study's publication plan, the plan decides which groups are shown and compared.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

import numpy as np
import pandas as pd
from scipy import stats

from mindthegap.analysis.bootstrap import grouped_mean_ci
from mindthegap.analysis.publication import PublicationPlan, apply_plan
from mindthegap.analysis.suppression import suppress
from mindthegap.defaults import DEFAULT_SEED
from mindthegap.errors import InputError, renamed_keyword, require_columns
from mindthegap.privacy import DEFAULT_MIN_N


def _need(frame: pd.DataFrame, columns: Sequence[str]) -> None:
    require_columns(frame.columns, columns)


def median_ci(x: np.ndarray, ci: float = 0.95) -> tuple[float, float]:
    """Distribution-free CI for the median from binomial order statistics (at least ``ci`` coverage)."""
    x = np.sort(np.asarray(x, dtype=float))
    n = len(x)
    if n < 2:
        return np.nan, np.nan
    q = (1 - ci) / 2
    # k = the largest count with P(B <= k) <= q for B ~ Bin(n, 1/2); the interval is [x_(k+1), x_(n-k)]
    k = int(stats.binom.ppf(q, n, 0.5))
    if stats.binom.cdf(k, n, 0.5) > q:
        k -= 1
    if k < 0:
        return np.nan, np.nan
    lo, hi = k, n - 1 - k
    return float(x[lo]), float(x[hi])


def one_row_per_person(scores: pd.DataFrame, id_col: str | None, groups: Sequence[str]) -> None:
    """Raise a one-line error when a person has more than one row within a group (their rows are not
    independent, and every test here counts rows as people)."""
    if id_col is None:
        return
    _need(scores, [id_col])
    keys = [id_col, *groups]
    repeated = scores.dropna(subset=[id_col]).duplicated(keys)
    if repeated.any():
        row = scores.loc[repeated[repeated].index[0]]
        where = ", ".join(f"{g} {str(row[g])!r}" for g in groups)
        raise InputError(
            f"person {str(row[id_col])!r} has more than one row{f' in {where}' if where else ''}",
            hint="compare one wave at a time, or use the before/after comparison for the same people",
        )


def describe_groups(
    scores: pd.DataFrame,
    value: str,
    by: Sequence[str],
    *,
    id_col: str | None = None,
    n_boot: int = 2000,
    seed: int = DEFAULT_SEED,
    ci: float = 0.95,
    min_n: int = DEFAULT_MIN_N,
    plan: PublicationPlan | None = None,
    population: str | None = None,
) -> pd.DataFrame:
    """Per group: n, mean with bootstrap CI, median with order-statistic CI; small groups suppressed.

    With ``id_col``, a person with two rows in one group is an error (see :func:`one_row_per_person`).
    With a ``plan``, the people with a ``value`` are registered as ``population`` and the plan decides.
    """
    by = list(by)
    _need(scores, [*by, value])
    one_row_per_person(scores.dropna(subset=[value]), id_col, by)
    table = grouped_mean_ci(scores, value, by, n_boot=n_boot, ci=ci, seed=seed)
    data = scores[[*by, value]].dropna()
    medians = []
    for _, part in data.groupby(by, sort=True, observed=True) if by else [((), data)]:
        x = part[value].to_numpy(dtype=float)
        lo, hi = median_ci(x, ci)
        medians.append((float(np.median(x)), lo, hi))
    table["median"], table["median_ci_low"], table["median_ci_high"] = (
        zip(*medians, strict=True) if medians else ([], [], [])
    )
    if plan is not None:
        name = _register(plan, population, scores[scores[value].notna()])
        return apply_plan(table, plan, {"n": name}, by=by, output=f"{value} by {', '.join(by)}")
    return suppress(table, n_col="n", by=by, min_n=min_n)


def _register(plan: PublicationPlan, population: str | None, people: pd.DataFrame) -> str:
    if population is None:
        raise ValueError("a publication plan needs the name of the population counted")
    cols = [c for c in (plan.id_col, *plan.dims) if c in people.columns]
    return plan.register(population, people[cols])


def hedges_g(x: np.ndarray, y: np.ndarray, ci: float = 0.95) -> tuple[float, float, float]:
    """Hedges' g (x − y over the pooled SD, small-sample corrected) with its CI: g ± z·SE, with the Hedges &
    Olkin (1985) SE √((n₁+n₂)/(n₁n₂) + g²/(2(n₁+n₂))) and the normal quantile z.

    z, not t: this SE already overstates the spread of the shrunken g, so a t quantile (as pingouin uses)
    covers 96.7% at 11 + 11 people where z covers 95.5% (tests/test_comparison.py simulates both).
    """
    n1, n2 = len(x), len(y)
    pooled = np.sqrt(((n1 - 1) * np.var(x, ddof=1) + (n2 - 1) * np.var(y, ddof=1)) / (n1 + n2 - 2))
    if pooled == 0:
        return np.nan, np.nan, np.nan
    g = (np.mean(x) - np.mean(y)) / pooled * (1 - 3 / (4 * (n1 + n2) - 9))
    se = np.sqrt((n1 + n2) / (n1 * n2) + g**2 / (2 * (n1 + n2)))
    half = stats.norm.ppf(0.5 + ci / 2) * se
    return float(g), float(g - half), float(g + half)


def cliffs_delta(x: np.ndarray, y: np.ndarray) -> float:
    """Cliff's delta P(X > Y) − P(X < Y), computed from ranks in O(n log n): positive when x tends higher."""
    u = stats.mannwhitneyu(x, y, alternative="two-sided", method="asymptotic").statistic
    return float(2 * u / (len(x) * len(y)) - 1)


def compare_groups(
    scores: pd.DataFrame,
    value: str,
    group: str,
    *,
    reference: str | None = None,
    id_col: str | None = None,
    min_n: int = DEFAULT_MIN_N,
    plan: PublicationPlan | None = None,
    population: str | None = None,
) -> tuple[pd.DataFrame, dict]:
    """Pairwise comparisons of ``value`` between levels of ``group`` (all pairs, or each against ``reference``).

    In each pair, ``difference``, ``hedges_g`` and ``cliffs_delta`` are group b compared with group a (positive:
    b scores higher). ``p_holm`` and ``p_bh`` adjust the Mann–Whitney p values of all the pairs returned.
    Returns (pairs table, omnibus dict with Kruskal–Wallis H, df, p and the groups left out as too small).
    With a ``plan`` only the groups it allows are compared (others count as left out).
    """
    _need(scores, [group, value])
    one_row_per_person(scores.dropna(subset=[value]), id_col, [group])
    data = scores[[group, value]].dropna()
    parts = {k: v[value].to_numpy(dtype=float) for k, v in data.groupby(group, sort=True, observed=True)}
    shown = {k: v for k, v in parts.items() if len(v) >= min_n}
    if plan is not None:
        shown = _groups_the_plan_allows(scores, value, group, shown, plan, population)
    omitted = sorted(str(k) for k in parts if k not in shown)
    if reference is not None and reference not in shown:
        raise InputError(
            f"reference group {reference!r} is not among the groups large enough to compare",
            hint=f"groups: {', '.join(map(str, shown))}",
        )
    omnibus = _kruskal_wallis(shown, omitted)
    keys = list(shown)
    pairs = (
        [(reference, k) for k in keys if k != reference]
        if reference is not None
        else list(combinations(keys, 2))
    )
    table = pd.DataFrame([_compare_pair(a, shown[a], b, shown[b]) for a, b in pairs], columns=_PAIR_COLUMNS)
    _adjust_for_multiplicity(table)
    return table, omnibus


def _groups_the_plan_allows(
    scores: pd.DataFrame,
    value: str,
    group: str,
    shown: dict,
    plan: PublicationPlan,
    population: str | None,
) -> dict:
    """Register the people with a ``value``, keep the groups the plan allows and record each one compared."""
    name = _register(plan, population, scores[scores[value].notna()])
    shown = {k: v for k, v in shown.items() if plan.allows(name, {group: k})}
    for k, v in shown.items():
        plan.ledger.record(name, plan.label(name, {group: k}), len(v), output=f"{value} compared by {group}")
    return shown


def _kruskal_wallis(shown: dict, omitted: list[str]) -> dict:
    """The omnibus test across the groups compared (NaN with fewer than two)."""
    omnibus = {"test": "Kruskal–Wallis", "groups": len(shown), "omitted_small_groups": len(omitted)}
    if len(shown) >= 2:
        h, p = stats.kruskal(*shown.values())
        omnibus.update(statistic=float(h), df=len(shown) - 1, p=float(p))
    else:
        omnibus.update(statistic=np.nan, df=np.nan, p=np.nan)
    return omnibus


_PAIR_COLUMNS = [
    "group_a", "group_b", "n_a", "n_b", "mean_a", "mean_b", "difference", "hedges_g", "g_ci_low",
    "g_ci_high", "cliffs_delta", "mann_whitney_u", "p_mann_whitney", "welch_t", "p_welch",
]  # fmt: skip


def _compare_pair(a, y: np.ndarray, b, x: np.ndarray) -> dict:
    """One row of the pairs table: group ``b`` (scores ``x``) compared with group ``a`` (scores ``y``)."""
    # difference is b − a: "this group compared with the reference"
    mw = stats.mannwhitneyu(x, y, alternative="two-sided", method="asymptotic")
    welch = stats.ttest_ind(x, y, equal_var=False)
    g, g_lo, g_hi = hedges_g(x, y)
    return {
        "group_a": a,
        "group_b": b,
        "n_a": len(y),
        "n_b": len(x),
        "mean_a": float(y.mean()),
        "mean_b": float(x.mean()),
        "difference": float(x.mean() - y.mean()),
        "hedges_g": g,
        "g_ci_low": g_lo,
        "g_ci_high": g_hi,
        "cliffs_delta": float(2 * mw.statistic / (len(x) * len(y)) - 1),
        "mann_whitney_u": float(mw.statistic),
        "p_mann_whitney": float(mw.pvalue),
        "welch_t": float(welch.statistic),
        "p_welch": float(welch.pvalue),
    }


def _adjust_for_multiplicity(table: pd.DataFrame) -> None:
    """Add ``p_holm`` and ``p_bh``: the Mann–Whitney p values of all the pairs adjusted together."""
    from statsmodels.stats.multitest import multipletests

    if len(table):
        p = table["p_mann_whitney"].fillna(1.0).to_numpy()
        table["p_holm"] = multipletests(p, method="holm")[1]
        table["p_bh"] = multipletests(p, method="fdr_bh")[1]
    else:
        table["p_holm"] = table["p_bh"] = pd.Series(dtype=float)


def paired_change(
    scores: pd.DataFrame,
    value: str,
    *,
    id_col: str,
    wave_col: str,
    baseline: str | None = None,
    follow_up: str | None = None,
    by: Sequence[str] = (),
    ci: float = 0.95,
    min_n: int = DEFAULT_MIN_N,
    plan: PublicationPlan | None = None,
    population: str | None = None,
    before: str | None = None,
    after: str | None = None,
) -> pd.DataFrame:
    """Change from the ``baseline`` wave to the ``follow_up`` wave for people who answered in both, per group of
    ``by``: columns ``mean_baseline``, ``mean_follow_up``, ``mean_change`` and the tests.

    n is the number of people with both scores; groups under ``min_n`` are suppressed (with a ``plan``, the
    people with both scores are registered as ``population`` and the plan decides). ``before=`` and ``after=``
    are the old names of ``baseline=`` and ``follow_up=``.
    """
    before = renamed_keyword("paired_change", "before", "baseline", before, baseline, None)
    after = renamed_keyword("paired_change", "after", "follow_up", after, follow_up, None)
    if before is None or after is None:
        raise InputError("paired_change needs the two waves to compare: baseline= and follow_up=")
    by = list(by)
    _need(scores, [id_col, wave_col, value, *by])
    data = scores[scores[wave_col].isin([before, after])].dropna(subset=[value])
    wide = _pair_waves(data, value, id_col, wave_col, before, after, by)
    table = _paired_change_table(wide, by, before, after, ci)
    if plan is not None:
        people = data[(data[wave_col] == after) & data[id_col].isin(wide.index)].drop_duplicates(id_col)
        name = _register(plan, population, people.rename(columns={id_col: plan.id_col}))
        return apply_plan(table, plan, {"n": name}, by=by, output=f"change in {value}")
    return suppress(table, n_col="n", by=by, min_n=min_n)


def _pair_waves(
    data: pd.DataFrame, value: str, id_col: str, wave_col: str, before: str, after: str, by: list[str]
) -> pd.DataFrame:
    """One row per person with both scores: a column per wave, plus ``by`` as at the later wave."""
    if data.duplicated([id_col, wave_col]).any():
        dup = data[data.duplicated([id_col, wave_col])].iloc[0]
        raise InputError(f"person {dup[id_col]!r} has two {value!r} scores in wave {dup[wave_col]!r}")
    wide = data.pivot(index=id_col, columns=wave_col, values=value)
    if before not in wide.columns or after not in wide.columns:
        raise InputError(f"waves {before!r} and {after!r} are not both present in column {wave_col!r}")
    wide = wide.dropna(subset=[before, after])
    if by:  # group by the person's attributes at the later wave
        attrs = data[data[wave_col] == after].drop_duplicates(id_col).set_index(id_col)[by]
        wide = wide.join(attrs, how="inner")
    return wide


def _paired_change_table(
    wide: pd.DataFrame, by: list[str], before: str, after: str, ci: float
) -> pd.DataFrame:
    """Per group of ``by``: n, the two wave means, the mean change and the paired tests."""
    groups = wide.groupby(by, sort=True, observed=True) if by else [((), wide)]
    rows = []
    for key, part in groups:
        key = key if isinstance(key, tuple) else (key,)
        d = (part[after] - part[before]).to_numpy(dtype=float)
        res = paired_statistics(d, ci)
        row = dict(zip(by, key, strict=False))
        row.update(
            n=len(d),
            mean_baseline=part[before].mean(),
            mean_follow_up=part[after].mean(),
            mean_change=res["change"],
            ci_low=res["ci_low"],
            ci_high=res["ci_high"],
            p_paired_t=res["p_t"],
            p_wilcoxon=res["p_wilcoxon"],
            d_z=res["d_z"],
        )
        rows.append(row)
    table = pd.DataFrame(rows)
    for col in ("ci_low", "ci_high", "p_paired_t", "p_wilcoxon", "d_z"):
        if col not in table:
            table[col] = np.nan
    return table


def paired_statistics(d: np.ndarray, ci: float = 0.95) -> dict[str, float]:
    """Mean change, t CI, paired t, Wilcoxon signed-rank and d_z for paired differences ``d``.

    Zero differences stay in the Wilcoxon ranking (Pratt 1959) rather than being dropped (scipy's default):
    with 1–5 ratings many people do not change, and dropping them overstates the evidence of change. Returns
    NaN where a statistic is undefined (fewer than two pairs; t and d_z when every difference is the same;
    Wilcoxon when every difference is zero).
    """
    d = np.asarray(d, dtype=float)
    n = len(d)
    out = dict.fromkeys(("change", "ci_low", "ci_high", "t", "p_t", "p_wilcoxon", "d_z"), np.nan)
    if n:
        out["change"] = float(d.mean())
    if n < 2:
        return out
    sd = d.std(ddof=1)
    half = stats.t.ppf(0.5 + ci / 2, n - 1) * sd / np.sqrt(n)
    out["ci_low"], out["ci_high"] = d.mean() - half, d.mean() + half
    if sd > 0:
        res = stats.ttest_1samp(d, 0.0)
        out["t"], out["p_t"] = float(res.statistic), float(res.pvalue)
        out["d_z"] = float(d.mean() / sd)
    if np.any(d != 0):
        out["p_wilcoxon"] = wilcoxon_pratt_p(d)
    return out


#: scipy's Wilcoxon test runs its exact permutation test (every sign flip) up to this many differences
_EXACT_FLIPS_UP_TO = 13


def wilcoxon_pratt_p(d: np.ndarray) -> float:
    """Two-sided Wilcoxon signed-rank p-value with Pratt's zeros: ``scipy.stats.wilcoxon(d, zero_method="pratt")``.

    For 13 or fewer differences with ties or zeros (most small groups rating on 1–5), scipy counts all 2ⁿ sign
    flips one flip pattern at a time, in Python; here the same flips are counted in one matrix product, with
    scipy's rule for the p-value (the share of flips at least as extreme, each side within its relative
    tolerance, doubled, at most 1): the same value, many times faster. Otherwise scipy answers.
    """
    d = np.asarray(d, dtype=float)
    n = len(d)
    size = np.abs(d)
    if n > _EXACT_FLIPS_UP_TO or not ((d == 0).any() or len(np.unique(size)) < n):
        return float(stats.wilcoxon(d, zero_method="pratt").pvalue)
    ranks = stats.rankdata(size)  # zeros are ranked too (Pratt), then count for neither side
    observed = float(ranks[d > 0].sum())
    flips = (np.arange(2**n)[:, None] >> np.arange(n)) & 1  # every choice of which differences are positive
    null = flips @ np.where(d != 0, ranks, 0.0)
    tolerance = abs(np.finfo(float).eps * 100 * observed)
    below = np.count_nonzero(null <= observed + tolerance) / 2**n
    above = np.count_nonzero(null >= observed - tolerance) / 2**n
    return float(min(1.0, 2 * min(below, above)))
