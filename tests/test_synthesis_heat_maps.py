"""The evidence matrix with CFIR 2.0 constructs and with the requirements of an implementation programme as
rows, each drawn as a heat map (SVG with alt text and the table behind it).

References: hand-worked small cases. In ``hand_ctx`` (30 frontline staff, 3 national informants and 12 carers on
the roster) twelve frontline people's "Teaming" segments all have valence +1 (mean +1.00 ≥ 0.2: positive; 12
people from one source, fewer than 2 × 11: weak), so the cell reads "positive (weak)"; the three national
informants' "Policies & Laws" (fewer than 11) is never shown. "Adapting": six other frontline people at +1 and six
at −1 (mean 0.00: mixed, weak).
The demo's cells are checked against an independent count of the people behind each construct × level.
"""

from __future__ import annotations

import types

import pandas as pd
import pytest

from mindthegap.analysis.evidence_matrix import LEVELS, evidence_matrix
from mindthegap.analysis.publication import PublicationPlan
from mindthegap.report import charts
from mindthegap.report.sections import evidence_matrix as em
from mindthegap.report.sections import synthesis_inputs as si


@pytest.fixture
def hand_ctx(monkeypatch):
    front = [f"f{i:02d}" for i in range(30)]
    national = ["n0", "n1", "n2"]
    carers = [f"c{i:02d}" for i in range(12)]
    roster = pd.DataFrame(
        {
            "participant_id": front + national + carers,
            "level": ["local_frontline"] * 30 + ["national"] * 3 + ["people_and_carers"] * 12,
        }
    )
    segs = [{"participant": p, "code": "Teaming", "valence": 1.0} for p in front[:12] for _ in (1, 2)]
    segs += [{"participant": p, "code": "Policies & Laws", "valence": -1.0} for p in national]
    segs += [{"participant": p, "code": "Adapting", "valence": 1.0 if i < 6 else -1.0}
             for i, p in enumerate(front[12:24])]  # fmt: skip
    frame = pd.DataFrame(segs).assign(level="")
    monkeypatch.setattr(si, "coded", lambda ctx, codebook: frame if codebook == "cfir2" else None)
    return types.SimpleNamespace(plan=PublicationPlan(roster, dims=("level",), min_n=11), min_n=11)


def test_cfir_rows_worked_by_hand(hand_ctx):
    rows = si.cfir_constructs(hand_ctx)
    assert rows == [
        "Policies & Laws",
        "Teaming",
        "Adapting",
    ]  # codebook order; only constructs someone raised
    matrix = em.cfir_matrix(hand_ctx).set_index(["row", "level"])
    assert matrix.loc[("Teaming", "local_frontline"), "people"] == 12
    assert em.cell_label(matrix.loc[("Teaming", "local_frontline")]) == "positive (weak)"
    assert em.cell_label(matrix.loc[("Adapting", "local_frontline")]) == "mixed (weak)"
    assert matrix.loc[("Policies & Laws", "national"), "status"] == "withheld"  # three people: never shown
    assert matrix.loc[("Policies & Laws", "national"), "detail"] == ""
    assert em.cell_label(matrix.loc[("Policies & Laws", "national")]) == "too few to show"
    assert matrix.loc[("Adapting", "national"), "status"] == "no evidence"
    assert len(matrix) == 3 * len(LEVELS)  # the full grid: empty cells are present and say so


def test_cfir_heat_map_shows_empty_cells_as_no_evidence_and_keeps_its_text_inside(hand_ctx, monkeypatch):
    clipped: list[str] = []
    keep = charts.to_svg

    def measuring(fig):
        clipped.extend(charts.outside(fig))
        return keep(fig)

    monkeypatch.setattr(charts, "to_svg", measuring)
    figure = em.grid_figure(
        em.with_readings(em.cfir_matrix(hand_ctx), {}),
        row_heading="CFIR 2.0 construct",
        row_noun="CFIR 2.0 constructs",
        title="t",
        chart_title="What each level's interviews say about each CFIR 2.0 construct",
        caption_of_table="c",
    )
    assert clipped == []
    assert "no evidence" in figure.svg and "too few to show" in figure.svg and "positive" in figure.svg
    assert figure.alt.startswith(
        "Grid of 3 CFIR 2.0 constructs by the five levels of the system. 13 of 15 cells"
    )
    table = figure.table.data
    assert len(table) == 15 and table["people"].dropna().tolist() == [12, 12]
    assert "good" not in " ".join(table.loc[table["status"] != "evidence", "reading"])


def test_a_requirement_cell_from_fewer_than_the_threshold_is_never_shown():
    """Hand-made signals: ten people (under 11) at national level give a clear shortfall, which must read "too
    few to show"; 30 frontline people at +1 from two sources agree: "positive (strong)" (≥ 2 × 11 people)."""
    from mindthegap.report.sections.requirements import _heat_map

    signals = pd.DataFrame(
        [
            {"row": "lead", "level": "national", "strand": "survey", "source": "NoMAD", "n": 10,
             "direction": -1, "detail": "NoMAD 2.10"},
            {"row": "lead", "level": "local_frontline", "strand": "survey", "source": "NoMAD", "n": 30,
             "direction": 1, "detail": "NoMAD 4.20"},
            {"row": "lead", "level": "local_frontline", "strand": "qualitative", "source": "interviews",
             "n": 12, "direction": 1, "detail": "12 interviewed"},
        ]
    )  # fmt: skip
    matrix = evidence_matrix(signals, rows=["lead", "tools"], min_n=11)
    reqs = pd.DataFrame({"requirement": ["lead", "tools"], "name": ["Visible leadership", "Practical tools"]})
    figure = _heat_map(matrix, reqs.set_index("requirement"))
    table = figure.table.data.set_index(["row", "level"])
    assert table.loc[("lead", "national"), "reading"] == "too few to show"
    assert "2.10" not in figure.table.data.to_string() and "2.10" not in figure.svg
    assert table.loc[("lead", "local_frontline"), "reading"] == "positive (strong)"
    assert (table.loc["tools", "reading"] == "no evidence").all()
    assert "Visible leadership" in figure.svg and "Practical tools" in figure.svg


@pytest.fixture(scope="module")
def demo_ctx(demo_study):
    from mindthegap.report.context import ReportContext

    return ReportContext(demo_study.study, dict(demo_study.evidence), n_boot=99, audience="full")


def test_demo_cfir_matrix_never_shows_a_cell_from_fewer_than_the_threshold(demo_ctx):
    """Independent count: the people per construct × level in the coded CFIR segments, from the roster."""
    section = em.build(demo_ctx)
    figure = next(
        b for b in section.blocks if getattr(b, "title", "") == "Evidence matrix by CFIR 2.0 construct"
    )
    table = figure.table.data
    segs = si.coded(demo_ctx, "cfir2").drop(columns="level")
    people = segs.merge(si.roster(demo_ctx)[["participant_id", "level"]], left_on="participant",
                        right_on="participant_id").groupby(["code", "level"])["participant_id"].nunique()  # fmt: skip
    small = people[people < demo_ctx.min_n]
    assert len(small) and len(people[people >= demo_ctx.min_n])  # both kinds exist, so the test can fail
    cells = table.set_index(["row", "level"])
    for key in small.index:
        assert cells.loc[key, "status"] == "withheld" and cells.loc[key, "detail"] == ""
    shown = cells[cells["status"] == "evidence"]
    assert len(shown) and (shown["people"] == people.reindex(shown.index)).all()
    assert "no evidence" in figure.svg and "CFIR 2.0 constructs" in figure.alt


def test_demo_requirements_heat_map(demo_ctx):
    from mindthegap.report.sections import requirements as rq

    section = rq.build(demo_ctx)
    (figure,) = [b for b in section.blocks if hasattr(b, "svg")]
    table = figure.table.data
    matrix, _ = rq.rated(demo_ctx)
    assert len(table) == len(matrix) == matrix["row"].nunique() * len(LEVELS)
    assert (table.loc[table["status"] == "evidence", "people"] >= demo_ctx.min_n).all()
    assert set(table.loc[table["status"] != "evidence", "reading"]) <= {"no evidence", "too few to show"}
    assert "requirements of an implementation programme" in figure.alt
