"""Codebook edits from the workspace that the qualitative store has no function for: adding a code, and its
description with inclusion and exclusion rules. Each edit is a :class:`CodeEvent` (the codebook's history) and
an audit event; renames, moves, merges and splits use :mod:`mindthegap.store.qualitative.repository`."""

from __future__ import annotations

from django.db import transaction

from mindthegap.errors import StoreError
from mindthegap.model.qualitative import new_guid
from mindthegap.store.audit import log as audit
from mindthegap.store.coding.models import CodeGuidance
from mindthegap.store.qualitative import models as q
from mindthegap.store.studies.models import StudyRecord

MAX_NAME = 300


def _name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise StoreError("a code needs a name")
    if len(name) > MAX_NAME:
        raise StoreError(f"a code's name is at most {MAX_NAME} characters")
    return name


def add_code(study: StudyRecord, name: str, parent: str | None = None) -> q.CodeRecord:
    """A new code at the top level or under ``parent`` (a guid)."""
    name = _name(name)
    above = q.CodeRecord.objects.filter(study=study, guid=parent, active=True).first() if parent else None
    if parent and above is None:
        raise StoreError("the parent code is not in this codebook")
    with transaction.atomic():
        code = q.CodeRecord.objects.create(study=study, guid=new_guid(), name=name, parent=above)
        q.CodeEvent.objects.create(code=code, action="add", details={"name": name, "parent": parent})
        audit.record(audit.Action.EDITED, study=study, obj=("code", code.guid), change="add")
    return code


def describe_code(study: StudyRecord, guid: str, description: str, inclusion: str, exclusion: str) -> None:
    """Set a code's description and its inclusion and exclusion rules (the old ones kept in the history)."""
    code = q.CodeRecord.objects.filter(study=study, guid=guid).first()
    if code is None:
        raise StoreError("no such code in this codebook")
    guidance, _ = CodeGuidance.objects.get_or_create(code=code)
    before = {
        "description": code.description,
        "inclusion": guidance.inclusion,
        "exclusion": guidance.exclusion,
    }
    after = {
        "description": description.strip(),
        "inclusion": inclusion.strip(),
        "exclusion": exclusion.strip(),
    }
    if before == after:
        return
    with transaction.atomic():
        q.CodeEvent.objects.create(code=code, action="describe", details={"old": before, "new": after})
        code.description = after["description"]
        code.save(update_fields=["description"])
        guidance.inclusion, guidance.exclusion = after["inclusion"], after["exclusion"]
        guidance.save(update_fields=["inclusion", "exclusion"])
        audit.record(audit.Action.EDITED, study=study, obj=("code", guid), change="describe")
