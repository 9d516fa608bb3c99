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
from mindthegap.report.sections import synthesis_inputs as si
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


def cfir_matrix(ctx: ReportContext) -> pd.DataFrame | None:
    """The CFIR 2.0 construct × level matrix from coded interviews (cached): one row per construct anyone
    raised, each cell the people at that level whose coded segments fall under it, through the plan."""
    cache = se._cache(ctx)
    if "cfir_matrix" not in cache:
        rows = si.cfir_constructs(ctx)
        signals = pd.DataFrame(
            si.coded_level_signals(
                ctx,
                {c: [c] for c in rows},
                kind="cfir_matrix",
                key="construct",
                output="evidence matrix: CFIR constructs",
            )
        )
        cache["cfir_matrix"] = (
            evidence_matrix(signals, rows=rows, levels=LEVELS, min_n=ctx.min_n) if len(signals) else None
        )
    return cache["cfir_matrix"]


def with_readings(table: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """The matrix with ``label`` (the row's name), ``level_label`` and ``reading`` (the words a cell carries)."""
    return table.assign(
        label=table["row"].map(lambda r: names.get(r, r)),
        level_label=table["level"].map(lambda v: Level(v).label if v in {lv.value for lv in Level} else v),
        reading=[cell_label(r) for r in table.to_dict("records")],
    )


def labelled(ctx: ReportContext, table: pd.DataFrame) -> pd.DataFrame:
    out = with_readings(table, study_labels(ctx.study)["principle"])
    return out.assign(principle=out["label"])


def heat_map(ctx: ReportContext, table: pd.DataFrame) -> Figure:
    """The principles × levels heat map."""
    shown = labelled(ctx, table)
    return grid_figure(
        shown,
        row_heading="Principle",
        row_noun="principles",
        title="Evidence matrix",
        chart_title="Evidence matrix: what each level's evidence says about each principle",
        caption_of_table="The evidence matrix: each cell's reading, amount and agreement",
        note="People: the largest group behind any one strand of the cell (strands often ask the same people, "
        "so they are not added). CQC ratings count no participants.",
    )


def grid_figure(
    shown: pd.DataFrame,
    *,
    row_heading: str,
    row_noun: str,
    title: str,
    chart_title: str,
    caption_of_table: str,
    note: str = "",
) -> Figure:
    """A rows × levels heat map of an evidence matrix (``shown`` from :func:`with_readings`): each cell coloured
    by direction and strength and carrying its reading in words; cells without evidence that may be shown are
    hatched white and read "no evidence" or "too few to show". The table behind it lists every cell."""
    rows = list(dict.fromkeys(shown["label"]))
    levels = [Level(v).label for v in LEVELS]
    tall = len(rows) > 10
    with charts.figure(7.5, 1.3 + (0.4 if tall else 0.55) * len(rows)) as (fig, ax):
        _draw_cells(ax, shown, rows, levels)
        ax.set_xlim(0, len(levels))
        ax.set_ylim(len(rows), 0)
        ax.set_xticks(np.arange(len(levels)) + 0.5, [_wrap(v) for v in levels], fontsize=8)
        ax.set_yticks(np.arange(len(rows)) + 0.5, [_fold(r) for r in rows], fontsize=7 if tall else 8)
        ax.xaxis.tick_top()
        ax.tick_params(length=0)
        for side in ("left", "bottom"):
            ax.spines[side].set_visible(False)
        ax.set_title(chart_title, pad=28)
        svg = charts.to_svg(fig)
    return Figure(
        title=title,
        svg=svg,
        alt=_alt(shown, len(rows), row_noun),
        table=Table(
            caption=caption_of_table,
            data=shown,
            columns={
                "label": row_heading,
                "level_label": "Level",
                "reading": "Reading",
                "people": "People",
                "sources": "Sources",
                "agreement": "Agreement",
                "strands": "Strands",
                "detail": "Evidence",
            },
            formats={"people": "{:.0f}", "sources": "{:.0f}"},
            note=note,
            generated=("detail",),  # sentences built from counts, estimates and ratings, never people's words
        ),
        caption="Red: the evidence points to a shortfall; blue: to good practice; grey: mixed. Darker means "
        "stronger evidence. Hatched white cells hold no evidence that may be shown: a gap in the evidence, "
        "not good news.",
    )


def _draw_cells(ax, shown: pd.DataFrame, rows: list[str], levels: list[str]) -> None:
    for i, row in enumerate(rows):
        for j, level in enumerate(levels):
            cell = shown[(shown["label"] == row) & (shown["level_label"] == level)].iloc[0]
            empty = cell["status"] != "evidence"
            colour = NO_EVIDENCE if empty else SCORE_COLOURS[int(cell["score"])]
            ax.add_patch(_patch(j, i, colour, hatch="///" if empty else None))
            ink = "#ffffff" if abs(int(cell["score"])) >= 2 and not empty else charts.INK
            ax.text(j + 0.5, i + 0.5, cell["reading"].replace(" (", "\n("), ha="center", va="center",
                    fontsize=6.5 if len(rows) > 10 else 7, color=ink,
                    bbox={"facecolor": NO_EVIDENCE, "edgecolor": "none", "pad": 1.0} if empty else None)  # fmt: skip


def _fold(text: str, width: int = 26) -> str:
    """A long row name on several lines (CFIR's "Information Technology Infrastructure")."""
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) if len(text) > width else text


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


def _alt(shown: pd.DataFrame, n_rows: int, row_noun: str = "principles") -> str:
    empty = int((shown["status"] != "evidence").sum())
    strong = shown[(shown["strength"] == "strong") & (shown["direction"] < 0)]
    text = (
        f"Grid of {n_rows} {row_noun} by the five levels of the system. {empty} of {len(shown)} cells hold no "
        "evidence that may be shown."
    )
    if len(strong):
        text += (
            " Strong evidence of a shortfall: "
            + "; ".join(f"{r.label} ({r.level_label.lower()})" for r in strong.itertuples())
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
    _cfir_view(ctx, section)
    return section


def _cfir_view(ctx: ReportContext, section: Section) -> None:
    """The same matrix with CFIR 2.0 constructs as rows, from what interviewees at each level said."""
    table = cfir_matrix(ctx)
    if table is None:
        return
    shown = with_readings(table, {})
    missing = len([c for c in si.cfir_framework_constructs() if c not in set(table["row"])])
    section.add(
        Paragraph(
            "The same matrix with the constructs of the updated Consolidated Framework for Implementation "
            "Research (CFIR 2.0; Damschroder et al. 2022) as rows: each cell is what the people interviewed at "
            "one level said in segments coded to the construct, read from the valence the coders gave them "
            "(barrier or facilitator). It has one strand only, so no cell is stronger than moderate. "
            f"{missing} constructs of the framework were coded in no interview and are left out of the grid: "
            "gaps in the evidence, not constructs that are going well."
        )
    )
    section.add(
        grid_figure(
            shown,
            row_heading="CFIR 2.0 construct",
            row_noun="CFIR 2.0 constructs",
            title="Evidence matrix by CFIR 2.0 construct",
            chart_title="What each level's interviews say about each CFIR 2.0 construct",
            caption_of_table="The evidence matrix by CFIR 2.0 construct: each cell's reading and amount",
            note="People: those interviewed at the level whose coded segments fall under the construct.",
        )
    )


def organisation_word(ctx: ReportContext) -> str:
    """What the study calls its organisation ("trust", "council" …): the study's own words where it gives them."""
    from mindthegap.report.wording import organisation_kind

    return organisation_kind(ctx)
