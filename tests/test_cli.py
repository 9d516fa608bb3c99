"""The command line as a user meets it: the demo end to end, the gap command, and one-line errors."""

import json
import re
import shutil
import sqlite3
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from tests.conftest import run_cli


@pytest.fixture
def demo_run(demo_outputs):
    # the demo run once for the whole test run (tests/conftest.py): it writes its database next to the report
    # unless MINDTHEGAP_DATABASE_URL names one (as in CI on PostgreSQL, where this proves the command works there)
    return demo_outputs.folder, demo_outputs.result


@pytest.mark.slow
def test_demo_succeeds_and_writes_a_self_contained_report(demo_run):
    out, result = demo_run
    assert result.returncode == 0, result.stderr
    report = out / "report.html"
    assert report.exists()
    assert str(report.resolve()) in result.stdout.replace("\n", "")
    html = report.read_text(encoding="utf-8")
    assert "Gap by principle and service" in html
    assert "95% CI" in html
    assert "Importance–performance quadrant" in html and "<svg" in html
    assert 'class="suppressed"' in html and ">suppressed<" in html
    # offline: no scripts, stylesheets, images or fonts fetched from anywhere
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "<script" not in html
    assert "@import" not in html and "url(http" not in html


def test_demo_writes_the_report_as_pdf_too(demo_run):
    out, _ = demo_run
    pdf = (out / "report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-") and len(pdf) > 20_000


def test_demo_prints_a_summary_table(demo_run):
    _, result = demo_run
    assert "Values–practice gap" in result.stdout
    assert "Co-production" in result.stdout


def test_report_never_shows_a_small_group(demo_run):
    """Every published row of every table in the report counting people has at least 11 of them."""
    out, _ = demo_run
    tables = pd.read_html(out / "report.html")
    checked = 0
    for table in tables:
        for col in ("n", "Participants", "Pairs", "People", "Raised it", "Respondents"):
            if col in table.columns:
                values = pd.to_numeric(table[col], errors="coerce").dropna()
                assert (values >= 11).all(), f"a group below 11 appears in a table with column {col}"
                checked += 1
    assert checked >= 4


@pytest.mark.slow
def test_demo_is_repeatable_into_the_same_folder(demo_outputs, tmp_path):
    """Run again into the folder (and database) of an earlier run, the demo replaces its study and writes the same
    report and key findings: the outputs are compared, not just the exit codes (only the report's generation time
    may differ)."""
    from tests.conftest import DEMO_ARGS

    def outputs(folder: Path, stdout: str) -> tuple[str, str]:
        html = (folder / "report.html").read_text(encoding="utf-8")
        return html[html.index("<main") :], stdout[: stdout.index("Study database:")]  # before the timings

    assert demo_outputs.result.returncode == 0, demo_outputs.result.stderr
    first = outputs(demo_outputs.folder, demo_outputs.result.stdout)
    again = tmp_path / "again"
    shutil.copytree(demo_outputs.folder, again)
    done = run_cli(*DEMO_ARGS, "--out", str(again), "--no-pdf")
    assert done.returncode == 0, done.stderr
    second = outputs(again, done.stdout)
    assert first[0] == second[0] and "Executive summary" in first[0]
    assert first[1] == second[1]


def _here(cli_here, *args: str) -> SimpleNamespace:
    """Run in this process (no database needed), with the same result attributes as :func:`run_cli`."""
    code, out, err = cli_here(*args)
    return SimpleNamespace(returncode=code, stdout=out, stderr=err)


def _one_line_error(result, pattern: str) -> None:
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error:")
    assert re.search(pattern, lines[0]), lines[0]
    assert "Traceback" not in result.stderr


def test_unwritable_output_folder(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    _one_line_error(run_cli("demo", "--out", str(blocker)), "not a folder")


def test_bad_database_url(tmp_path):
    _one_line_error(run_cli("--db", "mysqlx://who@where/db", "demo", "--out", str(tmp_path)), "engine")
    _one_line_error(
        run_cli("--db", "postgresql://nobody@127.0.0.1:1/none", "demo", "--out", str(tmp_path)),
        "cannot connect",
    )
    _one_line_error(
        run_cli("--db", str(tmp_path / "missing" / "x.sqlite3"), "demo", "--out", str(tmp_path)),
        "does not exist",
    )


def test_not_a_database(tmp_path):
    fake = tmp_path / "notes.sqlite3"
    fake.write_text("these are my notes")
    _one_line_error(run_cli("--db", str(fake), "gap", "--study", "northmoor"), "not a SQLite database")


def test_database_from_a_newer_version(demo_database, tmp_path):
    db = demo_database
    with sqlite3.connect(db) as conn:
        conn.execute(
            "INSERT INTO django_migrations (app, name, applied) VALUES ('studies', '9999_future', "
            "'2030-01-01')"
        )
    _one_line_error(run_cli("--db", str(db), "gap", "--study", "northmoor"), "newer version of mindthegap")
    debug = run_cli("--debug", "--db", str(db), "gap", "--study", "northmoor")
    assert "Traceback" in debug.stderr


def ratings_csv(path: Path, *, bad: str | None = None) -> Path:
    rows = ["participant_id,principle,service,value,practice"]
    for i in range(40):
        service = "a" if i < 18 else "b" if i < 25 else "c"  # 18, 7 and 15 people
        rows.append(f"p{i},safe,{service},{4 + i % 2},{2 + i % 3}")
    if bad:
        rows.append(bad)
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_gap_on_a_file_as_json(tmp_path, cli_here):
    result = _here(
        cli_here,
        "gap",
        str(ratings_csv(tmp_path / "r.csv")),
        "--by",
        "principle,service",
        "--json",
        "--n-boot",
        "300",
    )
    assert result.returncode == 0, result.stderr
    records = json.loads(result.stdout)
    by_service = {r["service"]: r for r in records}
    assert by_service["a"]["n"] == 18 and by_service["a"]["suppressed"] is False
    assert (
        by_service["b"]["suppressed"] is True
        and by_service["b"]["gap"] is None
        and by_service["b"]["n"] is None
    )
    # 40 − 18 would reveal b's 7, so c (the smallest other) is hidden too
    assert by_service["c"]["suppressed"] is True
    # the reason is the same for both, so it does not say which of them is the small one
    assert by_service["b"]["suppression_reason"] == by_service["c"]["suppression_reason"] == "suppressed"
    assert by_service["All"]["n"] == 40


def test_gap_names_the_bad_row_and_column(tmp_path, cli_here):
    path = ratings_csv(tmp_path / "r.csv", bad="p99,safe,a,seven,3")
    _one_line_error(_here(cli_here, "gap", str(path)), r"r\.csv, row 42, column 'value'")
    path = ratings_csv(tmp_path / "r2.csv", bad="p99,safe,a,4,9")
    _one_line_error(_here(cli_here, "gap", str(path)), r"row 42, column 'practice'.*whole number from 1 to 5")


def test_gap_missing_file(tmp_path, cli_here):
    _one_line_error(_here(cli_here, "gap", str(tmp_path / "nope.csv")), "file not found")


def test_help_teaches(cli_here):
    result = _here(cli_here, "--help")
    assert result.returncode == 0
    for command in ("demo", "gap"):
        assert command in result.stdout
    assert "Example" in _here(cli_here, "demo", "--help").stdout


def test_people_are_added_and_granted_from_the_command_line(demo_database, tmp_path):
    db = demo_database
    added = run_cli(
        "--db",
        db,
        "user",
        "add",
        "qi.lead",
        "--study",
        "northmoor",
        "--access",
        "analyst",
        "--password-stdin",
        input="a-long-passphrase-9\n",
    )
    assert added.returncode == 0, added.stderr
    assert "analyst access to northmoor" in added.stdout and "note:" not in added.stderr
    _one_line_error(
        run_cli("--db", db, "user", "add", "weak", "--password-stdin", input="123\n"), "password refused"
    )
    _one_line_error(run_cli("--db", db, "user", "grant", "qi.lead", "nowhere"), "no study with id 'nowhere'")
    _one_line_error(
        run_cli("--db", db, "user", "grant", "qi.lead", "northmoor", "--access", "boss"), "unknown access"
    )
    # the old spelling --role still works, with a one-line note on stderr
    old = run_cli("--db", db, "user", "grant", "qi.lead", "northmoor", "--role", "viewer")
    assert old.returncode == 0, old.stderr
    assert "note: --role is now called --access" in old.stderr and "viewer access to northmoor" in old.stdout
    again = run_cli("--db", db, "user", "grant", "qi.lead", "northmoor", "--access", "analyst")
    assert again.returncode == 0 and "note:" not in again.stderr
    with sqlite3.connect(db) as conn:
        role = conn.execute(
            "SELECT a.role FROM mtg_study_access a JOIN auth_user u ON u.id = a.user_id WHERE u.username = ?",
            ["qi.lead"],
        ).fetchone()
        stored_password = conn.execute("SELECT password FROM auth_user WHERE username='qi.lead'").fetchone()[
            0
        ]
    assert role == ("analyst",)
    assert "passphrase" not in stored_password and stored_password.startswith(("pbkdf2", "argon2", "scrypt"))
