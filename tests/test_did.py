"""Difference in differences: the point estimate by hand, suppression of small arms, and the coverage of the
studentised people bootstrap by seeded simulation; the dose slope against numpy's least squares."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mindthegap.analysis.did import difference_in_differences, dose_response, person_changes


def test_person_changes_average_within_wave_then_difference():
    """By hand: P1 rates 2 principles (gaps 1 and 3 → 2) at baseline and 1 (gap 0) at follow-up: change −2.
    P2 has no follow-up and is left out."""
    frame = pd.DataFrame(
        {
            "participant_id": ["P1", "P1", "P1", "P2"],
            "wave": ["b", "b", "f", "b"],
            "gap": [1.0, 3.0, 0.0, 2.0],
        }
    )
    changes = person_changes(frame, outcome="gap", baseline="b", follow_up="f")
    assert changes["participant_id"].tolist() == ["P1"] and changes["change"].tolist() == [-2.0]
    assert changes["baseline"].tolist() == [2.0] and changes["follow_up"].tolist() == [0.0]
    with pytest.warns(DeprecationWarning, match="is now called"):  # the old keywords still work
        old = person_changes(frame, outcome="gap", before="b", after="f")
    pd.testing.assert_frame_equal(old, changes)


def test_did_by_hand_and_small_arms_suppressed():
    changes = pd.DataFrame(
        {"participant_id": [f"p{i}" for i in range(24)], "change": [1.0, 3.0] * 6 + [0.0, 1.0] * 6}
    )
    exposed = {f"p{i}": True for i in range(12)}
    row = difference_in_differences(changes, exposed, min_n=11, n_boot=499).iloc[0]
    assert row["did"] == pytest.approx(2.0 - 0.5) and row["n_attended"] == 12 and row["n_not"] == 12
    assert row["ci_low"] < 1.5 < row["ci_high"]
    small = difference_in_differences(changes, exposed, min_n=13, n_boot=99).iloc[0]
    assert bool(small["suppressed"]) and np.isnan(small["did"])


def test_did_interval_covers_at_95_percent():
    """Coverage simulation (seeded): 400 studies of 30 attendees and 45 others with skewed changes and a true
    difference of 0.4; the 95% studentised interval should cover it about 95% of the time."""
    rng = np.random.default_rng(14)
    covered = 0
    runs = 400
    for k in range(runs):
        x1 = rng.gamma(2.0, 0.5, 30) - 1.0 + 0.4
        x0 = rng.gamma(2.0, 0.5, 45) - 1.0
        changes = pd.DataFrame({"participant_id": range(75), "change": np.concatenate([x1, x0])})
        row = difference_in_differences(
            changes, dict.fromkeys(range(30), True), min_n=11, n_boot=499, seed=k
        ).iloc[0]
        covered += row["ci_low"] <= 0.4 <= row["ci_high"]
    assert 0.92 <= covered / runs <= 0.98


def test_dose_slope_matches_least_squares():
    """Reference: numpy.polyfit on the same points."""
    rng = np.random.default_rng(2)
    dose = {f"p{i}": int(i % 5) for i in range(60)}
    changes = pd.DataFrame(
        {"participant_id": list(dose), "change": [0.3 * d + rng.normal(0, 0.5) for d in dose.values()]}
    )
    row = dose_response(changes, dose, min_n=11, n_boot=499).iloc[0]
    assert row["slope"] == pytest.approx(np.polyfit(list(dose.values()), changes["change"], 1)[0])
    assert row["ci_low"] < row["slope"] < row["ci_high"]
