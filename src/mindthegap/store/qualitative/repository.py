"""Save qualitative projects for a study and hand them back as DataFrames for :mod:`mindthegap.analysis`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import pandas as pd
from django.db import models, transaction

from mindthegap.errors import StoreError
from mindthegap.model.qualitative import Code, Codebook, Coding, Memo, QualitativeProject, Source, new_guid
from mindthegap.redaction import Redactor
from mindthegap.store.audit import log as audit
from mindthegap.store.frames import values_frame
from mindthegap.store.qualitative import models as m
from mindthegap.store.studies.models import StudyRecord

BATCH = 5000
META = ("participant", "level", "role", "service", "wave")


def save_project(record: StudyRecord, project: QualitativeProject, framework: str = "") -> int:
    """Store codes, sources, codings and memos in one transaction; returns the codings written.

    Checks every coding against its source and codebook first, so a bad project writes nothing. When the study
    asks for free text to be redacted, source texts and memos are redacted before they are stored and each
    coding's span is moved onto the redacted text, so codings still cover the same words.
    """
    _check_project(record, project)
    texts, spans, memo_texts = _redacted(record, project)
    with transaction.atomic():
        codes = _store_codes(record, project.codebook, framework)
        sources = _store_sources(record, project.sources, texts)
        rows = _store_codings(project.codings, sources, codes, spans)
        m.MemoRecord.objects.bulk_create(
            [
                m.MemoRecord(study=record, target=x.target or "", author=x.author or "", text=text)
                for x, text in zip(project.memos, memo_texts, strict=True)
            ]
        )
        audit.record(
            audit.Action.IMPORTED, study=record, what="qualitative project",
            sources=len(project.sources), codings=len(rows), memos=len(project.memos),
        )  # fmt: skip
    return len(rows)


def _check_project(record: StudyRecord, project: QualitativeProject) -> None:
    """Refuse codings that name an unknown source or code or run outside their source, and a project whose
    sources or codes are already in the study."""
    texts = {s.guid: s.text for s in project.sources}
    for coding in project.codings:
        if coding.source not in texts:
            raise StoreError(f"coding {coding.guid} names unknown source {coding.source}")
        if coding.code not in project.codebook.codes:
            raise StoreError(f"coding {coding.guid} names unknown code {coding.code}")
        text = texts[coding.source]
        if coding.start is not None and (
            coding.start < 0 or coding.end < coding.start or (text is not None and coding.end > len(text))
        ):
            raise StoreError(f"coding {coding.guid} runs outside its source ({coding.start}–{coding.end})")
    clash = m.SourceRecord.all_objects.filter(study=record, guid__in=list(texts)).values_list(
        "name", flat=True
    )[:1]
    if clash:
        raise StoreError(
            f"source {clash[0]!r} is already in this study", hint="this project seems to be imported already"
        )
    code_clash = m.CodeRecord.objects.filter(study=record, guid__in=list(project.codebook.codes))
    if code_clash.exists():
        raise StoreError(
            f"code {code_clash.first().name!r} is already in this study's codebook",
            hint="this codebook seems to be imported already",
        )


def _store_codes(record: StudyRecord, codebook: Codebook, framework: str) -> dict[str, m.CodeRecord]:
    """Create the codebook's codes, parents before children, each with its "add" event; guid → record.

    Call inside the caller's transaction: a loop in the parent links raises after some codes are created.
    """
    codes: dict[str, m.CodeRecord] = {}
    pending = list(codebook.codes.values())
    while pending:  # parents before children
        later = []
        for code in pending:
            if code.parent is not None and code.parent not in codes:
                later.append(code)
                continue
            codes[code.guid] = m.CodeRecord.objects.create(
                study=record,
                guid=code.guid,
                name=code.name,
                description=code.description,
                colour=code.colour or "",
                parent=codes.get(code.parent) if code.parent else None,
                framework=framework,
            )
        if len(later) == len(pending):
            raise StoreError("the codebook's parent links form a loop")
        pending = later
    m.CodeEvent.objects.bulk_create(
        [m.CodeEvent(code=c, action="add", details={"name": c.name}) for c in codes.values()],
        batch_size=BATCH,
    )
    return codes


def _store_sources(
    record: StudyRecord, sources: list[Source], texts: dict[str, str | None]
) -> dict[str, m.SourceRecord]:
    """Create the sources with their (possibly redacted) texts; guid → record."""
    rows = m.SourceRecord.objects.bulk_create(
        [
            m.SourceRecord(
                study=record,
                guid=s.guid,
                name=s.name,
                kind=s.kind,
                text=texts[s.guid],
                # keep where a picture, PDF or recording lived, so a re-export can point at it again
                metadata={**s.metadata, **({"path": s.path} if s.path and s.kind != "text" else {})},
                **{k: str(s.metadata.get(k, "") or "") for k in META},
            )
            for s in sources
        ],
        batch_size=BATCH,
    )
    return {s.guid: s for s in rows}


def _store_codings(
    codings: list[Coding], sources: dict[str, m.SourceRecord], codes: dict[str, m.CodeRecord], spans: dict
) -> list[m.CodingRecord]:
    """Create the codings, each span moved onto its source's redacted text where there is one."""
    return m.CodingRecord.objects.bulk_create(
        [
            m.CodingRecord(
                source=sources[c.source],
                code=codes[c.code],
                guid=c.guid,
                start=_forward(spans.get(c.source), c.start, end=False),
                end=_forward(spans.get(c.source), c.end, end=True),
                coder=c.coder or "",
                status=c.status,
                confidence=c.confidence,
                created=c.created,
                region=c.region,
            )
            for c in codings
        ],
        batch_size=BATCH,
    )


def _redacted(record: StudyRecord, project: QualitativeProject) -> tuple[dict, dict, list[str]]:
    """Source texts, redaction spans by source and memo texts, redacted when the study asks for it."""
    texts = {s.guid: s.text for s in project.sources}
    if not record.redact_free_text:
        return texts, {}, [x.text for x in project.memos]
    redactor = Redactor()
    spans = {}
    for guid, text in texts.items():
        if text:
            redaction = redactor(text)
            if redaction.spans:
                texts[guid], spans[guid] = redaction.text, redaction.spans
    return texts, spans, [redactor(x.text).text for x in project.memos]


def _forward(spans, offset: int | None, *, end: bool) -> int | None:
    """Where an offset into the original text lands in the redacted text (inside a tag: its start or end)."""
    if offset is None or not spans:
        return offset
    shift = 0
    for span in spans:  # in text order
        if offset <= span.start:
            break
        if offset < span.end:
            return span.new_end if end else span.new_start
        shift = span.new_end - span.end
    return offset + shift


def add_sources(record: StudyRecord, sources: list[Source], roster: Iterable[str] = ()) -> dict[str, int]:
    """Store new sources (transcripts, documents, notes) in one transaction; returns redactions by type.

    When the study asks for free text to be redacted, each text is redacted before it is stored, so the
    original never reaches the database; ``roster`` adds names to look for. A source whose name is already in
    the study is refused, and then nothing is stored.
    """
    names = [s.name for s in sources]
    if dup := next((n for n in names if names.count(n) > 1), None):
        raise StoreError(f"source {dup!r} is given twice", hint="give each file a distinct name")
    clash = list(
        m.SourceRecord.all_objects.filter(study=record, name__in=names).values_list("name", flat=True)[:1]
    )
    if clash:
        raise StoreError(
            f"source {clash[0]!r} is already in this study",
            hint="rename the file if it is a different source",
        )
    totals: Counter[str] = Counter()
    rows = []
    redactor = Redactor(roster) if record.redact_free_text else None
    for source in sources:
        text, metadata = source.text, dict(source.metadata)
        if redactor is not None and text:
            redaction = redactor(text)
            text = redaction.text
            totals.update(redaction.counts)
            metadata["redacted"] = redaction.counts  # counts only: what was hidden stays hidden
        rows.append(
            m.SourceRecord(
                study=record,
                guid=source.guid,
                name=source.name,
                kind=source.kind,
                text=text,
                metadata={k: v for k, v in metadata.items() if k not in META},
                **{k: str(metadata.get(k, "") or "") for k in META},
            )
        )
    with transaction.atomic():
        m.SourceRecord.objects.bulk_create(rows, batch_size=BATCH)
        audit.record(audit.Action.IMPORTED, study=record, what="sources", sources=len(rows))
    return dict(totals)


def save_projects(record: StudyRecord, evidence) -> int:
    """Evidence adapter entry: one project or a list of them."""
    projects = evidence if isinstance(evidence, list | tuple) else [evidence]
    return sum(save_project(record, p) for p in projects)


def _code(record: StudyRecord, guid: str) -> m.CodeRecord:
    try:
        return m.CodeRecord.objects.get(study=record, guid=guid)
    except m.CodeRecord.DoesNotExist:
        raise StoreError(f"no code {guid} in study {record.pk}") from None


def _path(code: m.CodeRecord, by_id: dict[int, m.CodeRecord]) -> str:
    names, seen = [], set()
    while code is not None and code.pk not in seen:
        seen.add(code.pk)
        names.append(code.name)
        code = by_id.get(code.parent_id)
    return " > ".join(reversed(names))


def find_code(record: StudyRecord, ref: str) -> m.CodeRecord:
    """The active code a person means: its guid, its full path ("Coherence > Differentiation") or its name."""
    active = list(m.CodeRecord.objects.filter(study=record, active=True))
    by_id = {c.pk: c for c in active}
    for test in (lambda c: c.guid == ref, lambda c: _path(c, by_id) == ref, lambda c: c.name == ref):
        found = [c for c in active if test(c)]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            paths = "; ".join(sorted(_path(c, by_id) for c in found)[:4])
            raise StoreError(f"{len(found)} codes are called {ref!r} ({paths})", hint="give the full path")
    raise StoreError(
        f"no code {ref!r} in this study's codebook", hint="see 'mindthegap qual code list --study …'"
    )


def codebook_frame(record: StudyRecord) -> pd.DataFrame:
    """Active codes with their path, guid and number of codings."""
    active = list(m.CodeRecord.objects.filter(study=record, active=True).order_by("id"))
    by_id = {c.pk: c for c in active}
    counts = dict(
        m.CodingRecord.objects.filter(code__study=record)
        .values("code_id")
        .annotate(n=models.Count("id"))
        .values_list("code_id", "n")
    )
    rows = [(c.guid, _path(c, by_id), c.name, counts.get(c.pk, 0)) for c in active]
    return pd.DataFrame(rows, columns=["guid", "path", "name", "codings"]).sort_values(
        "path", ignore_index=True
    )


def code_history(record: StudyRecord) -> pd.DataFrame:
    """Every codebook edit, oldest first: when, what, which code and the details."""
    rows = m.CodeEvent.objects.filter(code__study=record).order_by("id")
    fields = ("at", "action", "code__guid", "code__name", "details")
    return values_frame(rows, fields, ["at", "action", "guid", "name", "details"])


def rename_code(record: StudyRecord, guid: str, name: str) -> None:
    """Rename a code; its codings keep pointing at it."""
    if not name.strip():
        raise StoreError("a code needs a name")
    code = _code(record, guid)
    with transaction.atomic():
        m.CodeEvent.objects.create(code=code, action="rename", details={"old": code.name, "new": name})
        code.name = name
        code.save(update_fields=["name"])
        audit.record(audit.Action.EDITED, study=record, obj=("code", guid), change="rename")


def move_code(record: StudyRecord, guid: str, parent: str | None) -> None:
    """Move a code under another (None for the top level); its codings and children go with it."""
    code = _code(record, guid)
    target = _code(record, parent) if parent else None
    if target is not None and not target.active:
        raise StoreError(f"code {target.name!r} was merged away", hint="move it under the code it went into")
    current = target
    while current is not None:
        if current.pk == code.pk:
            raise StoreError(f"cannot move {code.name!r} under itself or one of its own sub-codes")
        current = current.parent
    old = code.parent.guid if code.parent_id else None
    with transaction.atomic():
        m.CodeEvent.objects.create(code=code, action="move", details={"old": old, "new": parent})
        code.parent = target
        code.save(update_fields=["parent"])
        audit.record(audit.Action.EDITED, study=record, obj=("code", guid), change="move", parent=parent)


def split_code(record: StudyRecord, guid: str, names: list[str]) -> list[m.CodeRecord]:
    """Create new codes under ``guid`` for a split; its codings stay on it until someone recodes them."""
    code = _code(record, guid)
    if not names or any(not n.strip() for n in names):
        raise StoreError("a split needs the names of the new codes")
    with transaction.atomic():
        made = []
        for name in names:
            child = m.CodeRecord.objects.create(
                study=record,
                guid=new_guid(),
                name=name,
                colour=code.colour,
                parent=code,
                framework=code.framework,
            )
            m.CodeEvent.objects.create(code=child, action="add", details={"name": name, "split_from": guid})
            made.append(child)
        m.CodeEvent.objects.create(code=code, action="split", details={"into": [c.guid for c in made]})
        audit.record(audit.Action.EDITED, study=record, obj=("code", guid), change="split", into=len(made))
    return made


def merge_codes(record: StudyRecord, guids: list[str], into: str) -> int:
    """Merge codes into another: re-point their codings, children and memos, keep them inactive for the history."""
    target = _code(record, into)
    if not target.active:
        raise StoreError(f"code {target.name!r} was merged away", hint="merge into the code it went into")
    moved = 0
    with transaction.atomic():
        for guid in guids:
            if guid == into:
                continue
            code = _code(record, guid)
            if not code.active:
                raise StoreError(f"code {code.name!r} was already merged", hint="merge the code it went into")
            # all_objects: a withdrawn person's codings move too, so a restored consent finds them intact
            here = m.CodingRecord.all_objects.filter(code=code).update(code=target)
            moved += here
            m.CodeRecord.objects.filter(parent=code).update(parent=target)
            m.MemoRecord.all_objects.filter(study=record, target=guid).update(target=into)
            code.active, code.merged_into = False, target
            code.save(update_fields=["active", "merged_into"])
            m.CodeEvent.objects.create(
                code=code, action="merge", details={"into": into, "name": code.name, "codings": here}
            )
            audit.record(
                audit.Action.EDITED, study=record, obj=("code", guid), change="merge", into=into, codings=here
            )
    return moved


def load_project(record: StudyRecord, *, include_unreviewed: bool = False) -> QualitativeProject:
    """The study's sources, active codebook, codings and memos as a project, ready to export.

    Only accepted codings by default: machine suggestions nobody has reviewed are not findings, and rejected
    ones never leave. ``include_unreviewed`` adds the unreviewed suggestions.
    """
    book = _load_codebook(record)
    sources = _load_sources(record)
    statuses = ["accepted", "unreviewed"] if include_unreviewed else ["accepted"]
    codings = _load_codings(record, statuses)
    memos = [
        Memo(text=x.text, target=x.target or None, author=x.author or None)
        for x in m.MemoRecord.objects.filter(study=record).order_by("id")
    ]
    return QualitativeProject(name=record.name, codebook=book, sources=sources, codings=codings, memos=memos)


def _load_codebook(record: StudyRecord) -> Codebook:
    """The study's active codes as a codebook, in the order they were created."""
    book = Codebook(name=f"{record.name} codebook")
    for code in (
        m.CodeRecord.objects.filter(study=record, active=True).select_related("parent").order_by("id")
    ):
        book.codes[code.guid] = Code(
            name=code.name,
            guid=code.guid,
            description=code.description,
            colour=code.colour or None,
            parent=code.parent.guid if code.parent_id else None,
        )
    for code in book.codes.values():  # a parent left inactive by hand would orphan its children
        if code.parent is not None and code.parent not in book.codes:
            code.parent = None
    return book


def _load_sources(record: StudyRecord) -> list[Source]:
    """The study's sources with their metadata (a media file's path back in its own field)."""
    return [
        Source(
            name=s.name,
            text=s.text,
            guid=s.guid,
            kind=s.kind,
            path=(s.metadata or {}).get("path"),
            metadata={
                **{k: v for k, v in (s.metadata or {}).items() if k != "path"},
                **{k: getattr(s, k) for k in META if getattr(s, k)},
            },
        )
        for s in m.SourceRecord.objects.filter(study=record).order_by("id")
    ]


def _load_codings(record: StudyRecord, statuses: list[str]) -> list[Coding]:
    """The study's codings with one of ``statuses``, in the order they were stored."""
    return [
        Coding(
            source=source_guid,
            code=code_guid,
            start=start,
            end=end,
            coder=coder or None,
            status=status,
            confidence=confidence,
            created=created,
            guid=guid,
            region=region,
        )
        for source_guid, code_guid, start, end, coder, status, confidence, created, guid, region in (
            m.CodingRecord.objects.filter(source__study=record, status__in=statuses)
            .order_by("id")
            .values_list(
                "source__guid",
                "code__guid",
                "start",
                "end",
                "coder",
                "status",
                "confidence",
                "created",
                "guid",
                "region",
            )
        )
    ]


def codings_frame(record: StudyRecord) -> pd.DataFrame:
    """Codings with source, code name, span, coder, status and confidence."""
    fields = ("source__guid", "code__name", "start", "end", "coder", "status", "confidence")
    columns = ["source", "code", "start", "end", "coder", "status", "confidence"]
    return values_frame(m.CodingRecord.objects.filter(source__study=record), fields, columns)


def sources_frame(record: StudyRecord) -> pd.DataFrame:
    """Sources with their metadata and text."""
    rows = m.SourceRecord.objects.filter(study=record)
    return values_frame(
        rows, ("guid", "name", "kind", *META, "text"), ["source", "name", "kind", *META, "text"]
    )


def load_qualitative(record: StudyRecord) -> dict[str, pd.DataFrame]:
    """Evidence adapter entry: ``{"sources", "codings", "codes"}`` frames (empty when there is none)."""
    fields = ("guid", "name", "parent__guid", "framework", "active")
    codes = values_frame(
        m.CodeRecord.objects.filter(study=record), fields, ["guid", "name", "parent", "framework", "active"]
    )
    return {"sources": sources_frame(record), "codings": codings_frame(record), "codes": codes}
