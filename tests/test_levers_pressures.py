"""Policy levers and local pressures, against hand-made examples.

References: the lexicon matches below are read off each sentence by hand; the lever matrix's shares are the
means of hand-computed per-principle shares.
"""

from __future__ import annotations

import pandas as pd
import pytest

from mindthegap.analysis.consensus import consensus_summary
from mindthegap.analysis.levers import lever_divergence, lever_items, lever_matrix, study_levers
from mindthegap.frameworks.conversations import lever_for, load_levers, load_pressures
from mindthegap.model import Policy, Principle, Study
from mindthegap.text.pressures import match_pressures, pressures_by_level


def test_shipped_levers_and_pressures_load():
    assert [lv["id"] for lv in load_levers()] == [
        "data_transparency",
        "payment",
        "access_standards",
        "statutory_duties",
        "inspection",
        "funding",
        "training",
        "peer_support",
    ]
    ids = {p["id"] for p in load_pressures()}
    assert {"workload", "staffing", "funding", "eligibility", "waiting", "data_burden"} <= ids
    assert "organisational_change" in ids


def test_study_file_levers_map_onto_the_shipped_ones():
    assert lever_for("funding tied to transformation plans") == "funding"
    assert lever_for("Statutory guidance") == "statutory_duties"
    assert lever_for("a quarterly league table") is None
    study = Study(
        "s",
        "S",
        policies=[Policy("p", "P", (Principle("safe", "Safe care"),), levers=("targets", "league tables"))],
    )
    levers = dict(study_levers(study, include_shipped=False))
    assert levers == {"access_standards": "Access standards and targets", "league_tables": "league tables"}
    items = lever_items(list(levers.items()), [("safe", "Safe care")])
    assert list(items["statement"]) == ["access_standards__safe", "league_tables__safe"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Our caseloads are huge and we are short staffed", {"workload", "staffing"}),
        ("The waiting list keeps growing; referrals are not eligible", {"waiting", "eligibility"}),
        ("Another restructure and a new system for recording", {"organisational_change", "data_burden"}),
        ("Vacancies everywhere", {"staffing"}),
        ("We felt listened to", set()),
        ("A bedtime story", set()),  # "bed" is a whole word: no stem
    ],
)
def test_lexicon_matches_whole_words_and_stems(text, expected):
    found = match_pressures(pd.Series([text]), load_pressures())
    assert set(found["pressure"]) == expected


def test_pressures_by_level_count_people_once_and_suppress_small_counts():
    texts = pd.DataFrame(
        {
            "participant_id": [f"p{i}" for i in range(12)] + ["p0"] + [None] * 3,
            "level": ["local_frontline"] * 13 + [""] * 3,
            "text": ["Caseloads are too high"] * 13 + ["Funding was cut"] * 3,
        }
    )
    table = pressures_by_level(texts, load_pressures(), min_n=11).set_index(["level", "pressure"])
    assert table.loc[("local_frontline", "workload"), "people"] == 12  # p0 wrote twice, counted once
    assert table.loc[("local_frontline", "workload"), "rank"] == 1
    assert table.loc[("not recorded", "funding"), "suppressed"]  # 3 notes


def test_lever_matrix_and_where_policymakers_expect_more():
    rows = []
    for group, score in (("policymakers", 8), ("practitioners", 3)):
        for i in range(12):
            for principle in ("safe", "effective"):
                rows.append(
                    {
                        "rater_id": f"{group}{i}",
                        "group": group,
                        "statement": f"payment__{principle}",
                        "round": 1,
                        # one practitioner in twelve expects payment to move safe care
                        "rating": 8
                        if (group == "practitioners" and i == 0 and principle == "safe")
                        else score,
                    }
                )
    summary = consensus_summary(pd.DataFrame(rows), min_n=11)
    items = lever_items([("payment", "Payment")], [("safe", "Safe"), ("effective", "Effective")])
    matrix = lever_matrix(summary, items).set_index(["lever", "group"])
    # practitioners: 1/12 on safe, 0/12 on effective → mean of 8.33% and 0% = 4.17%
    assert matrix.loc[("payment", "practitioners"), "pct_expect"] == pytest.approx(100 / 24)
    assert matrix.loc[("payment", "policymakers"), "pct_expect"] == pytest.approx(100)
    parted = lever_divergence(matrix.reset_index())
    assert list(parted["direction"]) == ["policymakers expect more"]


def test_drafts_come_from_the_widest_gaps_and_the_most_frequent_codes():
    from mindthegap.analysis.delphi_draft import draft_statements, frequent_codes, widest_gaps

    ratings = pd.DataFrame(
        {
            "participant_id": ["a", "b", "a", "b", "a", "b"],
            "principle": ["safe", "safe", "kind", "kind", "quick", "quick"],
            "value": [5, 5, 4, 5, 3, 3],
            "practice": [2, 3, 4, 4, 4, 4],
        }
    )
    # gaps by hand: safe (3 + 2) / 2 = 2.5, kind (0 + 1) / 2 = 0.5, quick −1 (practice beats value: no draft)
    gaps = widest_gaps(ratings, {"safe": "Safe care", "kind": "Kindness"})
    assert list(gaps["principle"]) == ["safe", "kind"] and gaps["gap"].tolist() == [2.5, 0.5]
    codings = pd.DataFrame(
        {"source": ["s1", "s2", "s2", "s3"], "code": ["Staffing", "Staffing", "Waiting", "Staffing"],
         "status": ["accepted", "accepted", "accepted", "rejected"]}
    )  # fmt: skip
    assert frequent_codes(codings) == ["Staffing", "Waiting"]  # a rejected coding does not count
    drafts = draft_statements(gaps, ["Staffing"])
    assert list(drafts["statement"]) == ["close_safe", "close_kind", "address_staffing"]
    assert "safe care" in drafts.loc[0, "text"] and drafts.loc[2, "source"] == "coded theme: Staffing"
