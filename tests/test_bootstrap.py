"""The vectorised bootstrap against closed forms and an independent implementation."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from mindthegap.analysis.bootstrap import bootstrap_group_means, bootstrap_means, grouped_mean_ci


def t_interval(x: np.ndarray, ci: float = 0.95) -> tuple[float, float]:
    """Reference: the analytic Student t interval for a mean (closed form, scipy's t quantile)."""
    half = stats.t.ppf(0.5 + ci / 2, len(x) - 1) * x.std(ddof=1) / np.sqrt(len(x))
    return x.mean() - half, x.mean() + half


@pytest.mark.parametrize("n", [2000, 10000])
def test_bootstrap_ci_agrees_with_t_interval_on_large_samples(n):
    """On large samples the percentile bootstrap CI of a mean converges to the t-interval (CLT)."""
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
    # a single observation resamples to itself
    assert out["ci_low"].tolist() == [1.0, 5.0]
