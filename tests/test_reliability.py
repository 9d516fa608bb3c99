"""Reliability figures against independent references: pingouin (alpha and Feldt CI), closed forms (omega)."""

import numpy as np
import pandas as pd
import pingouin as pg
import pytest

from mindthegap.analysis.reliability import (
    cronbach_alpha,
    item_statistics,
    omega_from_correlations,
    omega_total,
    reliability,
)


def _likert(n, k, seed=0, noise=1.0):
    rng = np.random.default_rng(seed)
    f = rng.normal(size=n)
    return pd.DataFrame(
        {f"Q{j + 1}": np.clip(np.round(3 + f + noise * rng.normal(size=n)), 1, 5) for j in range(k)}
    )


@pytest.mark.parametrize(("n", "k", "seed"), [(40, 3, 1), (300, 5, 2), (2000, 7, 3)])
def test_alpha_and_ci_match_pingouin(n, k, seed):
    """Reference: pingouin.cronbach_alpha (alpha to 1e-6; its CI is Feldt's, rounded to 3 places by pingouin)."""
    data = _likert(n, k, seed)
    alpha, low, high, used = cronbach_alpha(data)
    ref_alpha, ref_ci = pg.cronbach_alpha(data)
    assert alpha == pytest.approx(ref_alpha, abs=1e-6)
    assert (round(low, 3), round(high, 3)) == pytest.approx(tuple(ref_ci), abs=1e-9)
    assert used == n


def test_alpha_closed_form_for_parallel_items():
    """Reference: closed form — with k items of equal variance and common covariance c, α = k·c / (v + (k−1)·c)."""
    # a tiny dataset whose sample covariance has that structure exactly: v = 1, c = 0.5 (k = 3)
    rng = np.random.default_rng(5)
    z = rng.normal(size=(500, 3))
    z = (z - z.mean(0)) @ np.linalg.inv(np.linalg.cholesky(np.cov(z, rowvar=False)).T)
    target = np.full((3, 3), 0.5) + 0.5 * np.eye(3)
    x = z @ np.linalg.cholesky(target).T
    alpha = cronbach_alpha(pd.DataFrame(x))[0]
    assert alpha == pytest.approx(3 * 0.5 / (1 + 2 * 0.5), abs=1e-9)


def test_alpha_uses_complete_cases_like_pingouin():
    data = _likert(200, 4, 9)
    data.iloc[::7, 2] = np.nan
    alpha, *_, n = cronbach_alpha(data)
    assert n == len(data.dropna())
    assert alpha == pytest.approx(pg.cronbach_alpha(data, nan_policy="listwise")[0], abs=1e-6)


def test_omega_matches_closed_form_for_a_one_factor_matrix():
    """Reference: closed form ω = (Σλ)² / ((Σλ)² + Σ(1 − λ²)) for R = λλᵀ + diag(1 − λ²) (McDonald 1999)."""
    lam = np.array([0.8, 0.75, 0.6, 0.55, 0.4, 0.7])
    corr = np.outer(lam, lam)
    np.fill_diagonal(corr, 1.0)
    expected = lam.sum() ** 2 / (lam.sum() ** 2 + (1 - lam**2).sum())
    assert omega_from_correlations(corr) == pytest.approx(expected, abs=1e-6)


def test_omega_equals_alpha_for_parallel_items():
    """Reference: for tau-equivalent standardised items ω equals standardised α (closed form)."""
    lam = np.full(5, 0.6)
    corr = np.outer(lam, lam)
    np.fill_diagonal(corr, 1.0)
    k, r = 5, 0.36
    assert omega_from_correlations(corr) == pytest.approx(k * r / (1 + (k - 1) * r), abs=1e-6)


def test_omega_on_data_is_close_to_alpha():
    data = _likert(3000, 6, 4)
    assert omega_total(data) == pytest.approx(cronbach_alpha(data)[0], abs=0.02)


def test_item_statistics_match_pingouin_and_numpy():
    """Reference: numpy corrcoef for corrected item–total r; pingouin alpha on the remaining items."""
    data = _likert(250, 4, 11)
    table = item_statistics(data).set_index("item")
    for col in data.columns:
        rest = data.drop(columns=col)
        assert table.loc[col, "item_total_r"] == pytest.approx(np.corrcoef(data[col], rest.sum(axis=1))[0, 1])
        assert table.loc[col, "alpha_if_deleted"] == pytest.approx(pg.cronbach_alpha(rest)[0], abs=1e-6)


def test_reverse_scoring_restores_alpha():
    data = _likert(400, 4, 12)
    flipped = data.copy()
    flipped["Q2"] = 6 - flipped["Q2"]
    plain = reliability(data, {"c": list(data.columns)})
    fixed = reliability(flipped, {"c": list(data.columns)}, reverse=["Q2"])
    assert fixed["alpha"].iloc[0] == pytest.approx(plain["alpha"].iloc[0])
    assert reliability(flipped, {"c": list(data.columns)})["alpha"].iloc[0] < plain["alpha"].iloc[0]


def test_group_of_10_never_appears_and_group_of_11_does():
    data = _likert(10 + 11 + 60, 4, 13)
    data["team"] = ["ten"] * 10 + ["eleven"] * 11 + ["big"] * 60
    table = reliability(data, {"c": ["Q1", "Q2", "Q3", "Q4"]}, by=["team"]).set_index("team")
    assert (
        table.loc["ten", "suppressed"]
        and pd.isna(table.loc["ten", "alpha"])
        and pd.isna(table.loc["ten", "n"])
    )
    assert pd.isna(table.loc["ten", "omega"]) and pd.isna(table.loc["ten", "alpha_ci_low"])
    assert not table.loc["eleven", "suppressed"] and table.loc["eleven", "n"] == 11
    assert table.loc["eleven", "alpha"] == pytest.approx(
        pg.cronbach_alpha(data[data.team == "eleven"].iloc[:, :4])[0]
    )


def test_omega_matches_the_exact_three_item_solution():
    """Reference: with three items the one-factor model is exactly identified, λ₁ = √(r₁₂r₁₃/r₂₃) and so on
    (closed form). The slowly converging principal-axis iteration stopped at 500 steps was 0.17 off here."""
    rng = np.random.default_rng(4)
    cases = [np.array([0.98941038, 0.0501025, 0.07492697]), *rng.uniform(0.05, 0.99, size=(200, 3))]
    for lam in cases:
        corr = np.outer(lam, lam)
        np.fill_diagonal(corr, 1.0)
        r12, r13, r23 = corr[0, 1], corr[0, 2], corr[1, 2]
        exact = np.sqrt([r12 * r13 / r23, r12 * r23 / r13, r13 * r23 / r12])
        expected = exact.sum() ** 2 / (exact.sum() ** 2 + (1 - exact**2).sum())
        assert omega_from_correlations(corr) == pytest.approx(expected, abs=1e-8)


def test_omega_says_when_the_fit_does_not_converge_or_hits_a_heywood_case(monkeypatch):
    from mindthegap.analysis import reliability as rel

    corr = np.array([[1.0, 0.5, 0.4], [0.5, 1.0, 0.3], [0.4, 0.3, 1.0]])
    assert not rel.one_factor_fit(corr, max_evaluations=1).converged
    assert rel.one_factor_fit(corr).converged
    # r12 r13 / r23 = 1.12 > 1: the first loading sits at its bound of 1
    heywood = rel.one_factor_fit(np.array([[1.0, 0.8, 0.7], [0.8, 1.0, 0.5], [0.7, 0.5, 1.0]]))
    assert heywood.converged and heywood.heywood and heywood.loadings[0] == pytest.approx(1.0)
    stuck = rel.OneFactorFit(np.full(3, 0.5), converged=False, heywood=False)
    monkeypatch.setattr(rel, "one_factor_fit", lambda corr, max_evaluations=2000: stuck)
    with pytest.warns(rel.OmegaConvergenceWarning):
        assert np.isnan(rel.omega_from_correlations(corr))
    rng = np.random.default_rng(1)
    f = rng.normal(size=200)
    data = pd.DataFrame({f"i{j}": f + rng.normal(size=200) for j in range(3)})
    row = rel.reliability(data, {"c": list(data.columns)}, scale_min=-10, scale_max=10).iloc[0]
    assert np.isnan(row["omega"]) and "did not converge" in row["note"]


def test_omega_needs_three_items():
    """With two items any λ₁λ₂ = r₁₂ fits, so omega is not identified and is left missing."""
    assert np.isnan(omega_from_correlations(np.array([[1.0, 0.5], [0.5, 1.0]])))


def test_negative_alpha_is_flagged():
    """Closed form: an unreversed negatively worded item makes the items covary negatively, alpha < 0."""
    rng = np.random.default_rng(2)
    f = rng.normal(size=300)
    data = pd.DataFrame({"a": f + rng.normal(0, 0.5, 300), "b": -f + rng.normal(0, 0.5, 300)})
    row = reliability(data, {"c": ["a", "b"]}, scale_min=-10, scale_max=10).iloc[0]
    assert row["alpha"] < 0 and "worded in reverse" in row["note"]
    fixed = reliability(data, {"c": ["a", "b"]}, reverse=["b"], scale_min=-10, scale_max=10).iloc[0]
    assert fixed["alpha"] > 0.7 and pd.isna(fixed["note"])
