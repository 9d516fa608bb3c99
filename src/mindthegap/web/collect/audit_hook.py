"""Record what happens on the collection pages in the study's audit log.

The collection views name their events finely (``collect.link.reused``, ``collect.page.invalid`` …); the audit
log keeps a short, stable list of actions (:class:`mindthegap.store.audit.actions.Action`). This module maps one
onto the other and keeps the fine name in the event's detail, so an owner filtering on "Request refused" sees
every refused respondent request and can still tell a reused link from a closed survey. Events carry no
personal data: an action, an outcome, the study and survey ids, and a short reason.
"""

from __future__ import annotations

from typing import Any

from mindthegap.store.audit.actions import Action
from mindthegap.store.audit.log import record as _record
from mindthegap.store.audit.middleware import REFUSAL_RECORDED

#: events recorded in this process, newest last (tests read it; bounded)
RECENT: list[dict[str, Any]] = []
RECENT_KEPT = 500

#: fine event names that are not refusals, and the audit action each becomes
_ACTIONS = {
    "collect.submit": Action.RESPONSE_SUBMITTED,
    "delphi.submit": Action.RESPONSE_SUBMITTED,
    "collect.export": Action.EXPORTED,
    "collect.mailing_list": Action.EXPORTED,
    "collect.reminders": Action.EXPORTED,
}


def audit_action(event: str, outcome: str) -> Action:
    """The audit action for a collection event: every refusal is a refusal, whatever its reason."""
    if outcome == "refused":
        return Action.REFUSED
    return _ACTIONS.get(event, Action.EDITED)


def record(action: str, *, request=None, study=None, outcome: str = "ok", detail: dict | None = None) -> None:
    """Record the collection event ``action`` (e.g. ``"collect.token.unknown"``) with its outcome."""
    event = {"action": action, "outcome": outcome, "study": getattr(study, "slug", study), **(detail or {})}
    RECENT.append(event)
    del RECENT[:-RECENT_KEPT]
    extra = {k: v for k, v in (detail or {}).items() if v is not None}
    _record(
        audit_action(action, outcome), request=request, study=study, event=action, outcome=outcome, **extra
    )
    if outcome == "refused" and request is not None:
        setattr(request, REFUSAL_RECORDED, True)  # the middleware must not record the same refusal again
