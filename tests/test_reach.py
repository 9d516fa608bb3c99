"""Reach by hand: who came, who never did, against headcounts or participants; zero shown for a group nobody
came from; small groups hidden; repeat attendance; whole-system and single-level events."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from mindthegap.analysis.reach import event_levels, reach_table, repeat_attendance

ROSTER = pd.DataFrame(
    {
        "participant_id": [f"p{i}" for i in range(40)],
        "discipline": ["a"] * 20 + ["b"] * 20,
        "service": ["x", "y"] * 20,
        "level": ["local_frontline"] * 40,
    }
)


def _attendance(ids, event="e1") -> pd.DataFrame:
    return pd.DataFrame({"event_id": event, "participant_id": ids, "registered": True, "attended": True})


def test_reach_by_hand_with_headcounts():
    """12 of discipline a's 20 came (p0…p11 are all 'a'); none of b. With a headcount of 30 for a, 12/30 came
    and 18 never did; b's share is of its 20 participants."""
    came = _attendance([f"p{i}" for i in range(12)])
    not_came = pd.DataFrame(
        {"event_id": "e1", "participant_id": ["p30"], "registered": True, "attended": False}
    )
    heads = pd.DataFrame({"dimension": ["discipline"], "group": ["a"], "headcount": [30]})
    table = reach_table(pd.concat([came, not_came]), ROSTER, min_n=5, headcounts=heads)
    rows = {(r.dimension, r.discipline, r.service): r for r in table.itertuples()}
    a = rows["discipline", "a", "All"]
    assert (a.attended, a.headcount, a.never, a.denominator) == (12, 30, 18, "headcount")
    assert a.share == 12 / 30
    b = rows["discipline", "b", "All"]
    assert (b.attended, b.headcount, b.share, b.suppressed) == (0, 20, 0.0, False)  # nobody came: shown as 0
    x = rows["service", "All", "x"]
    assert (x.attended, x.participants) == (6, 20)  # the even-numbered six of p0…p11


def test_small_groups_are_hidden():
    came = _attendance([f"p{i}" for i in range(3)])
    table = reach_table(came, ROSTER, min_n=5)
    a = table[table["discipline"] == "a"].iloc[0]
    assert bool(a["suppressed"]) and pd.isna(a["attended"]) and pd.isna(a["never"]) and pd.isna(a["share"])


def test_repeat_attendance_and_levels_in_the_room():
    roster = ROSTER.copy()
    roster.loc[35:, "level"] = [
        "national",
        "regional",
        "local_strategic",
        "people_and_carers",
        "people_and_carers",
    ]
    twice = [f"p{i}" for i in range(6)]
    attendance = pd.concat(
        [_attendance([*twice, "p35", "p36", "p37", "p38"], "whole"), _attendance([*twice, "p6"], "front")]
    )
    events = pd.DataFrame(
        {
            "event_id": ["whole", "front"],
            "date": [dt.date(2026, 1, 1), dt.date(2026, 2, 1)],
            "topic": ["t", "u"],
            "format": "in_person",
            "levels": [[], []],
        }
    )
    rooms = event_levels(events, attendance, roster, min_n=3).set_index("event_id")
    assert bool(rooms.loc["whole", "all_levels"]) and rooms.loc["whole", "n_levels"] == 5
    assert bool(rooms.loc["front", "single_level"]) and rooms.loc["front", "attended"] == 7
    bands = repeat_attendance(attendance, roster, min_n=3).set_index("band")["people"]
    assert bands["1 event"] == 5 and bands["2 events"] == 6 and bands["3–4 events"] == 0
