"""Safe file writing: a file appears whole at its destination or not at all.

The one place that moves a finished file into place (``os.replace``). A writer that has the bytes in memory calls
:func:`atomic_write_bytes`; one that streams (a zip, chunks of a table, a merged Spark output) writes to the
path :func:`atomic_path` yields. A shared leaf like ``errors``, so every layer (model files in ``text``, tables
in ``io``, backups in ``store``, reports) uses the same helper.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mindthegap.errors import InputError

__all__ = ["atomic_path", "atomic_write_bytes", "atomic_write_text", "ensure_writable_dir"]


def ensure_writable_dir(folder: Path) -> Path:
    """Create ``folder`` if needed and check it can be written; one-line error otherwise."""
    folder = Path(folder).expanduser()
    if folder.exists() and not folder.is_dir():
        raise InputError("is a file, not a folder", path=folder, hint="choose a folder for the outputs")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(
            f"cannot create the folder ({exc.strerror})", path=folder, hint="choose a folder you can write to"
        ) from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError("folder is not writable", path=folder, hint="choose a folder you can write to")
    return folder


@contextmanager
def atomic_path(path: str | Path, *, suffix: str = ".partial") -> Iterator[Path]:
    """A temporary file beside ``path`` to write; moved onto ``path`` when the block ends, removed on error.

    The file exists (empty) when the block starts. Its contents are flushed to disk before the rename, so a
    crash leaves the old file or the whole new one, never a half-written one (POSIX and Windows).
    """
    path = Path(path)
    ensure_writable_dir(path.parent if str(path.parent) else Path("."))
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        with tmp.open("rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through :func:`atomic_path`."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def atomic_write_text(path: Path, text: str, encoding: str = "utf-8") -> None:
    atomic_write_bytes(path, text.encode(encoding))
