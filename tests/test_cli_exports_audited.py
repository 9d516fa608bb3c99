"""Every command that writes a stored study's data out leaves an audit event, as the web app's downloads do:
the action, the study, what was written and the file's name, the operating-system account as the actor and
the channel "cli". The demo study is stored once for the module; each test's events are rolled back."""

from __future__ import annotations

import getpass

import pytest
from typer.testing import CliRunner

from mindthegap.cli.main import app
from mindthegap.store.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def stored_demo(django_db_setup, django_db_blocker, demo_study):
    from mindthegap.store.evidence import save_all
    from mindthegap.store.studies.repository import delete_study

    with django_db_blocker.unblock():
        save_all(demo_study.study, demo_study.evidence)
    yield demo_study.study.id
    with django_db_blocker.unblock():
        delete_study(demo_study.study.id)


@pytest.fixture
def run(monkeypatch, tmp_path):
    monkeypatch.setattr("mindthegap.store.database.open_store", lambda *a, **k: "test database")
    monkeypatch.setenv("MINDTHEGAP_SECRET_KEY", "tests-only")
    runner = CliRunner()

    def invoke(*args: str):
        result = runner.invoke(app, list(args), env={"COLUMNS": "200"})
        assert result.exit_code == 0, (result.output, result.exception)
        return result

    return invoke


def _written(action: str, study: str, what: str, file: str) -> AuditEvent:
    found = AuditEvent.objects.filter(action=action, study=study, detail__what=what).order_by("-id").first()
    assert found is not None, f"no {action} event of {what} for {study}"
    assert found.channel == "cli" and found.detail["file"] == file
    assert found.actor == getpass.getuser()
    return found


def test_tables_of_a_stored_study(run, stored_demo, tmp_path):
    run(
        "gap",
        "--study",
        stored_demo,
        "--by",
        "principle",
        "--n-boot",
        "100",
        "--out",
        str(tmp_path / "g.csv"),
    )
    assert _written("exported", stored_demo, "gap table", "g.csv").detail["rows"] > 0
    run("survey", "score", "--study", stored_demo, "--instrument", "nomad", "--out", str(tmp_path / "s.csv"))
    _written("exported", stored_demo, "survey scores", "s.csv")


def test_a_file_analysed_on_its_own_is_nobodys_stored_data(run, tmp_path):
    import pandas as pd

    ratings = tmp_path / "ratings.csv"
    pd.DataFrame(
        {"participant_id": [f"p{i}" for i in range(12)], "principle": "safe", "value": 5, "practice": 3}
    ).to_csv(ratings, index=False)
    before = AuditEvent.objects.count()
    run("gap", str(ratings), "--by", "principle", "--n-boot", "100", "--out", str(tmp_path / "g.csv"))
    assert AuditEvent.objects.count() == before


def test_delphi_events_and_qualitative_exports(run, stored_demo, tmp_path):
    run("delphi", "results", "--study", stored_demo, "--out", str(tmp_path / "d.csv"), "--json")
    _written("exported", stored_demo, "delphi results", "d.csv")
    run(
        "delphi",
        "feedback",
        "--study",
        stored_demo,
        "--round",
        "1",
        "--html",
        str(tmp_path / "f.html"),
        "--json",
    )
    assert _written("exported", stored_demo, "delphi feedback", "f.html").detail["round"] == 1
    run("delphi", "draft", "--study", stored_demo, "--out", str(tmp_path / "draft.csv"), "--json")
    _written("exported", stored_demo, "delphi drafts", "draft.csv")
    run(
        "network",
        "--study",
        stored_demo,
        "--graphml",
        str(tmp_path / "n.graphml"),
        "--permutations",
        "99",
        "--json",
    )
    _written("exported", stored_demo, "network", "n.graphml")
    run("qual", "export", "--study", stored_demo, "--out", str(tmp_path / "q.qdpx"), "--json")
    _written("exported", stored_demo, "qualitative project", "q.qdpx")


def test_web_survey_lists_and_responses(run, stored_demo, tmp_path):
    from mindthegap.store.collection.setup import create_survey
    from mindthegap.store.studies.models import StudyRecord

    record = StudyRecord.objects.get(slug=stored_demo)
    create_survey(record, slug="pulse", instrument="nomad", consent_text="Consent.", wave="baseline")
    for command, what, name in (
        ("links", "survey mailing list", "links.csv"),
        ("reminders", "survey reminders", "reminders.csv"),
    ):
        run(
            "collect",
            command,
            stored_demo,
            "pulse",
            "--base-url",
            "https://s.example/",
            "--out",
            str(tmp_path / name),
        )
        assert _written("exported", stored_demo, what, name).detail["survey"] == "pulse"
    run("collect", "responses", stored_demo, "pulse", "--out", str(tmp_path / "r.csv"))
    _written("exported", stored_demo, "survey responses", "r.csv")


def test_reports_and_the_audit_log(run, tmp_path):
    from tests.test_audit import _study

    _study("tiny", people=12)
    run("study", "report", "tiny", "--out", str(tmp_path / "r.html"), "--no-pdf", "--n-boot", "100",
        "--audience", "aggregate")  # fmt: skip
    assert _written("downloaded", "tiny", "report", "r.html").detail["audience"] == "aggregate"
    run("report", "tiny", "--out", str(tmp_path / "board"), "--format", "html", "--n-boot", "100")
    _written("downloaded", "tiny", "report", "report.html")
    run("audit", "--study", "tiny", "--csv", str(tmp_path / "log.csv"))
    _written("audit-exported", "tiny", "audit log", "log.csv")
    run("backup", "--study", "tiny", "--out", str(tmp_path / "tiny.zip"))  # recorded by the backup itself
    assert AuditEvent.objects.filter(action="backed-up", study="tiny", channel="cli").exists()
