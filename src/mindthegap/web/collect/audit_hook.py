"""Record an event in the audit log, when the audit app is installed; otherwise do nothing.

The audit log (:mod:`mindthegap.store.audit.log`) is built beside this app; until it is merged this shim keeps
every call site in place. Events carry no personal data: an action, an outcome, the study and survey ids, and
a short reason.
"""

from __future__ import annotations

from typing import Any

try:  # pragma: no cover - depends on which apps are merged
    from mindthegap.store.audit.log import record as _record
except ImportError:  # pragma: no cover
    _record = None

#: events recorded in this process, newest last (tests read it; bounded)
RECENT: list[dict[str, Any]] = []
RECENT_KEPT = 500


def record(action: str, *, request=None, study=None, outcome: str = "ok", detail: dict | None = None) -> None:
    """Record ``action`` (e.g. ``"collect.token.unknown"``) with its outcome (``ok`` or ``refused``)."""
    event = {"action": action, "outcome": outcome, "study": getattr(study, "slug", study), **(detail or {})}
    RECENT.append(event)
    del RECENT[:-RECENT_KEPT]
    if _record is None:
        return
    try:
        _record(action, request=request, study=study, outcome=outcome, detail=detail or {})
    except TypeError:  # an audit API with another signature: keep the event rather than fail the respondent
        _record(action, request=request, study=study, detail={"outcome": outcome, **(detail or {})})
