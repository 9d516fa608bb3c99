"""The vectorised bootstrap against closed forms and an independent implementation."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from mindthegap.analysis.bootstrap import bootstrap_group_means, bootstrap_means, grouped_mean_ci
from mindthegap.analysis.gap import values_practice_gap


def t_interval(x: np.ndarray, ci: float = 0.95) -> tuple[float, float]:
    """Reference: the analytic Student t interval for a mean (closed form, scipy's t quantile)."""
    half = stats.t.ppf(0.5 + ci / 2, len(x) - 1) * x.std(ddof=1) / np.sqrt(len(x))
    return x.mean() - half, x.mean() + half


@pytest.mark.parametrize("n", [2000, 10000])
def test_bootstrap_ci_agrees_with_t_interval_on_large_samples(n):
    """On large samples the studentised bootstrap CI of a mean converges to the t-interval (CLT)."""
    rng = np.random.default_rng(7)
    x = rng.integers(-4, 5, size=n).astype(float)
    frame = pd.DataFrame({"g": "a", "x": x})
    got = grouped_mean_ci(frame, "x", ["g"], n_boot=4000, seed=1).iloc[0]
    lo, hi = t_interval(x)
    width = hi - lo
    # Monte Carlo error of a 2.5% quantile with B=4000 is ~2% of the width; allow 6%.
    assert got["ci_low"] == pytest.approx(lo, abs=0.06 * width)
    assert got["ci_high"] == pytest.approx(hi, abs=0.06 * width)
    assert got["mean"] == pytest.approx(x.mean(), rel=1e-12)
    assert got["n"] == n


def test_multinomial_path_matches_index_resampling_distribution():
    """The multinomial shortcut draws from the same distribution as resampling individuals.

    Reference: plain index resampling with NumPy; the two replicate distributions must agree in mean and
    standard deviation (the bootstrap SE, whose closed form is sd(x)*sqrt((n-1)/n)/sqrt(n)).
    """
    rng = np.random.default_rng(3)
    x = rng.integers(1, 6, size=150).astype(float)
    fast = bootstrap_means(x, 20000, np.random.default_rng(1))
    idx = np.random.default_rng(2).integers(0, len(x), size=(20000, len(x)))
    slow = x[idx].mean(axis=1)
    closed_se = x.std(ddof=0) / np.sqrt(len(x))
    assert fast.std() == pytest.approx(closed_se, rel=0.03)
    assert slow.std() == pytest.approx(closed_se, rel=0.03)
    assert fast.mean() == pytest.approx(x.mean(), abs=0.01)
    ks = stats.ks_2samp(fast, slow)
    assert ks.pvalue > 0.001


def test_continuous_data_fall_back_to_index_resampling():
    rng = np.random.default_rng(5)
    x = rng.normal(10, 2, size=3000)
    codes = np.zeros(len(x), dtype=np.int64)
    n, _, lo, hi = bootstrap_group_means(codes, x, 1, n_boot=3000, seed=4)
    ref_lo, ref_hi = t_interval(x)
    assert n[0] == 3000
    assert lo[0] == pytest.approx(ref_lo, abs=0.03)
    assert hi[0] == pytest.approx(ref_hi, abs=0.03)


def test_seeded_and_deterministic():
    rng = np.random.default_rng(11)
    frame = pd.DataFrame({"g": rng.integers(0, 30, 5000), "x": rng.integers(1, 6, 5000).astype(float)})
    a = grouped_mean_ci(frame, "x", ["g"], seed=9)
    b = grouped_mean_ci(frame, "x", ["g"], seed=9)
    c = grouped_mean_ci(frame, "x", ["g"], seed=10)
    pd.testing.assert_frame_equal(a, b)
    assert not np.allclose(a["ci_low"], c["ci_low"])


def test_missing_values_and_keys_are_ignored():
    frame = pd.DataFrame({"g": ["a", "a", None, "b"], "x": [1.0, np.nan, 3.0, 5.0]})
    out = grouped_mean_ci(frame, "x", ["g"], n_boot=200)
    assert out["g"].tolist() == ["a", "b"]
    assert out["n"].tolist() == [1, 1]
    assert out["mean"].tolist() == [1.0, 5.0]
    # one person gives no interval: there is no spread to resample
    assert out["ci_low"].isna().all() and out["ci_high"].isna().all()


def test_people_are_resampled_not_rows():
    """Closed form: a person's repeated rows move together, so six identical rows per person give exactly the
    interval of one row per person (same seed), not one √6 times narrower."""
    rng = np.random.default_rng(8)
    per_person = rng.integers(-2, 5, size=300).astype(float)
    one = bootstrap_group_means(np.zeros(300, dtype=np.int64), per_person, 1, seed=3)
    six = bootstrap_group_means(
        np.zeros(1800, dtype=np.int64),
        np.repeat(per_person, 6),
        1,
        clusters=np.repeat(np.arange(300), 6),
        seed=3,
    )
    assert six[0][0] == 300  # n counts people
    np.testing.assert_allclose(np.concatenate(six[1:]), np.concatenate(one[1:]), rtol=1e-12)


def test_studentised_interval_matches_t_interval_for_continuous_data():
    """Reference: the analytic t-interval (closed form); the index-resampling path of the studentised bootstrap
    agrees with it on a large normal sample to within Monte Carlo error."""
    rng = np.random.default_rng(12)
    x = rng.normal(0, 1, size=4000)
    _, _, lo, hi = bootstrap_group_means(np.zeros(len(x), dtype=np.int64), x, 1, n_boot=4000, seed=2)
    ref_lo, ref_hi = t_interval(x)
    width = ref_hi - ref_lo
    assert lo[0] == pytest.approx(ref_lo, abs=0.05 * width)
    assert hi[0] == pytest.approx(ref_hi, abs=0.05 * width)


def test_nearly_constant_group_keeps_its_interval_within_the_data():
    """When almost everyone gave the same answer some resamples have no spread; the interval then stays within
    the range of the people's own values instead of running to infinity."""
    x = np.array([0.0] * 10 + [4.0])
    _, mean, lo, hi = bootstrap_group_means(np.zeros(11, dtype=np.int64), x, 1, seed=1)
    assert mean[0] == pytest.approx(4 / 11)
    assert 0.0 <= lo[0] <= mean[0] <= hi[0] <= 4.0
    same = bootstrap_group_means(np.zeros(11, dtype=np.int64), np.full(11, 2.0), 1)
    assert same[2][0] == same[3][0] == 2.0


# --- coverage -----------------------------------------------------------------------------------------------
# A fixed population of 5,000 staff rating six principles; practice ratings share a person effect, so one
# person's gaps are correlated (as in real data). Studies of n people are drawn from it with replacement, so the
# true gap is known exactly. Each simulated study becomes one "service" of a single values_practice_gap call.
REPLICATES = 1000
MC_TOLERANCE = 3 * np.sqrt(0.95 * 0.05 / REPLICATES)  # three Monte Carlo standard errors: ±0.021


def _population(size: int = 5000, seed: int = 20261129, missing: float = 0.0):
    rng = np.random.default_rng(seed)
    person = rng.normal(0, 1, size)
    value = np.clip(np.round(4.2 + rng.normal(0, 0.8, (size, 6))), 1, 5)
    practice = np.clip(np.round(3.0 - 0.9 * person[:, None] + rng.normal(0, 0.8, (size, 6))), 1, 5)
    value[rng.random((size, 6)) < missing] = np.nan
    return value, practice


def gap_coverage(n: int, pooled: bool, *, missing: float = 0.0, seed: int = 1) -> float:
    """Share of REPLICATES studies of n people whose 95% CI for the gap covers the population's gap."""
    value, practice = _population(missing=missing)
    gap = value - practice
    truth = np.nanmean(gap) if pooled else np.nanmean(gap[:, 0])
    who = np.random.default_rng(seed).integers(0, len(value), size=(REPLICATES, n)).ravel()
    k = 6 if pooled else 1  # pooled: every principle, one table row per study; otherwise the first principle
    frame = pd.DataFrame(
        {
            "participant_id": np.repeat(np.arange(REPLICATES * n), k),
            "service": np.repeat(np.arange(REPLICATES), n * k).astype(str),
            "principle": np.tile(np.arange(k), REPLICATES * n).astype(str),
            "value": value[who][:, :k].ravel(),
            "practice": practice[who][:, :k].ravel(),
        }
    )
    by = ["service"] if pooled else ["principle", "service"]
    out = values_practice_gap(frame, by, margins=False, n_boot=1000, seed=seed, min_n=1)
    assert len(out) == REPLICATES
    return float(((out["gap_ci_low"] <= truth) & (truth <= out["gap_ci_high"])).mean())


@pytest.mark.parametrize("pooled", [False, True], ids=["one principle", "principles pooled"])
@pytest.mark.parametrize("n", [11, 30, 200])
@pytest.mark.slow
def test_gap_interval_holds_95_percent_coverage(n, pooled):
    """Coverage simulation: the studentised bootstrap of people covers the true gap 95% of the time (within
    three Monte Carlo standard errors over 1,000 seeded studies), at small and large n, with principles pooled
    (six correlated rows per person) or not. Resampling rows instead covered about 70% at n = 30, pooled."""
    assert abs(gap_coverage(n, pooled) - 0.95) <= MC_TOLERANCE


@pytest.mark.slow
def test_gap_interval_coverage_with_unanswered_principles():
    """Coverage simulation as above with 15% of value ratings missing, so people bring unequal numbers of rows
    (the ratio-mean path with varied (sum, count) pairs)."""
    for n in (11, 200):
        assert abs(gap_coverage(n, True, missing=0.15, seed=2) - 0.95) <= MC_TOLERANCE


@pytest.mark.slow
def test_percentile_interval_under_covers_at_small_n():
    """Why the default is studentised: the same simulation with the percentile interval covers about 90% at
    n = 11 — outside Monte Carlo error — while the studentised interval on the same draws does not (4,000
    studies here, as each is cheap: tolerance ±0.010)."""
    value, practice = _population()
    gap = (value - practice)[:, 0]
    studies = 4000
    tolerance = 3 * np.sqrt(0.95 * 0.05 / studies)
    draws = gap[np.random.default_rng(4).integers(0, len(gap), size=(studies, 11))]
    codes = np.repeat(np.arange(studies), 11)
    hits = {}
    for method in ("percentile", "studentised"):
        _, _, lo, hi = bootstrap_group_means(
            codes, draws.ravel(), studies, n_boot=1000, seed=5, method=method
        )
        hits[method] = float(((lo <= gap.mean()) & (gap.mean() <= hi)).mean())
    assert hits["percentile"] < 0.95 - tolerance
    assert abs(hits["studentised"] - 0.95) <= tolerance
