"""The parts a report is made of. Plain data: building a report never touches HTML directly."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


@dataclass
class Paragraph:
    text: str
    kind: str = "p"  # "p", "note" for a shaded aside; "headline", "subhead", "finding" in the summary
    href: str = ""  # where the evidence for this sentence is (an anchor such as "#evidence-matrix")


#: the format of a p-value column: "0.042", and "< 0.001" rather than "0.000"
P_VALUE = "p-value"


@dataclass
class Table:
    """A table of results. Rows with ``suppressed`` True are shown as suppressed, whatever else they hold.

    ``columns`` maps DataFrame columns to the headings shown, in order; columns not named are not shown.
    ``formats`` maps a column to a format string (e.g. ``"{:.2f}"``), or to :data:`P_VALUE` for a p-value
    (three decimals, and "< 0.001" below that).
    ``verbatim`` names the columns that hold people's own words (quotes, comments): they are shown to analysts
    and owners only, and left out of every copy built for the aggregate audience (see :mod:`.audience`).
    ``generated`` names text columns that mindthegap writes itself (a sentence built from counts and code
    names), which the aggregate copy keeps however long they run.
    """

    caption: str
    data: pd.DataFrame
    columns: dict[str, str]
    formats: dict[str, str] = field(default_factory=dict)
    note: str = ""
    verbatim: tuple[str, ...] = ()
    generated: tuple[str, ...] = ()


@dataclass
class Figure:
    """A chart as inline SVG, with the alt text a screen reader reads and the table behind it."""

    title: str
    svg: str
    alt: str
    table: Table
    caption: str = ""


@dataclass
class Section:
    id: str
    title: str
    blocks: list[Paragraph | Table | Figure | Section] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)  # one-line findings for the report's front page

    def add(self, block: Paragraph | Table | Figure | Section) -> None:
        self.blocks.append(block)
