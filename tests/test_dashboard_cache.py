"""Dashboards are computed once per version of the study's data, and again after every change."""

from __future__ import annotations

import pytest
from tests.test_audit import _person, _study

from mindthegap.store.studies.models import StudyAccess

pytestmark = pytest.mark.django_db


def test_a_dashboard_is_computed_once_per_data_version(client, monkeypatch):
    from mindthegap.report import builder
    from mindthegap.store.studies.consent import set_consent
    from mindthegap.web.dashboard_cache import data_version

    calls = []
    real = builder.build_sections
    monkeypatch.setattr(builder, "build_sections", lambda ctx: calls.append(ctx.audience) or real(ctx))
    study = _study("cached", people=12)
    client.force_login(_person("viewer", study))
    first = client.get("/studies/cached/").content.decode()
    again = client.get("/studies/cached/").content.decode()
    assert calls == ["aggregate"]
    assert (
        again[again.index("<main") :].split("csrfmiddlewaretoken")[0]
        == (first[first.index("<main") :].split("csrfmiddlewaretoken")[0])
    )

    version = data_version("cached")
    set_consent(study, ["P-0001"], consent=False)  # a withdrawal is a new version of the data
    assert data_version("cached") > version
    client.get("/studies/cached/")
    assert calls == ["aggregate", "aggregate"]

    analyst = _person("analyst", study, StudyAccess.Role.ANALYST)
    client.force_login(analyst)
    client.get("/studies/cached/")  # another audience is another dashboard
    assert calls == ["aggregate", "aggregate", "full"]


def test_events_that_change_nothing_keep_the_version():
    from mindthegap.store.audit.actions import Action
    from mindthegap.store.audit.log import record
    from mindthegap.web.dashboard_cache import data_version

    _study("steady")
    version = data_version("steady")
    record(Action.EXPORTED, study="steady")
    record(Action.REFUSED, study="steady")
    assert data_version("steady") == version > 0


def test_the_report_download_is_built_once_per_data_version(client, monkeypatch):
    """Downloading the report twice builds it once (the second is the same file, byte for byte); after a
    withdrawal the next download is built again, and every download is in the audit log."""
    from mindthegap.report import builder
    from mindthegap.store.audit.models import AuditEvent
    from mindthegap.store.studies.consent import set_consent

    calls = []
    real = builder.build_sections
    monkeypatch.setattr(builder, "build_sections", lambda ctx: calls.append(ctx.audience) or real(ctx))
    study = _study("download", people=12)
    client.force_login(_person("viewer", study))
    first = client.get("/studies/download/report.html").content
    again = client.get("/studies/download/report.html").content
    assert calls == ["aggregate"] and again == first
    set_consent(study, ["P-0001"], consent=False)
    client.get("/studies/download/report.html")
    assert calls == ["aggregate", "aggregate"]
    downloads = AuditEvent.objects.filter(study="download", action="downloaded", detail__what="report")
    assert downloads.count() == 3


def test_the_dashboard_and_the_download_come_from_one_run_of_the_analyses(client, monkeypatch):
    """Whichever is asked for first, the dashboard and the report download at one data version are built by one
    run of the report's sections, at one resample count, so the page and the file show the same figures; after
    a change the download is built again (never the older version) and the dashboard with it."""
    from mindthegap.report import builder
    from mindthegap.store.studies.consent import set_consent

    calls = []
    real = builder.build_sections
    monkeypatch.setattr(builder, "build_sections", lambda ctx: calls.append(ctx.n_boot) or real(ctx))
    study = _study("shared", people=24)
    client.force_login(_person("analyst", study, StudyAccess.Role.ANALYST))
    page = client.get("/studies/shared/")
    report = client.get("/studies/shared/report.html").content.decode()
    assert len(calls) == 1
    fragment = str(page.context["fragment"])
    assert fragment.strip() and fragment.strip() in report  # every section, figure and table, byte for byte

    set_consent(study, ["P-0001"], consent=False)
    again = client.get("/studies/shared/report.html").content.decode()
    assert len(calls) == 2 and again != report
    assert str(client.get("/studies/shared/").context["fragment"]).strip() in again
    assert len(calls) == 2  # the dashboard at the new version came with the download
