"""Views: the list of a user's studies, a study's dashboard, the report download, table exports and the
review of the auto-coder's suggestions.

Dashboards are built from the same report sections as ``report.html``, so every suppression rule applies
identically on screen, on paper and in exports. Each is built for the user's audience: analysts and owners read
quotes and comments, viewers aggregates only (:func:`audience_for`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods
from markupsafe import Markup

from mindthegap.defaults import DEFAULT_N_BOOT
from mindthegap.store.audit import log as audit
from mindthegap.store.studies.models import StudyAccess
from mindthegap.web.access import at_least, role_on, study_for, visible_studies

if TYPE_CHECKING:
    from mindthegap.report.context import ReportContext

#: resamples for the dashboard and the downloadable report alike: one run of the analyses serves both, so the
#: page and the file show the same intervals (as the command line writes them); more resamples cost little
#: beside the rest of a build (about 0.8 s of 10 s on the demo study at 2,000 against 200)
BOOTSTRAP = DEFAULT_N_BOOT


def audience_for(role: str | None) -> str:
    """Analysts and owners read people's own words; viewers (and anyone less) get aggregates only."""
    return "full" if at_least(role, StudyAccess.Role.ANALYST) else "aggregate"


def report_context(slug: str, n_boot: int, audience: str) -> ReportContext:
    """The stored study (people who withdrew left out) as the report's sections read it, for one audience."""
    from mindthegap.report.context import ReportContext
    from mindthegap.store.evidence import load_all

    study, evidence = load_all(slug)
    return ReportContext(
        study=study, evidence=evidence, min_n=study.privacy.min_n, n_boot=n_boot, audience=audience
    )


@login_required
def study_list(request: HttpRequest) -> HttpResponse:
    studies = [(s, role_on(request.user, s)) for s in visible_studies(request.user)]
    return render(request, "web/study_list.html", {"studies": studies})


@login_required
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    from mindthegap.web.dashboard_cache import build_parts, cached

    record = study_for(request.user, slug)
    role = role_on(request.user, record)
    audience = audience_for(role)
    parts = cached(record, audience, lambda: build_parts(record, audience))
    may_review = at_least(role, StudyAccess.Role.ANALYST)
    return render(
        request,
        "web/dashboard.html",
        {
            "study": record,
            "role": role,
            "aggregate_only": audience == "aggregate",
            "awaiting_review": _pending(record).count() if may_review else 0,
            "notice": parts.get("notice", ""),  # an earlier version's figures while the new ones are built
            "summary": parts["summary"],
            "contents": parts["contents"],
            # built by our own renderer from escaped data; never from user-supplied markup
            "fragment": Markup(parts["fragment"]),
        },
    )


@login_required
def report_download(request: HttpRequest, slug: str) -> HttpResponse:
    from mindthegap.web.dashboard_cache import report_html

    record = study_for(request.user, slug)
    audience = audience_for(role_on(request.user, record))
    html = report_html(record, audience)  # once per version of the data, with the dashboard at that version
    audit.record(audit.Action.DOWNLOADED, study=record, what="report", audience=audience)
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slug}-report.html"'
    return response


@login_required
def gap_export(request: HttpRequest, slug: str) -> HttpResponse:
    """The values–practice gap by principle, service and wave as CSV, suppressed by the study's publication
    plan like every other output (the dashboard and report included)."""
    from mindthegap.analysis.gap import values_practice_gap
    from mindthegap.analysis.publication import PublicationPlan
    from mindthegap.io.tables import csv_bytes
    from mindthegap.report.sections.labels import readable
    from mindthegap.store.studies.repository import load_study, participants_frame, values_practice_frame

    record = study_for(request.user, slug)
    ratings = values_practice_frame(record)
    if ratings.empty:
        table = ratings
    else:
        plan = PublicationPlan(participants_frame(record), min_n=record.min_n)
        table = values_practice_gap(ratings, ["principle", "service", "wave"], min_n=record.min_n, plan=plan)
        table = readable(table, load_study(slug))  # names, not ids; three decimal places
    audit.record(audit.Action.EXPORTED, study=record, what="gap table", rows=len(table))
    # values a spreadsheet would run as formulas (a principle named "=HYPERLINK(…)") are neutralised
    response = HttpResponse(csv_bytes(table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slug}-gap.csv"'
    return response


SUGGESTIONS_PER_PAGE = 25


def _pending(record, code: str | None = None):
    from mindthegap.store.feedback.suggestions import pending_suggestions

    return pending_suggestions(record, code=code)


@login_required
@require_http_methods(["GET", "POST"])
def suggestions(request: HttpRequest, slug: str) -> HttpResponse:
    """The auto-coder's suggestions awaiting review, most confident first, each accepted or rejected by a person.

    Analysts and owners only: the page shows source text, which viewers (who see aggregates) do not.
    """
    from mindthegap.errors import StoreError
    from mindthegap.store.feedback.suggestions import review_suggestion, suggestion_excerpt

    record = study_for(request.user, slug, minimum=StudyAccess.Role.ANALYST)
    code = request.GET.get("code") or None
    if request.method == "POST":
        decision = request.POST.get("decision")
        try:
            ident = int(request.POST.get("suggestion", ""))
        except ValueError:
            ident = -1
        if decision not in {"accept", "reject"} or ident < 0:
            messages.error(request, "That request was not understood; nothing was changed.")
        else:
            try:
                review_suggestion(
                    ident, accept=decision == "accept", study=record, reviewer=request.user.get_username()
                )
                messages.success(request, f"Suggestion {ident} {decision}ed.")
            except StoreError:
                messages.error(request, f"Suggestion {ident} was already reviewed or is not in this study.")
        target = reverse("suggestions", args=[slug])
        query = request.POST.get("next_query", "")
        return redirect(f"{target}?{query}" if query else target)
    page = Paginator(_pending(record, code), SUGGESTIONS_PER_PAGE).get_page(request.GET.get("page"))
    rows = [(c, suggestion_excerpt(c.source.text, c.start, c.end, limit=400)) for c in page.object_list]
    codes = list(_pending(record).order_by("code__name").values_list("code__name", flat=True).distinct())
    return render(
        request,
        "web/suggestions.html",
        {"study": record, "page": page, "rows": rows, "code": code, "codes": codes,
         "query": request.GET.urlencode(), "code_query": urlencode({"code": code}) if code else ""},
    )  # fmt: skip


@login_required
def consensus_dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    """The conversations page: consensus by stakeholder group, the lever matrix and local pressures, built by
    the report's own sections (same plan, same audience rule) for the study's Delphi panels to discuss."""
    from mindthegap.report.audience import for_audience
    from mindthegap.report.render import render_fragment
    from mindthegap.report.sections import consensus, pressures

    record = study_for(request.user, slug)
    role = role_on(request.user, record)
    ctx = report_context(slug, BOOTSTRAP, audience_for(role))
    sections = for_audience(
        [s for s in (consensus.build(ctx), pressures.build(ctx)) if s is not None], ctx.audience
    )
    return render(
        request,
        "web/consensus.html",
        {
            "study": record,
            "role": role,
            "summary": [(s.title, line) for s in sections for line in s.summary],
            "fragment": Markup(render_fragment(sections, min_n=ctx.min_n)) if sections else "",
        },
    )
