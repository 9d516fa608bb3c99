"""The report as PDF, for board papers: the same HTML laid out for A4 by WeasyPrint (no browser needed)."""

from __future__ import annotations

import logging
from pathlib import Path

from mindthegap.io.files import atomic_write_bytes

PAGE_CSS = """
@page { size: A4; margin: 18mm 16mm 20mm 16mm;
        @bottom-right { content: "Page " counter(page) " of " counter(pages); font-size: 8pt; color: #4d4d4d; } }
body { max-width: none; padding: 0; font-size: 9.5pt; }
details > summary { display: none; }
table { font-size: 8pt; }
/* the cover holds the title, the contents and the key findings; each section then starts a page */
nav { display: block; break-after: avoid; } nav a { color: inherit; text-decoration: none; }
nav h2, #key-findings h2 { break-before: auto; }
h2 { break-before: page; }
/* never a heading, caption or lead-in alone at the foot of a page */
h2, h3, h4, caption, figcaption { break-after: avoid; }
figure, tr, p.note { break-inside: avoid; }
thead { display: table-header-group; }
"""


def html_to_pdf(html: str) -> bytes:
    """Render report HTML to PDF bytes. Fonts come from the system; nothing is fetched from the network."""
    from weasyprint import CSS, HTML

    # WeasyPrint logs every CSS property it does not support; those are expected for screen-only rules.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    return HTML(string=html, base_url=None).write_pdf(stylesheets=[CSS(string=PAGE_CSS)])


def write_pdf(html: str, path: Path) -> Path:
    atomic_write_bytes(Path(path), html_to_pdf(html))
    return Path(path)
