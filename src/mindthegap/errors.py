"""Errors a user can cause, each carrying one line that says what is wrong and what to do.

The command line prints ``str(error)`` and exits non-zero; a traceback appears only with ``--debug``.
Code anywhere in the package raises these instead of bare ``ValueError`` for problems in the user's input,
so the message reaches the person who can fix it.
"""

from __future__ import annotations

from pathlib import Path


class MindTheGapError(Exception):
    """Base class: a problem the user can fix. ``str()`` is a single line."""

    exit_code = 2

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        self.message = " ".join(message.split())
        self.hint = " ".join(hint.split()) if hint else None
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
            parts.append(f"column {column!r}")
        where = ", ".join(parts)
        super().__init__(f"{where}: {message}" if where else message, hint=hint)


class ConfigurationError(MindTheGapError):
    """A setting, option or database URL is wrong."""


class StoreError(MindTheGapError):
    """The study database cannot be opened, read or written as asked."""
