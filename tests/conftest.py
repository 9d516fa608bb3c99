"""Shared fixtures. The database is whichever MINDTHEGAP_DATABASE_URL names (SQLite in memory by default;
CI runs the whole suite a second time against PostgreSQL)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture
def shared_data() -> Path:
    """../shared/data beside the checkout; tests using it skip where it is absent (as on a user's machine)."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not present")
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
