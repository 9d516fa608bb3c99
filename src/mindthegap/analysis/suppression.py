"""Small-number suppression with complementary (secondary) suppression.

Primary suppression hides every group with fewer than ``min_n`` respondents: its ``n`` and statistics become
missing and ``suppressed`` is True. That alone is not enough where a table also shows totals: if a total and
all but one of its parts are published, the hidden part can be recovered by subtraction (n, and for a mean
also the sum). So for every *margin group* — the parts that add up to one published total — while the
total minus the parts shown (the hidden parts plus anyone no part covers) comes to fewer than ``min_n``
respondents but more than none, the next smallest part is hidden too; if no part is left to hide, the total is
hidden. This repeats across all margins until nothing changes, because hiding a cell for one margin can expose
it through another. Hidden totals give nothing away and need no complement.

Tables mark rolled-up dimensions with :data:`ALL` (as a cube or ``GROUPING SETS`` query would), so the
margin structure is read from the table itself.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from mindthegap.privacy import DEFAULT_MIN_N, validate_min_n

ALL = "All"
SUPPRESSED = "suppressed"
REASON = "suppression_reason"
PRIMARY = "fewer than {min_n} respondents"
COMPLEMENTARY = "complementary: protects a suppressed group in a published total"


def suppress(
    table: pd.DataFrame,
    *,
    n_col: str = "n",
    by: Sequence[str] = (),
    min_n: int = DEFAULT_MIN_N,
    keep: Sequence[str] = (),
) -> pd.DataFrame:
    """Return a copy of ``table`` with small groups and their complements hidden.

    ``by`` are the grouping columns; a value of :data:`ALL` in one of them marks a total over that column.
    Every column that is neither in ``by`` nor in ``keep`` is set to missing on hidden rows, ``n_col``
    included. ``keep`` names columns that are safe to show (for example a principle's name).
    Two columns are added: ``suppressed`` (bool) and ``suppression_reason`` (text or missing).
    """
    validate_min_n(min_n)
    out = table.copy()
    if n_col not in out.columns:
        raise KeyError(f"suppress: the table has no {n_col!r} column")
    n = pd.to_numeric(out[n_col], errors="coerce").fillna(0).to_numpy(dtype=float)
    hidden = n < min_n
    reason = np.where(hidden, PRIMARY.format(min_n=min_n), None).astype(object)
    if by and len(out):
        hidden, reason = _complementary(out, n, hidden, reason, list(by), min_n)
    protected = set(by) | set(keep) | {SUPPRESSED, REASON}
    blank = [c for c in out.columns if c not in protected]
    if hidden.any():
        for col in blank:
            if out[col].dtype.kind in "iub":
                out[col] = out[col].astype("Float64" if out[col].dtype.kind != "b" else "boolean")
            out.loc[hidden, col] = pd.NA
    out[SUPPRESSED] = hidden
    out[REASON] = pd.Series(reason, index=out.index, dtype=object).where(hidden, None)
    return out


def _complementary(
    table: pd.DataFrame,
    n: np.ndarray,
    hidden: np.ndarray,
    reason: np.ndarray,
    by: list[str],
    min_n: int,
) -> tuple[np.ndarray, np.ndarray]:
    hidden = hidden.copy()
    reason = reason.copy()
    keys = table[by].astype(str).to_numpy()
    is_all = keys == ALL
    # Precompute, for each dimension, the margin groups: rows that share every other key and are not
    # themselves totals on this dimension, provided the matching total row is published in the table.
    groups: list[np.ndarray] = []
    for d in range(len(by)):
        others = [j for j in range(len(by)) if j != d]
        totals = {tuple(keys[i, others]): i for i in np.flatnonzero(is_all[:, d])}
        if not totals:
            continue
        members: dict[tuple, list[int]] = {}
        for i in np.flatnonzero(~is_all[:, d]):
            k = tuple(keys[i, others])
            if k in totals:
                members.setdefault(k, []).append(i)
        for k, rows in members.items():
            groups.append(np.array([totals[k], *rows]))
    changed = True
    while changed:
        changed = False
        for g in groups:
            total, parts = g[0], g[1:]
            if hidden[total]:
                continue  # a hidden total cannot be subtracted from
            # What a reader can work out is the total minus the parts shown: the hidden parts together with
            # anyone the parts leave out (e.g. people with no service). That residual must not be small.
            residual = n[total] - n[parts][~hidden[parts]].sum()
            while 0 < residual < min_n:
                candidates = parts[~hidden[parts]]
                if len(candidates) == 0:
                    # nothing left to hide among the parts: hide the total itself
                    hidden[total] = True
                    reason[total] = COMPLEMENTARY
                    changed = True
                    break
                pick = candidates[np.argmin(n[candidates])]
                hidden[pick] = True
                reason[pick] = COMPLEMENTARY
                changed = True
                residual = n[total] - n[parts][~hidden[parts]].sum()
    return hidden, reason


def assert_no_disclosure(
    table: pd.DataFrame, *, n_col: str = "n", by: Sequence[str] = (), min_n: int = DEFAULT_MIN_N
) -> None:
    """Raise ``AssertionError`` if a published row has n < min_n or a total lets one be recovered.

    Used by the tests and as a last check before any output is written.
    """
    shown = table[~table[SUPPRESSED].astype(bool)] if SUPPRESSED in table else table
    n = pd.to_numeric(shown[n_col], errors="coerce")
    small = shown[n < min_n]
    if len(small):
        raise AssertionError(f"{len(small)} published rows have fewer than {min_n} respondents")
    if not by:
        return
    keys = table[list(by)].astype(str)
    hidden = table[SUPPRESSED].astype(bool).to_numpy() if SUPPRESSED in table else np.zeros(len(table), bool)
    n_all = pd.to_numeric(table[n_col], errors="coerce").fillna(0).to_numpy()
    for d in by:
        others = [c for c in by if c != d]
        for _, grp in keys.groupby(others, dropna=False) if others else [((), keys)]:
            idx = grp.index
            pos = table.index.get_indexer(idx)
            total_pos = pos[(grp[d] == ALL).to_numpy()]
            if len(total_pos) != 1 or hidden[total_pos[0]]:
                continue
            parts = pos[(grp[d] != ALL).to_numpy()]
            shown_parts = parts[~hidden[parts]]
            if not len(parts):
                continue
            # n of hidden rows is blanked; the residual a reader can compute is total minus shown parts
            residual = n_all[total_pos[0]] - n_all[shown_parts].sum()
            if 0 < residual < min_n:
                raise AssertionError(
                    f"total over {d!r} at {dict(zip(others, grp.iloc[0][others], strict=True))} lets a group of "
                    f"{residual:g} be recovered by subtraction"
                )
