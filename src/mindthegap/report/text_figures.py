"""Figures for the text analyses: drawing lives in the report layer, so :mod:`mindthegap.text` stays pure.

``divergence_figure`` draws the table :func:`mindthegap.text.divergence.distinctive_terms` returns.
"""

from __future__ import annotations

import pandas as pd

from mindthegap.report import charts
from mindthegap.report.document import Figure, Table

__all__ = ["divergence_figure"]


def divergence_figure(
    terms: pd.DataFrame, *, per_group: int = 6, title: str = "Distinctive terms by group"
) -> Figure:
    """Horizontal bar chart of each group's most distinctive terms (z-scores), with alt text and a data table."""

    shown = terms[~terms["suppressed"].astype(bool) & terms["term"].notna()]
    shown = shown[shown["rank"] <= per_group]
    groups = list(dict.fromkeys(shown["group"]))
    height = max(2.5, 0.28 * len(shown) + 0.6 * len(groups))
    with charts.figure(7.0, height) as (fig, ax):
        y, labels, colours = [], [], []
        pos = 0
        for gi, group in enumerate(groups):
            part = shown[shown["group"] == group].sort_values("z")
            for _, row in part.iterrows():
                y.append(pos)
                labels.append(f"{group}: {row['term']}")
                colours.append(charts.PALETTE[gi % len(charts.PALETTE)])
                pos += 1
            pos += 0.6
        ax.barh(y, shown.set_index(["group", "term"]).loc[[(lab.split(": ", 1)[0], lab.split(": ", 1)[1])
                for lab in labels], "z"].to_numpy(), color=colours)  # fmt: skip
        ax.set_yticks(y, labels, fontsize=8)
        ax.axvline(1.96, color=charts.MUTED, lw=1, ls="--")
        ax.set_xlabel("z-score of weighted log-odds (dashed line: 1.96)")
        ax.set_title(title)
        svg = charts.to_svg(fig)
    tops = "; ".join(
        f"{g}: {', '.join(shown.loc[shown['group'] == g].sort_values('rank')['term'].head(3))}"
        for g in groups
    )
    table = Table(
        caption="Distinctive terms (weighted log-odds with informative Dirichlet prior)",
        data=terms,
        columns={
            "group": "Group",
            "n": "Comments",
            "rank": "Rank",
            "term": "Term",
            "z": "z",
            "count": "Uses in group",
            "count_other": "Uses elsewhere",
        },
        formats={"z": "{:.2f}", "n": "{:.0f}", "rank": "{:.0f}", "count": "{:.0f}", "count_other": "{:.0f}"},
    )
    alt = f"Bar chart of the most distinctive terms for {len(groups)} groups by z-score. Top terms — {tops}."
    return Figure(title=title, svg=svg, alt=alt, table=table)
