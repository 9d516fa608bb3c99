"""Errors as a first-time user meets them: one line, a non-zero exit, never a traceback.

Each command runs in a fresh process set up like a clean installation: a ``click`` package that refuses to be
imported sits first on the path (current Typer vendors what it needs and no longer installs Click), and
``-X importtime`` lists every module the process imported, so the tests can show that ``click`` never was.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import run_cli

STUDY_YAML = """\
id: riverside
name: Riverside
policies:
  - id: care
    title: Care
    principles:
      - {id: wellbeing, name: Promoting wellbeing}
services:
  - {id: adult_community, name: Adults}
waves:
  - {id: baseline, name: Baseline, order: 0}
"""


@pytest.fixture(scope="module")
def clean_env(tmp_path_factory) -> dict:
    """Environment variables for a process that cannot import click, as in a fresh installation."""
    shadow = tmp_path_factory.mktemp("no-click")
    (shadow / "click").mkdir()
    (shadow / "click" / "__init__.py").write_text(
        'raise ImportError("click is not installed in this environment")\n', encoding="utf-8"
    )
    path = os.pathsep.join(p for p in (str(shadow), os.environ.get("PYTHONPATH", "")) if p)
    return {"PYTHONPATH": path, "COLUMNS": "200", "HOME": str(shadow)}


def fresh(clean_env: dict, *args: str, cwd: Path | None = None, input: str | None = None, prefix=()):
    """Run ``mindthegap ARGS`` in a clean-installation-like process; returns (process, user lines, imports)."""
    env = {**os.environ, **clean_env}
    result = subprocess.run(
        [*prefix, sys.executable, "-X", "importtime", "-m", "mindthegap.cli.main", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        input=input if input is not None else "",
        timeout=600,
    )
    imports = set()
    lines = []
    for line in result.stderr.splitlines():
        if line.startswith("import time:"):
            imports.add(line.rsplit("|", 1)[-1].strip())
        elif line.strip():
            lines.append(line)
    return result, lines, imports


def assert_one_line(result, lines, imports, pattern: str, *, code: int = 2) -> None:
    assert result.returncode == code, (result.returncode, lines)
    assert len(lines) == 1, lines
    assert re.search(pattern, lines[0]), lines[0]
    assert "Traceback" not in result.stderr
    assert "click" not in imports and not any(m.startswith("click.") for m in imports)


@pytest.mark.parametrize(
    ("args", "pattern"),
    [
        (("--bogus",), r"^error: No such option: --bogus — see 'mindthegap --help'$"),
        (("user", "add"), r"^error: Missing argument 'username' — see 'mindthegap user add --help'$"),
        (("demo", "--n-boot", "5"), r"^error: Invalid value for '--n-boot': .*greater than or equal to 100"),
        (("study", "create"), r"Missing argument 'file'"),
    ],
)
def test_usage_errors_print_one_line_without_click(clean_env, tmp_path, args, pattern):
    assert_one_line(*fresh(clean_env, *args, cwd=tmp_path), pattern)


def test_help_and_version_still_work_without_click(clean_env, tmp_path):
    result, _, imports = fresh(clean_env, "--version", cwd=tmp_path)
    assert result.returncode == 0 and "mindthegap" in result.stdout and "click" not in imports
    result, _, _ = fresh(clean_env, "study", cwd=tmp_path)  # a group without a command shows its help
    assert result.returncode == 2 and "create" in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_markup_in_a_value_is_printed_as_written(clean_env, tmp_path):
    """Rich markup in a user's value is text: '[/bold]' once made Rich raise while printing the error."""
    study = tmp_path / "study.yaml"
    study.write_text(STUDY_YAML.replace("id: riverside", "id: '[/bold] Riverside'"), encoding="utf-8")
    result, lines, imports = fresh(
        clean_env, "--db", str(tmp_path / "s.sqlite3"), "study", "create", str(study)
    )
    assert_one_line(result, lines, imports, r"study id '\[/bold\] Riverside' must be lower-case")


def test_a_50_megabyte_value_gives_a_short_line(clean_env, tmp_path):
    """A 50 MB cell of Rich-markup-like text (which Rich once took minutes to parse) ends in a short line.

    No timing assertion: the test passes when the command completes and its line is short."""
    db = str(tmp_path / "s.sqlite3")
    (tmp_path / "study.yaml").write_text(STUDY_YAML, encoding="utf-8")
    assert run_cli("--db", db, "study", "create", str(tmp_path / "study.yaml")).returncode == 0
    people = tmp_path / "people.csv"
    with people.open("w", encoding="utf-8") as fh:
        fh.write("participant_id,role,level\nRV-0001,")
        fh.write("[b]x[/b] " * 6_250_000)  # 50,000,000 characters
        fh.write(",local frontline\n")
    result, lines, imports = fresh(clean_env, "--db", db, "study", "participants", "riverside", str(people))
    assert_one_line(result, lines, imports, r"^error: .*people\.csv, row 2, column 'role': ")
    assert len(lines[0]) < 1200
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM mtg_participant").fetchone() == (0,)


@pytest.fixture
def setpriv_prefix() -> tuple[str, ...]:
    """As root, drop the capability to override file permissions, so a read-only folder is read-only."""
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        tool = shutil.which("setpriv")
        if tool is None:
            pytest.skip("running as root without setpriv: a read-only folder cannot be made")
        return (tool, "--bounding-set=-dac_override,-dac_read_search", "--")
    return ()


def test_error_messages_cut_long_values_in_one_place():
    """errors.py cuts a quoted value to 200 characters with "…" and bounds the whole line."""
    from mindthegap.errors import MAX_MESSAGE, MAX_QUOTED, InputError, shorten

    value = "[x] " * 12_500_000  # 50 MB
    error = InputError(
        f"unknown role {value!r}", path="people.csv", row=2, column="role", hint="use one of: a, b"
    )
    text = str(error)
    assert text.startswith("people.csv, row 2, column 'role': unknown role '[x] [x]")
    assert text.endswith("…' — use one of: a, b")
    assert len(error.message) <= MAX_MESSAGE
    quoted_part = error.message.split("unknown role ", 1)[1]
    assert len(quoted_part) == MAX_QUOTED + 3  # the quotes and the ellipsis
    # an unquoted monster keeps its start (where to look) and its end (what to do)
    long = shorten("people.csv: " + "y" * 5_000_000 + " — fix it")
    assert len(long) <= MAX_MESSAGE and long.startswith("people.csv: yyy") and long.endswith("— fix it")
    assert shorten("  two\n lines ") == "two lines"
    column = InputError("bad", column="c" * 10_000)
    assert len(str(column)) < 300


@pytest.fixture(scope="module")
def riverside_made(tmp_path_factory) -> Path:
    """A SQLite study database holding the small Riverside study, made once for the module through the real
    command line (creating a database runs every migration: the costly part)."""
    folder = tmp_path_factory.mktemp("riverside")
    (folder / "study.yaml").write_text(STUDY_YAML, encoding="utf-8")
    db = folder / "riverside.sqlite3"
    made = run_cli("--db", str(db), "study", "create", str(folder / "study.yaml"))
    assert made.returncode == 0, made.stderr
    return db


@pytest.fixture
def riverside(riverside_made, tmp_path) -> str:
    """This test's own copy of the Riverside database (a test may change it or make its folder read-only)."""
    (tmp_path / "db").mkdir()
    db = tmp_path / "db" / "riverside.sqlite3"
    shutil.copyfile(riverside_made, db)
    return str(db)


def test_a_corrupt_workbook_in_survey_import(clean_env, tmp_path, riverside):
    corrupt = tmp_path / "answers.xlsx"
    corrupt.write_bytes(b"PK\x03\x04 this is not really a workbook" * 50)
    found = fresh(clean_env, "--db", riverside, "survey", "import", str(corrupt), "--instrument", "nomad",
                  "--study", "riverside")  # fmt: skip
    assert_one_line(*found, r"^error: .*answers\.xlsx: cannot be read as xlsx \(.*\) — check that it opens")


@pytest.mark.parametrize(
    ("username", "pattern"),
    [("", "the username is empty"), ("a b", "username 'a b' is not accepted: Enter a valid username")],
)
def test_user_add_with_an_unusable_username(clean_env, riverside, username, pattern):
    found = fresh(clean_env, "--db", riverside, "user", "add", username, "--password-stdin",
                  input="a-long-passphrase-9\n")  # fmt: skip
    assert_one_line(*found, pattern)


def test_user_add_without_a_terminal_says_how_to_give_the_password(clean_env, riverside):
    found = fresh(clean_env, "--db", riverside, "user", "add", "qi.lead", input="")
    assert_one_line(
        *found, r"there is no terminal to ask for the password — pipe it in with --password-stdin"
    )
    found = fresh(clean_env, "--db", riverside, "user", "add", "qi.lead", "--password-stdin", input="")
    assert_one_line(*found, r"no password on standard input")


def test_a_database_in_a_read_only_folder(clean_env, riverside, setpriv_prefix):
    """SQLite needs to write a journal beside the database, so a writable file in a read-only folder still
    cannot be changed; reading it works as before."""
    folder = Path(riverside).parent
    Path(riverside).chmod(0o666)
    folder.chmod(0o555)
    try:
        listed = fresh(clean_env, "--db", riverside, "study", "list", prefix=setpriv_prefix)[0]
        assert listed.returncode == 0 and "riverside" in listed.stdout, listed.stderr
        found = fresh(
            clean_env, "--db", riverside, "study", "delete", "riverside", "--yes", prefix=setpriv_prefix
        )
        assert_one_line(
            *found, r"^error: the study database .*riverside\.sqlite3 cannot be written: .*read-only"
        )
    finally:
        folder.chmod(0o755)
    with sqlite3.connect(riverside) as conn:
        assert conn.execute("SELECT slug FROM mtg_study").fetchall() == [("riverside",)]


def test_study_delete_when_a_newer_version_added_a_kind_of_evidence(clean_env, riverside):
    """A newer mindthegap's app (unknown here) has rows pointing at the study: deleting it used to fail on a
    foreign key deep inside Django; now the database is recognised as newer before anything is changed."""
    with sqlite3.connect(riverside) as conn:
        conn.execute(
            "CREATE TABLE networks_tie (id integer PRIMARY KEY, study_id bigint NOT NULL "
            "REFERENCES mtg_study (id) DEFERRABLE INITIALLY DEFERRED)"
        )
        conn.execute("INSERT INTO networks_tie (study_id) SELECT id FROM mtg_study")
        conn.execute(
            "INSERT INTO django_migrations (app, name, applied) VALUES ('networks', '0001_initial', '2030-01-01')"
        )
    found = fresh(clean_env, "--db", riverside, "study", "delete", "riverside", "--yes")
    assert_one_line(*found, r"written by a newer version of mindthegap \(it has data of 'networks'.*upgrade")
    with sqlite3.connect(riverside) as conn:
        assert conn.execute("SELECT COUNT(*) FROM mtg_study").fetchone() == (1,)


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("attempt to write a readonly database", "cannot be written: the file or its folder is read-only"),
        ("cannot execute INSERT in a read-only transaction", "may be read but not changed by this user"),
        ("permission denied for table mtg_study", "may be read but not changed by this user"),
        ("database or disk is full", "is full"),
        ("database is locked", "stayed busy with another writer"),
        ("no such table: mtg_study", None),
    ],
)
def test_database_failures_a_user_can_fix_are_explained(message, expected):
    from django.db.utils import OperationalError

    from mindthegap.store.database import explain_database_error

    explained = explain_database_error(OperationalError(message))
    assert (explained is None) if expected is None else (expected in str(explained))
