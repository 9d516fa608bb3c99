"""Construct scores: reverse scoring, the half-answered rule and bad codes, checked by hand-computed means."""

import numpy as np
import pandas as pd
import pytest

from mindthegap.analysis.scoring import parse_constructs, score, score_instrument
from mindthegap.errors import InputError
from mindthegap.frameworks.instruments import load_instrument


def test_scores_are_means_of_answered_items_with_reversal():
    """Reference: closed form — mean of answered items after x → min + max − x for reversed items."""
    frame = pd.DataFrame({"id": [1, 2, 3], "Q1": [5, 4, np.nan], "Q2": [1, np.nan, np.nan], "Q3": [3, 2, 4]})
    out = score(frame, {"c": ["Q1", "Q2", "Q3"]}, reverse=["Q2"], keep=["id"])
    assert out["c"].tolist()[:2] == pytest.approx([(5 + 5 + 3) / 3, (4 + 2) / 2])
    assert np.isnan(out["c"].iloc[2])  # 1 of 3 answered is under half
    assert out["c_answered"].tolist() == [3, 2, 1]
    assert out["id"].tolist() == [1, 2, 3]


def test_nomad_reverse_item_uses_its_own_scale():
    nomad = load_instrument("nomad")
    row = {f"B{i}": 4 for i in range(1, 21)} | {"B10": 2, "A1": 9}
    out = score_instrument(pd.DataFrame([row]), nomad)
    assert out["collective_action"].iloc[0] == pytest.approx(4.0)  # B10=2 reversed on 1–5 is 4
    assert "A1" not in out.columns


def test_code_outside_scale_names_row_and_column():
    frame = pd.DataFrame({"Q1": [1, 2, 7], "Q2": [1, 2, 3]})
    with pytest.raises(InputError, match=r"row 4, column 'Q1'.*outside the scale 1–5"):
        score(frame, {"c": ["Q1", "Q2"]})


def test_text_answer_and_missing_column_are_reported():
    with pytest.raises(InputError, match=r"row 3, column 'Q2': 'Agree' is not a number"):
        score(pd.DataFrame({"Q1": [1, 2], "Q2": [3, "Agree"]}), {"c": ["Q1", "Q2"]})
    with pytest.raises(InputError, match="'Q9', which is not in the file"):
        score(pd.DataFrame({"Q1": [1]}), {"c": ["Q1", "Q9"]})


def test_parse_constructs():
    assert parse_constructs(["a=Q1, Q2", "b=Q3,Q4"]) == {"a": ["Q1", "Q2"], "b": ["Q3", "Q4"]}
    with pytest.raises(InputError, match="NAME=COL1"):
        parse_constructs(["Q1,Q2"])


def test_nomad_part_b_code_is_checked_against_its_own_scale():
    """Part A runs 0–10, Part B 1–5: a Part B answer of 7 must be refused even though 7 is a Part A code."""
    nomad = load_instrument("nomad")
    rows = [{f"B{i}": 4 for i in range(1, 21)} | {"A1": 9} for _ in range(3)]
    rows[1]["B5"] = 7
    with pytest.raises(InputError, match=r"row 3, column 'B5'.*7 is outside the scale 1–5"):
        score_instrument(pd.DataFrame(rows), nomad)
    rows[1]["B5"] = 4
    rows[2]["A1"] = 11  # Part A items are checked too, on 0–10, though they are not in a construct
    with pytest.raises(InputError, match=r"row 4, column 'A1'.*outside the scale 0–10"):
        score_instrument(pd.DataFrame(rows), nomad)


def test_nomad_not_relevant_answers_count_as_missing_never_as_scores():
    """Reference: closed form — 'not relevant' is dropped, so the construct mean is over the other items."""
    nomad = load_instrument("nomad")
    row = {f"B{i}": 4 for i in range(1, 21)} | {"B1": "Not relevant to my role", "B2": 2}
    out = score_instrument(pd.DataFrame([row]), nomad)
    assert out["coherence"].iloc[0] == pytest.approx((2 + 4 + 4) / 3)
    assert out["coherence_answered"].iloc[0] == 3
    with pytest.raises(InputError, match=r"row 2, column 'B3': 'Sometimes' is not an answer on scale"):
        score_instrument(pd.DataFrame([row | {"B3": "Sometimes"}]), nomad)
