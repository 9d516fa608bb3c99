"""Charts drawn with matplotlib and embedded as inline SVG, so a report opens offline and prints sharply.

Colours meet WCAG 2.2 non-text contrast (at least 3:1 against white) and are distinguishable with the
common colour-vision deficiencies; every chart also carries its data table and alt text (see ``Figure``).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager

import matplotlib

matplotlib.use("Agg")  # no display on servers or CI
import matplotlib.pyplot as plt
from matplotlib.figure import Figure as MplFigure

# Each has contrast >= 3:1 against white (checked in tests/test_report.py).
PALETTE = (
    "#1f4e79",  # navy
    "#b8470b",  # burnt orange
    "#2e7d32",  # green
    "#6a3d9a",  # purple
    "#8c1d40",  # maroon
    "#00695c",  # teal
    "#4d4d4d",  # dark grey
    "#7a5c00",  # olive
)
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")  # paired with colours so series differ in shape too
INK = "#1a1a1a"
MUTED = "#595959"  # 7:1 on white, used for gridlines' labels and reference lines

_STYLE = {
    "svg.fonttype": "none",  # keep text as text: searchable, selectable, smaller
    "svg.hashsalt": "mindthegap",  # stable ids so the same data give the same file
    "font.family": "sans-serif",
    "font.size": 10,
    "axes.edgecolor": MUTED,
    "axes.labelcolor": INK,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
    "xtick.color": INK,
    "ytick.color": INK,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


@contextmanager
def figure(width: float = 6.5, height: float = 4.0) -> Iterator[tuple[MplFigure, plt.Axes]]:
    """A figure and axes in the report's style; closed on exit so long runs do not leak memory."""
    with plt.rc_context(_STYLE):
        fig, ax = plt.subplots(figsize=(width, height), layout="constrained")
        try:
            yield fig, ax
        finally:
            plt.close(fig)


def to_svg(fig: MplFigure) -> str:
    """Serialise a figure to an SVG fragment fit for inlining in HTML (no XML declaration or DOCTYPE)."""
    buf = io.StringIO()
    with plt.rc_context(_STYLE):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    text = buf.getvalue()
    start = text.find("<svg")
    return text[start:] if start >= 0 else text


def relative_luminance(hex_colour: str) -> float:
    """WCAG 2.2 relative luminance of an sRGB colour given as ``#rrggbb``."""
    rgb = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast_ratio(a: str, b: str) -> float:
    """WCAG contrast ratio between two colours (1 to 21)."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)
