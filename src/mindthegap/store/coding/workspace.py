"""Coding a source by hand: add, change and remove your own codings, write memos, all checked and audited.

Offsets are Unicode code points, as everywhere in the store. The browser counts UTF-16 units and converts
(``web/static/coding/offsets.js``); every request also carries the text it means to code, and a span whose text
differs is refused, so a wrong conversion can never store a span that covers other words than the ones selected.

Each coder's codings on a source carry a version (:class:`~mindthegap.store.coding.models.CodingState`); a change
names the version it was made against and is refused when someone (another tab, a co-coder settling an agreed
version) changed them in between. Nothing is lost: the refusal says so and the page reloads the current codings.
"""

from __future__ import annotations

import uuid

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from mindthegap.analysis.coders import AGREED_CODERS, MACHINE_PREFIX
from mindthegap.errors import StoreError
from mindthegap.store.audit import log as audit
from mindthegap.store.coding.models import Assignment, CodingState
from mindthegap.store.qualitative import models as q
from mindthegap.store.studies.models import StudyRecord

MAX_MEMO = 20_000
MEMO_TARGETS = ("source", "code", "coding")


class NotFound(StoreError):
    """The source, code or coding is not in this study (answered as 404: its existence is not revealed)."""


class Conflict(StoreError):
    """The coder's codings changed since the page was loaded."""


def source_in(study: StudyRecord, guid: str) -> q.SourceRecord:
    source = q.SourceRecord.objects.filter(study=study, guid=guid).first()
    if source is None:
        raise NotFound(f"no source {guid!r} in this study")
    return source


def code_in(study: StudyRecord, guid: str) -> q.CodeRecord:
    code = q.CodeRecord.objects.filter(study=study, guid=guid, active=True).first()
    if code is None:
        raise NotFound(f"no code {guid!r} in this study's codebook", hint="reload the page for the codebook")
    return code


def is_person(coder: str) -> bool:
    return bool(coder) and not coder.startswith(MACHINE_PREFIX) and coder.casefold() not in AGREED_CODERS


def version_of(source: q.SourceRecord, coder: str) -> int:
    state = CodingState.objects.filter(source=source, coder=coder).first()
    return state.version if state else 0


def _bump(source: q.SourceRecord, coder: str, expected: int | None) -> int:
    """Raise the coder's version on the source (inside the caller's transaction), refusing a stale one."""
    state, _ = CodingState.objects.select_for_update().get_or_create(source=source, coder=coder)
    if expected is not None and int(expected) != state.version:
        raise Conflict(
            "these codings were changed elsewhere since the page was loaded; nothing was changed",
            hint="the page now shows the current codings: check them and try again",
        )
    state.version += 1
    state.save(update_fields=["version"])
    return state.version


def blinded(source: q.SourceRecord, coder: str) -> bool:
    """Whether ``coder`` is double coding ``source`` and some coder of it has not finished yet."""
    unfinished = Assignment.objects.filter(round=OuterRef("round"), source=source, finished_at=None)
    return Assignment.objects.filter(source=source, coder=coder).filter(Exists(unfinished)).exists()


FIELDS = ("id", "guid", "code__guid", "start", "end", "coder", "status", "confidence")


def visible_codings(source: q.SourceRecord, coder: str) -> list[dict]:
    """The codings ``coder`` may see on ``source``: everyone's, or only their own and the auto-coder's while
    they are double coding it blind. Rejected suggestions are left out."""
    rows = q.CodingRecord.objects.filter(source=source).exclude(status="rejected").order_by("start", "id")
    if blinded(source, coder):
        rows = rows.filter(Q(coder=coder) | Q(coder__startswith=MACHINE_PREFIX))
    return [_json(values, coder) for values in rows.values_list(*FIELDS)]


def _json(values: tuple, coder: str) -> dict:
    ident, guid, code, start, end, who, status, confidence = values
    return {"id": ident, "guid": guid, "code": code, "start": start, "end": end, "coder": who,
            "mine": who == coder, "status": status, "confidence": confidence}  # fmt: skip


def as_json(row: q.CodingRecord, coder: str) -> dict:
    return _json(
        (row.id, row.guid, row.code.guid, row.start, row.end, row.coder, row.status, row.confidence), coder
    )


def check_span(source: q.SourceRecord, start: object, end: object, quote: object) -> tuple[int, int]:
    """The span as integers, refused when empty, outside the text or not covering ``quote`` exactly."""
    text = source.text
    if text is None:
        raise StoreError(f"source {source.name!r} has no text to code")
    try:
        start, end = int(start), int(end)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise StoreError("start and end must be whole numbers (code points)") from None
    if start == end:
        raise StoreError("the selection is empty", hint="select some text before applying a code")
    if start < 0 or end < start or end > len(text):
        raise StoreError(
            f"the span {start}–{end} runs outside the source (0–{len(text)})", hint="reload the page"
        )
    if not isinstance(quote, str) or text[start:end] != quote:
        raise StoreError(
            f"the text at {start}–{end} is not the text selected; nothing was stored",
            hint="reload the page: the source may have changed",
        )
    return start, end


def _overlapping(source, code, coder: str, start: int, end: int, exclude: int | None = None):
    rows = q.CodingRecord.objects.filter(
        source=source, code=code, coder=coder, start__lt=end, end__gt=start
    ).exclude(status="rejected")
    return rows.exclude(pk=exclude) if exclude else rows


def add_coding(
    study: StudyRecord, source_guid: str, code_guid: str, start: object, end: object, quote: object,
    *, coder: str, version: int | None,
) -> tuple[q.CodingRecord, int]:  # fmt: skip
    """Code ``quote`` at ``start``–``end``; returns the coding and the coder's new version on the source.

    The same code overlapping the coder's own coding of it is refused: change that coding instead.
    """
    if not is_person(coder):
        raise StoreError(f"{coder!r} cannot code by hand", hint="sign in as a person")
    source = source_in(study, source_guid)
    code = code_in(study, code_guid)
    start, end = check_span(source, start, end, quote)
    with transaction.atomic():
        if clash := _overlapping(source, code, coder, start, end).first():
            raise StoreError(
                f"this overlaps your coding of {code.name!r} at {clash.start}–{clash.end}",
                hint="change that coding's span instead of coding the text twice",
            )
        new = _bump(source, coder, version)
        row = q.CodingRecord.objects.create(
            source=source, code=code, guid=str(uuid.uuid4()).upper(), start=start, end=end, coder=coder,
            status="accepted", created=timezone.now(),
        )  # fmt: skip
        audit.record(
            audit.Action.CODING_ADDED, study=study, obj=("coding", row.guid),
            source=source.guid, code=code.guid, start=start, end=end,
        )  # fmt: skip
    return row, new


def _own(study: StudyRecord, coding_id: object, coder: str) -> q.CodingRecord:
    try:
        ident = int(coding_id)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise NotFound("no such coding") from None
    row = (
        q.CodingRecord.objects.filter(pk=ident, source__study=study).select_related("source", "code").first()
    )
    if row is None:
        raise NotFound("no such coding in this study")
    if row.coder != coder:
        raise StoreError("you can change and remove only your own codings")
    return row


def change_coding(
    study: StudyRecord, coding_id: object, *, coder: str, version: int | None,
    code_guid: str | None = None, start: object = None, end: object = None, quote: object = None,
) -> tuple[q.CodingRecord, int]:  # fmt: skip
    """Move your coding to another span and/or code; the old values go to the audit log."""
    row = _own(study, coding_id, coder)
    code = code_in(study, code_guid) if code_guid else row.code
    keep = start is None and end is None
    span = (row.start, row.end) if keep else check_span(row.source, start, end, quote)
    with transaction.atomic():
        if _overlapping(row.source, code, coder, *span, exclude=row.pk).exists():
            raise StoreError(f"that would overlap another of your codings of {code.name!r}")
        new = _bump(row.source, coder, version)
        before = {"code": row.code.guid, "start": row.start, "end": row.end}
        row.code, (row.start, row.end) = code, span
        row.save(update_fields=["code", "start", "end"])
        audit.record(
            audit.Action.CODING_CHANGED, study=study, obj=("coding", row.guid), source=row.source.guid,
            before=before, after={"code": code.guid, "start": row.start, "end": row.end},
        )  # fmt: skip
    return row, new


def remove_coding(study: StudyRecord, coding_id: object, *, coder: str, version: int | None) -> int:
    """Remove your coding; what it was stays in the audit log. Returns your new version on the source."""
    row = _own(study, coding_id, coder)
    with transaction.atomic():
        new = _bump(row.source, coder, version)
        audit.record(
            audit.Action.CODING_REMOVED, study=study, obj=("coding", row.guid), source=row.source.guid,
            code=row.code.guid, start=row.start, end=row.end,
        )  # fmt: skip
        row.delete()
    return new


def write_memo(study: StudyRecord, kind: str, target: str, text: object, *, author: str) -> q.MemoRecord:
    """A memo on a source, code or coding of this study (by guid). Stored as written: pages escape it."""
    if kind not in MEMO_TARGETS:
        raise StoreError(f"a memo goes on a {', '.join(MEMO_TARGETS)}, not {kind!r}")
    if not isinstance(text, str) or not text.strip():
        raise StoreError("the memo is empty")
    if len(text) > MAX_MEMO:
        raise StoreError(f"the memo is longer than {MAX_MEMO:,} characters", hint="split it in two")
    if kind == "source":
        source_in(study, target)
    elif kind == "code":
        code_in(study, target)
    elif not q.CodingRecord.objects.filter(source__study=study, guid=target).exists():
        raise NotFound("no such coding in this study")
    with transaction.atomic():
        memo = q.MemoRecord.objects.create(study=study, target=target, author=author, text=text)
        audit.record(audit.Action.MEMO_WRITTEN, study=study, obj=("memo", memo.pk), on=kind, target=target)
    return memo


def memos_on(study: StudyRecord, targets: list[str]) -> list[dict]:
    rows = q.MemoRecord.objects.filter(study=study, target__in=targets).order_by("id")
    return [{"target": m.target, "author": m.author, "text": m.text} for m in rows]
