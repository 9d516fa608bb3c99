"""Dashboards rebuilt in the background after a change made in the web app, so the next viewer does not wait.

When the web app records a data-changing audit event (a response submitted, a suggestion decided, the setup
edited, an import), :func:`on_audit_event` asks the :data:`warmer` to rebuild that study's dashboards once the
change is committed. The warmer runs at most one rebuild per study at a time, in a thread of the server
process; requests arriving meanwhile are coalesced into one more rebuild after it (300 respondents submitting
start two rebuilds, not 300). Before that next rebuild the warmer rests as long as the last one took (at most
:data:`MAX_REST` seconds), so a survey answered all day long keeps at most half a core busy rebuilding, and
viewers see the previous figures meanwhile; an urgent request (a withdrawal, or a viewer who may not be shown
the previous figures and is waiting) cuts the rest short. ``MINDTHEGAP_WARM_DASHBOARDS=0`` turns warming off (setting
``WARM_DASHBOARDS``); after an import on the command line, ``mindthegap web warm STUDY`` does the same.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connections, transaction

logger = logging.getLogger(__name__)
MAX_REST = 60.0  # seconds between two rebuilds of one study, at most


def enabled() -> bool:
    return bool(getattr(settings, "WARM_DASHBOARDS", False))


class Warmer:
    """One background rebuild per study at a time; requests during a rebuild make one more afterwards."""

    def __init__(self, rebuild: Callable[[str], Any] | None = None, *, rest: float = 1.0) -> None:
        self._rebuild = rebuild
        self._rest = rest  # rest before a further rebuild, as a multiple of the last one's time
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._state: dict[str, bool] = {}  # study → asked again while rebuilding
        self._urgent: set[str] = set()

    def request(self, slug: str, *, urgent: bool = False) -> bool:
        """Rebuild the study's dashboards soon (``urgent``: without resting first); True when this started a
        rebuild (False: one was running, and one more will follow it)."""
        with self._lock:
            if slug in self._state:
                self._state[slug] = True
                if urgent:
                    self._urgent.add(slug)
                    self._changed.notify_all()
                return False
            self._state[slug] = False
        threading.Thread(target=self._run, args=(slug,), name=f"mindthegap-warm-{slug}", daemon=True).start()
        return True

    def running(self, slug: str) -> bool:
        with self._lock:
            return slug in self._state

    def wait(self, slug: str, ready: Callable[[], Any], *, timeout: float) -> Any:
        """``ready()``'s first non-None answer, asked after each rebuild step, while the study's rebuild runs
        (None when it finishes or ``timeout`` seconds pass without one)."""
        deadline = time.monotonic() + timeout
        while True:
            found = ready()
            if found is not None:
                return found
            with self._lock:
                left = deadline - time.monotonic()
                if slug not in self._state or left <= 0:
                    return ready()
                self._changed.wait(min(left, 1.0))

    def idle(self, timeout: float = 60.0) -> bool:
        """Wait until no rebuild runs (for tests and the command line); True when idle."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while self._state and time.monotonic() < deadline:
                self._changed.wait(0.1)
            return not self._state

    def _run(self, slug: str) -> None:
        try:
            while True:
                started = time.monotonic()
                try:
                    (self._rebuild or _rebuild)(slug)
                except Exception as exc:  # viewers build instead; no personal data in logs
                    logger.warning("rebuilding the dashboards of %s failed (%s)", slug, type(exc).__name__)
                with self._lock:
                    self._changed.notify_all()
                    if not self._state.get(slug):
                        del self._state[slug]
                        self._urgent.discard(slug)
                        return
                    self._rest_after(slug, time.monotonic() - started)
                    self._state[slug] = False
                    self._urgent.discard(slug)
        finally:
            connections.close_all()  # this thread's own database connections

    def _rest_after(self, slug: str, took: float) -> None:
        """Wait (the lock released meanwhile) before the next rebuild, unless it is urgent."""
        until = time.monotonic() + min(took * self._rest, MAX_REST)
        while slug not in self._urgent and (left := until - time.monotonic()) > 0:
            self._changed.wait(left)


def _rebuild(slug: str) -> None:
    from mindthegap.web.dashboard_cache import warm

    warm(slug)


warmer = Warmer()


def warm_at_start(slugs: list[str], *, using: Warmer | None = None) -> threading.Thread | None:
    """Build the dashboards of ``slugs`` in the background as the server starts, one study after another, so
    the first viewer after a restart — or after ``mindthegap demo`` or an import on the command line, whose
    changes the server did not see — finds them built. None when warming is off or there is nothing to do."""
    chosen = using or warmer
    if not slugs or (using is None and not enabled()):
        return None

    def run() -> None:
        for slug in slugs:
            chosen.request(slug)
            chosen.wait(slug, lambda: None, timeout=3600)  # one study at a time: the server stays responsive

    thread = threading.Thread(target=run, name="mindthegap-warm-at-start", daemon=True)
    thread.start()
    return thread


def on_audit_event(sender, instance, created: bool, **_: Any) -> None:
    """After a data-changing event recorded by the web app, rebuild the study's dashboards once committed."""
    from mindthegap.web.dashboard_cache import DATA_CHANGES, REMOVALS

    if not created or instance.channel != "web" or not instance.study or not enabled():
        return
    if instance.action not in {a.value for a in DATA_CHANGES}:
        return
    slug, urgent = instance.study, instance.action in {a.value for a in REMOVALS}
    transaction.on_commit(lambda: warmer.request(slug, urgent=urgent))
