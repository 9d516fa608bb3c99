"""Putting an instrument to respondents: creating a survey for a study."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from mindthegap.errors import InputError, StoreError
from mindthegap.model import Level, Role
from mindthegap.store.collection import tokens
from mindthegap.store.collection.models import Survey
from mindthegap.store.studies.models import StudyRecord


@transaction.atomic
def create_survey(
    record: StudyRecord,
    *,
    slug: str,
    instrument: str,
    consent_text: str,
    title: str = "",
    wave: str | None = None,
    mode: str = Survey.Mode.PERSONAL,
    opens_at: dt.datetime | None = None,
    closes_at: dt.datetime | None = None,
    open_role: str = Role.OTHER.value,
    open_level: str = Level.LOCAL_FRONTLINE.value,
    open_service: str | None = None,
    open_discipline: str | None = None,
) -> Survey:
    """A survey of ``instrument`` (a shipped id, ``values_practice`` or a YAML path) in ``wave`` of the study.

    The instrument's structure is stored with the study at once, so its answers are scored as they were asked.
    """
    from mindthegap.store.surveys.importing import load_study_instrument
    from mindthegap.store.surveys.repository import instrument_record

    if slug == "new":  # the address of the page that creates surveys
        raise InputError("a survey cannot be called 'new'", hint="choose another id")
    if Survey.objects.filter(study=record, slug=slug).exists():
        raise StoreError(f"study {record.slug!r} already has a survey {slug!r}", hint="choose another id")
    if mode not in Survey.Mode.values:
        raise InputError(f"mode {mode!r} is neither 'open' nor 'personal'")
    if not consent_text.strip():
        raise InputError(
            "the consent text is empty", hint="write what respondents agree to before they start"
        )
    ins = load_study_instrument(record, instrument)
    wave_row = _one(record.waves, wave, "wave")
    if ins.id == "values_practice" and wave_row is None:
        raise InputError("a values–practice survey needs a wave", hint=f"give one of {_slugs(record.waves)}")
    if opens_at and closes_at and closes_at <= opens_at:
        raise InputError("the survey closes before it opens", hint="check the opening and closing dates")
    return Survey.objects.create(
        study=record, slug=slug, title=title or ins.name, instrument=instrument_record(record, ins),
        wave=wave_row, mode=mode, consent_text=consent_text.strip(), public_key=tokens.new_key(),
        closes_at=closes_at, open_role=Role(open_role).value, open_level=Level.parse(open_level).value,
        open_service=_one(record.services, open_service, "service"),
        open_discipline=_one(record.disciplines, open_discipline, "discipline"),
        **({"opens_at": opens_at} if opens_at else {}),
    )  # fmt: skip


def _slugs(manager) -> str:
    return ", ".join(manager.values_list("slug", flat=True)) or "none"


def _one(manager, slug: str | None, what: str):
    if not slug:
        return None
    found = manager.filter(slug=slug).first()
    if found is None:
        raise InputError(f"the study has no {what} {slug!r}", hint=f"{what}s: {_slugs(manager)}")
    return found


def find_survey(study_id: str, slug: str) -> Survey:
    """The study's survey called ``slug``, or a one-line error saying how to create it."""
    from mindthegap.store.studies.repository import get_record

    found = Survey.objects.filter(study=get_record(study_id), slug=slug).first()
    if found is None:
        raise StoreError(f"study {study_id!r} has no survey {slug!r}", hint="see mindthegap collect create")
    return found
