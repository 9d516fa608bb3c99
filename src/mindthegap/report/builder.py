"""Building every section of the evaluation report from a :class:`ReportContext`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from mindthegap.report.context import ReportContext
from mindthegap.report.document import Section
from mindthegap.report.render import write_report
from mindthegap.report.sections import section_builders


def build_sections(ctx: ReportContext, on_section: Callable[[str], None] | None = None) -> list[Section]:
    sections = []
    for builder in section_builders():
        section = builder(ctx)
        if section is not None:
            sections.append(section)
        if on_section:
            on_section(builder.__module__.rsplit(".", 1)[-1])
    return sections


def write_evaluation_report(ctx: ReportContext, path: Path, on_section=None) -> tuple[Path, list[Section]]:
    sections = build_sections(ctx, on_section)
    write_report(
        path,
        ctx.study.name,
        sections,
        subtitle="Policy and practice: where the gaps are and what would close them",
        min_n=ctx.min_n,
    )
    return path, sections
