"""Which rows belong to a study: every model of mindthegap's apps that reaches the study through foreign keys.

Found from the models themselves (a breadth-first walk over foreign keys to ``StudyRecord``), so an evidence
app added later is backed up without a change here. Accounts, study access (it names accounts, which belong
to the server, not the study), the audit log (kept whole with the database) and the sign-in throttle are left
out.
"""

from __future__ import annotations

from django.apps import apps
from django.db import models

from mindthegap.store.studies.models import StudyRecord

EXCLUDED = {"studies.studyaccess", "audit.auditevent", "web.signinthrottle"}


def label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def _our_models() -> list[type[models.Model]]:
    return [
        model
        for cfg in apps.get_app_configs()
        if cfg.name.startswith("mindthegap.")
        for model in cfg.get_models()
        if label(model) not in EXCLUDED
    ]


def foreign_keys(model) -> list[models.ForeignKey]:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.ForeignKey)]


def study_lookups() -> dict[type[models.Model], str]:
    """Each study model, with the ORM lookup from it to its study ("" for StudyRecord itself).

    Paths through required foreign keys are preferred: a path through an optional one would miss the rows
    where it is empty."""
    lookups: dict[type[models.Model], str] = {StudyRecord: ""}
    pending = [m for m in _our_models() if m is not StudyRecord]
    for allow_null in (False, True):
        progress = True
        while progress:
            progress = False
            for model in list(pending):
                path = _path(model, lookups, allow_null)
                if path is not None:
                    lookups[model] = path
                    pending.remove(model)
                    progress = True
    return lookups


def _path(model, known: dict, allow_null: bool) -> str | None:
    for field in foreign_keys(model):
        target = field.related_model
        if target is model or target not in known or (field.null and not allow_null):
            continue
        return field.name if target is StudyRecord else f"{field.name}__{known[target]}"
    return None


def rows_of(model, record: StudyRecord):
    """The study's rows of ``model``, withdrawn participants' included (the base manager filters nothing)."""
    lookup = study_lookups()[model]
    rows = model._base_manager.all()
    return rows.filter(pk=record.pk) if not lookup else rows.filter(**{lookup: record}).distinct()


def insertion_order(chosen: list[type[models.Model]]) -> list[type[models.Model]]:
    """``chosen`` ordered so that every model comes after the models its foreign keys point at."""
    order: list[type[models.Model]] = []
    remaining = list(chosen)
    while remaining:
        for model in remaining:
            needs = {f.related_model for f in foreign_keys(model)} - {model}
            if not (needs & set(remaining)):
                order.append(model)
                remaining.remove(model)
                break
        else:  # pragma: no cover - a cycle between two models; none exists today
            raise RuntimeError(f"foreign keys form a cycle among {[label(m) for m in remaining]}")
    return order


def self_references(model) -> list[models.ForeignKey]:
    return [f for f in foreign_keys(model) if f.related_model is model]


def study_foreign_keys(model, included: set) -> list[models.ForeignKey]:
    """Foreign keys to other backed-up models (their ids are remapped on restore)."""
    return [f for f in foreign_keys(model) if f.related_model in included and f.related_model is not model]
