"""Reading events-programme files: events, attendance, event feedback, discussion notes, network ties and
headcounts, each checked whole before anything is stored.

Every row is checked and every problem kept (up to :data:`MAX_PROBLEMS`), so a user fixes a file in one pass
rather than one error per run; the problems are reported together as one line naming each row and column.
Rows are numbered as a spreadsheet shows them (the heading is row 1). Nothing here touches the database: the
caller passes the study's known ids and stores the clean frame only when no problem was found.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from mindthegap.errors import InputError, quoted
from mindthegap.model import Level
from mindthegap.model.limits import ID_MAX, NAME_MAX, TITLE_MAX, text_max

MAX_PROBLEMS = 20
FORMATS = ("in_person", "online", "hybrid")
LIST_SEP = ";"

#: file kind → the columns that identify it (the first kind whose columns are all present wins)
KINDS: dict[str, tuple[str, ...]] = {
    "events": ("event_id", "date", "topic"),
    "feedback": ("event_id", "participant_id", "item"),
    "attendance": ("event_id", "participant_id"),
    "notes": ("event_id", "text"),
    "ties": ("participant_id", "alter_id"),
    "tie_counts": ("discipline", "service", "count"),
    "headcounts": ("dimension", "group", "headcount"),
}
HEADCOUNT_DIMENSIONS = ("discipline", "service", "level")


@dataclass(frozen=True)
class Known:
    """What the study already holds, for checking references: ids of events, participants (pseudonym →
    level), principles, services, disciplines, waves, and the event-feedback items (id → scale range or None
    for free text)."""

    events: frozenset[str] = frozenset()
    participants: frozenset[str] = frozenset()
    principles: frozenset[str] = frozenset()
    services: frozenset[str] = frozenset()
    disciplines: frozenset[str] = frozenset()
    waves: frozenset[str] = frozenset()
    feedback_items: dict[str, tuple[float, float] | None] = field(default_factory=dict)
    stored: frozenset[tuple[str, ...]] = frozenset()  # attendance (event, person) and ties (wave, ego, alter)


class Problems:
    """Problems found in one file, each naming its row and column; raised together as one InputError."""

    def __init__(self, path: Path | str) -> None:
        self.path = path
        self.items: list[str] = []
        self.total = 0

    def add(self, row: int, column: str, message: str) -> None:
        self.total += 1
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(f"row {row}, column {quoted(column)}: {message}")

    def raise_if_any(self) -> None:
        if not self.total:
            return
        more = f"; and {self.total - len(self.items)} more" if self.total > len(self.items) else ""
        raise InputError(
            f"{self.total} problem{'s' if self.total > 1 else ''}, nothing was imported: "
            + "; ".join(self.items)
            + more,
            path=self.path,
            hint="correct the rows named and import the whole file again",
        )


def detect_kind(frame: pd.DataFrame, path: Path | str) -> str:
    """Which kind of events file this is, from its columns."""
    cols = set(frame.columns)
    for kind, needed in KINDS.items():
        if set(needed) <= cols:
            return kind
    raise InputError(
        "is not an events-programme file I recognise",
        path=path,
        hint="events need event_id, date, topic; attendance event_id, participant_id; feedback adds item; "
        "notes event_id, text; ties participant_id, alter_id; tie counts respondent, wave, discipline, "
        "service, count; headcounts dimension, group, headcount",
    )


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    text = str(value).strip()
    return text[:-2] if text.endswith(".0") and text[:-2].isdigit() else text


def _split(value: object) -> list[str]:
    return [part.strip() for part in _cell(value).split(LIST_SEP) if part.strip()]


def _rows(frame: pd.DataFrame) -> Iterable[tuple[int, dict[str, str]]]:
    for i, record in enumerate(frame.to_dict(orient="records")):
        yield i + 2, {k: _cell(v) for k, v in record.items()}


def _check_id(
    problems: Problems, row: int, column: str, value: str, known: frozenset[str], what: str
) -> bool:
    if not value:
        problems.add(row, column, f"the {what} is missing")
        return False
    if value not in known:
        problems.add(row, column, f"unknown {what} {quoted(value, limit=64)}")
        return False
    return True


def read_events(frame: pd.DataFrame, known: Known, path: Path | str) -> pd.DataFrame:
    """Events: event_id, date (YYYY-MM-DD), topic, and optionally format, principles, services, facilitators
    and levels (lists separated by ';'). Facilitators are roles (e.g. 'peer worker'), never names."""
    problems, out, seen = Problems(path), [], set()
    for row, r in _rows(frame):
        event = r.get("event_id", "")
        if not event or len(event) > ID_MAX or not event.replace("_", "").replace("-", "").isalnum():
            problems.add(row, "event_id", "an event id must be letters, digits, '_' or '-' (at most 64)")
        elif event in seen:
            problems.add(row, "event_id", f"event {quoted(event)} appears more than once")
        seen.add(event)
        date = pd.to_datetime(r.get("date", ""), format="%Y-%m-%d", errors="coerce")
        if pd.isna(date):
            problems.add(row, "date", f"{quoted(r.get('date', ''))} is not a date written YYYY-MM-DD")
        topic = r.get("topic", "")
        if not topic or len(topic) > TITLE_MAX:
            problems.add(row, "topic", f"a topic is needed, at most {TITLE_MAX} characters")
        fmt = r.get("format", "") or "in_person"
        if fmt not in FORMATS:
            problems.add(row, "format", f"unknown format {quoted(fmt)}; use {', '.join(FORMATS)}")
        levels = []
        for text in _split(r.get("levels")):
            try:
                levels.append(Level.parse(text).value)
            except ValueError:
                problems.add(row, "levels", f"unknown level {quoted(text)}")
        lists = {}
        for column, known_ids in (("principles", known.principles), ("services", known.services)):
            lists[column] = _split(r.get(column))
            for value in lists[column]:
                if value not in known_ids:
                    problems.add(row, column, f"unknown {column[:-1]} {quoted(value, limit=64)}")
        facilitators = _split(r.get("facilitators"))
        if any(len(f) > NAME_MAX for f in facilitators):
            problems.add(row, "facilitators", f"a facilitator's role is longer than {NAME_MAX} characters")
        out.append(
            {"event_id": event, "date": None if pd.isna(date) else date.date(), "format": fmt, "topic": topic,
             **lists, "facilitators": facilitators, "levels": levels}
        )  # fmt: skip
    problems.raise_if_any()
    return pd.DataFrame(out, columns=EVENT_COLUMNS)


EVENT_COLUMNS = ["event_id", "date", "format", "topic", "principles", "services", "facilitators", "levels"]
ATTENDANCE_COLUMNS = ["event_id", "participant_id", "registered", "attended"]
FEEDBACK_COLUMNS = ["event_id", "participant_id", "item", "code", "text"]
NOTE_COLUMNS = ["event_id", "name", "text"]
TIE_COLUMNS = ["wave", "participant_id", "alter_id"]
HEADCOUNT_COLUMNS = ["dimension", "group", "headcount"]
_YES = {"1", "yes", "y", "true", "t", "attended", "registered"}
_NO = {"0", "no", "n", "false", "f", ""}


def _flag(problems: Problems, row: int, column: str, value: str, default: bool) -> bool:
    if column and value == "":
        return default
    key = value.lower()
    if key in _YES:
        return True
    if key in _NO:
        return False
    problems.add(row, column, f"{quoted(value)} is not yes or no")
    return default


def read_attendance(frame: pd.DataFrame, known: Known, path: Path | str) -> pd.DataFrame:
    """Attendance: event_id, participant_id, and optionally registered and attended (yes/no; default yes).
    A person appears once per event."""
    problems, out, seen = Problems(path), [], {}
    for row, r in _rows(frame):
        event, person = r.get("event_id", ""), r.get("participant_id", "")
        ok = _check_id(problems, row, "event_id", event, known.events, "event")
        ok &= _check_id(problems, row, "participant_id", person, known.participants, "participant")
        if ok and (event, person) in seen:
            problems.add(
                row, "participant_id", f"duplicate attendance: already given on row {seen[event, person]}"
            )
        elif ok and (event, person) in known.stored:
            problems.add(row, "participant_id", "duplicate attendance: the study already holds it")
        seen.setdefault((event, person), row)
        registered = _flag(problems, row, "registered", r.get("registered", ""), True)
        attended = _flag(problems, row, "attended", r.get("attended", ""), True)
        out.append({"event_id": event, "participant_id": person, "registered": registered or attended,
                    "attended": attended})  # fmt: skip
    problems.raise_if_any()
    return pd.DataFrame(out, columns=ATTENDANCE_COLUMNS)


def read_feedback(frame: pd.DataFrame, known: Known, path: Path | str) -> pd.DataFrame:
    """Event-feedback answers: event_id, participant_id, item (of the shipped event_feedback instrument) and
    code (within the item's scale) or text (free-text items)."""
    problems, out, seen = Problems(path), [], {}
    for row, r in _rows(frame):
        event, person, item = r.get("event_id", ""), r.get("participant_id", ""), r.get("item", "")
        ok = _check_id(problems, row, "event_id", event, known.events, "event")
        ok &= _check_id(problems, row, "participant_id", person, known.participants, "participant")
        ok &= _check_id(problems, row, "item", item, frozenset(known.feedback_items), "event-feedback item")
        key = (event, person, item)
        if ok and key in seen:
            problems.add(row, "item", f"answered twice: already given on row {seen[key]}")
        seen.setdefault(key, row)
        code, text = r.get("code", ""), r.get("text", "")
        value = None
        scale = known.feedback_items.get(item)
        if ok and scale is not None and code:
            value = pd.to_numeric(code, errors="coerce")
            if pd.isna(value) or not scale[0] <= value <= scale[1]:
                problems.add(row, "code", f"{quoted(code)} is not a code from {scale[0]:g} to {scale[1]:g}")
        if len(text) > text_max():
            problems.add(row, "text", f"longer than {text_max()} characters")
        out.append({"event_id": event, "participant_id": person, "item": item,
                    "code": None if value is None else float(value), "text": text or None})  # fmt: skip
    problems.raise_if_any()
    return pd.DataFrame(out, columns=FEEDBACK_COLUMNS)


def read_notes(frame: pd.DataFrame, known: Known, path: Path | str) -> pd.DataFrame:
    """Discussion notes: event_id, text and optionally name (a title); stored as qualitative sources."""
    problems, out = Problems(path), []
    for row, r in _rows(frame):
        event, text = r.get("event_id", ""), r.get("text", "")
        _check_id(problems, row, "event_id", event, known.events, "event")
        if not text:
            problems.add(row, "text", "the note is empty")
        elif len(text) > text_max():
            problems.add(row, "text", f"longer than {text_max()} characters")
        name = r.get("name", "") or f"Event notes: {event}"
        out.append({"event_id": event, "name": name[:NAME_MAX], "text": text})
    problems.raise_if_any()
    return pd.DataFrame(out, columns=NOTE_COLUMNS)


def read_ties(frame: pd.DataFrame, known: Known, path: Path | str) -> pd.DataFrame:
    """'Who do you work with' ties: wave, participant_id (who answered), alter_id (a colleague they named, by
    pseudonym; empty where they named no one). No self ties, no unknown people, no tie given twice."""
    problems, out, seen = Problems(path), [], {}
    single_wave = next(iter(known.waves)) if len(known.waves) == 1 else ""
    for row, r in _rows(frame):
        wave, ego, alter = (
            r.get("wave", "") or single_wave,
            r.get("participant_id", ""),
            r.get("alter_id", ""),
        )
        _check_id(problems, row, "wave", wave, known.waves, "wave")
        ok = _check_id(problems, row, "participant_id", ego, known.participants, "participant")
        if alter:
            if alter == ego:
                problems.add(
                    row, "alter_id", "a tie to oneself; name colleagues other than the person answering"
                )
            elif alter not in known.participants:
                problems.add(row, "alter_id", f"unknown participant {quoted(alter, limit=64)}")
            elif ok and (wave, ego, alter) in seen:
                problems.add(row, "alter_id", f"tie given twice: already on row {seen[wave, ego, alter]}")
            elif ok and (wave, ego, alter) in known.stored:
                problems.add(row, "alter_id", "the study already holds this tie")
            seen.setdefault((wave, ego, alter), row)
        out.append({"wave": wave, "participant_id": ego, "alter_id": alter or None})
    problems.raise_if_any()
    return pd.DataFrame(out, columns=TIE_COLUMNS)


def read_headcounts(frame: pd.DataFrame, known: Known, path: Path | str) -> pd.DataFrame:
    """Headcounts (the whole workforce or population, not only participants): dimension (discipline, service or
    level), group (its id) and headcount (a whole number ≥ 0), for reach as a share of each group."""
    problems, out, seen = Problems(path), [], {}
    ids = {"discipline": known.disciplines, "service": known.services,
           "level": frozenset(lv.value for lv in Level)}  # fmt: skip
    for row, r in _rows(frame):
        dim, group, count = r.get("dimension", ""), r.get("group", ""), r.get("headcount", "")
        if dim not in HEADCOUNT_DIMENSIONS:
            problems.add(row, "dimension", f"{quoted(dim)} is not one of {', '.join(HEADCOUNT_DIMENSIONS)}")
        elif group not in ids[dim]:
            problems.add(row, "group", f"unknown {dim} {quoted(group, limit=64)}")
        elif (dim, group) in seen:
            problems.add(row, "group", f"given twice: already on row {seen[dim, group]}")
        seen.setdefault((dim, group), row)
        n = pd.to_numeric(count, errors="coerce")
        if pd.isna(n) or n < 0 or n != int(n):
            problems.add(row, "headcount", f"{quoted(count)} is not a whole number of people")
        out.append({"dimension": dim, "group": group, "headcount": 0 if pd.isna(n) else int(n)})
    problems.raise_if_any()
    return pd.DataFrame(out, columns=HEADCOUNT_COLUMNS)


def read_tie_counts(frame: pd.DataFrame, known: Known, path: Path | str) -> pd.DataFrame:
    from mindthegap.io.tie_counts import read_tie_counts as read

    return read(frame, known, path)


READERS = {
    "events": read_events,
    "attendance": read_attendance,
    "feedback": read_feedback,
    "notes": read_notes,
    "ties": read_ties,
    "tie_counts": read_tie_counts,
    "headcounts": read_headcounts,
}


def read_events_file(path: Path, known: Known, kind: str | None = None) -> tuple[str, pd.DataFrame]:
    """Read and check one events-programme file; returns (kind, clean frame) or raises one InputError."""
    from mindthegap.io.tables import read_table

    frame = read_table(path)
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    if kind is None:
        kind = detect_kind(frame, path)
    elif kind not in READERS:
        raise InputError(f"unknown kind {kind!r}", path=path, hint=f"use one of {', '.join(READERS)}")
    missing = [c for c in KINDS[kind] if c not in frame.columns]
    if missing:
        raise InputError(f"missing column {missing[0]!r} for a {kind} file", path=path)
    return kind, READERS[kind](frame, known, path)
