"""Optional context for the auto-coder: categorical columns known beside each comment, as one-hot features.

A comment is rarely read alone: a Friends and Family Test export also says which question was asked ("What was
good?" or "How could we improve?") and the rating given. :class:`ContextEncoder` turns such columns into one-hot
columns appended to the text features with a weight, and (with ``interactions``) one more one-hot block for each
pair of columns' values together. A value is normalised simply and generally — lower case, white space folded,
a whole number written as an integer (a rating read or written as ``1.0`` is ``"1"``) — so wordings that differ only
in white space or case fall together. Values seen fewer than ``min_count`` times in training, values never seen,
and missing values are all-zero rows of their block: unseen values are expected in real use and never an error.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from mindthegap.errors import InputError

__all__ = [
    "ContextEncoder",
    "context_frame",
    "missing_context_error",
    "normalise_value",
    "refuse_context_model",
]

_WHOLE = re.compile(r"^([+-]?\d+)\.0*$")
#: The key of one-hot blocks: a tuple of column positions and each value of those columns, joined by this.
_JOIN = "\x1f"


def normalise_value(value: object) -> str:
    """A context cell as its category: lower case, white space folded; missing cells are the empty string."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        value = int(value)
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    text = " ".join(str(value).lower().split())
    return _WHOLE.sub(r"\1", text)  # "3.0", as a number column with gaps is written out, is "3"


def missing_context_error(columns: Sequence[str], missing: Sequence[str], path: Any = None) -> InputError:
    """The one-line error for input lacking context columns the model was trained with, naming them."""
    return InputError(
        f"the model was trained with context column(s) {', '.join(map(repr, columns))}; the input lacks "
        f"{', '.join(map(repr, missing))}",
        path=path,
        hint="give the same context columns, under the same names, as the model was trained with",
    )


def refuse_context_model(model: Any, what: str) -> None:
    """Refuse, in one line, a coder trained with context columns where only text is at hand (``what`` says where)."""
    columns = list(getattr(model, "context_columns_", []))
    if columns:
        raise InputError(
            f"{what} codes text alone, but this model was trained with context column(s) "
            f"{', '.join(map(repr, columns))}",
            hint="train a model without --context-column for this, or use `autocode apply` on a file with them",
        )


def context_frame(context: Any, n_rows: int, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """``context`` (a DataFrame, or a mapping of column name to values) as a DataFrame of ``n_rows`` rows.

    With ``columns``, the frame must hold every one of them (a clear error naming the missing ones)."""
    if context is None:
        raise missing_context_error(columns or [], columns or [])
    frame = context if isinstance(context, pd.DataFrame) else pd.DataFrame(dict(context))
    if any(not isinstance(c, str) for c in frame.columns):
        frame = frame.rename(columns=str)
    if len(frame) != n_rows:
        raise InputError(
            f"{n_rows} texts but {len(frame)} rows of context", hint="pass one context row per text"
        )
    if columns is not None:
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise missing_context_error(columns, missing)
    return frame


class ContextEncoder:
    """One-hot blocks of categorical context columns (and optionally of each pair of them), times ``weight``."""

    def __init__(self, *, weight: float = 1.0, interactions: bool = False, min_count: int = 1) -> None:
        self.weight = float(weight)
        self.interactions = bool(interactions)
        self.min_count = int(min_count)

    @staticmethod
    def _categories(frame: pd.DataFrame, columns: Sequence[str]) -> list[list[str]]:
        out = []
        for c in columns:  # a column holds few distinct values: normalise each once
            codes, uniques = pd.factorize(frame[c].astype(object), use_na_sentinel=True)
            names = np.array([normalise_value(u) for u in uniques] + [""], dtype=object)
            out.append(names[codes].tolist())  # the sentinel -1 picks the trailing "" (missing)
        return out

    def _block_keys(self, cats: list[list[str]], block: tuple[int, ...]) -> list[str | None]:
        if len(block) == 1:
            return [k or None for k in cats[block[0]]]
        rows = zip(*(cats[i] for i in block), strict=True)
        return [None if "" in row else _JOIN.join(row) for row in rows]

    def fit(self, context: Any, n_rows: int) -> ContextEncoder:
        frame = context_frame(context, n_rows)
        if frame.shape[1] == 0:
            raise InputError(
                "the context has no columns", hint="name at least one context column or give none"
            )
        self.columns_ = [str(c) for c in frame.columns]
        if len(set(self.columns_)) != len(self.columns_):
            raise InputError("a context column is named twice", hint="name each context column once")
        cats = self._categories(frame, self.columns_)
        blocks = [(i,) for i in range(len(self.columns_))]
        if self.interactions:
            blocks += list(itertools.combinations(range(len(self.columns_)), 2))
        self.blocks_ = []
        for block in blocks:
            counts = Counter(k for k in self._block_keys(cats, block) if k is not None)
            values = sorted(k for k, n in counts.items() if n >= self.min_count)
            self.blocks_.append((block, values))
        self._index()
        return self

    def _index(self) -> None:
        self.offsets_, start = [], 0
        self.vocabularies_ = []
        for _block, values in self.blocks_:
            self.offsets_.append(start)
            self.vocabularies_.append({v: i for i, v in enumerate(values)})
            start += len(values)
        self.n_features_ = start

    def transform(self, context: Any, n_rows: int) -> sp.csr_matrix:
        """The weighted one-hot matrix (n_rows × n_features_); unseen and missing values are all-zero."""
        frame = context_frame(context, n_rows, self.columns_)
        cats = self._categories(frame, self.columns_)
        rows, cols = [], []
        for (block, _values), vocab, offset in zip(
            self.blocks_, self.vocabularies_, self.offsets_, strict=True
        ):
            j = pd.Series(self._block_keys(cats, block), dtype=object).map(vocab).to_numpy(dtype=float)
            seen = np.flatnonzero(~np.isnan(j))
            rows.append(seen)
            cols.append(offset + j[seen].astype(np.int64))
        rows = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
        cols = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
        data = np.full(len(rows), self.weight, dtype=np.float32)
        return sp.csr_matrix((data, (rows, cols)), shape=(n_rows, self.n_features_), dtype=np.float32)

    # -- model file ----------------------------------------------------------------------------------------------
    def state(self) -> dict[str, Any]:
        """The encoder as plain JSON values (for the model file's manifest)."""
        return {
            "columns": list(self.columns_),
            "weight": self.weight,
            "interactions": self.interactions,
            "min_count": self.min_count,
            "blocks": [
                {"columns": list(block), "values": [v.split(_JOIN) for v in values]}
                for block, values in self.blocks_
            ],
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> ContextEncoder:
        """Rebuild from :meth:`state`, raising ``ValueError`` on anything inconsistent."""
        enc = cls(weight=state["weight"], interactions=state["interactions"], min_count=state["min_count"])
        enc.columns_ = [str(c) for c in state["columns"]]
        if not enc.columns_ or len(set(enc.columns_)) != len(enc.columns_):
            raise ValueError("the context columns are empty or repeat")
        if not np.isfinite(enc.weight):
            raise ValueError("the context weight is not finite")
        enc.blocks_ = []
        for block in state["blocks"]:
            cols = tuple(int(i) for i in block["columns"])
            if not cols or any(not 0 <= i < len(enc.columns_) for i in cols):
                raise ValueError("a context block names a column that is not there")
            values = []
            for value in block["values"]:
                if len(value) != len(cols):
                    raise ValueError("a context value does not match its block")
                values.append(_JOIN.join(value))
            if len(set(values)) != len(values):
                raise ValueError("a context value is listed twice")
            enc.blocks_.append((cols, values))
        enc._index()
        return enc
