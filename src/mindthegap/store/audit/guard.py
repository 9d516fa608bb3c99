"""The database's side of append-only: on SQLite, the delete trigger asks this process whether a purge is
allowed, through a function registered on every connection Django opens.

Updates are refused unconditionally. Deletes are refused unless :func:`purge_allowed` is on, which nothing in
the application turns on; the test suite does, so that Django can empty its test database between tests
that commit (``transaction=True``). A connection made outside mindthegap (the ``sqlite3`` shell) has no such
function, so its deletes fail as well. On PostgreSQL the triggers refuse every row change; emptying the table
needs ``TRUNCATE`` by the table's owner (see docs/deploy.md).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

SQL_FUNCTION = "mtg_audit_purge_allowed"

_state = {"purge": False}


def purge_allowed() -> bool:
    return _state["purge"]


@contextlib.contextmanager
def allow_purge(allowed: bool = True) -> Iterator[None]:
    """Within the block, let the SQLite trigger accept deletes (for the test suite's clean-up only)."""
    before = _state["purge"]
    _state["purge"] = allowed
    try:
        yield
    finally:
        _state["purge"] = before


def _register(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            SQL_FUNCTION, 0, lambda: int(_state["purge"]), deterministic=False
        )


def connect() -> None:
    from django.db.backends.signals import connection_created

    connection_created.connect(_register, dispatch_uid="mindthegap-audit-guard")
