"""Network measures from tie counts by discipline × service (names not collected), and the tie-count file.

Reference: a hand-worked example. Three respondents: A and B are nurses in adult services, C an occupational
therapist in older people's services. They name (A) 2 nursing/adult, 1 ot/adult, 1 ot/older; (B) 3
nursing/older; (C) 1 ot/older, 2 nursing/adult: 10 ties. On discipline: A 2 internal, 2 external; B 3
internal; C 1 internal, 2 external: E = 4, I = 6, E-I = (4 − 6)/10 = −0.2, share across 0.4. On service: A 3
internal, 1 external; B 3 external; C 1 internal, 2 external: E = 6, I = 4, E-I = +0.2, share across 0.6.
Nurses alone: E = 2, I = 5, E-I = −3/7; the OT alone: E = 2, I = 1, E-I = +1/3.
"""

from __future__ import annotations

import pandas as pd
import pytest

from mindthegap.analysis.network_blocks import block_matrix, block_measures
from mindthegap.errors import InputError
from mindthegap.io import events_files as ef

ROSTER = pd.DataFrame(
    {"participant_id": ["A", "B", "C"], "discipline": ["nursing", "nursing", "ot"],
     "service": ["adult", "adult", "older"]}
)  # fmt: skip
COUNTS = pd.DataFrame(
    [("w1", "A", "nursing", "adult", 2), ("w1", "A", "ot", "adult", 1), ("w1", "A", "ot", "older", 1),
     ("w1", "B", "nursing", "older", 3), ("w1", "C", "ot", "older", 1), ("w1", "C", "nursing", "adult", 2)],
    columns=["wave", "participant_id", "discipline", "service", "count"],
)  # fmt: skip


def test_measures_match_the_hand_worked_example():
    found = block_measures(COUNTS, ROSTER, min_n=1).set_index(["attribute", "group"])
    everyone = found.loc["All", "All"]
    assert everyone["respondents"] == 3 and everyone["ties"] == 10
    assert everyone["ei_discipline"] == pytest.approx(-0.2) and everyone["share_across_discipline"] == 0.4
    assert everyone["ei_service"] == pytest.approx(0.2) and everyone["share_across_service"] == 0.6
    assert found.loc["discipline", "nursing"]["ei_discipline"] == pytest.approx(-3 / 7)
    assert found.loc["discipline", "ot"]["ei_discipline"] == pytest.approx(1 / 3)
    assert found.loc["service", "older"]["ties"] == 3


def test_block_matrix_sums_counts_by_block():
    found = block_matrix(COUNTS, ROSTER, min_n=1)
    cells = {(r.from_discipline, r.from_service, r.to_discipline, r.to_service): (r.respondents, r.ties)
             for r in found.itertuples()}  # fmt: skip
    assert cells["nursing", "adult", "nursing", "adult"] == (2, 2)
    assert cells["nursing", "adult", "nursing", "older"] == (2, 3)
    assert cells["ot", "older", "nursing", "adult"] == (1, 2)
    assert sum(t for _, t in cells.values()) == 10 and not found["suppressed"].any()


def test_small_blocks_are_suppressed_with_their_ties():
    found = block_matrix(COUNTS, ROSTER, min_n=2)
    ot = found[found["from_discipline"] == "ot"]
    assert ot["suppressed"].all() and ot["ties"].isna().all() and ot["respondents"].isna().all()
    assert found.loc[found["suppressed"], "ties"].isna().all()
    measures = block_measures(COUNTS, ROSTER, min_n=2).set_index(["attribute", "group"])
    assert measures.loc["discipline", "ot"]["suppressed"] and pd.isna(
        measures.loc["discipline", "ot"]["ties"]
    )


KNOWN = ef.Known(participants=frozenset({"A", "B"}), services=frozenset({"adult"}),
                 disciplines=frozenset({"nursing"}), waves=frozenset({"w1", "w2"}),
                 stored=frozenset({("counts", "w2", "B", "nursing", "adult")}))  # fmt: skip


def test_tie_count_files_are_detected_and_every_problem_named():
    frame = pd.DataFrame(
        {"respondent": ["A", "Z", "A", "A", "B"], "wave": ["w1", "w1", "w9", "w1", "w2"],
         "discipline": ["nursing", "nursing", "nursing", "nursing", "nursing"],
         "service": ["adult", "adult", "adult", "adult", "adult"], "count": ["2", "1", "x", "3", "1"]}
    )  # fmt: skip
    assert ef.detect_kind(frame, "c.csv") == "tie_counts"
    with pytest.raises(InputError) as err:
        ef.READERS["tie_counts"](frame, KNOWN, "c.csv")
    text = str(err.value)
    assert "row 3, column 'respondent': unknown participant 'Z'" in text
    assert "row 4, column 'wave': unknown wave 'w9'" in text and "row 4, column 'count'" in text
    assert "row 5, column 'service': block given twice for this respondent: already on row 2" in text
    assert "row 6, column 'service': the study already holds" in text
    good = ef.READERS["tie_counts"](frame.iloc[[0]], KNOWN, "c.csv")
    assert good.to_dict("records") == [
        {"wave": "w1", "participant_id": "A", "discipline": "nursing", "service": "adult", "count": 2}
    ]
