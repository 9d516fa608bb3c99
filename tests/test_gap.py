"""The values–practice gap, paired change between waves, and the importance–performance placement."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from mindthegap.analysis.disclosure import assert_table_protected
from mindthegap.analysis.gap import importance_performance, values_practice_gap, wave_change
from mindthegap.analysis.suppression import ALL


def make_ratings(sizes: dict[str, int], seed: int = 0, waves=("baseline",)) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for service, size in sizes.items():
        for i in range(size):
            for wave in waves:
                for principle in ("safe", "co_production"):
                    rows.append(
                        (
                            f"{service}-{i}",
                            wave,
                            principle,
                            service,
                            int(rng.integers(3, 6)),
                            int(rng.integers(1, 5)),
                        )
                    )
    return pd.DataFrame(rows, columns=["participant_id", "wave", "principle", "service", "value", "practice"])


def test_gap_is_mean_value_minus_mean_practice_over_complete_pairs():
    """Closed form: with complete pairs the mean of differences equals the difference of means."""
    ratings = make_ratings({"a": 40, "b": 25})
    ratings.loc[0, "value"] = np.nan  # an incomplete pair is left out of both means
    out = values_practice_gap(ratings, ["principle", "service"], n_boot=500)
    for (principle, service), grp in ratings.dropna().groupby(["principle", "service"]):
        row = out[(out["principle"] == principle) & (out["service"] == service)].iloc[0]
        assert row["n"] == grp["participant_id"].nunique()
        assert row["gap"] == pytest.approx(grp["value"].mean() - grp["practice"].mean(), abs=1e-12)
        assert row["mean_value"] == pytest.approx(grp["value"].mean())
        assert row["gap_ci_low"] < row["gap"] < row["gap_ci_high"]


def test_gap_ci_agrees_with_t_interval_on_a_large_sample():
    """Reference: the analytic t-interval of the mean difference (closed form)."""
    ratings = make_ratings({"a": 5000}, seed=3)
    out = values_practice_gap(ratings, ["principle"], n_boot=4000, margins=False)
    for principle, grp in ratings.groupby("principle"):
        d = (grp["value"] - grp["practice"]).to_numpy(float)
        half = stats.t.ppf(0.975, len(d) - 1) * d.std(ddof=1) / np.sqrt(len(d))
        row = out[out["principle"] == principle].iloc[0]
        assert row["gap_ci_low"] == pytest.approx(d.mean() - half, abs=0.06 * 2 * half)
        assert row["gap_ci_high"] == pytest.approx(d.mean() + half, abs=0.06 * 2 * half)


def test_group_of_ten_never_appears_and_eleven_does_totals_included():
    ratings = make_ratings({"big": 60, "eleven": 11, "ten": 10, "other": 30})
    out = values_practice_gap(ratings, ["principle", "service"], n_boot=300)
    ten = out[out["service"] == "ten"]
    eleven = out[out["service"] == "eleven"]
    assert ten["suppressed"].all() and ten["gap"].isna().all() and ten["n"].isna().all()
    # the 10 could be recovered from the total, so a complementary cell (the smallest other, 11) goes too
    assert eleven["suppressed"].all()
    everyone = values_practice_gap(ratings, ["principle", "service"], n_boot=300, min_n=1)
    assert_table_protected(everyone, out, by=["principle", "service"], min_n=11)
    # without a total, 11 is shown
    no_total = values_practice_gap(ratings, ["principle", "service"], margins=False, n_boot=300)
    assert not no_total.loc[no_total["service"] == "eleven", "suppressed"].any()
    assert no_total.loc[no_total["service"] == "eleven", "n"].eq(11).all()


def test_full_cube_never_discloses(demo_study):
    ratings = demo_study.evidence["values_practice"].merge(
        pd.DataFrame([p.__dict__ for p in demo_study.study.participants]).rename(
            columns={"id": "participant_id"}
        )[["participant_id", "service", "discipline", "level"]],
        on="participant_id",
    )
    by = ["principle", "service", "discipline", "level", "wave"]
    out = values_practice_gap(ratings, by, n_boot=200)
    assert out["suppressed"].any() and (~out["suppressed"]).any()
    assert_table_protected(values_practice_gap(ratings, by, n_boot=200, min_n=1), out, by=by, min_n=11)


def test_several_waves_must_be_grouped():
    ratings = make_ratings({"a": 20}, waves=("baseline", "follow_up"))
    with pytest.raises(ValueError, match="wave"):
        values_practice_gap(ratings, ["principle"])
    out = values_practice_gap(ratings, ["principle", "wave"], n_boot=200)
    assert set(out["wave"]) == {"baseline", "follow_up"}
    assert ALL not in set(out["wave"])  # waves are never summed


def test_wave_change_matches_paired_t_and_wilcoxon():
    """Reference: the closed-form paired t statistic and scipy's Wilcoxon signed-rank test (Pratt)."""
    ratings = make_ratings({"a": 80}, seed=5, waves=("baseline", "follow_up"))
    dropped = ratings[~((ratings["wave"] == "follow_up") & ratings["participant_id"].isin(["a-1", "a-2"]))]
    out = wave_change(dropped, ["principle"], baseline="baseline", follow_up="follow_up")
    for principle, grp in dropped.groupby("principle"):
        wide = (
            grp.assign(gap=grp["value"] - grp["practice"])
            .pivot(index="participant_id", columns="wave", values="gap")
            .dropna()
        )
        d = (wide["follow_up"] - wide["baseline"]).to_numpy()
        t = d.mean() / (d.std(ddof=1) / np.sqrt(len(d)))
        p = 2 * stats.t.sf(abs(t), len(d) - 1)
        row = out[out["principle"] == principle].iloc[0]
        assert row["n_pairs"] == len(d) == 78
        assert row["change"] == pytest.approx(d.mean())
        assert row["t"] == pytest.approx(t)
        assert row["p_t"] == pytest.approx(p)
        assert row["p_wilcoxon"] == pytest.approx(stats.wilcoxon(d, zero_method="pratt").pvalue)
        assert row["cohen_dz"] == pytest.approx(d.mean() / d.std(ddof=1))
        half = stats.t.ppf(0.975, len(d) - 1) * d.std(ddof=1) / np.sqrt(len(d))
        assert row["change_ci_low"] == pytest.approx(d.mean() - half)


def test_wave_change_suppresses_small_pair_groups():
    ratings = make_ratings({"a": 30, "b": 10}, waves=("baseline", "follow_up"))
    out = wave_change(
        ratings, ["principle", "service"], baseline="baseline", follow_up="follow_up", margins=True
    )
    assert out.loc[out["service"] == "b", "suppressed"].all()
    everyone = wave_change(
        ratings, ["principle", "service"], baseline="baseline", follow_up="follow_up", margins=True, min_n=1
    )
    assert_table_protected(everyone, out, n_col="n_pairs", by=["principle", "service"], min_n=11)


def test_importance_performance_quadrants():
    table = pd.DataFrame(
        {
            "principle": ["a", "b", "c", "d"],
            "n": [20] * 4,
            "mean_value": [4.8, 4.8, 3.0, 3.0],
            "mean_practice": [2.0, 4.5, 2.0, 4.5],
            "suppressed": [False] * 4,
        }
    )
    out = importance_performance(table)
    assert out["quadrant"].tolist() == [
        "Concentrate here",
        "Keep up the good work",
        "Low priority",
        "Possible overkill",
    ]
    assert out.attrs["importance_cut"] == pytest.approx(3.9)


def test_a_repeated_rating_does_not_count_as_a_second_person():
    """Closed form: every rating entered twice leaves the gap, n and (people being resampled) the interval exactly
    as they were; resampling rows would have narrowed the interval by about √2."""
    ratings = make_ratings({"a": 40}, seed=6)
    once = values_practice_gap(ratings, ["principle"], margins=False, n_boot=500, seed=3)
    twice = values_practice_gap(
        pd.concat([ratings, ratings]), ["principle"], margins=False, n_boot=500, seed=3
    )
    pd.testing.assert_frame_equal(once, twice)
