"""Report section: the added value of each perspective — codes raised only or mostly by key informants, by
frontline staff, or by people who use services and carers, with counts through the plan and a quote."""

from __future__ import annotations

import pandas as pd

from mindthegap.analysis.coding import code_frequencies
from mindthegap.analysis.perspectives import added_value
from mindthegap.report.context import ReportContext
from mindthegap.report.document import Paragraph, Section, Table
from mindthegap.report.sections import synthesis_inputs as si

PERSPECTIVES = {
    "national": "Key informants",
    "regional": "Key informants",
    "local_strategic": "Key informants",
    "local_frontline": "Frontline staff",
    "people_and_carers": "People who use services and carers",
}
VALENCE_CODES = {"facilitator", "barrier", "positive", "negative", "enabler", "hindrance"}


def _sources(ctx: ReportContext, frames: dict) -> pd.DataFrame:
    sources = frames["sources"].copy()
    levels = si.roster(ctx).set_index("participant_id")["level"]
    known = sources["participant"].map(levels)
    sources["level"] = known.where(known.notna(), sources.get("level"))
    sources["perspective"] = sources["level"].map(PERSPECTIVES)
    # people only, consenting: event notes and unknown levels are not a perspective
    return sources[sources["perspective"].notna() & sources["participant"].isin(levels.index)]


def _quote(codings: pd.DataFrame, sources: pd.DataFrame, group: str, code: str) -> str:
    mine = sources[sources["perspective"] == group].set_index("source")
    part = codings[(codings["code"] == code) & codings["source"].isin(mine.index)]
    texts = []
    for r in part.itertuples(index=False):
        text = mine.at[r.source, "text"]
        if isinstance(text, str) and pd.notna(r.start) and pd.notna(r.end):
            passage = text[int(r.start) : int(r.end)].strip()
            if 20 <= len(passage) <= 220:
                texts.append(passage)
    return f"“{max(texts, key=len)}”" if texts else ""


def build(ctx: ReportContext) -> Section | None:
    from mindthegap.analysis.coders import prevalence_codings

    frames = si.qualitative(ctx)
    if frames is None:
        return None
    sources = _sources(ctx, frames)
    codings = frames["codings"]
    codings = codings[~codings["code"].astype(str).str.casefold().isin(VALENCE_CODES)]
    codings = codings[codings["source"].isin(sources["source"])]
    if sources["perspective"].nunique() < 2 or codings.empty:
        return None
    freq = code_frequencies(codings, sources, by="perspective", min_n=ctx.min_n, plan=ctx.plan)
    found = added_value(freq, group="perspective", min_n=ctx.min_n)
    section = Section("perspectives", "What each perspective adds")
    section.add(
        Paragraph(
            "Codes raised only, or mostly, by one group of interviewees: key informants (national, regional and "
            "local strategic), frontline staff, or people who use services and carers. 'Mostly' means the group's "
            "share is at least twice everyone else's and 20 points higher (docs/methods.md). Counts go through the "
            f"study's publication plan: a code raised by fewer than {ctx.min_n} people in a group is not shown."
        )
    )
    if found.empty:
        section.add(Paragraph("No code is distinctive of one perspective at this threshold.", kind="note"))
        return section
    evidence = prevalence_codings(codings)
    found["quote"] = [
        _quote(evidence, sources, g, c) for g, c in zip(found["group"], found["code"], strict=True)
    ]
    section.add(
        Table(
            "Codes raised only or mostly by one perspective",
            found,
            {"group": "Perspective", "code": "Code", "added": "Only or mostly", "participants": "Raised it",
             "n": "Interviewed", "share": "Share", "share_others": "Share of everyone else", "quote": "In their words"},
            {"participants": "{:.0f}", "n": "{:.0f}", "share": "{:.0%}", "share_others": "{:.0%}"},
            note="Everyone else's share is left blank where it rests on fewer people than the threshold.",
            verbatim=("quote",),
        )
    )  # fmt: skip
    key = found[found["group"] == "Key informants"]
    if len(key):
        section.summary.append(
            "Key informants add what the others do not raise: " + ", ".join(key["code"].head(3)) + "."
        )
    return section
