"""Building every section of the evaluation report from a :class:`ReportContext`, and writing it out.

:func:`build_sections` gives the sections alone (the web app's dashboards use them). :func:`build_report`
shapes them for a board: the executive summary first, the generated methods after the findings, and long
tables moved to appendices. :func:`write_report_files` writes ``report.html``, ``report.pdf`` and the short
board paper ``summary.pdf`` into a folder, with the long tables as CSV files in ``tables/`` (the PDF leaves
the appendices to report.html and those files).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from mindthegap.files import atomic_write_text
from mindthegap.report.audience import for_audience
from mindthegap.report.context import ReportContext
from mindthegap.report.document import Section
from mindthegap.report.render import render_html, render_summary_html
from mindthegap.report.sections import section_builders

SUBTITLE = "Policy and practice: where the gaps are and what would close them"
FORMATS = ("all", "html", "pdf", "summary")


@dataclass
class Report:
    """The report as built: the executive summary (if any), the body and the matrix figure for the summary."""

    executive: Section | None
    sections: list[Section]
    findings: list[Section] = field(default_factory=list)  # the built sections before layout, for summaries


def build_sections(ctx: ReportContext, on_section: Callable[[str], None] | None = None) -> list[Section]:
    """Every section the study's evidence supports, as ``ctx.audience`` may read them."""
    sections = []
    for builder in section_builders():
        section = builder(ctx)
        if section is not None:
            sections.append(section)
        if on_section:
            on_section(builder.__module__.rsplit(".", 1)[-1])
    return for_audience(sections, ctx.audience)


def build_report(ctx: ReportContext, on_section: Callable[[str], None] | None = None) -> Report:
    """The sections laid out for the people who must act on them."""
    from mindthegap.report.executive import executive_summary
    from mindthegap.report.layout import move_long_tables
    from mindthegap.report.methods import methods_section

    sections = build_sections(ctx, on_section)
    executive = executive_summary(ctx)
    body = move_long_tables([*sections, methods_section(ctx, sections)])
    return Report(executive=executive, sections=body, findings=sections)


def subtitle(ctx: ReportContext) -> str:
    from mindthegap.report.wording import organisation_kind

    kind = organisation_kind(ctx)
    return f"{SUBTITLE}, for the {kind}'s board" if kind != "organisation" else SUBTITLE


def _render(ctx: ReportContext, report: Report, *, pdf: bool = False) -> str:
    from mindthegap.report.layout import for_print

    sections = for_print(report.sections) if pdf else report.sections
    return render_html(
        ctx.study.name, sections, subtitle=subtitle(ctx), min_n=ctx.min_n, executive=report.executive
    )


def write_tables(report: Report, folder: Path) -> list[Path]:
    """The report's long tables as CSV files in ``folder/tables`` (see :func:`~.layout.report_tables`)."""
    from mindthegap.report.layout import report_tables

    written = []
    for name, table in report_tables(report.sections).items():
        path = Path(folder) / "tables" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, table.to_csv(index=False))
        written.append(path)
    return written


def write_evaluation_report(
    ctx: ReportContext, path: Path, on_section: Callable[[str], None] | None = None, *, pdf: bool = False
) -> tuple[Path, list[Section]]:
    """Write ``path`` (HTML) and, with ``pdf``, the same report beside it as ``.pdf`` and the board paper as
    ``summary.pdf``."""
    report = build_report(ctx, on_section)
    atomic_write_text(Path(path), _render(ctx, report))
    write_tables(report, Path(path).parent)
    if pdf:
        from mindthegap.report.pdf import write_pdf

        write_pdf(_render(ctx, report, pdf=True), Path(path).with_suffix(".pdf"))
        _write_summary(ctx, report, Path(path).parent / "summary.pdf")
    return Path(path), report.findings


def write_report_files(ctx: ReportContext, out: Path, *, fmt: str = "all") -> list[Path]:
    """Write the report into the folder ``out``: ``all`` gives report.html, report.pdf and summary.pdf;
    ``html``, ``pdf`` or ``summary`` one of them (``pdf`` with its HTML)."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    out = Path(out)
    report = build_report(ctx)
    written = []
    if fmt in ("all", "html", "pdf"):
        atomic_write_text(out / "report.html", _render(ctx, report))
        written.append(out / "report.html")
        write_tables(report, out)
        if fmt in ("all", "pdf"):
            from mindthegap.report.pdf import write_pdf

            written.append(write_pdf(_render(ctx, report, pdf=True), out / "report.pdf"))
    if fmt in ("all", "summary"):
        written.append(_write_summary(ctx, report, out / "summary.pdf"))
    return written


def _write_summary(ctx: ReportContext, report: Report, path: Path) -> Path:
    from mindthegap.report.pdf import write_pdf

    matrix = next((s for s in report.findings if s.id == "evidence-matrix"), None)
    figure = next((b for b in matrix.blocks if hasattr(b, "svg")), None) if matrix else None
    html = render_summary_html(
        ctx.study.name, report.executive, figure, subtitle=subtitle(ctx), min_n=ctx.min_n
    )
    return write_pdf(html, path, summary=True)
