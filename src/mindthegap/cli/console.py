"""Shared console, progress bars and error output for every command."""

from __future__ import annotations

import json
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


def print_error(message: str, *, label: str = "error") -> None:
    """One line on stderr: ``label: message``, shortened and printed as plain text.

    Messages quote what users typed, so they are never read as Rich markup: a value such as ``[/x]`` would
    otherwise raise, and megabytes of brackets would take Rich minutes to parse.
    """
    from mindthegap.errors import shorten

    line = Text(f"{label}:", style="bold red")
    line.append(" " + shorten(message))
    err_console.print(line, soft_wrap=True)


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """A warning reaches the person at the terminal as one line, without the source line Python would add."""
    from mindthegap.errors import shorten

    err_console.print(Text.assemble(("warning: ", "bold yellow"), shorten(str(message))), soft_wrap=True)


warnings.showwarning = _show_warning


@contextmanager
def progress(enabled: bool = True) -> Iterator[Progress]:
    """A Rich progress display on stderr (so ``--json`` output on stdout stays clean)."""
    bar = Progress(
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=not enabled or not err_console.is_terminal,
    )
    with bar:
        yield bar


def print_json(data: Any) -> None:
    """Machine-readable output on stdout: NaN becomes null so any JSON parser accepts it."""
    sys.stdout.write(json.dumps(_clean(data), indent=2, ensure_ascii=False, default=str) + "\n")


def _clean(obj: Any) -> Any:
    import math

    if isinstance(obj, float) and (math.isnan(obj) or math.isinf(obj)):
        return None
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_clean(v) for v in obj]
    if hasattr(obj, "item") and callable(obj.item):  # NumPy scalars
        try:
            return _clean(obj.item())
        except (ValueError, TypeError):
            return obj
    try:
        import pandas as pd

        if obj is pd.NA or obj is pd.NaT:
            return None
    except ImportError:  # pragma: no cover
        pass
    return obj


def frame_records(frame) -> list[dict]:
    """A DataFrame as a list of JSON-ready dicts (missing values as null)."""
    return _clean(frame.astype(object).where(frame.notna(), None).to_dict(orient="records"))
