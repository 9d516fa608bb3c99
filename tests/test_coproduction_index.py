"""The co-production index: hand-worked scores, coded evidence, absence, agreement, change and its interval."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mindthegap.analysis import coproduction as cp

ITEMS = [f"CP{i}" for i in range(1, 13)]


def _answers(rows: dict[str, tuple[str, str, tuple[int, int]]]) -> pd.DataFrame:
    """Wide answers: every item 3 except CP1, CP2 (people as assets), given per person."""
    out = []
    for pid, (team, wave, (a, b)) in rows.items():
        row = {"participant_id": pid.split("@")[0], "team": team, "wave": wave, **dict.fromkeys(ITEMS, 3.0)}
        row["CP1"], row["CP2"] = float(a), float(b)
        out.append(row)
    return pd.DataFrame(out)


BASELINE = {
    "p1": ("T1", "baseline", (4, 5)),
    "p2": ("T1", "baseline", (2, 3)),
    "p3": ("T1", "baseline", (3, 3)),
    "p4": ("T2", "baseline", (1, 2)),
    "p5": ("T2", "baseline", (2, 2)),
}
FOLLOW_UP = {
    "p1@f": ("T1", "follow_up", (5, 5)),
    "p2@f": ("T1", "follow_up", (3, 3)),
    "p3@f": ("T1", "follow_up", (4, 4)),
    "p4@f": ("T2", "follow_up", (1, 1)),
}
SEGMENTS = pd.DataFrame(
    [
        ("p1", "assets", 1, "A"),
        ("p1", "assets", 1, "B"),
        ("p2", "assets", -1, "A"),
        ("p4", "assets", 1, "A"),
        ("p4", "assets", -1, "A"),
        ("p5", "networks", -1, "A"),
    ],
    columns=["participant_id", "characteristic", "valence", "coder"],
)
INTERVIEWED = pd.DataFrame(
    {"participant_id": ["p1", "p2", "p3", "p4", "p5"], "team": ["T1"] * 3 + ["T2"] * 2}
)


@pytest.fixture(scope="module")
def scores():
    return cp.instrument_scores(_answers({**BASELINE, **FOLLOW_UP}))


def test_instrument_index_by_hand(scores):
    """Hand calculation: T1's people-as-assets scores 4.5, 2.5, 3 → mean 10/3, index 100 × (10/3 − 1) / 4 =
    58.33; T2's 1.5 and 2 → 1.75, index 18.75, below the midpoint so absent; other characteristics all 3 →
    index 50, not absent."""
    out = cp.instrument_index(scores[scores.wave == "baseline"], min_n=1).set_index(
        ["team", "characteristic"]
    )
    assert out.loc[("T1", "assets"), "index"] == pytest.approx(700 / 12)
    assert out.loc[("T2", "assets"), "index"] == pytest.approx(18.75)
    assert bool(out.loc[("T2", "assets"), "absent"]) and not bool(out.loc[("T1", "networks"), "absent"])
    assert out.loc[("T1", "networks"), "index"] == 50
    hidden = cp.instrument_index(scores[scores.wave == "baseline"], min_n=3).set_index(
        ["team", "characteristic"]
    )
    assert hidden.loc[("T2", "assets"), "suppressed"] and np.isnan(hidden.loc[("T2", "assets"), "index"])


def test_coded_index_and_absence_by_hand(scores):
    """Hand calculation: T1 assets: p1 positive (two coders, one person), p2 negative, p3 silent → 50 + 50 ×
    (1 − 1) / 3 = 50, not absent. T2 assets: p4's +1 and −1 net to neutral → 50 and absent (nobody for it).
    T2 networks: p5 negative → 50 − 50 / 2 = 25. Verdicts: T2 assets absent by both sources; T2 networks absent
    by the interviews only (instrument mean 3) → contested; T1 assets present."""
    coded = cp.coded_index(SEGMENTS, INTERVIEWED, min_n=1).set_index(["team", "characteristic"])
    assert (coded.loc[("T1", "assets"), ["positive", "negative", "index"]] == [1, 1, 50]).all()
    assert coded.loc[("T2", "assets"), "index"] == 50 and bool(coded.loc[("T2", "assets"), "absent"])
    assert coded.loc[("T2", "networks"), "index"] == 25
    instrument = cp.instrument_index(scores[scores.wave == "baseline"], min_n=1)
    verdict = cp.absent_characteristics(instrument, coded.reset_index()).set_index(["team", "characteristic"])
    assert verdict.loc[("T2", "assets"), "status"] == "absent"
    assert verdict.loc[("T2", "networks"), "status"] == "contested"
    assert verdict.loc[("T1", "assets"), "status"] == "present"


def test_item_reliability_matches_pingouin(scores):
    """Reference: pingouin.cronbach_alpha (an independent implementation) on the baseline assets items."""
    pg = pytest.importorskip("pingouin")
    answers = _answers(BASELINE)
    out = cp.item_reliability(answers).set_index(["wave", "characteristic"])
    alpha, (low, high) = pg.cronbach_alpha(answers[["CP1", "CP2"]])
    assert out.loc[("baseline", "assets"), "alpha"] == pytest.approx(alpha)
    assert out.loc[("baseline", "assets"), "ci_low"] == pytest.approx(low, abs=0.006)
    assert out.loc[("baseline", "assets"), "ci_high"] == pytest.approx(high, abs=0.006)


def test_coder_reliability_matches_krippendorff_package():
    """Reference: the krippendorff package on the same presence matrix (coders × interviewees)."""
    kd = pytest.importorskip("krippendorff")
    people = ["p1", "p2", "p3", "p4", "p5", "p6"]
    seg = pd.DataFrame(
        [
            ("p1", "assets", 1, "A"),
            ("p1", "assets", 1, "B"),
            ("p2", "assets", 1, "A"),
            ("p3", "assets", 1, "B"),
            ("p4", "assets", 1, "A"),
            ("p4", "assets", 1, "B"),
        ],
        columns=["participant_id", "characteristic", "valence", "coder"],
    )
    out = cp.coder_reliability(seg, people).set_index("characteristic")
    matrix = np.array([[1, 1, 0, 1, 0, 0], [1, 0, 1, 1, 0, 0]], dtype=float)
    assert out.loc["assets", "alpha"] == pytest.approx(
        kd.alpha(reliability_data=matrix, level_of_measurement="nominal")
    )


def test_wave_change_by_hand(scores):
    """Hand calculation: T1 assets changes 0.5, 0.5, 1 scale points = 12.5, 12.5, 25 index points, mean 16.67;
    the overall index pools each person's six characteristics (five unchanged): 50 / 18 = 2.78. T2 has one
    person in both waves (−0.5 → −12.5)."""
    out = cp.wave_change(scores, min_n=1, n_boot=200).set_index(["team", "characteristic"])
    assert out.loc[("T1", "assets"), "change"] == pytest.approx(50 / 3)
    assert out.loc[("T1", "overall"), "change"] == pytest.approx(50 / 18)
    assert out.loc[("T1", "overall"), "n"] == 3
    assert out.loc[("T2", "assets"), "change"] == pytest.approx(-12.5)
    low, high = out.loc[("T1", "assets"), ["ci_low", "ci_high"]]
    assert low <= 50 / 3 <= high


def test_source_agreement_by_hand():
    """Hand calculation: instrument 20, 40, 60 and coded 30, 70, 50 over three teams → ranks (1,2,3) vs
    (1,3,2): rho = 1 − 6 × 2 / (3 × 8) = 0.5; mean |difference| = (10 + 30 + 10) / 3; same side of 50: the
    first and third teams → 2/3."""
    a = pd.DataFrame({"team": ["x", "y", "z"], "characteristic": "assets", "index": [20.0, 40.0, 60.0]})
    b = pd.DataFrame({"team": ["x", "y", "z"], "characteristic": "assets", "index": [30.0, 70.0, 50.0]})
    out = cp.source_agreement(a, b).set_index("characteristic").loc["assets"]
    assert out.spearman_rho == pytest.approx(0.5)
    assert out.mean_abs_difference == pytest.approx(50 / 3)
    assert out.same_side == pytest.approx(2 / 3)


def test_wave_change_interval_covers_by_simulation():
    """Seeded coverage simulation: 300 independent samples, each a team of 30 people with a person effect shared
    by their six characteristics and a true change of 10 index points (0.4 scale points); the 95% cluster-
    bootstrap interval of each team's overall change should cover 10 in about 95% of them (a band of 0.91–0.98
    allows for simulation error). Each team is one sample, so one call computes every interval."""
    rng = np.random.default_rng(7)
    keys = [k for k, _ in cp.CHARACTERISTICS]
    reps, people = 300, 30
    team = np.repeat(np.arange(reps), people)
    pid = np.arange(reps * people)
    level = rng.normal(0, 0.6, reps * people)
    shift = rng.normal(0.4, 0.5, reps * people)  # a person's own change, shared by their characteristics
    frames = []
    for k in keys:
        base = 3 + level + rng.normal(0, 0.3, reps * people)
        after = base + shift + rng.normal(0, 0.3, reps * people)
        for wave, score in (("w0", base), ("w1", after)):
            frames.append(
                pd.DataFrame(
                    {"participant_id": pid, "team": team, "wave": wave, "characteristic": k, "score": score}
                )
            )
    out = cp.wave_change(pd.concat(frames, ignore_index=True), min_n=1, n_boot=500, seed=11)
    overall = out[out["characteristic"] == "overall"]
    assert len(overall) == reps
    hits = ((overall["ci_low"] <= 10) & (overall["ci_high"] >= 10)).mean()
    assert 0.91 <= hits <= 0.98
