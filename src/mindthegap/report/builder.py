"""Building every section of the evaluation report from a :class:`ReportContext`, and writing it out."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from mindthegap.io.files import atomic_write_text
from mindthegap.report.audience import for_audience
from mindthegap.report.context import ReportContext
from mindthegap.report.document import Section
from mindthegap.report.render import render_html
from mindthegap.report.sections import section_builders

SUBTITLE = "Policy and practice: where the gaps are and what would close them"


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


def write_evaluation_report(
    ctx: ReportContext, path: Path, on_section: Callable[[str], None] | None = None, *, pdf: bool = False
) -> tuple[Path, list[Section]]:
    """Write ``path`` (HTML) and, with ``pdf``, the same report beside it as ``.pdf`` for board papers."""
    sections = build_sections(ctx, on_section)
    html = render_html(ctx.study.name, sections, subtitle=SUBTITLE, min_n=ctx.min_n)
    atomic_write_text(Path(path), html)
    if pdf:
        from mindthegap.report.pdf import write_pdf

        write_pdf(html, Path(path).with_suffix(".pdf"))
    return Path(path), sections
