"""Web requests and the audit log: the request is made current (so :func:`~.log.record` knows who and from
where), and every refused request for study data is recorded.

A refusal is a 403 anywhere (including CSRF failures, recorded by :func:`csrf_failure`), and on study URLs a
404 (a study the person may not open answers 404), a 405, a 429, or the redirect to the sign-in page that an
anonymous visitor gets.
"""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import resolve_url
from django.views.csrf import csrf_failure as django_csrf_failure

from mindthegap.store.audit.actions import Action
from mindthegap.store.audit.log import in_request, record

STUDY_PREFIX = "/studies/"
REFUSED_ON_STUDY_URLS = {403, 404, 405, 429}
REFUSAL_RECORDED = "_mindthegap_refusal_recorded"  # set once a refusal is in the log


class AuditMiddleware:
    """Place after ``AuthenticationMiddleware`` so the request knows its user."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        with in_request(request):
            response = self.get_response(request)
            reason = _refusal(request, response)
            if reason is not None and not getattr(request, REFUSAL_RECORDED, False):
                _record_refusal(Action.REFUSED, request, response.status_code, reason)
        return response


def _record_refusal(action: Action, request, status: int, reason: str) -> None:
    """A refused request in the log: which study, the method, the path (credentials hidden), status, why."""
    record(action, study=_study_slug(request), request=request, method=request.method,
           path=safe_path(request), status=status, reason=reason)  # fmt: skip


def _refusal(request, response) -> str | None:
    status = response.status_code
    if status == 403:
        return "forbidden"
    if not request.path.startswith(STUDY_PREFIX):
        return None
    if status in REFUSED_ON_STUDY_URLS:
        return {404: "not found or not allowed", 405: "method not allowed", 429: "too many requests"}.get(
            status, "forbidden"
        )
    if status == 302 and not request.user.is_authenticated:
        login = resolve_url(settings.LOGIN_URL)
        if response.get("Location", "").startswith(login):
            return "not signed in"
    return None


def _study_slug(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is not None and "slug" in match.kwargs:
        return str(match.kwargs["slug"])
    if request.path.startswith(STUDY_PREFIX):
        return request.path[len(STUDY_PREFIX) :].split("/", 1)[0]
    return ""


#: URL parts that are credentials (a respondent's personal link): never written to the log
SECRET_PARTS = ("key", "token")


def safe_path(request) -> str:
    """The path, with any credential in it (a personal link's key) replaced by its name, e.g. ``<key>``."""
    path = request.path
    match = getattr(request, "resolver_match", None)
    if match is not None:
        for name in SECRET_PARTS:
            value = match.kwargs.get(name)
            if value:
                path = path.replace(f"/{value}/", f"/<{name}>/")
    return path[:200]


def csrf_failure(request, reason: str = "", template_name: str = "403_csrf.html"):
    """``CSRF_FAILURE_VIEW``: record the refusal, then answer as Django does (403)."""
    setattr(request, REFUSAL_RECORDED, True)
    _record_refusal(Action.CSRF_REFUSED, request, 403, str(reason)[:120])
    return django_csrf_failure(request, reason=reason, template_name=template_name)
