"""The seam between the demo/importers and the Django apps: one adapter per kind of evidence.

An adapter knows how to save its kind of evidence for a study and how to hand it back in the plain form the
analyses and report use. :func:`save_all` writes everything in one transaction: a study is stored whole or
not at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from mindthegap.model import Study
from mindthegap.store.audit import log as audit


@dataclass(frozen=True)
class EvidenceAdapter:
    kind: str
    save: Callable[[Any, Any], object]  # (StudyRecord, evidence) -> anything
    load: Callable[[Any], Any]  # (StudyRecord) -> evidence


def adapters() -> list[EvidenceAdapter]:
    from mindthegap.store.delphi import repository as delphi
    from mindthegap.store.events import repository as events
    from mindthegap.store.feedback import repository as feedback
    from mindthegap.store.organisations import repository as organisations
    from mindthegap.store.qualitative import repository as qualitative
    from mindthegap.store.studies import repository as studies
    from mindthegap.store.surveys import repository as surveys
    from mindthegap.store.synthesis import repository as synthesis

    return [
        EvidenceAdapter("values_practice", studies.save_values_practice, studies.values_practice_frame),
        EvidenceAdapter("comments", feedback.save_comments, feedback.comments_frame),
        EvidenceAdapter("qualitative", qualitative.save_projects, qualitative.load_qualitative),
        EvidenceAdapter("surveys", surveys.save_answers, surveys.answers_frame),
        # instrument definitions are stored with the answers above; this hands them to the report
        EvidenceAdapter("survey_instruments", _stored_with_answers, surveys.study_instruments),
        EvidenceAdapter("events", events.save_events, events.events_frame),
        EvidenceAdapter("event_attendance", events.save_attendance, events.attendance_frame),
        EvidenceAdapter("event_feedback", events.save_feedback, events.feedback_frame),
        EvidenceAdapter("event_notes", events.save_notes, events.notes_frame),
        EvidenceAdapter("network_ties", events.save_ties, events.ties_frame),
        EvidenceAdapter("network_tie_counts", events.save_tie_counts, events.tie_counts_frame),
        EvidenceAdapter("headcounts", events.save_headcounts, events.headcounts_frame),
        EvidenceAdapter("organisations", organisations.save_organisations, organisations.load_organisations),
        EvidenceAdapter("cfir_ratings", synthesis.save_proposals, synthesis.ratings_frame),
        EvidenceAdapter("support_use", synthesis.save_uses, synthesis.uses_frame),
        EvidenceAdapter("delphi", delphi.save_delphi, delphi.delphi_frames),
        # further evidence kinds are added here
    ]


def _stored_with_answers(record, evidence) -> None:
    """Nothing to save: survey answers carry their instruments' definitions."""


def save_all(study: Study, evidence: dict[str, Any], *, replace: bool = False, progress=None) -> None:
    """Store the study and every kind of evidence it carries, atomically."""
    from mindthegap.store.studies.repository import save_study

    with transaction.atomic():
        record = save_study(study, replace=replace)
        for adapter in adapters():
            if adapter.kind in evidence:
                adapter.save(record, evidence[adapter.kind])
                if progress:
                    progress(adapter.kind)
        kinds = [a.kind for a in adapters() if a.kind in evidence]
        if kinds:
            audit.record(audit.Action.IMPORTED, study=record, what="evidence", kinds=kinds)


def load_all(study_id: str) -> tuple[Study, dict[str, Any]]:
    from mindthegap.store.studies.repository import get_record, load_study, participants_frame

    record = get_record(study_id)
    study = load_study(study_id)
    evidence: dict[str, Any] = {"participants": participants_frame(record)}
    for adapter in adapters():
        evidence[adapter.kind] = adapter.load(record)
    return study, evidence
