"""Reading zip-based files (.qdpx projects, .docx transcripts) within size limits.

A zip file can unpack to far more than its own size: a 200 KB ``.qdpx`` may hold a 200 MB "transcript". Each
member is checked against the limits from what the archive declares before a byte of it is read, and then read
in bounded chunks that stop at the limit, because the declared size can be forged. The limits default to sizes
no real transcript or project reaches and can be raised (or lowered) with the environment variables
``MINDTHEGAP_MAX_MEMBER_MB`` (one file inside an archive) and ``MINDTHEGAP_MAX_UNPACKED_MB`` (everything read
from one archive, and the largest PDF accepted).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from mindthegap.errors import InputError, env_int

MB = 1024 * 1024
DEFAULT_MAX_MEMBER_MB = 64
DEFAULT_MAX_UNPACKED_MB = 512
_CHUNK = MB


@dataclass
class ArchiveLimits:
    """Largest member and largest total (in bytes) read from one archive; ``used`` counts what was read."""

    max_member: int = DEFAULT_MAX_MEMBER_MB * MB
    max_total: int = DEFAULT_MAX_UNPACKED_MB * MB
    used: int = field(default=0, compare=False)

    @classmethod
    def from_environment(cls) -> ArchiveLimits:
        """The limits set by ``MINDTHEGAP_MAX_MEMBER_MB`` and ``MINDTHEGAP_MAX_UNPACKED_MB``, else the defaults."""
        return cls(
            max_member=env_int("MINDTHEGAP_MAX_MEMBER_MB", DEFAULT_MAX_MEMBER_MB, unit="megabytes") * MB,
            max_total=env_int("MINDTHEGAP_MAX_UNPACKED_MB", DEFAULT_MAX_UNPACKED_MB, unit="megabytes") * MB,
        )


MEMBER_VARIABLE = "MINDTHEGAP_MAX_MEMBER_MB"
TOTAL_VARIABLE = "MINDTHEGAP_MAX_UNPACKED_MB"


def _size(n: int) -> str:
    return f"{n / MB:,.0f} MB" if n >= MB else f"{n:,} bytes"


def _refuse(name: str, limit: int, what: str, path: Path, size: int | None = None) -> InputError:
    variable = MEMBER_VARIABLE if what == "one file" else TOTAL_VARIABLE
    amount = _size(size) if size is not None else f"more than {_size(limit)}"
    return InputError(
        f"{name!r} unpacks to {amount}, over the {_size(limit)} allowed for {what}; nothing was imported",
        path=path,
        hint=f"if the file is genuine, raise {variable} (megabytes)",
    )


def _stream(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: ArchiveLimits, path: Path, *, keep: bool
) -> bytes:
    room = limits.max_total - limits.used
    if info.file_size > limits.max_member:  # refused on the declared size, before reading anything
        raise _refuse(info.filename, limits.max_member, "one file", path, info.file_size)
    if info.file_size > room:
        raise _refuse(info.filename, limits.max_total, "one archive", path, limits.used + info.file_size)
    cap = min(limits.max_member, room)
    chunks, read = [], 0
    with archive.open(info) as handle:  # the declared size can be forged: stop at the limit whatever it says
        while chunk := handle.read(min(_CHUNK, cap + 1 - read)):
            read += len(chunk)
            if read > cap:
                what = "one file" if cap == limits.max_member else "one archive"
                raise _refuse(info.filename, cap if what == "one file" else limits.max_total, what, path)
            if keep:
                chunks.append(chunk)
    limits.used += read
    return b"".join(chunks)


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: ArchiveLimits, path: Path) -> bytes:
    """One member's bytes, refused before reading when its declared size is over a limit and while reading
    when its real size is; what it reads counts towards ``limits.max_total``."""
    return _stream(archive, info, limits, path, keep=True)


def check_archive(path: Path, limits: ArchiveLimits | None = None, *, what: str = "zip-based file") -> None:
    """Refuse a zip-based file (a .docx) whose members, declared or real, exceed the limits, holding no more
    than one chunk in memory, so that another library may then open it safely."""
    path = Path(path)
    limits = limits or ArchiveLimits.from_environment()
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            declared = sum(info.file_size for info in infos)
            if declared > limits.max_total:
                raise _refuse(path.name, limits.max_total, "one archive", path, declared)
            for info in infos:
                _stream(archive, info, limits, path, keep=False)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as exc:
        raise InputError(f"is not a readable {what} ({exc})", path=path) from exc
