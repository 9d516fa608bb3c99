"""Dashboards rebuilt ahead of the viewer after a change (web/warming.py), and what a viewer sees meanwhile.

Warming is off under pytest (settings.WARM_DASHBOARDS); these tests turn it on where they test it, and never
let a real rebuild thread touch the database: the rebuild is a stand-in, or the warmer's state is set by hand.
"""

from __future__ import annotations

import threading

import pytest
from tests.test_audit import _person, _study

from mindthegap.store.studies.models import StudyAccess
from mindthegap.web import warming
from mindthegap.web.warming import Warmer


def test_a_burst_of_changes_makes_one_rebuild_and_one_more_after_it():
    """300 respondents submitting while a rebuild runs: one rebuild at a time, the burst coalesced into one."""
    started, release, calls = threading.Event(), threading.Event(), []

    def rebuild(slug: str) -> None:
        calls.append(slug)
        started.set()
        release.wait(10)

    warmer = Warmer(rebuild, rest=0)
    assert warmer.request("north") is True
    assert started.wait(10)
    assert [warmer.request("north") for _ in range(299)] == [False] * 299
    assert warmer.running("north")
    assert warmer.request("south") is True  # another study rebuilds beside it
    release.set()
    assert warmer.idle(10)
    assert sorted(calls) == ["north", "north", "south"]
    assert not warmer.running("north")


def test_the_warmer_rests_between_rebuilds_unless_the_next_is_urgent():
    """After a rebuild, a further one waits as long as the last took, times ``rest`` (here a million: the 60 s
    cap, beyond the test's 10 s bound); the warmer is idle within that bound only if the urgent request cuts
    the rest short."""
    started, release, calls = threading.Event(), threading.Event(), []

    def rebuild(slug: str) -> None:
        calls.append(slug)
        started.set()
        release.wait(10)

    warmer = Warmer(rebuild, rest=1e6)
    warmer.request("north")
    assert started.wait(10)
    warmer.request("north")  # a response submitted: the next rebuild may wait
    release.set()
    assert not warmer.idle(0.5) and calls == ["north"]  # resting
    warmer.request("north", urgent=True)  # a withdrawal: now
    assert warmer.idle(10) and calls == ["north", "north"]


def test_a_failed_rebuild_leaves_the_warmer_ready_for_the_next_change():
    def broken(slug: str) -> None:
        raise RuntimeError("database gone")

    warmer = Warmer(broken)
    warmer.request("north")
    assert warmer.idle(10) and not warmer.running("north")
    assert warmer.request("north") is True
    assert warmer.idle(10)


@pytest.mark.django_db
def test_changes_made_in_the_web_app_schedule_a_rebuild_once_committed(
    settings, monkeypatch, rf, django_capture_on_commit_callbacks
):
    from mindthegap.store.audit.actions import Action
    from mindthegap.store.audit.log import in_request, record

    asked: list[tuple[str, bool]] = []
    monkeypatch.setattr(warming.warmer, "request", lambda slug, urgent=False: asked.append((slug, urgent)))
    settings.WARM_DASHBOARDS = True
    _study("warm")
    request = rf.post("/")
    with django_capture_on_commit_callbacks(execute=True):
        with in_request(request):
            record(Action.RESPONSE_SUBMITTED, study="warm")
            assert asked == []  # not before the change is committed
            record(Action.EXPORTED, study="warm")  # changes nothing
        record(Action.IMPORTED, study="warm")  # the command line: `mindthegap web warm` is for that
    assert asked == [("warm", False)]
    with django_capture_on_commit_callbacks(execute=True), in_request(request):
        record(Action.WITHDRAWN, study="warm")  # viewers will wait for this one: no resting first
    assert asked == [("warm", False), ("warm", True)]
    settings.WARM_DASHBOARDS = False
    with django_capture_on_commit_callbacks(execute=True), in_request(request):
        record(Action.RESPONSE_SUBMITTED, study="warm")
    assert len(asked) == 2


def test_warming_is_off_under_pytest_unless_asked_for():
    from django.conf import settings

    assert settings.WARM_DASHBOARDS is False


@pytest.fixture
def counted(monkeypatch):
    from django.core.cache import cache

    from mindthegap.report import builder

    cache.clear()
    calls: list[str] = []
    real = builder.build_sections
    monkeypatch.setattr(builder, "build_sections", lambda ctx: calls.append(ctx.audience) or real(ctx))
    return calls


@pytest.mark.django_db
def test_while_rebuilding_viewers_get_the_previous_figures_but_never_after_a_withdrawal(
    client, monkeypatch, counted
):
    from mindthegap.store.audit.actions import Action
    from mindthegap.store.audit.log import record
    from mindthegap.store.studies.consent import set_consent

    study = _study("stale", people=12)
    client.force_login(_person("viewer", study))
    first = client.get("/studies/stale/")
    assert first.context["notice"] == "" and counted == ["aggregate"]

    record(Action.EDITED, study="stale")  # a new version, nobody removed
    monkeypatch.setattr(warming.warmer, "running", lambda slug: slug == "stale")
    waited: list[str] = []
    monkeypatch.setattr(warming.warmer, "wait", lambda slug, ready, timeout: waited.append(slug))
    meanwhile = client.get("/studies/stale/")
    assert counted == ["aggregate"]  # nothing computed: the previous version is shown
    assert meanwhile.context["notice"].startswith("updating; figures as of ")
    assert "Updating; figures as of" in meanwhile.content.decode()
    assert meanwhile.context["summary"] == first.context["summary"]

    set_consent(study, ["P-0001"], consent=False)  # a withdrawal: the old figures still count P-0001
    after = client.get("/studies/stale/")
    assert waited == ["stale"] and counted == ["aggregate", "aggregate"]
    assert after.context["notice"] == ""


@pytest.mark.django_db
def test_warm_builds_the_dashboards_of_the_audiences_in_use(client, counted):
    from mindthegap.web.dashboard_cache import warm

    study = _study("ahead", people=12)
    viewer = _person("viewer", study)
    _person("analyst", study, StudyAccess.Role.ANALYST)
    assert warm("ahead") == ["aggregate", "full"]
    assert warm("ahead") == []  # already current
    assert counted == ["aggregate", "full"]
    client.force_login(viewer)
    assert client.get("/studies/ahead/").status_code == 200
    assert counted == ["aggregate", "full"]  # the viewer waited for nothing


@pytest.mark.django_db
def test_the_command_line_warms_a_study(monkeypatch, counted, cli_here):
    monkeypatch.setattr("mindthegap.store.database.open_store", lambda *a, **k: "test database")
    study = _study("cold", people=12)
    _person("viewer", study)
    code, out, err = cli_here("web", "warm", "cold")
    assert code == 0, err
    assert "Built the aggregate dashboard(s) of cold" in out and counted == ["aggregate"]
    code, out, _ = cli_here("web", "warm", "cold")
    assert "cold's dashboards are current" in out
    code, _, err = cli_here("web", "warm", "cold", "--audience", "everyone")
    assert code != 0 and "unknown audience" in err


@pytest.mark.django_db(transaction=True)
def test_a_real_rebuild_in_its_thread_leaves_the_dashboard_current(settings, counted):
    """End to end: the warmer's own thread, with its own database connection, builds and caches the dashboard
    of committed data, so the viewer's next request computes nothing."""
    from mindthegap.web.dashboard_cache import is_current

    study = _study("threaded", people=12)
    _person("viewer", study)
    assert not is_current(study, "aggregate")
    assert warming.warmer.request("threaded") is True
    assert warming.warmer.idle(300)
    assert counted == ["aggregate"] and is_current(study, "aggregate")


@pytest.mark.django_db
def test_an_audience_built_before_is_rebuilt_too(counted):
    """No audience keeps being shown older figures: one built before is rebuilt with those in use."""
    from mindthegap.store.audit.actions import Action
    from mindthegap.store.audit.log import record
    from mindthegap.web.dashboard_cache import warm

    study = _study("kept", people=12)
    _person("viewer", study)  # the only audience in use: aggregates
    assert warm("kept", ["full"]) == ["full"]  # e.g. an analyst since removed
    record(Action.EDITED, study="kept")
    assert warm("kept") == ["aggregate", "full"]


def test_the_server_builds_every_study_at_start_one_after_another():
    """As ``serve`` starts, each study's dashboards are built in the background in the order given, never two
    at once (a stand-in rebuild records overlap); with warming off and no warmer given, nothing starts."""
    calls, overlap, busy = [], [], threading.Lock()

    def rebuild(slug: str) -> None:
        if not busy.acquire(blocking=False):
            overlap.append(slug)
            return
        try:
            calls.append(slug)
            threading.Event().wait(0.05)
        finally:
            busy.release()

    stand_in = Warmer(rebuild, rest=0)
    thread = warming.warm_at_start(["newest", "older", "oldest"], using=stand_in)
    thread.join(10)
    assert not thread.is_alive() and calls == ["newest", "older", "oldest"] and overlap == []
    assert warming.warm_at_start(["any"]) is None  # off under pytest (settings.WARM_DASHBOARDS)
    assert warming.warm_at_start([], using=stand_in) is None


@pytest.mark.django_db
def test_a_download_during_a_rebuild_waits_for_it_instead_of_building_beside_it(client, monkeypatch, counted):
    """The server's rebuild writes the report download too: a download asked for meanwhile waits for it (and
    asks it not to rest first), so every analysis runs once, not twice side by side; if the rebuild ends
    without it (another audience built, say), the download is built then."""
    from mindthegap.web.dashboard_cache import warm

    study = _study("busy", people=12)
    client.force_login(_person("viewer", study))
    asked: list[tuple[str, bool]] = []
    monkeypatch.setattr(warming.warmer, "running", lambda slug: slug == "busy")
    monkeypatch.setattr(warming.warmer, "request", lambda slug, urgent=False: asked.append((slug, urgent)))

    def rebuild_then_ready(slug, ready, timeout):  # the rebuild in progress finishes, then the wait looks
        warm(slug)
        return ready()

    monkeypatch.setattr(warming.warmer, "wait", rebuild_then_ready)
    first = client.get("/studies/busy/report.html")
    assert first.status_code == 200 and counted == ["aggregate"] and asked == [("busy", True)]

    from mindthegap.store.audit.actions import Action
    from mindthegap.store.audit.log import record

    record(Action.EDITED, study="busy")
    monkeypatch.setattr(warming.warmer, "wait", lambda slug, ready, timeout: None)  # ended without it
    again = client.get("/studies/busy/report.html")
    assert again.status_code == 200 and counted == ["aggregate", "aggregate"]
