"""Respondents' sessions: start, save a page, submit once; and the invitations behind personal links.

Every write runs in a transaction. Submitting sets ``submitted_at`` by an update that only succeeds while it
is empty, inside the transaction that writes the answers, after locking the session row: whatever arrives
twice (a retried POST, the back button, a second tab), only one submission stores anything.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping
from functools import lru_cache

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from mindthegap.errors import StoreError
from mindthegap.frameworks.instruments import Instrument, parse_instrument
from mindthegap.model.pseudonyms import pseudonym_problem
from mindthegap.store.collection import tokens
from mindthegap.store.collection.models import Invitation, ResponseSession, Survey
from mindthegap.store.collection.pages import stored_value
from mindthegap.store.studies.models import ParticipantRecord, PrincipleRecord, ValuesPracticeRating
from mindthegap.store.surveys.models import SurveyAnswer


class RateLimited(Exception):
    """Too many open-link sessions from one address within the hour."""


def instrument_of(survey: Survey) -> Instrument:
    """The instrument exactly as the study stored it (its definition is frozen with the study)."""
    return _parse(survey.instrument_id, _definition_key(survey))


def _definition_key(survey: Survey):
    import json

    return json.dumps(survey.instrument.structure["definition"], sort_keys=True)


@lru_cache(maxsize=64)
def _parse(record_id: int, definition: str) -> Instrument:
    import json

    return parse_instrument(json.loads(definition), f"survey instrument {record_id}")


def find_invitation(token: str) -> Invitation | None:
    """The invitation a personal link's token belongs to, or None for a malformed, tampered or unknown token.

    Its survey, study, participant and session come in the same query (every respondent's page needs them)."""
    if not tokens.well_formed(token):
        return None
    related = ("survey__study", "survey__instrument", "survey__wave", "participant", "session")
    return Invitation.objects.select_related(*related).filter(token_hash=tokens.token_hash(token)).first()


def session_for_invitation(invitation: Invitation) -> ResponseSession | None:
    try:
        return invitation.session
    except ResponseSession.DoesNotExist:
        return None


def start_personal(invitation: Invitation) -> ResponseSession:
    """The invitation's session, made when its respondent first consents (at most one per invitation: two tabs
    consenting at once wait for each other's lock, and the one-to-one constraint is the last guard)."""
    try:
        with transaction.atomic():
            Invitation.objects.select_for_update().filter(pk=invitation.pk).first()
            found = ResponseSession.objects.filter(invitation=invitation).first()
            if found is not None:
                return found
            return ResponseSession.objects.create(
                survey=invitation.survey, invitation=invitation, key=tokens.new_key(),
                participant=invitation.participant,
            )  # fmt: skip
    except IntegrityError:
        return ResponseSession.objects.get(invitation=invitation)


def start_open(survey: Survey, address: str, *, now: dt.datetime | None = None) -> ResponseSession:
    """A new anonymous session on an open link, unless this address started too many within the hour."""
    now = now or timezone.now()
    client = tokens.client_key(address)
    limit = getattr(settings, "COLLECT_OPEN_STARTS_PER_HOUR", 200)
    recent = ResponseSession.objects.filter(
        survey=survey, client=client, started_at__gte=now - dt.timedelta(hours=1)
    )
    if recent.count() >= limit:
        raise RateLimited
    return ResponseSession.objects.create(survey=survey, key=tokens.new_key(), client=client, started_at=now)


def save_page(session: ResponseSession, answers: Mapping[str, str | None], page: int, easy_read=None) -> None:
    """Merge one page's answers into the saved ones (two tabs saving different pages both keep theirs)."""
    with transaction.atomic():
        row = ResponseSession.objects.select_for_update().get(pk=session.pk)
        if row.submitted_at is not None:
            return
        merged = dict(row.answers)
        for item, value in answers.items():
            if value is None:
                merged.pop(item, None)
            else:
                merged[item] = value
        fields = {"answers": merged, "page": max(row.page, page), "updated_at": timezone.now()}
        if easy_read is not None:
            fields["easy_read"] = easy_read
        ResponseSession.objects.filter(pk=row.pk).update(**fields)
        session.answers, session.page = merged, fields["page"]


def submit(session: ResponseSession) -> bool:
    """Store the session's answers in the study; False (and nothing stored) if it was submitted already."""
    survey = session.survey
    instrument = instrument_of(survey)
    with transaction.atomic():
        row = ResponseSession.objects.select_for_update().get(pk=session.pk)
        now = timezone.now()
        if row.submitted_at is not None:
            return False
        if not ResponseSession.objects.filter(pk=row.pk, submitted_at__isnull=True).update(
            submitted_at=now, updated_at=now
        ):
            return False
        participant = row.participant or _new_participant(survey)
        if row.participant_id is None:
            ResponseSession.objects.filter(pk=row.pk).update(participant=participant)
        _store(survey, instrument, participant, row.answers)
    session.submitted_at = now
    return True


def _new_participant(survey: Survey) -> ParticipantRecord:
    """A pseudonymous participant for an open link's respondent, grouped as the survey says."""
    while True:
        pseudonym = f"web-{secrets.token_urlsafe(8).replace('_', 'x').replace('-', 'y')}"
        if (
            pseudonym_problem(pseudonym) is None
            and not ParticipantRecord.all_objects.filter(
                study_id=survey.study_id, pseudonym=pseudonym
            ).exists()
        ):
            break
    return ParticipantRecord.all_objects.create(
        study_id=survey.study_id, pseudonym=pseudonym, role=survey.open_role, level=survey.open_level,
        service_id=survey.open_service_id, discipline_id=survey.open_discipline_id,
    )  # fmt: skip


def _store(survey: Survey, instrument: Instrument, participant, answers: Mapping[str, str]) -> None:
    redactor = None
    if survey.study.redact_free_text:
        from mindthegap.redaction import Redactor

        redactor = Redactor()
    wave = survey.wave.slug if survey.wave_id else ""
    rows = []
    for item in instrument.items:
        if item.id not in answers:
            continue
        code, text = stored_value(instrument, item, answers[item.id])
        if text and redactor is not None:
            text = redactor(text).text
        rows.append(SurveyAnswer(instrument_id=survey.instrument_id, participant=participant, wave=wave,
                                 item=item.id, code=code, text=text))  # fmt: skip
    SurveyAnswer.all_objects.bulk_create(rows)
    if instrument.id == "values_practice" and survey.wave_id:
        _store_values_practice(survey, instrument, participant, answers)


def _store_values_practice(survey, instrument: Instrument, participant, answers: Mapping[str, str]) -> None:
    principles = dict(PrincipleRecord.objects.filter(policy__study=survey.study).values_list("slug", "id"))
    rows = []
    for slug, pk in principles.items():
        value = stored_value(instrument, instrument.item(f"{slug}_value"), answers.get(f"{slug}_value", ""))[
            0
        ]
        practice = answers.get(f"{slug}_practice", "")
        practice = stored_value(instrument, instrument.item(f"{slug}_practice"), practice)[0]
        if value is None and practice is None:
            continue
        rows.append(ValuesPracticeRating(participant=participant, wave_id=survey.wave_id, principle_id=pk,
                                         value=None if value is None else int(value),
                                         practice=None if practice is None else int(practice)))  # fmt: skip
    ValuesPracticeRating.all_objects.bulk_create(rows)


def invitation_token(invitation: Invitation) -> str:
    return tokens.personal_token(invitation.survey_id, invitation.participant_id, invitation.nonce)


@transaction.atomic
def invite(survey: Survey, pseudonyms: list[str] | None = None) -> list[tuple[str, str]]:
    """(participant id, token) for each consenting participant of the study (or those named), inviting those
    not yet invited. The same participant always gets the same token, so the list can be exported again."""
    if survey.mode != Survey.Mode.PERSONAL:
        raise StoreError(f"survey {survey.slug!r} uses an open link, not personal links")
    people = ParticipantRecord.objects.filter(study=survey.study)
    if pseudonyms is not None:
        people = people.filter(pseudonym__in=pseudonyms)
        unknown = sorted(set(pseudonyms) - set(people.values_list("pseudonym", flat=True)))
        if unknown:
            raise StoreError(f"participant {unknown[0]!r} is not a consenting participant of the study")
    have = set(Invitation.objects.filter(survey=survey).values_list("participant_id", flat=True))
    new = []
    for person in people.exclude(pk__in=have):
        nonce = tokens.new_nonce()
        token = tokens.personal_token(survey.pk, person.pk, nonce)
        new.append(
            Invitation(survey=survey, participant=person, nonce=nonce, token_hash=tokens.token_hash(token))
        )
    Invitation.objects.bulk_create(new)
    rows = Invitation.objects.filter(survey=survey, participant__in=people, revoked=False)
    rows = rows.select_related("participant").order_by("participant__pseudonym")
    return [(inv.participant.pseudonym, invitation_token(inv)) for inv in rows]


def not_answered(survey: Survey) -> list[tuple[str, str]]:
    """(participant id, token) for invited, consenting participants who have not submitted: the reminders list."""
    rows = Invitation.objects.filter(survey=survey, revoked=False, participant__consent=True)
    rows = rows.exclude(session__submitted_at__isnull=False).select_related("participant")
    return [
        (inv.participant.pseudonym, invitation_token(inv)) for inv in rows.order_by("participant__pseudonym")
    ]
