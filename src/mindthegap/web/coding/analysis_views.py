"""Views for analysis: a code's segments, the framework matrix, and a code's segments as CSV or DOCX.

Analysts and owners read the segments' text. Viewers get the same pages without any text: how many
participants at each level carry the code, suppressed by the study's publication plan.
"""

from __future__ import annotations

import io

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from mindthegap.store.audit import log as audit
from mindthegap.store.coding import retrieval
from mindthegap.store.qualitative import models as q
from mindthegap.store.studies.models import StudyAccess
from mindthegap.web.access import at_least, role_on, study_for

MATRIX_BY = ("level", "service", "wave", "name")
SHOWN = 500  # segments on one page; exports carry them all


def _reads_text(request, study) -> bool:
    return at_least(role_on(request.user, study), StudyAccess.Role.ANALYST)


def _request_filters(request: HttpRequest) -> dict[str, str]:
    return {k: request.GET.get(k, "").strip() for k in retrieval.FILTERS if request.GET.get(k, "").strip()}


def _options(study, filters: dict[str, str]) -> list[tuple[str, list[tuple[str, bool]]]]:
    sources = q.SourceRecord.objects.filter(study=study)
    out = []
    for key in retrieval.FILTERS:
        values = sorted(v for v in sources.values_list(key, flat=True).distinct() if v)
        out.append((key, [(v, filters.get(key) == v) for v in values]))
    return out


@login_required
def segments(request: HttpRequest, slug: str) -> HttpResponse:
    study = study_for(request.user, slug)
    code = request.GET.get("code", "").strip() or None
    filters = _request_filters(request)
    frame = retrieval.segments(study, code, **filters)
    reads = _reads_text(request, study)
    context = {
        "study": study, "reads_text": reads, "code": code, "filters": filters, "options": _options(study, filters),
        "codes": q.CodeRecord.objects.filter(study=study, active=True).order_by("name"),
        "query": request.GET.urlencode(),
    }  # fmt: skip
    if reads:
        context.update(rows=frame.head(SHOWN).to_dict(orient="records"), total=len(frame))
    else:
        context.update(counts=retrieval.people_by_level(study, frame).to_dict(orient="records"))
    return render(request, "coding/segments.html", context)


@login_required
def segments_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """Analysts: the segments with their text; viewers: the suppressed counts. Formula-neutralised either way."""
    from mindthegap.io.tables import neutralise_formulas

    study = study_for(request.user, slug)
    code = request.GET.get("code", "").strip() or None
    frame = retrieval.segments(study, code, **_request_filters(request))
    if _reads_text(request, study):
        table = frame.drop(columns=["code"])
    else:
        table = retrieval.people_by_level(study, frame).drop(columns=["code"])
    audit.record(audit.Action.EXPORTED, study=study, what="coded segments", code=code or "all", rows=len(table),
                 format="csv")  # fmt: skip
    response = HttpResponse(
        neutralise_formulas(table).to_csv(index=False), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{slug}-segments.csv"'
    return response


@login_required
def segments_docx(request: HttpRequest, slug: str) -> HttpResponse:
    """A code's segments as a Word document, grouped by source (analysts and owners only: it holds text)."""
    import docx

    study = study_for(request.user, slug)
    if not _reads_text(request, study):
        raise Http404("No such page")
    code = request.GET.get("code", "").strip() or None
    frame = retrieval.segments(study, code, **_request_filters(request))
    document = docx.Document()
    title = frame["code_name"].iloc[0] if code and len(frame) else "All codes"
    document.add_heading(f"{study.name}: {title}", level=1)
    document.add_paragraph(f"{len(frame)} coded segment(s) from {frame['source'].nunique()} source(s).")
    for name, group in frame.groupby("name", sort=True):
        first = group.iloc[0]
        about = ", ".join(str(first[k]) for k in retrieval.FILTERS if first[k])
        document.add_heading(f"{name}" + (f" ({about})" if about else ""), level=2)
        for row in group.itertuples(index=False):
            para = document.add_paragraph(style="Quote")
            para.add_run(row.text)
            para.add_run(
                f"  [{row.code_name}; {row.coder or 'unattributed'}; {row.start}–{row.end}]"
            ).italic = True
    buffer = io.BytesIO()
    document.save(buffer)
    audit.record(audit.Action.EXPORTED, study=study, what="coded segments", code=code or "all", rows=len(frame),
                 format="docx")  # fmt: skip
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="{slug}-segments.docx"'
    return response


@login_required
def matrix(request: HttpRequest, slug: str) -> HttpResponse:
    study = study_for(request.user, slug)
    by = request.GET.get("by", "level")
    if by not in MATRIX_BY:
        by = "level"
    frame = retrieval.segments(study)
    reads = _reads_text(request, study)
    if reads:
        cells = retrieval.framework_matrix(frame, by)
    else:
        by = by if by in ("level", "service") else "level"
        cells = retrieval.people_by_level(study, frame, by=by)
    columns = sorted({str(v) for v in cells[by]}) if len(cells) else []
    names = sorted(set(cells["code_name"])) if len(cells) else []
    grid = {(r["code_name"], str(r[by])): r for r in cells.to_dict(orient="records")}
    rows = [(name, [grid.get((name, col)) for col in columns]) for name in names]
    return render(request, "coding/matrix.html", {
        "study": study, "reads_text": reads, "by": by, "columns": columns, "rows": rows,
        "choices": MATRIX_BY if reads else ("level", "service"),
    })  # fmt: skip
