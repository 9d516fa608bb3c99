"""Views: the list of a user's studies, a study's dashboard, the report download and table exports.

Dashboards are built from the same report sections as ``report.html``, so every suppression rule applies
identically on screen, on paper and in exports.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from markupsafe import Markup

from mindthegap.web.access import role_on, study_for, visible_studies

DASHBOARD_BOOTSTRAP = 1000  # enough for stable intervals on screen; the downloadable report uses 2,000


def _context(slug: str, n_boot: int):
    from mindthegap.report.context import ReportContext
    from mindthegap.store.evidence import load_all

    study, evidence = load_all(slug)
    return ReportContext(study=study, evidence=evidence, min_n=study.privacy.min_n, n_boot=n_boot)


@login_required
def study_list(request: HttpRequest) -> HttpResponse:
    studies = [(s, role_on(request.user, s)) for s in visible_studies(request.user)]
    return render(request, "web/study_list.html", {"studies": studies})


@login_required
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    from mindthegap.report.builder import build_sections
    from mindthegap.report.render import render_fragment

    record = study_for(request.user, slug)
    ctx = _context(slug, DASHBOARD_BOOTSTRAP)
    sections = build_sections(ctx)
    summary = [(s.title, line) for s in sections for line in s.summary]
    return render(
        request,
        "web/dashboard.html",
        {
            "study": record,
            "role": role_on(request.user, record),
            "summary": summary,
            "contents": [(s.id, s.title) for s in sections],
            # built by our own renderer from escaped data; never from user-supplied markup
            "fragment": Markup(render_fragment(sections, min_n=ctx.min_n)),
        },
    )


@login_required
def report_download(request: HttpRequest, slug: str) -> HttpResponse:
    from mindthegap.report.builder import build_sections
    from mindthegap.report.render import render_html

    record = study_for(request.user, slug)
    ctx = _context(slug, 2000)
    html = render_html(record.name, build_sections(ctx), min_n=ctx.min_n)
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slug}-report.html"'
    return response


@login_required
def gap_export(request: HttpRequest, slug: str) -> HttpResponse:
    """The values–practice gap by principle, service and wave as CSV, suppressed like every other output."""
    from mindthegap.analysis.gap import values_practice_gap
    from mindthegap.store.studies.repository import values_practice_frame

    record = study_for(request.user, slug)
    ratings = values_practice_frame(record)
    if ratings.empty:
        table = ratings
    else:
        table = values_practice_gap(ratings, ["principle", "service", "wave"], min_n=record.min_n)
    response = HttpResponse(table.to_csv(index=False), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slug}-gap.csv"'
    return response
