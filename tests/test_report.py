"""Report rendering: accessible colours, suppressed cells marked, figures carry alt text and data."""

import pandas as pd
import pytest

from mindthegap.report import charts
from mindthegap.report.document import Figure, Paragraph, Section, Table
from mindthegap.report.render import render_html, table_rows


@pytest.mark.parametrize("colour", charts.PALETTE)
def test_palette_meets_wcag_non_text_contrast(colour):
    """WCAG 2.2 SC 1.4.11: graphical objects need 3:1 against the background (white)."""
    assert charts.contrast_ratio(colour, "#ffffff") >= 3.0


def test_contrast_ratio_matches_wcag_reference_values():
    """Closed forms from the WCAG definition: black on white is 21:1, white on white 1:1, #767676 is 4.54:1."""
    assert charts.contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert charts.contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert charts.contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert charts.contrast_ratio(charts.MUTED, "#ffffff") >= 4.5  # used for text


def test_suppressed_rows_read_suppressed_in_every_statistic():
    data = pd.DataFrame(
        {"service": ["A", "B"], "n": [20, pd.NA], "gap": [1.2, pd.NA], "suppressed": [False, True]}
    )
    table = Table(
        "t", data, {"service": "Service", "n": "n", "gap": "Gap"}, formats={"n": "{:.0f}", "gap": "{:.2f}"}
    )
    rows = table_rows(table)
    assert [c["text"] for c in rows[0]["cells"]] == ["A", "20", "1.20"]
    assert [c["text"] for c in rows[1]["cells"]] == ["B", "suppressed", "suppressed"]


def test_figures_have_alt_text_and_their_data_table():
    with charts.figure() as (fig, ax):
        ax.plot([1, 2], [3, 4])
        svg = charts.to_svg(fig)
    assert svg.startswith("<svg")
    data = pd.DataFrame({"x": [1, 2], "y": [3, 4]})
    section = Section(
        "s",
        "Section",
        [
            Paragraph("Hello <b>world</b>"),
            Figure(
                "A line", svg, "A line rising from 3 to 4", Table("Line data", data, {"x": "x", "y": "y"})
            ),
        ],
    )
    html = render_html("Title & more", [section])
    assert 'role="img" aria-label="A line rising from 3 to 4"' in html
    assert "Data behind this chart" in html and "Line data" in html
    assert "Hello &lt;b&gt;world&lt;/b&gt;" in html  # text is escaped, never trusted as markup
    assert "Title &amp; more" in html
    assert 'lang="en-GB"' in html


def test_svg_is_deterministic():
    def draw():
        with charts.figure() as (fig, ax):
            ax.bar(["a", "b"], [1, 2])
            return charts.to_svg(fig)

    assert draw() == draw()
