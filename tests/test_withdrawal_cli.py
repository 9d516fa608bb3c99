"""Withdrawn consent through the real command line: after ``study withdraw`` every command's output on the study
is the output of a twin study that never held the person's data; consent updates and erasure on the command line.
"""

from __future__ import annotations

import json
import zipfile

import pandas as pd
from tests.conftest import run_cli
from tests.test_code_cli import _train, coded_csv  # noqa: F401 - the fixture is used below
from tests.test_study_files import people_csv
from tests.test_survey_study import STUDY, nomad_answers

LEAVER, NEVER = "RV-0004", "RV-9001"  # RV-0004 withdraws after their data are stored; RV-9001 never consented
TEXTS = {
    "RV-0003": "The car park was full again and the nurse was kind to my mother on the ward.",
    LEAVER: "Parking costs far too much; the staff on the night shift told me the car park closes at ten.",
    NEVER: "Nobody explained the car park charges and the receptionist was rude about my appointment.",
}


def _ok(*args: str) -> str:
    done = run_cli(*args)
    assert done.returncode == 0, (args, done.stderr)
    return done.stdout


def _study(tmp_path, name: str, *, twin: bool) -> str:
    """The riverside study with ratings, NoMAD answers and three coded transcripts; the twin lacks the data of
    the leaver and of the person who never consented, and has the leaver on file as withdrawn."""
    from mindthegap.io.refiqda import write_project
    from mindthegap.model.qualitative import Code, Codebook, Coding, QualitativeProject, Source

    folder = tmp_path / name
    folder.mkdir()
    db = str(folder / "s.sqlite3")
    (folder / "study.yaml").write_text(STUDY, encoding="utf-8")
    _ok("--db", db, "study", "create", str(folder / "study.yaml"))
    people = people_csv(folder)
    if twin:
        frame = pd.read_csv(people, encoding="cp1252")
        frame.loc[frame["participant_id"] == LEAVER, "consent"] = "no"
        frame.to_csv(people, index=False)
    _ok("--db", db, "study", "participants", "riverside", str(people))
    gone = {LEAVER, NEVER} if twin else set()
    everyone = [f"RV-{i:04d}" for i in range(30)] + [NEVER]
    ratings = pd.DataFrame(
        [
            {
                "participant_id": p,
                "wave": "baseline",
                "principle": pr,
                "value": 5,
                "practice": 1 + (i * 7 + j) % 5,
            }
            for i, p in enumerate(everyone)
            for j, pr in enumerate(("wellbeing", "co_production", "safety"))
            if p not in gone
        ]
    )
    ratings.to_csv(folder / "ratings.csv", index=False)
    _ok("--db", db, "study", "ratings", "riverside", str(folder / "ratings.csv"))
    answers = nomad_answers(2)
    answers[~answers["participant_id"].isin(gone)].to_csv(folder / "nomad.csv", index=False)
    _ok("--db", db, "survey", "import", str(folder / "nomad.csv"), "-i", "nomad", "--study", "riverside",
        "--wave", "baseline")  # fmt: skip
    book = Codebook(name="FFT")
    for code in ("Staff", "Parking"):
        book.add(Code(name=code, guid=f"C-{code}"))
    sources = [
        Source(
            name=f"Interview {p}",
            text=t,
            guid=f"S-{p}",
            metadata={"participant": p, "level": "local_frontline"},
        )
        for p, t in TEXTS.items()
        if p not in gone
    ]
    codings = [Coding(s.guid, "C-Parking", 0, 20, "Coder A", guid=f"G-{s.guid}") for s in sources]
    write_project(
        QualitativeProject(name="p", codebook=book, sources=sources, codings=codings), folder / "p.qdpx"
    )
    _ok("--db", db, "qual", "import", str(folder / "p.qdpx"), "--study", "riverside")
    return db


def _outputs(db: str, folder, model) -> dict:
    """What every study-level command prints or writes, for comparison between the two studies."""
    out = {
        "gap": json.loads(
            _ok("--db", db, "gap", "--study", "riverside", "--by", "principle,service", "--json")
        ),
        "reliability": json.loads(
            _ok(
                "--db",
                db,
                "survey",
                "reliability",
                "--study",
                "riverside",
                "--by",
                "service",
                "--items",
                "--json",
            )
        ),
        "compare": json.loads(
            _ok(
                "--db",
                db,
                "survey",
                "compare",
                "--study",
                "riverside",
                "--score",
                "coherence",
                "--group",
                "service",
                "--json",
            )
        ),
        "codes": json.loads(_ok("--db", db, "qual", "code", "list", "--study", "riverside", "--json")),
        "coders": json.loads(_ok("--db", db, "qual", "coders", "--study", "riverside", "--json")),
    }
    _ok("--db", db, "survey", "score", "--study", "riverside", "--out", str(folder / "scores.csv"))
    out["scores"] = pd.read_csv(folder / "scores.csv").to_dict(orient="records")
    summary = json.loads(
        _ok("--db", db, "qual", "export", "--study", "riverside", "--out", str(folder / "x.qdpx"), "--json")
    )
    out["export"] = {k: v for k, v in summary.items() if k != "out"}
    with zipfile.ZipFile(folder / "x.qdpx") as archive:
        out["export_text"] = " ".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    out["suggest"] = json.loads(
        _ok("--db", db, "autocode", "suggest", str(model), "--study", "riverside", "--json")
    )
    review = json.loads(_ok("--db", db, "autocode", "review", "--study", "riverside", "--json"))
    out["review"] = [{k: v for k, v in s.items() if k != "id"} for s in review["suggestions"]]
    _ok(
        "--db",
        db,
        "study",
        "report",
        "riverside",
        "--out",
        str(folder / "r.html"),
        "--no-pdf",
        "--n-boot",
        "200",
    )
    html = (folder / "r.html").read_text(encoding="utf-8")
    out["report"] = html[html.index("<main") :]
    return out


def test_every_command_on_a_study_leaves_out_people_who_withdrew(tmp_path, coded_csv):  # noqa: F811
    path, labels = coded_csv
    model = tmp_path / "coder.mtgmodel"
    assert _train(path, labels, model).exit_code == 0
    db, twin = _study(tmp_path, "withdrawn", twin=False), _study(tmp_path, "twin", twin=True)
    said = _ok("--db", db, "study", "withdraw", "riverside", LEAVER, NEVER)
    assert "withdrew 1 participant(s); 1 already so" in said
    ours, theirs = _outputs(db, tmp_path / "withdrawn", model), _outputs(twin, tmp_path / "twin", model)
    # the export names the study's file; its content is checked below
    assert [o for o in ours if o != "export_text" and ours[o] != theirs[o]] == []
    for person in (LEAVER, NEVER):
        assert person not in ours["export_text"] and TEXTS[person][:40] not in ours["export_text"]
        assert not any(person in str(s) for s in ours["review"])
    assert TEXTS["RV-0003"][:40] in ours["export_text"] and ours["suggest"]["stored"] > 0
    assert ours["export"]["sources"] == 1
    listed = _ok("--db", db, "study", "list")
    assert "│ 29 " in listed and "│ 2 " in listed  # consenting and withdrawn people, counted apart

    # consent given back: the leaver's answers return to the outputs
    _ok("--db", db, "study", "withdraw", "riverside", LEAVER, "--restore")
    _ok("--db", db, "survey", "score", "--study", "riverside", "--out", str(tmp_path / "back.csv"))
    assert LEAVER in set(pd.read_csv(tmp_path / "back.csv")["participant_id"])


def test_consent_updates_from_a_file_and_erasure_on_the_command_line(tmp_path):
    db = _study(tmp_path, "s", twin=False)
    people = pd.read_csv(people_csv(tmp_path))
    update = people[people["participant_id"].isin(["RV-0001", "RV-0002", NEVER])].copy()
    update["consent"] = ["no", "yes", "yes"]  # RV-0001 withdraws, NEVER consents after all
    update.loc[len(update)] = [
        "RV-0100",
        "carer",
        "people who use services and carers",
        None,
        None,
        None,
        "no",
    ]
    blank = update.assign(consent=["no", "", "yes", "no"])
    blank.to_csv(tmp_path / "blank.csv", index=False)
    refused = run_cli(
        "--db", db, "study", "participants", "riverside", str(tmp_path / "blank.csv"), "--update"
    )
    assert (
        refused.returncode == 2 and "blank.csv, row 3, column 'consent': consent is blank" in refused.stderr
    )
    update.drop(columns="consent").to_csv(tmp_path / "none.csv", index=False)
    refused = run_cli(
        "--db", db, "study", "participants", "riverside", str(tmp_path / "none.csv"), "--update"
    )
    assert refused.returncode == 2 and "missing column 'consent'" in refused.stderr
    update.to_csv(tmp_path / "update.csv", index=False)
    again = run_cli("--db", db, "study", "participants", "riverside", str(tmp_path / "update.csv"))
    assert again.returncode == 2 and "'RV-0001' is already in study" in again.stderr  # without --update
    done = json.loads(
        _ok(
            "--db",
            db,
            "study",
            "participants",
            "riverside",
            str(tmp_path / "update.csv"),
            "--update",
            "--json",
        )
    )
    assert done == {"study": "riverside", "added": 1, "withdrawn": 1, "restored": 1, "unchanged": 1}
    _ok("--db", db, "survey", "score", "--study", "riverside", "--out", str(tmp_path / "s.csv"))
    scored = set(pd.read_csv(tmp_path / "s.csv")["participant_id"])
    assert NEVER in scored and "RV-0001" not in scored

    unknown = run_cli("--db", db, "study", "withdraw", "riverside", "RV-0002", "RV-NOBODY")
    assert unknown.returncode == 2 and "no participant 'RV-NOBODY'" in unknown.stderr
    asked = run_cli("--db", db, "study", "erase-participant", "riverside", LEAVER, input="n\n")
    assert asked.returncode != 0
    erased = json.loads(_ok("--db", db, "study", "erase-participant", "riverside", LEAVER, "--yes", "--json"))
    assert erased["erased"] == {
        "values_practice_ratings": 3,
        "survey_answers": 20,
        "comments": 0,
        "sources": 1,
        "codings": 1,
        "memos": 0,
        "event_attendance": 0,
        "event_feedback": 0,
        "network_ties": 0,
        "network_tie_counts": 0,
        "delphi_ratings": 0,
        "support_uses": 0,
        "participants": 1,
    }
    _ok("--db", db, "qual", "export", "--study", "riverside", "--out", str(tmp_path / "x.qdpx"))
    with zipfile.ZipFile(tmp_path / "x.qdpx") as archive:
        assert not any(LEAVER in archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    gone = run_cli("--db", db, "study", "erase-participant", "riverside", LEAVER, "--yes")
    assert gone.returncode == 2 and "nothing was erased" in gone.stderr
    plain = _ok("--db", db, "study", "erase-participant", "riverside", "RV-0002", "--yes")
    assert (
        "Erased RV-0002 from riverside:" in plain and "1 participant." in plain
    )  # one, not "1 participants"
