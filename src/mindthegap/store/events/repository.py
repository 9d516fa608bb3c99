"""Hand events-programme evidence to and from the database as DataFrames.

Evidence kinds (columns as in :mod:`mindthegap.io.events_files`): ``events``, ``event_attendance``,
``event_feedback``, ``event_notes`` (stored as qualitative sources of kind ``event_notes``), ``network_ties``
and ``headcounts``. Writes run inside the caller's transaction; loaders go through the consent-filtering
managers, so a withdrawn participant's rows never come back.
"""

from __future__ import annotations

import uuid

import pandas as pd

from mindthegap.errors import StoreError
from mindthegap.io import events_files as ef
from mindthegap.store.events import models as m
from mindthegap.store.frames import values_frame
from mindthegap.store.studies.models import ParticipantRecord, StudyRecord

BATCH = 5000


def known_ids(record: StudyRecord) -> ef.Known:
    """What an events-programme file may refer to in this study (withdrawn people included: their new data
    are kept, like the rest of theirs, and never leave the store)."""
    from mindthegap.frameworks.instruments import load_instrument

    feedback = load_instrument("event_feedback")
    items = {
        item.id: (
            None
            if item.type == "text"
            else (feedback.scales[item.scale].min, feedback.scales[item.scale].max)
        )
        for item in feedback.items
    }
    people = ParticipantRecord.all_objects.filter(study=record).values_list("pseudonym", flat=True)
    attendance = m.Attendance.all_objects.filter(event__study=record).values_list(
        "event__slug", "participant__pseudonym"
    )
    ties = m.NetworkTie.all_objects.filter(study=record, alter__isnull=False).values_list(
        "wave", "participant__pseudonym", "alter__pseudonym"
    )
    counts = m.NetworkTieCount.all_objects.filter(study=record).values_list(
        "wave", "participant__pseudonym", "discipline", "service"
    )
    return ef.Known(
        events=frozenset(record.events.values_list("slug", flat=True)),
        participants=frozenset(people),
        principles=frozenset(p.slug for pol in record.policies.all() for p in pol.principles.all()),
        services=frozenset(record.services.values_list("slug", flat=True)),
        disciplines=frozenset(record.disciplines.values_list("slug", flat=True)),
        waves=frozenset(record.waves.values_list("slug", flat=True)),
        feedback_items=items,
        stored=frozenset(map(tuple, attendance))
        | frozenset(map(tuple, ties))
        | frozenset(("counts", *c) for c in counts),
    )


def _people(record: StudyRecord) -> dict[str, int]:
    return dict(ParticipantRecord.all_objects.filter(study=record).values_list("pseudonym", "id"))


def _events(record: StudyRecord) -> dict[str, int]:
    return dict(record.events.values_list("slug", "id"))


def _lookup(mapping: dict[str, int], values: pd.Series, what: str) -> list[int]:
    unknown = sorted(set(values.astype(str)) - set(mapping))
    if unknown:
        raise StoreError(f"{what} {unknown[0]!r} is not in the study", hint=f"add the {what}s first")
    return [mapping[v] for v in values.astype(str)]


def save_events(record: StudyRecord, events: pd.DataFrame) -> int:
    clash = sorted(set(events["event_id"]) & set(_events(record)))
    if clash:
        raise StoreError(
            f"event {clash[0]!r} is already in study {record.slug!r}", hint="give each event once"
        )
    rows = [
        m.Event(study=record, slug=r.event_id, date=r.date, format=r.format, topic=r.topic,
                principles=list(r.principles), services=list(r.services), facilitators=list(r.facilitators),
                levels=list(r.levels))
        for r in events.itertuples(index=False)
    ]  # fmt: skip
    return len(m.Event.objects.bulk_create(rows, batch_size=BATCH))


def save_attendance(record: StudyRecord, frame: pd.DataFrame) -> int:
    events = _lookup(_events(record), frame["event_id"], "event")
    people = _lookup(_people(record), frame["participant_id"], "participant")
    rows = [
        m.Attendance(event_id=e, participant_id=p, registered=bool(reg), attended=bool(att))
        for e, p, reg, att in zip(events, people, frame["registered"], frame["attended"], strict=True)
    ]
    return len(m.Attendance.objects.bulk_create(rows, batch_size=BATCH))


def save_feedback(record: StudyRecord, frame: pd.DataFrame) -> int:
    events = _lookup(_events(record), frame["event_id"], "event")
    people = _lookup(_people(record), frame["participant_id"], "participant")
    codes = pd.to_numeric(frame["code"], errors="coerce")
    texts = frame["text"].fillna("").astype(str)
    if record.redact_free_text and texts.str.len().any():
        from mindthegap.redaction import Redactor

        texts = texts.map(Redactor().__call__).map(lambda r: r.text)
    rows = [
        m.EventFeedback(
            event_id=e, participant_id=p, item=str(i), code=None if pd.isna(c) else float(c), text=t
        )
        for e, p, i, c, t in zip(events, people, frame["item"], codes, texts, strict=True)
    ]
    return len(m.EventFeedback.objects.bulk_create(rows, batch_size=BATCH))


def save_notes(record: StudyRecord, frame: pd.DataFrame) -> int:
    """Store each note as a qualitative source (kind ``event_notes``, redacted when the study asks) linked to
    its event."""
    from mindthegap.store.qualitative.models import SourceRecord

    events = _lookup(_events(record), frame["event_id"], "event")
    redact = None
    if record.redact_free_text:
        from mindthegap.redaction import Redactor

        redact = Redactor()
    for event, (slug, name, text) in zip(events, frame[ef.NOTE_COLUMNS].itertuples(index=False), strict=True):
        source = SourceRecord.objects.create(
            study=record, guid=_note_guid(slug, name, text), name=name, kind="event_notes",
            text=redact(text).text if redact else text, metadata={"event": slug},
        )  # fmt: skip
        m.EventNote.objects.create(event_id=event, source=source)
    return len(frame)


def _note_guid(event: str, name: str, text: str) -> str:
    """A stable id from the note itself, so the same notes get the same id in any study or re-import."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"mindthegap:event-note:{event}:{name}:{text}")).upper()


def save_ties(record: StudyRecord, frame: pd.DataFrame) -> int:
    people = _people(record)
    egos = _lookup(people, frame["participant_id"], "participant")
    named = [None if pd.isna(a) or a == "" else str(a) for a in frame["alter_id"]]
    alters = [None if a is None else people.get(a) for a in named]
    if any(a is None and v is not None for a, v in zip(alters, named, strict=True)):
        raise StoreError(
            "a network tie names someone who is not in the study", hint="add the participants first"
        )
    if any(e == a for e, a in zip(egos, alters, strict=True)):
        raise StoreError("a network tie names the person answering", hint="remove ties to oneself")
    rows = [
        m.NetworkTie(study=record, wave=str(w), participant_id=e, alter_id=a)
        for w, e, a in zip(frame["wave"], egos, alters, strict=True)
    ]
    return len(m.NetworkTie.objects.bulk_create(rows, batch_size=BATCH))


def save_tie_counts(record: StudyRecord, frame: pd.DataFrame) -> int:
    egos = _lookup(_people(record), frame["participant_id"], "participant")
    rows = [
        m.NetworkTieCount(study=record, wave=str(w), participant_id=e, discipline=d, service=s, count=int(n))
        for (w, d, s, n), e in zip(
            frame[["wave", "discipline", "service", "count"]].itertuples(index=False), egos, strict=True
        )
    ]
    return len(m.NetworkTieCount.objects.bulk_create(rows, batch_size=BATCH))


def save_headcounts(record: StudyRecord, frame: pd.DataFrame) -> int:
    """Headcounts replace any the study had for the same groups."""
    for dim, group, n in frame[ef.HEADCOUNT_COLUMNS].itertuples(index=False):
        m.Headcount.objects.update_or_create(
            study=record, dimension=dim, group=group, defaults={"headcount": int(n)}
        )
    return len(frame)


def events_frame(record: StudyRecord) -> pd.DataFrame:
    fields = ("slug", "date", "format", "topic", "principles", "services", "facilitators", "levels")
    return values_frame(record.events.order_by("date", "slug"), fields, ef.EVENT_COLUMNS)


def attendance_frame(record: StudyRecord) -> pd.DataFrame:
    rows = m.Attendance.objects.filter(event__study=record).order_by("id")
    fields = ("event__slug", "participant__pseudonym", "registered", "attended")
    return values_frame(rows, fields, ef.ATTENDANCE_COLUMNS)


def feedback_frame(record: StudyRecord) -> pd.DataFrame:
    rows = m.EventFeedback.objects.filter(event__study=record).order_by("id")
    fields = ("event__slug", "participant__pseudonym", "item", "code", "text")
    frame = values_frame(rows, fields, ef.FEEDBACK_COLUMNS)
    frame["text"] = frame["text"].replace("", None)
    return frame


def notes_frame(record: StudyRecord) -> pd.DataFrame:
    rows = m.EventNote.objects.filter(event__study=record).order_by("id")
    return values_frame(rows, ("event__slug", "source__name", "source__text"), ef.NOTE_COLUMNS)


def ties_frame(record: StudyRecord) -> pd.DataFrame:
    rows = m.NetworkTie.objects.filter(study=record).order_by("id")
    return values_frame(rows, ("wave", "participant__pseudonym", "alter__pseudonym"), ef.TIE_COLUMNS)


def tie_counts_frame(record: StudyRecord) -> pd.DataFrame:
    rows = m.NetworkTieCount.objects.filter(study=record).order_by("id")
    fields = ("wave", "participant__pseudonym", "discipline", "service", "count")
    return values_frame(rows, fields, ["wave", "participant_id", "discipline", "service", "count"])


def headcounts_frame(record: StudyRecord) -> pd.DataFrame:
    rows = record.headcounts.order_by("dimension", "group")
    return values_frame(rows, ("dimension", "group", "headcount"), ef.HEADCOUNT_COLUMNS)


SAVERS = {
    "events": save_events,
    "attendance": save_attendance,
    "feedback": save_feedback,
    "notes": save_notes,
    "ties": save_ties,
    "tie_counts": save_tie_counts,
    "headcounts": save_headcounts,
}
