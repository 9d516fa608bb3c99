"""Report section: which local pressures each level of the system names most (pressures codebook)."""

from __future__ import annotations

import pandas as pd

from mindthegap.frameworks.conversations import load_pressures
from mindthegap.model import Level
from mindthegap.report.context import ReportContext
from mindthegap.report.document import Paragraph, Section, Table
from mindthegap.report.sections.qualitative import _frames
from mindthegap.text.pressures import NO_LEVEL, pressures_by_level

EVENTS = "events (several levels)"


def texts_frame(ctx: ReportContext) -> pd.DataFrame:
    """Free text from comments and qualitative sources: ``participant_id``, ``level``, ``text``."""
    parts = []
    comments = ctx.frame("comments")
    if comments is not None:
        parts.append(comments[["participant_id", "level", "text"]])
    frames = _frames(ctx.evidence.get("qualitative"))
    if frames is not None:
        sources = frames["sources"].rename(columns={"participant": "participant_id"})
        level = sources["level"].fillna("").astype(str)
        notes = (sources["kind"] == "event_notes") & (level == "")
        sources = sources.assign(level=level.mask(notes, EVENTS))
        parts.append(sources[["participant_id", "level", "text"]])
    if not parts:
        return pd.DataFrame(columns=["participant_id", "level", "text"])
    data = pd.concat(parts, ignore_index=True)
    data["participant_id"] = data["participant_id"].replace("", None)
    return data


def build(ctx: ReportContext) -> Section | None:
    texts = texts_frame(ctx)
    if texts.empty:
        return None
    codebook = load_pressures()
    table = pressures_by_level(texts, codebook, plan=ctx.plan, min_n=ctx.min_n)
    if table.empty:
        return None
    labels = {p["id"]: p["label"] for p in codebook}
    levels = {lv.value: lv.label for lv in Level} | {
        NO_LEVEL: "Level not recorded",
        EVENTS: "Events (several levels)",
    }
    order = {lv.value: lv.rank for lv in Level}
    table = table.assign(
        pressure_label=table["pressure"].map(labels),
        level_label=table["level"].map(lambda v: levels.get(v, v)),
        _order=table["level"].map(lambda v: order.get(v, 9)),
    ).sort_values(["_order", "rank"], na_position="last")
    section = Section("pressures", "Local pressures each level names")
    section.add(
        Paragraph(
            "Comments, interviews and event notes were read against a codebook of local pressures (workload, "
            "staffing, funding, eligibility thresholds, waiting, data burden, organisational change and "
            "others) by keyword. People are counted once per pressure; texts linked to no one, such as event "
            "notes, are counted as texts. Counts under the threshold are suppressed."
        )
    )
    section.add(
        Table(
            caption="Pressures by level of the system",
            data=table,
            columns={
                "level_label": "Level",
                "pressure_label": "Pressure",
                "people": "People naming it",
                "texts_unlinked": "Event notes and unlinked texts",
                "rank": "Rank within level",
            },
            formats={"people": "{:.0f}", "texts_unlinked": "{:.0f}", "rank": "{:.0f}"},
        )
    )
    firsts = table[table["rank"] == 1].groupby("level_label", sort=False)["pressure_label"].agg(", ".join)
    for level, pressure in firsts.items():
        section.summary.append(f"{level}: {pressure.lower()} is the local pressure named most often.")
    return section
