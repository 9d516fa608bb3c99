"""Store Delphi panels, statements, rounds and ratings, and hand them back as DataFrames.

Writes run in one transaction and check the whole input first, so a file lands whole or not at all.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from django.db import transaction
from django.utils import timezone

from mindthegap.errors import InputError, StoreError, quoted
from mindthegap.io.delphi_files import Problems
from mindthegap.store.delphi import models as m
from mindthegap.store.frames import values_frame
from mindthegap.store.studies.models import ParticipantRecord, StudyRecord

BATCH = 2000
KINDS = ("consensus", "levers")


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise InputError(f"unknown kind of Delphi round {kind!r}", hint=f"use one of: {', '.join(KINDS)}")
    return kind


def add_panels(record: StudyRecord, panels: pd.DataFrame, *, path=None) -> int:
    """Place participants on panels (``rater_id``, ``group``); a person already on another panel is refused."""
    people = dict(ParticipantRecord.all_objects.filter(study=record).values_list("pseudonym", "id"))
    placed = {
        pid: group
        for pid, group in m.PanelMember.all_objects.filter(study=record).values_list(
            "participant_id", "group"
        )
    }
    problems, new = Problems(path), []
    for i, row in enumerate(panels.to_dict(orient="records"), start=2):
        pk = people.get(row["rater_id"])
        if pk is None:
            problems.add(i, "rater_id", f"rater {quoted(row['rater_id'])} is not a participant of the study")
        elif pk in placed and placed[pk] != row["group"]:
            problems.add(i, "group", f"rater {quoted(row['rater_id'])} is already on panel {placed[pk]!r}")
        elif pk not in placed:
            new.append(m.PanelMember(study=record, participant_id=pk, group=row["group"]))
            placed[pk] = row["group"]
    problems.raise_first()
    return len(m.PanelMember.all_objects.bulk_create(new, batch_size=BATCH))


def add_statements(record: StudyRecord, statements: pd.DataFrame, *, kind: str, from_round: int, path=None):
    """Add new statements (version 1, in use from ``from_round``); a statement id already used is refused."""
    taken = set(m.Statement.objects.filter(study=record).values_list("slug", flat=True))
    problems = Problems(path)
    for i, slug in enumerate(statements["statement"], start=2):
        if slug in taken:
            problems.add(i, "statement", f"statement {slug!r} exists already", "edit it with 'delphi round'")
    problems.raise_first()
    for row in statements.to_dict(orient="records"):
        statement = m.Statement.objects.create(
            study=record,
            slug=row["statement"],
            kind=kind,
            principle=row.get("principle") or "",
            lever=row.get("lever") or "",
            source=(row.get("source") or "")[:300],
        )
        m.StatementVersion.objects.create(
            statement=statement, version=1, from_round=from_round, text=row["text"]
        )


def create_delphi(
    record: StudyRecord, statements: pd.DataFrame, panels: pd.DataFrame, *, kind: str = "consensus", path=None
) -> dict[str, int]:
    """Set up a Delphi of ``kind``: add its panels and statements and open its first round."""
    _kind(kind)
    if m.Statement.objects.filter(study=record, kind=kind).exists():
        raise StoreError(
            f"study {record.slug!r} already has a {kind} Delphi",
            hint="open its next round with 'delphi round'",
        )
    with transaction.atomic():
        placed = add_panels(record, panels, path=path)
        number = _next_round(record)
        add_statements(record, statements, kind=kind, from_round=number)
        m.Round.objects.create(study=record, number=number, kind=kind)
    return {"round": number, "statements": len(statements), "panel_members_added": placed}


def _next_round(record: StudyRecord) -> int:
    last = m.Round.objects.filter(study=record).order_by("-number").first()
    return 1 if last is None else last.number + 1


def close_round(record: StudyRecord, number: int) -> None:
    found = m.Round.objects.filter(study=record, number=number).first()
    if found is None:
        raise StoreError(f"study {record.slug!r} has no round {number}", hint="see 'delphi status'")
    if found.status == m.Round.Status.CLOSED:
        raise StoreError(f"round {number} is already closed")
    found.status, found.closed = m.Round.Status.CLOSED, timezone.now()
    found.save(update_fields=["status", "closed"])


def open_round(
    record: StudyRecord, kind: str = "consensus", edits: pd.DataFrame | None = None, *, path=None
) -> int:
    """Close the open round of ``kind`` (if any) and open the next, with ``edits`` (``statement``, ``text``)
    as new versions in use from the new round; the old wording is kept."""
    _kind(kind)
    with transaction.atomic():
        for open_one in m.Round.objects.filter(study=record, kind=kind, status=m.Round.Status.OPEN):
            close_round(record, open_one.number)
        number = _next_round(record)
        statements = {s.slug: s for s in m.Statement.objects.filter(study=record, kind=kind)}
        if not statements:
            raise StoreError(
                f"study {record.slug!r} has no {kind} Delphi", hint="start one with 'delphi create'"
            )
        problems = Problems(path)
        for i, row in enumerate((edits if edits is not None else pd.DataFrame()).to_dict("records"), start=2):
            statement = statements.get(row["statement"])
            if statement is None:
                problems.add(i, "statement", f"unknown statement {row['statement']!r}")
                continue
            latest = statement.versions.order_by("-version").first()
            if latest.text != row["text"]:
                m.StatementVersion.objects.create(
                    statement=statement, version=latest.version + 1, from_round=number, text=row["text"]
                )
        problems.raise_first()
        m.Round.objects.create(study=record, number=number, kind=kind)
    return number


def import_ratings(record: StudyRecord, ratings: pd.DataFrame, *, path=None) -> int:
    """Store checked ratings (:func:`mindthegap.io.delphi_files.check_ratings`) after checking them against
    the study's panels, statements, rounds and wordings; all or nothing."""
    index = _index(record)
    problems = Problems(path)
    rows = []
    for r in ratings.to_dict(orient="records"):
        found = _match(index, r, problems)
        if found is not None:
            rows.append(found)
    problems.raise_first()
    with transaction.atomic():
        return len(m.Rating.all_objects.bulk_create(rows, batch_size=BATCH))


def _index(record: StudyRecord) -> dict[str, Any]:
    people = dict(ParticipantRecord.all_objects.filter(study=record).values_list("pseudonym", "id"))
    panel = dict(m.PanelMember.all_objects.filter(study=record).values_list("participant_id", "group"))
    versions: dict[str, list[m.StatementVersion]] = {}
    for v in m.StatementVersion.objects.filter(statement__study=record).select_related("statement"):
        versions.setdefault(v.statement.slug, []).append(v)
    rounds = {r.number: r for r in m.Round.objects.filter(study=record)}
    done = set(
        m.Rating.all_objects.filter(round__study=record).values_list(
            "participant_id", "version__statement__slug", "round__number"
        )
    )
    return {"people": people, "panel": panel, "versions": versions, "rounds": rounds, "done": done}


def _match(index: dict[str, Any], r: dict, problems: Problems) -> m.Rating | None:
    row, pk = r["row"], index["people"].get(r["rater_id"])
    group = index["panel"].get(pk)
    if group is None:
        what = "is not a participant of the study" if pk is None else "is on no panel"
        problems.add(
            row, "rater_id", f"rater {quoted(r['rater_id'])} {what}", "add them with 'delphi create'"
        )
        return None
    if r.get("group") and r["group"] != group:
        problems.add(row, "group", f"rater {quoted(r['rater_id'])} is on panel {group!r}, not {r['group']!r}")
    rnd = index["rounds"].get(r["round"])
    if rnd is None:
        problems.add(row, "round", f"round {r['round']} has not been opened", "see 'delphi status'")
        return None
    if rnd.status == m.Round.Status.CLOSED:
        problems.add(
            row,
            "round",
            f"round {r['round']} is closed: ratings that arrive after a round closes are not added",
        )
        return None
    version = _version_for(index["versions"].get(r["statement"], []), rnd)
    if version is None:
        problems.add(
            row, "statement", f"statement {quoted(r['statement'])} is not rated in round {r['round']}"
        )
        return None
    if r.get("statement_text") and r["statement_text"] != version.text:
        problems.add(
            row,
            "statement_text",
            f"statement {r['statement']!r} was edited before round {r['round']}: this row rates other wording",
            "rate the wording in use in the round (see 'delphi feedback')",
        )
    if (pk, r["statement"], r["round"]) in index["done"]:
        problems.add(
            row,
            "rating",
            f"rater {quoted(r['rater_id'])} has already rated {r['statement']!r} in round {r['round']}",
        )
    rating = None if pd.isna(r["rating"]) else int(r["rating"])
    return m.Rating(
        round=rnd, version=version, participant_id=pk, rating=rating, comment=r.get("comment") or ""
    )


def _version_for(versions: list[m.StatementVersion], rnd: m.Round) -> m.StatementVersion | None:
    """The wording in use in ``rnd``: the latest version from that round or before, of the round's kind."""
    usable = [v for v in versions if v.from_round <= rnd.number and v.statement.kind == rnd.kind]
    return max(usable, key=lambda v: v.version) if usable else None


def delphi_frames(record: StudyRecord) -> dict[str, pd.DataFrame] | None:
    """The study's Delphi as ``ratings``, ``statements`` and ``rounds`` frames (None when it has none)."""
    versions = m.StatementVersion.objects.filter(statement__study=record).order_by("statement__id", "version")
    fields = ("statement__slug", "statement__kind", "statement__principle", "statement__lever", "statement__source",
              "version", "from_round", "text")  # fmt: skip
    columns = ["statement", "kind", "principle", "lever", "source", "version", "from_round", "text"]
    statements = values_frame(versions, fields, columns)
    if statements.empty:
        return None
    round_rows = m.Round.objects.filter(study=record).order_by("number")
    rounds = values_frame(round_rows, ("number", "kind", "status"), ["round", "kind", "status"])
    groups = dict(m.PanelMember.objects.filter(study=record).values_list("participant_id", "group"))
    rows = (
        m.Rating.objects.filter(round__study=record)
        .order_by("id")
        .values_list(
            "participant__pseudonym",
            "participant_id",
            "version__statement__slug",
            "round__number",
            "round__kind",
            "version__version",
            "rating",
            "comment",
        )
    )
    ratings = pd.DataFrame(
        [(p, groups.get(pk), s, rn, k, v, rt, c) for p, pk, s, rn, k, v, rt, c in rows],
        columns=["rater_id", "group", "statement", "round", "kind", "version", "rating", "comment"],
    )
    ratings["rating"] = ratings["rating"].astype(float)
    members = m.PanelMember.objects.filter(study=record)
    panels = values_frame(members, ("participant__pseudonym", "group"), ["rater_id", "group"])
    return {"ratings": ratings, "statements": statements, "rounds": rounds, "panels": panels}


def save_delphi(record: StudyRecord, evidence: dict[str, pd.DataFrame]) -> int:
    """Store a whole Delphi at once (the demo; a migration from another tool): ``panels``, ``statements``
    (one row per version), ``rounds`` and ``ratings``, which must agree with each other."""
    add_panels(record, evidence["panels"])
    for rnd in evidence["rounds"].to_dict(orient="records"):
        m.Round.objects.create(study=record, number=rnd["round"], kind=rnd["kind"])
    versions = evidence["statements"].sort_values(["statement", "version"])
    for slug, part in versions.groupby("statement", sort=False):
        first = part.iloc[0]
        statement = m.Statement.objects.create(
            study=record,
            slug=slug,
            kind=first["kind"],
            principle=first.get("principle") or "",
            lever=first.get("lever") or "",
            source=str(first.get("source") or "")[:300],
        )
        m.StatementVersion.objects.bulk_create(
            [
                m.StatementVersion(statement=statement, version=v, from_round=f, text=t)
                for v, f, t in part[["version", "from_round", "text"]].itertuples(index=False)
            ]
        )
    ratings = evidence["ratings"].assign(row=range(2, len(evidence["ratings"]) + 2))
    for col in ("comment", "statement_text", "group"):
        ratings[col] = ratings[col].fillna("") if col in ratings else ""
    count = import_ratings(record, ratings)
    closed = evidence["rounds"].loc[evidence["rounds"]["status"] == "closed", "round"]
    m.Round.objects.filter(study=record, number__in=list(closed)).update(
        status=m.Round.Status.CLOSED, closed=timezone.now()
    )
    return count


def status(record: StudyRecord) -> dict[str, Any]:
    """Rounds, statements (with their number of versions) and panel names of the study's Delphi."""
    rounds = [
        {"round": r.number, "kind": r.kind, "status": r.status, "opened": r.opened, "closed": r.closed}
        for r in m.Round.objects.filter(study=record).order_by("number")
    ]
    statements = [
        {"statement": s.slug, "kind": s.kind, "versions": s.versions.count()}
        for s in m.Statement.objects.filter(study=record).order_by("id")
    ]
    panels = sorted(set(m.PanelMember.objects.filter(study=record).values_list("group", flat=True)))
    return {"study": record.slug, "rounds": rounds, "statements": statements, "panels": panels}
