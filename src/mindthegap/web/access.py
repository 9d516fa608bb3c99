"""Per-study access control: nobody sees a study without a StudyAccess row (superusers see everything).

A study the user may not see answers 404, not 403, so its existence is not revealed.
"""

from __future__ import annotations

from django.http import Http404

from mindthegap.store.studies.models import StudyAccess, StudyRecord

RANK = {StudyAccess.Role.VIEWER: 0, StudyAccess.Role.ANALYST: 1, StudyAccess.Role.OWNER: 2}


def visible_studies(user):
    if not user.is_authenticated:
        return StudyRecord.objects.none()
    if user.is_superuser:
        return StudyRecord.objects.order_by("name")
    return StudyRecord.objects.filter(access__user=user).distinct().order_by("name")


def study_for(user, slug: str, minimum: str = StudyAccess.Role.VIEWER) -> StudyRecord:
    """The study if ``user`` holds at least ``minimum`` on it; otherwise 404."""
    try:
        study = StudyRecord.objects.get(slug=slug)
    except StudyRecord.DoesNotExist:
        raise Http404("No such study") from None
    if user.is_superuser:
        return study
    access = StudyAccess.objects.filter(study=study, user=user).first()
    if access is None or not at_least(access.role, minimum):
        raise Http404("No such study")
    return study


def at_least(role: str | None, minimum: str) -> bool:
    """Whether ``role`` (viewer < analyst < owner) carries at least ``minimum``; no role carries nothing."""
    return role is not None and RANK[StudyAccess.Role(role)] >= RANK[StudyAccess.Role(minimum)]


def role_on(user, study: StudyRecord) -> str | None:
    if user.is_superuser:
        return StudyAccess.Role.OWNER
    access = StudyAccess.objects.filter(study=study, user=user).first()
    return access.role if access else None
