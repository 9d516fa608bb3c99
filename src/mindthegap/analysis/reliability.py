"""Internal consistency of survey constructs: Cronbach's alpha with a 95% CI, McDonald's omega, item statistics.

* Alpha uses complete cases (listwise deletion), as most packages do, so the figure is reproducible elsewhere.
* Its confidence interval is Feldt's (Feldt 1965, Psychometrika 30:357; Feldt, Woodruff & Salih 1987, Appl
  Psychol Meas 11:93): (1 − α)·F ratios with n − 1 and (n − 1)(k − 1) degrees of freedom, as pingouin reports.
* Omega total (McDonald 1999) comes from a one-factor model fitted to the item correlations by unweighted
  least squares (minimum residual, the fixed point iterated principal-axis factoring creeps towards): the
  loadings minimise Σᵢ<ⱼ(rᵢⱼ − λᵢλⱼ)², with |λ| ≤ 1, solved to convergence by scipy's trust-region least
  squares; ω = (Σλ)² / ((Σλ)² + Σ(1 − λ²)). With three items the model is exactly identified and the fit
  reproduces the closed form λ₁ = √(r₁₂r₁₃/r₂₃). Omega needs at least three items (with two, any pair of
  loadings with λ₁λ₂ = r₁₂ fits). A fit that does not converge gives no omega and says so.
* Corrected item–total correlation (item with the sum of the *other* items) and alpha if the item is deleted.
* The table's ``note`` flags a negative alpha (the items covary negatively on balance: usually a negatively
  worded item that was not reverse-scored), an omega fit that did not converge, and a loading at ±1 (a Heywood
  case: one item carries the factor alone).
Per-group tables are suppressed by the study's publication plan when one is given (each construct's complete
cases being a population of their own), else with :func:`mindthegap.analysis.suppression.suppress`.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, stats

from mindthegap.analysis.publication import PublicationPlan, apply_plan
from mindthegap.analysis.scoring import ItemScales, check_columns, reverse_score
from mindthegap.analysis.suppression import suppress
from mindthegap.privacy import DEFAULT_MIN_N


def _complete(items: pd.DataFrame) -> np.ndarray:
    arr = items.apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    return arr[~np.isnan(arr).any(axis=1)]


def cronbach_alpha(items: pd.DataFrame | np.ndarray, ci: float = 0.95) -> tuple[float, float, float, int]:
    """Cronbach's alpha with Feldt's CI over complete cases; returns (alpha, low, high, n)."""
    arr = _complete(pd.DataFrame(items))
    n, k = arr.shape
    if n < 2 or k < 2:
        return np.nan, np.nan, np.nan, n
    item_var = arr.var(axis=0, ddof=1).sum()
    total_var = arr.sum(axis=1).var(ddof=1)
    if total_var == 0:
        return np.nan, np.nan, np.nan, n
    alpha = k / (k - 1) * (1 - item_var / total_var)
    df1, df2 = n - 1, (n - 1) * (k - 1)
    q = (1 - ci) / 2
    low = 1 - (1 - alpha) * stats.f.ppf(1 - q, df1, df2)
    high = 1 - (1 - alpha) * stats.f.ppf(q, df1, df2)
    return float(alpha), float(low), float(high), n


class OmegaConvergenceWarning(RuntimeWarning):
    """The one-factor model behind omega did not converge; omega is reported as missing."""


@dataclass(frozen=True)
class OneFactorFit:
    """A one-factor model of a correlation matrix: loadings, whether the fit converged, and whether a loading
    reached ±1 (a Heywood case)."""

    loadings: np.ndarray
    converged: bool
    heywood: bool


def one_factor_fit(corr: np.ndarray, max_evaluations: int = 2000) -> OneFactorFit:
    """Fit λ to minimise Σᵢ<ⱼ(rᵢⱼ − λᵢλⱼ)² with |λᵢ| ≤ 1 (unweighted least squares), to convergence.

    Starts from one principal-axis step (squared multiple correlations as communalities), so the factor is
    oriented with the items; the sign is then chosen so that the loadings sum to a positive number.
    """
    corr = np.asarray(corr, dtype=float)
    k = corr.shape[0]
    i, j = np.triu_indices(k, 1)
    try:
        h2 = 1 - 1 / np.diag(np.linalg.inv(corr))
    except np.linalg.LinAlgError:
        h2 = np.full(k, 0.5)
    reduced = corr.copy()
    np.fill_diagonal(reduced, np.clip(h2, 0.005, 0.995))
    vals, vecs = np.linalg.eigh(reduced)
    start = np.clip(vecs[:, -1] * np.sqrt(max(vals[-1], 1e-6)), -0.999, 0.999)

    def residuals(lam: np.ndarray) -> np.ndarray:
        return corr[i, j] - lam[i] * lam[j]

    def jacobian(lam: np.ndarray) -> np.ndarray:
        jac = np.zeros((len(i), k))
        jac[np.arange(len(i)), i] = -lam[j]
        jac[np.arange(len(i)), j] = -lam[i]
        return jac

    res = optimize.least_squares(
        residuals, start, jac=jacobian, bounds=(-1.0, 1.0), method="trf",
        xtol=1e-15, ftol=1e-15, gtol=1e-12, max_nfev=max_evaluations,
    )  # fmt: skip
    lam = res.x if res.x.sum() >= 0 else -res.x  # the sign of a factor is arbitrary
    return OneFactorFit(lam, converged=bool(res.status > 0), heywood=bool(np.any(np.abs(lam) > 1 - 1e-6)))


def one_factor_loadings(corr: np.ndarray) -> np.ndarray:
    """Loadings of the one-factor model of a correlation matrix (see :func:`one_factor_fit`)."""
    return one_factor_fit(corr).loadings


def omega_total(items: pd.DataFrame | np.ndarray) -> float:
    """McDonald's omega total from a one-factor model of the item correlations (complete cases)."""
    arr = _complete(pd.DataFrame(items))
    if arr.shape[0] < 3 or arr.shape[1] < 3 or np.any(arr.std(axis=0) == 0):
        return np.nan
    return omega_from_correlations(np.corrcoef(arr, rowvar=False))


def omega_from_correlations(corr: np.ndarray) -> float:
    """Omega total for a correlation matrix: (Σλ)² / ((Σλ)² + Σ(1 − λ²)); NaN, with an
    :class:`OmegaConvergenceWarning`, when the fit does not converge, and for fewer than three items."""
    corr = np.asarray(corr, dtype=float)
    if corr.shape[0] < 3:
        return np.nan
    fit = one_factor_fit(corr)
    if not fit.converged:
        warnings.warn(
            "the one-factor model for omega did not converge", OmegaConvergenceWarning, stacklevel=2
        )
        return np.nan
    lam = fit.loadings
    common = lam.sum() ** 2
    return float(common / (common + (1 - lam**2).sum()))


def _omega_and_note(alpha: float, items: pd.DataFrame) -> tuple[float, str | None]:
    """Omega for a construct's items and the warnings a reader of the reliability table needs beside it."""
    notes = []
    if alpha < 0:
        notes.append("alpha is negative: an item may be worded in reverse and not reverse-scored")
    arr = _complete(items)
    omega = np.nan
    if arr.shape[0] >= 3 and arr.shape[1] >= 3 and np.all(arr.std(axis=0) > 0):
        fit = one_factor_fit(np.corrcoef(arr, rowvar=False))
        if not fit.converged:
            notes.append("omega: the one-factor model did not converge")
        else:
            common = fit.loadings.sum() ** 2
            omega = float(common / (common + (1 - fit.loadings**2).sum()))
            if fit.heywood:
                notes.append(
                    "omega: a loading reached 1 (Heywood case), so one item carries the factor alone"
                )
    return omega, "; ".join(notes) or None


def item_statistics(items: pd.DataFrame) -> pd.DataFrame:
    """Per item: mean, SD, corrected item–total correlation and alpha if the item is deleted (complete cases)."""
    cols = list(items.columns)
    arr = _complete(items)
    rows = []
    for j, col in enumerate(cols):
        rest = np.delete(arr, j, axis=1)
        rest_total = rest.sum(axis=1)
        if arr.shape[0] > 2 and arr[:, j].std() > 0 and rest_total.std() > 0:
            r = float(np.corrcoef(arr[:, j], rest_total)[0, 1])
        else:
            r = np.nan
        a_del = cronbach_alpha(rest)[0] if rest.shape[1] >= 2 else np.nan
        rows.append(
            {
                "item": col,
                "mean": float(arr[:, j].mean()) if len(arr) else np.nan,
                "sd": float(arr[:, j].std(ddof=1)) if len(arr) > 1 else np.nan,
                "item_total_r": r,
                "alpha_if_deleted": a_del,
            }
        )
    return pd.DataFrame(rows)


def reliability(
    responses: pd.DataFrame,
    constructs: Mapping[str, Sequence[str]],
    *,
    reverse: Sequence[str] = (),
    scale_min: float = 1,
    scale_max: float = 5,
    by: Sequence[str] = (),
    min_n: int = DEFAULT_MIN_N,
    ci: float = 0.95,
    item_scales: ItemScales | None = None,
    plan: PublicationPlan | None = None,
    population: Callable[[dict], str] | None = None,
) -> pd.DataFrame:
    """Alpha (with Feldt CI), omega and complete-case n per construct, and per group when ``by`` is given.

    ``n`` is the number of complete cases behind the figures; groups with fewer than ``min_n`` are suppressed.
    ``note`` carries warnings (negative alpha, omega not converged, Heywood case), or is missing.
    ``item_scales`` gives items their own (min, max) for reverse-scoring (see
    :func:`~mindthegap.analysis.scoring.reverse_score`).
    With a ``plan``, ``population`` names the population of a row's complete cases from its values in the
    columns of ``by`` that are not grouping dimensions (a wave) and ``construct``; each is registered with
    the plan (people identified by the plan's id column) and the plan decides what is shown.
    """
    check_columns(responses, constructs)
    by = list(by)
    frame = reverse_score(
        responses, [c for c in reverse if c in responses.columns], scale_min, scale_max, item_scales
    )
    groups = [((), frame)] if not by else list(frame.groupby(by, dropna=False, observed=True, sort=True))
    rows = []
    for key, part in groups:
        key = key if isinstance(key, tuple) else (key,)
        for name, cols in constructs.items():
            alpha, low, high, n = cronbach_alpha(part[list(cols)], ci=ci)
            row = dict(zip(by, key, strict=False))
            omega, note = _omega_and_note(alpha, part[list(cols)])
            row.update(
                construct=name,
                k=len(cols),
                n=n,
                alpha=alpha,
                alpha_ci_low=low,
                alpha_ci_high=high,
                omega=omega,
                note=note,
            )
            rows.append(row)
    table = pd.DataFrame(rows)
    if plan is not None:
        if population is None:
            raise ValueError("reliability: a plan needs a population naming function")
        _register_complete_cases(plan, frame, constructs, by, population)
        return apply_plan(
            table, plan, {"n": population}, by=[*by, "construct"], keep=["k"], output="reliability"
        )
    return suppress(table, n_col="n", by=[*by, "construct"], min_n=min_n, keep=["k"])


def _register_complete_cases(plan, frame, constructs, by, population) -> None:
    """Each slice's complete cases for each construct are a population (the people behind its alpha)."""
    split = [d for d in by if d not in plan.dims]
    people = [c for c in (plan.id_col, *plan.dims) if c in frame.columns]
    for key, part in frame.groupby(split, dropna=False, sort=True) if split else [((), frame)]:
        key = key if isinstance(key, tuple) else (key,)
        values = dict(zip(split, key, strict=True))
        for name, cols in constructs.items():
            complete = part[list(cols)].apply(pd.to_numeric, errors="coerce").notna().all(axis=1)
            plan.register(population({**values, "construct": name}), part.loc[complete, people])


def item_table(
    responses: pd.DataFrame,
    constructs: Mapping[str, Sequence[str]],
    *,
    reverse: Sequence[str] = (),
    scale_min: float = 1,
    scale_max: float = 5,
    min_n: int = DEFAULT_MIN_N,
    item_scales: ItemScales | None = None,
) -> pd.DataFrame:
    """Item statistics for every construct; a construct with fewer than ``min_n`` complete cases is suppressed."""
    check_columns(responses, constructs)
    frame = reverse_score(
        responses, [c for c in reverse if c in responses.columns], scale_min, scale_max, item_scales
    )
    parts = []
    for name, cols in constructs.items():
        stats_ = item_statistics(frame[list(cols)])
        stats_.insert(0, "construct", name)
        stats_["n"] = len(_complete(frame[list(cols)]))
        stats_["reversed"] = stats_["item"].isin(list(reverse))
        parts.append(stats_)
    table = pd.concat(parts, ignore_index=True)
    hidden = table["n"] < min_n
    table.loc[hidden, ["mean", "sd", "item_total_r", "alpha_if_deleted", "n"]] = np.nan
    table["suppressed"] = hidden
    return table


def negative_items(items: pd.DataFrame, construct: str) -> list[str]:
    """The items of ``construct`` running against the rest (none when all do, as in a pair: which is reversed
    is then for the reader of the questionnaire to say)."""
    own = items[items["construct"] == construct]
    rows = own[own["item_total_r"] < 0]
    if "reversed" in rows.columns:
        rows = rows[~rows["reversed"].astype(bool)]
    return [] if len(rows) == len(own) else [str(i) for i in rows["item"]]
