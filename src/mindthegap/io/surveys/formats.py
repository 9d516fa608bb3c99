"""Readers for the files survey tools export, each returning the raw table and the file's row numbers."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from mindthegap.errors import InputError
from mindthegap.io.surveys.mapping import ImportResult, label_key, map_responses
from mindthegap.io.tables import ENCODINGS

FORMATS = ("auto", "csv", "xlsx", "qualtrics", "redcap", "msforms", "spss", "parquet")
# Microsoft Forms puts these before the questions; names and e-mails are personal data and never imported
MSFORMS_META = ("ID", "Start time", "Completion time", "Email", "Name", "Last modified time")


def _text(path: Path) -> str:
    raw = path.read_bytes()
    for enc in ENCODINGS:
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    raise InputError("is neither UTF-8 nor Windows-1252 text", path=path)  # pragma: no cover


def _csv(text: str, path: Path, skip: tuple[int, ...] = ()) -> tuple[pd.DataFrame, list[int]]:
    first = text.split("\n", 1)[0]
    sep = ";" if first.count(";") > first.count(",") else ","
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            dtype=str,
            keep_default_na=False,
            skiprows=list(skip),
            skip_blank_lines=False,
        )
    except pd.errors.EmptyDataError:
        raise InputError("is empty", path=path) from None
    except pd.errors.ParserError as exc:
        raise InputError(f"is not a well-formed CSV ({str(exc).splitlines()[0]})", path=path) from None
    rows = [i + 2 + len(skip) for i in range(len(frame))]
    return _drop_blank(frame, rows)


def _drop_blank(frame: pd.DataFrame, rows: list[int]) -> tuple[pd.DataFrame, list[int]]:
    frame = frame.replace({"": None})
    keep = frame.notna().any(axis=1).to_numpy()
    return frame[keep].reset_index(drop=True), [r for r, k in zip(rows, keep, strict=True) if k]


def detect(path: Path) -> str:
    """Guess the format from the extension and, for CSV, Qualtrics' third header row."""
    suffix = path.suffix.lower()
    if suffix == ".sav":
        return "spss"
    if suffix == ".parquet":
        return "parquet"
    if suffix in (".xlsx", ".xlsm"):
        head = pd.read_excel(path, nrows=0, engine="openpyxl").columns
        return "msforms" if {"Start time", "Completion time"} <= set(map(str, head)) else "xlsx"
    lines = _text(path).splitlines()[:3]
    if len(lines) == 3 and lines[2].lstrip('"').startswith("{") and "ImportId" in lines[2]:
        return "qualtrics"
    return "csv"


def read_raw(
    path: str | Path, fmt: str = "auto", *, dictionary: str | Path | None = None
) -> tuple[pd.DataFrame, list[int], dict]:
    """(raw table, source row numbers, value labels per column) for any supported format."""
    path = Path(path)
    if not path.is_file():
        raise InputError("file not found" if not path.exists() else "is a folder, not a file", path=path)
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}", hint=f"choose one of {', '.join(FORMATS)}")
    labels: dict = {}
    try:
        # detection reads the file too, so a corrupt workbook fails here, inside the one-line error below
        fmt = detect(path) if fmt == "auto" else fmt
        if fmt == "csv":
            frame, rows = _csv(_text(path), path)
        elif fmt == "qualtrics":
            # row 1 holds the question ids, row 2 the question text and row 3 the ImportId JSON
            frame, rows = _csv(_text(path), path, skip=(1, 2))
        elif fmt == "redcap":
            frame, rows = _csv(_text(path), path)
            if dictionary is not None:
                frame, labels = _apply_redcap_dictionary(frame, Path(dictionary))
        elif fmt in ("xlsx", "msforms"):
            frame = pd.read_excel(path, dtype=object, engine="openpyxl")
            frame, rows = _drop_blank(frame, [i + 2 for i in range(len(frame))])
            if fmt == "msforms":
                frame = frame.drop(columns=[c for c in MSFORMS_META if c in frame.columns and c != "ID"])
        elif fmt == "spss":
            import pyreadstat

            frame, meta = pyreadstat.read_sav(str(path), apply_value_formats=False)
            labels = {
                c: {label_key(k): v for k, v in m.items()} for c, m in meta.variable_value_labels.items()
            }
            rows = [i + 1 for i in range(len(frame))]  # SPSS shows cases from 1, with no header row
        else:
            frame = pd.read_parquet(path)
            rows = [i + 1 for i in range(len(frame))]
    except InputError:
        raise
    except Exception as exc:  # a corrupt or mislabelled file: say which and how it failed, in one line
        shown = (path.suffix.lstrip(".") or "a survey export") if fmt == "auto" else fmt
        raise InputError(
            f"cannot be read as {shown} ({str(exc).splitlines()[0] if str(exc) else type(exc).__name__})",
            path=path,
            hint="check that it opens in the program that made it, or export it again",
        ) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame, rows, labels


def _apply_redcap_dictionary(frame: pd.DataFrame, path: Path) -> tuple[pd.DataFrame, dict]:
    """Rename label headers to variable names and collect each field's choices from a REDCap data dictionary."""
    rows = list(csv.DictReader(io.StringIO(_text(path))))
    if not rows or "Variable / Field Name" not in rows[0]:
        raise InputError("is not a REDCap data dictionary (no 'Variable / Field Name' column)", path=path)
    choice_col = next((c for c in rows[0] if c.startswith("Choices")), None)
    by_label, labels = {}, {}
    for r in rows:
        name = r["Variable / Field Name"].strip()
        by_label[" ".join(r.get("Field Label", "").split()).casefold()] = name
        if choice_col and r.get(choice_col):
            choices = {}
            for part in r[choice_col].split("|"):
                code, _, text = part.partition(",")
                if text:
                    choices[label_key(code)] = text.strip()
            labels[name] = choices
    renamed = {c: by_label.get(" ".join(c.split()).casefold(), c) for c in frame.columns}
    return frame.rename(columns=renamed), labels


def default_id_column(frame) -> str | None:
    """The respondent id column each tool writes (Qualtrics, REDCap, Forms, ours), if the table has one."""
    for candidate in ("ResponseId", "record_id", "ID", "participant_id", "pseudonym", "respondent", "id"):
        if candidate in frame.columns:
            return candidate
    return None


def import_survey(
    path: str | Path,
    instrument,
    *,
    fmt: str = "auto",
    dictionary: str | Path | None = None,
    id_column: str | None = None,
    columns: dict[str, str] | None = None,
    attributes: dict | None = None,
    skip_bad_rows: bool = False,
    raw: tuple[pd.DataFrame, list[int], dict] | None = None,
) -> ImportResult:
    """Read a survey export in any supported format and map it onto ``instrument`` (see ``map_responses``).

    ``raw`` is the file as :func:`read_raw` returns it, for a caller that looked at it first (the study import).
    """
    frame, rows, labels = raw if raw is not None else read_raw(path, fmt, dictionary=dictionary)
    if id_column is None:
        id_column = default_id_column(frame)
    return map_responses(
        frame,
        instrument,
        row_numbers=rows,
        path=path,
        id_column=id_column,
        columns=columns,
        attributes=attributes,
        value_labels=labels,
        skip_bad_rows=skip_bad_rows,
    )
