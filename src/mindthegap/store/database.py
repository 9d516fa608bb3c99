"""Opening the study database: configure Django, refuse a newer schema, apply migrations.

Every command that reads or writes a study calls :func:`open_store` first. Migrations run inside Django's
own transactions (per migration on SQLite, wholly on PostgreSQL), so an interrupted upgrade leaves the
database at the last complete step.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from mindthegap.errors import ConfigurationError, StoreError
from mindthegap.store.database_url import database_settings, normalise_database_url, redact_url

OUR_APPS_PREFIX = "mindthegap."

#: called with a sentence when :func:`open_store` creates the default SQLite file (no --db, no
#: MINDTHEGAP_DATABASE_URL), so that a first run says where the studies will live (the command line prints it)
on_new_database: list[Callable[[str], None]] = []


def open_store(db: str | None = None, *, migrate: bool = True) -> str:
    """Point Django at ``db`` (URL or path; default from the environment), check it, migrate it.

    Returns the (password-redacted) URL in use, for messages. Raises a one-line error when the database is
    unreachable, unwritable or was written by a newer mindthegap.
    """
    given = db or os.environ.get("MINDTHEGAP_DATABASE_URL")
    url = normalise_database_url(given)
    config = database_settings(url)  # validates before Django sees it
    new = None
    if config["ENGINE"].endswith("sqlite3"):
        _check_sqlite_path(Path(config["NAME"]))
        new = None if Path(config["NAME"]).exists() else Path(config["NAME"])
    os.environ["MINDTHEGAP_DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mindthegap.store.settings")

    import django
    from django.conf import settings

    if not settings.configured or not _is_set_up():
        django.setup()
    elif settings.DATABASES["default"].get("NAME") != config.get("NAME"):
        raise ConfigurationError("a different database is already open in this process")
    _check_connection(url)
    check_schema_not_newer(url)
    if migrate:
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
    if new is not None and new.exists() and not given:
        for listener in on_new_database:
            listener(
                f"created a new study database at {new} (the default, in the current folder; choose another "
                "with --db or MINDTHEGAP_DATABASE_URL)"
            )
    return redact_url(url)


def open_study(study_id: str, db: str | None = None):
    """Open the store (as :func:`open_store`) and return the stored study's record; one-line error if absent."""
    open_store(db)
    from mindthegap.store.studies.repository import get_record

    return get_record(study_id)


def _is_set_up() -> bool:
    from django.apps import apps

    return apps.ready


def _check_sqlite_path(path: Path) -> None:
    folder = path.parent
    if not folder.exists():
        raise StoreError(
            f"folder {folder} for the study database does not exist", hint="create it or choose another --db"
        )
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        raise StoreError(f"study database {path} cannot be read and written", hint="check its permissions")
    if not path.exists() and not os.access(folder, os.W_OK):
        raise StoreError(f"cannot create the study database in {folder}", hint="choose a writable folder")
    if path.exists() and path.stat().st_size > 0:
        with path.open("rb") as fh:
            if fh.read(16) != b"SQLite format 3\x00":
                raise StoreError(
                    f"{path} is not a SQLite database",
                    hint="name a .sqlite3 file made by mindthegap, or a new one",
                )


def _check_connection(url: str) -> None:
    from django.db import connection
    from django.db.utils import DatabaseError

    try:
        connection.ensure_connection()
    except (DatabaseError, Exception) as exc:  # drivers raise their own types before Django wraps them
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise StoreError(
            f"cannot connect to the database {redact_url(url)}: {first}",
            hint="check the URL, that the server is running, and the user's rights",
        ) from None


def check_schema_not_newer(url: str = "") -> None:
    """Refuse a database that has migrations this version of mindthegap does not know.

    Two signs of a newer version: a later migration of one of our apps, or migrations of an app this
    version does not have at all (a newer kind of evidence). The second matters as much as the first: such
    an app's tables point at studies and participants, so deleting a study would fail on their foreign keys.
    """
    from django.apps import apps
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(connection, ignore_no_migrations=True)
    ours = {app for app, _ in loader.disk_migrations}
    installed = {cfg.label for cfg in apps.get_app_configs()}
    unknown = sorted(
        f"{app}.{name}"
        for app, name in loader.applied_migrations
        if (app in ours or app in _our_labels()) and (app, name) not in loader.disk_migrations
    )
    foreign = sorted({app for app, _ in loader.applied_migrations if app not in installed})
    if unknown or foreign:
        what = unknown[0] if unknown else f"data of {foreign[0]!r}, which this version does not know"
        raise StoreError(
            f"the database {redact_url(url) or ''} was written by a newer version of mindthegap (it has {what})",
            hint="upgrade mindthegap (pip install -U mindthegap) before opening it",
        )


def explain_database_error(exc: BaseException) -> StoreError | None:
    """A one-line :class:`StoreError` for a database failure the user can fix, or None for anything else.

    Writes can fail far from :func:`open_store` (a read-only folder is only noticed when SQLite tries to
    create its journal beside the database), so the command line passes database exceptions here.
    """
    text = " ".join(str(exc).split()).lower()
    where = redact_url(os.environ.get("MINDTHEGAP_DATABASE_URL", "")) or "in use"
    if "readonly database" in text or "unable to open database file" in text:
        return StoreError(
            f"the study database {where} cannot be written: the file or its folder is read-only",
            hint="SQLite writes a journal file beside the database: make both writable, "
            "or copy the database to a folder you can write to",
        )
    if "read-only transaction" in text or "permission denied for" in text:
        return StoreError(
            f"the database {where} may be read but not changed by this user",
            hint="ask its administrator for write rights, or use a copy",
        )
    if "database or disk is full" in text or "no space left on device" in text:
        return StoreError(
            f"the disk holding the database {where} is full", hint="free some space and try again"
        )
    if "database is locked" in text:
        return StoreError(
            f"the database {where} stayed busy with another writer (the web app or another command)",
            hint="try again when it has finished",
        )
    return None


def _our_labels() -> set[str]:
    from django.apps import apps

    return {cfg.label for cfg in apps.get_app_configs() if cfg.name.startswith(OUR_APPS_PREFIX)}
