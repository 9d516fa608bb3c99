"""Changing a participant's consent, and erasing a person's data on request.

Withdrawing keeps a person's data in the database, out of every output (see :mod:`mindthegap.store.withdrawal`),
so the withdrawal can be reversed or the data erased later. Erasing deletes the person and everything stored
from them, in one transaction. Both work through the unfiltered ``all_objects`` managers, because they must
reach people who have already withdrawn.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q

from mindthegap.errors import StoreError
from mindthegap.model import Participant
from mindthegap.store.audit import log as audit
from mindthegap.store.studies import models as m

#: attributes a consent update must leave as they are stored
FIXED = ("role", "level", "discipline", "service", "team")


def _everyone(record: m.StudyRecord):
    return m.ParticipantRecord.all_objects.filter(study=record)


@transaction.atomic
def set_consent(record: m.StudyRecord, pseudonyms: list[str], consent: bool) -> int:
    """Set the consent of the named participants; returns how many changed. An unknown pseudonym changes
    nothing and is refused."""
    wanted = list(dict.fromkeys(pseudonyms))
    known = set(_everyone(record).filter(pseudonym__in=wanted).values_list("pseudonym", flat=True))
    unknown = [p for p in wanted if p not in known]
    if unknown:
        raise StoreError(
            f"no participant {unknown[0]!r} in study {record.slug!r}",
            hint="check the pseudonym; nothing changed",
        )
    changed = _everyone(record).filter(pseudonym__in=wanted).exclude(consent=consent).update(consent=consent)
    audit.record(
        audit.Action.WITHDRAWN,
        study=record,
        consent=consent,
        changed=changed,
        unchanged=len(wanted) - changed,
    )
    return changed


def _stored_attributes(row: m.ParticipantRecord) -> dict[str, str | None]:
    return {
        "role": row.role,
        "level": row.level,
        "discipline": row.discipline.slug if row.discipline_id else None,
        "service": row.service.slug if row.service_id else None,
        "team": row.team.slug if row.team_id else None,
    }


@transaction.atomic
def update_participants(record: m.StudyRecord, people: list[Participant]) -> dict[str, int]:
    """Add new people and apply the given consent to people already in the study, all or nothing.

    Only consent may change for someone already stored: a different role, level, discipline, service or team is
    refused rather than silently ignored. Returns counts of people added, withdrawn, restored and unchanged.
    """
    from mindthegap.store.studies.repository import add_participants

    stored = {
        p.pseudonym: p
        for p in _everyone(record)
        .filter(pseudonym__in=[x.id for x in people])
        .select_related("discipline", "service", "team")
    }
    counts = {"added": 0, "withdrawn": 0, "restored": 0, "unchanged": 0}
    for person in people:
        row = stored.get(person.id)
        if row is None:
            continue
        given = {
            "role": person.role.value,
            "level": person.level.value,
            "discipline": person.discipline,
            "service": person.service,
            "team": person.team,
        }
        ours = _stored_attributes(row)
        for field in FIXED:
            if given[field] != ours[field]:
                raise StoreError(
                    f"participant {person.id!r} is stored with {field} {ours[field]!r}, the file says "
                    f"{given[field]!r}",
                    hint="an update changes consent only; correct the file, nothing was changed",
                )
        if row.consent == person.consent:
            counts["unchanged"] += 1
        else:
            counts["restored" if person.consent else "withdrawn"] += 1
    for consent in (True, False):
        names = [p.id for p in people if p.id in stored and p.consent is consent]
        _everyone(record).filter(pseudonym__in=names).update(consent=consent)
    counts["added"] = add_participants(record, [p for p in people if p.id not in stored])
    if counts["withdrawn"] or counts["restored"]:
        audit.record(
            audit.Action.WITHDRAWN, study=record, **{k: counts[k] for k in ("withdrawn", "restored")}
        )
    return counts


@transaction.atomic
def _linked_counts(people) -> dict[str, int]:
    """The rest of what goes with the person (by cascade), counted so the erasure says all it removed: event
    attendance and feedback, network ties they named or were named in, tie counts, Delphi ratings, support use.
    Counted through each model's base manager, which hides nothing of people who withdrew."""
    from mindthegap.store.delphi.models import Rating
    from mindthegap.store.events.models import Attendance, EventFeedback, NetworkTie, NetworkTieCount
    from mindthegap.store.synthesis.models import SupportUse

    ties = NetworkTie._base_manager.filter(Q(participant__in=people) | Q(alter__in=people))
    return {
        "event_attendance": Attendance._base_manager.filter(participant__in=people).count(),
        "event_feedback": EventFeedback._base_manager.filter(participant__in=people).count(),
        "network_ties": ties.count(),
        "network_tie_counts": NetworkTieCount._base_manager.filter(participant__in=people).count(),
        "delphi_ratings": Rating._base_manager.filter(participant__in=people).count(),
        "support_uses": SupportUse._base_manager.filter(participant__in=people).count(),
    }


def erase_participant(record: m.StudyRecord, pseudonym: str) -> dict[str, int]:
    """Delete a person and everything stored from them: ratings, survey answers, comments, qualitative sources
    with their codings and suggestions, and memos on those sources or codings. Returns what was deleted, by
    kind. A pseudonym the study knows nothing of is refused."""
    from mindthegap.store.feedback.models import Comment
    from mindthegap.store.qualitative.models import CodingRecord, MemoRecord, SourceRecord
    from mindthegap.store.surveys.models import SurveyAnswer

    people = _everyone(record).filter(pseudonym=pseudonym)
    sources = SourceRecord.all_objects.filter(study=record, participant=pseudonym)
    if not people.exists() and not sources.exists():
        raise StoreError(
            f"no participant {pseudonym!r} and no source from them in study {record.slug!r}",
            hint="check the pseudonym; nothing was erased",
        )
    codings = CodingRecord.all_objects.filter(source__in=sources)
    targets = [*sources.values_list("guid", flat=True), *codings.values_list("guid", flat=True)]
    counts = {
        "values_practice_ratings": m.ValuesPracticeRating.all_objects.filter(participant__in=people).count(),
        "survey_answers": SurveyAnswer.all_objects.filter(participant__in=people).count(),
        "comments": Comment.all_objects.filter(participant__in=people).count(),
        "sources": sources.count(),
        "codings": codings.count(),
        "memos": MemoRecord.all_objects.filter(study=record, target__in=targets).count(),
        **_linked_counts(people),
        "participants": people.count(),
    }
    MemoRecord.all_objects.filter(study=record, target__in=targets).delete()
    sources.delete()  # codings go with their sources
    people.delete()  # ratings, answers and comments go with the participant
    audit.record(audit.Action.ERASED, study=record, erased=counts)  # what, never whom
    return counts
