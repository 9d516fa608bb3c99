"""Reading and writing tables (CSV, Parquet, XLSX) with one-line errors for the usual problems."""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mindthegap.errors import InputError
from mindthegap.files import atomic_write_bytes
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


# A spreadsheet treats a cell starting with one of these as a formula (OWASP, "CSV Injection"): = + - @, tab and
# carriage return, and the full-width forms some locales' spreadsheets also accept.
FORMULA_START = "=+-@\t\r\uff1d\uff0b\uff0d\uff20"
_FORMULA = re.compile(f"[{re.escape(FORMULA_START)}]")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")


def neutralise_value(value: object) -> object:
    """``value`` made safe to open in a spreadsheet: text starting with a formula character gets a leading
    single quote (OWASP's advice), so ``=HYPERLINK(…)`` shows as text; numbers, and text that is just a number
    such as ``-3`` or ``+44``, stay as they are."""
    if isinstance(value, str) and value and _FORMULA.match(value) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell and column heading passed through :func:`neutralise_value`.

    Every CSV or spreadsheet export goes through this (``write_table``, ``autocode apply``, the web downloads).
    Numeric columns are untouched, so genuine numbers stay numbers; Parquet outputs, which no spreadsheet
    evaluates, keep the data exactly.
    """
    out = frame.rename(columns=lambda c: neutralise_value(c) if isinstance(c, str) else c)
    for i in range(out.shape[1]):
        col = out.iloc[:, i]
        if col.dtype.kind in "biufcmMb":
            continue
        text = col.astype("string")
        risky = text.str.match(_FORMULA.pattern, na=False) & ~text.str.fullmatch(_NUMBER.pattern, na=False)
        if risky.any():
            col = col.astype(object)  # a copy: the caller's frame is left alone
            col[risky.to_numpy()] = ("'" + text[risky]).to_numpy(dtype=object)
            out.isetitem(i, col)
    return out


def csv_bytes(frame: pd.DataFrame, *, header: bool = True) -> bytes:
    """``frame`` as UTF-8 CSV with formulas neutralised (:func:`neutralise_formulas`)."""
    return neutralise_formulas(frame).to_csv(index=False, header=header).encode("utf-8")


def write_table(frame: pd.DataFrame, path: Path) -> Path:
    """Write CSV or Parquet atomically (chosen by the suffix); CSV text cells are neutralised against formulas."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        buf = io.BytesIO()
        frame.to_parquet(buf, index=False)
        atomic_write_bytes(path, buf.getvalue())
    elif suffix == ".csv":
        atomic_write_bytes(path, csv_bytes(frame))
    else:
        raise InputError("unsupported output type", path=path, hint="use a .csv or .parquet file name")
    return path


class ChunkedWriter:
    """One CSV or Parquet file written chunk by chunk with Arrow, so memory stays flat however long the table.

    ``where`` is a path or an open binary file; ``kind`` is ``"csv"`` or ``"parquet"``. The first chunk fixes the
    schema and later chunks are cast to it. Chunks are DataFrames or Arrow tables; DataFrames written as CSV are
    neutralised against formulas (:func:`neutralise_formulas`), as in :func:`write_table`. Use it in a ``with``
    block, or call :meth:`close`, which writes Parquet's footer.
    """

    def __init__(self, where: Any, *, kind: str) -> None:
        if kind not in {"csv", "parquet"}:
            raise ValueError(f"kind must be 'csv' or 'parquet', not {kind!r}")
        self.where, self.kind = where, kind
        self.writer: Any = None
        self.schema: Any = None

    @property
    def started(self) -> bool:
        """Whether a chunk (and so the schema) has been written."""
        return self.schema is not None

    def write(self, chunk: Any) -> None:
        import pyarrow as pa

        if isinstance(chunk, pd.DataFrame):
            frame = neutralise_formulas(chunk) if self.kind == "csv" else chunk
            chunk = pa.Table.from_pandas(frame, preserve_index=False)
        if self.writer is None:
            self.schema = chunk.schema
            if self.kind == "csv":
                import pyarrow.csv as pc

                self.writer = pc.CSVWriter(self.where, chunk.schema)
            else:
                import pyarrow.parquet as pq

                self.writer = pq.ParquetWriter(self.where, chunk.schema)
        self.writer.write_table(chunk.cast(self.schema))

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None

    def __enter__(self) -> ChunkedWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
