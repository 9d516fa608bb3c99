"""Report section: the evidence matrix — principles × the five levels of the system, as a heat map with the
table behind it. An empty cell reads "no evidence" (or "too few to show"), never as good news."""

from __future__ import annotations

import numpy as np
import pandas as pd

from mindthegap.analysis.evidence_matrix import LEVELS, cell_label, evidence_matrix
from mindthegap.model import Level
from mindthegap.report import charts
from mindthegap.report.context import ReportContext
from mindthegap.report.document import Figure, Paragraph, Section, Table
from mindthegap.report.sections import synthesis_evidence as se
from mindthegap.report.sections.labels import study_labels

# diverging, each end ≥ 4.5:1 against its text; the middle and "no evidence" are light so black text reads
SCORE_COLOURS = {
    -3: "#8c1d40",
    -2: "#c0506e",
    -1: "#e8b4c0",
    0: "#f2f2f2",
    1: "#b9d7ea",
    2: "#5b9bd5",
    3: "#1f4e79",
}
NO_EVIDENCE = "#ffffff"


def matrix(ctx: ReportContext) -> pd.DataFrame | None:
    """The study's principle × level matrix (cached for the summary and the joint displays)."""
    cache = se._cache(ctx)
    if "matrix" not in cache:
        signals = se.principle_signals(ctx)
        rows = [p.id for p in ctx.study.principles]
        cache["matrix"] = (
            evidence_matrix(signals, rows=rows, levels=LEVELS, min_n=ctx.min_n) if len(signals) else None
        )
    return cache["matrix"]


def labelled(ctx: ReportContext, table: pd.DataFrame) -> pd.DataFrame:
    names = study_labels(ctx.study)["principle"]
    out = table.assign(
        principle=table["row"].map(lambda r: names.get(r, r)),
        level_label=table["level"].map(lambda v: Level(v).label if v in {lv.value for lv in Level} else v),
        reading=[cell_label(r) for r in table.to_dict("records")],
    )
    return out


def heat_map(ctx: ReportContext, table: pd.DataFrame) -> Figure:
    shown = labelled(ctx, table)
    rows = list(dict.fromkeys(shown["principle"]))
    levels = [Level(v).label for v in LEVELS]
    with charts.figure(7.5, 1.2 + 0.55 * len(rows)) as (fig, ax):
        for i, principle in enumerate(rows):
            for j, level in enumerate(levels):
                cell = shown[(shown["principle"] == principle) & (shown["level_label"] == level)].iloc[0]
                empty = cell["status"] != "evidence"
                colour = NO_EVIDENCE if empty else SCORE_COLOURS[int(cell["score"])]
                ax.add_patch(_patch(j, i, colour, hatch="///" if empty else None))
                ink = "#ffffff" if abs(int(cell["score"])) >= 2 and not empty else charts.INK
                ax.text(
                    j + 0.5,
                    i + 0.5,
                    cell["reading"].replace(" (", "\n("),
                    ha="center",
                    va="center",
                    fontsize=7,
                    color=ink,
                )
        ax.set_xlim(0, len(levels))
        ax.set_ylim(len(rows), 0)
        ax.set_xticks(np.arange(len(levels)) + 0.5, [_wrap(v) for v in levels], fontsize=8)
        ax.set_yticks(np.arange(len(rows)) + 0.5, rows, fontsize=8)
        ax.xaxis.tick_top()
        ax.tick_params(length=0)
        for side in ("left", "bottom"):
            ax.spines[side].set_visible(False)
        ax.set_title("Evidence matrix: what each level's evidence says about each principle", pad=28)
        svg = charts.to_svg(fig)
    return Figure(
        title="Evidence matrix",
        svg=svg,
        alt=_alt(shown, len(rows)),
        table=Table(
            caption="The evidence matrix: each cell's reading, amount and agreement",
            data=shown,
            columns={
                "principle": "Principle",
                "level_label": "Level",
                "reading": "Reading",
                "people": "People",
                "sources": "Sources",
                "agreement": "Agreement",
                "strands": "Strands",
                "detail": "Evidence",
            },
            formats={"people": "{:.0f}", "sources": "{:.0f}"},
            note="People: the largest group behind any one strand of the cell (strands often ask the same people, "
            "so they are not added). CQC ratings count no participants.",
        ),
        caption="Red: the evidence points to a shortfall; blue: to good practice; grey: mixed. Darker means "
        "stronger evidence. Hatched white cells hold no evidence that may be shown: a gap in the evidence, "
        "not good news.",
    )


def _patch(x: float, y: float, colour: str, hatch: str | None):
    from matplotlib.patches import Rectangle

    return Rectangle(
        (x, y),
        1,
        1,
        facecolor=colour,
        edgecolor="#ffffff" if hatch is None else charts.MUTED,
        hatch=hatch,
        linewidth=1.0 if hatch is None else 0.5,
    )


def _wrap(text: str) -> str:
    words = text.split()
    half = (len(words) + 1) // 2
    return " ".join(words[:half]) + ("\n" + " ".join(words[half:]) if len(words) > 1 else "")


def _alt(shown: pd.DataFrame, n_rows: int) -> str:
    empty = int((shown["status"] != "evidence").sum())
    strong = shown[(shown["strength"] == "strong") & (shown["direction"] < 0)]
    text = (
        f"Grid of {n_rows} principles by the five levels of the system. {empty} of {len(shown)} cells hold no "
        "evidence that may be shown."
    )
    if len(strong):
        text += (
            " Strong evidence of a shortfall: "
            + "; ".join(f"{r.principle} ({r.level_label.lower()})" for r in strong.itertuples())
            + "."
        )
    return text


def build(ctx: ReportContext) -> Section | None:
    table = matrix(ctx)
    if table is None:
        return None
    section = Section("evidence-matrix", "The evidence matrix: principles by level of the system")
    section.add(
        Paragraph(
            "Each cell brings together what the evidence from one level of the system says about one principle: "
            "the values–practice gap of the people at that level, what those interviewed said in the codes "
            "linked to the principle, and (at national level) the regulator's rating of the "
            f"{organisation_word(ctx)}. A cell's strength rests on the amount of evidence, the number of "
            "independent sources and whether they agree; the rules are in docs/methods.md ('Evidence matrix'). "
            f"A cell drawn from fewer than {ctx.min_n} people is never shown."
        )
    )
    section.add(heat_map(ctx, table))
    empty = table[table["status"] != "evidence"]
    if len(empty):
        names = labelled(ctx, empty)
        levels = names.groupby("level_label", sort=False).size()
        worst = levels.idxmax()
        section.summary.append(
            f"{len(empty)} of {len(table)} cells of the evidence matrix have no evidence that may be shown; "
            f"the {worst.lower()} level is the least covered ({levels.max()} of {table['row'].nunique()} "
            "principles)."
        )
    return section


def organisation_word(ctx: ReportContext) -> str:
    """What the study calls its organisation ("trust", "council" …): the study's own words where it gives them."""
    from mindthegap.report.wording import organisation_kind

    return organisation_kind(ctx)
