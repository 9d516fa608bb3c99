"""Read and code: the list of sources, the workspace page and the small JSON API its script calls.

Analysts and owners only: the workspace shows source text, which viewers never see (they get the text-free
views in :mod:`mindthegap.web.coding.analysis_views`). Everything is looked up within the study named in the
URL, so a coder of another study gets 404 for a source, code or coding that is not theirs to see.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import render
from django.utils.html import escape
from markupsafe import Markup

from mindthegap.errors import StoreError
from mindthegap.store.audit import log as audit
from mindthegap.store.coding import workspace as ws
from mindthegap.store.coding.models import Assignment, CodeGuidance
from mindthegap.store.qualitative import models as q
from mindthegap.store.studies.models import StudyAccess
from mindthegap.text.lines import Line, lines
from mindthegap.web.access import at_least, role_on, study_for

ANALYST = StudyAccess.Role.ANALYST
MAX_BODY = 64 * 1024


def json_api(view: Callable) -> Callable:
    """Parse a JSON body, answer errors as JSON: 404 not in this study, 409 changed elsewhere, 400 refused."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        body: dict = {}
        if request.method == "POST":
            if len(request.body) > MAX_BODY:
                return JsonResponse({"error": "request too large"}, status=400)
            try:
                body = json.loads(request.body or b"{}")
            except (ValueError, UnicodeDecodeError):
                return JsonResponse(
                    {"error": "the request was not understood; nothing was changed"}, status=400
                )
            if not isinstance(body, dict):
                return JsonResponse(
                    {"error": "the request was not understood; nothing was changed"}, status=400
                )
        try:
            return view(request, body, *args, **kwargs)
        except (Http404, ws.NotFound) as error:
            return JsonResponse({"error": str(error) or "not found"}, status=404)
        except ws.Conflict as error:
            _refused(request, kwargs, 409, "changed elsewhere")
            return JsonResponse({"error": str(error), "stale": True}, status=409)
        except StoreError as error:
            _refused(request, kwargs, 400, error.message)
            return JsonResponse({"error": str(error)}, status=400)

    return login_required(wrapped)


def render_lines(found: list[Line]) -> Markup:
    """The text as one block per line, escaped here rather than by a template loop (a 20,000-word transcript has
    thousands of lines; the template engine took a second over them). A line's text content is exactly the
    stored characters, with its code-point offsets in ``data-start``/``data-end``."""
    out = []
    for line in found:
        time = f'<span class="time">{escape(line.time)}</span>' if line.time else ""
        speaker = f'<span class="speaker">{escape(line.speaker)}</span>' if line.speaker else ""
        out.append(
            f'<div class="line"><div class="gutter" aria-hidden="true"></div><p class="turn" '
            f'data-start="{line.start:d}" data-end="{line.end:d}">{time}{speaker}{escape(line.rest)}</p></div>'
        )
    return Markup("\n".join(out))


def _refused(request: HttpRequest, kwargs: dict, status: int, reason: str) -> None:
    """Refused changes go to the audit log too (the middleware records 403s and 404s itself)."""
    audit.record(audit.Action.REFUSED, study=kwargs.get("slug", ""), method=request.method,
                 path=request.path[:200], status=status, reason=reason)  # fmt: skip


def code_tree(study) -> list[dict]:
    """Active codes in tree order with their path, colour, description and inclusion/exclusion rules."""
    codes = list(q.CodeRecord.objects.filter(study=study, active=True).order_by("name", "id"))
    rules = {g.code_id: g for g in CodeGuidance.objects.filter(code__in=codes)}
    children: dict[int | None, list] = {}
    by_id = {c.pk: c for c in codes}
    for code in codes:
        parent = code.parent_id if code.parent_id in by_id else None
        children.setdefault(parent, []).append(code)
    out: list[dict] = []

    def walk(parent: int | None, path: list[str]) -> None:
        for code in children.get(parent, []):
            rule = rules.get(code.pk)
            out.append({
                "guid": code.guid, "name": code.name, "path": " > ".join([*path, code.name]),
                "depth": len(path), "colour": code.colour, "description": code.description,
                "inclusion": rule.inclusion if rule else "", "exclusion": rule.exclusion if rule else "",
            })  # fmt: skip
            walk(code.pk, [*path, code.name])

    walk(None, [])
    return out


@login_required
def source_list(request: HttpRequest, slug: str) -> HttpResponse:
    study = study_for(request.user, slug, minimum=ANALYST)
    me = request.user.get_username()
    sources = q.SourceRecord.objects.filter(study=study).exclude(text=None).order_by("name")
    mine = Assignment.objects.filter(round__study=study, coder=me).select_related("source", "round")
    return render(request, "coding/sources.html", {
        "study": study, "sources": sources, "assignments": mine,
        "is_owner": at_least(role_on(request.user, study), StudyAccess.Role.OWNER),
    })  # fmt: skip


@login_required
def workspace(request: HttpRequest, slug: str, guid: str) -> HttpResponse:
    study = study_for(request.user, slug, minimum=ANALYST)
    me = request.user.get_username()
    try:
        source = ws.source_in(study, guid)
    except ws.NotFound:
        raise Http404("No such source") from None
    if source.text is None:
        raise Http404("This source has no text")
    codings = ws.visible_codings(source, me)
    targets = [source.guid, *(c["guid"] for c in codings)]
    assignment = (
        Assignment.objects.filter(source=source, coder=me).select_related("round").order_by("-id").first()
    )
    state = {
        "source": source.guid, "me": me, "version": ws.version_of(source, me), "text": source.text,
        "codes": code_tree(study), "codings": codings, "memos": ws.memos_on(study, targets),
        "blind": ws.blinded(source, me),
    }  # fmt: skip
    return render(request, "coding/workspace.html", {
        "study": study, "source": source, "lines": render_lines(lines(source.text)), "state": state,
        "assignment": assignment, "length": len(source.text),
    })  # fmt: skip


@json_api
def codings_api(request: HttpRequest, body: dict, slug: str, guid: str) -> HttpResponse:
    """GET: the codings you may see and your version; POST: add a coding ``{code, start, end, quote, version}``."""
    study = study_for(request.user, slug, minimum=ANALYST)
    me = request.user.get_username()
    source = ws.source_in(study, guid)
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    if request.method == "POST":
        row, version = ws.add_coding(
            study, guid, str(body.get("code", "")), body.get("start"), body.get("end"), body.get("quote"),
            coder=me, version=_version(body),
        )  # fmt: skip
        return JsonResponse({"coding": ws.as_json(row, me), "version": version}, status=201)
    return JsonResponse({"codings": ws.visible_codings(source, me), "version": ws.version_of(source, me)})


@json_api
def coding_item(request: HttpRequest, body: dict, slug: str, ident: int) -> HttpResponse:
    """Change (``{action: "change", code?, start?, end?, quote?}``) or remove one of your own codings."""
    study = study_for(request.user, slug, minimum=ANALYST)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    me = request.user.get_username()
    if body.get("action") == "remove":
        return JsonResponse(
            {"removed": ident, "version": ws.remove_coding(study, ident, coder=me, version=_version(body))}
        )
    if body.get("action") != "change":
        raise StoreError("say whether to change or remove the coding")
    row, version = ws.change_coding(
        study, ident, coder=me, version=_version(body), code_guid=body.get("code") or None,
        start=body.get("start"), end=body.get("end"), quote=body.get("quote"),
    )  # fmt: skip
    return JsonResponse({"coding": ws.as_json(row, me), "version": version})


@json_api
def memo_api(request: HttpRequest, body: dict, slug: str) -> HttpResponse:
    """Write a memo ``{on: "source"|"code"|"coding", target: guid, text}``."""
    study = study_for(request.user, slug, minimum=ANALYST)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    memo = ws.write_memo(
        study, str(body.get("on", "")), str(body.get("target", "")), body.get("text"),
        author=request.user.get_username(),
    )  # fmt: skip
    return JsonResponse(
        {"memo": {"target": memo.target, "author": memo.author, "text": memo.text}}, status=201
    )


@json_api
def suggestion_api(request: HttpRequest, body: dict, slug: str, ident: int) -> HttpResponse:
    """Accept or reject one of the auto-coder's suggestions ``{decision: "accept"|"reject"}``."""
    from mindthegap.store.feedback.suggestions import review_suggestion

    study = study_for(request.user, slug, minimum=ANALYST)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    decision = body.get("decision")
    if decision not in {"accept", "reject"}:
        raise StoreError("say whether to accept or reject the suggestion")
    try:
        review_suggestion(
            ident, accept=decision == "accept", study=study, reviewer=request.user.get_username()
        )
    except StoreError:
        raise ws.NotFound("no unreviewed suggestion with that id in this study") from None
    return JsonResponse({"id": ident, "status": "accepted" if decision == "accept" else "rejected"})


def _version(body: dict) -> int | None:
    value = body.get("version")
    if value is None:
        raise StoreError("the request lacks the version of the codings it was made against", hint="reload")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise StoreError("the version must be a whole number") from None
