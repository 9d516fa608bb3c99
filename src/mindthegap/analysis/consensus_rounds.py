"""Between Delphi rounds: stability of ratings and the feedback raters see before the next round.

Stability is reported apart from agreement: a panel can agree and still be moving. For each statement, group
and pair of consecutive rounds, the raters who rated the statement in both rounds are paired; the share whose
rating moved to another band (1–3, 4–6, 7–9) is ``pct_moved``, and the statement is "stable" in that group
when at most ``max_change`` (default 15%) moved, after the 15% change criterion of Scheibe, Skutsch and
Schofer (1975). Where a statement was edited between the rounds the pair is flagged ``edited``: the change
then measures the response to new wording as well as to the feedback.

Feedback shows each group's distribution of ratings (percentages of the group, never counts of a rating) with
its median, beside the rater's own rating in that round. Groups the plan hides show nothing.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pandas as pd

from mindthegap.analysis.consensus import _all_last, _check, register_populations, suppress_by_part
from mindthegap.analysis.publication import PublicationPlan, apply_plan
from mindthegap.analysis.suppression import ALL
from mindthegap.privacy import DEFAULT_MIN_N

SCORES = range(1, 10)
BANDS = np.array([0, 1, 1, 1, 2, 2, 2, 3, 3, 3])  # rating -> band (1: 1–3, 2: 4–6, 3: 7–9)


def stability(
    ratings: pd.DataFrame,
    *,
    max_change: float = 0.15,
    across: bool = True,
    min_n: int = DEFAULT_MIN_N,
    plan: PublicationPlan | None = None,
) -> pd.DataFrame:
    """Per pair of consecutive rounds × statement × group (and "All"): ``n_pairs``, ``pct_moved`` (% of paired
    raters whose band changed), ``mean_abs_change``, ``change_pct_agree`` (percentage points rating 7–9 in the
    later round minus the earlier, among the pairs), ``edited`` and ``stable``."""
    data = _check(ratings)
    data["group"] = data["group"].astype(str)
    if "version" not in data.columns:
        data["version"] = 1
    rounds = sorted(data["round"].unique())
    frames = []
    for r0, r1 in pairwise(rounds):
        early = data[data["round"] == r0][["rater_id", "group", "statement", "rating", "version"]]
        late = data[data["round"] == r1][["rater_id", "statement", "rating", "version"]]
        pairs = early.merge(late, on=["rater_id", "statement"], suffixes=("_0", "_1"))
        pairs["moved"] = BANDS[pairs["rating_0"].astype(int)] != BANDS[pairs["rating_1"].astype(int)]
        pairs["abs_change"] = (pairs["rating_1"] - pairs["rating_0"]).abs()
        pairs["agree_change"] = (pairs["rating_1"] >= 7).astype(float) - (pairs["rating_0"] >= 7)
        pairs["edited"] = pairs["version_0"] != pairs["version_1"]
        pairs["rounds"] = f"{r0}-{r1}"
        frames.append(pairs)
    keys = ["rounds", "statement", "group"]
    if not frames:
        empty = pd.DataFrame(columns=[*keys, "n_pairs", "pct_moved", "mean_abs_change", "change_pct_agree"])
        return empty.assign(edited=pd.Series(dtype=bool), stable=pd.Series(dtype=bool))
    pairs = pd.concat(frames, ignore_index=True)
    tables = [_pair_stats(pairs, keys)]
    if across:
        tables.append(_pair_stats(pairs, keys[:2]).assign(group=ALL))
    table = pd.concat(tables, ignore_index=True)[[*keys, *tables[0].columns.drop(keys)]]
    table["stable"] = table["pct_moved"] <= 100 * max_change + 1e-9
    table = table.sort_values(keys, key=_all_last, kind="stable").reset_index(drop=True)
    if plan is not None:
        people = pairs.rename(columns={"rating_1": "rating"}).assign(round=pairs["rounds"])
        population = register_populations(plan, people, kind="delphi_pairs")

        def named(row: dict) -> str:
            return population({"round": row["rounds"], "statement": row["statement"]})

        return apply_plan(table, plan, {"n_pairs": named}, by=keys, keep=["edited"], output="stability")
    return suppress_by_part(table, n_col="n_pairs", by=keys, min_n=min_n, keep=["edited"])


def _pair_stats(pairs: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    grouped = pairs.groupby(keys, sort=True, observed=True)
    table = grouped.agg(
        n_pairs=("rater_id", "nunique"),
        pct_moved=("moved", "mean"),
        mean_abs_change=("abs_change", "mean"),
        change_pct_agree=("agree_change", "mean"),
        edited=("edited", "any"),
    ).reset_index()
    table["pct_moved"] *= 100
    table["change_pct_agree"] *= 100
    return table


def distribution(
    ratings: pd.DataFrame,
    round_: int,
    *,
    across: bool = True,
    min_n: int = DEFAULT_MIN_N,
    plan: PublicationPlan | None = None,
) -> pd.DataFrame:
    """Each group's ratings of each statement in round ``round_``: ``n``, ``median`` and ``pct_1`` … ``pct_9``
    (percentage of the group giving each rating), suppressed as the consensus summary is."""
    data = _check(ratings)
    data = data[data["round"] == round_].assign(group=lambda d: d["group"].astype(str))
    data["score"] = data["rating"].round().astype(int)
    keys = ["round", "statement", "group"]
    tables = [_score_shares(data, keys)]
    if across:
        tables.append(_score_shares(data, keys[:2]).assign(group=ALL))
    table = pd.concat(tables, ignore_index=True)
    table = table[[*keys, "n", "median", *[f"pct_{s}" for s in SCORES]]]
    table = table.sort_values(keys, key=_all_last, kind="stable").reset_index(drop=True)
    if plan is not None:
        population = register_populations(plan, data)
        return apply_plan(table, plan, {"n": population}, by=keys, output="round feedback")
    return suppress_by_part(table, by=keys, min_n=min_n)


def _score_shares(data: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    counts = pd.crosstab([data[k] for k in keys], data["score"]).reindex(columns=SCORES, fill_value=0)
    shares = counts.div(counts.sum(axis=1), axis=0) * 100
    shares.columns = [f"pct_{s}" for s in SCORES]
    grouped = data.groupby(keys, sort=True, observed=True)
    stats = grouped.agg(n=("rater_id", "nunique"), median=("rating", "median"))
    return stats.join(shares).reset_index()


def own_ratings(ratings: pd.DataFrame, rater_id: str, round_: int) -> pd.DataFrame:
    """The rater's own ratings (and comments) in ``round_``: ``statement``, ``rating``, ``comment``."""
    mine = ratings[(ratings["rater_id"].astype(str) == str(rater_id)) & (ratings["round"] == round_)]
    cols = ["statement", "rating", *(["comment"] if "comment" in ratings.columns else [])]
    return mine[cols].reset_index(drop=True)
