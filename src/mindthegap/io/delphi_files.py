"""Delphi files: ratings (one row per rater × statement × round), statements and panels.

Every row of a file is checked before anything is used, and the first problem is reported with its row
(as a spreadsheet numbers it: the header is row 1) and column, with how many other problems were found, so a
file is fixed in one pass and never half-imported. The checks a stored Delphi adds (a rater in no panel, a
closed round, a statement whose wording changed) run in :mod:`mindthegap.store.delphi.repository` through
:class:`Problems` too.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from mindthegap.errors import InputError, quoted
from mindthegap.io.tables import check_lengths, read_table
from mindthegap.model.limits import ID_MAX, text_max
from mindthegap.model.study import check_slug

RATING_COLUMNS = ("rater_id", "statement", "round", "rating")
OPTIONAL_RATING_COLUMNS = ("group", "comment", "statement_text")
ALIASES = {"statement_id": "statement", "participant_id": "rater_id", "panel": "group", "score": "rating"}
GROUPS = {
    "policymakers": "Policymakers",
    "commissioners": "Commissioners",
    "managers": "Managers",
    "practitioners": "Practitioners",
    "service_users": "People who use services",
    "carers": "Carers",
}
"""The stakeholder panels the issue names, with their labels; studies may add their own (any slug)."""


class Problems:
    """Problems found in a file, in row order; :meth:`raise_first` reports the first and how many more."""

    def __init__(self, path: str | Path | None) -> None:
        self.path = path
        self.found: list[tuple[int, str, str, str]] = []

    def add(self, row: int, column: str, message: str, hint: str = "") -> None:
        self.found.append((row, column, message, hint))

    def raise_first(self) -> None:
        if not self.found:
            return
        row, column, message, hint = min(self.found, key=lambda p: p[0])
        more = len(self.found) - 1
        extra = f" (and {more} more problem{'s' if more > 1 else ''} in the file)" if more else ""
        raise InputError(
            message + extra, path=self.path, row=row, column=column, hint=hint or "nothing was imported"
        )


def group_label(group: str) -> str:
    return GROUPS.get(group, str(group).replace("_", " ").capitalize())


def normalise(frame: pd.DataFrame) -> pd.DataFrame:
    """Lower-case headers with spaces as underscores, and the usual other names mapped."""
    renamed = {c: "_".join(str(c).strip().lower().split()) for c in frame.columns}
    frame = frame.rename(columns=renamed)
    return frame.rename(columns={k: v for k, v in ALIASES.items() if k in frame.columns and v not in frame})


def _require(frame: pd.DataFrame, columns: Sequence[str], path, what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(
            f"{what} lack column(s): {', '.join(missing)}",
            path=path,
            hint=f"a {what} file needs the columns {', '.join(columns)}",
        )


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value).strip()


def read_ratings(path: str | Path, *, need_group: bool = True) -> pd.DataFrame:
    """Read and check a ratings file; returns ``rater_id``, ``group``, ``statement``, ``round``, ``rating``
    (float, missing where skipped), ``comment``, ``statement_text`` and ``row`` (the file's row number)."""
    frame = normalise(read_table(Path(path)))
    return check_ratings(frame, path=path, need_group=need_group)


def check_ratings(frame: pd.DataFrame, *, path=None, need_group: bool = True) -> pd.DataFrame:
    """Check a ratings frame row by row (see :func:`read_ratings`); raise on the first problem."""
    frame = normalise(frame).reset_index(drop=True)
    _require(frame, [*RATING_COLUMNS, *(["group"] if need_group else [])], path, "ratings")
    check_lengths(frame, {"comment": text_max(), "statement_text": text_max()}, default=ID_MAX, path=path)
    for col in OPTIONAL_RATING_COLUMNS:
        if col not in frame.columns:
            frame[col] = ""
    rows = frame.index.to_numpy() + 2
    out = pd.DataFrame({"row": rows})
    for col in ("rater_id", "group", "statement", "comment", "statement_text"):
        out[col] = [_text(v) for v in frame[col]]
    problems = Problems(path)
    _check_ids(out, problems, ("rater_id", "statement", *(["group"] if need_group else [])))
    out["round"] = pd.to_numeric(frame["round"], errors="coerce")
    for i in out.index[~(out["round"] >= 1) | (out["round"] % 1 != 0)]:
        problems.add(rows[i], "round", f"round {quoted(frame.at[i, 'round'])} is not a round number 1, 2, …")
    text = frame["rating"].map(_text)
    out["rating"] = pd.to_numeric(text.replace("", None), errors="coerce").astype(float)
    bad = (text != "") & ~(out["rating"].between(1, 9) & (out["rating"] % 1 == 0))
    for i in out.index[bad]:
        problems.add(
            rows[i],
            "rating",
            f"rating {quoted(text[i])} is not a whole number from 1 to 9",
            "leave the cell blank for a statement the rater skipped",
        )
    problems.raise_first()
    out["round"] = out["round"].astype(int)
    _check_consistency(out, problems, need_group)
    problems.raise_first()
    return out


def _check_ids(out: pd.DataFrame, problems: Problems, columns: Sequence[str]) -> None:
    for col in columns:
        for i, value in out[col].items():
            if not value:
                problems.add(out.at[i, "row"], col, f"{col} is blank")
                continue
            if col != "rater_id":
                try:
                    check_slug(value, col)
                except ValueError as exc:
                    problems.add(out.at[i, "row"], col, str(exc))


def _check_consistency(out: pd.DataFrame, problems: Problems, need_group: bool) -> None:
    """A rater rates a statement once a round, sits on one panel, and sees one wording per round."""
    key = ["rater_id", "statement", "round"]
    twice = out.duplicated(key, keep="first")
    first = out.drop_duplicates(key).set_index(key)["row"]
    for i in out.index[twice]:
        r = out.loc[i]
        problems.add(
            r["row"],
            "rating",
            f"rater {quoted(r['rater_id'])} rates statement {quoted(r['statement'])} twice in round "
            f"{r['round']} (first on row {first[tuple(r[key])]})",
            "keep one row per rater, statement and round",
        )
    if need_group:
        panels = out.drop_duplicates("rater_id").set_index("rater_id")["group"]
        for i in out.index[out["group"] != out["rater_id"].map(panels)]:
            r = out.loc[i]
            problems.add(
                r["row"],
                "group",
                f"rater {quoted(r['rater_id'])} is on panel {quoted(panels[r['rater_id']])} elsewhere in the file",
                "each rater sits on one panel",
            )
    worded = out[out["statement_text"] != ""]
    wording = worded.drop_duplicates(["statement", "round"]).set_index(["statement", "round"])
    for i in worded.index:
        r = worded.loc[i]
        seen = wording.loc[(r["statement"], r["round"])]
        if seen["statement_text"] != r["statement_text"]:
            problems.add(
                r["row"],
                "statement_text",
                f"statement {quoted(r['statement'])} is worded differently from row {seen['row']} in the "
                f"same round {r['round']}",
                "an edit takes effect from the next round; rate one wording per round",
            )


def read_statements(path: str | Path) -> pd.DataFrame:
    """A statements file: ``statement``, ``text`` and optionally ``principle``, ``lever``, ``source``."""
    frame = normalise(read_table(Path(path)))
    _require(frame, ["statement", "text"], path, "statements")
    out = pd.DataFrame(
        {
            c: [_text(v) for v in frame[c]] if c in frame else ""
            for c in ("statement", "text", "principle", "lever", "source")
        }
    )
    problems = Problems(path)
    for i, r in out.iterrows():
        try:
            check_slug(r["statement"], "statement")
        except ValueError as exc:
            problems.add(i + 2, "statement", str(exc))
        if not r["text"]:
            problems.add(i + 2, "text", "the statement's wording is blank")
    for i in out.index[out.duplicated("statement")]:
        problems.add(i + 2, "statement", f"statement {quoted(out.at[i, 'statement'])} appears twice")
    problems.raise_first()
    return out


def read_panels(path: str | Path) -> pd.DataFrame:
    """A panels file: ``rater_id`` and ``group`` (one panel per rater)."""
    frame = normalise(read_table(Path(path)))
    _require(frame, ["rater_id", "group"], path, "panels")
    out = pd.DataFrame({c: [_text(v) for v in frame[c]] for c in ("rater_id", "group")})
    problems = Problems(path)
    out["row"] = out.index + 2
    _check_ids(out, problems, ("rater_id", "group"))
    for i in out.index[out.duplicated("rater_id")]:
        problems.add(i + 2, "rater_id", f"rater {quoted(out.at[i, 'rater_id'])} is listed twice")
    problems.raise_first()
    return out.drop(columns="row")
