"""The single-machine engine: stream a CSV or Parquet file of comments through the text pipeline into a file.

``mindthegap autocode apply --engine local`` calls :func:`apply_model_local`; the Spark engine beside it
(:mod:`mindthegap.scale.spark`) runs the same ``process_frame`` on a cluster. Reading and writing use Arrow's
CSV and Parquet readers and writers in chunks, so memory stays flat and the model, not the file format, sets the
pace (pandas' CSV writer alone used to take more time than coding). The output appears whole at its destination
or not at all (temporary file, then rename); CSV output is neutralised against spreadsheet formulas.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from mindthegap.errors import InputError, require_columns
from mindthegap.files import atomic_path
from mindthegap.io.tables import ChunkedWriter

__all__ = ["CHUNK_ROWS", "apply_model_local", "read_chunks"]

#: rows per chunk: large enough that per-chunk costs vanish, small enough to keep memory in tens of MB
CHUNK_ROWS = 50_000
_CSV = {".csv": ",", ".txt": ",", ".tsv": "\t"}


def _cp1252_fallback(exc: UnicodeDecodeError) -> tuple[str, int]:
    # files exported from older spreadsheets mix UTF-8 with Windows-1252 bytes (e.g. £ or curly quotes);
    # decode the offending bytes as Windows-1252 instead of failing
    bad = exc.object[exc.start : exc.end]
    return bad.decode("cp1252", errors="replace"), exc.end


codecs.register_error("mindthegap-cp1252", _cp1252_fallback)
PANDAS_READ = {"encoding": "utf-8", "encoding_errors": "mindthegap-cp1252"}


def check_columns(columns, wanted: list[str], path: Path, context: Sequence[str] = ()) -> None:
    """One-line error naming the first wanted column the file lacks, and listing those it has; missing
    ``context`` columns (a model's context columns, among ``wanted``) are named together as the model's."""
    from mindthegap.text.autocoder_context import missing_context_error

    columns = list(columns)
    require_columns(columns, [c for c in wanted if c not in context], path=path)
    missing = [c for c in context if c not in columns]
    if missing:
        raise missing_context_error(context, missing, path=path)


def read_chunks(
    path: Path, columns: list[str], *, chunk_rows: int = CHUNK_ROWS, context: Sequence[str] = ()
) -> Iterator[tuple[pd.DataFrame, int, int | None]]:
    """Yield (frame of the wanted columns as text, rows so far, total rows or None) chunk by chunk.

    ``context`` names a model's context columns, read too; a file lacking them is refused naming them all."""
    path = Path(path)
    columns = list(dict.fromkeys([*columns, *context]))
    if not path.is_file():  # every reader of comments (apply, queue, themes) says so in one line
        raise InputError("input file not found", path=path)
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        pf = pq.ParquetFile(path)
        check_columns(pf.schema_arrow.names, columns, path, context)
        total, done = pf.metadata.num_rows, 0
        for batch in pf.iter_batches(batch_size=chunk_rows, columns=columns):
            frame = batch.to_pandas()
            done += len(frame)
            yield frame, done, total
    elif suffix in _CSV:
        yield from _read_csv(path, columns, _CSV[suffix], chunk_rows, context)
    else:
        raise InputError("input must be .csv or .parquet", path=path)


def _is_utf8(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as fh:
            while block := fh.read(16 << 20):
                decoder.decode(block)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _read_csv(
    path: Path, columns: list[str], sep: str, chunk_rows: int, context: Sequence[str] = ()
) -> Iterator[tuple[pd.DataFrame, int, None]]:
    try:
        header = pd.read_csv(path, nrows=0, sep=sep, **PANDAS_READ)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"cannot read as CSV ({str(exc).splitlines()[0]})", path=path) from None
    check_columns([str(c).lstrip("\ufeff") for c in header.columns], columns, path, context)
    done = 0
    if _is_utf8(path):  # Arrow's reader: several times faster than pandas'
        try:
            for batch in _arrow_csv(path, columns, sep):
                frame = batch.to_pandas()
                done += len(frame)
                yield frame, done, None
        except pa.ArrowInvalid as exc:
            raise InputError(f"cannot read as CSV ({str(exc).splitlines()[0]})", path=path) from None
        return
    # Windows-1252 bytes among UTF-8 (older spreadsheets): pandas with a per-byte fallback
    reader = pd.read_csv(
        path, sep=sep, usecols=columns, dtype=str, keep_default_na=False, chunksize=chunk_rows, **PANDAS_READ
    )
    try:
        for frame in reader:
            done += len(frame)
            yield frame, done, None
    except pd.errors.ParserError as exc:
        raise InputError(f"cannot read as CSV ({str(exc).splitlines()[0]})", path=path) from None


def _arrow_csv(path: Path, columns: list[str], sep: str):
    import pyarrow.csv as pc

    return pc.open_csv(
        path,
        read_options=pc.ReadOptions(block_size=8 << 20),
        parse_options=pc.ParseOptions(delimiter=sep, newlines_in_values=True),
        convert_options=pc.ConvertOptions(
            include_columns=columns,
            column_types={c: pa.string() for c in columns},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )


def apply_model_local(
    model: Any,
    input_path: Path,
    out: Path,
    *,
    text_col: str,
    id_col: str,
    redact: bool = False,
    sentiment: bool = False,
    on_progress: Callable[[int, int | None], None] | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> dict:
    """Code every comment in ``input_path`` (.csv/.tsv or .parquet) with ``model``; write ``out`` (.csv or .parquet).

    Output columns: the id, one 0/1 column per code, ``p_<code>`` probabilities, and the redaction and sentiment
    columns when asked; a model trained with context columns reads them from the input by the same names.
    ``on_progress(rows done, total rows or None)`` is called after each chunk.
    """
    from mindthegap.text.pipeline import output_columns, process_frame

    input_path, out = Path(input_path), Path(out)
    if not input_path.is_file():
        raise InputError("input file not found", path=input_path)
    if out.suffix.lower() not in {".csv", ".parquet"}:
        raise InputError("output must end in .csv or .parquet", path=out)
    rows = empty = 0
    kind = out.suffix.lower().lstrip(".")
    with atomic_path(out, suffix=".part") as tmp, ChunkedWriter(tmp, kind=kind) as sink:
        for frame, done, total in read_chunks(
            input_path,
            list(dict.fromkeys([id_col, text_col])),
            chunk_rows=chunk_rows,
            context=getattr(model, "context_columns_", []),
        ):
            result = process_frame(
                frame, model=model, text_col=text_col, id_col=id_col, redact=redact, sentiment=sentiment
            )
            rows += len(result)
            empty += int((frame[text_col].fillna("").astype(str).str.strip() == "").sum())
            sink.write(result)
            if on_progress is not None:
                on_progress(done, total)
        if not sink.started:  # no rows at all: still write a valid, empty output
            cols = output_columns(model, id_col=id_col, redact=redact, sentiment=sentiment)
            sink.write(pd.DataFrame({c: pd.Series(dtype=str) for c in cols}))
    codes = len(model.labels_)
    return {
        "output": str(out),
        "rows": rows,
        "rows_empty": empty,
        "codes": codes,
        "labels": codes,  # the old name of "codes"
    }
