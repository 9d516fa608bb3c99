"""Dashboards computed once per version of a study's data, not on every view.

A dashboard runs every analysis of the study (bootstrap intervals included), which takes seconds on the demo
study; the result only changes when the data do. Every change to a study's data — a save, an import, an edit,
a withdrawal or erasure, a suggestion decision, a setup change — writes an event to the study's audit log, so
the newest such event's id is the study's **data version**: a counter that only grows, kept in the database
and therefore seen alike by every waitress thread and process, and by the command line. Dashboards are cached
(Django's cache framework) under the study, the audience, the threshold and that version; a new version makes
the old entries unreachable, and they expire by themselves.

Code that changes a study's data without going through an audited function must call
:func:`mindthegap.store.audit.log.record` with one of :data:`DATA_CHANGES`, or dashboards go stale.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.cache import cache

from mindthegap import __version__
from mindthegap.store.audit.actions import Action
from mindthegap.store.audit.models import AuditEvent

#: the actions that change what a study's analyses see
DATA_CHANGES = (
    Action.STUDY_CREATED,
    Action.STUDY_EDITED,
    Action.IMPORTED,
    Action.EDITED,
    Action.DELETED,
    Action.WITHDRAWN,
    Action.ERASED,
    Action.SUGGESTION_ACCEPTED,
    Action.SUGGESTION_REJECTED,
    Action.RESPONSE_SUBMITTED,
    Action.RESTORED,
)
TIMEOUT = 24 * 3600  # seconds; stale versions are never read again, so this only bounds the memory they hold


def data_version(slug: str) -> int:
    """The id of the newest data-changing audit event of the study (0 when there is none)."""
    newest = (
        AuditEvent.objects.filter(study=slug, action__in=[a.value for a in DATA_CHANGES])
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    return int(newest or 0)


def cached(record, audience: str, build: Callable[[], Any]) -> Any:
    """``build()``'s result for this study record, audience and threshold at the current data version.

    The key also holds the record's creation time, so a study deleted and created again under the same id
    never meets the old one's dashboards."""
    born = int(record.created.timestamp() * 1e6) if record.created else 0
    version = data_version(record.slug)
    key = f"mindthegap:dashboard:{__version__}:{record.slug}:{born}:{audience}:{record.min_n}:{version}"
    found = cache.get(key)
    if found is None:
        found = build()
        cache.set(key, found, TIMEOUT)
    return found
