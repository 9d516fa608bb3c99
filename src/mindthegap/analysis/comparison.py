"""Comparing construct scores between groups and between waves, with effect sizes and multiplicity control.

* Group summaries: n, mean with a 95% percentile-bootstrap CI (:func:`~mindthegap.analysis.bootstrap.grouped_mean_ci`),
  median with a distribution-free CI from binomial order statistics (Conover 1999, §3.2).
* Omnibus: Kruskal–Wallis across the groups large enough to show.
* Pairs: Mann–Whitney U and Welch's t; Cliff's delta (= rank-biserial r for two groups) and Hedges' g with an
  approximate 95% CI (Hedges & Olkin 1985); p values adjusted by Holm and by Benjamini–Hochberg (statsmodels).
* Paired pre/post: only people who answered in both waves; mean change with a t CI, paired t, Wilcoxon, d_z.
Groups below ``min_n`` are suppressed in summaries and left out of every test, so no statistic is computed on
(and no difference can reveal) a small group.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

import numpy as np
import pandas as pd
from scipy import stats

from mindthegap.analysis.bootstrap import grouped_mean_ci
from mindthegap.analysis.suppression import suppress
from mindthegap.errors import InputError
from mindthegap.privacy import DEFAULT_MIN_N


def _need(frame: pd.DataFrame, columns: Sequence[str]) -> None:
    for col in columns:
        if col not in frame.columns:
            raise InputError(
                f"no column {col!r}", hint=f"columns are: {', '.join(map(str, frame.columns[:30]))}"
            )


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


def describe_groups(
    scores: pd.DataFrame,
    value: str,
    by: Sequence[str],
    *,
    n_boot: int = 2000,
    seed: int = 20261122,
    ci: float = 0.95,
    min_n: int = DEFAULT_MIN_N,
) -> pd.DataFrame:
    """Per group: n, mean with bootstrap CI, median with order-statistic CI; small groups suppressed."""
    by = list(by)
    _need(scores, [*by, value])
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
    return suppress(table, n_col="n", by=by, min_n=min_n)


def hedges_g(x: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    """Hedges' g (x − y over the pooled SD, small-sample corrected) with an approximate 95% CI."""
    n1, n2 = len(x), len(y)
    pooled = np.sqrt(((n1 - 1) * np.var(x, ddof=1) + (n2 - 1) * np.var(y, ddof=1)) / (n1 + n2 - 2))
    if pooled == 0:
        return np.nan, np.nan, np.nan
    g = (np.mean(x) - np.mean(y)) / pooled * (1 - 3 / (4 * (n1 + n2) - 9))
    se = np.sqrt((n1 + n2) / (n1 * n2) + g**2 / (2 * (n1 + n2)))
    return float(g), float(g - 1.959963984540054 * se), float(g + 1.959963984540054 * se)


def cliffs_delta(x: np.ndarray, y: np.ndarray) -> float:
    """Cliff's delta P(X > Y) − P(X < Y), computed from ranks in O(n log n)."""
    u = stats.mannwhitneyu(x, y, alternative="two-sided", method="asymptotic").statistic
    return float(2 * u / (len(x) * len(y)) - 1)


def compare_groups(
    scores: pd.DataFrame,
    value: str,
    group: str,
    *,
    reference: str | None = None,
    min_n: int = DEFAULT_MIN_N,
) -> tuple[pd.DataFrame, dict]:
    """Pairwise comparisons of ``value`` between levels of ``group`` (all pairs, or each against ``reference``).

    Returns (pairs table, omnibus dict with Kruskal–Wallis H, df, p and the groups left out as too small).
    """
    from statsmodels.stats.multitest import multipletests

    _need(scores, [group, value])
    data = scores[[group, value]].dropna()
    parts = {k: v[value].to_numpy(dtype=float) for k, v in data.groupby(group, sort=True, observed=True)}
    shown = {k: v for k, v in parts.items() if len(v) >= min_n}
    omitted = sorted(str(k) for k in parts if k not in shown)
    if reference is not None and reference not in shown:
        raise InputError(
            f"reference group {reference!r} is not among the groups large enough to compare",
            hint=f"groups: {', '.join(map(str, shown))}",
        )
    omnibus = {"test": "Kruskal–Wallis", "groups": len(shown), "omitted_small_groups": len(omitted)}
    if len(shown) >= 2:
        h, p = stats.kruskal(*shown.values())
        omnibus.update(statistic=float(h), df=len(shown) - 1, p=float(p))
    else:
        omnibus.update(statistic=np.nan, df=np.nan, p=np.nan)
    keys = list(shown)
    pairs = (
        [(reference, k) for k in keys if k != reference]
        if reference is not None
        else list(combinations(keys, 2))
    )
    rows = []
    for a, b in pairs:
        x, y = shown[b], shown[a]  # difference is b − a: "this group compared with the reference"
        mw = stats.mannwhitneyu(x, y, alternative="two-sided", method="asymptotic")
        welch = stats.ttest_ind(x, y, equal_var=False)
        g, g_lo, g_hi = hedges_g(x, y)
        rows.append(
            {
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
        )
    table = pd.DataFrame(
        rows,
        columns=[
            "group_a", "group_b", "n_a", "n_b", "mean_a", "mean_b", "difference", "hedges_g", "g_ci_low",
            "g_ci_high", "cliffs_delta", "mann_whitney_u", "p_mann_whitney", "welch_t", "p_welch",
        ],
    )  # fmt: skip
    if len(table):
        p = table["p_mann_whitney"].fillna(1.0).to_numpy()
        table["p_holm"] = multipletests(p, method="holm")[1]
        table["p_bh"] = multipletests(p, method="fdr_bh")[1]
    else:
        table["p_holm"] = table["p_bh"] = pd.Series(dtype=float)
    return table, omnibus


def paired_change(
    scores: pd.DataFrame,
    value: str,
    *,
    id_col: str,
    wave_col: str,
    before: str,
    after: str,
    by: Sequence[str] = (),
    min_n: int = DEFAULT_MIN_N,
) -> pd.DataFrame:
    """Change from ``before`` to ``after`` for people who answered in both waves, per group of ``by``.

    n is the number of people with both scores; groups under ``min_n`` are suppressed.
    """
    by = list(by)
    _need(scores, [id_col, wave_col, value, *by])
    data = scores[scores[wave_col].isin([before, after])].dropna(subset=[value])
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
    groups = wide.groupby(by, sort=True, observed=True) if by else [((), wide)]
    rows = []
    for key, part in groups:
        key = key if isinstance(key, tuple) else (key,)
        d = (part[after] - part[before]).to_numpy(dtype=float)
        n = len(d)
        row = dict(zip(by, key, strict=False))
        row.update(n=n, mean_before=part[before].mean(), mean_after=part[after].mean(), mean_change=d.mean())
        if n >= 2 and d.std(ddof=1) > 0:
            se = d.std(ddof=1) / np.sqrt(n)
            t = stats.t.ppf(0.975, n - 1)
            row.update(
                ci_low=d.mean() - t * se,
                ci_high=d.mean() + t * se,
                p_paired_t=float(stats.ttest_rel(part[after], part[before]).pvalue),
                p_wilcoxon=float(stats.wilcoxon(d).pvalue) if np.any(d != 0) else np.nan,
                d_z=d.mean() / d.std(ddof=1),
            )
        rows.append(row)
    table = pd.DataFrame(rows)
    for col in ("ci_low", "ci_high", "p_paired_t", "p_wilcoxon", "d_z"):
        if col not in table:
            table[col] = np.nan
    return suppress(table, n_col="n", by=by, min_n=min_n)
