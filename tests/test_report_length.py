"""Report length and print layout: long tables and charts' long data tables leave the PDF body for report.html
and tables/*.csv; no PDF page holds only a heading (pages read back with pypdf); and ``mindthegap report``
writes report.html, report.pdf and summary.pdf (with the CSVs) for a stored study."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from typer.testing import CliRunner

from mindthegap.report.document import Figure, Paragraph, Section, Table
from mindthegap.report.layout import MAX_ROWS, for_print, move_long_tables, report_tables


def _table(n: int, caption: str = "Rows") -> Table:
    data = pd.DataFrame({"group": [f"Group {i}" for i in range(n)], "n": [11 + i for i in range(n)]})
    return Table(caption, data, {"group": "Group", "n": "n"})


def _figure(n: int) -> Figure:
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="80"><rect width="200" height="80"/></svg>'
    return Figure("A long chart", svg, "A box", _table(n, "Chart data"))


def test_long_tables_and_chart_data_go_to_csv_and_leave_the_pdf():
    sections = move_long_tables([Section("s", "S", [_table(MAX_ROWS + 5, "Big"), _figure(MAX_ROWS + 2)])])
    files = report_tables(sections)
    assert set(files) == {"appendix-1.csv", "figure-a-long-chart.csv"}
    assert list(files["appendix-1.csv"].columns) == ["Group", "n"] and len(files["appendix-1.csv"]) == 15
    printed = for_print(sections)
    assert sections[0].blocks[0].href == "#appendix-1" and printed[0].blocks[0].href == ""
    assert printed[-1].title == "Appendices" and "tables folder" in printed[-1].blocks[0].text
    from mindthegap.report.render import render_html

    html = render_html("T", printed)
    assert 'class="long-data"' in html and "tables/figure-a-long-chart.csv" in html


def _page_lines(pdf: bytes) -> list[list[str]]:
    from pypdf import PdfReader

    pages = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        lines = [ln.strip() for ln in (page.extract_text() or "").splitlines()]
        pages.append([ln for ln in lines if ln and not ln.startswith("Page ")])
    return pages


def _lonely(pages: list[list[str]]) -> list[int]:
    """Pages whose text is a single short line: a heading left alone."""
    return [i for i, lines in enumerate(pages, start=1) if len(lines) == 1 and len(lines[0]) < 80]


def _sections() -> list[Section]:
    text = (
        "Findings in a sentence or two, long enough to wrap across the width of an A4 page at this size. " * 3
    )
    return [
        Section(f"s{i}", f"Section {i}", [Paragraph(text * (1 + i % 3)), _table(4 + i % 7), Paragraph(text)])
        for i in range(14)
    ]


def test_no_pdf_page_holds_only_a_heading():
    """Many short sections whose page breaks fall in different places: a heading is always kept with what
    follows, so no page's text is a single short line."""
    from mindthegap.report.pdf import html_to_pdf
    from mindthegap.report.render import render_html

    pages = _page_lines(html_to_pdf(render_html("Layout", for_print(move_long_tables(_sections())))))
    assert len(pages) >= 3
    assert _lonely(pages) == []


def test_the_page_check_fails_on_a_heading_left_alone():
    """The same check on a page that breaks straight after a heading finds the heading's lonely page."""
    from weasyprint import HTML

    html = '<h2>Lonely heading</h2><p style="break-before: page">What should have followed it.</p>'
    assert 1 in _lonely(_page_lines(HTML(string=html).write_pdf()))


@pytest.mark.django_db
def test_report_command_writes_the_three_files(tmp_path, monkeypatch):
    from mindthegap.cli.main import app
    from mindthegap.io.study_files import study_from_mapping
    from mindthegap.model import Level, Participant, Role
    from mindthegap.store import database
    from mindthegap.store.evidence import save_all

    monkeypatch.setattr(database, "open_store", lambda *a, **kw: "test database")  # the test's own database
    study = study_from_mapping(
        {
            "id": "small",
            "name": "Small study",
            "supports": [{"id": "toolkit", "name": "Toolkit", "kind": "tools"}],
        }
    )
    study.participants = [
        Participant(f"F{i:03d}", Role.PRACTITIONER, Level.LOCAL_FRONTLINE) for i in range(40)
    ]
    uses = pd.DataFrame(
        {
            "participant_id": [p.id for p in study.participants],
            "level": "local_frontline",
            "support": "toolkit",
            "used": [i % 3 != 0 for i in range(40)],
            "helpfulness": pd.array([4 if i % 3 else None for i in range(40)], dtype="Int64"),
            "comment": "",
        }
    )
    save_all(study, {"support_use": uses})
    out = tmp_path / "board"
    result = CliRunner().invoke(app, ["report", "small", "--out", str(out), "--n-boot", "100"])
    assert result.exit_code == 0, result.output
    for name in ("report.html", "report.pdf", "summary.pdf"):
        assert (out / name).stat().st_size > 1000, name
    html = (out / "report.html").read_text()
    assert "Implementation support" in html and "Requirements framework" in html
    pages = _page_lines((out / "report.pdf").read_bytes())
    assert any("Toolkit" in " ".join(lines) for lines in pages)
