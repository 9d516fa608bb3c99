"""Codebook editing for a study's owners: add, rename, describe, move, merge and split, history kept."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from mindthegap.errors import StoreError
from mindthegap.store.coding import codebook
from mindthegap.store.qualitative import repository as repo
from mindthegap.store.studies.models import StudyAccess
from mindthegap.web.access import study_for
from mindthegap.web.coding.views import code_tree


def _apply(study, post) -> str:
    action, guid = post.get("action"), post.get("code", "")
    if action == "add":
        made = codebook.add_code(study, post.get("name", ""), post.get("parent") or None)
        return f"Code “{made.name}” added."
    if action == "rename":
        repo.rename_code(study, guid, codebook._name(post.get("name", "")))
        return "Code renamed."
    if action == "describe":
        codebook.describe_code(study, guid, post.get("description", ""), post.get("inclusion", ""),
                               post.get("exclusion", ""))  # fmt: skip
        return "Description and rules saved."
    if action == "move":
        repo.move_code(study, guid, post.get("parent") or None)
        return "Code moved."
    if action == "merge":
        moved = repo.merge_codes(study, [guid], post.get("into", ""))
        return f"Code merged; {moved} coding(s) now carry the code it went into."
    if action == "split":
        names = [n.strip() for n in post.get("names", "").split(",") if n.strip()]
        made = repo.split_code(study, guid, [codebook._name(n) for n in names])
        return f"{len(made)} new code(s) made under it; recode its segments to them."
    raise StoreError("that request was not understood")


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, slug: str) -> HttpResponse:
    study = study_for(request.user, slug, minimum=StudyAccess.Role.OWNER)
    if request.method == "POST":
        try:
            messages.success(request, _apply(study, request.POST))
        except StoreError as error:
            messages.error(request, f"{error}; nothing was changed.")
        return redirect("coding-codebook", slug)
    history = repo.code_history(study).tail(50).iloc[::-1].to_dict(orient="records")
    return render(
        request, "coding/codebook.html", {"study": study, "codes": code_tree(study), "history": history}
    )
