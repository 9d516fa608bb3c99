"""The synthesis sections on the demo: built from its data (change the data, the findings change), kept to the
publication plan, and the ``synth`` commands on a stored study."""

from __future__ import annotations

import copy
import json

import pytest
from typer.testing import CliRunner

from mindthegap.report.context import ReportContext


def _ctx(demo) -> ReportContext:
    return ReportContext(study=demo.study, evidence=copy.copy(demo.evidence), n_boot=200)


def _sections(ctx: ReportContext) -> dict:
    from mindthegap.report.sections import cfir, coproduction, organisations, strategies

    return {
        m.__name__.rsplit(".", 1)[-1]: m.build(ctx) for m in (organisations, coproduction, cfir, strategies)
    }


@pytest.fixture(scope="module")
def built(demo_study):
    return _sections(_ctx(demo_study))


def test_every_synthesis_section_is_built_from_the_demo(built):
    for name, section in built.items():
        assert section is not None and section.summary, name
    org = built["organisations"]
    assert "Northmoor" in org.blocks[0].text and "14 peer providers" in org.blocks[0].text
    recommended = next(b for b in built["strategies"].blocks if hasattr(b, "data")).data
    assert recommended["barrier"].str.len().min() > 0 and recommended["rationale"].str.len().min() > 0


def test_no_cell_looks_like_peoples_words(built):
    """Viewers' copies drop any column with a cell over 100 characters as if it were a quote: the synthesis
    tables hold labels, numbers and the mapping's rationales, so every cell stays shorter and nothing is lost."""
    from mindthegap.report.audience import _long_text

    for section in built.values():
        for block in section.blocks:
            if hasattr(block, "data"):
                assert _long_text(block) == [], block.caption


def test_coproduction_tables_keep_to_the_plan(built):
    """Every count the co-production section shows is at least the threshold (or hidden)."""
    for block in built["coproduction"].blocks:
        data = getattr(block, "data", None)
        for col in ("n", "People"):
            if data is not None and col in data:
                shown = data[col].dropna()
                assert (shown >= 11).all(), block.caption


def test_changing_the_coded_evidence_changes_ratings_and_recommendations(demo_study, built):
    """Recode every Barrier passage as a Facilitator: the CFIR barriers disappear, so do the recommendations
    they triggered, and the findings on the front page change."""
    ctx = _ctx(demo_study)
    project = copy.deepcopy(demo_study.evidence["qualitative"])
    guid = {c.name: g for g, c in project.codebook.codes.items()}
    for coding in project.codings:
        if coding.code == guid["Barrier"]:
            coding.code = guid["Facilitator"]
    ctx.evidence["qualitative"] = project
    changed = _sections(ctx)
    assert changed["cfir"].summary != built["cfir"].summary
    before = next(b for b in built["strategies"].blocks if hasattr(b, "data")).data
    after = next(b for b in changed["strategies"].blocks if hasattr(b, "data")).data
    assert before["barrier"].str.startswith("CFIR:").any()
    assert not after["barrier"].str.startswith("CFIR:").any()


@pytest.mark.django_db
def test_synth_commands_on_the_stored_demo(demo_study, monkeypatch):
    from mindthegap.cli.main import app
    from mindthegap.store import database
    from mindthegap.store.evidence import save_all

    monkeypatch.setattr(database, "open_store", lambda db=None, **kw: "test database")
    save_all(demo_study.study, demo_study.evidence)
    runner = CliRunner()
    result = runner.invoke(app, ["synth", "cfir", "propose", "northmoor"])
    assert result.exit_code == 0 and "CFIR ratings proposed" in result.output, result.output
    listed = json.loads(runner.invoke(app, ["synth", "cfir", "list", "northmoor", "--json"]).output)
    first = listed[0]
    args = ["synth", "cfir", "rate", "northmoor", "--case", first["case"], "--construct", first["construct"]]
    other = "0" if first["proposed"] != 0 else "1"
    refused = runner.invoke(app, [*args, "--rating", other, "--analyst", "ab"])
    assert refused.exit_code != 0
    result = runner.invoke(
        app, [*args, "--rating", other, "--analyst", "ab", "--reason", "Read the transcripts again"]
    )
    assert result.exit_code == 0, result.output
    listed = json.loads(runner.invoke(app, ["synth", "cfir", "list", "northmoor", "--json"]).output)
    assert listed[0]["status"] == "changed" and listed[0]["reason"] == "Read the transcripts again"
    ranked = json.loads(
        runner.invoke(app, ["synth", "strategies", "northmoor", "--top", "2", "--json"]).output
    )
    assert ranked and all(r["rank"] <= 2 for r in ranked)
    cop = json.loads(runner.invoke(app, ["synth", "coproduction", "northmoor", "--json"]).output)
    assert all(r["n"] is None or r["n"] >= 11 for r in cop["index"])
