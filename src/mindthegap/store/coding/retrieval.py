"""Coded segments for analysis: every segment of a code (filtered by level, service, wave, role), the framework
matrix (code × level, or code × case) with quotes, and the text-free counts people who may not read source text
get instead, suppressed by the study's publication plan.

Which codings count is :func:`mindthegap.analysis.coders.prevalence_codings`: accepted codings of people and
accepted suggestions, the agreed version alone where a source has one, one row per span however many coders
made it; unreviewed and rejected suggestions never.
"""

from __future__ import annotations

import pandas as pd

from mindthegap.analysis.coders import prevalence_codings
from mindthegap.analysis.publication import PublicationPlan, apply_plan, population_name
from mindthegap.store.frames import values_frame
from mindthegap.store.qualitative import models as q
from mindthegap.store.studies.models import StudyRecord

FILTERS = ("level", "service", "wave", "role")
COLUMNS = ["source", "name", "participant", *FILTERS, "code", "code_name", "coder", "start", "end", "text"]
QUOTES_PER_CELL = 2


def segments(study: StudyRecord, code: str | None = None, **filters: str | None) -> pd.DataFrame:
    """Coded segments with their source's attributes and text, in source and text order."""
    rows = q.CodingRecord.objects.filter(source__study=study, code__active=True).exclude(start=None)
    if code:
        rows = rows.filter(code__guid=code)
    for key in FILTERS:
        if value := filters.get(key):
            rows = rows.filter(**{f"source__{key}": value})
    fields = (
        "source__guid", "source__name", "source__participant", *(f"source__{k}" for k in FILTERS),
        "code__guid", "code__name", "coder", "start", "end", "status", "confidence",
    )  # fmt: skip
    frame = values_frame(rows, fields, [*COLUMNS[:-1], "status", "confidence"])
    frame = prevalence_codings(frame)
    if frame.empty:
        return pd.DataFrame(columns=COLUMNS)
    texts = dict(
        q.SourceRecord.objects.filter(study=study, guid__in=list(frame["source"].unique())).values_list(
            "guid", "text"
        )
    )
    frame = frame.assign(text=[texts[s][a:b] for s, a, b in zip(frame["source"], frame["start"], frame["end"],
                                                                  strict=True)])  # fmt: skip
    return frame.sort_values(["name", "start"], ignore_index=True)[COLUMNS]


def _plan(study: StudyRecord) -> PublicationPlan:
    from mindthegap.store.studies.repository import participants_frame

    return PublicationPlan(participants_frame(study), min_n=study.min_n)


def people_by_level(
    study: StudyRecord, frame: pd.DataFrame, plan: PublicationPlan | None = None, *, by: str = "level"
) -> pd.DataFrame:
    """Per code and ``by`` (level, service, role), the participants whose sources carry it, suppressed by the
    plan (small groups and their complements hidden). Sources not linked to a known participant (event notes,
    anonymous comments) are not counted: they are nobody the plan can protect."""
    plan = plan or _plan(study)
    roster = set(plan.roster.index) if plan.roster is not None else set()
    linked = frame[frame["participant"].isin(roster)]
    out = []
    for (code, name), group in linked.groupby(["code", "code_name"], sort=True):
        people = group[["participant"]].drop_duplicates().rename(columns={"participant": plan.id_col})
        population = plan.register(population_name("coded", code=code), people)
        counts = (
            plan.roster.loc[people[plan.id_col]].groupby(by).size().rename("participants").reset_index()
            if by in plan.dims
            else pd.DataFrame(columns=[by, "participants"])
        )
        table = apply_plan(counts, plan, {"participants": population}, by=[by], output=f"coding {code}")
        out.append(table.assign(code=code, code_name=name))
    if not out:
        return pd.DataFrame(columns=["code", "code_name", by, "participants"])
    return pd.concat(out, ignore_index=True)[["code", "code_name", by, "participants"]]


def framework_matrix(frame: pd.DataFrame, by: str = "level") -> pd.DataFrame:
    """Code × ``by`` (a level, service or wave; ``name`` for one column per case) with sources and quotes.

    One row per code and column value: ``sources`` coded there and up to two quotes, shortest first.
    """
    if frame.empty:
        return pd.DataFrame(columns=["code_name", by, "sources", "quotes"])
    rows = []
    for (name, column), group in frame.groupby(["code_name", by], sort=True):
        quotes = sorted({" ".join(t.split()) for t in group["text"]}, key=len)[:QUOTES_PER_CELL]
        rows.append({"code_name": name, by: column or "not recorded", "sources": group["source"].nunique(),
                     "quotes": quotes})  # fmt: skip
    return pd.DataFrame(rows)
