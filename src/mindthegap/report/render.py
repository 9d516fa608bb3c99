"""Rendering sections to one self-contained HTML file: inline CSS and SVG, no scripts, no CDN.

The file opens offline behind an NHS network, prints well (figures never split across pages) and passes
WCAG 2.2 AA colour contrast. Suppressed cells are written as the word "suppressed" with an explanation, so
the meaning survives printing in black and white and screen readers.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from mindthegap import __version__
from mindthegap.analysis.suppression import SUPPRESSED
from mindthegap.files import atomic_write_text
from mindthegap.report.document import P_VALUE, Figure, Paragraph, Section, Table

_env = Environment(
    loader=PackageLoader("mindthegap.report", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def _cell(value: object, fmt: str | None) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if fmt == P_VALUE:
        return "< 0.001" if float(value) < 0.001 else f"{float(value):.3f}"
    if fmt:
        try:
            return fmt.format(value)
        except (ValueError, TypeError):
            return str(value)
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def table_rows(table: Table) -> list[dict]:
    """Rows of formatted cells; in a suppressed row every column that is not a key reads "suppressed"."""
    data = table.data
    keys = [c for c in table.columns if c not in table.formats and not pd.api.types.is_numeric_dtype(data[c])]
    rows = []
    hidden = data[SUPPRESSED].astype(bool).to_numpy() if SUPPRESSED in data else [False] * len(data)
    for (_, row), is_hidden in zip(data.iterrows(), hidden, strict=True):
        cells = []
        for col in table.columns:
            if is_hidden and col not in keys:
                cells.append({"text": "suppressed", "suppressed": True, "key": False})
            else:
                text = _cell(row[col], table.formats.get(col))
                cells.append(
                    {"text": text, "suppressed": False, "key": col in keys, "verbatim": col in table.verbatim}
                )
        rows.append({"cells": cells, "suppressed": bool(is_hidden)})
    return rows


def key_columns(table: Table) -> list[bool]:
    """Which columns hold labels (left-aligned) rather than numbers (right-aligned)."""
    return [
        c not in table.formats and not pd.api.types.is_numeric_dtype(table.data[c]) for c in table.columns
    ]


LONG_DATA_ROWS = 10
"""A chart whose data table is longer than this prints without it (the PDF names report.html and the CSV);
the same as :data:`mindthegap.report.layout.MAX_ROWS`."""


def figure_csv_name(figure: Figure) -> str:
    """The CSV file (in ``tables/`` beside the report) holding a chart's data table."""
    slug = "-".join("".join(c if c.isalnum() else " " for c in figure.title.lower()).split())[:60]
    return f"figure-{slug or 'chart'}.csv"


def _prepare(block: object) -> dict:
    if isinstance(block, Paragraph):
        return {"type": "paragraph", "text": block.text, "kind": block.kind, "href": block.href}
    if isinstance(block, Table):
        return {"type": "table", "table": block, "rows": table_rows(block), "key_cols": key_columns(block)}
    if isinstance(block, Figure):
        return {
            "type": "figure",
            "figure": block,
            "svg": Markup(block.svg),  # produced by matplotlib from our own data, never from user markup
            "table": block.table,
            "rows": table_rows(block.table),
            "key_cols": key_columns(block.table),
            "long": len(block.table.data) > LONG_DATA_ROWS,
            "csv": figure_csv_name(block),
        }
    if isinstance(block, Section):
        return {"type": "section", "section": block, "blocks": [_prepare(b) for b in block.blocks]}
    raise TypeError(f"cannot render {type(block).__name__}")


def render_fragment(sections: list[Section], *, min_n: int = 11) -> str:
    """The sections alone, as an HTML fragment for embedding in a page (the web app's dashboards)."""
    return _env.get_template("_sections.html").render(
        sections=[{"section": s, "blocks": [_prepare(b) for b in s.blocks]} for s in sections], min_n=min_n
    )


def _css() -> Markup:
    return Markup((Path(__file__).parent / "static" / "report.css").read_text(encoding="utf-8"))


def _generated() -> str:
    return dt.datetime.now(dt.UTC).strftime("%d %B %Y, %H:%M UTC")


def render_html(
    title: str,
    sections: list[Section],
    *,
    subtitle: str = "",
    min_n: int = 11,
    executive: Section | None = None,
) -> str:
    """The whole report; with ``executive``, the executive summary comes first and the section-by-section
    findings follow it."""
    template = _env.get_template("report.html")
    return template.render(
        title=title,
        subtitle=subtitle,
        css=_css(),
        executive=_prepared(executive) if executive else None,
        sections=[_prepared(s) for s in sections],
        summary=[(s.title, line) for s in sections for line in s.summary],
        min_n=min_n,
        version=__version__,
        generated=_generated(),
    )


def _prepared(section: Section, link_prefix: str = "") -> dict:
    blocks = [_prepare(b) for b in section.blocks]
    if link_prefix:
        for b in blocks:
            if b.get("href"):
                b["href"] = link_prefix + b["href"]
    return {"section": section, "blocks": blocks}


def render_summary_html(
    title: str, executive: Section | None, figure: Figure | None, *, subtitle: str = "", min_n: int = 11
) -> str:
    """The board paper: the executive summary and the evidence matrix, linking into report.html."""
    return _env.get_template("summary.html").render(
        title=title,
        subtitle=subtitle,
        css=_css(),
        executive=_prepared(executive, "report.html") if executive else None,
        figure=_prepare(figure) if figure else None,
        min_n=min_n,
        version=__version__,
        generated=_generated(),
    )


def write_report(
    path: Path, title: str, sections: list[Section], *, subtitle: str = "", min_n: int = 11
) -> Path:
    html = render_html(title, sections, subtitle=subtitle, min_n=min_n)
    atomic_write_text(path, html)
    return path
