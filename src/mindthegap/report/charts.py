"""Charts drawn with matplotlib and embedded as inline SVG, so a report opens offline and prints sharply.

Colours meet WCAG 2.2 non-text contrast (at least 3:1 against white) and are distinguishable with the
common colour-vision deficiencies; every chart also carries its data table and alt text (see ``Figure``).
"""

from __future__ import annotations

import io
import textwrap
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import matplotlib
import numpy as np
from numpy.typing import ArrayLike

matplotlib.use("Agg")  # no display on servers or CI
import matplotlib.pyplot as plt
from matplotlib.figure import Figure as MplFigure
from matplotlib.text import Text

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


# pyplot's figure manager and rcParams are global: a web server builds dashboards in several threads (viewers,
# and the background rebuild of web/warming.py), so charts are drawn one at a time (reentrant: to_svg runs
# inside figure)
_DRAWING = threading.RLock()


@contextmanager
def figure(width: float = 6.5, height: float = 4.0) -> Iterator[tuple[MplFigure, plt.Axes]]:
    """A figure and axes in the report's style; closed on exit so long runs do not leak memory."""
    with _DRAWING, plt.rc_context(_STYLE):
        fig, ax = plt.subplots(figsize=(width, height), layout="constrained")
        try:
            yield fig, ax
        finally:
            plt.close(fig)


def _drawn_texts(fig: MplFigure) -> list[Text]:
    """The texts matplotlib draws: titles, labels, legends, annotations and the tick labels within view (it keeps
    but does not draw tick labels beyond an axis's limits)."""
    texts = fig.findobj(Text)
    hidden = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            span = (high - low) * 1e-6
            for loc, label in zip(axis.get_majorticklocs(), axis.get_majorticklabels(), strict=False):
                if not low - span <= loc <= high + span:
                    hidden.add(id(label))
    return [t for t in texts if id(t) not in hidden]


def outside(fig: MplFigure) -> list[str]:
    """The visible texts of ``fig`` that reach beyond its edges (and would be cut off in the report)."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    box = fig.bbox
    found = []
    for text in _drawn_texts(fig):
        if not text.get_visible() or not text.get_text().strip() or text.figure is None:
            continue
        extent = text.get_window_extent(renderer)
        if (
            extent.x0 < box.x0 - 1
            or extent.x1 > box.x1 + 1
            or extent.y0 < box.y0 - 1
            or extent.y1 > box.y1 + 1
        ):
            found.append(text.get_text())
    return found


def fit_labels(fig: MplFigure) -> None:
    """Wrap axis titles and labels wider (or, for y labels, taller) than the figure onto more lines, so that
    constrained layout can make room for them instead of letting the edge cut them ("… (95%").

    The figure is laid out without being rasterised (only the texts' extents are needed): the same positions
    as a full draw at a fraction of the cost."""
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    for ax in fig.axes:
        for text, horizontal in ((ax.title, True), (ax.xaxis.label, True), (ax.yaxis.label, False)):
            words = text.get_text()
            if not words.strip():
                continue
            extent, box = text.get_window_extent(renderer), fig.bbox
            low, high, start, end = (
                (extent.x0, extent.x1, box.x0, box.x1)
                if horizontal
                else (extent.y0, extent.y1, box.y0, box.y1)
            )
            centre = (low + high) / 2
            room = 2 * min(centre - start, end - centre) * 0.95  # the text stays centred where it is
            if high - low > room > 0:
                chars = max(12, int(len(words) * room / (high - low)))
                text.set_text(textwrap.fill(words, chars))


def to_svg(fig: MplFigure) -> str:
    """Serialise a figure to an SVG fragment fit for inlining in HTML (no XML declaration or DOCTYPE); long axis
    labels are wrapped first (:func:`fit_labels`)."""
    buf = io.StringIO()
    with _DRAWING, plt.rc_context(_STYLE):
        fit_labels(fig)
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    text = buf.getvalue()
    start = text.find("<svg")
    return text[start:] if start >= 0 else text


def interval_chart(
    labels: Sequence[str],
    value: ArrayLike,
    low: ArrayLike,
    high: ArrayLike,
    *,
    xlabel: str,
    reference: float = 0.0,
    row_height: float = 0.22,
    base: float = 1.4,
    large: bool = False,
    colour: str = PALETTE[0],
) -> str:
    """A dot per row with its interval from ``low`` to ``high``, first row at the top, and a dashed line at
    ``reference``: the forest plots of effects, changes and alphas. ``large`` draws bigger dots and labels."""
    value, low, high = (np.asarray(a, dtype=float) for a in (value, low, high))
    ms, capsize, fontsize = (5, 3, 8) if large else (4, 2, 7)
    with figure(7.0, base + row_height * len(value)) as (fig, ax):
        y = np.arange(len(value))[::-1]
        xerr = np.vstack([value - low, high - value])
        ax.errorbar(value, y, xerr=xerr, fmt="o", color=colour, ms=ms, capsize=capsize)
        ax.axvline(reference, color=MUTED, lw=1, ls="--")
        ax.set_yticks(y, list(labels), fontsize=fontsize)
        ax.set_xlabel(xlabel)
        return to_svg(fig)


def relative_luminance(hex_colour: str) -> float:
    """WCAG 2.2 relative luminance of an sRGB colour given as ``#rrggbb``."""
    rgb = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast_ratio(a: str, b: str) -> float:
    """WCAG contrast ratio between two colours (1 to 21)."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)
