"""Recording and reading audit events.

``record(action, study=…, obj=…, **detail)`` is the one way to write an event. Inside a web request the
:class:`~mindthegap.store.audit.middleware.AuditMiddleware` has put the request in a context variable, so the
account and address are filled in without passing the request around; on the command line the actor is the
operating-system account running the command.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import getpass
import ipaddress
from collections.abc import Iterator
from typing import Any

import pandas as pd

from mindthegap.store.audit.actions import Action
from mindthegap.store.audit.models import AuditEvent

ANONYMOUS = "anonymous"
#: keys that would carry personal data into a log nobody can ever edit
FORBIDDEN_KEYS = frozenset(
    {"password", "text", "comment", "answer", "answers", "email", "pseudonym", "pseudonyms", "quote"}
)
MAX_VALUE = 200  # characters kept of any string in ``detail``

_request: contextvars.ContextVar = contextvars.ContextVar("mindthegap_audit_request", default=None)


@contextlib.contextmanager
def in_request(request) -> Iterator[None]:
    """Make ``request`` the one :func:`record` draws the account and address from (used by the middleware)."""
    token = _request.set(request)
    try:
        yield
    finally:
        _request.reset(token)


def current_request():
    return _request.get()


def record(
    action: Action | str,
    *,
    study: Any = None,
    user: Any = None,
    request: Any = None,
    obj: Any = None,
    **detail: Any,
) -> AuditEvent:
    """Append one event. ``study`` is a study record, a ``Study`` or its id; ``obj`` a model instance or a
    ``(kind, id)`` pair; ``detail`` counts, ids and settings — never personal data (refused by key)."""
    action = Action(action)
    request = request if request is not None else _request.get()
    if user is None and request is not None:
        user = getattr(request, "user", None)
    actor, user_id, channel = _who(user, request)
    kind, ident = _object(obj)
    return AuditEvent.objects.create(
        actor=actor[:150],
        user_id=user_id,
        channel=channel,
        action=action.value,
        study=_study_id(study)[:64],
        object_kind=kind[:64],
        object_id=ident[:64],
        detail=_clean(detail),
        ip=client_ip(request),
    )


def _who(user, request) -> tuple[str, int | None, str]:
    if user is not None and getattr(user, "is_authenticated", False):
        return user.get_username(), user.pk, "web" if request is not None else "cli"
    if isinstance(user, str) and user:
        return user, None, "web" if request is not None else "cli"
    if request is not None:
        return ANONYMOUS, None, "web"
    try:
        return getpass.getuser(), None, "cli"
    except Exception:  # no login name (some containers): still record the event
        return ANONYMOUS, None, "cli"


def _study_id(study) -> str:
    if study is None:
        return ""
    if isinstance(study, str):
        return study
    return str(getattr(study, "slug", None) or getattr(study, "id", ""))


def _object(obj) -> tuple[str, str]:
    if obj is None:
        return "", ""
    if isinstance(obj, tuple):
        kind, ident = obj
        return str(kind), str(ident)
    meta = getattr(obj, "_meta", None)
    kind = meta.model_name if meta is not None else type(obj).__name__.lower()
    return kind, str(getattr(obj, "pk", "") or "")


def _clean(detail: dict[str, Any]) -> dict[str, Any]:
    bad = sorted(FORBIDDEN_KEYS & set(detail))
    if bad:
        raise ValueError(f"audit detail must not carry personal data ({', '.join(bad)})")
    return {key: _short(value) for key, value in detail.items()}


def _short(value: Any) -> Any:
    if isinstance(value, str):
        return value[:MAX_VALUE]
    if isinstance(value, dict):
        return {str(k): _short(v) for k, v in list(value.items())[:50]}
    if isinstance(value, list | tuple | set):
        return [_short(v) for v in list(value)[:50]]
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)[:MAX_VALUE]


def client_ip(request) -> str | None:
    """The client's address. Behind the trusted TLS proxy, waitress has already put the address from
    ``X-Forwarded-For`` into ``REMOTE_ADDR`` (``mindthegap serve --trusted-proxy``); nothing else is believed."""
    if request is None:
        return None
    raw = (getattr(request, "META", {}) or {}).get("REMOTE_ADDR", "")
    try:
        return str(ipaddress.ip_address(raw.strip()))
    except ValueError:
        return None


def events(
    *,
    study: str | None = None,
    action: str | None = None,
    actor: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
):
    """Events, newest first, filtered by study, action, actor and time (``until`` exclusive)."""
    rows = AuditEvent.objects.all()
    if study is not None:
        rows = rows.filter(study=study)
    if action:
        rows = rows.filter(action=Action(action).value)
    if actor:
        rows = rows.filter(actor=actor)
    if since is not None:
        rows = rows.filter(at__gte=since)
    if until is not None:
        rows = rows.filter(at__lt=until)
    return rows


COLUMNS = ["at", "actor", "channel", "action", "study", "object_kind", "object_id", "ip", "detail"]


def events_frame(rows) -> pd.DataFrame:
    """Events as a table (``at`` in ISO 8601 with its offset, ``detail`` as JSON text) for CSV and JSON."""
    import json

    data = [
        {
            "at": e.at.isoformat(),
            "actor": e.actor,
            "channel": e.channel,
            "action": e.action,
            "study": e.study,
            "object_kind": e.object_kind,
            "object_id": e.object_id,
            "ip": e.ip or "",
            "detail": json.dumps(e.detail, sort_keys=True, ensure_ascii=False),
        }
        for e in rows.iterator()
    ]
    return pd.DataFrame(data, columns=COLUMNS)
