"""A study's backup restores to the same study (in the same database or beside other studies), all or
nothing, and a damaged or newer backup is refused before anything is written."""

from __future__ import annotations

import json
import zipfile

import pandas as pd
import pytest
from typer.testing import CliRunner

from mindthegap.errors import InputError, StoreError
from mindthegap.store.audit.models import AuditEvent
from mindthegap.store.backup.archive import backup_study, restore_study
from mindthegap.store.studies.models import ParticipantRecord, StudyRecord

pytestmark = pytest.mark.django_db
#: columns holding database ids, which a restore renumbers (everything else must come back as it was)
DATABASE_IDS = {"id", "pk", "comment_id"}


def _everything(slug: str) -> dict:
    """The study as every analysis sees it, withdrawn people's rows counted separately."""
    from mindthegap.store.evidence import load_all

    study, evidence = load_all(slug)
    out = {
        "study": study,
        "withdrawn": ParticipantRecord.all_objects.filter(study__slug=slug, consent=False).count(),
    }
    for kind, value in evidence.items():
        frames = value if isinstance(value, dict) else {"": value}
        for name, frame in frames.items():
            if isinstance(frame, pd.DataFrame):
                frame = frame.drop(columns=[c for c in frame.columns if c in DATABASE_IDS])
                rows = frame.astype(object).where(frame.notna(), None).to_dict(orient="records")
                out[f"{kind}{name}"] = sorted(json.dumps(r, sort_keys=True, default=str) for r in rows)
            else:
                out[f"{kind}{name}"] = frame
    return out


def _same(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for key in a:
        assert a[key] == b[key], key


@pytest.fixture
def stored(demo_study):
    from mindthegap.store.evidence import save_all
    from mindthegap.store.studies.consent import set_consent

    save_all(demo_study.study, demo_study.evidence)
    record = StudyRecord.objects.get(slug=demo_study.study.id)
    set_consent(record, [demo_study.study.participants[0].id], consent=False)  # withdrawn rows travel too
    return record


def test_a_study_round_trips_through_its_backup(stored, tmp_path):
    from mindthegap.store.studies.repository import delete_study

    before = _everything(stored.slug)
    manifest = backup_study(stored, tmp_path / "b.zip")
    assert {m["model"] for m in manifest["models"]} >= {"studies.studyrecord", "studies.participantrecord"}
    assert "audit.auditevent" not in {m["model"] for m in manifest["models"]}
    with pytest.raises(StoreError, match="already exists"):
        restore_study(tmp_path / "b.zip")
    delete_study(stored.slug)
    result = restore_study(tmp_path / "b.zip")
    assert result["rows"]["studies.participantrecord"] == len(before["participants"]) + before["withdrawn"]
    _same(before, _everything(stored.slug))
    assert StudyRecord.objects.get(slug=stored.slug).created == stored.created
    assert AuditEvent.objects.filter(action="restored", study=stored.slug).exists()
    assert AuditEvent.objects.filter(action="backed-up", study=stored.slug).exists()
    restore_study(tmp_path / "b.zip", replace=True)  # over itself: new ids, same study
    _same(before, _everything(stored.slug))


def _rewrite(source, target, change) -> None:
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            zout.writestr(item, change(item.filename, data))


@pytest.fixture
def small():
    from tests.test_audit import _study

    return _study("small", people=3)


def test_a_damaged_or_newer_backup_is_refused_and_nothing_is_written(small, tmp_path):
    from mindthegap.store.studies.repository import delete_study

    stored = small
    backup_study(stored, tmp_path / "b.zip")
    delete_study(stored.slug)

    def damage(name, data):
        return data.replace(b"P-0", b"X-0", 1) if name.endswith("participantrecord.jsonl") else data

    _rewrite(tmp_path / "b.zip", tmp_path / "damaged.zip", damage)
    with pytest.raises(InputError, match="does not match its checksum"):
        restore_study(tmp_path / "damaged.zip")

    def newer(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["format_version"] += 1
        return json.dumps(manifest).encode()

    _rewrite(tmp_path / "b.zip", tmp_path / "newer.zip", newer)
    with pytest.raises(InputError, match="newer than this mindthegap reads"):
        restore_study(tmp_path / "newer.zip")

    def newer_schema(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["schema"]["studies"] = "9999_from_the_future"
        return json.dumps(manifest).encode()

    _rewrite(tmp_path / "b.zip", tmp_path / "schema.zip", newer_schema)
    with pytest.raises(InputError, match="newer mindthegap"):
        restore_study(tmp_path / "schema.zip")
    (tmp_path / "not.zip").write_bytes(b"hello")
    with pytest.raises(InputError, match="not a mindthegap study backup"):
        restore_study(tmp_path / "not.zip")
    assert not StudyRecord.objects.filter(slug=stored.slug).exists()


def test_backup_and_restore_on_the_command_line(small, tmp_path, monkeypatch):
    from mindthegap.cli.main import app

    stored = small
    monkeypatch.setattr("mindthegap.store.database.open_store", lambda *a, **k: "test database")
    runner = CliRunner()
    out = tmp_path / "cli.zip"
    made = runner.invoke(app, ["backup", "--study", stored.slug, "--out", str(out)])
    assert made.exit_code == 0 and "Backed up" in made.output, made.output
    refused = runner.invoke(app, ["restore", str(out)])
    assert refused.exit_code != 0 and isinstance(refused.exception, StoreError)
    again = runner.invoke(app, ["restore", str(out), "--replace", "--json"])
    assert again.exit_code == 0 and json.loads(again.stdout)["study"] == stored.slug
