"""The study team's pages for a survey: its list, response tracking, mailing list, reminders and exports.

Tracking and exports need at least the analyst role, the mailing and reminders lists (which hold live links)
the owner role. A study the user may not see answers 404, recorded as refused like every other refusal.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from mindthegap.analysis.suppression import ALL, SUPPRESSED
from mindthegap.store.collection import exports, responses
from mindthegap.store.collection import tracking as rates
from mindthegap.store.collection.models import Survey
from mindthegap.store.studies.models import StudyAccess
from mindthegap.web.access import role_on, study_for
from mindthegap.web.collect import audit_hook

LABELS = {"service": "Service", "discipline": "Discipline", "level": "Level of the system"}


def _survey(request: HttpRequest, slug: str, survey: str | None, minimum: str):
    try:
        record = study_for(request.user, slug, minimum=minimum)
        found = None
        if survey is not None:
            found = Survey.objects.select_related("study", "instrument", "wave")
            found = found.filter(study=record, slug=survey).first()
            if found is None:
                raise Http404("No such survey")
    except Http404:
        audit_hook.record("collect.owner.denied", request=request, study=slug, outcome="refused",
                          detail={"survey": survey, "path": request.path[:200]})  # fmt: skip
        raise
    return record, found


@login_required
@require_GET
def survey_list(request: HttpRequest, slug: str) -> HttpResponse:
    record, _ = _survey(request, slug, None, StudyAccess.Role.ANALYST)
    surveys = Survey.objects.filter(study=record).select_related("wave").order_by("opens_at", "slug")
    owner = role_on(request.user, record) == StudyAccess.Role.OWNER
    return render(request, "collect/surveys.html", {"study": record, "surveys": surveys, "owner": owner})


def _rows(table, dimension: str, study) -> list[dict]:
    names = {
        "service": dict(study.services.values_list("slug", "name")),
        "discipline": dict(study.disciplines.values_list("slug", "name")),
    }.get(dimension, {})
    out = []
    for row in table.to_dict(orient="records"):
        group = row[dimension]
        label = "All" if group == ALL else names.get(group) or str(group).replace("_", " ").capitalize()
        counts = {key: row.get(key) for key in ("invited", "responded", "rate")}
        out.append({"group": label, "total": group == ALL, "hidden": bool(row[SUPPRESSED]), **counts})
    return out


@login_required
@require_GET
def tracking(request: HttpRequest, slug: str, survey: str) -> HttpResponse:
    record, found = _survey(request, slug, survey, StudyAccess.Role.ANALYST)
    plan = rates.study_plan(found)
    tables = [
        (dim, LABELS[dim], _rows(rates.response_rates(found, plan, dim), dim, record))
        for dim in rates.DIMENSIONS
    ]
    owner = role_on(request.user, record) == StudyAccess.Role.OWNER
    open_link = (
        request.build_absolute_uri(f"/open/{found.public_key}/") if found.mode == Survey.Mode.OPEN else ""
    )
    return render(request, "collect/tracking.html", {
        "study": record, "survey": found, "tables": tables, "owner": owner, "open_link": open_link,
        "personal": found.mode == Survey.Mode.PERSONAL, "min_n": record.min_n, "formats": list(exports.FORMATS),
    })  # fmt: skip


def _links_csv(
    request: HttpRequest,
    slug: str,
    survey: str,
    rows_of: Callable[[Survey], list[tuple[str, str]]],
    name: str,
) -> HttpResponse:
    """Owners only: personal links of a personal-link survey as CSV (``rows_of`` picks whose), audited."""
    _, found = _survey(request, slug, survey, StudyAccess.Role.OWNER)
    if found.mode != Survey.Mode.PERSONAL:
        raise Http404("This survey uses an open link")
    rows = rows_of(found)
    audit_hook.record(f"collect.{name.replace('-', '_')}", request=request, study=found.study,
                      detail={"survey": found.slug, "rows": len(rows)})  # fmt: skip
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["participant_id", "link"])
    for pseudonym, token in rows:
        writer.writerow([pseudonym, request.build_absolute_uri(f"/respond/{token}/")])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{found.study.slug}-{found.slug}-{name}.csv"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def mailing_list(request: HttpRequest, slug: str, survey: str) -> HttpResponse:
    """Every consenting participant's personal link (inviting those not yet invited), for the study's own mail."""
    return _links_csv(request, slug, survey, responses.invite, "mailing-list")


@login_required
@require_GET
def reminders(request: HttpRequest, slug: str, survey: str) -> HttpResponse:
    """Invited participants who have not submitted, with their links."""
    return _links_csv(request, slug, survey, responses.not_answered, "reminders")


@login_required
@require_GET
def export(request: HttpRequest, slug: str, survey: str, fmt: str) -> HttpResponse:
    _, found = _survey(request, slug, survey, StudyAccess.Role.ANALYST)
    if fmt not in exports.FORMATS:
        raise Http404("No such format")
    data = exports.export_responses(found, fmt)
    audit_hook.record("collect.export", request=request, study=found.study,
                      detail={"survey": found.slug, "format": fmt})  # fmt: skip
    response = HttpResponse(data, content_type=exports.FORMATS[fmt])
    response["Content-Disposition"] = (
        f'attachment; filename="{found.study.slug}-{found.slug}-responses.{fmt}"'
    )
    response["Cache-Control"] = "no-store"
    return response
