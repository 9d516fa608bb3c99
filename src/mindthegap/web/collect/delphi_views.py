"""A panel member's Delphi round in the browser: rate each statement 1–9, comment, save and resume, submit once.

The link is personal (``/delphi/<token>/``), made by ``mindthegap delphi links``. Each statement shows its
current wording (and the previous round's, where it was edited), the rater's own previous rating and each
group's distribution from the previous round: the same feedback as the printed sheet, through the study's
publication plan. Unknown or tampered links answer 404, a closed round 410, a rater on no panel 403; each
refusal is recorded through :mod:`.audit_hook`.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from mindthegap.store.delphi import links
from mindthegap.web.collect import audit_hook

MESSAGES = {
    410: "This round is closed. Thank you for your interest.",
    403: "This link is not for a member of a panel in this round. Please contact the study team.",
}


def _page(round_) -> dict:
    """What the respondent pages' base template reads as ``survey``."""
    return {"study": round_.study, "title": f"Consensus round {round_.number}"}


def _refuse(request: HttpRequest, action: str, link=None, status: int = 404) -> HttpResponse:
    study = link.round.study if link is not None else None
    detail = {"round": link.round.number} if link is not None else {}
    audit_hook.record(action, request=request, study=study, outcome="refused", detail=detail)
    if status == 404:
        raise Http404(_("No such round"))
    context = {"survey": _page(link.round), "message": _(MESSAGES[status])}
    return render(request, "collect/message.html", context, status=status)


def _resolve(request: HttpRequest, key: str):
    link = links.find_link(key)
    if link is None:
        _refuse(request, "delphi.token.unknown")
    if not link.participant.consent:
        _refuse(request, "delphi.token.withdrawn", link)
    return link


def _feedback(link) -> dict[str, dict]:
    """Per statement: the rater's own previous rating and each group's distribution (plan applied)."""
    from mindthegap.report.delphi_feedback import feedback_rows
    from mindthegap.store.delphi.results import study_delphi

    before = links.previous_round(link.round)
    if before is None:
        return {}
    frames, plan = study_delphi(link.round.study)
    ratings = frames["ratings"][frames["ratings"]["round"] == before.number]
    if ratings["rating"].notna().sum() == 0:
        return {}
    rows = feedback_rows(ratings, frames["statements"], before.number, plan=plan,
                         rater_id=link.participant.pseudonym, min_n=link.round.study.min_n)  # fmt: skip
    return {r["statement"]: r for r in rows}


def _read(post, items) -> tuple[dict[str, dict], list[str]]:
    """Ratings and comments posted; statements left unrated; a value outside 0–9 is dropped as unrated."""
    answers, missing = {}, []
    for item in items:
        raw = post.get(f"r_{item.statement}", "")
        value = int(raw) if raw.isdigit() and 0 <= int(raw) <= 9 else None
        comment = post.get(f"c_{item.statement}", "")[: links.COMMENT_MAX].strip()
        answers[item.statement] = {"rating": value, "comment": comment}
        if value is None:
            missing.append(item.statement)
    return answers, missing


@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, key: str) -> HttpResponse:
    link = _resolve(request, key)
    if link.round.status != link.round.Status.OPEN:
        return _refuse(request, "delphi.closed", link, 410)
    if links.panel_of(link) is None:
        return _refuse(request, "delphi.no_panel", link, 403)
    if link.submitted_at is not None:
        if request.method == "POST":
            _note_repeat(request, link)
        return render(request, "collect/done.html", {"survey": _page(link.round), "again": True})
    items = links.items(link.round)
    missing: list[str] = []
    if request.method == "POST":
        action = request.POST.get("action", "save")
        answers, missing = _read(request.POST, items)
        links.save(link, answers)
        if action == "save":
            again = {"kind": "personal", "base": f"/delphi/{key}/"}
            return render(request, "collect/saved.html", {"survey": _page(link.round), "r": again})
        if not missing:
            return _submit(request, link, key)
        audit_hook.record("delphi.page.invalid", request=request, study=link.round.study, outcome="refused",
                          detail={"round": link.round.number, "fields": len(missing)})  # fmt: skip
    feedback = _feedback(link)
    rows = [
        {"item": i, "saved": link.answers.get(i.statement, {}), "feedback": feedback.get(i.statement),
         "missing": i.statement in missing}
        for i in items
    ]  # fmt: skip
    context = {"survey": _page(link.round), "rows": rows, "errors": bool(missing), "scores": range(1, 10)}
    return render(request, "collect/delphi.html", context, status=400 if missing else 200)


def _note_repeat(request: HttpRequest, link) -> None:
    audit_hook.record("delphi.submit.repeat", request=request, study=link.round.study, outcome="refused",
                      detail={"round": link.round.number})  # fmt: skip


def _submit(request: HttpRequest, link, key: str) -> HttpResponse:
    try:
        stored = links.submit(link)
    except links.Refused as refused:
        status = 410 if refused.reason == "closed" else 403
        return _refuse(request, f"delphi.{refused.reason.replace('-', '_')}", link, status)
    if stored:
        audit_hook.record("delphi.submit", request=request, study=link.round.study,
                          detail={"round": link.round.number})  # fmt: skip
    else:
        _note_repeat(request, link)
    return redirect(f"/delphi/{key}/done/")


@require_http_methods(["GET"])
def done(request: HttpRequest, key: str) -> HttpResponse:
    link = _resolve(request, key)
    if link.submitted_at is None:
        return redirect(f"/delphi/{key}/")
    return render(request, "collect/done.html", {"survey": _page(link.round), "again": False})
