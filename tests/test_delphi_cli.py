"""``mindthegap delphi …`` in-process: results on a plain file, bad files named by row and column, and a study
taken through create, import, round, status, feedback and results."""

from __future__ import annotations

import json
import traceback

import pandas as pd
import pytest
from typer.testing import CliRunner

from mindthegap.cli.main import app

runner = CliRunner()


def ratings_file(tmp_path, *, carers: int = 5) -> str:
    rows = []
    for group, size, score in (("policymakers", 12, 8), ("practitioners", 12, 2), ("carers", carers, 5)):
        for i in range(size):
            for rnd in (1, 2):
                rows.append(
                    {
                        "rater_id": f"{group[:3]}{i}",
                        "group": group,
                        "statement": "s1",
                        "round": rnd,
                        "rating": score,
                    }
                )
    path = tmp_path / "ratings.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return str(path)


def test_results_json_on_a_plain_file(tmp_path):
    result = runner.invoke(app, ["delphi", "results", ratings_file(tmp_path, carers=12), "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    rows = {(r["round"], r["group"]): r for r in out["summary"]}
    assert rows[(1, "policymakers")]["verdict"] == "in" and rows[(1, "policymakers")]["n"] == 12
    assert rows[(1, "practitioners")]["verdict"] == "out"
    assert rows[(1, "carers")]["verdict"] == "no consensus"
    assert {"n", "median", "pct_agree", "pct_disagree", "verdict"} <= set(rows[(1, "policymakers")])
    assert any(r["part"] for r in out["divergence"])


def test_results_suppress_a_small_group_and_its_complement(tmp_path):
    result = runner.invoke(app, ["delphi", "results", ratings_file(tmp_path, carers=5), "--json"])
    out = json.loads(result.output)
    groups = [r for r in out["summary"] if r["round"] == 1 and r["group"] != "All"]
    carers = next(r for r in groups if r["group"] == "carers")
    assert carers["suppressed"] and carers["n"] is None and carers["verdict"] is None
    assert sum(r["suppressed"] for r in groups) >= 2  # the total would otherwise give the carers away


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda f: f.assign(rating=f["rating"].where(f.index != 3, 10)), "row 5, column 'rating'"),
        (lambda f: pd.concat([f, f.iloc[[0]]]), "column 'rating': rater 'pol0' rates statement 's1' twice"),
        (lambda f: f.assign(group=f["group"].where(f.index != 5, "carers")), "row 7, column 'group'"),
        (lambda f: f.assign(round=f["round"].where(f.index != 2, 0)), "row 4, column 'round'"),
    ],
)
def test_bad_rating_files_name_row_and_column(tmp_path, change, where):
    path = ratings_file(tmp_path)
    change(pd.read_csv(path)).to_csv(path, index=False)
    result = runner.invoke(app, ["delphi", "results", path, "--json"])
    assert result.exit_code != 0
    assert where in str(result.exception)


def test_a_statement_worded_two_ways_in_one_round_is_refused(tmp_path):
    path = ratings_file(tmp_path)
    frame = pd.read_csv(path).assign(statement_text="Old wording.")
    frame.loc[frame.index[-1], "statement_text"] = "New wording."
    frame.to_csv(path, index=False)
    result = runner.invoke(app, ["delphi", "results", path])
    assert "column 'statement_text'" in str(result.exception) and "worded differently" in str(
        result.exception
    )


@pytest.mark.django_db(transaction=True)
def test_a_study_through_every_command(tmp_path, monkeypatch):
    from mindthegap.model import Level, Participant, Role, Study
    from mindthegap.store.studies.repository import save_study

    people = [Participant(f"pr{i:02d}", Role.PRACTITIONER, Level.LOCAL_FRONTLINE) for i in range(12)]
    people += [Participant(f"po{i:02d}", Role.POLICYMAKER, Level.NATIONAL) for i in range(12)]
    save_study(Study("cli-delphi", "CLI Delphi", participants=people))
    monkeypatch.setattr("mindthegap.store.database.open_study", _record)
    panels = tmp_path / "panels.csv"
    pd.DataFrame(
        {"rater_id": [p.id for p in people], "group": ["practitioners"] * 12 + ["policymakers"] * 12}
    ).to_csv(panels, index=False)
    statements = tmp_path / "statements.csv"
    pd.DataFrame({"statement": ["s1", "s2"], "text": ["One.", "Two."]}).to_csv(statements, index=False)
    ok = runner.invoke(
        app,
        [
            "delphi",
            "create",
            "--study",
            "cli-delphi",
            "--panels",
            str(panels),
            "--statements",
            str(statements),
            "--json",
        ],
    )
    assert ok.exit_code == 0, "".join(traceback.format_exception(ok.exception))
    rated = tmp_path / "r1.csv"
    pd.DataFrame(
        [
            {"rater_id": p.id, "statement": s, "round": 1, "rating": 8 if p.id < "pr" else 3}
            for p in people
            for s in ("s1", "s2")
        ]
    ).to_csv(rated, index=False)
    assert runner.invoke(app, ["delphi", "import", str(rated), "--study", "cli-delphi"]).exit_code == 0
    edits = tmp_path / "edits.csv"
    pd.DataFrame({"statement": ["s1"], "text": ["One, reworded."]}).to_csv(edits, index=False)
    assert (
        runner.invoke(app, ["delphi", "round", "--study", "cli-delphi", "--edits", str(edits)]).exit_code == 0
    )
    status = json.loads(runner.invoke(app, ["delphi", "status", "--study", "cli-delphi", "--json"]).output)
    assert [r["status"] for r in status["rounds"]] == ["closed", "open"]
    assert {s["statement"]: s["versions"] for s in status["statements"]} == {"s1": 2, "s2": 1}
    late = runner.invoke(app, ["delphi", "import", str(rated), "--study", "cli-delphi"])
    assert "row 2, column 'round': round 1 is closed" in str(late.exception)
    sheet = tmp_path / "sheet.html"
    fb = runner.invoke(
        app,
        [
            "delphi",
            "feedback",
            "--study",
            "cli-delphi",
            "--round",
            "1",
            "--rater",
            "pr00",
            "--html",
            str(sheet),
            "--json",
        ],
    )
    assert fb.exit_code == 0, fb.output
    rows = {r["statement"]: r for r in json.loads(fb.output)}
    assert rows["s1"]["own_rating"] == 3 and rows["s1"]["previous_text"] == "One."
    assert rows["s1"]["text"] == "One, reworded."
    assert "One, reworded." in sheet.read_text() and "it read" in sheet.read_text()
    got = runner.invoke(app, ["delphi", "results", "--study", "cli-delphi", "--json"])
    assert got.exit_code == 0, "".join(traceback.format_exception(got.exception))
    res = json.loads(got.output)
    verdicts = {(r["statement"], r["group"]): r["verdict"] for r in res["summary"] if r["round"] == 1}
    assert verdicts[("s1", "policymakers")] == "in" and verdicts[("s1", "practitioners")] == "out"


def _record(study: str):
    from mindthegap.store.studies.models import StudyRecord

    return StudyRecord.objects.get(slug=study)


@pytest.mark.parametrize(
    "command",
    [
        ["status"],
        ["results"],
        ["round", "--close", "1"],
        ["feedback", "--round", "1"],
        ["draft"],
        ["links", "--round", "1", "--out", "links.csv"],
    ],
    ids=lambda c: c[0],
)
def test_each_study_command_in_a_fresh_process_names_a_missing_study(tmp_path, empty_database, command):
    """A fresh process has no store set up until the study is opened, so a command that imported the store's
    models first stopped with an internal error; now each says in one line that the study is not there.
    Reference: the store's own message for an unknown study id."""
    from tests.conftest import run_cli

    result = run_cli(
        "--db",
        empty_database,
        "delphi",
        *command,
        "--study",
        "nosuch",
        cwd=tmp_path,
        fresh_process=True,  # the point: nothing set up before the command opens the store
    )
    assert result.returncode == 2, result.stderr
    assert "internal error" not in result.stderr
    assert "no study with id 'nosuch'" in result.stderr
