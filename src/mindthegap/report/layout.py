"""The report's shape for readers who must act on it: long tables move to appendices, leaving a pointer.

A table of more than ``max_rows`` rows in the body (not a chart's data table, which travels with its chart) is
replaced by a one-line note linking to its place in the appendices, so findings read without 40-row tables in
the way and the evidence is still one click away. Every moved table, and every chart's long data table, is
also written as a CSV in ``tables/`` beside the report (:func:`report_tables`); the PDF leaves the appendices
to report.html and those CSVs (:func:`for_print`), so the printed body stays short.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from mindthegap.report.document import Figure, Paragraph, Section, Table

MAX_ROWS = 10


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
                        f"The full table ({len(block.data)} rows), '{block.caption}', is in the appendices "
                        f"of report.html and in tables/{anchor}.csv.",
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


APPENDICES = "appendices"


def for_print(sections: list[Section]) -> list[Section]:
    """The sections for the PDF: the appendices give way to a pointer to report.html and ``tables/``."""
    body = [s for s in sections if s.id != APPENDICES]
    if len(body) == len(sections):
        return sections
    body = [_unlinked(s) for s in body]
    moved = next(s for s in sections if s.id == APPENDICES)
    pointer = Paragraph(
        f"The {len(moved.blocks)} long tables this report refers to are in the appendices of report.html and, "
        "as CSV files, in the tables folder beside this report.",
        kind="note",
    )
    return [*body, Section(APPENDICES, "Appendices", [pointer])]


def _unlinked(section: Section) -> Section:
    """The section without links into the appendices (the PDF leaves them to report.html)."""
    blocks = []
    for block in section.blocks:
        if isinstance(block, Section):
            block = _unlinked(block)
        elif isinstance(block, Paragraph) and (block.href or "").startswith("#appendix-"):
            block = dataclasses.replace(block, href="")
        blocks.append(block)
    return dataclasses.replace(section, blocks=blocks)


def _shown(table: Table) -> pd.DataFrame:
    cols = [c for c in table.columns if c in table.data.columns]
    out = table.data[cols].rename(columns=table.columns)
    if "suppressed" in table.data.columns:
        out = out.assign(suppressed=table.data["suppressed"].fillna(False).astype(bool).to_numpy())
    return out


def report_tables(sections: list[Section], *, max_rows: int = MAX_ROWS) -> dict[str, pd.DataFrame]:
    """File name → table for ``tables/``: each appendix table, and each chart's data table of more than
    ``max_rows`` rows, as the report shows them (suppressed rows blank and marked, headings as shown)."""
    from mindthegap.report.render import figure_csv_name

    out: dict[str, pd.DataFrame] = {}

    def walk(blocks) -> None:
        for block in blocks:
            if isinstance(block, Section):
                if block.id.startswith("appendix-") and block.blocks and isinstance(block.blocks[0], Table):
                    out[f"{block.id}.csv"] = _shown(block.blocks[0])
                else:
                    walk(block.blocks)
            elif isinstance(block, Figure) and len(block.table.data) > max_rows:
                out[figure_csv_name(block)] = _shown(block.table)

    walk(sections)
    return out
