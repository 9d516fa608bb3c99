"""The report's shape for readers who must act on it: long tables move to appendices, leaving a pointer.

A table of more than ``max_rows`` rows in the body (not a chart's data table, which travels with its chart) is
replaced by a one-line note linking to its place in the appendices, so findings read without 40-row tables in
the way and the evidence is still one click away.
"""

from __future__ import annotations

import dataclasses

from mindthegap.report.document import Figure, Paragraph, Section, Table

MAX_ROWS = 15


def move_long_tables(sections: list[Section], *, max_rows: int = MAX_ROWS) -> list[Section]:
    """The sections with long tables moved into a final "Appendices" section (added only when needed)."""
    moved: list[Section] = []

    def walk(section: Section) -> Section:
        blocks: list[Paragraph | Table | Figure | Section] = []
        for block in section.blocks:
            if isinstance(block, Section):
                blocks.append(walk(block))
            elif isinstance(block, Table) and len(block.data) > max_rows:
                anchor = f"appendix-{len(moved) + 1}"
                moved.append(Section(anchor, f"A{len(moved) + 1}. {block.caption}", [block]))
                blocks.append(
                    Paragraph(
                        f"The full table ({len(block.data)} rows), '{block.caption}', is in the appendices.",
                        kind="note",
                        href=f"#{anchor}",
                    )
                )
            else:
                blocks.append(block)
        return dataclasses.replace(section, blocks=blocks)

    out = [walk(s) for s in sections]
    if moved:
        out.append(Section("appendices", "Appendices: the full tables", list(moved)))
    return out
