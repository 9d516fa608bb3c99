"""Errors a user can cause, each carrying one line that says what is wrong and what to do.

The command line prints ``str(error)`` and exits non-zero; a traceback appears only with ``--debug``.
Code anywhere in the package raises these instead of bare ``ValueError`` for problems in the user's input,
so the message reaches the person who can fix it.

Messages often quote what the user supplied (``unknown role 'x'``). A cell can hold megabytes, so every
message is shortened here, in one place: a quoted value longer than :data:`MAX_QUOTED` characters is cut
with "…", and a message still longer than :data:`MAX_MESSAGE` keeps its start (where to look) and its end
(what to do) around a "…".
"""

from __future__ import annotations

import re
from pathlib import Path

#: the longest quoted value a message repeats in full
MAX_QUOTED = 200
#: the longest message, as a backstop for long text that is not quoted (a path, a column header)
MAX_MESSAGE = 1000
ELLIPSIS = "…"

# A quoted value as repr() writes it, longer than MAX_QUOTED; [^'] runs in C, so a 50 MB value costs little.
_LONG_QUOTED = re.compile(rf"'([^']{{{MAX_QUOTED}}})[^']+'|\"([^\"]{{{MAX_QUOTED}}})[^\"]+\"")
_SPACE = re.compile(r"\s+")


def _cut_quoted(match: re.Match) -> str:
    quote = match.group(0)[0]
    kept = match.group(1) if match.group(1) is not None else match.group(2)
    return f"{quote}{_SPACE.sub(' ', kept)}{ELLIPSIS}{quote}"


def _keep_ends(text: str, limit: int) -> str:
    tail = limit // 3
    return f"{text[: limit - tail - 3]} {ELLIPSIS} {text[-tail:]}"


def shorten(text: object, *, limit: int = MAX_MESSAGE) -> str:
    """``text`` on one line, with long quoted values cut to :data:`MAX_QUOTED` characters and the whole to
    ``limit`` characters, keeping its start (where to look) and its end (what to do)."""
    text = str(text)
    if len(text) > MAX_QUOTED:
        text = _LONG_QUOTED.sub(_cut_quoted, text)
    if len(text) > 4 * limit:  # cut before collapsing spaces, which would otherwise walk megabytes
        text = _keep_ends(text, 4 * limit)
    text = _SPACE.sub(" ", text).strip()
    return _keep_ends(text, limit) if len(text) > limit else text


def quoted(value: object, *, limit: int = MAX_QUOTED) -> str:
    """``repr(value)``, cut to ``limit`` characters with "…" (for messages built outside this module)."""
    text = str(value)
    return repr(text if len(text) <= limit else text[:limit] + ELLIPSIS)


class MindTheGapError(Exception):
    """Base class: a problem the user can fix. ``str()`` is a single, bounded line."""

    exit_code = 2

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        self.message = shorten(message)
        self.hint = shorten(hint, limit=MAX_QUOTED * 2) if hint else None
        super().__init__(self.message)

    def __str__(self) -> str:
        return f"{self.message} — {self.hint}" if self.hint else self.message


class InputError(MindTheGapError):
    """A file, row, column or field the user supplied is wrong.

    ``where`` is assembled from the file, row (1-based, as a spreadsheet shows it) and column so that every
    message names the place to look.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        row: int | None = None,
        column: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.path = Path(path) if path is not None else None
        self.row = row
        self.column = column
        parts = []
        if path is not None:
            parts.append(str(path))
        if row is not None:
            parts.append(f"row {row}")
        if column is not None:
            parts.append(f"column {quoted(column)}")
        where = ", ".join(parts)
        super().__init__(f"{where}: {message}" if where else message, hint=hint)


class ConfigurationError(MindTheGapError):
    """A setting, option or database URL is wrong."""


class StoreError(MindTheGapError):
    """The study database cannot be opened, read or written as asked."""
