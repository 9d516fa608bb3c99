"""Shared fixtures. The database is whichever MINDTHEGAP_DATABASE_URL names (SQLite in memory by default;
CI runs the whole suite a second time against PostgreSQL)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
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


@pytest.fixture(scope="session")
def demo_study():
    from mindthegap.demo import build_demo_study

    return build_demo_study()


def run_cli(
    *args: str, env: dict | None = None, cwd: Path | None = None, input: str | None = None
) -> subprocess.CompletedProcess:
    """Run the real console script in a fresh process, as a user would."""
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
