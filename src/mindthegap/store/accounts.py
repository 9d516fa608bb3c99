"""People and their access to studies: the functions ``mindthegap user …`` calls (the command line imports no Django).

Each takes plain values and raises :class:`~mindthegap.errors.InputError` with a one-line message a user can act on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from mindthegap.errors import ConfigurationError, InputError, renamed_keyword
from mindthegap.store.studies.models import StudyAccess
from mindthegap.store.studies.repository import get_record

#: What a person may do with a study in the web app ("access"; a participant's job is their "role"). Stored in
#: the ``role`` column of :class:`~mindthegap.store.studies.models.StudyAccess`, a name kept for the database.
ACCESS = ("viewer", "analyst", "owner")


def check_access(access: str) -> None:
    """Refuse access that is not one of :data:`ACCESS`."""
    if access not in ACCESS:
        raise ConfigurationError(f"unknown access {access!r}", hint=f"use one of: {', '.join(ACCESS)}")


def check_username(username: str) -> None:
    """The rules of Django's own user model, checked first so a bad name is one line, not a crash."""
    field = get_user_model()._meta.get_field("username")
    if not username.strip():
        raise InputError("the username is empty", hint="give a login name such as 'qi.lead'")
    try:
        field.clean(username, None)
    except ValidationError as exc:
        raise InputError(
            f"username {username!r} is not accepted: {' '.join(exc.messages)}",
            hint="use letters, digits and @ . + - _ only",
        ) from None


def add_user(
    username: str,
    read_password: Callable[[], str],
    *,
    studies: Sequence[str] = (),
    access: str | None = None,
    superuser: bool = False,
    role: str | None = None,
) -> None:
    """Create a login and grant ``studies`` in one transaction; the password is read only once all else is valid.

    ``access`` (viewer by default) is what the person may do with those studies; ``role=`` is its old name."""
    access = renamed_keyword("add_user", "role", "access", role, access, "viewer")
    check_access(access)
    check_username(username)
    model = get_user_model()
    if model.objects.filter(username=username).exists():
        raise InputError(
            f"user {username!r} already exists", hint="use 'mindthegap user grant' to add studies"
        )
    for study_id in studies:
        get_record(study_id)  # before the password is asked for, so a typo costs nothing
    password = read_password()
    try:
        validate_password(password, model(username=username))
    except ValidationError as exc:
        raise InputError(f"password refused: {' '.join(exc.messages)}") from None
    with transaction.atomic():
        if superuser:
            model.objects.create_superuser(username=username, password=password)
        else:
            model.objects.create_user(username=username, password=password)
        for study_id in studies:
            grant(username, study_id, access)


def grant(username: str, study_id: str, access: str | None = None, *, role: str | None = None) -> None:
    """Give an existing person ``access`` to a study (or change the access they have); ``role=`` is its old name."""
    access = renamed_keyword("grant", "role", "access", role, access, "viewer")
    check_access(access)
    try:
        user = get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist:
        raise InputError(f"no user {username!r}", hint="create them with 'mindthegap user add'") from None
    StudyAccess.objects.update_or_create(study=get_record(study_id), user=user, defaults={"role": access})


def revoke(username: str, study_id: str) -> bool:
    """Remove a person's access to a study; whether they had any."""
    deleted, _ = StudyAccess.objects.filter(user__username=username, study__slug=study_id).delete()
    return bool(deleted)
