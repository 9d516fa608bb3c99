"""Events recorded from Django's signals, so every path is covered (web pages, admin, command line):
sign-in, sign-out and failed sign-ins; accounts created and removed; study access granted, changed and
removed."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save

from mindthegap.store.audit.actions import Action
from mindthegap.store.audit.log import ANONYMOUS, record

#: set on the request by the sign-in backend when the throttle refused an attempt (already recorded)
THROTTLED_FLAG = "_mindthegap_throttled"


def _signed_in(sender, request, user, **kwargs) -> None:
    record(Action.SIGN_IN, user=user, request=request)


def _signed_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        record(Action.SIGN_OUT, user=user, request=request)


def _sign_in_failed(sender, credentials, request=None, **kwargs) -> None:
    """A wrong password. The username is recorded only when such an account exists: what people type into
    the box may be their password or someone else's name, which has no place in a permanent log."""
    if request is not None and getattr(request, THROTTLED_FLAG, False):
        return
    typed = str(credentials.get(get_user_model().USERNAME_FIELD) or credentials.get("username") or "")
    account = get_user_model().objects.filter(username=typed).first() if typed else None
    record(
        Action.SIGN_IN_FAILED,
        user=account.get_username() if account else ANONYMOUS,
        request=request,
        known_account=account is not None,
    )


def throttled(request, username: str) -> None:
    """Record a sign-in refused by the throttle (called by the authentication backend)."""
    account = get_user_model().objects.filter(username=username).first()
    if request is not None:
        setattr(request, THROTTLED_FLAG, True)
    record(
        Action.SIGN_IN_THROTTLED,
        user=account.get_username() if account else ANONYMOUS,
        request=request,
        known_account=account is not None,
    )


def _access_saved(sender, instance, created, **kwargs) -> None:
    record(
        Action.ACCESS_GRANTED,
        study=instance.study.slug,
        obj=("user", instance.user.get_username()),
        role=instance.role,
        new=created,
    )


def _access_removed(sender, instance, **kwargs) -> None:
    try:
        study = instance.study.slug
    except Exception:  # the study itself is being deleted (its deletion is recorded on its own)
        study = ""
    try:
        username = instance.user.get_username()
    except Exception:  # the account is being deleted
        username = str(instance.user_id)
    record(Action.ACCESS_REVOKED, study=study, obj=("user", username), role=instance.role)


def _user_saved(sender, instance, created, **kwargs) -> None:
    if created:
        record(
            Action.USER_ADDED,
            obj=("user", instance.get_username()),
            superuser=bool(instance.is_superuser),
        )


def _user_removed(sender, instance, **kwargs) -> None:
    record(Action.USER_REMOVED, obj=("user", instance.get_username()))


def connect() -> None:
    from mindthegap.store.studies.models import StudyAccess

    user_logged_in.connect(_signed_in, dispatch_uid="mtg-audit-in")
    user_logged_out.connect(_signed_out, dispatch_uid="mtg-audit-out")
    user_login_failed.connect(_sign_in_failed, dispatch_uid="mtg-audit-failed")
    post_save.connect(_access_saved, sender=StudyAccess, dispatch_uid="mtg-audit-access-saved")
    post_delete.connect(_access_removed, sender=StudyAccess, dispatch_uid="mtg-audit-access-removed")
    user = get_user_model()
    post_save.connect(_user_saved, sender=user, dispatch_uid="mtg-audit-user-saved")
    post_delete.connect(_user_removed, sender=user, dispatch_uid="mtg-audit-user-removed")
