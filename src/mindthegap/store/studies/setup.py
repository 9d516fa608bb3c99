"""Changing a stored study's definition (the web app's setup pages, or an edited study file).

The new definition arrives as a plain :class:`~mindthegap.model.Study`, already checked by the same rules as a
study file (:func:`mindthegap.io.study_files.study_from_mapping`). Applying it adds what is new, renames and
reorders what is kept, and removes what is gone — unless something is stored against it (a service people
belong to, a wave with answers, a principle with ratings): such a removal is refused and nothing changes,
because the database would otherwise delete those data with it. The study's id never changes. Every change is
written to the audit log as one event listing what changed.
"""

from __future__ import annotations

from django.db import models, transaction
from django.db.models import ProtectedError

from mindthegap.errors import StoreError
from mindthegap.model import Study
from mindthegap.store.audit import log as audit
from mindthegap.store.studies import models as m


def _in_use(obj: models.Model, *, besides: tuple = ()) -> bool:
    """Whether any row (withdrawn people's included) points at ``obj``, other than rows of ``besides``."""
    for rel in obj._meta.related_objects:
        if rel.related_model in besides or not (rel.one_to_many or rel.one_to_one):
            continue
        if rel.related_model._base_manager.filter(**{rel.field.name: obj}).exists():
            return True
    return False


def _sync(rows: dict, wanted: dict, kind: str, changes: list[str], create, update, *, besides=()) -> None:
    """Bring the stored ``rows`` (by slug) to ``wanted`` (by id): create, update in place, or delete."""
    for slug, row in rows.items():
        if slug not in wanted:
            if _in_use(row, besides=besides):
                raise StoreError(
                    f"{kind} {slug!r} cannot be removed: data are stored against it",
                    hint="keep it (rename it if its name is wrong); nothing was changed",
                )
            row.delete()
            changes.append(f"{kind} {slug} removed")
    for ident, item in wanted.items():
        if ident in rows:
            if update(rows[ident], item):
                changes.append(f"{kind} {ident} changed")
        else:
            create(item)
            changes.append(f"{kind} {ident} added")


def _set(row: models.Model, **values) -> bool:
    changed = {k: v for k, v in values.items() if getattr(row, k) != v}
    for key, value in changed.items():
        setattr(row, key, value)
    if changed:
        row.save(update_fields=list(changed))
    return bool(changed)


@transaction.atomic
def apply_definition(record: m.StudyRecord, study: Study) -> list[str]:
    """Make ``record``'s definition equal to ``study``'s; returns the changes (also in the audit log)."""
    if study.id != record.slug:
        raise StoreError(
            f"the definition is for study {study.id!r}, not {record.slug!r}", hint="ids never change"
        )
    changes: list[str] = []
    try:
        _apply(record, study, changes)
    except ProtectedError:
        raise StoreError(
            "that change would remove a service, team or discipline that participants belong to",
            hint="keep it (rename it if its name is wrong); nothing was changed",
        ) from None
    if changes:
        audit.record(audit.Action.STUDY_EDITED, study=record, changes=changes,
                     min_n=record.min_n, redact_free_text=record.redact_free_text)  # fmt: skip
    return changes


def _apply(record: m.StudyRecord, study: Study, changes: list[str]) -> None:
    if _set(record, name=study.name, description=study.description, min_n=study.privacy.min_n,
            redact_free_text=study.privacy.redact_free_text):  # fmt: skip
        changes.append("settings changed")
    _sync_structure(record, study, changes)
    _sync_policies(record, study, changes)
    _sync_supports(record, study, changes)


def _sync_supports(record: m.StudyRecord, study: Study, changes: list[str]) -> None:
    from mindthegap.store.synthesis.models import SupportRecord

    wanted = {s.id: (i, s) for i, s in enumerate(study.supports)}
    _sync({s.slug: s for s in SupportRecord.objects.filter(study=record)}, wanted, "support", changes,
          lambda item: SupportRecord.objects.create(study=record, slug=item[1].id, name=item[1].name,
                                                    kind=item[1].kind, description=item[1].description,
                                                    position=item[0]),
          lambda row, item: _set(row, name=item[1].name, kind=item[1].kind, description=item[1].description,
                                 position=item[0]))  # fmt: skip


def _sync_structure(record: m.StudyRecord, study: Study, changes: list[str]) -> None:
    services = {s.slug: s for s in record.services.all()}
    _sync(services, {s.id: s for s in study.services}, "service", changes,
          lambda s: m.ServiceRecord.objects.create(study=record, slug=s.id, name=s.name),
          lambda row, s: _set(row, name=s.name), besides=(m.TeamRecord,))  # fmt: skip
    services = {s.slug: s for s in record.services.all()}
    teams = {t.slug: t for t in m.TeamRecord.objects.filter(service__study=record)}
    _sync(teams, {t.id: t for t in study.teams}, "team", changes,
          lambda t: m.TeamRecord.objects.create(service=services[t.service_id], slug=t.id, name=t.name),
          lambda row, t: _set(row, name=t.name, service=services[t.service_id]))  # fmt: skip
    _sync({d.slug: d for d in record.disciplines.all()}, {d.id: d for d in study.disciplines}, "discipline",
          changes, lambda d: m.DisciplineRecord.objects.create(study=record, slug=d.id, name=d.name),
          lambda row, d: _set(row, name=d.name))  # fmt: skip
    _sync({w.slug: w for w in record.waves.all()}, {w.id: w for w in study.waves}, "wave", changes,
          lambda w: m.WaveRecord.objects.create(study=record, slug=w.id, name=w.name, order=w.order),
          lambda row, w: _set(row, name=w.name, order=w.order))  # fmt: skip


def _sync_policies(record: m.StudyRecord, study: Study, changes: list[str]) -> None:
    stored = {p.slug: p for p in record.policies.all()}
    for slug, row in stored.items():
        if slug not in {p.id for p in study.policies}:
            for principle in row.principles.all():
                if _in_use(principle):
                    raise StoreError(f"policy {slug!r} cannot be removed: its principles have ratings",
                                     hint="keep it; nothing was changed")  # fmt: skip
            row.delete()
            changes.append(f"policy {slug} removed")
    for policy in study.policies:
        row = stored.get(policy.id)
        if row is None:
            row = m.PolicyRecord.objects.create(study=record, slug=policy.id, title=policy.title,
                                                source=policy.source, levers=list(policy.levers))  # fmt: skip
            changes.append(f"policy {policy.id} added")
        elif _set(row, title=policy.title, source=policy.source, levers=list(policy.levers)):
            changes.append(f"policy {policy.id} changed")
        wanted = {pr.id: (i, pr) for i, pr in enumerate(policy.principles)}
        _sync({pr.slug: pr for pr in row.principles.all()}, wanted, "principle", changes,
              lambda item, row=row: m.PrincipleRecord.objects.create(
                  policy=row, slug=item[1].id, name=item[1].name, description=item[1].description,
                  position=item[0]),
              lambda stored_row, item: _set(stored_row, name=item[1].name, description=item[1].description,
                                            position=item[0]))  # fmt: skip
