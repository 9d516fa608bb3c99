"""Group and wave comparisons against scipy, pingouin, statsmodels and closed forms."""

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from scipy import stats

from mindthegap.analysis.comparison import (
    cliffs_delta,
    compare_groups,
    describe_groups,
    hedges_g,
    median_ci,
    paired_change,
)
from mindthegap.errors import InputError


def _scores(seed=0):
    rng = np.random.default_rng(seed)
    sizes = {"ten": 10, "eleven": 11, "ward_a": 60, "ward_b": 80, "ward_c": 45}
    shift = {"ten": 0.0, "eleven": 0.2, "ward_a": 0.0, "ward_b": 0.5, "ward_c": -0.3}
    frames = [
        pd.DataFrame({"team": k, "score": np.clip(3 + shift[k] + rng.normal(0, 0.8, n), 1, 5)})
        for k, n in sizes.items()
    ]
    return pd.concat(frames, ignore_index=True)


def test_pairwise_tests_match_scipy_and_pingouin():
    """Reference: scipy.stats.mannwhitneyu / ttest_ind(equal_var=False) / kruskal; pingouin hedges g."""
    scores = _scores()
    pairs, omnibus = compare_groups(scores, "score", "team")
    big = {k: v["score"].to_numpy() for k, v in scores.groupby("team") if len(v) >= 11}
    assert omnibus["p"] == pytest.approx(stats.kruskal(*[big[k] for k in sorted(big)]).pvalue)
    assert omnibus["omitted_small_groups"] == 1
    row = pairs[(pairs.group_a == "ward_a") & (pairs.group_b == "ward_b")].iloc[0]
    x, y = big["ward_b"], big["ward_a"]
    assert row.p_mann_whitney == pytest.approx(stats.mannwhitneyu(x, y, method="asymptotic").pvalue)
    assert row.p_welch == pytest.approx(stats.ttest_ind(x, y, equal_var=False).pvalue)
    assert row.hedges_g == pytest.approx(pg.compute_effsize(x, y, eftype="hedges"), abs=1e-9)
    assert row.difference == pytest.approx(x.mean() - y.mean())


def test_cliffs_delta_matches_brute_force():
    """Reference: closed form — mean of sign(x_i − y_j) over all pairs."""
    rng = np.random.default_rng(2)
    x, y = rng.integers(1, 6, 40).astype(float), rng.integers(1, 6, 55).astype(float)
    assert cliffs_delta(x, y) == pytest.approx(np.sign(x[:, None] - y[None, :]).mean())


def test_holm_and_bh_match_their_closed_forms():
    """Reference: closed-form Holm step-down and Benjamini–Hochberg step-up adjustments."""
    pairs, _ = compare_groups(_scores(4), "score", "team")
    p = pairs["p_mann_whitney"].to_numpy()
    m = len(p)
    order = np.argsort(p)
    holm = np.minimum(1, np.maximum.accumulate((m - np.arange(m)) * p[order]))
    bh = np.minimum(1, np.minimum.accumulate((m / np.arange(m, 0, -1)) * p[order][::-1])[::-1])
    assert pairs["p_holm"].to_numpy()[order] == pytest.approx(holm)
    assert pairs["p_bh"].to_numpy()[order] == pytest.approx(bh)


def test_group_of_10_never_appears_and_group_of_11_does():
    scores = _scores()
    pairs, _ = compare_groups(scores, "score", "team")
    assert "ten" not in set(pairs.group_a) | set(pairs.group_b)
    assert "eleven" in set(pairs.group_a) | set(pairs.group_b)
    table = describe_groups(scores, "score", ["team"], n_boot=200).set_index("team")
    assert (
        table.loc["ten", "suppressed"]
        and pd.isna(table.loc["ten", "mean"])
        and pd.isna(table.loc["ten", "median"])
    )
    assert table.loc["eleven", "n"] == 11 and not table.loc["eleven", "suppressed"]
    with pytest.raises(InputError, match="reference group 'ten'"):
        compare_groups(scores, "score", "team", reference="ten")


def test_against_a_reference_group():
    pairs, _ = compare_groups(_scores(), "score", "team", reference="ward_a")
    assert set(pairs.group_a) == {"ward_a"} and len(pairs) == 3


def test_hedges_g_ci_closed_form():
    """Reference: Hedges & Olkin (1985) large-sample SE √((n1+n2)/(n1·n2) + g²/(2(n1+n2))) with z = 1.96; the
    same SE as pingouin.compute_esci, whose t quantile on 118 df gives a slightly wider interval."""
    rng = np.random.default_rng(3)
    x, y = rng.normal(0.5, 1, 50), rng.normal(0, 1, 70)
    g, lo, hi = hedges_g(x, y)
    se = np.sqrt(120 / 3500 + g**2 / 240)
    assert (lo, hi) == pytest.approx((g - 1.959964 * se, g + 1.959964 * se), abs=1e-6)
    wider = pg.compute_esci(stat=g, nx=50, ny=70, eftype="cohen", decimals=12)
    t = stats.t.ppf(0.975, 118)
    assert wider == pytest.approx([g - t * se, g + t * se], abs=1e-9)


@pytest.mark.parametrize(("n1", "n2", "delta"), [(11, 11, 0.5), (11, 30, 1.0), (40, 60, 0.0)])
def test_hedges_g_ci_coverage(n1, n2, delta):
    """Coverage simulation: over 4,000 seeded pairs of normal samples with standardised difference delta, the
    95% CI covers delta within three Monte Carlo standard errors (±0.010) of 95%."""
    rng = np.random.default_rng(n1 + n2)
    hits = 0
    for _ in range(4000):
        _, lo, hi = hedges_g(rng.normal(delta, 1, n1), rng.normal(0, 1, n2))
        hits += lo <= delta <= hi
    assert abs(hits / 4000 - 0.95) <= 3 * np.sqrt(0.95 * 0.05 / 4000)


def test_cliffs_delta_sign_in_pairs():
    """Closed form: every score of group b above every score of group a gives delta = +1 (b compared with a)."""
    scores = pd.DataFrame(
        {"team": ["a"] * 11 + ["b"] * 11, "score": [*np.linspace(1, 2, 11), *np.linspace(4, 5, 11)]}
    )
    pairs, _ = compare_groups(scores, "score", "team")
    row = pairs.iloc[0]
    assert (row.group_a, row.group_b) == ("a", "b")
    assert row.cliffs_delta == 1.0 and row.difference == pytest.approx(3.0)


def test_one_row_per_person_is_required():
    """A person with two rows in one group (e.g. two waves left in the file) would be counted twice."""
    scores = pd.DataFrame(
        {
            "id": [*range(12), 0],
            "team": ["a"] * 13,
            "score": np.linspace(1, 5, 13),
            "wave": ["b"] * 12 + ["f"],
        }
    )
    with pytest.raises(InputError, match="person '0' has more than one row in team 'a'"):
        describe_groups(scores, "score", ["team"], id_col="id")
    with pytest.raises(InputError, match="person '0' has more than one row"):
        compare_groups(scores, "score", "team", id_col="id")
    assert describe_groups(scores[scores.wave == "b"], "score", ["team"], id_col="id").iloc[0]["n"] == 12


def test_paired_change_and_wave_change_agree_on_zero_differences():
    """Reference: scipy.stats.wilcoxon with Pratt's zero handling. The survey comparison and the values–practice
    wave change give the same p for the same differences (half of them zero, as ratings often are)."""
    from mindthegap.analysis.gap import wave_change

    d = np.array([0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 1, -1, 1, 2, 0, 1])
    people = [f"p{i}" for i in range(len(d))]
    scores = pd.concat(
        [
            pd.DataFrame({"id": people, "wave": "baseline", "score": 3.0}),
            pd.DataFrame({"id": people, "wave": "follow_up", "score": 3.0 + d}),
        ]
    )
    survey = paired_change(
        scores, "score", id_col="id", wave_col="wave", baseline="baseline", follow_up="follow_up", min_n=1
    )
    ratings = pd.DataFrame(
        {
            "participant_id": people * 2,
            "wave": ["baseline"] * len(d) + ["follow_up"] * len(d),
            "principle": "safe",
            "value": 5.0,
            "practice": np.concatenate([np.full(len(d), 3.0), 3.0 - d]),  # gap change = d
        }
    )
    gap = wave_change(ratings, baseline="baseline", follow_up="follow_up", min_n=1)
    expected = stats.wilcoxon(d, zero_method="pratt").pvalue
    assert survey.iloc[0]["p_wilcoxon"] == pytest.approx(expected)
    assert gap.iloc[0]["p_wilcoxon"] == pytest.approx(expected)
    assert survey.iloc[0]["ci_low"] == pytest.approx(gap.iloc[0]["change_ci_low"])
    assert survey.iloc[0]["d_z"] == pytest.approx(gap.iloc[0]["cohen_dz"])


def test_median_ci_order_statistics():
    """Reference: Conover's binomial order statistics — for n = 11 the 95% CI is [x(2), x(10)]."""
    assert median_ci(np.arange(1, 12)) == (2.0, 10.0)
    assert median_ci(np.arange(100)) == (39.0, 60.0)  # x(40), x(61)


def test_bootstrap_mean_ci_is_close_to_t_interval():
    """Reference: the analytic t interval of the mean (the studentised bootstrap CI agrees for n = 2,000)."""
    rng = np.random.default_rng(7)
    scores = pd.DataFrame({"g": "all", "score": rng.normal(3, 1, 2000)})
    row = describe_groups(scores, "score", ["g"], n_boot=4000).iloc[0]
    lo, hi = stats.t.interval(0.95, 1999, loc=scores.score.mean(), scale=stats.sem(scores.score))
    assert row.ci_low == pytest.approx(lo, abs=0.01) and row.ci_high == pytest.approx(hi, abs=0.01)


def test_paired_change_uses_only_people_in_both_waves():
    """Reference: scipy.stats.ttest_rel and wilcoxon on the matched pairs; d_z closed form."""
    rng = np.random.default_rng(5)
    n = 40
    base = pd.DataFrame({"id": range(n), "wave": "baseline", "score": rng.normal(3, 1, n), "team": "a"})
    follow = base.assign(wave="follow_up", score=base.score + rng.normal(0.3, 0.5, n))
    follow = follow.iloc[:30]  # ten people did not answer again
    extra = pd.DataFrame({"id": [100], "wave": ["follow_up"], "score": [4.0], "team": ["a"]})
    data = pd.concat([base, follow, extra], ignore_index=True)
    row = paired_change(
        data, "score", id_col="id", wave_col="wave", baseline="baseline", follow_up="follow_up"
    ).iloc[0]
    b, a = base.score.iloc[:30].to_numpy(), follow.score.to_numpy()
    assert row.n == 30
    assert row.p_paired_t == pytest.approx(stats.ttest_rel(a, b).pvalue)
    assert row.p_wilcoxon == pytest.approx(stats.wilcoxon(a - b, zero_method="pratt").pvalue)
    assert row.d_z == pytest.approx((a - b).mean() / (a - b).std(ddof=1))
    small = paired_change(
        data, "score", id_col="id", wave_col="wave", baseline="baseline", follow_up="follow_up", min_n=31
    )
    assert small.iloc[0].suppressed and pd.isna(small.iloc[0].mean_change)
    # the waves' means are named for the waves (reference: numpy means of the paired people's scores)
    assert row.mean_baseline == pytest.approx(b.mean()) and row.mean_follow_up == pytest.approx(a.mean())
    # before= and after= are the old names of baseline= and follow_up=: same result, with a warning
    with pytest.warns(
        DeprecationWarning, match=r"(before= is now called baseline=|after= is now called follow_up=)"
    ):
        old = paired_change(data, "score", id_col="id", wave_col="wave", before="baseline", after="follow_up")
    pd.testing.assert_frame_equal(old, paired_change(data, "score", id_col="id", wave_col="wave",
                                                     baseline="baseline", follow_up="follow_up"))  # fmt: skip
    with pytest.raises(InputError, match="baseline= and follow_up="):
        paired_change(data, "score", id_col="id", wave_col="wave", baseline="baseline")


def test_paired_change_bad_input():
    data = pd.DataFrame({"id": [1, 1], "wave": ["baseline", "baseline"], "score": [3, 4]})
    with pytest.raises(InputError, match="two 'score' scores"):
        paired_change(data, "score", id_col="id", wave_col="wave", baseline="baseline", follow_up="follow_up")
    with pytest.raises(InputError, match="no column 'grp'"):
        compare_groups(data, "score", "grp")
