"""Barriers → ERIC strategies: the shipped compilation and mapping, validation, and ranking on hand-worked cases."""

from __future__ import annotations

import pandas as pd
import pytest

from mindthegap.analysis.strategies import (
    barriers_from_cfir,
    barriers_from_coproduction,
    barriers_from_nomad,
    explain,
    rank_strategies,
)
from mindthegap.errors import InputError
from mindthegap.frameworks.strategies import eric_strategies, load_mapping

MAPPING = """
barriers:
  - framework: cfir2
    barrier: Relative Priority
    strategies:
      - {strategy: executive_boards, level: 1, rationale: Boards set priorities.}
      - {strategy: commitments, level: 2, rationale: Commitments protect time.}
  - framework: npt
    barrier: Collective action
    strategies:
      - {strategy: revise_roles, level: 1, rationale: Change who does what.}
      - {strategy: commitments, level: 1, rationale: Agree the time.}
  - framework: pressure
    barrier: Workload
    strategies:
      - {strategy: revise_roles, level: 1, rationale: Redistribute work.}
      - {strategy: executive_boards, level: 2, rationale: Decide what stops.}
"""


def test_eric_has_73_strategies_in_the_nine_clusters_of_waltz_2015():
    """Reference: the cluster sizes reported by Waltz et al. 2015 (10, 4, 4, 17, 11, 5, 5, 9, 8)."""
    eric = eric_strategies()
    assert len(eric) == 73 and eric["strategy"].is_unique and eric["name"].is_unique
    sizes = eric.groupby("cluster_id", sort=False).size().tolist()
    assert sizes == [10, 4, 4, 17, 11, 5, 5, 9, 8]
    assert eric["description"].str.len().min() > 20


def test_shipped_mapping_is_valid_and_every_link_has_a_rationale():
    links = load_mapping()
    assert len(links) > 80 and links["rationale"].str.len().min() > 20
    assert set(links["framework"]) == {"cfir2", "npt", "coproduction", "pressure", "theme"}
    assert set(links["strategy"]) <= set(eric_strategies()["strategy"])


def test_ranking_by_hand(tmp_path):
    """Hand-worked. Case A: Relative Priority (severity 2), Collective action (1), workload (2).
    executive boards = 2×1 + 2×½ = 3 (two barriers); revise roles = 1×1 + 2×1 = 3 (two barriers);
    formal commitments = 2×½ + 1×1 = 2. The tie at 3 with two barriers each goes by name ("Involve executive
    boards" before "Revise professional roles"). Case B: workload (1) → revise roles 1, executive boards ½."""
    path = tmp_path / "mine.yaml"
    path.write_text(MAPPING, encoding="utf-8")
    barriers = pd.DataFrame(
        [
            ("A", "cfir2", "Relative Priority", 2, "CFIR rating -2"),
            ("A", "npt", "Collective action", 1, "NoMAD mean 3.2"),
            ("A", "pressure", "workload", 2, "theme raised by 14 staff"),
            ("B", "pressure", "workload", 1, ""),
            ("B", "cfir2", "Tension for Change", 2, "not in this mapping"),
        ],
        columns=["case", "framework", "barrier", "severity", "evidence"],
    )
    out = rank_strategies(barriers, load_mapping(path), eric_strategies())
    a = out[out.case == "A"]
    assert a["strategy"].tolist() == ["executive_boards", "revise_roles", "commitments"]
    assert a["score"].tolist() == [3.0, 3.0, 2.0] and a["rank"].tolist() == [1, 2, 3]
    first = a.iloc[0]
    assert first.barriers == 2 and "CFIR: Relative Priority (severity 2, level 1)" in first.triggered_by
    assert "CFIR rating -2" in first.evidence and "Boards set priorities." in first.rationale
    b = out[out.case == "B"]
    assert b["strategy"].tolist() == ["revise_roles", "executive_boards"] and b["score"].tolist() == [
        1.0,
        0.5,
    ]
    assert len(rank_strategies(barriers, load_mapping(path), eric_strategies(), top=1)) == 2
    detail = explain(out, barriers, load_mapping(path))
    first = detail[(detail.case == "A") & (detail["rank"] == 1)]
    assert first["barrier"].tolist() == ["CFIR: Relative Priority", "Pressure: workload"]
    assert first["rationale"].tolist() == ["Boards set priorities.", "Decide what stops."]


def test_barrier_builders_follow_the_rules():
    cfir = pd.DataFrame(
        {"case": ["x", "x", "x", "x"], "construct": ["A", "B", "C", "D"], "rating": [-2, -1, 0, None]}
    )
    built = barriers_from_cfir(cfir)
    assert built["severity"].tolist() == [2, 1] and built["barrier"].tolist() == ["A", "B"]
    verdicts = pd.DataFrame(
        {
            "team": ["t"] * 3,
            "characteristic": ["assets", "networks", "mutuality"],
            "status": ["absent", "contested", "present"],
        }
    )
    assert barriers_from_coproduction(verdicts)["severity"].tolist() == [2, 1]
    nomad = pd.DataFrame(
        {
            "service": ["s"] * 3,
            "construct": ["coherence", "collective_action", "reflexive_monitoring"],
            "mean": [3.9, 2.8, 3.2],
        }
    )
    built = barriers_from_nomad(nomad)
    assert built["barrier"].tolist() == ["Collective action", "Reflexive monitoring"]
    assert built["severity"].tolist() == [2, 1]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (("strategy: revise_roles,", "strategy: make_tea,"), "barriers[1].strategies[0].strategy"),
        (
            ("level: 2, rationale: Commitments", "level: 3, rationale: Commitments"),
            "barriers[0].strategies[1].level",
        ),
        (("barrier: Relative Priority", "barrier: Relative Urgency"), "barriers[0].barrier"),
        (("framework: pressure", "framework: vibes"), "barriers[2].framework"),
        ((" rationale: Agree the time.", " rationale: ''"), "barriers[1].strategies[1].rationale"),
        (
            (" rationale: Agree the time.", " rationale: " + "Long. " * 20),
            "barriers[1].strategies[1].rationale",
        ),
    ],
)
def test_a_bad_mapping_is_one_line_naming_file_entry_and_field(tmp_path, change, field):
    path = tmp_path / "bad.yaml"
    path.write_text(MAPPING.replace(*change), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_mapping(path)
    message = str(caught.value)
    assert str(path) in message and field in message and "\n" not in message


def test_analyst_barriers_file_is_checked_row_by_row(tmp_path):
    from mindthegap.report.synthesis import read_barriers

    good = tmp_path / "b.csv"
    good.write_text("case,framework,barrier,severity\nforensic,pressure,workload,2\n", encoding="utf-8")
    assert read_barriers(good).iloc[0].evidence == "named by the analyst"
    bad = tmp_path / "bad.csv"
    bad.write_text("case,framework,barrier,severity\nforensic,pressure,workload,3\n", encoding="utf-8")
    with pytest.raises(InputError, match="row 2, column 'severity'"):
        read_barriers(bad)
