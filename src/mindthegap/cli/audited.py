"""The audit event of a command that writes a stored study's data out, as the web app records its downloads.

The actor is the operating-system account running the command and the channel ``cli``
(:func:`mindthegap.store.audit.log.record` fills both in outside a web request). Only the file's name is
kept, never its folder or contents.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def written(what: str, *, study: Any, out: Path | None, action: str = "exported", **detail: Any) -> None:
    """Record that ``what`` of ``study`` (a record or its id; None for every study) was written to ``out``."""
    from mindthegap.store.audit.log import record

    record(action, study=study, what=what, **({"file": Path(out).name} if out is not None else {}), **detail)


def write_table(table, out: Path, *, what: str, study: Any) -> None:
    """:func:`mindthegap.io.tables.write_table`, recorded as :func:`written` when ``study`` names a stored
    study (a table made from files alone is nobody's stored data)."""
    from mindthegap.io.tables import write_table as write

    write(table, out)
    if study:
        written(what, study=study, out=out, rows=len(table))
