"""Hand comments to and from the database as DataFrames; redaction happens here, before anything is stored."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from mindthegap.errors import StoreError
from mindthegap.store.feedback import models as m
from mindthegap.store.studies.models import ParticipantRecord, StudyRecord

COMMENT_COLUMNS = ["participant_id", "level", "role", "service", "wave", "text"]
BATCH = 2000


def save_comments(record: StudyRecord, comments: pd.DataFrame) -> int:
    """Store comments (columns :data:`COMMENT_COLUMNS`, optional ``comment_id``); returns rows written.

    When the study asks for free-text redaction, text is redacted here, so unredacted text never reaches the
    database. ``participant_id`` may be blank for anonymous comments; level/role then come from the frame.
    """
    from mindthegap.redaction import Redactor

    if "text" not in comments.columns:
        raise StoreError("comments lack a 'text' column")
    participants = {
        p: (pk, level, role)
        for p, pk, level, role in ParticipantRecord.all_objects.filter(study=record).values_list(
            "pseudonym", "id", "level", "role"
        )
    }
    redactor = Redactor() if record.redact_free_text else None
    rows = []
    for item in comments.to_dict(orient="records"):
        text = item.get("text")
        if text is None or (isinstance(text, float) and pd.isna(text)) or not str(text).strip():
            continue
        text = str(text)
        redactions = int(item.get("redactions") or 0) if "redactions" in item else 0
        if redactor is not None:
            result = redactor(text)
            text, redactions = result.text, redactions + len(result.spans)
        pid = item.get("participant_id")
        known = participants.get(str(pid)) if pid is not None and not pd.isna(pid) else None
        if pid is not None and not pd.isna(pid) and str(pid).strip() and known is None:
            raise StoreError(f"comment names unknown participant {pid!r}")

        def field(name: str, fallback: str = "", item: dict = item) -> str:
            value = item.get(name)
            return fallback if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)

        rows.append(
            m.Comment(
                study=record,
                participant_id=known[0] if known else None,
                external_id=field("comment_id"),
                level=field("level", known[1] if known else ""),
                role=field("role", known[2] if known else ""),
                service=field("service"),
                wave=field("wave"),
                text=text,
                redactions=redactions,
            )
        )
    return len(m.Comment.objects.bulk_create(rows, batch_size=BATCH))


def comments_frame(record: StudyRecord) -> pd.DataFrame:
    """The study's comments: comment_id, participant_id, level, role, service, wave, text, redactions."""
    values = m.Comment.objects.filter(study=record).order_by("id")
    rows = list(
        values.values_list(
            "id", "participant__pseudonym", "level", "role", "service", "wave", "text", "redactions"
        )
    )
    frame = pd.DataFrame(
        rows,
        columns=["comment_id", "participant_id", "level", "role", "service", "wave", "text", "redactions"],
    )
    for col in ("service", "wave", "level", "role"):
        frame[col] = frame[col].replace("", None)
    return frame


def register_autocoder(
    path: str | Path, *, name: str = "", record: StudyRecord | None = None, metrics: dict | None = None
) -> m.AutoCoderRecord:
    """Record a trained auto-coder file (read to take its labels, codebook and versions)."""
    from mindthegap.text.autocoder import load_autocoder

    model = load_autocoder(path)
    return m.AutoCoderRecord.objects.create(
        study=record,
        name=name or Path(path).stem,
        path=str(Path(path).resolve()),
        codebook=model.codebook_,
        labels=list(model.labels_),
        versions=dict(model.versions_),
        metrics=metrics or _cv_metrics(model),
    )


def _cv_metrics(model) -> dict:
    """The coder's cross-validated scores (mean and sd over folds), rounded; JSON-safe (no NaN)."""
    return {
        f"cross_validated_{key.replace('_mean', '')}": round(float(value), 4)
        for key, value in model.cv_scores_.items()
        if key.endswith(("_mean", "_sd")) and value == value
    }
