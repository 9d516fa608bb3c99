"""The study owner's view of the audit log: every event on the study, filtered and paged, and as CSV."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from mindthegap.store.audit import log as audit
from mindthegap.store.audit.actions import Action
from mindthegap.store.studies.models import StudyAccess
from mindthegap.web.access import study_for

EVENTS_PER_PAGE = 50


class AuditFilter(forms.Form):
    action = forms.ChoiceField(required=False, choices=[("", "All actions"), *Action.choices])
    user = forms.CharField(required=False, max_length=150, label="Who")
    since = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))

    def events(self, slug: str):
        data = self.cleaned_data if self.is_valid() else {}
        return audit.events(
            study=slug,
            action=data.get("action") or None,
            actor=(data.get("user") or "").strip() or None,
            since=_start_of(data.get("since")),
            until=_start_of(data.get("until"), days=1),
        )


def _start_of(day: dt.date | None, days: int = 0) -> dt.datetime | None:
    """Midnight (local time) at the start of ``day`` plus ``days``: "to 3 May" includes all of 3 May."""
    if day is None:
        return None
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=days), dt.time()))


@login_required
def audit_log(request: HttpRequest, slug: str) -> HttpResponse:
    """Owners only: who did what to the study, when and from where."""
    record = study_for(request.user, slug, minimum=StudyAccess.Role.OWNER)
    form = AuditFilter(request.GET or None)
    page = Paginator(form.events(slug), EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "web/audit.html",
        {"study": record, "form": form, "page": page, "query": query.urlencode()},
    )


@login_required
def audit_export(request: HttpRequest, slug: str) -> HttpResponse:
    """The filtered events as CSV, with values a spreadsheet would run as formulas neutralised."""
    from mindthegap.io.tables import neutralise_formulas

    record = study_for(request.user, slug, minimum=StudyAccess.Role.OWNER)
    rows = AuditFilter(request.GET or None).events(slug)
    table = neutralise_formulas(audit.events_frame(rows))
    audit.record(Action.AUDIT_EXPORTED, study=record, rows=len(table))
    response = HttpResponse(table.to_csv(index=False), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slug}-audit.csv"'
    return response
