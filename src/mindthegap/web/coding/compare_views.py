"""Double coding in the browser: set up a round, finish a source, compare coders and record the agreed version.

The comparison page is plain HTML forms (each change posts and the page reloads with the new agreement), so it
needs no script; every form carries the coder's version of their codings, checked like the workspace's.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.views.decorators.http import require_http_methods
from markupsafe import Markup

from mindthegap.errors import StoreError
from mindthegap.store.coding import double
from mindthegap.store.coding import workspace as ws
from mindthegap.store.coding.models import AgreedVersion, Assignment
from mindthegap.store.studies.models import StudyAccess
from mindthegap.text.lines import lines
from mindthegap.web.access import at_least, role_on, study_for

ANALYST = StudyAccess.Role.ANALYST
SHOWN = 50  # disagreements listed at once: resolving them reloads the page with the next ones


def _text(found, disputed: set[int]) -> Markup:
    """The source's lines, those in dispute marked; escaped here (a template loop is slow over thousands)."""
    return Markup(
        "".join(
            f'<p class="turn{" disagree" if line.start in disputed else ""}">{escape(line.text)}</p>'
            for line in found
        )
    )


@login_required
@require_http_methods(["GET", "POST"])
def rounds(request: HttpRequest, slug: str) -> HttpResponse:
    """The study's double-coding rounds; owners start a new one (named coders, a seeded sample or chosen sources)."""
    study = study_for(request.user, slug, minimum=ANALYST)
    is_owner = at_least(role_on(request.user, study), StudyAccess.Role.OWNER)
    if request.method == "POST":
        if not is_owner:
            raise Http404("No such page")
        try:
            sample = int(request.POST.get("sample") or 0) or None
            seed = int(request.POST.get("seed") or 0)
        except ValueError:
            messages.error(request, "The sample size and seed must be whole numbers; nothing was assigned.")
            return redirect("coding-double", slug)
        try:
            made = double.assign(
                study, request.POST.get("name", ""), request.POST.get("coders", "").split(","),
                sources=request.POST.getlist("source") or None, sample=sample, seed=seed,
                by=request.user.get_username(),
            )  # fmt: skip
            messages.success(request, f"Round “{made.name}” assigned.")
        except StoreError as error:
            messages.error(request, f"{error}; nothing was assigned.")
        return redirect("coding-double", slug)
    table = []
    for round_ in study.double_codings.all():
        by_source: dict = {}
        for a in (
            Assignment.objects.filter(round=round_).select_related("source").order_by("source__name", "coder")
        ):
            by_source.setdefault(a.source, []).append(a)
        agreed = set(AgreedVersion.objects.filter(round=round_).values_list("source_id", flat=True))
        table.append((round_, [(s, people, s.pk in agreed) for s, people in by_source.items()]))
    return render(request, "coding/rounds.html", {
        "study": study, "rounds": table, "is_owner": is_owner, "machine": _machine_agreement(study),
    })  # fmt: skip


def _machine_agreement(study) -> list[dict]:
    """People against the auto-coder, whole sources as units: reported apart, never as a coder."""
    from mindthegap.analysis.coders import machine_agreement
    from mindthegap.store.qualitative.repository import codings_frame, sources_frame

    table = machine_agreement(codings_frame(study), sources_frame(study))
    return table.to_dict(orient="records")


@login_required
def finish(request: HttpRequest, slug: str, ident: int, guid: str) -> HttpResponse:
    study = study_for(request.user, slug, minimum=ANALYST)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        done = double.finish(study, ident, guid, request.user.get_username())
    except ws.NotFound:
        raise Http404("No such assignment") from None
    messages.success(
        request,
        "Finished. " + ("Every coder has finished: compare now." if done else "Waiting for the others."),
    )
    return redirect("coding-compare", slug, ident, guid) if done else redirect("coding-workspace", slug, guid)


@login_required
@require_http_methods(["GET", "POST"])
def compare(request: HttpRequest, slug: str, ident: int, guid: str) -> HttpResponse:
    study = study_for(request.user, slug, minimum=ANALYST)
    me = request.user.get_username()
    try:
        round_, source = double.round_in(study, ident), ws.source_in(study, guid)
    except ws.NotFound:
        raise Http404("No such round or source") from None
    people = double.coders_of(round_, source)
    if not people:
        raise Http404("This source is not in that round")
    if request.method == "POST":
        _resolve(request, study, round_, source, me)
        return redirect(reverse("coding-compare", args=[slug, ident, guid]) + "#agreement")
    waiting = [a.coder for a in people if a.finished_at is None]
    context = {"study": study, "round": round_, "source": source, "people": people, "waiting": waiting,
               "me": me, "is_coder": me in {a.coder for a in people}}  # fmt: skip
    if not waiting:
        found = double.disagreements(round_, source)
        disputed = {d["start"] for d in found}
        context.update(
            now=double.agreement(round_, source).to_dict(orient="records"),
            independent=round_.independent.get(source.guid, {}).get("rows", []),
            disagreements=[(d, source.text[d["start"] : d["end"]]) for d in found[:SHOWN]],
            remaining=len(found),
            text=_text(lines(source.text), disputed),
            agreed=AgreedVersion.objects.filter(round=round_, source=source).first(),
            version=ws.version_of(source, me),
        )  # fmt: skip
    return render(request, "coding/compare.html", context)


def _resolve(request, study, round_, source, me: str) -> None:
    """One step of resolving: adopt another coder's coding as your own, drop your own, or record the result."""
    action = request.POST.get("action")
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    try:
        if action == "agree":
            made = double.record_agreed(study, round_.pk, source.guid, by=me)
            messages.success(request, f"Agreed version recorded ({made.codings} codings).")
        elif action == "adopt":
            theirs = _coding_of(round_, source, request.POST.get("coding"))
            ws.add_coding(study, source.guid, theirs.code.guid, theirs.start, theirs.end,
                          source.text[theirs.start : theirs.end], coder=me, version=version)  # fmt: skip
            messages.success(request, f"You now code “{theirs.code.name}” there too.")
        elif action == "drop":
            ws.remove_coding(study, request.POST.get("coding"), coder=me, version=version)
            messages.success(request, "Your coding was removed.")
        else:
            messages.error(request, "That request was not understood; nothing was changed.")
    except ws.Conflict as error:
        messages.error(request, str(error))
    except StoreError as error:
        messages.error(request, f"{error}; nothing was changed.")


def _coding_of(round_, source, ident):
    from mindthegap.store.qualitative import models as q

    coders = [a.coder for a in double.coders_of(round_, source)]
    try:
        return q.CodingRecord.objects.select_related("code").get(
            pk=int(ident), source=source, coder__in=coders
        )
    except (q.CodingRecord.DoesNotExist, TypeError, ValueError):
        raise ws.NotFound("no such coding on this source") from None
