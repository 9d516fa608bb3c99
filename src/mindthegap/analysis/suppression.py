"""Small-number suppression of one table, for use on a bare DataFrame (a notebook, a file on the command line).

Primary suppression hides every group with fewer than ``min_n`` people: its ``n`` and statistics become
missing and ``suppressed`` is True. That alone is not enough where a table also shows totals: subtraction
along one line (a total and its parts), or a chain of lines, recovers a hidden group. So the table is read as
a cube of groups (rows marked :data:`ALL` in a column are totals over it) and handed to
:func:`mindthegap.analysis.protection.protect`: secondary suppression along every line to a fixed point, then
a linear-programming audit that hides further groups until every hidden small group's feasible range is at
least the protection width. People counted in a total but in none of its parts (no service recorded) are a
group of their own that no row shows, and are protected like the rest.

Products never call this on their own outputs: a study's outputs share one
:class:`~mindthegap.analysis.publication.PublicationPlan`, so that tables grouped differently cannot be
subtracted from each other. This function is the plan for a table that stands alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

import numpy as np
import pandas as pd

from mindthegap.analysis.cube import MISSING, Label, build_cube
from mindthegap.analysis.protection import protect
from mindthegap.privacy import DEFAULT_MIN_N, default_protection_width, validate_min_n

ALL = "All"
SUPPRESSED = "suppressed"
REASON = "suppression_reason"
HIDDEN = "suppressed"
"""The one reason every hidden row gives: saying which rows are small and which protect them would point
a reader at the small ones."""


def suppress(
    table: pd.DataFrame,
    *,
    n_col: str = "n",
    by: Sequence[str] = (),
    min_n: int = DEFAULT_MIN_N,
    keep: Sequence[str] = (),
    width: float | None = None,
) -> pd.DataFrame:
    """Return a copy of ``table`` with small groups, and the groups that would give them away, hidden.

    ``by`` are the grouping columns; a value of :data:`ALL` in one of them marks a total over that column
    (columns that never hold :data:`ALL`, such as a principle, split the table into independent parts).
    Every column that is neither in ``by`` nor in ``keep`` is set to missing on hidden rows, ``n_col``
    included. ``keep`` names columns that are safe to show (a principle's name). ``width`` is the protection
    width (default :func:`mindthegap.privacy.default_protection_width`). Two columns are added:
    ``suppressed`` (bool) and ``suppression_reason`` (text on hidden rows, the same for all of them).
    """
    validate_min_n(min_n)
    if n_col not in table.columns:
        raise KeyError(f"suppress: the table has no {n_col!r} column")
    width = default_protection_width() if width is None else width
    n = pd.to_numeric(table[n_col], errors="coerce").fillna(0).to_numpy(dtype=float)
    hidden = n < min_n
    if by and len(table):
        hidden |= table_hidden(table, n, list(by), min_n=min_n, width=width)
    return blank_hidden(table, hidden, protected=[*by, *keep])


def blank_hidden(table: pd.DataFrame, hidden: np.ndarray, *, protected: Sequence[str]) -> pd.DataFrame:
    """A copy with every column but ``protected`` blanked on hidden rows, and the two suppression columns."""
    out = table.copy()
    keep = set(protected) | {SUPPRESSED, REASON}
    hidden = np.asarray(hidden, dtype=bool)
    if hidden.any():
        for col in [c for c in out.columns if c not in keep]:
            if out[col].dtype.kind in "iub":
                out[col] = out[col].astype("Float64" if out[col].dtype.kind != "b" else "boolean")
            out.loc[hidden, col] = pd.NA
    out[SUPPRESSED] = hidden
    out[REASON] = pd.Series(np.where(hidden, HIDDEN, None), index=out.index, dtype=object)
    return out


def row_labels(keys: pd.DataFrame, dims: Sequence[str]) -> list[Label]:
    """Each row's group: the pairs (dimension, value) of the dimensions it is not a total over."""
    values = keys[list(dims)].astype(str).to_numpy()
    return [tuple((d, v) for d, v in zip(dims, row, strict=True) if v != ALL) for row in values]


def table_hidden(
    table: pd.DataFrame, n: np.ndarray, by: list[str], *, min_n: int, width: float
) -> np.ndarray:
    """Which rows the table's own cube hides (primary, secondary and by the LP audit)."""
    keys = table[by].astype(str).reset_index(drop=True)
    rollable = [d for d in by if (keys[d] == ALL).any()]
    hidden = n < min_n
    if not rollable:
        return hidden
    split = [d for d in by if d not in rollable]
    slices = keys.groupby(split, sort=False).indices.values() if split else [np.arange(len(keys))]
    for idx in slices:
        idx = np.asarray(idx)
        labels = row_labels(keys.iloc[idx], rollable)
        finest = table_finest(labels, n[idx], rollable)
        cube = build_cube(finest)
        sets = [cube.set_of(label) for label in labels]
        publishable = np.zeros(cube.n_sets, bool)
        publishable[[s for s in sets if s is not None]] = True
        decided = protect(cube, min_n=min_n, width=width, hidden=~publishable).hidden
        hidden[idx] |= np.array([decided[s] if s is not None else True for s in sets], dtype=bool)
    return hidden


def table_finest(labels: list[Label], n: np.ndarray, dims: Sequence[str]) -> pd.DataFrame:
    """Recover the finest cells behind a table of totals, people with a missing value included.

    Working from the most detailed rows to the grand total, each total minus the cells already found under
    it is the count of people with no value on the dimensions it totals over. Raises ``ValueError`` when the
    table does not hold every margin over ``dims``, or its totals are not the sums of their parts.
    """
    dims = list(dims)
    counts: dict[Label, float] = {}
    for label, value in zip(labels, n, strict=True):
        if label in counts and counts[label] != value:
            raise ValueError(f"suppress: two rows for the group {dict(label)} with different counts")
        counts[label] = float(value)
    present = {tuple(d for d, _ in label) for label in counts}
    needed = [g for r in range(len(dims) + 1) for g in combinations(dims, r)]
    missing = [g for g in needed if g not in present]
    if missing:
        shown = ", ".join(d for d in missing[0]) or "the grand total"
        raise ValueError(
            f"suppress: the table's 'All' rows are not a full set of margins (no rows by {shown}); "
            "add them, or suppress each part on its own"
        )
    cells: list[tuple[tuple[str, ...], float]] = []
    for gset in reversed(needed):  # most detailed first
        under = _sums(cells, dims, gset)
        for label, value in counts.items():
            if tuple(d for d, _ in label) != gset:
                continue
            rest = value - under.pop(tuple(v for _, v in label), 0.0)
            if rest < -1e-9:
                raise ValueError(
                    f"suppress: the total for {dict(label) or 'everyone'} is smaller than its parts"
                )
            if rest > 0:
                values = dict(label)
                cells.append((tuple(values.get(d, MISSING) for d in dims), rest))
        if any(v > 0 and MISSING not in k for k, v in under.items()):
            raise ValueError("suppress: a group with people in it has no row of its own while its parts do")
    finest = pd.DataFrame([k for k, _ in cells], columns=dims)
    finest["n"] = np.array([v for _, v in cells], dtype=float).round().astype(np.int64)
    return finest.sort_values(dims, kind="stable").reset_index(drop=True)


def _sums(cells: list[tuple[tuple[str, ...], float]], dims: list[str], gset: tuple[str, ...]) -> dict:
    pos = [dims.index(d) for d in gset]
    out: dict[tuple[str, ...], float] = {}
    for key, value in cells:
        k = tuple(key[p] for p in pos)
        out[k] = out.get(k, 0.0) + value
    return out
