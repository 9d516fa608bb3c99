"""Report section: the events programme — who came and who never did, repeat attendance, and which events
held the whole system in one room. Every count of people is asked of the study's publication plan."""

from __future__ import annotations

import numpy as np
import pandas as pd

from mindthegap.analysis import reach
from mindthegap.report import charts
from mindthegap.report.context import ReportContext
from mindthegap.report.document import Figure, Paragraph, Section, Table
from mindthegap.report.sections.labels import study_labels

REACH_COLUMNS = {
    "dimension_label": "By",
    "group_label": "Group",
    "attended": "Came to an event",
    "headcount": "Headcount",
    "denominator": "Headcount from",
    "never": "Never came",
    "share": "Share who came",
}


def _labelled(table: pd.DataFrame, ctx: ReportContext) -> pd.DataFrame:
    names = study_labels(ctx.study)
    out = table.copy()
    out["dimension_label"] = out["dimension"].map(
        {"all": "Everyone", "discipline": "Discipline", "service": "Service", "level": "Level"}
    )
    out["group_label"] = [
        "All" if dim == "all" else names[dim].get(row[dim], row[dim])
        for dim, (_, row) in zip(out["dimension"], out.iterrows(), strict=True)
    ]
    out["denominator"] = out["denominator"].map(
        {"headcount": "headcount file", "participants": "participants"}
    )
    return out


def _reach_chart(table: pd.DataFrame) -> str:
    shown = table[(table["dimension"] != "all") & ~table["suppressed"].astype(bool)].reset_index(drop=True)
    with charts.figure(7.0, 1.2 + 0.26 * len(shown)) as (fig, ax):
        y = np.arange(len(shown))[::-1]
        share = shown["share"].astype(float).fillna(0).to_numpy()
        colours = [charts.PALETTE[["discipline", "service", "level"].index(d)] for d in shown["dimension"]]
        ax.barh(y, share * 100, color=colours)
        ax.set_yticks(
            y,
            [f"{d.capitalize()}: {g}" for d, g in zip(shown["dimension"], shown["group_label"], strict=True)],
            fontsize=7,
        )
        for yy, value in zip(y, share, strict=True):
            ax.text(value * 100 + 1, yy, f"{value:.0%}", va="center", fontsize=7, color=charts.INK)
        ax.set_xlim(0, 105)
        ax.set_xlabel("Share of the group's headcount who came to at least one event (%)")
        ax.set_title("Reach of the events programme")
        return charts.to_svg(fig)


def build(ctx: ReportContext) -> Section | None:
    events, attendance = ctx.frame("events"), ctx.frame("event_attendance")
    if events is None or attendance is None:
        return None
    roster = ctx.roster()
    plan = ctx.plan
    section = Section("events", "The events programme: who came, and who never did")
    section.add(
        Paragraph(
            f"{len(events)} events were held between {min(events['date'])} and {max(events['date'])}, where "
            "people from different disciplines, services and levels of the system met to talk about policy and "
            "practice. Reach is the share of each group's headcount who came to at least one event; the headcount "
            "is the number in post where the study gave one, else the group's participants."
        )
    )
    table = _labelled(
        reach.reach_table(attendance, roster, min_n=ctx.min_n, headcounts=ctx.frame("headcounts"), plan=plan),
        ctx,
    )
    data = Table(
        caption="Reach by discipline, service and level",
        data=table,
        columns=REACH_COLUMNS,
        formats={"attended": "{:.0f}", "headcount": "{:.0f}", "never": "{:.0f}", "share": "{:.0%}"},
        note="A group nobody came from shows 0; groups too small to show, and those that would give them away, "
        "are suppressed.",
    )
    shown = table[(table["dimension"] != "all") & ~table["suppressed"].astype(bool)]
    never = shown[shown["attended"].fillna(-1) == 0]
    alt = f"Bar chart of the share who came, for {len(shown)} groups."
    if len(shown):
        best = shown.loc[shown["share"].astype(float).idxmax()]
        alt += f" Highest: {best['group_label']} ({float(best['share']):.0%})."
    if len(never):
        alt += f" Never reached: {', '.join(never['group_label'])}."
    section.add(Figure("Reach of the events programme", _reach_chart(table), alt, data))
    if len(never):
        section.summary.append(f"The events programme never reached {', '.join(never['group_label'])}.")
        section.add(Paragraph(f"Nobody came from: {', '.join(never['group_label'])}.", kind="note"))
    _repeat(section, attendance, roster, ctx)
    _rooms(section, events, attendance, roster, ctx)
    return section


def _repeat(section: Section, attendance, roster, ctx: ReportContext) -> None:
    repeat = reach.repeat_attendance(attendance, roster, min_n=ctx.min_n, plan=ctx.plan)
    section.add(
        Table(
            caption="Repeat attendance: people by number of events they came to",
            data=repeat,
            columns={"band": "Events attended", "people": "People"},
            formats={"people": "{:.0f}"},
        )
    )


def _rooms(section: Section, events, attendance, roster, ctx: ReportContext) -> None:
    rooms = reach.event_levels(events, attendance, roster, min_n=ctx.min_n, plan=ctx.plan)
    whole, single = int(rooms["all_levels"].sum()), int(rooms["single_level"].sum())
    section.add(
        Paragraph(
            f"{whole} of {len(rooms)} events held all five levels of the system in one room (national, regional, "
            f"local strategic, frontline, and people who use services and carers); {single} held a single level."
        )
    )
    if whole:
        section.summary.append(
            f"{whole} of {len(rooms)} events brought all five levels of the system into one room."
        )
    rooms = rooms.assign(
        kind=np.where(
            rooms["all_levels"], "whole system", np.where(rooms["single_level"], "single level", "")
        )
    )
    section.add(
        Table(
            caption="Events, the levels in the room and how many came",
            data=rooms,
            columns={
                "date": "Date",
                "topic": "Topic",
                "format": "Format",
                "levels": "Levels in the room",
                "kind": "",
                "attended": "Came",
            },
            formats={"attended": "{:.0f}"},
            note="Levels in the room are those of the people who came and any the organisers recorded.",
        )
    )
