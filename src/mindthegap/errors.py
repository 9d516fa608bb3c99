"""Errors a user can cause, each carrying one line that says what is wrong and what to do.

The command line prints ``str(error)`` and exits non-zero; a traceback appears only with ``--debug``.
Code anywhere in the package raises these instead of bare ``ValueError`` for problems in the user's input,
so the message reaches the person who can fix it.

Messages often quote what the user supplied (``unknown role 'x'``). A cell can hold megabytes, so every
message is shortened here, in one place: a quoted value longer than :data:`MAX_QUOTED` characters is cut
with "…", and a message still longer than :data:`MAX_MESSAGE` keeps its start (where to look) and its end
(what to do) around a "…".

NumPy scalars quoted with ``!r`` would read ``np.int64(6)`` under NumPy 2; :func:`shorten` writes them as the
plain values a user typed (``6``), so no message anywhere shows a library's repr.

A file with several problems raises :class:`InputErrors`, which lists each (up to :data:`MAX_PROBLEMS`) so that
one run shows everything to fix.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

#: the longest quoted value a message repeats in full
MAX_QUOTED = 200
#: the longest message, as a backstop for long text that is not quoted (a path, a column header)
MAX_MESSAGE = 1000
ELLIPSIS = "…"
#: the most problems one file reports at once (the rest are counted)
MAX_PROBLEMS = 20

# A quoted value as repr() writes it, longer than MAX_QUOTED; [^'] runs in C, so a 50 MB value costs little.
_LONG_QUOTED = re.compile(rf"'([^']{{{MAX_QUOTED}}})[^']+'|\"([^\"]{{{MAX_QUOTED}}})[^\"]+\"")
_SPACE = re.compile(r"\s+")
# NumPy 2 reprs of scalars: np.int64(6), np.float64(2.5), np.str_('x'), np.True_
_NUMPY_REPR = re.compile(
    r"\bnp\.(?:u?int|float|complex|str_|bytes_|bool)\w*\(((?:'[^']*'|\"[^\"]*\"|[^()'\"])*)\)"
)
_NUMPY_BOOL = re.compile(r"\bnp\.(True|False)_")


def plain_reprs(text: str) -> str:
    """``text`` with NumPy scalar reprs (``np.int64(6)``) written as the plain values (``6``)."""
    if "np." not in text:
        return text
    return _NUMPY_BOOL.sub(r"\1", _NUMPY_REPR.sub(r"\1", text))


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
    text = plain_reprs(str(text))
    if len(text) > MAX_QUOTED:
        text = _LONG_QUOTED.sub(_cut_quoted, text)
    if len(text) > 4 * limit:  # cut before collapsing spaces, which would otherwise walk megabytes
        text = _keep_ends(text, 4 * limit)
    text = _SPACE.sub(" ", text).strip()
    return _keep_ends(text, limit) if len(text) > limit else text


def quoted(value: object, *, limit: int = MAX_QUOTED) -> str:
    """``repr(value)``, cut to ``limit`` characters with "…" (for messages built outside this module)."""
    if hasattr(value, "item") and callable(value.item) and getattr(value, "ndim", None) == 0:
        value = value.item()  # a NumPy scalar quoted as the plain value
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
        self.detail = shorten(message)
        parts = []
        if path is not None:
            parts.append(str(path))
        if row is not None:
            parts.append(f"row {row}")
        if column is not None:
            parts.append(f"column {quoted(column)}")
        where = ", ".join(parts)
        super().__init__(f"{where}: {message}" if where else message, hint=hint)

    def place(self) -> str:
        """Where in the file, without the file: ``"row 4, column 'role': "`` (empty when neither is known)."""
        parts = ([f"row {self.row}"] if self.row is not None else []) + (
            [f"column {quoted(self.column)}"] if self.column is not None else []
        )
        return ", ".join(parts) + ": " if parts else ""


class InputErrors(InputError):
    """Several problems in one file, each an :class:`InputError`; ``problems`` holds at most
    :data:`MAX_PROBLEMS` of them and ``total`` counts them all.

    ``str()`` stays one line (the first problem and how many more); :meth:`lines` gives one line per problem,
    as the command line prints them.
    """

    def __init__(
        self, problems: list[InputError], *, total: int | None = None, path: str | Path | None = None
    ):
        self.problems = list(problems[:MAX_PROBLEMS])
        self.total = max(total or 0, len(problems))
        self.headline = f"{self.total} problems; nothing was stored"
        first = self.problems[0]
        super().__init__(
            f"{self.headline} (the first: {first.place()}{first.detail})",
            path=path,
            hint="fix them all and run again",
        )

    def lines(self) -> list[str]:
        """The headline, then one line per problem (with its hint), then how many more were not listed."""
        where = f"{self.path}: " if self.path is not None else ""
        out = [f"{where}{self.headline}:"]
        for problem in self.problems:
            hint = f" — {problem.hint}" if problem.hint else ""
            out.append(f"  {problem.place()}{problem.detail}{hint}")
        if self.total > len(self.problems):
            out.append(
                f"  … and {self.total - len(self.problems)} more (fix these and run again to see them)"
            )
        return out


class ProblemList:
    """Collect the problems found while checking a file, to report them all at once (see :class:`InputErrors`).

    ``with problems.check():`` around the check of one row or column records an :class:`InputError` raised
    there and carries on; :meth:`raise_if_any` ends the checking: one problem is raised as itself.
    """

    def __init__(self, path: str | Path | None = None, *, limit: int = MAX_PROBLEMS) -> None:
        self.path = path
        self.limit = limit
        self.found: list[InputError] = []
        self.total = 0

    def __len__(self) -> int:
        return self.total

    def add(self, problem: InputError) -> None:
        self.total += 1
        if len(self.found) < self.limit:
            self.found.append(problem)

    def add_each(self, items, make) -> None:
        """Record ``make(item)`` for each of ``items`` (only as many as will be listed are built)."""
        items = list(items)
        room = max(self.limit - len(self.found), 0)
        for item in items[:room]:
            self.add(make(item))
        self.total += max(len(items) - room, 0)

    def check(self):
        return _Collecting(self)

    def raise_if_any(self) -> None:
        if self.total == 1:
            raise self.found[0]
        if self.total:
            raise InputErrors(self.found, total=self.total, path=self.path)


class _Collecting:
    def __init__(self, problems: ProblemList) -> None:
        self.problems = problems

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, exc, tb) -> bool:
        if isinstance(exc, InputError) and not isinstance(exc, InputErrors):
            self.problems.add(exc)
            return True
        return False


class ConfigurationError(MindTheGapError):
    """A setting, option or database URL is wrong."""


class StoreError(MindTheGapError):
    """The study database cannot be opened, read or written as asked."""


def require_columns(columns, wanted, *, path: str | Path | None = None, name_column: bool = False) -> None:
    """Raise an :class:`InputError` naming the first of ``wanted`` missing from ``columns`` and listing (up to
    30 of) the columns there are: the one way every layer says a table lacks a column."""
    present = list(columns)
    for col in wanted:
        if col not in present:
            raise InputError(
                f"no column {col!r}",
                path=path,
                column=col if name_column else None,
                hint=f"columns are: {', '.join(map(str, present[:30]))}",
            )


def renamed_keyword(where: str, old: str, new: str, old_value: Any, new_value: Any, default: Any) -> Any:
    """The value of keyword ``new`` of ``where``, which used to be called ``old``.

    The old keyword still works, with a :class:`DeprecationWarning`; giving both is an error. ``new_value`` is
    ``None`` when the caller left the new keyword out, and then ``default`` applies.
    """
    import warnings

    if old_value is None:
        return default if new_value is None else new_value
    if new_value is not None and new_value != old_value:
        raise InputError(f"{where}: give {new}= only (the old name {old}= says something else)")
    warnings.warn(f"{where}: {old}= is now called {new}=", DeprecationWarning, stacklevel=3)
    return old_value


def env_int(name: str, default: int, *, minimum: int = 1, unit: str = "") -> int:
    """A whole-number setting from the environment variable ``name`` (``default`` when unset or blank): the one
    way settings are read, with a one-line :class:`ConfigurationError` when it is not a whole number of at least
    ``minimum`` (``unit`` names what it counts, e.g. "megabytes")."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = minimum - 1
    if value < minimum:
        raise ConfigurationError(
            f"{name}={raw!r} is not a whole number of {f'{unit}, ' if unit else ''}at least {minimum}",
            hint=f"set it to e.g. {default}, or unset it",
        )
    return value
