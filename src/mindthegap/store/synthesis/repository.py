"""Keep CFIR ratings with the study (proposals from the rules, and analysts' decisions with their reasons), and
the implementation support the study lists with who used it and how helpful they found it."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from django.db import transaction
from django.utils import timezone

from mindthegap.errors import InputError, StoreError
from mindthegap.model import Support
from mindthegap.store.studies.models import ParticipantRecord, StudyRecord
from mindthegap.store.synthesis.models import CfirRating, SupportRecord, SupportUse

COLUMNS = [
    *("case", "construct", "proposed", "rating", "status", "rule", "evidence"),
    *("reason", "analyst", "decided", "proposal_moved", "history"),
]


def _int(value) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def save_proposals(record: StudyRecord, proposals: pd.DataFrame) -> int:
    """Store the rules' proposals (:func:`mindthegap.analysis.cfir.propose_ratings`) in one transaction. A
    rating nobody has decided on follows its proposal; an analyst's decision is kept as it is."""
    counts = ["informants_for", "informants_against", "informants_neutral", "segments"]
    with transaction.atomic():
        existing = {(r.case, r.construct): r for r in CfirRating.objects.filter(study=record)}
        new, changed = [], []
        for row in proposals.to_dict(orient="records"):
            proposed = _int(row.get("rating"))
            evidence = {k: _int(row.get(k)) or 0 for k in counts if k in row}
            found = existing.get((str(row["case"]), str(row["construct"])))
            if found is None:
                new.append(
                    CfirRating(
                        study=record,
                        case=str(row["case"]),
                        construct=str(row["construct"]),
                        proposed=proposed,
                        rating=proposed,
                        rule=str(row.get("rule", ""))[:300],
                        evidence=evidence,
                    )
                )
                continue
            found.proposed, found.rule, found.evidence = proposed, str(row.get("rule", ""))[:300], evidence
            if found.status == CfirRating.Status.PROPOSED:
                found.rating = proposed
            changed.append(found)
        CfirRating.objects.bulk_create(new)
        CfirRating.objects.bulk_update(changed, ["proposed", "rule", "evidence", "rating"])
    return len(new) + len(changed)


def decide(
    record: StudyRecord, case: str, construct: str, *, rating: int | None, reason: str, analyst: str
) -> CfirRating:
    """An analyst confirms (the same rating as proposed) or changes a rating; ``None`` is X (missing).
    A change needs a reason; the earlier decision, if any, moves to the history."""
    if rating is not None and rating not in (-2, -1, 0, 1, 2):
        raise InputError(f"rating {rating} is not one of −2, −1, 0, +1, +2 or X", column="rating")
    try:
        row = CfirRating.objects.get(study=record, case=case, construct=construct)
    except CfirRating.DoesNotExist:
        raise InputError(
            f"study {record.slug!r} has no CFIR rating for case {case!r} and construct {construct!r}",
            hint="run 'mindthegap synth cfir propose' first, and check the case and construct names",
        ) from None
    confirms = rating == row.proposed
    if not confirms and not reason.strip():
        raise InputError(
            "changing a proposed rating needs a reason", column="reason", hint="give --reason '…'"
        )
    with transaction.atomic():
        if row.status != CfirRating.Status.PROPOSED:
            row.history = [
                *row.history,
                {
                    "rating": row.rating,
                    "status": row.status,
                    "reason": row.reason,
                    "analyst": row.analyst,
                    "decided": row.decided.isoformat() if row.decided else None,
                    "proposed": row.proposed_at_decision,
                },
            ]
        row.rating = rating
        row.status = CfirRating.Status.CONFIRMED if confirms else CfirRating.Status.CHANGED
        row.reason, row.analyst, row.decided = reason.strip(), analyst, timezone.now()
        row.proposed_at_decision = row.proposed
        row.save()
    return row


def ratings_frame(record: StudyRecord) -> pd.DataFrame:
    """The study's CFIR ratings (:data:`COLUMNS`); ``proposal_moved`` flags a decision made on an earlier
    proposal than the current one."""
    rows = [
        {
            "case": r.case,
            "construct": r.construct,
            "proposed": r.proposed,
            "rating": r.rating,
            "status": r.status,
            "rule": r.rule,
            "evidence": r.evidence,
            "reason": r.reason,
            "analyst": r.analyst,
            "decided": r.decided,
            "proposal_moved": r.status != CfirRating.Status.PROPOSED and r.proposed != r.proposed_at_decision,
            "history": r.history,
        }
        for r in CfirRating.objects.filter(study=record).order_by("case", "construct")
    ]
    out = pd.DataFrame(rows, columns=COLUMNS)
    out[["proposed", "rating"]] = out[["proposed", "rating"]].astype("Int64")
    return out


# -- implementation support ---------------------------------------------------------------------------------

USE_COLUMNS = ["participant_id", "level", "support", "used", "helpfulness", "comment"]


def save_supports(record: StudyRecord, supports: Sequence[Support]) -> None:
    """Store the supports the study file lists (called by ``save_study``; the study is new or replaced)."""
    SupportRecord.objects.bulk_create(
        SupportRecord(
            study=record, slug=s.id, name=s.name, kind=s.kind, description=s.description, position=i
        )
        for i, s in enumerate(supports)
    )


def load_supports(record: StudyRecord) -> list[Support]:
    return [
        Support(id=s.slug, name=s.name, kind=s.kind, description=s.description)
        for s in SupportRecord.objects.filter(study=record)
    ]


def save_uses(record: StudyRecord, uses: pd.DataFrame) -> int:
    """Replace the study's record of support use with ``uses`` (:data:`USE_COLUMNS`; ``participant_id`` blank
    for an unnamed respondent), in one transaction. Comments are redacted first when the study asks."""
    from mindthegap.text.redaction import Redactor

    if uses is None or len(uses) == 0:
        return 0
    supports = {s.slug: s for s in SupportRecord.objects.filter(study=record)}
    people = {p.pseudonym: p for p in ParticipantRecord.all_objects.filter(study=record)}
    redactor = Redactor() if record.redact_free_text else None
    rows = []
    for i, item in enumerate(uses.to_dict(orient="records"), start=1):
        pid = _blank(item.get("participant_id"))
        if item["support"] not in supports:
            raise StoreError(f"support use names unknown support {item['support']!r}")
        if pid and pid not in people:
            raise StoreError("support use names a participant the study does not know")
        comment = _blank(item.get("comment"))
        if comment and redactor is not None:
            comment = redactor(comment).text
        rows.append(
            SupportUse(
                study=record,
                support=supports[item["support"]],
                participant=people.get(pid) if pid else None,
                respondent="" if pid else str(item.get("respondent") or f"row {i}")[:64],
                level=str(item["level"]),
                used=bool(item["used"]),
                helpfulness=_int(item.get("helpfulness")),
                comment=comment,
            )
        )
    with transaction.atomic():
        SupportUse.all_objects.filter(study=record).delete()
        SupportUse.objects.bulk_create(rows)
    return len(rows)


def _blank(value) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value).strip()


def uses_frame(record: StudyRecord) -> pd.DataFrame:
    """Support use of consenting participants and unnamed respondents (:data:`USE_COLUMNS`)."""
    rows = [
        {
            "participant_id": u.participant.pseudonym if u.participant else None,
            "level": u.level,
            "support": u.support.slug,
            "used": u.used,
            "helpfulness": u.helpfulness,
            "comment": u.comment,
        }
        for u in SupportUse.objects.filter(study=record)
        .select_related("support", "participant")
        .order_by("id")
    ]
    out = pd.DataFrame(rows, columns=USE_COLUMNS)
    out["helpfulness"] = out["helpfulness"].astype("Int64")
    return out
