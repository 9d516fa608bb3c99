"""Cross-validation folds for multi-label coding: iterative stratification.

A code carried by 12 of 3,000 comments can land wholly in one fold of a plain random split, and that fold then
cannot score it. Iterative stratification (Sechidis, Tsoumakas and Vlahavas 2011, "On the stratification of
multi-label data", ECML PKDD) deals the rarest code's examples out first, each to the fold that still wants most
of that code, so every fold holds close to its share of every code.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

__all__ = ["iterative_folds", "iterative_split"]


def iterative_folds(Y: np.ndarray, n_splits: int, *, random_state: int = 0) -> np.ndarray:
    """Fold number (0 … ``n_splits`` − 1) of each row of the 0/1 matrix ``Y`` (rows × codes)."""
    Y = np.asarray(Y).astype(bool)
    if Y.ndim == 1:
        Y = Y[:, None]
    n = Y.shape[0]
    if n_splits < 2 or n_splits > n:
        raise ValueError(f"n_splits must be between 2 and the number of rows ({n}), not {n_splits}")
    rng = np.random.default_rng(random_state)
    fold = np.full(n, -1, dtype=np.int64)
    want_rows = np.full(n_splits, n / n_splits)
    want = np.tile(Y.sum(axis=0) / n_splits, (n_splits, 1))  # folds × codes still wanted
    remaining = Y.copy()
    left = Y.sum(axis=0).astype(np.int64)
    while left.sum() > 0:
        label = int(np.argmin(np.where(left > 0, left, np.iinfo(np.int64).max)))
        rows = np.flatnonzero(remaining[:, label])
        for r in rng.permutation(rows):
            f = _pick(want[:, label], want_rows, rng)
            fold[r] = f
            want[f] -= Y[r]
            want_rows[f] -= 1
            left -= remaining[r]
            remaining[r] = False
    for r in rng.permutation(np.flatnonzero(fold < 0)):  # rows with no code at all
        f = _pick(want_rows, want_rows, rng)
        fold[r] = f
        want_rows[f] -= 1
    return fold


def _pick(first: np.ndarray, second: np.ndarray, rng: np.random.Generator) -> int:
    best = np.flatnonzero(first == first.max())
    if len(best) > 1:
        best = best[second[best] == second[best].max()]
    return int(best[0] if len(best) == 1 else rng.choice(best))


def iterative_split(
    Y: np.ndarray, n_splits: int, *, random_state: int = 0
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(train rows, test rows) for each fold, as scikit-learn's splitters yield them."""
    fold = iterative_folds(Y, n_splits, random_state=random_state)
    for k in range(n_splits):
        yield np.flatnonzero(fold != k), np.flatnonzero(fold == k)
