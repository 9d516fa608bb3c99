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


def print_error(message: str, *, label: str = "error", details: list[str] | None = None) -> None:
    """One line on stderr: ``label: message``, shortened and printed as plain text; then any ``details`` (one
    line each, e.g. every problem found in a file).

    Messages quote what users typed, so they are never read as Rich markup: a value such as ``[/x]`` would
    otherwise raise, and megabytes of brackets would take Rich minutes to parse.
    """
    from mindthegap.errors import shorten

    line = Text(f"{label}:", style="bold red")
    line.append(" " + shorten(message))
    err_console.print(line, soft_wrap=True)
    for detail in details or ():
        err_console.print(Text("  " + shorten(detail)), soft_wrap=True)


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


#: column headings for the command line's tables: short enough that no heading is cut at 80 columns
HEADINGS = {
    "alpha": "alpha",
    "alpha_ci_low": "alpha CI low",
    "alpha_ci_high": "alpha CI high",
    "omega": "omega",
    "item_total_r": "item–total r",
    "alpha_if_deleted": "alpha if deleted",
    "ci_low": "CI low",
    "ci_high": "CI high",
    "median_ci_low": "median CI low",
    "median_ci_high": "median CI high",
    "group_a": "group A",
    "group_b": "group B",
    "hedges_g": "Hedges' g",
    "cliffs_delta": "Cliff's delta",
    "p_mann_whitney": "p (Mann–Whitney)",
    "p_holm": "p (Holm)",
    "p_bh": "p (BH)",
}


def format_p(value: float) -> str:
    """A p-value as a reader expects it: three decimals, and "< 0.001" rather than 0.000."""
    return "< 0.001" if value < 0.001 else f"{value:.3f}"


def show_frame(frame, columns: list[str], *, counts: tuple[str, ...] = ("n", "k")) -> None:
    """Print ``columns`` of ``frame`` as a table whose headings wrap between words but are never cut.

    Numbers get three decimals (counts none; p-values "< 0.001"); a ``suppressed`` column appears only when
    some row is suppressed, and a suppressed cell (None) prints empty."""
    from rich.table import Table

    cols = [c for c in columns if c in frame.columns]
    flagged = "suppressed" in frame.columns and bool(frame["suppressed"].fillna(False).astype(bool).any())
    view = Table()
    for col in [*cols, *(["suppressed"] if flagged else [])]:
        heading = HEADINGS.get(col, col.replace("_", " "))
        view.add_column(heading, min_width=max(len(word) for word in heading.split()), overflow="fold")
    for rec in frame.to_dict(orient="records"):
        cells = [_cell(col, rec[col], counts) for col in cols]
        view.add_row(*cells, *(["suppressed" if rec.get("suppressed") else ""] if flagged else []))
    console.print(view)


def _cell(col: str, value: Any, counts: tuple[str, ...]) -> str:
    if value is None:  # a suppressed cell
        return ""
    if isinstance(value, float):
        if value != value:
            return ""
        if col in counts:
            return f"{value:.0f}"
        return format_p(value) if col == "p" or col.startswith("p_") else f"{value:.3f}"
    return str(value)


def renamed_option(new_value: Any, old_value: Any, *, new: str, old: str, default: Any = None) -> Any:
    """The value of an option that used to be spelt ``old``: the old spelling still works, with a one-line note
    on stderr (so ``--json`` output stays clean); giving both, with different values, is an error."""
    from mindthegap.errors import InputError

    if old_value is None or old_value == [] or old_value is False:
        return default if new_value is None else new_value
    if new_value is not None and new_value != old_value:
        raise InputError(f"{old} and {new} are the same option and disagree", hint=f"give {new} only")
    err_console.print(
        f"note: {old} is now called {new}; the old spelling will go in a later release",
        markup=False,
        soft_wrap=True,
    )
    return old_value
