"""Running the command line inside the test process, as a fresh process would run it.

A command started with ``python -m mindthegap.cli.main`` spends a second or more importing Python, Django and
pandas before it does anything; the suite runs hundreds of commands. :func:`run_in_process` runs the same entry
point (:func:`mindthegap.cli.main.run`: one-line errors, exit codes) in this process instead, and gives it what a
fresh process would have:

- **its own database**: the one the command opens (``--db``, ``MINDTHEGAP_DATABASE_URL`` in ``env`` or in the
  environment, the default file in the working folder, or the demo's own). Django's ``default`` connection is
  pointed at it when the command opens it and pointed back afterwards, so the test database (and a test's open
  transaction on it) is left exactly as it was. Settings read once when Django starts (the secret key, the web
  app's settings from the environment) are the test process's: tests of those use ``fresh_process=True``;
- its own environment, working folder, ``sys.argv``, standard input (not a terminal) and output streams, all
  restored afterwards; a console 200 columns wide (as ``COLUMNS=200`` gave the fresh process);
- warnings shown as a fresh process shows them (one line on stderr, once per place), not collected by pytest.

Anything that escapes the entry point (it should not: :func:`run` turns every error into a line and an exit
code) is reported as a fresh process would report it: a traceback on stderr and exit code 1.
"""

from __future__ import annotations

import atexit
import contextlib
import io
import os
import subprocess
import sys
import traceback
import warnings
from collections.abc import Iterator
from pathlib import Path

#: pytest-django's database guard, set for the test session by tests/conftest.py
BLOCKER = None


@contextlib.contextmanager
def _environment(env: dict | None, cwd: Path | None) -> Iterator[None]:
    saved_env, saved_cwd = dict(os.environ), os.getcwd()
    os.environ.update({"COLUMNS": "200", **(env or {})})
    if cwd is not None:
        os.chdir(cwd)
    try:
        yield
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)


class _Databases:
    """Django's ``default`` connection, pointed at the database each :func:`open_store` call names (as the first
    such call in a fresh process would configure it) and pointed back at the test database afterwards."""

    def __init__(self) -> None:
        from django.conf import settings
        from django.db import connections

        self.saved_settings = settings.DATABASES["default"]
        self.saved_connection = getattr(connections._connections, "default", None)
        self.opened: list = []

    def point_at(self, target: str | None) -> None:
        from django.conf import settings
        from django.contrib.contenttypes.models import ContentType
        from django.db import connections

        from mindthegap.store.database_url import database_settings, normalise_database_url

        try:
            wanted = database_settings(normalise_database_url(target))
        except Exception:  # a bad URL: open_store itself says so
            return
        current = settings.DATABASES["default"]
        if self.opened and all(current.get(k) == wanted.get(k) for k in ("ENGINE", "NAME", "HOST", "PORT")):
            return
        configured = connections.configure_settings({"default": dict(wanted)})["default"]
        settings.DATABASES["default"] = connections.settings["default"] = configured
        connection = connections.create_connection("default")
        connections._connections.default = connection
        self.opened.append(connection)
        ContentType.objects.clear_cache()  # its ids belong to one database; this is another

    def restore(self) -> None:
        from django.conf import settings
        from django.contrib.contenttypes.models import ContentType
        from django.db import connections

        for connection in self.opened:
            connection.close()
        settings.DATABASES["default"] = connections.settings["default"] = self.saved_settings
        if self.saved_connection is None:
            if hasattr(connections._connections, "default"):
                del connections._connections.default
        else:
            connections._connections.default = self.saved_connection
        if self.opened:
            ContentType.objects.clear_cache()


#: an empty SQLite study database migrated once in this process, copied wherever a command makes a new one
_TEMPLATE: list[Path] = []


def _new_sqlite_file(target: str | None) -> Path | None:
    """The SQLite file ``target`` names if the command would create it (absent, in a writable folder)."""
    from mindthegap.store.database_url import database_settings, normalise_database_url

    try:
        config = database_settings(normalise_database_url(target))
    except Exception:
        return None
    if not config["ENGINE"].endswith("sqlite3"):
        return None
    path = Path(config["NAME"])
    folder = path.parent
    return path if not path.exists() and folder.is_dir() and os.access(folder, os.W_OK) else None


@contextlib.contextmanager
def _database() -> Iterator[None]:
    """While the command runs, :func:`mindthegap.store.database.open_store` first points Django at the database
    it was asked to open (every command opens its database through it, by the module attribute). A new SQLite
    file starts as a copy of one migrated earlier in this process: migrating a new file takes seconds, and the
    suite makes a hundred; only the note saying a *default* database was created is then not printed (the test
    of that note runs in a fresh process)."""
    import shutil
    import tempfile

    from mindthegap.store import database

    original = database.open_store
    databases = _Databases()

    def template() -> Path:
        if not _TEMPLATE:
            folder = tempfile.mkdtemp(prefix="mindthegap-template-")
            atexit.register(shutil.rmtree, folder, ignore_errors=True)  # the worker leaves no file behind
            path = Path(folder) / "empty.sqlite3"
            named = os.environ.get("MINDTHEGAP_DATABASE_URL")
            databases.point_at(str(path))
            original(str(path))  # it names its database in the environment: put back the command's
            if named is None:
                os.environ.pop("MINDTHEGAP_DATABASE_URL", None)
            else:
                os.environ["MINDTHEGAP_DATABASE_URL"] = named
            _TEMPLATE.append(path)
        return _TEMPLATE[0]

    def open_store(db: str | None = None, *, migrate: bool = True) -> str:
        target = db or os.environ.get("MINDTHEGAP_DATABASE_URL")
        new = _new_sqlite_file(target)
        if new is not None:
            shutil.copyfile(template(), new)
        databases.point_at(target)
        return original(db, migrate=migrate)

    database.open_store = open_store
    guard = BLOCKER.unblock() if BLOCKER is not None else contextlib.nullcontext()
    try:
        with guard:
            try:
                yield
            finally:
                databases.restore()
    finally:
        database.open_store = original


@contextlib.contextmanager
def _streams(input: str | None) -> Iterator[tuple[io.StringIO, io.StringIO]]:
    from mindthegap.cli import console

    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdin, sys.stdout, sys.stderr, sys.argv
    widths = console.console.width, console.err_console.width
    sys.stdin, sys.stdout, sys.stderr = io.StringIO(input or ""), out, err
    console.console.width = console.err_console.width = 200
    try:
        with warnings.catch_warnings():
            warnings.resetwarnings()
            warnings.simplefilter("default")
            warnings.filterwarnings("ignore", category=DeprecationWarning)
            warnings.filterwarnings("ignore", category=PendingDeprecationWarning)
            warnings.showwarning = console._show_warning
            yield out, err
    finally:
        sys.stdin, sys.stdout, sys.stderr, sys.argv = saved
        console.console.width, console.err_console.width = widths


def run_in_process(
    *args: str, env: dict | None = None, cwd: Path | None = None, input: str | None = None
) -> subprocess.CompletedProcess:
    """Run ``mindthegap *args`` in this process; the same ``returncode``, ``stdout`` and ``stderr`` as a fresh
    process (see the module's docstring for what is set up and put back)."""
    from mindthegap.cli import main

    with _environment(env, cwd), _streams(input) as (out, err):
        sys.argv = ["mindthegap", *args]
        with _database():
            try:
                main.run()
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            except BaseException:  # what an uncaught error would print in a fresh process
                traceback.print_exc(file=err)
                code = 1
    return subprocess.CompletedProcess(["mindthegap", *args], code, out.getvalue(), err.getvalue())
