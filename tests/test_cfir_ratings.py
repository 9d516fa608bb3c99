"""CFIR 2.0 ratings: the rating rules on hand-worked cases, valence from overlapping codes, distinguishing
constructs, and analyst decisions kept with their reasons in the store."""

from __future__ import annotations

import pandas as pd
import pytest

from mindthegap.analysis.cfir import distinguishing_constructs, implementation_levels, propose_ratings
from mindthegap.analysis.coded_evidence import valenced_segments


def _ev(rows):
    return pd.DataFrame(rows, columns=["case", "construct", "informant", "valence", "explicit"])


@pytest.mark.parametrize(
    ("rows", "rating", "rule"),
    [
        # two informants with explicit examples for, none against → +2
        ([("p1", 1, True), ("p2", 1, True), ("p2", 1, True)], 2, "strong"),
        # two against, explicit → −2
        ([("p1", -1, True), ("p2", -1, True)], -2, "strong"),
        # one informant only → ±1, however many segments
        ([("p1", 1, True), ("p1", 1, True), ("p1", 1, True)], 1, "one informant"),
        # two for but only one explicit → +1
        ([("p1", 1, True), ("p2", 1, False)], 1, "fewer than two"),
        # 2 for, 1 against: dominant (2 ≥ 2×1) but contested → +1
        ([("p1", 1, True), ("p2", 1, True), ("p3", -1, True)], 1, "the other way"),
        # 2 for, 2 against → mixed 0
        ([("p1", 1, True), ("p2", 1, True), ("p3", -1, True), ("p4", -1, True)], 0, "mixed"),
        # 3 for, 2 against: not twice → 0
        ([("p1", 1, True), ("p2", 1, True), ("p5", 1, True), ("p3", -1, True), ("p4", -1, True)], 0, "mixed"),
        # one person's +1 and −1 cancel: neutral only → 0
        ([("p1", 1, True), ("p1", -1, True)], 0, "neutral"),
        # no segments at all → X
        ([("p1", None, True)], None, "no coded evidence"),
    ],
)
def test_rating_rules_on_hand_worked_cases(rows, rating, rule):
    """Each case is worked by hand from the rules in docs/methods.md (CFIR ratings)."""
    out = propose_ratings(_ev([("ward", "Relative Priority", p, v, x) for p, v, x in rows])).iloc[0]
    assert pd.isna(out.rating) if rating is None else out.rating == rating, out.rule
    assert rule in out.rule


def test_valence_comes_from_overlapping_valence_codes():
    codings = pd.DataFrame(
        [
            ("s1", "Relative Priority", 0, 50, "A", "accepted"),
            ("s1", "Barrier", 10, 40, "A", "accepted"),
            ("s1", "Compatibility", 60, 90, "A", "accepted"),
            ("s1", "Facilitator", 55, 70, "A", "accepted"),
            ("s1", "Tension for Change", 100, 120, "A", "accepted"),
            ("s1", "Facilitator", 120, 130, "A", "accepted"),  # touches but does not overlap
            ("s2", "Relative Priority", 0, 10, "A", "unreviewed"),  # a suggestion: not evidence
        ],
        columns=["source", "code", "start", "end", "coder", "status"],
    )
    segs = valenced_segments(
        {"codings": codings}, ["Relative Priority", "Compatibility", "Tension for Change"]
    )
    assert segs.set_index("code")["valence"].to_dict() == {
        "Relative Priority": -1,
        "Compatibility": 1,
        "Tension for Change": 0,
    }


def test_distinguishing_constructs_by_hand():
    """Hand-worked: Relative Priority is +2, +1 in the higher cases and −1, −1 in the lower → means 1.5 and −1,
    difference 2.5 → strongly; Compatibility 1 vs 0 → weakly; Communications 0 vs 0 → no; X ratings left out."""
    ratings = pd.DataFrame(
        [
            ("a", "Relative Priority", 2),
            ("b", "Relative Priority", 1),
            ("c", "Relative Priority", -1),
            ("d", "Relative Priority", -1),
            ("a", "Compatibility", 1),
            ("c", "Compatibility", 0),
            ("d", "Compatibility", None),
            ("a", "Communications", 0),
            ("c", "Communications", 0),
        ],
        columns=["case", "construct", "rating"],
    )
    levels = implementation_levels(pd.DataFrame({"case": list("abcd"), "value": [4.0, 3.8, 3.1, 2.9]}))
    assert levels.set_index("case")["implementation"].to_dict() == {
        "a": "higher",
        "b": "higher",
        "c": "lower",
        "d": "lower",
    }
    out = distinguishing_constructs(ratings, levels).set_index("construct")
    assert out.loc["Relative Priority", "difference"] == 2.5
    assert out.loc["Relative Priority", "distinguishes"] == "strongly"
    assert out.loc["Compatibility", "distinguishes"] == "weakly" and out.loc["Compatibility", "n_lower"] == 1
    assert out.loc["Communications", "distinguishes"] == "no"
    assert out.index[0] == "Relative Priority"


@pytest.mark.django_db
def test_analyst_decisions_are_kept_with_reasons_and_survive_new_proposals():
    from mindthegap.errors import InputError
    from mindthegap.model import Policy, Principle, Study
    from mindthegap.store.studies.repository import save_study
    from mindthegap.store.synthesis.repository import decide, ratings_frame, save_proposals

    record = save_study(
        Study(id="cfir", name="CFIR", policies=[Policy("p", "P", principles=(Principle("a", "A"),))])
    )
    first = propose_ratings(
        _ev([("ward", "Relative Priority", "p1", 1, True), ("ward", "Relative Priority", "p2", 1, True)])
    )
    save_proposals(record, first)
    with pytest.raises(InputError, match="reason"):
        decide(record, "ward", "Relative Priority", rating=1, reason="", analyst="ana")
    decide(
        record,
        "ward",
        "Relative Priority",
        rating=1,
        reason="Second informant was second-hand",
        analyst="ana",
    )
    row = ratings_frame(record).iloc[0]
    assert (row.proposed, row.rating, row.status, row.analyst) == (2, 1, "changed", "ana")
    # new evidence moves the proposal; the analyst's rating stays and the row says the proposal has moved
    save_proposals(record, propose_ratings(_ev([("ward", "Relative Priority", "p1", -1, True)])))
    row = ratings_frame(record).iloc[0]
    assert (row.proposed, row.rating, row.status, bool(row.proposal_moved)) == (-1, 1, "changed", True)
    decide(record, "ward", "Relative Priority", rating=-1, reason="Agree with the new evidence", analyst="bo")
    row = ratings_frame(record).iloc[0]
    assert (row.rating, row.status, len(row.history)) == (-1, "confirmed", 1)
    assert row.history[0]["reason"] == "Second informant was second-hand"
