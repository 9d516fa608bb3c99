"""Report section: consensus across stakeholder groups (Delphi) and the policy-lever matrix."""

from __future__ import annotations

import numpy as np
import pandas as pd

from mindthegap.analysis.consensus import ConsensusRule, across_groups, consensus_summary, group_divergence
from mindthegap.analysis.consensus_rounds import stability
from mindthegap.analysis.levers import lever_divergence, lever_matrix
from mindthegap.analysis.suppression import ALL
from mindthegap.frameworks.conversations import load_levers
from mindthegap.io.delphi_files import group_label
from mindthegap.report import charts
from mindthegap.report.context import ReportContext
from mindthegap.report.delphi_feedback import wording
from mindthegap.report.document import Figure, Paragraph, Section, Table

SUMMARY_HEADINGS = {
    "statement": "Statement",
    "group": "Group",
    "n": "n",
    "median": "Median",
    "pct_agree": "% rating 7–9",
    "pct_disagree": "% rating 1–3",
    "verdict": "Verdict",
}
FORMATS = {"n": "{:.0f}", "median": "{:g}", "pct_agree": "{:.0f}", "pct_disagree": "{:.0f}"}


def _delphi(ctx: ReportContext) -> dict[str, pd.DataFrame] | None:
    frames = ctx.evidence.get("delphi")
    if not frames or frames.get("ratings") is None or frames["ratings"].empty:
        return None
    ratings = ctx.consenting(frames["ratings"].rename(columns={"rater_id": "participant_id"}))
    return {**frames, "ratings": ratings.rename(columns={"participant_id": "rater_id"})}


def build(ctx: ReportContext) -> Section | None:
    frames = _delphi(ctx)
    if frames is None:
        return None
    section = Section("consensus", "Consensus across stakeholder groups")
    rule = ConsensusRule()
    section.add(
        Paragraph(
            "Panels of policymakers, managers, practitioners, people who use services and carers rated "
            f"statements from 1 (strongly disagree) to 9 (strongly agree) over rounds. Verdict: {rule.describe()}. "
            "Groups too small to show safely are suppressed."
        )
    )
    ratings = frames["ratings"]
    statements = frames["statements"]
    consensus = ratings[ratings["kind"] == "consensus"]
    if not consensus.empty:
        _consensus_blocks(ctx, section, consensus, statements, rule)
    levers = ratings[ratings["kind"] == "levers"]
    if not levers.empty:
        lever_part = _lever_section(ctx, levers, statements, rule)
        section.add(lever_part)
        section.summary.extend(lever_part.summary)  # the front page reads the top-level sections only
    return section


def _consensus_blocks(ctx, section: Section, ratings, statements, rule) -> None:
    summary = consensus_summary(ratings, rule=rule, plan=ctx.plan)
    last = int(ratings["round"].max())
    final = summary[summary["round"] == last].copy()
    final["statement"] = [wording(statements, s, last) for s in final["statement"]]
    final["group"] = final["group"].map(lambda g: "All raters" if g == ALL else group_label(g))
    section.add(
        Table(
            caption=f"Consensus by stakeholder group, round {last}",
            data=final,
            columns=SUMMARY_HEADINGS,
            formats=FORMATS,
        )
    )
    figure = divergence_figure(summary[summary["round"] == last], statements, last)
    if figure is not None:
        section.add(figure)
    parted = group_divergence(summary)
    parted = parted[(parted["round"] == last) & parted["part"]]
    for other, part in parted.groupby("other_group"):
        names = "; ".join(wording(statements, s, last) for s in part["statement"])
        section.summary.append(
            f"Policymakers and {group_label(other).lower()} part on {len(part)} statements."
        )
        section.add(Paragraph(f"Policymakers and {group_label(other).lower()} part on: {names}"))
    agreed = across_groups(summary)
    agreed = agreed[(agreed["round"] == last) & agreed["all_groups_agree"]]
    section.add(
        Paragraph(f"Every group shown reached the same verdict on {len(agreed)} statements in round {last}.")
    )
    edited = statements.groupby("statement")["version"].max()
    for s in edited[edited > 1].index:
        old, new = wording(statements, s, 1), wording(statements, s, last)
        section.add(Paragraph(f"Reworded between rounds: “{old}” became “{new}”.", kind="note"))
    stable = stability(ratings, plan=ctx.plan)
    if not stable.empty:
        section.add(
            Table(
                caption="Stability between rounds (stable: at most 15% of raters moved to another band)",
                data=stable.assign(
                    group=stable["group"].map(lambda g: "All raters" if g == ALL else group_label(g))
                ),
                columns={
                    "rounds": "Rounds",
                    "statement": "Statement",
                    "group": "Group",
                    "n_pairs": "Raters in both",
                    "pct_moved": "% changed band",
                    "edited": "Reworded",
                    "stable": "Stable",
                },
                formats={"n_pairs": "{:.0f}", "pct_moved": "{:.0f}"},
            )
        )


def divergence_figure(summary: pd.DataFrame, statements: pd.DataFrame, round_: int) -> Figure | None:
    """Each group's median per statement (dots on one line per statement): where the groups spread apart."""
    shown = summary[~summary["suppressed"].astype(bool) & (summary["group"] != ALL)]
    if shown.empty:
        return None
    order = list(dict.fromkeys(shown["statement"]))
    groups = list(dict.fromkeys(shown["group"]))
    with charts.figure(7.5, 1.5 + 0.45 * len(order)) as (fig, ax):
        for i, group in enumerate(groups):
            sub = shown[shown["group"] == group]
            y = np.array([order.index(s) for s in sub["statement"]]) + (i - len(groups) / 2) * 0.08
            ax.scatter(
                sub["median"].astype(float),
                y,
                color=charts.PALETTE[i % len(charts.PALETTE)],
                marker=charts.MARKERS[i % len(charts.MARKERS)],
                label=group_label(group),
                zorder=3,
            )
        ax.set_yticks(range(len(order)), order)
        ax.invert_yaxis()
        ax.set_xlim(0.5, 9.5)
        ax.axvspan(6.5, 9.5, color="#e8f0e8", zorder=0)
        ax.axvspan(0.5, 3.5, color="#f4e6e0", zorder=0)
        ax.set_xlabel("Median rating (1 = strongly disagree, 9 = strongly agree)")
        ax.set_ylabel("Statement")
        ax.set_title(f"Where the stakeholder groups part, round {round_}")
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
        svg = charts.to_svg(fig)
    spread = shown.groupby("statement")["median"].agg(lambda m: float(m.max() - m.min())).sort_values()
    alt = (
        f"Dot plot of each group's median rating for {len(order)} statements. The groups are furthest apart on "
        f"{spread.index[-1]} (medians {spread.iloc[-1]:g} points apart) and closest on {spread.index[0]}."
    )
    table = Table(
        caption="Medians by group (the chart's data)",
        data=shown.assign(group=shown["group"].map(group_label)),
        columns={
            "statement": "Statement",
            "group": "Group",
            "n": "n",
            "median": "Median",
            "verdict": "Verdict",
        },
        formats={"n": "{:.0f}", "median": "{:g}"},
    )
    return Figure(title="Divergence between groups", svg=svg, alt=alt, table=table)


def _lever_section(ctx, ratings, statements, rule) -> Section:
    section = Section("levers", "Policy levers: who expects what to move the gap")
    summary = consensus_summary(ratings, rule=rule, plan=ctx.plan)
    items = statements[statements["kind"] == "levers"]
    matrix = lever_matrix(summary, items)
    labels = {lever["id"]: lever["label"] for lever in load_levers()}
    matrix["lever_label"] = matrix["lever"].map(lambda v: labels.get(v, v.replace("_", " ").capitalize()))
    matrix["group_label"] = matrix["group"].map(lambda g: "All raters" if g == ALL else group_label(g))
    section.add(
        Paragraph(
            "Each panel rated how much each lever would move each principle's gap (1–9). The matrix shows, per "
            "lever and group, the share rating 7–9, averaged over the principles."
        )
    )
    section.add(lever_figure(matrix))
    parted = lever_divergence(matrix)
    parted = parted[parted["direction"] != ""]
    for r in parted.to_dict("records"):
        text = (
            f"{labels.get(r['lever'], r['lever'])}: {r['pct_reference']:.0f}% of policymakers expect change, "
            f"{r['pct_other']:.0f}% of {group_label(r['other_group']).lower()}."
        )
        section.add(Paragraph(text))
    if len(parted):
        section.summary.append(
            "Policymakers and frontline or service-user panels differ by 25 points or more on "
            f"{parted['lever'].nunique()} levers ({', '.join(sorted({labels.get(v, v) for v in parted['lever']}))})."
        )
    return section


def lever_figure(matrix: pd.DataFrame) -> Figure:
    shown = matrix[matrix["group"] != ALL]
    wide = shown.pivot(index="lever_label", columns="group_label", values="pct_expect")
    with charts.figure(7.5, 1.5 + 0.4 * len(wide)) as (fig, ax):
        image = ax.imshow(wide.to_numpy(dtype=float), cmap="Blues", vmin=0, vmax=100, aspect="auto")
        ax.set_xticks(range(len(wide.columns)), wide.columns, rotation=30, ha="right")
        ax.set_yticks(range(len(wide.index)), wide.index)
        for (i, j), value in np.ndenumerate(wide.to_numpy(dtype=float)):
            if not np.isnan(value):
                ax.text(
                    j,
                    i,
                    f"{value:.0f}",
                    ha="center",
                    va="center",
                    color="white" if value > 60 else charts.INK,
                )
        fig.colorbar(image, ax=ax, label="% rating 7–9 (mean over principles)")
        ax.set_title("Which levers each group expects to move the gap")
        svg = charts.to_svg(fig)
    top = shown.sort_values("pct_expect").iloc[-1] if len(shown) else None
    alt = f"Heat map of {len(wide)} levers by {len(wide.columns)} groups." + (
        f" Highest: {top['group_label']} on {top['lever_label']} ({top['pct_expect']:.0f}%)."
        if top is not None
        else ""
    )
    table = Table(
        caption="Lever × group matrix",
        data=matrix,
        columns={
            "lever_label": "Lever",
            "group_label": "Group",
            "principles": "Principles",
            "pct_expect": "% rating 7–9",
            "median": "Median",
            "principles_in": "Principles 'in'",
        },
        formats={"pct_expect": "{:.0f}", "median": "{:g}"},
    )
    return Figure(title="Lever matrix", svg=svg, alt=alt, table=table)
