"""Hand survey answers to and from the database as long DataFrames.

Evidence kind ``surveys``: columns instrument, participant_id, wave, item, code (and optional text).
Participants must already be in the study; answers are written inside the caller's transaction.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mindthegap.errors import StoreError
from mindthegap.store.studies.models import ParticipantRecord, StudyRecord
from mindthegap.store.surveys import models as m

COLUMNS = ["instrument", "participant_id", "wave", "item", "code", "text"]
BATCH = 5000


def _structure(instrument_id: str, ins=None) -> tuple[str, dict]:
    from mindthegap.frameworks.instruments import (
        InstrumentFileError,
        instrument_definition,
        load_instrument,
    )

    if ins is None:
        try:
            ins = load_instrument(instrument_id)
        except InstrumentFileError:
            return instrument_id, {}
    return ins.name, {
        "constructs": ins.construct_items(),
        "construct_labels": ins.constructs,
        "reverse": ins.reverse_items,
        "scales": {s.id: [s.min, s.max] for s in ins.scales.values()},
        # the whole instrument, so the study can be rescored and reported as it was, even without its file
        "definition": instrument_definition(ins),
    }


def save_answers(record: StudyRecord, answers: pd.DataFrame, instruments: dict | None = None) -> int:
    """Store long-format answers (:data:`COLUMNS`); returns rows written.

    ``instruments`` (id → Instrument) supplies structures that cannot be loaded by id alone, such as a
    study's generated values–practice instrument or a user's own YAML file.
    """
    missing = [c for c in ("instrument", "participant_id", "item") if c not in answers.columns]
    if missing:
        raise StoreError(f"survey answers lack the column {missing[0]!r}")
    people = dict(ParticipantRecord.all_objects.filter(study=record).values_list("pseudonym", "id"))
    pids = answers["participant_id"].astype(str)
    unknown = sorted(set(pids) - set(people))
    if unknown:
        raise StoreError(
            f"survey answers name unknown participant {unknown[0]!r}", hint="add the participants first"
        )
    given = dict(instruments or {})
    instruments = {}
    for ident in answers["instrument"].astype(str).unique():
        name, structure = _structure(ident, given.get(ident))
        instruments[ident], _ = m.InstrumentRecord.objects.get_or_create(
            study=record, instrument_id=ident, defaults={"name": name, "structure": structure}
        )
    waves = (
        answers["wave"].fillna("").astype(str)
        if "wave" in answers.columns
        else pd.Series("", index=answers.index)
    )
    codes = (
        pd.to_numeric(answers["code"], errors="coerce").astype(object)
        if "code" in answers.columns
        else pd.Series(np.nan, index=answers.index, dtype=object)
    )
    codes = codes.where(codes.notna(), None)
    texts = (
        answers["text"].fillna("").astype(str)
        if "text" in answers.columns
        else pd.Series("", index=answers.index)
    )
    rows = list(
        zip(
            answers["instrument"].astype(str).map(lambda i: instruments[i].pk),
            pids.map(people),
            waves,
            answers["item"].astype(str),
            codes,
            texts,
            strict=True,
        )
    )
    return _insert_answers(rows)


def _insert_answers(rows: list[tuple]) -> int:
    """Insert answer rows with one prepared statement per batch (PostgreSQL: one COPY).

    Building a model object per answer costs far more than the insert itself (a study's survey can hold
    millions of answers), so rows go straight to the table through Django's connection, inside the caller's
    transaction, with the columns the model declares.
    """
    from django.db import connection, transaction

    meta = m.SurveyAnswer._meta
    fields = [meta.get_field(f) for f in ("instrument", "participant", "wave", "item", "code", "text")]
    quote = connection.ops.quote_name
    table, columns = quote(meta.db_table), ", ".join(quote(f.column) for f in fields)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # COPY: several times faster than batched INSERTs there
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
            for start in range(0, len(rows), BATCH):
                cursor.executemany(sql, rows[start : start + BATCH])
    return len(rows)


def answers_frame(record: StudyRecord) -> pd.DataFrame:
    """The study's survey answers in long format (:data:`COLUMNS`)."""
    rows = m.SurveyAnswer.objects.filter(instrument__study=record).order_by("id")
    values = list(
        rows.values_list(
            "instrument__instrument_id", "participant__pseudonym", "wave", "item", "code", "text"
        )
    )
    frame = pd.DataFrame(values, columns=COLUMNS)
    frame["wave"] = frame["wave"].replace("", None)
    frame["text"] = frame["text"].replace("", None)
    return frame


def wide_responses(answers: pd.DataFrame, instrument: str) -> pd.DataFrame:
    """One row per participant and wave, one column per item, for the scoring and reliability functions."""
    part = answers[answers["instrument"] == instrument].copy()
    # pivot_table drops rows whose index holds None, so a study without waves would lose every answer
    part["wave"] = part["wave"].fillna("")
    wide = part.pivot_table(
        index=["participant_id", "wave"], columns="item", values="code", aggfunc="first", dropna=False
    )
    wide = wide.reset_index().rename_axis(columns=None)
    wide["wave"] = wide["wave"].replace("", None)
    return wide


def stored_responses(record: StudyRecord, instrument: str) -> pd.DataFrame:
    """Wide responses to one instrument with each consenting participant's role, level, discipline and
    service (people who withdrew consent are left out, as in every analysis)."""
    from mindthegap.store.studies.repository import participants_frame

    answers = answers_frame(record)
    used = sorted(answers["instrument"].unique())
    if instrument not in used:
        raise StoreError(
            f"study {record.slug!r} has no answers to instrument {instrument!r}",
            hint=f"instruments with answers: {', '.join(used) or 'none yet (use survey import --study)'}",
        )
    wide = wide_responses(answers, instrument)
    people = participants_frame(record).drop(columns=["team"])
    return people.merge(wide, on="participant_id", how="inner")


def instruments_used(record: StudyRecord) -> dict[str, dict]:
    """Instrument id → the structure stored with the study."""
    return {r.instrument_id: r.structure for r in record.instruments.all()}


def study_instruments(record: StudyRecord) -> dict:
    """Instrument id → the :class:`~mindthegap.frameworks.instruments.Instrument` the study's answers were
    stored with: a user's own instrument included, without its file. Studies stored before definitions were
    kept fall back to the shipped instrument of that id; ids that are neither are left out."""
    from mindthegap.frameworks.instruments import InstrumentFileError, load_instrument, parse_instrument

    out = {}
    for ident, structure in instruments_used(record).items():
        try:
            if structure.get("definition"):
                out[ident] = parse_instrument(structure["definition"], f"study {record.slug!r}, {ident}")
            elif ident != "values_practice":
                out[ident] = load_instrument(ident)
        except InstrumentFileError:
            continue
    return out


def instrument_record(record: StudyRecord, instrument) -> m.InstrumentRecord:
    """The study's record of ``instrument`` (an :class:`~mindthegap.frameworks.instruments.Instrument`),
    made with its structure on first use, as :func:`save_answers` makes it; for answers collected on the web."""
    name, structure = _structure(instrument.id, instrument)
    found, _ = m.InstrumentRecord.objects.get_or_create(
        study=record, instrument_id=instrument.id, defaults={"name": name, "structure": structure}
    )
    return found
