"""Auto-coder suggestions stored as unreviewed codings with confidence, for a person to accept or reject.

Suggestions go into the qualitative app's codings (status ``unreviewed``), one per source and suggested code,
spanning the sentence or clause of the source that scores the code highest (the whole source when it is one
sentence; :meth:`~mindthegap.text.autocoder.AutoCoder.best_part_spans`), so a reviewer sees where it is raised.
Codes are matched to the model's labels by name among the study's active codes. A source and code the same model
has already suggested (awaiting review, accepted or rejected) are skipped, so running it twice is safe, and
running it again at a lower ``min_confidence`` adds only the suggestions the higher threshold held back (a
rejected suggestion is never proposed again).
"""

from __future__ import annotations

import uuid
from typing import Any

import numpy as np
from django.db import transaction

from mindthegap.analysis.coders import machine_coder
from mindthegap.errors import StoreError
from mindthegap.store.audit import log as audit
from mindthegap.store.studies.models import StudyRecord


def store_suggestions(record: StudyRecord, model: Any, *, min_confidence: float = 0.0) -> int:
    """Code every text source of the study with ``model``; returns the number of suggestions stored."""
    from mindthegap.store.qualitative import models as q

    coder = machine_coder(model.codebook_)  # the name that keeps the auto-coder out of intercoder agreement
    codes = {c.name: c for c in q.CodeRecord.objects.filter(study=record, active=True)}
    wanted = [(j, codes[label]) for j, label in enumerate(model.labels_) if label in codes]
    if not wanted:
        raise StoreError(
            "none of the model's codes exist in this study's codebook",
            hint="train the model on this study's code names",
        )
    done = set(
        q.CodingRecord.objects.filter(source__study=record, coder=coder).values_list("source_id", "code_id")
    )
    sources = [s for s in q.SourceRecord.objects.filter(study=record).exclude(text=None)]
    sources = [
        s for s in sources if s.text and s.text.strip() and any((s.id, c.id) not in done for _, c in wanted)
    ]
    if not sources:
        return 0
    texts = [s.text for s in sources]
    proba = model.predict_proba(texts)
    pred = model.predict_from_proba(proba, texts)
    spans = _spans(model, texts)
    rows = []
    for i, source in enumerate(sources):
        for j, code in wanted:
            if pred[i, j] and proba[i, j] >= min_confidence and (source.id, code.id) not in done:
                rows.append(
                    q.CodingRecord(
                        source=source,
                        code=code,
                        guid=str(uuid.uuid4()).upper(),
                        start=int(spans[i, j, 0]),
                        end=int(spans[i, j, 1]),
                        coder=coder,
                        status="unreviewed",
                        confidence=float(proba[i, j]),
                    )
                )
    with transaction.atomic():
        q.CodingRecord.objects.bulk_create(rows, batch_size=2000)
        audit.record(audit.Action.IMPORTED, study=record, what="coding suggestions", suggestions=len(rows))
    return len(rows)


def _spans(model: Any, texts: list[str]) -> np.ndarray:
    """Per source and code, where the suggestion points: the model's best part, or — for a model that cannot say
    (any estimator with ``predict_proba`` will do here) — the whole source."""
    if hasattr(model, "best_part_spans"):
        return model.best_part_spans(texts)
    whole = np.array([(0, len(text)) for text in texts], dtype=np.int64).reshape(len(texts), 1, 2)
    return np.repeat(whole, len(model.labels_), axis=1)


def pending_suggestions(record: StudyRecord, *, code: str | None = None):
    """The study's unreviewed suggestions, most confident first (a queryset: page through it)."""
    from mindthegap.store.qualitative import models as q

    rows = q.CodingRecord.objects.filter(source__study=record, status="unreviewed").select_related(
        "source", "code"
    )
    if code:
        rows = rows.filter(code__name=code)
    return rows.order_by("-confidence", "id")


def review_suggestion(
    coding_id: int, *, accept: bool, study: StudyRecord | None = None, reviewer: str = ""
) -> None:
    """Accept or reject one suggestion: a person's decision, recorded with who made it and when (the model's
    confidence is kept). With ``study``, a suggestion from any other study counts as not found."""
    from django.utils import timezone

    from mindthegap.store.qualitative import models as q

    rows = q.CodingRecord.objects.filter(id=coding_id, status="unreviewed")
    if study is not None:
        rows = rows.filter(source__study=study)
    updated = rows.update(
        status="accepted" if accept else "rejected", reviewer=reviewer, reviewed_at=timezone.now()
    )
    if not updated:
        raise StoreError(
            f"no unreviewed suggestion with id {coding_id}"
            + (f" in study {study.slug!r}" if study is not None else ""),
            hint="list them with: mindthegap autocode review --study STUDY",
        )
    audit.record(
        audit.Action.SUGGESTION_ACCEPTED if accept else audit.Action.SUGGESTION_REJECTED,
        study=study
        or q.CodingRecord.all_objects.filter(id=coding_id)
        .values_list("source__study__slug", flat=True)
        .first(),
        obj=("coding", coding_id),
    )


@transaction.atomic
def review_suggestions(
    record: StudyRecord, *, accept: list[int], reject: list[int], reviewer: str = ""
) -> None:
    """Accept and reject several suggestions all-or-nothing: one wrong id and none is recorded."""
    both = sorted(set(accept) & set(reject))
    if both:
        raise StoreError(f"suggestion {both[0]} is both accepted and rejected")
    for ident in accept:
        review_suggestion(ident, accept=True, study=record, reviewer=reviewer)
    for ident in reject:
        review_suggestion(ident, accept=False, study=record, reviewer=reviewer)


def suggestion_excerpt(
    text: str | None, start: int | None = None, end: int | None = None, *, limit: int | None = None
) -> str:
    """The text a suggestion covers as people review it, wherever they do (web page, `autocode review`, its JSON).

    ``text[start:end]`` with runs of whitespace (line breaks included) made single spaces. With ``limit``, a
    longer excerpt is cut to ``limit`` characters, the last of them "…" (as Django's ``truncatechars``).
    """
    shown = " ".join((text or "")[start or 0 : end].split())
    if limit is None or len(shown) <= limit:
        return shown
    return shown[: max(limit - 1, 0)] + "…"


def suggestion_rows(
    record: StudyRecord, *, code: str | None = None, limit: int = 20
) -> tuple[int, list[dict]]:
    """How many suggestions await review, and the ``limit`` most confident as plain rows with their excerpt."""
    pending = pending_suggestions(record, code=code)
    rows = [
        {
            "id": c.id,
            "source": c.source.name,
            "code": c.code.name,
            "confidence": round(c.confidence, 3) if c.confidence is not None else None,
            "text": suggestion_excerpt(c.source.text, c.start, c.end),
        }
        for c in pending[:limit]
    ]
    return pending.count(), rows
