"""Accounts and study setup in the browser: the first administrator, and owners changing their study under the
same rules as a study file, every change audited."""

from __future__ import annotations

import io

import pytest
import yaml
from django.contrib.auth import get_user_model
from tests.test_audit import _person, _study
from typer.testing import CliRunner

from mindthegap.store.audit.models import AuditEvent
from mindthegap.store.studies.models import ParticipantRecord, StudyAccess, StudyRecord

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Tall-ships-sail-at-dawn-42"


# --- the first administrator --------------------------------------------------------------------------------


def test_the_first_run_page_creates_one_administrator_then_disappears(client, settings):
    from mindthegap.web import first_run

    assert client.get("/setup/first-run/").status_code == 200  # the test client calls from 127.0.0.1
    assert client.get("/setup/first-run/", REMOTE_ADDR="10.1.2.3").status_code == 404
    # through a proxy on this machine every request looks local: not enough
    assert client.get("/setup/first-run/", HTTP_X_FORWARDED_FOR="10.1.2.3").status_code == 404
    token = first_run.issue_token()
    assert client.get(f"/setup/first-run/?token={token}", REMOTE_ADDR="10.1.2.3").status_code == 200
    settings.HTTPS = True  # behind the TLS proxy nothing is local: the token is the only way in
    assert client.get("/setup/first-run/").status_code == 404
    settings.HTTPS = False
    assert client.get("/setup/first-run/?token=guess", REMOTE_ADDR="10.1.2.3").status_code == 404
    far = {"REMOTE_ADDR": "10.1.2.3"}
    weak = client.post("/setup/first-run/", {"username": "admin", "password1": "alphaalpha",
                                             "password2": "alphaalpha", "token": token}, **far)  # fmt: skip
    assert weak.status_code == 200 and "There is a problem" in weak.content.decode()
    done = client.post("/setup/first-run/", {"username": "admin", "password1": NEW_PASSWORD,
                                             "password2": NEW_PASSWORD, "token": token}, **far)  # fmt: skip
    assert done.status_code == 302
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff and client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="user-added", object_id="admin", detail__superuser=True).exists()
    assert client.get("/setup/first-run/").status_code == 404
    assert client.get(f"/setup/first-run/?token={token}").status_code == 404


def test_user_add_admin_on_the_command_line(monkeypatch):
    from mindthegap.cli.main import app

    monkeypatch.setattr("mindthegap.store.database.open_store", lambda *a, **k: "test database")
    result = CliRunner().invoke(
        app, ["user", "add", "boss", "--admin", "--password-stdin"], input=NEW_PASSWORD + "\n"
    )
    assert result.exit_code == 0, result.output
    assert get_user_model().objects.get(username="boss").is_superuser


# --- study setup --------------------------------------------------------------------------------------------


@pytest.fixture
def owner_client(client):
    study = _study("setup", people=3)
    client.force_login(_person("owner", study, StudyAccess.Role.OWNER))
    return client


def _post(client, data: dict, **kw):
    return client.post("/studies/setup/setup/", data, follow=True, **kw).content.decode()


def test_only_owners_set_up_a_study(client):
    study = _study("closed")
    for role in (StudyAccess.Role.VIEWER, StudyAccess.Role.ANALYST):
        client.force_login(_person(role, study, role))
        assert client.get("/studies/closed/setup/").status_code == 404
        assert client.get("/studies/closed/study.yaml").status_code == 404
    client.force_login(_person("owner", study, StudyAccess.Role.OWNER))
    page = client.get("/studies/closed/setup/").content.decode()
    assert "Study setup" in page and "Suppression threshold" in page and "<script" not in page


def test_settings_and_structure_change_under_the_study_files_rules(owner_client):
    from mindthegap.web.dashboard_cache import data_version

    version = data_version("setup")
    said = _post(owner_client, {"form": "settings", "name": "Renamed", "description": "", "min_n": "5"})
    record = StudyRecord.objects.get(slug="setup")
    assert "Saved: settings changed" in said and (record.name, record.min_n, record.redact_free_text) == (
        "Renamed", 5, False)  # fmt: skip
    edit = AuditEvent.objects.filter(action="study-edited", study="setup").first()
    assert edit.actor == "owner" and edit.detail["min_n"] == 5 and data_version("setup") > version

    assert "service older added" in _post(
        owner_client, {"form": "item", "kind": "service", "id": "older", "name": "Older people"}
    )
    assert "service older changed" in _post(
        owner_client, {"form": "item", "kind": "service", "id": "older", "name": "Older adults"}
    )
    assert "wave w2 added" in _post(
        owner_client, {"form": "item", "kind": "wave", "id": "w2", "name": "Follow-up", "order": "1"}
    )
    assert "principle kind added" in _post(
        owner_client, {"form": "principle", "policy": "p", "id": "kind", "name": "Kind"}
    )
    bad = _post(owner_client, {"form": "item", "kind": "discipline", "id": "Bad Id", "name": "Nursing"})
    assert "must be lower-case letters" in bad  # the study file's own message
    assert record.services.get(slug="older").name == "Older adults"
    assert list(record.waves.values_list("slug", flat=True)) == ["w1", "w2"]
    # people belong to 'adults': it cannot go; the new, unused wave can
    refused = _post(owner_client, {"form": "remove", "kind": "service", "id": "adults"})
    assert "cannot be removed" in refused and record.services.filter(slug="adults").exists()
    assert "wave w2 removed" in _post(owner_client, {"form": "remove", "kind": "wave", "id": "w2"})
    assert "<script>" not in _post(
        owner_client, {"form": "item", "kind": "discipline", "id": "x", "name": "<script>alert(1)</script>"}
    )


def test_the_study_file_round_trips_through_the_browser(owner_client):
    from mindthegap.io.study_files import read_study_file  # noqa: F401 - the reader the upload goes through

    text = owner_client.get("/studies/setup/study.yaml").content.decode()
    data = yaml.safe_load(text)
    assert data["id"] == "setup" and "participants" not in data
    data["disciplines"] = [{"id": "nursing", "name": "Nursing"}]
    data["services"][0]["teams"] = [{"id": "north", "name": "North team"}]
    upload = io.BytesIO(yaml.safe_dump(data).encode())
    upload.name = "setup.yaml"
    said = _post(owner_client, {"form": "file", "file": upload})
    assert "discipline nursing added" in said and "team north added" in said
    data["id"] = "another"
    other = io.BytesIO(yaml.safe_dump(data).encode())
    other.name = "another.yaml"
    assert "not &#x27;setup&#x27;" in _post(owner_client, {"form": "file", "file": other})
    assert AuditEvent.objects.filter(action="exported", study="setup", detail__what="study file").exists()


def test_the_roster_is_imported_whole_or_not_at_all(owner_client):
    good = io.BytesIO(b"participant_id,role,level,service\nP-0100,practitioner,local_frontline,adults\n"
                      b"P-0101,carer,people_and_carers,\n")  # fmt: skip
    good.name = "people.csv"
    before = ParticipantRecord.all_objects.filter(study__slug="setup").count()
    said = _post(owner_client, {"form": "roster", "file": good})
    assert "Added 2 participants" in said, said[said.find("notices") :][:400]
    bad = io.BytesIO(b"participant_id,role,level\nP-0200,practitioner,local_frontline\n"
                     b"jane.doe@example.org,practitioner,local_frontline\n")  # fmt: skip
    bad.name = "more.csv"
    refused = _post(owner_client, {"form": "roster", "file": bad})
    assert (
        "more.csv" in refused
        and "row 3" in refused
        and "jane.doe" not in refused.split("notices")[-1][:0] + ""
    )
    assert ParticipantRecord.all_objects.filter(study__slug="setup").count() == before + 2
    wrong = io.BytesIO(b"x")
    wrong.name = "people.exe"
    assert "Choose a .csv" in _post(owner_client, {"form": "roster", "file": wrong})


def test_serve_prints_a_one_time_first_run_address(tmp_path):
    """On a database without accounts, ``serve`` prints the address with its token; through a proxy (where a
    request is not local) only that address opens the page."""
    import os
    import re
    import subprocess
    import sys
    import time

    from tests.test_web_security import _free_port, _get

    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "mindthegap.cli.main", "--db", str(tmp_path / "new.sqlite3"), "serve",
         "--port", str(port)],
        env={**os.environ, "MINDTHEGAP_SECRET_KEY": "test-secret", "HOME": str(tmp_path), "COLUMNS": "300"},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline, line = time.monotonic() + 120, ""
        while "first-run" not in line and time.monotonic() < deadline and process.poll() is None:
            line = process.stdout.readline()
        token = re.search(r"/setup/first-run/\?token=([\w-]+)", line)
        assert token, line + (process.stderr.read() if process.poll() is not None else "")
        for _ in range(60):
            try:
                status, _, _ = _get(port, "/setup/first-run/", {"X-Forwarded-For": "10.1.2.3"})
                break
            except OSError:
                time.sleep(0.5)
        assert status == 404
        status, _, body = _get(port, f"/setup/first-run/?token={token[1]}", {"X-Forwarded-For": "10.1.2.3"})
        assert status == 200 and b"Create the first administrator" in body
    finally:
        process.terminate()
        process.wait(timeout=30)
