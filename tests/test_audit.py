"""The audit log: append-only in the model and in the database (SQLite and PostgreSQL), every kind of action
recorded with who, what and from where, refusals recorded, and the log readable by study owners only."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, transaction
from django.test import Client
from typer.testing import CliRunner

from mindthegap.model import Participant, Policy, Principle, Service, Study, Wave
from mindthegap.model.levels import Level
from mindthegap.model.study import Role
from mindthegap.store.audit.actions import Action
from mindthegap.store.audit.guard import allow_purge
from mindthegap.store.audit.log import events, record
from mindthegap.store.audit.models import AppendOnlyError, AuditEvent
from mindthegap.store.studies.models import StudyAccess, StudyRecord

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-passphrase-9"


def _study(slug: str = "small", people: int = 3) -> StudyRecord:
    from mindthegap.store.evidence import save_all

    study = Study(
        id=slug,
        name=f"Study {slug}",
        policies=[Policy("p", "Policy", (Principle("safe", "Safe"),))],
        services=[Service("adults", "Adults")],
        waves=[Wave("w1", "Baseline", 0)],
        participants=[
            Participant(f"P-{i:04d}", Role.PRACTITIONER, Level.LOCAL_FRONTLINE, service="adults")
            for i in range(people)
        ],
    )
    save_all(study, {})
    return StudyRecord.objects.get(slug=slug)


def _person(name: str, study: StudyRecord | None = None, role: str = StudyAccess.Role.VIEWER):
    user = get_user_model().objects.create_user(name, password=PASSWORD)
    if study is not None:
        StudyAccess.objects.create(study=study, user=user, role=role)
    return user


def _last(action: Action, **filters) -> AuditEvent:
    found = AuditEvent.objects.filter(action=action.value, **filters).first()
    assert found is not None, f"no {action.value} event with {filters}"
    return found


# --- append-only --------------------------------------------------------------------------------------------


def test_the_model_refuses_to_change_or_delete_an_event():
    event = record(Action.EXPORTED, study="s", rows=3)
    event.detail = {"rows": 0}
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(actor="someone else")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).detail == {"rows": 3}


def test_the_database_refuses_to_change_or_delete_an_event():
    """Raw SQL goes round the model; the triggers (SQLite and PostgreSQL alike) still refuse."""
    event = record(Action.EXPORTED, study="s", rows=3)
    with allow_purge(False):
        for sql in (
            "UPDATE mtg_audit_event SET actor = 'someone else' WHERE id = %s",
            "DELETE FROM mtg_audit_event WHERE id = %s",
        ):
            with (
                pytest.raises(DatabaseError, match="append-only"),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk, actor=event.actor).exists()


def test_personal_data_is_refused_in_the_detail():
    with pytest.raises(ValueError, match="personal data"):
        record(Action.ERASED, study="s", pseudonym="P-0001")
    long = record(Action.EXPORTED, what="x" * 5000)
    assert len(long.detail["what"]) == 200


# --- sign-in ------------------------------------------------------------------------------------------------


def test_sign_in_success_failure_sign_out_and_throttle(client, settings):
    settings.SIGN_IN_ATTEMPTS = 2
    _person("qi.lead")
    client.post("/accounts/login/", {"username": "qi.lead", "password": "wrong password 1"})
    client.post("/accounts/login/", {"username": "nobody-here", "password": "my secret words"})
    failed = list(events(action="sign-in-failed").order_by("id"))
    assert [(e.actor, e.detail["known_account"]) for e in failed] == [("qi.lead", True), ("anonymous", False)]
    assert failed[0].ip == "127.0.0.1" and failed[0].channel == "web"
    assert "nobody-here" not in json.dumps(list(AuditEvent.objects.values()), default=str)

    assert client.post("/accounts/login/", {"username": "qi.lead", "password": PASSWORD}).status_code == 302
    assert _last(Action.SIGN_IN).actor == "qi.lead"
    client.post("/accounts/logout/")
    assert _last(Action.SIGN_OUT).actor == "qi.lead"

    for _ in range(3):
        client.post("/accounts/login/", {"username": "qi.lead", "password": "wrong password 2"})
    refused = client.post("/accounts/login/", {"username": "qi.lead", "password": PASSWORD})
    assert refused.status_code == 429
    assert _last(Action.SIGN_IN_THROTTLED).actor == "qi.lead"
    # two wrong passwords lock the account; the next two attempts are recorded as throttled only, not also
    # as wrong passwords
    assert events(action="sign-in-throttled").count() == 2
    assert events(action="sign-in-failed").count() == 2 + 2


def test_the_address_is_the_one_the_server_puts_in_remote_addr(client):
    """Behind the trusted proxy, waitress has put the client's address there (see cli/web.py)."""
    _person("qi.lead")
    client.post("/accounts/login/", {"username": "qi.lead", "password": "x"}, REMOTE_ADDR="2001:db8::7")
    assert _last(Action.SIGN_IN_FAILED).ip == "2001:db8::7"


# --- actions on studies -------------------------------------------------------------------------------------


def test_study_lifecycle_imports_withdrawal_erasure_and_access_are_recorded():
    from mindthegap.store.studies.consent import erase_participant, set_consent
    from mindthegap.store.studies.repository import delete_study

    record_ = _study("life")
    created = _last(Action.STUDY_CREATED, study="life")
    assert created.detail["participants"] == 3 and created.channel == "cli"
    assert _last(Action.IMPORTED, study="life").detail == {"what": "participants", "participants": 3}

    set_consent(record_, ["P-0001"], consent=False)
    assert _last(Action.WITHDRAWN, study="life").detail == {"consent": False, "changed": 1, "unchanged": 0}
    erase_participant(record_, "P-0002")
    erased = _last(Action.ERASED, study="life")
    assert erased.detail["erased"]["participants"] == 1 and "P-0002" not in json.dumps(erased.detail)

    user = _person("analyst", record_, StudyAccess.Role.ANALYST)
    granted = _last(Action.ACCESS_GRANTED, study="life")
    assert (granted.object_id, granted.detail) == ("analyst", {"role": "analyst", "new": True})
    assert _last(Action.USER_ADDED).object_id == "analyst"
    StudyAccess.objects.filter(user=user).delete()
    assert _last(Action.ACCESS_REVOKED, study="life").object_id == "analyst"

    delete_study("life")
    assert _last(Action.STUDY_DELETED, study="life")
    assert events(study="life").count() >= 7  # the log outlives the study


def test_downloads_exports_and_suggestion_decisions_are_recorded(client, demo_study):
    from tests.test_web import _suggest

    from mindthegap.store.evidence import save_all

    save_all(demo_study.study, demo_study.evidence)
    study = StudyRecord.objects.get(slug="northmoor")
    assert _last(Action.IMPORTED, study="northmoor", detail__what="evidence").detail["kinds"]
    client.force_login(_person("analyst", study, StudyAccess.Role.ANALYST))
    client.get("/studies/northmoor/gap.csv")
    assert _last(Action.EXPORTED, study="northmoor").actor == "analyst"
    ids = _suggest(study, n=2)
    client.post("/studies/northmoor/suggestions/", {"suggestion": ids[0], "decision": "accept"})
    client.post("/studies/northmoor/suggestions/", {"suggestion": ids[1], "decision": "reject"})
    assert _last(Action.SUGGESTION_ACCEPTED, study="northmoor").object_id == str(ids[0])
    assert _last(Action.SUGGESTION_REJECTED, study="northmoor").object_id == str(ids[1])


def test_a_report_download_is_recorded(client):
    study = _study("tiny")
    client.force_login(_person("viewer", study))
    assert client.get("/studies/tiny/report.html").status_code == 200
    assert _last(Action.DOWNLOADED, study="tiny").detail == {"what": "report", "audience": "aggregate"}


# --- refusals -----------------------------------------------------------------------------------------------


def test_refused_requests_are_recorded():
    mine = _study("mine")
    _study("theirs")
    anonymous = Client()
    anonymous.get("/studies/theirs/gap.csv")
    refused = _last(Action.REFUSED, study="theirs")
    assert (refused.actor, refused.detail["reason"], refused.detail["status"]) == (
        "anonymous",
        "not signed in",
        302,
    )
    person = Client(enforce_csrf_checks=True)
    person.force_login(_person("viewer", mine))
    assert person.get("/studies/theirs/").status_code == 404
    assert _last(Action.REFUSED, study="theirs", actor="viewer").detail["status"] == 404
    assert person.post("/studies/mine/suggestions/", {"suggestion": 1}).status_code == 403
    csrf = _last(Action.CSRF_REFUSED, study="mine")
    assert csrf.actor == "viewer" and csrf.detail["method"] == "POST"
    assert not AuditEvent.objects.filter(action="refused", study="mine").exists()  # recorded once


# --- the owner's page and the command line ------------------------------------------------------------------


def test_only_owners_read_the_audit_log_and_its_csv(client):
    study = _study("owned")
    for role in (StudyAccess.Role.VIEWER, StudyAccess.Role.ANALYST):
        client.force_login(_person(role, study, role))
        assert client.get("/studies/owned/audit/").status_code == 404
        assert client.get("/studies/owned/audit.csv").status_code == 404
    owner = _person("owner", study, StudyAccess.Role.OWNER)
    client.force_login(owner)
    record(Action.EXPORTED, study="owned", what='=HYPERLINK("http://x")')
    page = client.get("/studies/owned/audit/?action=exported").content.decode()
    assert "1 event" in page and "Table exported" in page and "Audit log" in page
    granted = '<td class="key">Access to a study granted'
    assert granted not in page
    assert granted in client.get("/studies/owned/audit/").content.decode()
    assert "Audit log</a>" in client.get("/studies/owned/").content.decode()
    csv = client.get("/studies/owned/audit.csv?action=exported")
    table = pd.read_csv(io.StringIO(csv.content.decode()))
    assert list(table["action"]) == ["exported"]
    assert json.loads(table["detail"][0])["what"] == '=HYPERLINK("http://x")'  # inside JSON text: inert
    assert _last(Action.AUDIT_EXPORTED, study="owned").actor == "owner"


def test_the_audit_page_filters_by_user_and_date_and_pages(client):
    study = _study("paged")
    client.force_login(_person("owner", study, StudyAccess.Role.OWNER))
    for i in range(60):
        record(Action.EXPORTED, study="paged", user="someone", rows=i)
    page = client.get("/studies/paged/audit/?user=someone").content.decode()
    assert "60 events" in page and "Page 1 of 2" in page and "page=2" in page
    assert "0 events" in client.get("/studies/paged/audit/?until=2000-01-01").content.decode() or (
        "No events match" in client.get("/studies/paged/audit/?until=2000-01-01").content.decode()
    )
    bad = client.get("/studies/paged/audit/?since=not-a-date").content.decode()
    assert "Some filters were not understood" in bad


def test_the_command_line_shows_and_exports_the_log(tmp_path, monkeypatch):
    from mindthegap.cli.main import app

    monkeypatch.setattr("mindthegap.store.database.open_store", lambda *a, **k: "test database")
    _study("cli")
    record(Action.EXPORTED, study="cli", what="@SUM(A1)")
    runner = CliRunner()
    shown = runner.invoke(app, ["audit", "--study", "cli"], env={"COLUMNS": "250"})
    assert shown.exit_code == 0, shown.output
    assert "3 event(s)" in shown.output  # the table's cells may be cut at the terminal's width: read the JSON
    listed = runner.invoke(app, ["audit", "--study", "cli", "--json"])
    assert "study-created" in {event["action"] for event in json.loads(listed.stdout)}
    as_json = runner.invoke(app, ["audit", "--study", "cli", "--action", "exported", "--json"])
    assert json.loads(as_json.stdout)[0]["detail"] == {"what": "@SUM(A1)"}
    out = tmp_path / "audit.csv"
    written = runner.invoke(app, ["audit", "--study", "cli", "--csv", str(out), "--since", "2000-01-01"])
    # the export itself is recorded after the file is written: the file holds every event before it
    assert written.exit_code == 0 and len(pd.read_csv(out)) == events(study="cli").count() - 1
    assert _last(Action.AUDIT_EXPORTED, study="cli").detail == {
        "what": "audit log",
        "file": "audit.csv",
        "rows": 3,
    }
    wrong = runner.invoke(app, ["audit", "--action", "nonsense"])
    assert wrong.exit_code != 0


def test_qualitative_imports_and_code_edits_are_recorded():
    from mindthegap.model.qualitative import Source
    from mindthegap.store.qualitative import models as q
    from mindthegap.store.qualitative.repository import add_sources, merge_codes, rename_code

    study = _study("qual")
    add_sources(study, [Source("int01.txt", "We talked about the ward."), Source("int02.txt", "More words.")])
    imported = _last(Action.IMPORTED, study="qual", detail__what="sources")
    assert imported.detail == {"what": "sources", "sources": 2} and "ward" not in json.dumps(imported.detail)
    q.CodeRecord.objects.create(study=study, guid="C1", name="Trust")
    q.CodeRecord.objects.create(study=study, guid="C2", name="Trusting")
    rename_code(study, "C1", "Trust between teams")
    assert _last(Action.EDITED, study="qual", object_id="C1").detail == {"change": "rename"}
    merge_codes(study, ["C2"], into="C1")
    assert _last(Action.EDITED, study="qual", object_id="C2").detail["change"] == "merge"
