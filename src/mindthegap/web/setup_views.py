"""A study's setup in the browser, for its owners: settings, services, disciplines, waves, principles, the
whole definition as a study file (download, edit, upload), and the participant roster.

Every change goes through the study file's own reader (:func:`~mindthegap.io.study_files.study_from_mapping`)
and :func:`~mindthegap.store.studies.setup.apply_definition`, so the browser accepts exactly what a study file
may say, and every change is in the audit log.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from mindthegap.errors import InputError, MindTheGapError
from mindthegap.store.studies.models import StudyAccess
from mindthegap.web import setup_forms as f
from mindthegap.web.access import study_for

OWNER = StudyAccess.Role.OWNER


def _definition(slug: str):
    from mindthegap.store.studies.repository import load_study

    return load_study(slug)


def _apply(record, mapping: dict) -> list[str]:
    from mindthegap.io.study_files import study_from_mapping
    from mindthegap.store.studies.setup import apply_definition

    return apply_definition(record, study_from_mapping(mapping, path="the setup form"))


def _forms(study, data=None, files=None, which: str | None = None) -> dict:
    policies = [(p.id, p.title) for p in study.policies]
    names = ("settings", "item", "principle", "file", "roster")
    bound = {k: (data, files) if k == which else (None, None) for k in names}
    return {
        "settings": f.SettingsForm(bound["settings"][0], initial={
            "name": study.name, "description": study.description, "min_n": study.privacy.min_n,
            "redact_free_text": study.privacy.redact_free_text}),
        "item": f.ItemForm(bound["item"][0]),
        "principle": f.PrincipleForm(bound["principle"][0], policies=policies),
        "file": f.StudyFileForm(*bound["file"]),
        "roster": f.RosterForm(*bound["roster"]),
    }  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest, slug: str) -> HttpResponse:
    record = study_for(request.user, slug, minimum=OWNER)
    study = _definition(slug)
    which = request.POST.get("form") if request.method == "POST" else None
    if which == "remove":
        return _remove(request, record, study)
    forms = _forms(study, request.POST, request.FILES, which)
    if which in forms and forms[which].is_valid():
        try:
            done = HANDLERS[which](record, study, forms[which].cleaned_data)
            messages.success(request, done)
            return redirect("study-setup", slug=slug)
        except MindTheGapError as exc:
            messages.error(request, str(exc))
    elif which is not None and which not in forms:
        messages.error(request, "That request was not understood; nothing was changed.")
    from mindthegap.store.surveys.repository import study_instruments

    return render(request, "web/setup.html", {
        "study": record, "definition": study, "forms": forms, "instruments": sorted(study_instruments(record)),
        "id_help": f.ID_HELP,
    }, status=400 if which else 200)  # fmt: skip


def _said(changes: list[str]) -> str:
    return "Saved: " + "; ".join(changes) + "." if changes else "Nothing needed changing."


def _settings(record, study, data: dict) -> str:
    from mindthegap.io.study_files import study_to_mapping

    mapping = study_to_mapping(study)
    mapping.update(name=data["name"], description=data["description"])
    mapping["privacy"] = {"min_n": data["min_n"], "redact_free_text": data["redact_free_text"]}
    return _said(_apply(record, mapping))


def _item(record, study, data: dict) -> str:
    from mindthegap.io.study_files import study_to_mapping

    mapping = study_to_mapping(study)
    items = mapping[f.KINDS[data["kind"]]]
    entry = next((x for x in items if x["id"] == data["id"]), None)
    if entry is None:
        entry = {"id": data["id"]}
        items.append(entry)
    entry["name"] = data["name"]
    if data["kind"] == "wave":
        entry["order"] = data["order"] if data["order"] is not None else entry.get("order", len(items) - 1)
    return _said(_apply(record, mapping))


def _principle(record, study, data: dict) -> str:
    from mindthegap.io.study_files import study_to_mapping

    mapping = study_to_mapping(study)
    policy = next(p for p in mapping["policies"] if p["id"] == data["policy"])
    entry = next((x for x in policy["principles"] if x["id"] == data["id"]), None)
    if entry is None:
        entry = {"id": data["id"]}
        policy["principles"].append(entry)
    entry.update(name=data["name"], description=data["description"])
    return _said(_apply(record, mapping))


def _study_file(record, study, data: dict) -> str:
    from mindthegap.io.study_files import read_study_file
    from mindthegap.store.studies.setup import apply_definition

    with _uploaded(data["file"]) as path:
        new = read_study_file(path)
    return _said(apply_definition(record, new))


def _roster(record, study, data: dict) -> str:
    from mindthegap.io.study_files import read_participants
    from mindthegap.store.studies.consent import update_participants
    from mindthegap.store.studies.repository import add_participants, load_study

    everyone = load_study(record.slug, include_withdrawn=True)
    with _uploaded(data["file"]) as path:
        if data["update"]:
            from mindthegap.io.consent_files import require_consent_answers

            require_consent_answers(path)
        people = read_participants(path, everyone)
    if data["update"]:
        counts = update_participants(record, people)
        return (f"Added {counts['added']}, withdrew {counts['withdrawn']}, restored {counts['restored']}; "
                f"{counts['unchanged']} unchanged.")  # fmt: skip
    return f"Added {add_participants(record, people)} participants."


@contextlib.contextmanager
def _uploaded(upload) -> Iterator[Path]:
    """The upload in a private temporary folder under its own file name; errors name the file, not the folder."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / (Path(upload.name).name or "upload")
        with path.open("wb") as fh:
            for chunk in upload.chunks():
                fh.write(chunk)
        try:
            yield path
        except MindTheGapError as exc:
            raise InputError(str(exc).replace(f"{folder}{os.sep}", "")) from None


HANDLERS = {
    "settings": _settings,
    "item": _item,
    "principle": _principle,
    "file": _study_file,
    "roster": _roster,
}


def _remove(request: HttpRequest, record, study) -> HttpResponse:
    from mindthegap.io.study_files import study_to_mapping

    form = f.RemoveForm(request.POST)
    if form.is_valid():
        kind, ident = form.cleaned_data["kind"], form.cleaned_data["id"]
        mapping = study_to_mapping(study)
        if kind == "principle":
            for policy in mapping["policies"]:
                policy["principles"] = [p for p in policy["principles"] if p["id"] != ident]
        else:
            mapping[f.KINDS[kind]] = [x for x in mapping[f.KINDS[kind]] if x["id"] != ident]
        try:
            messages.success(request, _said(_apply(record, mapping)))
        except MindTheGapError as exc:
            messages.error(request, str(exc))
    return redirect("study-setup", slug=record.slug)


@login_required
def study_file(request: HttpRequest, slug: str) -> HttpResponse:
    """The study's definition as a study file (YAML), to edit and upload again or keep with the project."""
    from mindthegap.io.study_files import study_file_text
    from mindthegap.store.audit import log as audit

    record = study_for(request.user, slug, minimum=OWNER)
    audit.record(audit.Action.EXPORTED, study=record, what="study file")
    response = HttpResponse(
        study_file_text(_definition(slug)), content_type="application/yaml; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{slug}.yaml"'
    return response
