"""What a first-time user hit (issue 12, item 7): each test fails on the behaviour the issue describes.

Commands that need no study database run in this process (``cli_here``); the first-run note needs a fresh
process and a fresh folder, which is its point.
"""

from __future__ import annotations

import io
import sys

import numpy as np
import pandas as pd
import pytest
from tests.conftest import run_cli
from tests.test_publication import example_ratings, example_study
from tests.test_study_files import people_csv, study_file  # noqa: F401 (a fixture)

from mindthegap.errors import MAX_PROBLEMS, InputError, InputErrors
from mindthegap.io.study_files import read_participants, read_ratings, read_study_file

RATINGS_HEAD = "participant_id,wave,principle,value,practice\n"


def test_user_add_without_a_terminal_says_to_pipe_the_password(monkeypatch):
    """Without a terminal the command used to abort; it now says what to do, and --password-stdin reads a line."""
    from mindthegap.cli.web import _read_password

    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    with pytest.raises(
        InputError, match="no terminal to ask for the password — pipe it in with --password-stdin"
    ):
        _read_password(False)
    monkeypatch.setattr(sys, "stdin", io.StringIO("a-long-passphrase-9\nrest\n"))
    assert _read_password(True) == "a-long-passphrase-9"


def test_numpy_scalars_read_as_plain_values_in_every_message():
    """NumPy 2 writes repr(np.int64(6)) as 'np.int64(6)'; every message shows the value a user typed."""
    error = InputError(
        f"{np.int64(6)!r} is not a whole number; {np.float64(2.5)!r}, {np.str_('a (b)')!r}, {np.True_!r}",
        row=np.int64(3),
    )
    assert str(error) == "row 3: 6 is not a whole number; 2.5, 'a (b)', True"


def test_a_bad_rating_names_the_value_not_its_numpy_type(tmp_path, cli_here):
    path = tmp_path / "ratings.csv"
    path.write_text("participant_id,principle,value,practice\nP1,safe,6,2\n", encoding="utf-8")
    code, _, err = cli_here("gap", str(path))
    assert code == 2
    assert "column 'value': 6 is not a whole number from 1 to 5" in err and "np." not in err


def test_waves_and_principles_by_name_like_services(tmp_path, study_file):  # noqa: F811
    """Names (any case and spacing) were refused with a hint to import participants first."""
    study = read_study_file(study_file)
    study.participants = read_participants(people_csv(tmp_path), study)
    path = tmp_path / "ratings.csv"
    path.write_text(
        RATINGS_HEAD + "RV-0001,Baseline,Promoting  wellbeing,4,2\nRV-0001,follow-up,co_production,5,3\n",
        encoding="utf-8",
    )
    frame = read_ratings(path, study)
    assert frame[["wave", "principle"]].values.tolist() == [
        ["baseline", "wellbeing"],
        ["follow_up", "co_production"],
    ]
    path.write_text(RATINGS_HEAD + "RV-0001,Spring,wellbeing,4,2\n", encoding="utf-8")
    with pytest.raises(
        InputError, match=r"unknown wave 'Spring' — use an id or name .*baseline \(Baseline\)"
    ):
        read_ratings(path, study)


def test_every_problem_in_a_participants_file_is_reported(tmp_path, study_file):  # noqa: F811
    """Three bad rows used to give one message (the first); now all three, each with its row and column."""
    study = read_study_file(study_file)
    path = people_csv(tmp_path, "RV-0100,chef,local frontline,,,,yes\nRV-0101,practitioner,moon,,,,yes\n"
                      "RV-0102,practitioner,local frontline,,,,maybe")  # fmt: skip
    with pytest.raises(InputErrors) as caught:
        read_participants(path, study)
    places = [(p.row, p.column) for p in caught.value.problems]
    assert places == [(33, "role"), (34, "level"), (35, "consent")]
    assert caught.value.lines()[0].endswith("3 problems; nothing was stored:")


def test_every_problem_in_a_ratings_file_is_listed_up_to_a_limit(tmp_path, cli_here):
    path = tmp_path / "ratings.csv"
    rows = [f"P{i},safe,{9 if i % 2 else 3},{0 if i % 3 == 0 else 2}" for i in range(40)]
    path.write_text("participant_id,principle,value,practice\n" + "\n".join(rows) + "\n", encoding="utf-8")
    code, _, err = cli_here("gap", str(path))
    lines = err.strip().splitlines()
    assert code == 2 and "34 problems; nothing was stored:" in lines[0]
    assert (
        lines[1].strip()
        == "row 3, column 'value': 9 is not a whole number from 1 to 5 — correct it or leave the cell blank"
    )
    assert len(lines) == 1 + MAX_PROBLEMS + 1 and "and 14 more" in lines[-1]


def test_top_level_help_gives_examples_and_the_default_database(cli_here):
    code, out, _ = cli_here("--help")
    assert code == 0
    assert "Examples:" in out and "mindthegap demo" in out and "mindthegap gap --study" in out
    assert "mindthegap.sqlite3 in the folder you run the command from" in out


def test_the_first_run_says_where_the_database_was_created(tmp_path):
    """A fresh process in a fresh folder: the one place a new default database is made."""
    env = {"MINDTHEGAP_DATABASE_URL": ""}
    first = run_cli("study", "list", cwd=tmp_path, env=env, fresh_process=True)
    assert first.returncode == 0, first.stderr
    where = tmp_path / "mindthegap.sqlite3"
    assert (
        f"note: created a new study database at {where} (the default, in the current folder" in first.stderr
    )
    again = run_cli("study", "list", cwd=tmp_path, env=env)
    assert again.returncode == 0 and "created" not in again.stderr


@pytest.mark.django_db  # writing --out of a stored study's gap is recorded in the audit log
def test_gap_prints_names_not_ids_and_rounds_its_file(tmp_path, cli_here, monkeypatch):
    """A stored study's gap named principles, services and waves by id, and its CSV held 16-digit floats."""
    from mindthegap.cli import analyse

    study = example_study()
    ratings = example_ratings(study)
    people = pd.DataFrame(
        [{"participant_id": p.id, "service": p.service, "level": p.level.value, "role": p.role.value,
          "discipline": p.discipline, "team": p.team} for p in study.participants]
    )  # fmt: skip
    monkeypatch.setattr(analyse, "_stored_ratings", lambda _: (ratings, people, 11, study))
    out = tmp_path / "gap.csv"
    code, printed, err = cli_here("gap", "--study", study.id, "--by", "principle,service", "--n-boot", "100",
                                  "--out", str(out))  # fmt: skip
    assert code == 0, err
    assert "Safe care" in printed and "│ Big" in printed and "│ big" not in printed
    table = pd.read_csv(out)
    assert set(table["principle"]) == {"Safe care"} and set(table["service"]) <= {
        "Big",
        "Mid",
        "Small",
        "All",
    }
    decimals = table["gap"].dropna().astype(str).str.split(".").str[-1].str.len()
    assert decimals.max() <= 3


def test_stored_but_uncoded_transcripts_are_reported():
    """Sources with no coding made the section vanish; now the report says they are stored, not coded."""
    from mindthegap.report.context import ReportContext
    from mindthegap.report.sections import qualitative

    study = example_study()
    sources = pd.DataFrame(
        {"source": ["S1", "S2"], "name": ["one", "two"], "kind": "interview", "participant": "",
         "level": "local_frontline", "role": "", "service": "", "wave": "", "text": ["We wait.", "Staff care."]}
    )  # fmt: skip
    empty = pd.DataFrame(columns=["source", "code", "start", "end", "coder", "status", "confidence"])
    ctx = ReportContext(study=study, evidence={"qualitative": {"sources": sources, "codings": empty}})
    section = qualitative.build(ctx)
    assert section is not None
    assert "2 sources are stored, not coded" in section.blocks[0].text
    assert section.summary == ["2 qualitative sources stored, not coded yet."]


def test_negative_alpha_names_the_item_to_reverse(tmp_path, cli_here):
    """A reverse-worded item left unreversed gave a negative alpha; the warning now names it."""
    rng = np.random.default_rng(3)
    trait = rng.normal(size=150)
    items = {f"Q{i}": np.clip(np.round(3 + trait + rng.normal(size=150)), 1, 5) for i in range(1, 4)}
    items["Q3"] = 6 - items["Q3"]
    path = tmp_path / "answers.csv"
    pd.DataFrame(items).astype(int).to_csv(path, index=False)
    code, _, err = cli_here("survey", "reliability", str(path), "--construct", "trust=Q1,Q2,Q3")
    assert code == 0
    assert "Q3 runs against the other items" in " ".join(err.split()) and "--reverse Q3" in err


def test_table_headings_are_not_cut_at_80_columns(tmp_path, cli_here, monkeypatch):
    from mindthegap.cli import console

    rng = np.random.default_rng(4)
    trait = rng.normal(size=60)
    frame = pd.DataFrame(
        {f"Q{i}": np.clip(np.round(3 + trait + rng.normal(size=60)), 1, 5) for i in range(4)}
    )
    frame["service"] = "Working-age adults: community"
    path = tmp_path / "answers.csv"
    frame.to_csv(path, index=False)
    monkeypatch.setattr(console.console, "width", 80)
    code, out, _ = cli_here("survey", "reliability", str(path), "-c", "all=Q0,Q1,Q2,Q3", "--by", "service",
                            "--items")  # fmt: skip
    assert code == 0
    assert "…" not in out
    for word in ("alpha", "high", "item–total", "deleted", "construct"):
        assert word in out


@pytest.mark.django_db
def test_code_suggest_can_be_run_again_at_a_lower_confidence():
    """A second run skipped every source already suggested, so a lower threshold added nothing. Now it adds what
    the higher threshold held back, never repeats a suggestion, and never proposes again what a person rejected."""
    from tests.test_autocoder import synthetic_corpus

    from mindthegap.store.feedback.suggestions import review_suggestion, store_suggestions
    from mindthegap.store.qualitative import models as q
    from mindthegap.store.studies.models import StudyRecord
    from mindthegap.text.autocoder import AutoCoder

    texts, labels = synthetic_corpus()
    model = AutoCoder(cv=4).fit(texts, labels, codes=["Staff", "Waiting", "Parking"])
    record = StudyRecord.objects.create(slug="s1", name="S1")
    for i, name in enumerate(["Staff", "Waiting", "Parking"]):
        q.CodeRecord.objects.create(study=record, guid=f"C{i}", name=name)
    for i, text in enumerate(texts[:40]):
        q.SourceRecord.objects.create(study=record, guid=f"S{i}", name=str(i), text=text)
    predicted = model.predict(texts[:40]).astype(bool)
    all_at_once = int(predicted.sum())
    threshold = float(np.median(model.predict_proba(texts[:40])[predicted]))
    sure = store_suggestions(record, model, min_confidence=threshold)
    assert 0 < sure < all_at_once
    first = q.CodingRecord.objects.order_by("id").first()
    review_suggestion(first.id, accept=False)
    more = store_suggestions(record, model, min_confidence=0.0)
    assert sure + more == all_at_once  # the held-back ones, and the rejected one not again
    assert store_suggestions(record, model) == 0
    pairs = list(q.CodingRecord.objects.values_list("source_id", "code_id"))
    assert len(pairs) == len(set(pairs))


def test_missing_shared_data_fails_where_it_is_required(monkeypatch):
    """Issue 12 item 6: with MINDTHEGAP_REQUIRE_SHARED_DATA=1 (as CI sets it) a missing folder is a failure."""
    from tests.conftest import missing_shared_data

    monkeypatch.delenv("MINDTHEGAP_REQUIRE_SHARED_DATA", raising=False)
    with pytest.raises(pytest.skip.Exception):
        missing_shared_data("the test data")
    monkeypatch.setenv("MINDTHEGAP_REQUIRE_SHARED_DATA", "1")
    with pytest.raises(pytest.fail.Exception, match="MINDTHEGAP_REQUIRE_SHARED_DATA=1 requires it"):
        missing_shared_data("the test data")
