"""Reading and writing tables (CSV, Parquet, XLSX) with one-line errors for the usual problems."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from mindthegap.errors import InputError
from mindthegap.io.files import atomic_write_bytes
from mindthegap.model.limits import HEADER_MAX, too_long

ENCODINGS = ("utf-8-sig", "cp1252")  # Excel on Windows still writes cp1252


def require_rows(frame: pd.DataFrame, path: str | Path | None, what: str = "rows") -> pd.DataFrame:
    """Refuse a table with column headings but nothing under them: importing it would succeed with nothing."""
    if len(frame) == 0:
        raise InputError(
            f"has column headings but no {what} under them",
            path=path,
            hint="check it is the complete export, not just its header",
        )
    return frame


def read_table(path: Path, *, allow_empty: bool = False) -> pd.DataFrame:
    """Read CSV (comma or semicolon, UTF-8 with or without BOM, or cp1252), Parquet or XLSX; all as text/numbers.

    A file with headings but no rows is refused unless ``allow_empty``.
    """
    path = Path(path)
    frame = _read(path)
    return frame if allow_empty else require_rows(frame, path)


def _read(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise InputError("file not found", path=path, hint="check the path")
    if path.is_dir():
        raise InputError("is a folder, not a file", path=path)
    suffix = path.suffix.lower()
    try:
        if suffix == ".parquet":
            return pd.read_parquet(path)
        if suffix in (".xlsx", ".xlsm"):
            return pd.read_excel(path, engine="openpyxl")
        raw = path.read_bytes()
    except PermissionError:
        raise InputError(
            "cannot be read (permission denied)", path=path, hint="check its permissions"
        ) from None
    except Exception as exc:
        raise InputError(f"cannot be read as {suffix.lstrip('.').upper()} ({exc})", path=path) from None
    for encoding in ENCODINGS:
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes almost anything
        raise InputError("is neither UTF-8 nor Windows-1252 text", path=path, hint="save it as UTF-8 CSV")
    first = text.split("\n", 1)[0]
    sep = ";" if first.count(";") > first.count(",") else ","
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, skip_blank_lines=True)
    except pd.errors.ParserError as exc:
        raise InputError(f"is not a well-formed CSV ({str(exc).splitlines()[0]})", path=path) from None
    except pd.errors.EmptyDataError:
        raise InputError("is empty", path=path) from None
    return frame.dropna(how="all")


def long_cells(values: pd.Series, limit: int) -> np.ndarray:
    """Positions of the cells in ``values`` holding text longer than ``limit`` characters."""
    if values.dtype.kind in "biufcmM":  # numbers and dates cannot be long text
        return np.empty(0, dtype=int)
    cells = values.to_numpy()
    lengths = np.fromiter(
        (len(v) if isinstance(v, str) else 0 for v in cells), dtype=np.int64, count=len(cells)
    )
    return np.flatnonzero(lengths > limit)


def check_lengths(
    frame: pd.DataFrame,
    limits: Mapping[str, int],
    *,
    default: int,
    path: Path | None = None,
    rows: Sequence[int] | None = None,
) -> None:
    """Refuse a header or cell longer than its column's limit (``default`` for columns not in ``limits``).

    ``rows`` are the file's row numbers of the frame's rows (default: 2, 3, … after one header row). The
    error names the row and column and says how long the value is, never repeating it.
    """
    for col in frame.columns:
        problem = too_long(str(col), HEADER_MAX)
        if problem:
            raise InputError(f"a column header {problem}", path=path, hint="shorten the header")
    for col in frame.columns:
        limit = limits.get(str(col), default)
        found = long_cells(frame[col], limit)
        if len(found):
            i = int(found[0])
            raise InputError(
                f"the value {too_long(frame[col].iloc[i], limit)}",
                path=path,
                row=rows[i] if rows is not None else i + 2,
                column=str(col),
                hint="this is more than the column can hold: check the file is the one you meant",
            )


def write_table(frame: pd.DataFrame, path: Path) -> Path:
    """Write CSV or Parquet atomically (chosen by the suffix)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        buf = io.BytesIO()
        frame.to_parquet(buf, index=False)
        atomic_write_bytes(path, buf.getvalue())
    elif suffix == ".csv":
        atomic_write_bytes(path, frame.to_csv(index=False).encode("utf-8"))
    else:
        raise InputError("unsupported output type", path=path, hint="use a .csv or .parquet file name")
    return path


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""Characters that make a spreadsheet read a cell as a formula (OWASP's list for CSV injection)."""


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy where every text cell that a spreadsheet would run as a formula starts with an apostrophe.

    Numbers are left alone (a negative number is not text); only strings beginning with one of
    :data:`FORMULA_START` change, so ``=HYPERLINK(...)`` typed into a comment box reaches Excel as text.
    """
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype.kind in "biufcmM":
            continue
        out[col] = out[col].map(
            lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA_START) else v
        )
    return out
