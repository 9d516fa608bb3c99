"""Shared fixtures. The database is whichever MINDTHEGAP_DATABASE_URL names (SQLite in memory by default;
CI runs the whole suite a second time against PostgreSQL)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


#: set to 1 (CI does, in .ci/run) to make a missing ../shared/data fail the tests that need it, not skip them
REQUIRE_SHARED_DATA = "MINDTHEGAP_REQUIRE_SHARED_DATA"


def missing_shared_data(what: str) -> None:
    """Skip a test whose shared data is absent (as on a user's machine), or fail it loudly where the data must be
    present (``MINDTHEGAP_REQUIRE_SHARED_DATA=1``), so that a moved folder cannot turn tests into silent skips."""
    message = f"{what} is not present under {SHARED_DATA}"
    if os.environ.get(REQUIRE_SHARED_DATA, "").strip() == "1":
        pytest.fail(f"{message}, and {REQUIRE_SHARED_DATA}=1 requires it", pytrace=False)
    pytest.skip(message)


@pytest.fixture
def shared_data() -> Path:
    """../shared/data beside the checkout; tests using it skip where it is absent (see :func:`missing_shared_data`)."""
    if not SHARED_DATA.is_dir():
        missing_shared_data("../shared/data")
    return SHARED_DATA


@pytest.fixture(scope="session", autouse=True)
def _audit_purge_for_cleanup():
    """Let Django empty the test database between tests that commit (``transaction=True``): the audit log's
    SQLite trigger refuses deletes otherwise. Tests of that trigger turn it back on with ``allow_purge(False)``.
    """
    from mindthegap.store.audit.guard import allow_purge

    with allow_purge():
        yield


@pytest.fixture(scope="session", autouse=True)
def _database_blocker_for_commands(django_db_blocker):
    """Commands run in this process (:func:`run_cli`) open their own database, as a fresh process would; they get
    past pytest-django's guard, which is there for the test database, not for theirs."""
    from tests import inprocess

    inprocess.BLOCKER = django_db_blocker
    yield
    inprocess.BLOCKER = None


#: resamples for the web app's dashboards and report downloads in tests (2,000 in use)
WEB_TEST_BOOTSTRAP = 200


@pytest.fixture(scope="session", autouse=True)
def _fewer_resamples_on_the_web():
    """The web app's tests check who sees what, what is suppressed and what is cached, never how narrow an
    interval is (the statistics tests check intervals, by coverage simulation), so its dashboards and report
    downloads are built with 200 resamples rather than 2,000 (about 0.8 s less of each demo build's 10 s). A
    test about the resample count itself sets it back with ``monkeypatch``."""
    from mindthegap.web import views

    saved = views.BOOTSTRAP
    views.BOOTSTRAP = WEB_TEST_BOOTSTRAP
    yield
    views.BOOTSTRAP = saved


@pytest.fixture(scope="session")
def demo_study():
    from mindthegap.demo import build_demo_study

    return build_demo_study()


def run_cli(
    *args: str,
    env: dict | None = None,
    cwd: Path | None = None,
    input: str | None = None,
    fresh_process: bool = False,
) -> subprocess.CompletedProcess:
    """Run the command line as a user would: through the console script's entry point, against the database the
    command names (``--db``, ``MINDTHEGAP_DATABASE_URL`` or the default file), with its exit code and printed
    output. It runs in this process (:func:`tests.inprocess.run_in_process`: starting Python, Django and pandas
    again for each of the suite's hundreds of commands was most of its time); ``fresh_process=True`` starts a new
    process instead, for tests whose point is what a fresh process does (imports, first use of a database)."""
    if not fresh_process:
        from tests.inprocess import run_in_process

        return run_in_process(*args, env=env, cwd=cwd, input=input)
    full_env = {**os.environ, "COLUMNS": "200", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "mindthegap.cli.main", *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd,
        input=input,
        timeout=600,
    )


@dataclass(frozen=True)
class DemoRun:
    """The outputs of one ``mindthegap demo`` run: its folder (report.html, report.pdf, summary.pdf), the finished
    process (exit code and printed output) and the SQLite study database it wrote (None where
    MINDTHEGAP_DATABASE_URL named another database)."""

    folder: Path
    result: subprocess.CompletedProcess
    database: Path | None


#: the arguments of the shared demo run (tests that run the demo again compare against it with the same ones)
DEMO_ARGS = ("demo", "--n-boot", "200")


@pytest.fixture(scope="session")
def demo_outputs(tmp_path_factory) -> DemoRun:
    """``mindthegap demo`` run once in a fresh process for the whole test run, shared by every xdist worker (a
    file lock lets the first worker build it and the others wait and read it). Building and rendering the whole
    report is the suite's costliest step, so tests read these outputs rather than each running the demo.
    Read-only: a test that changes the database or the folder works on a copy (:func:`demo_database`)."""
    from filelock import FileLock

    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # shared by the workers of this run
    folder = root / "shared-demo"
    record = folder / "result.json"
    with FileLock(str(root / "shared-demo.lock")):
        if not record.exists():
            folder.mkdir(exist_ok=True)
            done = run_cli(*DEMO_ARGS, "--out", str(folder), fresh_process=True)
            record.write_text(
                json.dumps({"returncode": done.returncode, "stdout": done.stdout, "stderr": done.stderr}),
                encoding="utf-8",
            )
    kept = json.loads(record.read_text(encoding="utf-8"))
    result = subprocess.CompletedProcess(
        ["mindthegap", *DEMO_ARGS], kept["returncode"], kept["stdout"], kept["stderr"]
    )
    database = folder / "demo.sqlite3"
    return DemoRun(folder, result, None if os.environ.get("MINDTHEGAP_DATABASE_URL") else database)


@pytest.fixture
def demo_database(demo_outputs, tmp_path) -> str:
    """A private copy of the demo's SQLite study database (northmoor stored, as ``mindthegap demo`` leaves it),
    for tests that run commands against it and may change it. Where the shared run used another database
    (MINDTHEGAP_DATABASE_URL), the demo is run again into a SQLite file of this test's own."""
    target = tmp_path / "demo.sqlite3"
    if demo_outputs.database is None:
        built = run_cli("--db", str(target), *DEMO_ARGS, "--out", str(tmp_path / "demo"), "--no-pdf")
        assert built.returncode == 0, built.stderr
    else:
        assert demo_outputs.result.returncode == 0, demo_outputs.result.stderr
        shutil.copyfile(demo_outputs.database, target)
    return str(target)


@pytest.fixture(scope="session")
def _empty_database_template(tmp_path_factory) -> Path:
    """One empty SQLite study database, migrated once for this worker (migrating a new file takes seconds)."""
    template = tmp_path_factory.mktemp("template") / "empty.sqlite3"
    made = run_cli("--db", str(template), "study", "list")
    assert made.returncode == 0, made.stderr
    return template


@pytest.fixture
def empty_database(_empty_database_template, tmp_path) -> str:
    """A new, empty SQLite study database in this test's folder, its schema already up to date: what the first
    command against a new ``--db`` file makes, without every test paying for the migrations again."""
    target = tmp_path / "empty.sqlite3"
    shutil.copyfile(_empty_database_template, target)
    return str(target)


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture
def cli_here(capsys, monkeypatch):
    """Run the command line in this process, through the same entry point as the console script (one-line
    errors, exit codes): ``(exit code, stdout, stderr)``. Much faster than :func:`run_cli`; use it wherever a
    fresh process is not the point. Commands that open a study database need a process of their own (Django
    holds one database per process), so keep :func:`run_cli` for those."""
    from mindthegap.cli import console, main

    monkeypatch.setattr(console.console, "width", 200)
    monkeypatch.setattr(console.err_console, "width", 200)

    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        monkeypatch.setattr(sys, "argv", ["mindthegap", *args])
        try:
            main.run()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def completed(cli_here) -> Callable[..., subprocess.CompletedProcess]:
    """A stand-in for :func:`run_cli` that runs in this process (through ``cli_here``) and answers with the same
    ``returncode``, ``stdout`` and ``stderr``: for test modules whose commands read files only."""

    def run(*args: str, **_: object) -> subprocess.CompletedProcess:
        code, out, err = cli_here(*args)
        return subprocess.CompletedProcess(["mindthegap", *args], code, out, err)

    return run
