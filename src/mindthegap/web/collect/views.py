"""The respondent's pages: consent, one page per section, save and resume, submit, thanks.

A personal link carries its token (``/respond/<token>/``); an open link carries the survey's public key
(``/open/<key>/``) and the respondent's session is named by a signed cookie. Unknown, tampered and other
studies' links answer 404; a closed survey 410; a used link the thank-you page, storing nothing. Each refusal
is recorded through :mod:`.audit_hook`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from mindthegap.store.collection import responses
from mindthegap.store.collection.models import ResponseSession, Survey
from mindthegap.store.collection.pages import missing_items, pages
from mindthegap.web.collect import audit_hook
from mindthegap.web.collect.forms import questions, read_page

OPEN_COOKIE_SALT = "mindthegap.collect.open"
OPEN_COOKIE_AGE = 180 * 24 * 3600
EASY_COOKIE = "mtg_easy"


@dataclass
class Respondent:
    kind: str  # "personal" or "open"
    key: str
    survey: Survey
    session: ResponseSession | None
    invitation: object = None

    @property
    def base(self) -> str:
        return f"/{'respond' if self.kind == 'personal' else 'open'}/{self.key}/"


def _refuse(request: HttpRequest, action: str, survey=None, status: int = 404, **detail) -> HttpResponse:
    audit_hook.record(action, request=request, study=getattr(survey, "study", None), outcome="refused",
                      detail={"survey": getattr(survey, "slug", None), **detail})  # fmt: skip
    if status == 404:
        raise Http404(_("No such survey"))
    message = {
        410: _("This survey is closed. Thank you for your interest."),
        429: _("Too many people have started this survey from your network in the last hour. Please try "
               "again later."),
    }[status]  # fmt: skip
    return render(request, "collect/message.html", {"survey": survey, "message": message}, status=status)


def _cookie_name(survey: Survey) -> str:
    return f"mtg_open_{survey.pk}"


def _resolve(request: HttpRequest, kind: str, key: str) -> Respondent:
    """The survey and session a link names; 404 (recorded) for anything that does not name one."""
    if kind == "personal":
        invitation = responses.find_invitation(key)
        if invitation is None or invitation.revoked:
            _refuse(request, "collect.token.unknown" if invitation is None else "collect.token.revoked")
        survey = invitation.survey
        if not invitation.participant.consent:
            _refuse(request, "collect.token.withdrawn", survey)
        return Respondent(kind, key, survey, responses.session_for_invitation(invitation), invitation)
    survey = (
        Survey.objects.select_related("study", "instrument", "wave")
        .filter(public_key=key, mode=Survey.Mode.OPEN)
        .first()
        if len(key) < 100 else None
    )  # fmt: skip
    if survey is None:
        _refuse(request, "collect.open.unknown")
    session = None
    cookie = request.get_signed_cookie(_cookie_name(survey), default=None, salt=OPEN_COOKIE_SALT)
    if cookie:
        session = ResponseSession.objects.filter(survey=survey, key=cookie).first()
    return Respondent(kind, key, survey, session)


def _easy_read(request: HttpRequest) -> bool:
    if "easy" in request.GET:
        return request.GET["easy"] == "1"
    return request.COOKIES.get(EASY_COOKIE) == "1"


def _page_response(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    easy = _easy_read(request)
    response = render(request, template, {**context, "easy_read": easy}, status=status)
    if "easy" in request.GET:
        response.set_cookie(EASY_COOKIE, "1" if easy else "0", max_age=OPEN_COOKIE_AGE, samesite="Lax",
                            secure=settings.SESSION_COOKIE_SECURE, httponly=True)  # fmt: skip
    return response


def _first_unanswered(r: Respondent) -> int:
    instrument = responses.instrument_of(r.survey)
    answers = r.session.answers if r.session else {}
    for page in pages(instrument):
        if missing_items(instrument, answers, page):
            return page.number
    return len(pages(instrument))


@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, kind: str, key: str) -> HttpResponse:
    """The consent page; a respondent who already consented goes on where they left off."""
    r = _resolve(request, kind, key)
    if not r.survey.is_open():
        return _refuse(request, "collect.closed", r.survey, 410)
    if r.session is not None and r.session.submitted_at is not None:
        audit_hook.record("collect.link.reused", request=request, study=r.survey.study, outcome="refused",
                          detail={"survey": r.survey.slug})  # fmt: skip
        return _page_response(request, "collect/done.html", {"survey": r.survey, "again": True})
    if r.session is not None:
        return redirect(f"{r.base}{_first_unanswered(r)}/")
    error = ""
    if request.method == "POST":
        if request.POST.get("consent") != "yes":
            error = _("Tick the box to say you agree, or close this page if you do not want to take part.")
        else:
            return _begin(request, r)
    context = {
        "survey": r.survey,
        "r": r,
        "error": error,
        "n_pages": len(pages(responses.instrument_of(r.survey))),
    }
    return _page_response(request, "collect/consent.html", context, status=400 if error else 200)


def _begin(request: HttpRequest, r: Respondent) -> HttpResponse:
    if r.kind == "personal":
        responses.start_personal(r.invitation)
        return redirect(f"{r.base}1/")
    try:
        session = responses.start_open(r.survey, request.META.get("REMOTE_ADDR", ""))
    except responses.RateLimited:
        return _refuse(request, "collect.open.rate_limited", r.survey, 429)
    response = redirect(f"{r.base}1/")
    response.set_signed_cookie(_cookie_name(r.survey), session.key, salt=OPEN_COOKIE_SALT, max_age=OPEN_COOKIE_AGE,
                               samesite="Lax", secure=settings.SESSION_COOKIE_SECURE, httponly=True)  # fmt: skip
    return response


@require_http_methods(["GET", "POST"])
def page(request: HttpRequest, kind: str, key: str, number: int) -> HttpResponse:
    r = _resolve(request, kind, key)
    if not r.survey.is_open():
        return _refuse(request, "collect.closed", r.survey, 410)
    if r.session is None:
        return redirect(r.base)
    if r.session.submitted_at is not None:
        if request.method == "POST":
            audit_hook.record("collect.submit.repeat", request=request, study=r.survey.study, outcome="refused",
                              detail={"survey": r.survey.slug})  # fmt: skip
        return _page_response(request, "collect/done.html", {"survey": r.survey, "again": True})
    instrument = responses.instrument_of(r.survey)
    all_pages = pages(instrument)
    if not 1 <= number <= len(all_pages):
        raise Http404(_("No such page"))
    current = all_pages[number - 1]
    errors: dict[str, str] = {}
    answers = dict(r.session.answers)
    if request.method == "POST":
        action = request.POST.get("action", "next")
        require = action in ("next", "submit")
        values, errors = read_page(instrument, current, request.POST, require=require)
        if any(v is not None or k in answers for k, v in values.items()):
            responses.save_page(r.session, {k: v for k, v in values.items() if k not in errors}, number)
        answers = dict(r.session.answers)
        if not errors:
            return _after_save(request, r, action, number, all_pages, instrument)
        if not require:  # going back or saving keeps what was valid; a tampered answer is simply dropped
            return _after_save(request, r, action, number, all_pages, instrument)
        audit_hook.record("collect.page.invalid", request=request, study=r.survey.study, outcome="refused",
                          detail={"survey": r.survey.slug, "page": number, "fields": len(errors)})  # fmt: skip
    context = {
        "survey": r.survey, "r": r, "page": current, "n_pages": len(all_pages), "last": number == len(all_pages),
        "questions": questions(instrument, current, answers, errors, easy_read=_easy_read(request)),
        "errors": bool(errors), "percent": round(100 * (number - 1) / len(all_pages)),
    }  # fmt: skip
    return _page_response(request, "collect/page.html", context, status=400 if errors else 200)


def _after_save(request, r: Respondent, action: str, number: int, all_pages, instrument) -> HttpResponse:
    if action == "back":
        return redirect(f"{r.base}{max(1, number - 1)}/")
    if action == "save":
        return _page_response(request, "collect/saved.html", {"survey": r.survey, "r": r})
    if action == "submit" and number == len(all_pages):
        gaps = [p for p in all_pages if missing_items(instrument, r.session.answers, p)]
        if gaps:
            return redirect(f"{r.base}{gaps[0].number}/")
        stored = responses.submit(r.session)
        audit_hook.record("collect.submit" if stored else "collect.submit.repeat", request=request,
                          study=r.survey.study, outcome="ok" if stored else "refused",
                          detail={"survey": r.survey.slug})  # fmt: skip
        return redirect(f"{r.base}done/")
    return redirect(f"{r.base}{min(number + 1, len(all_pages))}/")


@require_http_methods(["GET"])
def done(request: HttpRequest, kind: str, key: str) -> HttpResponse:
    r = _resolve(request, kind, key)
    if r.session is None or r.session.submitted_at is None:
        return redirect(r.base)
    return _page_response(request, "collect/done.html", {"survey": r.survey, "again": False})
