"""Saving a plain :class:`~mindthegap.model.Study` and reading it back, and the values–practice frame.

All writes run inside ``transaction.atomic`` at the caller (see :func:`mindthegap.store.evidence.save_all`)
or here, so a failed import leaves the database as it was.
"""

from __future__ import annotations

import pandas as pd
from django.db import transaction

from mindthegap.errors import StoreError
from mindthegap.model import (
    Discipline,
    Level,
    Participant,
    Policy,
    Principle,
    Role,
    Service,
    Study,
    Team,
    Wave,
)
from mindthegap.model.pseudonyms import PSEUDONYM_HINT, check_pseudonym
from mindthegap.privacy import PrivacySettings
from mindthegap.store.audit import log as audit
from mindthegap.store.frames import values_frame
from mindthegap.store.studies import models as m

BATCH = 5000

VP_COLUMNS = ["participant_id", "wave", "principle", "value", "practice"]


@transaction.atomic
def save_study(study: Study, *, replace: bool = False) -> m.StudyRecord:
    """Store a study's structure and participants. With ``replace``, an existing study of that id is deleted first."""
    try:
        study.validate()
    except ValueError as exc:
        raise StoreError(f"study {study.id!r} is not consistent: {exc}") from None
    existing = m.StudyRecord.objects.filter(slug=study.id)
    existing_before = existing.exists()
    if existing_before:
        if not replace:
            raise StoreError(
                f"a study with id {study.id!r} already exists", hint="choose another id or replace it"
            )
        delete_study(study.id)
    record = m.StudyRecord.objects.create(
        slug=study.id,
        name=study.name,
        description=study.description,
        min_n=study.privacy.min_n,
        redact_free_text=study.privacy.redact_free_text,
    )
    for policy in study.policies:
        p = m.PolicyRecord.objects.create(
            study=record, slug=policy.id, title=policy.title, source=policy.source, levers=list(policy.levers)
        )
        m.PrincipleRecord.objects.bulk_create(
            m.PrincipleRecord(policy=p, slug=pr.id, name=pr.name, description=pr.description, position=i)
            for i, pr in enumerate(policy.principles)
        )
    services = {
        s.id: m.ServiceRecord.objects.create(study=record, slug=s.id, name=s.name) for s in study.services
    }
    for t in study.teams:
        m.TeamRecord.objects.create(service=services[t.service_id], slug=t.id, name=t.name)
    for d in study.disciplines:
        m.DisciplineRecord.objects.create(study=record, slug=d.id, name=d.name)
    m.WaveRecord.objects.bulk_create(
        m.WaveRecord(study=record, slug=w.id, name=w.name, order=w.order) for w in study.waves
    )
    add_participants(record, study.participants)
    from mindthegap.store.synthesis.repository import save_supports

    save_supports(record, study.supports)
    audit.record(
        audit.Action.STUDY_CREATED,
        study=record,
        participants=len(study.participants),
        principles=len(study.principles),
        replaced=bool(replace and existing_before),
    )
    return record


@transaction.atomic
def add_participants(record: m.StudyRecord, people: list[Participant]) -> int:
    """Add participants to a stored study; a pseudonym already in the study, or one that is not pseudonymous
    (an e-mail address, a phone number, a name, longer than the store holds), is refused and nothing is added."""
    for p in people:
        try:
            check_pseudonym(p.id)
        except ValueError as exc:
            raise StoreError(str(exc), hint=PSEUDONYM_HINT) from None
    existing = set(
        m.ParticipantRecord.all_objects.filter(
            study=record, pseudonym__in=[p.id for p in people]
        ).values_list("pseudonym", flat=True)
    )
    if existing:
        raise StoreError(
            f"participant {sorted(existing)[0]!r} is already in study {record.slug!r}",
            hint="remove repeated people from the file",
        )
    services = {s.slug: s for s in record.services.all()}
    teams = {t.slug: t for t in m.TeamRecord.objects.filter(service__study=record)}
    disciplines = {d.slug: d for d in record.disciplines.all()}
    for p in people:
        for value, known, what in (
            (p.service, services, "service"),
            (p.team, teams, "team"),
            (p.discipline, disciplines, "discipline"),
        ):
            if value is not None and value not in known:
                raise StoreError(f"participant {p.id!r} names unknown {what} {value!r}")
    created = m.ParticipantRecord.objects.bulk_create(
        (
            m.ParticipantRecord(
                study=record,
                pseudonym=p.id,
                role=p.role.value,
                level=p.level.value,
                discipline=disciplines.get(p.discipline) if p.discipline else None,
                service=services.get(p.service) if p.service else None,
                team=teams.get(p.team) if p.team else None,
                consent=p.consent,
            )
            for p in people
        ),
        batch_size=BATCH,
    )
    if created:
        audit.record(audit.Action.IMPORTED, study=record, what="participants", participants=len(created))
    return len(created)


@transaction.atomic
def delete_study(study_id: str) -> None:
    """Delete a study and everything in it. Participants go first: services and disciplines protect them."""
    m.ParticipantRecord.all_objects.filter(study__slug=study_id).delete()
    deleted, _ = m.StudyRecord.objects.filter(slug=study_id).delete()
    if deleted:
        audit.record(audit.Action.STUDY_DELETED, study=study_id)


def get_record(study_id: str) -> m.StudyRecord:
    try:
        return m.StudyRecord.objects.get(slug=study_id)
    except m.StudyRecord.DoesNotExist:
        known = ", ".join(m.StudyRecord.objects.values_list("slug", flat=True)[:10]) or "none"
        raise StoreError(f"no study with id {study_id!r} in this database (studies: {known})") from None


def studies_overview() -> list[dict]:
    """Every study, by id: name, consenting participants, withdrawn participants and threshold."""
    return [
        {
            "id": record.slug,
            "name": record.name,
            "participants": record.participants.count(),
            "withdrawn": m.ParticipantRecord.all_objects.filter(study=record, consent=False).count(),
            "min_n": record.min_n,
        }
        for record in m.StudyRecord.objects.order_by("slug")
    ]


def load_study(study_id: str, *, include_withdrawn: bool = False) -> Study:
    """The stored study with its consenting participants; ``include_withdrawn`` adds those who withdrew
    (for matching new data to people, never for an output)."""
    record = get_record(study_id)
    people = m.ParticipantRecord.all_objects if include_withdrawn else m.ParticipantRecord.objects
    policies = []
    for p in record.policies.order_by("id"):
        principles = tuple(
            Principle(id=pr.slug, name=pr.name, description=pr.description) for pr in p.principles.all()
        )
        policies.append(
            Policy(id=p.slug, title=p.title, principles=principles, source=p.source, levers=tuple(p.levers))
        )
    services = list(record.services.order_by("id"))
    teams = m.TeamRecord.objects.filter(service__study=record).select_related("service").order_by("id")
    participants = (
        people.filter(study=record)
        .select_related("discipline", "service", "team")
        .order_by("id")
        .iterator(chunk_size=BATCH)
    )
    return Study(
        id=record.slug,
        name=record.name,
        description=record.description,
        policies=policies,
        services=[Service(id=s.slug, name=s.name) for s in services],
        teams=[Team(id=t.slug, name=t.name, service_id=t.service.slug) for t in teams],
        disciplines=[Discipline(id=d.slug, name=d.name) for d in record.disciplines.order_by("id")],
        waves=[Wave(id=w.slug, name=w.name, order=w.order) for w in record.waves.all()],
        supports=_supports(record),
        participants=[
            Participant(
                id=p.pseudonym,
                role=Role(p.role),
                level=Level(p.level),
                discipline=p.discipline.slug if p.discipline else None,
                service=p.service.slug if p.service else None,
                team=p.team.slug if p.team else None,
                consent=p.consent,
            )
            for p in participants
        ],
        privacy=PrivacySettings(min_n=record.min_n, redact_free_text=record.redact_free_text),
    )


@transaction.atomic
def save_values_practice(record: m.StudyRecord, ratings: pd.DataFrame) -> int:
    """Store values–practice ratings (columns :data:`VP_COLUMNS`); returns the number of rows written."""
    missing = [c for c in VP_COLUMNS if c not in ratings.columns]
    if missing:
        raise StoreError(f"values–practice ratings lack column(s): {', '.join(missing)}")
    # withdrawn people's ratings are kept (and left out of every output), so they are matched too
    participants = dict(m.ParticipantRecord.all_objects.filter(study=record).values_list("pseudonym", "id"))
    waves = dict(record.waves.values_list("slug", "id"))
    principles = dict(m.PrincipleRecord.objects.filter(policy__study=record).values_list("slug", "id"))
    for col, known, what in (
        ("participant_id", participants, "participant"),
        ("wave", waves, "wave"),
        ("principle", principles, "principle"),
    ):
        unknown = sorted(set(ratings[col].astype(str)) - set(known))
        if unknown:
            raise StoreError(f"values–practice ratings name unknown {what} {unknown[0]!r}")
    already = m.ValuesPracticeRating.all_objects.filter(participant__study=record)
    if already.exists():
        keys = set(already.values_list("participant__pseudonym", "wave__slug", "principle__slug"))
        clash = next(
            (k for k in ratings[VP_COLUMNS[:3]].astype(str).itertuples(index=False, name=None) if k in keys),
            None,
        )
        if clash:
            raise StoreError(
                f"participant {clash[0]!r} already has a {clash[2]!r} rating in wave {clash[1]!r}",
                hint="each participant rates each principle once per wave",
            )
    rows = (
        m.ValuesPracticeRating(
            participant_id=participants[str(pid)],
            wave_id=waves[str(w)],
            principle_id=principles[str(pr)],
            value=None if pd.isna(v) else int(v),
            practice=None if pd.isna(pc) else int(pc),
        )
        for pid, w, pr, v, pc in ratings[VP_COLUMNS].itertuples(index=False, name=None)
    )
    created = m.ValuesPracticeRating.objects.bulk_create(rows, batch_size=BATCH)
    return len(created)


def participants_frame(record: m.StudyRecord) -> pd.DataFrame:
    """One row per consenting participant: id, role, level, discipline, service, team (ids)."""
    fields = ("pseudonym", "role", "level", "discipline__slug", "service__slug", "team__slug")
    columns = ["participant_id", "role", "level", "discipline", "service", "team"]
    return values_frame(record.participants.filter(consent=True), fields, columns)


def values_practice_frame(record: m.StudyRecord) -> pd.DataFrame:
    """Ratings joined to participant attributes, consenting participants only, ready for the gap analysis."""
    rows = m.ValuesPracticeRating.objects.filter(participant__study=record, participant__consent=True)
    fields = (
        "participant__pseudonym", "wave__slug", "principle__slug", "value", "practice", "participant__role",
        "participant__level", "participant__discipline__slug", "participant__service__slug",
        "participant__team__slug",
    )  # fmt: skip
    columns = [*VP_COLUMNS, "role", "level", "discipline", "service", "team"]
    frame = values_frame(rows, fields, columns, chunk_size=BATCH)
    frame["value"] = frame["value"].astype("Float64")
    frame["practice"] = frame["practice"].astype("Float64")
    return frame


def _supports(record: m.StudyRecord) -> list:
    from mindthegap.store.synthesis.repository import load_supports

    return load_supports(record)
