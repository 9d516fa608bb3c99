"""The values–practice gap: how much people value each principle against how well they see it practised.

Each participant rates every principle twice on 1–5: how much they value it and how well it is practised
where they work. The gap is value − practice; positive means practice falls short of what people value.
For a group the gap is the mean of the individual gaps (value − practice) over the ratings with both halves,
with a studentised bootstrap CI that resamples participants, not rows (:mod:`mindthegap.analysis.bootstrap`):
when principles are pooled (a table by service alone) each person brings one gap per principle, and those are
resampled together. Groups below the small-number threshold are suppressed, with secondary suppression across
the "All" totals: by the study's publication plan when one is given (:mod:`mindthegap.analysis.publication`;
every product output passes it), else by the table's own cube (:mod:`mindthegap.analysis.suppression`).

The importance–performance placement (Martilla & James 1977, J Marketing 41:77–79) puts each principle at
(mean practice, mean value) and splits the plane at the means across principles.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

import numpy as np
import pandas as pd

from mindthegap.analysis.bootstrap import DEFAULT_N_BOOT, DEFAULT_SEED, bootstrap_group_means
from mindthegap.analysis.comparison import paired_statistics
from mindthegap.analysis.publication import PublicationPlan, apply_plan, population_name
from mindthegap.analysis.suppression import ALL, suppress
from mindthegap.privacy import DEFAULT_MIN_N

REQUIRED = ("participant_id", "principle", "value", "practice")
DEFAULT_BY = ("principle", "service", "discipline", "level", "wave")
NEVER_ROLLED_UP = ("principle", "wave")  # summing across principles or waves would double-count people

GAP_COLUMNS = ["n", "mean_value", "mean_practice", "gap", "gap_ci_low", "gap_ci_high"]


def _check(ratings: pd.DataFrame, by: Sequence[str]) -> None:
    missing = [c for c in (*REQUIRED, *by) if c not in ratings.columns]
    if missing:
        raise KeyError(f"values–practice ratings lack column(s): {', '.join(missing)}")
    if "wave" in ratings.columns and "wave" not in by and ratings["wave"].nunique() > 1:
        raise ValueError(
            "ratings span several waves: include 'wave' in `by` (pooling waves counts people twice)"
        )


def _complete(ratings: pd.DataFrame) -> pd.DataFrame:
    data = ratings.copy()
    data["value"] = pd.to_numeric(data["value"], errors="coerce").astype(float)
    data["practice"] = pd.to_numeric(data["practice"], errors="coerce").astype(float)
    data = data.dropna(subset=["value", "practice"])
    data["gap"] = data["value"] - data["practice"]
    return data


def grouping_sets(by: Sequence[str], margins: bool | Sequence[str]) -> list[tuple[str, ...]]:
    """The grouping sets of a cube over the dimensions that may be rolled up (as SQL's ``CUBE``)."""
    if margins is False:
        return [tuple(by)]
    rollable = [d for d in by if d not in NEVER_ROLLED_UP]
    if margins is not True:
        rollable = [d for d in rollable if d in set(margins)]
    sets = []
    for r in range(len(rollable) + 1):
        for dropped in combinations(rollable, r):
            sets.append(tuple(d for d in by if d not in dropped))
    return sets


def values_practice_gap(
    ratings: pd.DataFrame,
    by: Sequence[str] = DEFAULT_BY,
    *,
    margins: bool | Sequence[str] = True,
    n_boot: int = DEFAULT_N_BOOT,
    ci: float = 0.95,
    seed: int = DEFAULT_SEED,
    min_n: int = DEFAULT_MIN_N,
    plan: PublicationPlan | None = None,
) -> pd.DataFrame:
    """Gap per group with a bootstrap CI (participants resampled), small groups suppressed.

    ``ratings``: one row per participant × principle (× wave), columns ``participant_id``, ``principle``,
    ``value``, ``practice`` and the ``by`` columns. ``margins`` adds "All" rows for every combination of
    rolled-up dimensions (all of ``by`` but principle and wave; or only those named). Rows with a missing
    value in a ``by`` column count towards the totals over that column only.

    Returns one row per group: the ``by`` columns, ``n`` (participants), ``mean_value``, ``mean_practice``,
    ``gap``, ``gap_ci_low``, ``gap_ci_high``, ``suppressed``, ``suppression_reason``.

    With a ``plan``, each principle and wave is the population of the people who rated it there (see
    :func:`rating_populations`) and the plan decides what is shown; its ``min_n`` applies.
    """
    by = list(by)
    _check(ratings, by)
    data = _complete(ratings)
    data["person"] = pd.factorize(data["participant_id"])[0]  # once, not per grouping set
    # A table keyed by principle (and wave) gives each person at most one rating per group, unless the input
    # repeats a rating; then resampling rows already resamples people and the per-person sums can be skipped.
    identity = [c for c in ("person", "principle", "wave") if c in data.columns]
    single = not data.duplicated(identity).any()
    frames = []
    for i, gset in enumerate(grouping_sets(by, margins)):
        keys = list(gset)
        one_each = single and all(c in keys for c in identity if c != "person")
        table = _gap_by(data, keys, one_each, n_boot=n_boot, ci=ci, seed=seed + i)
        for d in by:
            if d not in keys:
                table[d] = ALL
        frames.append(table[[*by, *GAP_COLUMNS]])
    result = pd.concat(frames, ignore_index=True)
    for d in by:
        result[d] = result[d].astype(str)
    result = result.sort_values(by, key=_all_last, kind="stable").reset_index(drop=True)
    if plan is not None:
        population = rating_populations(plan, data, by)
        return apply_plan(result, plan, {"n": population}, by=by, output="values–practice gap")
    return suppress(result, by=by, min_n=min_n)


def _gap_by(
    data: pd.DataFrame, keys: list[str], one_each: bool, *, n_boot: int, ci: float, seed: int
) -> pd.DataFrame:
    """One grouping set: per group of ``keys``, n, mean value and practice, and the gap with its bootstrap CI
    (resampling people as clusters unless each has ``one_each`` rating per group)."""
    sub = data.dropna(subset=keys) if keys else data
    if keys:
        grouped = sub.groupby(keys, sort=True, observed=True)
        codes = grouped.ngroup().to_numpy()
        table = grouped.agg(
            n=("participant_id", "nunique"),
            mean_value=("value", "mean"),
            mean_practice=("practice", "mean"),
        ).reset_index()
    else:
        codes = np.zeros(len(sub), dtype=np.int64)
        table = pd.DataFrame(
            {
                "n": [sub["participant_id"].nunique()],
                "mean_value": [sub["value"].mean()],
                "mean_practice": [sub["practice"].mean()],
            }
        )
    _, gap, lo, hi = bootstrap_group_means(
        codes,
        sub["gap"].to_numpy(),
        len(table),
        clusters=None if one_each else sub["person"].to_numpy(),
        n_boot=n_boot,
        ci=ci,
        seed=seed,
    )
    table["gap"], table["gap_ci_low"], table["gap_ci_high"] = gap, lo, hi
    return table


def rating_populations(
    plan: PublicationPlan, data: pd.DataFrame, by: Sequence[str], kind: str = "values_practice"
):
    """Register with ``plan`` the people behind each principle and wave of complete ``data`` (one population
    per value of the columns in ``by`` that are never totalled over, and per wave where ``by`` has none) and
    return the function naming a row's population."""
    split = [d for d in NEVER_ROLLED_UP if d in by]
    fixed = {}
    if "wave" not in by and "wave" in data.columns and data["wave"].nunique() == 1:
        fixed["wave"] = str(data["wave"].iloc[0])
    people = [c for c in ("participant_id", *plan.dims) if c in data.columns]
    for key, part in data.groupby(split, sort=True) if split else [((), data)]:
        key = key if isinstance(key, tuple) else (key,)
        parts = {**fixed, **{d: str(v) for d, v in zip(split, key, strict=True)}}
        plan.register(population_name(kind, **parts), part[people])

    def population(row: dict) -> str:
        return population_name(kind, **fixed, **{d: str(row[d]) for d in split})

    return population


def _all_last(col: pd.Series) -> pd.Series:
    """Sort key putting "All" after the groups it totals."""
    return col.map(lambda v: (1, "") if v == ALL else (0, v))


def wave_change(
    ratings: pd.DataFrame,
    by: Sequence[str] = ("principle",),
    *,
    baseline: str,
    follow_up: str,
    ci: float = 0.95,
    min_n: int = DEFAULT_MIN_N,
    margins: bool | Sequence[str] = False,
    plan: PublicationPlan | None = None,
) -> pd.DataFrame:
    """Paired change in the gap between two waves, for participants who rated the principle in both.

    Per group: ``n_pairs``; mean gap at each wave; ``change`` (follow-up − baseline; negative = the gap
    narrowed) with a t-interval; the paired t-test (``t``, ``p_t``); the Wilcoxon signed-rank test
    (``p_wilcoxon``; zero differences kept by Pratt's method); and Cohen's d_z (mean change / SD of
    changes), all from :func:`~mindthegap.analysis.comparison.paired_statistics`. Small groups are suppressed
    on ``n_pairs``; with a ``plan``, by the plan, each principle's pairs being a population of their own.
    """
    by = [d for d in by if d != "wave"]
    _check(ratings.drop(columns=["wave"], errors="ignore").assign(wave=baseline), by)
    data = _complete(ratings)
    pairs = _pair_waves(data, baseline, follow_up)
    attrs = [d for d in by if d != "principle"]
    rows = []
    for gset in grouping_sets(["principle", *attrs], margins):
        keys = list(gset)
        sub = pairs.dropna(subset=keys)
        for key, grp in sub.groupby(keys, sort=True, observed=True):
            key = key if isinstance(key, tuple) else (key,)
            rows.append({**dict(zip(keys, key, strict=True)), **_paired_stats(grp, ci)})
    result = _change_table(rows, by)
    if plan is not None:
        kind = population_name("values_practice_pairs", baseline=baseline, follow_up=follow_up)
        population = rating_populations(plan, pairs.drop(columns=["wave"], errors="ignore"), by, kind=kind)
        return apply_plan(result, plan, {"n_pairs": population}, by=by, output="change in the gap")
    return suppress(result, n_col="n_pairs", by=by, min_n=min_n)


def _pair_waves(data: pd.DataFrame, baseline: str, follow_up: str) -> pd.DataFrame:
    """Baseline rows joined to the same person's follow-up gap on the same principle, with ``change``."""
    base = data[data["wave"] == baseline]
    foll = data[data["wave"] == follow_up]
    pairs = base.merge(
        foll[["participant_id", "principle", "gap"]],
        on=["participant_id", "principle"],
        suffixes=("_0", "_1"),
    )
    pairs["change"] = pairs["gap_1"] - pairs["gap_0"]
    return pairs


def _change_table(rows: list[dict], by: list[str]) -> pd.DataFrame:
    """The change rows as a table: the ``by`` columns ("All" where totalled), then the statistics, sorted."""
    columns = [
        *by,
        "n_pairs",
        "gap_baseline",
        "gap_follow_up",
        "change",
        "change_ci_low",
        "change_ci_high",
        "t",
        "p_t",
        "p_wilcoxon",
        "cohen_dz",
    ]
    result = pd.DataFrame(rows, columns=[c for c in columns if c in {*by, *rows[0]}] if rows else columns)
    for d in by:
        result[d] = result[d].fillna(ALL).astype(str) if d in result else ALL
    result = result[columns]
    return result.sort_values(by, key=_all_last, kind="stable").reset_index(drop=True)


def _paired_stats(grp: pd.DataFrame, ci: float) -> dict:
    res = paired_statistics(grp["change"].to_numpy(dtype=float), ci)
    return {
        "n_pairs": len(grp),
        "gap_baseline": grp["gap_0"].mean(),
        "gap_follow_up": grp["gap_1"].mean(),
        "change": res["change"],
        "change_ci_low": res["ci_low"],
        "change_ci_high": res["ci_high"],
        "t": res["t"],
        "p_t": res["p_t"],
        "p_wilcoxon": res["p_wilcoxon"],
        "cohen_dz": res["d_z"],
    }


QUADRANTS = {
    (True, False): "Concentrate here",  # valued highly, practised poorly
    (True, True): "Keep up the good work",
    (False, False): "Low priority",
    (False, True): "Possible overkill",
}


def importance_performance(gap_table: pd.DataFrame, *, label: str = "principle") -> pd.DataFrame:
    """Place each published row of a gap table in an importance–performance quadrant.

    Importance is the mean value rating, performance the mean practice rating; the cross-hairs sit at their
    means over the rows shown. Suppressed rows are left out.
    """
    shown = gap_table[~gap_table["suppressed"].astype(bool)].copy()
    if shown.empty:
        return shown.assign(importance=[], performance=[], quadrant=[])
    shown["importance"] = shown["mean_value"].astype(float)
    shown["performance"] = shown["mean_practice"].astype(float)
    imp_cut, perf_cut = shown["importance"].mean(), shown["performance"].mean()
    shown["quadrant"] = [
        QUADRANTS[(bool(i >= imp_cut), bool(p >= perf_cut))]
        for i, p in zip(shown["importance"], shown["performance"], strict=True)
    ]
    shown.attrs["importance_cut"] = imp_cut
    shown.attrs["performance_cut"] = perf_cut
    return shown.reset_index(drop=True)
