"""The ``mindthegap agreement`` and ``mindthegap qual`` commands."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from tests.conftest import missing_shared_data, run_cli
from typer.testing import CliRunner

from mindthegap.cli.main import app

runner = CliRunner()

# Krippendorff (2011) worked example: units in rows, coders in columns, blank = missing
EXAMPLE_CSV = """unit,A,B,C,D
1,1,1,,1
2,2,2,3,2
3,3,3,3,3
4,3,3,3,3
5,2,2,2,2
6,1,2,3,4
7,4,4,4,4
8,1,1,2,1
9,2,2,2,2
10,,5,5,5
11,,,1,1
12,,3,,
"""


@pytest.mark.parametrize(
    ("measurement", "expected"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_agreement_reproduces_published_example(tmp_path, measurement, expected):
    """Reference: Krippendorff's published alphas for his 4 coders x 12 units example."""
    path = tmp_path / "coding.csv"
    path.write_text(EXAMPLE_CSV, encoding="utf-8")
    result = runner.invoke(app, ["agreement", str(path), "--measurement", measurement, "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert round(out["krippendorff_alpha"], 3) == expected
    assert out["measurement"] == measurement
    assert out["unit"] == "segment"
    assert out["coders"] == 4


def test_agreement_old_level_option_still_works_with_a_note(tmp_path):
    """The old spelling --level (and -l) gives the same alpha as --measurement, and says it was renamed."""
    path = tmp_path / "coding.csv"
    path.write_text(EXAMPLE_CSV, encoding="utf-8")
    for flag in ("--level", "-l"):
        result = runner.invoke(app, ["agreement", str(path), flag, "ordinal", "--json"])
        assert result.exit_code == 0, result.output
        assert round(json.loads(result.stdout)["krippendorff_alpha"], 3) == 0.815  # Krippendorff's ordinal
        assert "note: --level is now called --measurement" in result.stderr
    clash = runner.invoke(app, ["agreement", str(path), "--level", "ordinal", "--measurement", "nominal"])
    assert clash.exit_code != 0
    quiet = runner.invoke(app, ["agreement", str(path), "--measurement", "ordinal"])
    assert "note:" not in quiet.stderr and "ordinal" in quiet.stdout


def test_agreement_human_output_and_kappa(tmp_path):
    path = tmp_path / "two.csv"
    path.write_text("unit,Asha,Ben\nu1,yes,yes\nu2,no,no\nu3,yes,no\nu4,no,no\n", encoding="utf-8")
    result = runner.invoke(app, ["agreement", str(path), "--unit", "sentence"])
    assert result.exit_code == 0, result.output
    assert "unit: sentence" in result.stdout
    assert "Cohen's kappa = 0.500" in result.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("unit,A\n1,1\n", "need a unit id column"),
        ("unit,A,B\n1,x,y\n2,1,2\n", "not a number"),
        ("unit,A,B\n1,1,2\n1,1,1\n", "appears more than once"),
    ],
)
def test_agreement_bad_input_is_one_line(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    measurement = "interval" if "x" in content else "nominal"
    proc = subprocess.run(
        [sys.executable, "-m", "mindthegap.cli.main", "agreement", str(path), "--measurement", measurement],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert message in proc.stderr
    assert "bad.csv" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_qual_import_reports_atlasti_sample():
    from pathlib import Path

    data = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "refi-qda"
    if not (data / "Project.xsd").exists():
        missing_shared_data("the shared REFI-QDA data")
    result = runner.invoke(
        app,
        [
            "qual",
            "import",
            str(data / "atlasti-8.4-sample" / "Project.qde"),
            "--schema",
            str(data / "Project.xsd"),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert (out["codes"], out["codings"]) == (14, 16)
    assert "Mabel.txt" in out["notes"][0]


def test_qual_codebook_and_export_round_trip(tmp_path):
    qdc = tmp_path / "npt.qdc"
    assert runner.invoke(app, ["qual", "codebook", "npt", "--out", str(qdc)]).exit_code == 0
    from mindthegap.io.refiqda import read_codebook

    assert len(read_codebook(qdc).codes) == 20
    text = tmp_path / "int1.txt"
    text.write_text("Nurse: We finally had time to reflect together.\n", encoding="utf-8")
    codings = tmp_path / "codings.csv"
    codings.write_text("source,code,start,end,coder\nint1.txt,Reflection,7,47,Asha\n", encoding="utf-8")
    out = tmp_path / "study.qdpx"
    result = runner.invoke(app, ["qual", "export", str(text), "--codings", str(codings), "--out", str(out)])
    assert result.exit_code == 0, result.output
    summary = json.loads(runner.invoke(app, ["qual", "import", str(out), "--json"]).stdout)
    assert (summary["sources"], summary["codings"], summary["coders"]) == (1, 1, ["Asha"])
    bad = tmp_path / "bad.csv"
    bad.write_text("source,code,start,end\nint1.txt,X,7,999\n", encoding="utf-8")
    result = runner.invoke(
        app, ["qual", "export", str(text), "--codings", str(bad), "--out", str(tmp_path / "b.qdpx")]
    )
    assert result.exit_code != 0
    assert not (tmp_path / "b.qdpx").exists()


def _stored_study(tmp_path, study_id: str = "qs", redact: bool = False) -> str:
    """A fresh SQLite study database made in its own process, as `mindthegap study create` would."""
    db = str(tmp_path / "qual.sqlite3")
    script = (
        f"from mindthegap.store.database import open_store; open_store({db!r});"
        "from mindthegap.model.study import Study; from mindthegap.privacy import PrivacySettings;"
        "from mindthegap.store.studies.repository import save_study;"
        f"save_study(Study(id={study_id!r}, name='Qual', privacy=PrivacySettings(redact_free_text={redact})))"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return db


def test_export_stored_study_round_trips_through_a_fresh_study(tmp_path):

    db = _stored_study(tmp_path)
    text = tmp_path / "int1.txt"
    text.write_text("Nurse: We finally had time to reflect together.\n", encoding="utf-8")
    codings = tmp_path / "codings.csv"
    codings.write_text("source,code,start,end,coder\nint1.txt,Reflection,7,47,Asha\n", encoding="utf-8")
    first = tmp_path / "first.qdpx"
    assert (
        run_cli("qual", "export", str(text), "--codings", str(codings), "--out", str(first)).returncode == 0
    )
    assert run_cli("--db", db, "qual", "import", str(first), "--study", "qs").returncode == 0
    out = tmp_path / "stored.qdpx"
    result = run_cli("--db", db, "qual", "export", "--study", "qs", "--out", str(out), "--json")
    assert result.returncode == 0, result.stderr
    assert (json.loads(result.stdout)["codings"], json.loads(result.stdout)["codes"]) == (1, 1)
    _stored_study(tmp_path, "fresh")  # a second study in the same database
    assert run_cli("--db", db, "qual", "import", str(out), "--study", "fresh").returncode == 0
    again = tmp_path / "again.qdpx"
    assert run_cli("--db", db, "qual", "export", "--study", "fresh", "--out", str(again)).returncode == 0
    from mindthegap.io.refiqda import read_project

    a, b = read_project(out), read_project(again)
    assert [(s.name, s.text) for s in a.sources] == [(s.name, s.text) for s in b.sources]
    assert [(c.code, c.start, c.end, c.coder) for c in a.codings] == [
        (c.code, c.start, c.end, c.coder) for c in b.codings
    ]
    assert [c.name for c in a.codebook.codes.values()] == ["Reflection"]
    both = run_cli("--db", db, "qual", "export", str(text), "--study", "qs", "--out", str(again))
    assert both.returncode == 2 and "not both" in both.stderr


def test_import_source_files_redacts_and_is_all_or_nothing(tmp_path):

    from mindthegap.io.refiqda import read_project

    db = _stored_study(tmp_path, redact=True)
    note = tmp_path / "event-notes.txt"
    note.write_text("Carer: ring me on 07700 900123 or mail jo.bloggs@example.org, Mabel said.\n", "utf-8")
    vtt = tmp_path / "int2.vtt"
    vtt.write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Lead>The huddles made sense once we saw the data.\n",
        encoding="utf-8",
    )
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"not a zip")
    args = [
        "--db",
        db,
        "qual",
        "import",
        "--study",
        "qs",
        "--level",
        "people_and_carers",
        "--wave",
        "baseline",
    ]
    failed = run_cli(*args, str(note), str(broken))
    assert failed.returncode == 2 and "broken.docx" in failed.stderr
    result = run_cli(*args, str(note), str(vtt), "--roster", str(_roster(tmp_path)), "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["sources"] == 2 and summary["redacted"] == {"PHONE": 1, "EMAIL": 1, "NAME": 1}
    again = run_cli(*args, str(note))
    assert again.returncode == 2 and "already in this study" in again.stderr
    out = tmp_path / "out.qdpx"
    assert run_cli("--db", db, "qual", "export", "--study", "qs", "--out", str(out)).returncode == 0
    texts = {s.name: s.text for s in read_project(out).sources}
    assert set(texts) == {"event-notes.txt", "int2.vtt"}  # nothing from the failed attempt
    assert "07700" not in texts["event-notes.txt"] and "Mabel" not in texts["event-notes.txt"]
    assert "[PHONE]" in texts["event-notes.txt"] and texts["int2.vtt"].startswith("Lead: The huddles")
    level = run_cli("qual", "import", str(note), "--level", "ward")
    assert level.returncode == 2 and "unknown level 'ward'" in level.stderr
    mixed = run_cli("qual", "import", str(out), str(note))
    assert mixed.returncode == 2 and "one REFI-QDA project at a time" in mixed.stderr


def _roster(tmp_path):
    path = tmp_path / "names.txt"
    path.write_text("Mabel\n", encoding="utf-8")
    return path


def test_code_commands_edit_the_stored_codebook(tmp_path):
    db = _stored_study(tmp_path)
    text = tmp_path / "int1.txt"
    text.write_text("Nurse: We finally had time to reflect together.\n", encoding="utf-8")
    codings = tmp_path / "codings.csv"
    codings.write_text(
        "source,code,start,end,coder\nint1.txt,Reflection,7,47,Asha\nint1.txt,Reflecting,7,20,Ben\n", "utf-8"
    )
    project = tmp_path / "p.qdpx"
    assert (
        run_cli("qual", "export", str(text), "--codings", str(codings), "--out", str(project)).returncode == 0
    )
    assert run_cli("--db", db, "qual", "import", str(project), "--study", "qs").returncode == 0
    base = ["--db", db, "qual", "code"]
    merged = run_cli(*base, "merge", "Reflecting", "--into", "Reflection", "--study", "qs", "--json")
    assert merged.returncode == 0, merged.stderr
    assert json.loads(merged.stdout)["moved"] == 1
    assert run_cli(*base, "rename", "Reflection", "Reflexive monitoring", "--study", "qs").returncode == 0
    assert (
        run_cli(*base, "split", "Reflexive monitoring", "Team", "Individual", "--study", "qs").returncode == 0
    )
    moved = run_cli(*base, "move", "Team", "--top", "--study", "qs")
    assert moved.returncode == 0 and "top level" in moved.stdout
    listed = json.loads(run_cli(*base, "list", "--study", "qs", "--json").stdout)
    assert {r["path"]: r["codings"] for r in listed} == {
        "Reflexive monitoring": 2,
        "Reflexive monitoring > Individual": 0,
        "Team": 0,
    }
    history = json.loads(run_cli(*base, "history", "--study", "qs", "--json").stdout)
    assert [h["action"] for h in history if h["action"] != "add"] == ["merge", "rename", "split", "move"]
    bad = run_cli(*base, "move", "Team", "--study", "qs")
    assert bad.returncode == 2 and "--under" in bad.stderr
    missing = run_cli(*base, "rename", "Nothing", "X", "--study", "qs")
    assert missing.returncode == 2 and "no code 'Nothing'" in missing.stderr


def test_empty_and_malformed_transcripts_are_refused_and_nothing_is_stored(tmp_path):
    db = _stored_study(tmp_path)
    good = tmp_path / "good.vtt"
    good.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Lead>It helped.\n", encoding="utf-8")
    cases = {
        "bad-time.vtt": ("WEBVTT\n\n00:00:01.000 --> 00:0x:02.000\nAsha: hello\n", "line 3: cue timing"),
        "header-only.vtt": ("WEBVTT\n", "has no captions with words"),
        "malformed.srt": ("1\n00:00:01,000 -> 00:00:02,000\nhello\n", "line 2: cue timing"),
        "backwards.srt": ("1\n00:00:05,000 --> 00:00:02,000\nAsha: no\n", "ends (00:00:02,000) before it"),
    }
    for name, (content, message) in cases.items():
        path = tmp_path / name
        path.write_text(content, encoding="utf-8")
        result = run_cli("--db", db, "qual", "import", str(good), str(path), "--study", "qs")
        assert result.returncode == 2, (name, result.stdout)
        assert name in result.stderr and message in result.stderr and "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    out = tmp_path / "out.qdpx"
    exported = run_cli("--db", db, "qual", "export", "--study", "qs", "--out", str(out), "--json")
    assert json.loads(exported.stdout)["sources"] == 0  # not even the good file of each attempt


def test_a_project_with_a_position_that_is_not_a_number_is_one_line(tmp_path):
    import zipfile

    path = tmp_path / "damaged.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "project.qde",
            '<Project xmlns="urn:QDA-XML:project:1.0" name="p"><CodeBook><Codes><Code guid="C1" name="c"/>'
            '</Codes></CodeBook><Sources><TextSource guid="S1" name="Interview 3" plainTextPath="internal://a.txt">'
            '<PlainTextSelection guid="X7" startPosition="abc" endPosition="9"/></TextSource></Sources></Project>',
        )
        archive.writestr("sources/a.txt", "Some words here.")
    result = run_cli("qual", "import", str(path))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "damaged.qdpx" in result.stderr and "selection X7" in result.stderr and "'abc'" in result.stderr


def test_export_for_nvivo_counts_utf16_and_imports_back_the_same(tmp_path):
    text = tmp_path / "int1.txt"
    text.write_text("Nurse: 🙂 We finally had time to reflect together.\n", encoding="utf-8")
    codings = tmp_path / "codings.csv"
    codings.write_text("source,code,start,end,coder\nint1.txt,Reflection,32,39,Asha\n", encoding="utf-8")
    out = tmp_path / "nvivo.qdpx"
    args = ["qual", "export", str(text), "--codings", str(codings), "--out", str(out), "--positions", "utf16"]
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["positions"] == "utf16"
    import zipfile

    with zipfile.ZipFile(out) as archive:
        assert 'startPosition="33" endPosition="40"' in archive.read("project.qde").decode()
    from mindthegap.io.refiqda import read_project

    again = read_project(out)
    assert again.sources[0].text[again.codings[0].start : again.codings[0].end] == "reflect"
    bad = run_cli(*args[:-1], "bytes")
    assert bad.returncode == 2 and "unknown unit for positions 'bytes'" in bad.stderr


def test_qual_coders_says_who_counts_and_how_far_people_agree(tmp_path):
    """An accepted auto-coder suggestion travels through .qdpx under its own name and still never counts."""
    from mindthegap.io.refiqda import write_project
    from mindthegap.model.qualitative import Code, Codebook, Coding, QualitativeProject, Source

    db = _stored_study(tmp_path)
    book = Codebook()
    waits = book.add(Code(name="Waits"))
    text = "We waited for weeks. The team was kind. Nobody called back."
    first = Source(name="Interview 1", text=text, metadata={"participant": "P1"})
    second = Source(name="Interview 2", text=text, metadata={"participant": "P2"})
    codings = [
        Coding(first.guid, waits.guid, 0, 20, "Asha"),
        Coding(first.guid, waits.guid, 0, 20, "Ben"),
        Coding(first.guid, waits.guid, 40, 59, "Ben"),
        Coding(second.guid, waits.guid, 0, 20, "Asha"),
        Coding(second.guid, waits.guid, 0, len(text), "auto-coder:1f2e"),
    ]
    project = QualitativeProject(name="p", codebook=book, sources=[first, second], codings=codings)
    path = write_project(project, tmp_path / "p.qdpx")
    imported = run_cli("--db", db, "qual", "import", str(path), "--study", "qs", "--json")
    assert json.loads(imported.stdout)["coders"] == ["Asha", "Ben"]
    assert json.loads(imported.stdout)["auto_coder"] == ["auto-coder:1f2e"]
    result = run_cli("--db", db, "qual", "coders", "--study", "qs", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    roles = {row["coder"]: (row["kind"], row["counts_as_coder"]) for row in report["coders"]}
    assert all(row["role"] == row["kind"] for row in report["coders"])  # "role": the old name, still given
    assert roles == {"Asha": ("person", True), "Ben": ("person", True), "auto-coder:1f2e": ("machine", False)}
    assert report["double_coded_sources"] == 1
    overall = report["agreement"][0]
    # three sentences of Interview 1: both coded the first, only Ben the third → 2 of 3 units agree
    assert (overall["unit"], overall["units"], overall["coders"]) == ("sentence", 3, 2)
    assert overall["percent_agreement"] == pytest.approx(2 / 3)
    assert report["auto_coder_agreement"][0]["unit"] == "source"
    text_out = run_cli("--db", db, "qual", "coders", "--study", "qs")
    assert "auto-coder:1f2e: machine, not a coder" in text_out.stdout


def test_agreement_recognises_missing_value_marks(tmp_path):
    """Reference: Krippendorff's published nominal alpha 0.743 for his example, with the gaps written as '*',
    '.', 'NA' and a blank, as spreadsheets and his own tables write them (counted as categories they gave
    0.577). A custom mark is declared with --missing, and a value that only looks like one is flagged."""
    marks = iter(["*", ".", "NA", "", "*", ".", "na", "*", "."])
    lines = EXAMPLE_CSV.strip().splitlines()
    rows = [lines[0]] + [",".join(c if c else next(marks, "") for c in line.split(",")) for line in lines[1:]]
    path = tmp_path / "marked.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert "*" in path.read_text() and "NA" in path.read_text()
    proc = run_cli("agreement", str(path), "--json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert round(out["krippendorff_alpha"], 3) == 0.743
    assert out["not_coded"] == {"*": 2, ".": 2, "NA": 1, "na": 1}
    assert "treated as not coded" in proc.stderr
    custom = tmp_path / "custom.csv"
    custom.write_text(
        EXAMPLE_CSV.replace(",,", ",-9,").replace("\n12,-9,3,,", "\n12,-9,3,-9,"), encoding="utf-8"
    )
    flagged = run_cli("agreement", str(custom), "--json")
    assert flagged.returncode == 0 and "'-9'" in flagged.stderr and "--missing" in flagged.stderr
    assert round(json.loads(flagged.stdout)["krippendorff_alpha"], 3) != 0.743
    declared = run_cli("agreement", str(custom), "--missing", "-9", "--json")
    assert declared.returncode == 0, declared.stderr
    assert round(json.loads(declared.stdout)["krippendorff_alpha"], 3) == 0.743


def test_agreement_compares_codes_by_value(tmp_path):
    """Closed form: one coder's spreadsheet writes 1.0 where the other writes 1 — the same code, so the two
    coders agree perfectly (kappa 1, alpha 1), where comparing spellings gave kappa 0."""
    path = tmp_path / "two.csv"
    path.write_text("unit,A,B\nu1,1,1.0\nu2,2,2.0\nu3,1,1.0\nu4,2,2\n", encoding="utf-8")
    out = json.loads(runner.invoke(app, ["agreement", str(path), "--json"]).stdout)
    assert out["cohen_kappa"] == 1.0 and out["krippendorff_alpha"] == 1.0 and out["percent_agreement"] == 1.0
