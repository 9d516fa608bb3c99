"""Building a report for its audience: analysts and owners read people's own words, everyone else aggregates.

Sections mark the table columns that hold source text (quotes, comments) as ``verbatim``; for the aggregate
audience :func:`for_audience` drops those columns from every table, in figures and sub-sections too, and says
so under the table. As a safety net it also drops any shown column holding a string longer than any label.
:func:`mindthegap.report.builder.build_sections` applies it to every report it builds, so the dashboard, the
downloads and the command line share one rule.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from mindthegap.report.document import Figure, Paragraph, Section, Table

AGGREGATE_NOTE = "Quotes and comments are left out of this copy: it shows aggregates only."
COPY_NOTE = (
    "This copy of the report shows aggregates only: numbers, charts and distinctive terms, never people's own "
    "words. The study team's copy also holds quotes and comments."
)


#: no label or statistic runs this long: a shown column holding such a string is taken for people's words even
#: where a section forgot to mark it verbatim
LONG_TEXT = 100


def _long_text(table: Table) -> list[str]:
    def long(values: pd.Series) -> bool:
        if pd.api.types.is_numeric_dtype(values):
            return False
        return bool(values.map(lambda v: isinstance(v, str) and len(v) > LONG_TEXT).any())

    return [
        c
        for c in table.columns
        if c in table.data.columns and c not in table.generated and long(table.data[c])
    ]


def _table(table: Table) -> Table:
    hidden = [*table.verbatim, *(c for c in _long_text(table) if c not in table.verbatim)]
    if not hidden:
        return table
    columns = {k: v for k, v in table.columns.items() if k not in hidden}
    data = table.data.drop(columns=[c for c in hidden if c in table.data.columns])
    note = f"{table.note} {AGGREGATE_NOTE}".strip()
    return dataclasses.replace(table, data=data, columns=columns, note=note, verbatim=())


def _block(block: Paragraph | Table | Figure | Section) -> Paragraph | Table | Figure | Section:
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, Figure):
        return dataclasses.replace(block, table=_table(block.table))
    if isinstance(block, Section):
        return dataclasses.replace(
            block, blocks=[_block(b) for b in block.blocks], summary=list(block.summary)
        )
    return block


def for_audience(sections: list[Section], audience: str) -> list[Section]:
    """The sections as ``audience`` may read them: unchanged for "full", without verbatim columns otherwise."""
    if audience == "full":
        return sections
    out = [_block(s) for s in sections]
    if out:  # said once at the top as well as under each table, so a reader of any page knows
        first = out[0]
        out[0] = dataclasses.replace(first, blocks=[Paragraph(COPY_NOTE, kind="note"), *first.blocks])
    return out
