"""Safe file writing: a file appears whole at its destination or not at all."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from mindthegap.errors import InputError


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


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path`` and rename it into place (atomic on POSIX and Windows)."""
    path = Path(path)
    ensure_writable_dir(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str, encoding: str = "utf-8") -> None:
    atomic_write_bytes(path, text.encode(encoding))
