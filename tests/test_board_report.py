"""The redesigned report: the board paper is at most two pages (read back with pypdf), its findings come from
the data (changing the demo's data changes the findings, the matrix and the recommendations), wording follows
the study's kind of organisation, and long tables move to appendices."""

from __future__ import annotations

import dataclasses
import io

import pandas as pd
import pytest

from mindthegap.report.context import ReportContext
from mindthegap.report.document import Paragraph, Section, Table


def _ctx(study, evidence):
    return ReportContext(study, dict(evidence), n_boot=199)


def _synthesis(ctx):
    from mindthegap.report.executive import findings, headline, recommendations
    from mindthegap.report.sections.evidence_matrix import matrix

    return headline(ctx), findings(ctx), recommendations(ctx), matrix(ctx)


@pytest.fixture(scope="module")
def base(demo_study):
    return _synthesis(_ctx(demo_study.study, demo_study.evidence))


def test_summary_pdf_is_at_most_two_pages_and_reads_back(demo_study):
    from pypdf import PdfReader

    from mindthegap.report.executive import executive_summary
    from mindthegap.report.pdf import html_to_pdf
    from mindthegap.report.render import render_summary_html
    from mindthegap.report.sections import evidence_matrix

    ctx = _ctx(demo_study.study, demo_study.evidence)
    summary = executive_summary(ctx)
    figure = next(b for b in evidence_matrix.build(ctx).blocks if hasattr(b, "svg"))
    html = render_summary_html(demo_study.study.name, summary, figure, subtitle="for the trust's board")
    reader = PdfReader(io.BytesIO(html_to_pdf(html, summary=True)))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) <= 2
    assert "Executive summary" in text and "What would close the gap" in text
    assert "See the evidence" in text and "Evidence matrix" in text
    assert 'href="report.html#' in html  # every finding links into the full report


def test_changing_the_data_changes_findings_matrix_and_recommendations(demo_study, base):
    evidence = dict(demo_study.evidence)
    ratings = evidence["values_practice"].copy()
    safe = ratings["principle"] == "safe"
    ratings.loc[safe, "practice"] = ratings.loc[safe, "value"]  # practice now matches values on "safe"
    evidence["values_practice"] = ratings
    orgs = dict(evidence["organisations"])
    cqc = orgs["cqc"].copy()
    cqc.loc[cqc["provider_id"] == orgs["home"], "score"] = 3  # the regulator now rates everything outstanding
    orgs["cqc"] = cqc
    evidence["organisations"] = orgs
    surveys = evidence["surveys"].copy()
    nomad = surveys["instrument"] == "nomad"
    surveys.loc[nomad & surveys["code"].notna(), "code"] = 5.0  # no NoMAD construct is a barrier any more
    evidence["surveys"] = surveys
    head, found, recs, table = _synthesis(_ctx(demo_study.study, evidence))
    old_head, old_found, old_recs, old_table = base
    assert head.text != old_head.text
    assert [f.text for f in found] != [f.text for f in old_found]
    assert [r.text for r in recs] != [r.text for r in old_recs]
    cell = table.set_index(["row", "level"]).loc[("safe", "national")]
    old = old_table.set_index(["row", "level"]).loc[("safe", "national")]
    assert old["direction"] == -1 and cell["direction"] == 1


def test_wording_follows_the_kind_of_organisation(demo_study):
    from mindthegap.report.wording import organisation_kind

    ctx = _ctx(demo_study.study, demo_study.evidence)
    assert organisation_kind(ctx) == "trust"
    council = dataclasses.replace(demo_study.study, name="Westshire County Council: care act", description="")
    assert organisation_kind(_ctx(council, {})) == "council"
    assert organisation_kind(_ctx(council, {"organisation_kind": "council"})) == "council"
    plain = dataclasses.replace(demo_study.study, name="A study", description="")
    assert organisation_kind(_ctx(plain, {})) == "organisation"


def test_long_tables_move_to_appendices_with_a_link():
    from mindthegap.report.layout import move_long_tables

    long = Table("Everything", pd.DataFrame({"a": range(20)}), {"a": "A"})
    short = Table("Little", pd.DataFrame({"a": range(3)}), {"a": "A"})
    out = move_long_tables([Section("s", "S", [Paragraph("x"), long, short, Section("t", "T", [long])])])
    assert [s.id for s in out] == ["s", "appendices"]
    body = out[0].blocks
    assert body[2] is short and body[1].href == "#appendix-1" and "20 rows" in body[1].text
    assert body[3].blocks[0].href == "#appendix-2"
    assert [s.blocks[0] for s in out[1].blocks] == [long, long]
