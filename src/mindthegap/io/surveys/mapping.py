"""Map a raw survey table onto an instrument: headers to items, answers to codes, attributes to the study."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from mindthegap.errors import InputError, quoted
from mindthegap.io.tables import long_cells, require_rows
from mindthegap.model.limits import HEADER_MAX, ID_MAX, LABEL_MAX, text_max, too_long


@dataclass(frozen=True)
class Problem:
    """One bad cell: ``row`` is the row number as the source file shows it (1-based, counting header rows)."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column!r}: {self.message}"

    def error(self, path: str | Path | None, hint: str) -> InputError:
        """This problem as the one-line error that stops an import (``hint``: how many, and what to do)."""
        return InputError(self.message, path=path, row=self.row, column=self.column, hint=hint)


@dataclass
class ImportResult:
    """Wide responses (respondent, attributes, one column per item), plus what was skipped or not matched."""

    responses: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    skipped_rows: list[int] = field(default_factory=list)
    unmatched: dict[str, dict[str, int]] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)
    #: the source-file row number of each kept response, so later checks (e.g. against a study) can name rows
    row_numbers: list[int] = field(default_factory=list)

    def report(self) -> dict:
        """A JSON-ready validation report."""
        return {
            "respondents": len(self.responses),
            "items": [c for c in self.responses.columns if c not in ("respondent",)],
            "skipped_rows": self.skipped_rows,
            "problems": [{"row": p.row, "column": p.column, "message": p.message} for p in self.problems],
            "unmatched_attribute_values": self.unmatched,
            "ignored_columns": self.ignored_columns,
        }


def _norm(text: object) -> str:
    return " ".join(str(text).split()).casefold()


def label_key(value: object) -> str:
    """A value-label key that treats 4, 4.0 and "4" alike."""
    text = str(value).strip()
    try:
        number = float(text)
    except ValueError:
        return text
    return str(int(number)) if number.is_integer() else text


def _code(scale, value: object, labels: Mapping[str, str]) -> float | str | None:
    """The code for one answer; "bad" when it is neither a code, a label nor a 'missing' answer.

    A file's own value labels come first, because a tool may number its answers differently (REDCap 0–4).
    """
    key = label_key(value)
    if key in labels:
        try:
            return scale.code_for(labels[key])
        except KeyError:
            pass
    try:
        return scale.code_for(value)
    except KeyError:
        return "bad"


def match_columns(
    columns: Sequence[str], instrument, explicit: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Source column → item id, by explicit mapping, item id, short label or full wording (case-insensitive)."""
    explicit = dict(explicit or {})
    keys: dict[str, str] = {}
    for item in instrument.items:
        for text in (item.id, item.label, item.wording):
            if text:
                keys.setdefault(_norm(text), item.id)
    out: dict[str, str] = {}
    for col in columns:
        if col in explicit:
            out[col] = explicit[col]
        elif _norm(col) in keys:
            out[col] = keys[_norm(col)]
    seen: dict[str, str] = {}
    for col, item in out.items():
        if item in seen:
            raise InputError(
                f"columns {seen[item]!r} and {col!r} both hold item {item!r}", hint="drop one of them"
            )
        seen[item] = col
    return out


def map_responses(
    raw: pd.DataFrame,
    instrument,
    *,
    row_numbers: Sequence[int] | None = None,
    path: str | Path | None = None,
    id_column: str | None = None,
    columns: Mapping[str, str] | None = None,
    attributes: Mapping[str, Iterable[str] | Mapping[str, str] | None] | None = None,
    value_labels: Mapping[str, Mapping[object, str]] | None = None,
    skip_bad_rows: bool = False,
) -> ImportResult:
    """Turn a raw table into coded responses, checking every cell.

    ``attributes`` maps a column (e.g. ``service``) to the study's known values (ids, or id → label); values are
    matched by id or label, case-insensitively, and those that match nothing are counted in ``unmatched``;
    None keeps the column's values as written.
    ``value_labels`` (per source column, code → label) let coded exports such as SPSS be matched by label too.
    All-or-nothing: any problem raises :class:`InputError` naming the first one, unless ``skip_bad_rows`` is set,
    in which case rows with problems are left out and listed in ``skipped_rows``.
    """
    rows = list(row_numbers) if row_numbers is not None else [i + 2 for i in range(len(raw))]
    mapping = match_columns([str(c) for c in raw.columns], instrument, columns)
    attributes = _check_columns(raw, instrument, mapping, id_column, attributes, path)
    problems: list[Problem] = []
    bad = np.zeros(len(raw), dtype=bool)
    limits = _length_limits(raw, instrument, mapping, id_column, attributes, path)
    raw = _blank_long_cells(raw, limits, rows, problems, bad)
    out = pd.DataFrame(index=raw.index)
    out["respondent"] = raw[id_column].astype(str).str.strip() if id_column else [str(r) for r in rows]
    unmatched = _match_attributes(raw, attributes, out)
    for col, item_id in mapping.items():
        item = instrument.item(item_id)
        values = raw[col]
        if item.type == "text":
            out[item_id] = values.where(values.notna(), None)
            continue
        labels = (value_labels or {}).get(col, {})
        out[item_id] = _coded_answers(
            values, instrument.scale_of(item), labels, str(col), rows, problems, bad
        )
    ignored = [str(c) for c in raw.columns if c not in mapping and c != id_column and c not in attributes]
    if id_column:
        _twice(out["respondent"], id_column, rows, problems, bad)
    problems.sort(key=lambda p: (p.row, p.column))
    _refuse_problems(problems, bad, skip_bad_rows, path)
    skipped = [rows[i] for i in np.flatnonzero(bad)]
    kept_rows = [rows[i] for i in np.flatnonzero(~bad)]
    out = out[~bad].reset_index(drop=True)
    return ImportResult(out, problems, skipped, unmatched, ignored, kept_rows)


def _refuse_problems(
    problems: list[Problem], bad: np.ndarray, skip_bad_rows: bool, path: str | Path | None
) -> None:
    """Raise the first problem unless bad rows are to be skipped, and always when every row is bad."""
    if problems and not skip_bad_rows:
        raise problems[0].error(
            path,
            f"{len(problems)} problem(s) in {int(bad.sum())} row(s); nothing was imported — fix them, or skip "
            "those rows with --skip-bad-rows",
        )
    if problems and bad.all():  # skipping every row would report success with nothing imported
        raise problems[0].error(
            path, f"every one of the {len(bad)} row(s) has a problem, so nothing was imported — fix them"
        )


def _check_columns(
    raw: pd.DataFrame,
    instrument,
    mapping: Mapping[str, str],
    id_column: str | None,
    attributes: Mapping[str, Iterable[str] | Mapping[str, str] | None] | None,
    path: str | Path | None,
) -> dict[str, Iterable[str] | Mapping[str, str] | None]:
    """Refuse a table with no item column, no rows, or without the id and attribute columns asked for;
    the attributes as a dict."""
    if not mapping:
        raise InputError(
            f"no column matches an item of {instrument.id!r}",
            path=path,
            hint=f"name columns by item id ({', '.join(i.id for i in instrument.items[:5])}, …) or label",
        )
    require_rows(raw, path, "responses")
    attributes = dict(attributes or {})
    if id_column is not None and id_column not in raw.columns:
        raise InputError(f"no respondent id column {id_column!r}", path=path)
    for col in attributes:
        if col not in raw.columns:
            raise InputError(f"no attribute column {col!r}", path=path)
    return attributes


def _match_attributes(
    raw: pd.DataFrame,
    attributes: Mapping[str, Iterable[str] | Mapping[str, str] | None],
    out: pd.DataFrame,
) -> dict[str, dict[str, int]]:
    """Put each attribute column in ``out`` as the study's ids; the values that matched nothing, counted."""
    unmatched: dict[str, dict[str, int]] = {}
    for col, known in attributes.items():
        if known is None:  # no study structure to match against: keep the values as written
            out[col] = raw[col].map(lambda v: str(v).strip() if pd.notna(v) and str(v).strip() else None)
            continue
        lookup = {}
        pairs = known.items() if isinstance(known, Mapping) else ((k, k) for k in known)
        for ident, label in pairs:
            lookup[_norm(ident)] = ident
            lookup[_norm(label)] = ident
        values = raw[col]
        mapped = values.map(lambda v, lk=lookup: lk.get(_norm(v)) if pd.notna(v) and str(v).strip() else None)
        missed = values[mapped.isna() & values.notna() & (values.astype(str).str.strip() != "")]
        if len(missed):
            unmatched[col] = dict(Counter(map(str, missed)).most_common())
        out[col] = mapped
    return unmatched


def _coded_answers(
    values: pd.Series,
    scale,
    labels: Mapping[str, str],
    col: str,
    rows: Sequence[int],
    problems: list[Problem],
    bad: np.ndarray,
) -> np.ndarray:
    """One rating column's codes; a problem recorded (and the row marked bad) for each answer not on the scale."""
    # each distinct answer is looked up once, then spread back over the column (fast on a million rows)
    inverse, uniques = pd.factorize(values, use_na_sentinel=True)
    unique_codes = np.full(len(uniques), np.nan)
    unique_bad = np.zeros(len(uniques), dtype=bool)
    for u, v in enumerate(uniques):
        if isinstance(v, str) and not v.strip():
            continue
        code = _code(scale, v, labels)
        if code == "bad":
            unique_bad[u] = True
        elif code is not None:
            unique_codes[u] = code
    # a trailing slot for blanks (index -1), so an all-blank column needs no special case
    unique_codes = np.append(unique_codes, np.nan)
    unique_bad = np.append(unique_bad, False)
    codes = unique_codes[inverse]
    bad_cells = unique_bad[inverse]
    if bad_cells.any():
        shown = ", ".join(f"{k} {lab}" for k, lab in list(scale.labels.items())[:6])
        for i in np.flatnonzero(bad_cells):
            v = uniques[inverse[i]]
            problems.append(
                Problem(
                    rows[i],
                    col,
                    f"{quoted(v)} is not an answer on the {scale.min}–{scale.max} scale"
                    + (f" ({shown})" if shown else ""),
                )
            )
        bad |= bad_cells
    return codes


def _twice(
    respondents: pd.Series, id_column: str, rows: Sequence[int], problems: list[Problem], bad: np.ndarray
) -> None:
    """A problem for each later row of a respondent who appears more than once (the first row is kept)."""
    dup = respondents.duplicated(keep=False) & respondents.ne("nan")
    for i in np.flatnonzero(dup.to_numpy() & respondents.duplicated().to_numpy()):
        problems.append(Problem(rows[i], id_column, f"respondent {respondents.iloc[i]!r} appears twice"))
        bad[i] = True


def _length_limits(raw, instrument, mapping, id_column, attributes, path) -> dict[str, int]:
    """The longest value each stored column may hold: the id fits the store, attributes are labels, free text
    has its own (configurable) limit. Rating columns need no check: an answer that is not on the scale is
    refused anyway, with its value cut short in the message."""
    for col in raw.columns:
        problem = too_long(str(col), HEADER_MAX)
        if problem:
            raise InputError(f"a column header {problem}", path=path, hint="shorten the header")
    limits = {col: LABEL_MAX for col in attributes}
    for col, item_id in mapping.items():
        if instrument.item(item_id).type == "text":
            limits[col] = text_max()
    if id_column is not None:
        limits[id_column] = ID_MAX
    return limits


def _blank_long_cells(
    raw: pd.DataFrame,
    limits: Mapping[str, int],
    rows: Sequence[int],
    problems: list[Problem],
    bad: np.ndarray,
) -> pd.DataFrame:
    """Record a problem for every over-long cell and blank it, so no later message or count repeats it."""
    cleaned = raw
    for col, limit in limits.items():
        found = long_cells(raw[col], limit)
        if not len(found):
            continue
        if cleaned is raw:
            cleaned = raw.copy()
        for i in found:
            problems.append(Problem(rows[i], str(col), f"the value {too_long(raw[col].iloc[i], limit)}"))
            bad[i] = True
        cleaned.iloc[found, cleaned.columns.get_loc(col)] = None
    return cleaned
