"""The report as PDF, for board papers: the same HTML laid out for A4 by WeasyPrint (no browser needed).

Layout rules (``!important``: a user stylesheet yields to the page's own otherwise): the executive summary ends
its page; sections otherwise flow on, so a short section never leaves a near-empty page; a heading never ends a
page (it is kept with what follows); figures, table rows and short paragraphs are not split. A chart's long data
table is left out of the PDF (a note names report.html and the CSV that hold it), and the appendices of long
tables stay in report.html and tables/*.csv (see :func:`mindthegap.report.layout.for_print`). The board paper
(``summary``) uses smaller margins and type so it fits two pages.
"""

from __future__ import annotations

import logging
from pathlib import Path

from mindthegap.files import atomic_write_bytes

PAGE_CSS = """
@page { size: A4; margin: 18mm 16mm 20mm 16mm;
        @bottom-right { content: "Page " counter(page) " of " counter(pages); font-size: 8pt; color: #4d4d4d; } }
body { max-width: none; padding: 0; font-size: 9.5pt; }
details > summary { display: none; }
table { font-size: 8pt; }
h2 { break-before: auto !important; }
h1, h2, h3, h4, caption, p.subhead { break-after: avoid !important; page-break-after: avoid !important; }
.executive { break-after: page; }
#appendices { break-before: page; }
tr, figure, p { break-inside: avoid; }
p { orphans: 3; widows: 3; }
nav a { color: inherit; text-decoration: none; }
thead { display: table-header-group; }
figcaption { break-after: avoid !important; }
details.long-data { display: none !important; }
p.print-only { display: block !important; }
"""

SUMMARY_CSS = """
@page { size: A4; margin: 14mm 14mm 16mm 14mm;
        @bottom-right { content: "Page " counter(page) " of " counter(pages); font-size: 8pt; color: #4d4d4d; } }
body { max-width: none; padding: 0; font-size: 9.5pt; line-height: 1.35; }
h1 { font-size: 16pt; } h2 { font-size: 12pt; margin-top: 10pt; break-before: auto !important; }
h1, h2, p.subhead { break-after: avoid !important; }
.executive { break-after: auto !important; }
.chart svg { max-height: 120mm; width: auto; }
figure, p { break-inside: avoid; }
footer { margin-top: 8pt; }
"""


def html_to_pdf(html: str, *, summary: bool = False) -> bytes:
    """Render report HTML to PDF bytes. Fonts come from the system; nothing is fetched from the network."""
    from weasyprint import CSS, HTML

    # WeasyPrint logs every CSS property it does not support; those are expected for screen-only rules.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    css = SUMMARY_CSS if summary else PAGE_CSS
    return HTML(string=html, base_url=None).write_pdf(stylesheets=[CSS(string=css)])


def write_pdf(html: str, path: Path, *, summary: bool = False) -> Path:
    atomic_write_bytes(Path(path), html_to_pdf(html, summary=summary))
    return Path(path)
