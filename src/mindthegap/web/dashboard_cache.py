"""Dashboards computed once per version of a study's data, not on every view, and rebuilt ahead of the viewer.

A dashboard runs every analysis of the study (bootstrap intervals included), which takes seconds on the demo
study; the result only changes when the data do. Every change to a study's data — a save, an import, an edit,
a withdrawal or erasure, a suggestion decision, a setup change — writes an event to the study's audit log, so
the newest such event's id is the study's **data version**: a counter that only grows, kept in the database
and therefore seen alike by every waitress thread and process, and by the command line. Dashboards are cached
(Django's cache framework) under the study, the audience, the threshold and that version; a new version makes
the old entries unreachable, and they expire by themselves.

After a change, :mod:`mindthegap.web.warming` rebuilds the study's dashboards in the background. While it
runs, a viewer gets the newest dashboard already built, with a one-line notice saying how old its figures are
(:func:`cached`), except after a withdrawal, an erasure, a deletion, a restore or a setup change that leaves
free text redacted: withdrawn people's data (and redacted words) must leave every page at once, so then the
viewer waits for the new build.

Code that changes a study's data without going through an audited function must call
:func:`mindthegap.store.audit.log.record` with one of :data:`DATA_CHANGES`, or dashboards go stale.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone

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
#: changes after which an older dashboard must never be shown: it would still count the people removed
REMOVALS = (Action.WITHDRAWN, Action.ERASED, Action.DELETED, Action.RESTORED)
TIMEOUT = 24 * 3600  # seconds; stale versions are never read again, so this only bounds the memory they hold
WAIT = 300  # seconds a viewer waits for a rebuild in progress before building the dashboard itself


def data_version(slug: str) -> int:
    """The id of the newest data-changing audit event of the study (0 when there is none)."""
    return _newest(slug)[0]


def _newest(slug: str) -> tuple[int, dt.datetime | None]:
    newest = (
        AuditEvent.objects.filter(study=slug, action__in=[a.value for a in DATA_CHANGES])
        .order_by("-id")
        .values_list("id", "at")
        .first()
    )
    return (int(newest[0]), newest[1]) if newest else (0, None)


def _prefix(record, audience: str) -> str:
    """The study record, audience and threshold; the record's creation time too, so a study deleted and
    created again under the same id never meets the old one's dashboards."""
    born = int(record.created.timestamp() * 1e6) if record.created else 0
    return f"mindthegap:dashboard:{__version__}:{record.slug}:{born}:{audience}:{record.min_n}"


def cached(record, audience: str, build: Callable[[], Any]) -> dict:
    """``build()``'s result (a dict) for this study record, audience and threshold at the current data version.

    When that version is not built yet and a rebuild is under way (or warming can start one), the newest
    version already built is returned instead, with ``"notice"`` saying how old its figures are — unless
    people were removed since (:data:`REMOVALS`): then this waits for the rebuild, or builds."""
    from mindthegap.web import warming

    version, at = _newest(record.slug)
    key = f"{_prefix(record, audience)}:{version}"
    found = cache.get(key)
    if found is not None:
        return found
    if warming.enabled() or warming.warmer.running(record.slug):
        previous = _previous(record, audience, version)
        if warming.enabled():  # a viewer who would wait makes the rebuild urgent
            warming.warmer.request(record.slug, urgent=previous is None)
        if previous is not None:
            return {**previous, "notice": _notice(previous.get("as_of"))}
        found = warming.warmer.wait(record.slug, lambda: cache.get(key), timeout=WAIT)
        if found is not None:
            return found
    return store(record, audience, version, at, build())


def store(record, audience: str, version: int, at: dt.datetime | None, parts: dict) -> dict:
    """Cache a dashboard built at ``version`` (data as of ``at``) and remember it as the newest built; the
    report built with it (``parts["report"]``) is cached as that version's download."""
    parts = {**parts, "as_of": at}
    report = parts.pop("report", None)
    if report is not None:
        cache.set(_download_key(record, audience, version), report, TIMEOUT)
    cache.set(f"{_prefix(record, audience)}:{version}", parts, TIMEOUT)
    newest = cache.get(f"{_prefix(record, audience)}:newest")
    if newest is None or newest < version:
        cache.set(f"{_prefix(record, audience)}:newest", version, TIMEOUT)
    return parts


def _download_key(record, audience: str, version: int) -> str:
    return f"{_prefix(record, f'download-report-{audience}')}:{version}"


def report_html(record, audience: str) -> str:
    """The downloadable report for ``audience`` at exactly the current data version: built once per version
    however often it is downloaded, and never an older version — unlike a dashboard, a file taken away must
    hold the data as they are now. It comes from the same run of the analyses as the dashboard at that version
    (whichever is asked for first builds both), so page and file show the same figures.

    A build reads the data after the version is read, so what is cached under a version is never older than
    it (a change during the build makes a newer version, built again when asked for). While the server is
    rebuilding the study, its build writes this download too: the request waits for it (asking it not to rest
    first) rather than running every analysis a second time beside it, and builds only if it did not."""
    from mindthegap.web import warming

    version, at = _newest(record.slug)
    key = _download_key(record, audience, version)
    found = cache.get(key)
    if found is None and warming.warmer.running(record.slug):
        warming.warmer.request(record.slug, urgent=True)
        found = warming.warmer.wait(record.slug, lambda: cache.get(key), timeout=WAIT)
    if found is None:
        parts = build_parts(record, audience)
        found = parts["report"]
        store(record, audience, version, at, parts)
    return found


def is_current(record, audience: str) -> bool:
    return cache.get(f"{_prefix(record, audience)}:{data_version(record.slug)}") is not None


def _previous(record, audience: str, version: int) -> dict | None:
    """The newest dashboard built before ``version``, if nobody was removed from the study since."""
    before = cache.get(f"{_prefix(record, audience)}:newest")
    if before is None or before >= version:
        return None
    # removals, and a setup change that leaves free text redacted (it may have just been turned on)
    removed = (
        AuditEvent.objects.filter(study=record.slug, id__gt=before)
        .filter(
            Q(action__in=[a.value for a in REMOVALS])
            | Q(action=Action.STUDY_EDITED.value, detail__redact_free_text=True)
        )
        .exists()
    )
    return None if removed else cache.get(f"{_prefix(record, audience)}:{before}")


def _notice(at: dt.datetime | None) -> str:
    if at is None:
        return "updating; figures as of an earlier version of the data"
    local = timezone.localtime(at)
    return f"updating; figures as of {local:%H:%M} on {local.day} {local:%B %Y}"


def build_parts(record, audience: str) -> dict:
    """A dashboard — the report's sections for ``audience`` as the page's summary, contents and HTML — and,
    from the same sections, the downloadable report (``"report"``, which :func:`store` keeps apart)."""
    from mindthegap.report.builder import build_sections
    from mindthegap.report.render import render_fragment, render_html
    from mindthegap.web.views import BOOTSTRAP, report_context

    ctx = report_context(record.slug, BOOTSTRAP, audience)
    sections = build_sections(ctx)
    return {
        "summary": [(s.title, line) for s in sections for line in s.summary],
        "contents": [(s.id, s.title) for s in sections],
        "fragment": render_fragment(sections, min_n=ctx.min_n),
        "report": render_html(record.name, sections, min_n=ctx.min_n),
    }


def warm(slug: str, audiences: list[str] | None = None) -> list[str]:
    """Build and cache the study's dashboards at the current version for ``audiences`` (default: those in
    use, :func:`audiences_in_use`); returns the audiences built (those already current are skipped)."""
    from mindthegap.store.studies.models import StudyRecord

    record = StudyRecord.objects.filter(slug=slug).first()
    if record is None:
        return []
    built = []
    for audience in audiences or audiences_in_use(record):
        version, at = _newest(slug)
        if cache.get(f"{_prefix(record, audience)}:{version}") is None:
            store(record, audience, version, at, build_parts(record, audience))
            built.append(audience)
    return built


def audiences_in_use(record) -> list[str]:
    """The audiences of the people who may open the study: viewers' aggregates first (the many), then the
    full dashboard where an analyst, owner or administrator may read it; and any audience built before (whose
    viewers would otherwise be shown its older figures until they waited)."""
    from django.contrib.auth import get_user_model

    from mindthegap.store.studies.models import StudyAccess
    from mindthegap.web.views import audience_for

    found = {
        audience_for(role) for role in StudyAccess.objects.filter(study=record).values_list("role", flat=True)
    }
    if get_user_model().objects.filter(is_superuser=True, is_active=True).exists():
        found.add("full")
    found |= {a for a in ("aggregate", "full") if cache.get(f"{_prefix(record, a)}:newest") is not None}
    return [a for a in ("aggregate", "full") if a in found]
