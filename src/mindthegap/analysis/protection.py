"""Protection intervals: what a reader can work out about a hidden group from everything published.

A reader who sees published counts knows a set of linear equations over the population's finest cells (each
published group's count is the sum of its cells; the whole population's count is public) and that no cell is
negative. A hidden group's *feasible range* is the smallest and largest count it can take under those
equations: linear programmes solved with HiGHS through :func:`scipy.optimize.linprog`. The range is an outer
bound — integrality is relaxed — so a narrow LP range is a certain disclosure and a wide one is at least as
wide as the reader's true uncertainty allows (for two-way tables the bounds are exact, the constraint matrix
being totally unimodular).

:func:`protect` decides which groups of one population are hidden: every group of 1 to ``min_n`` − 1 people
(primary suppression), then, along every line of the cube (a total and its parts on one dimension), further
groups until what a total leaves unaccounted for is nobody or at least ``min_n`` people (secondary
suppression, to a fixed point), then groups whose hiding widens the feasible range of a still-narrow small
group, chosen from the equations that pin it (the LP's dual values) until every small hidden group's range is
at least the protection width (or the whole population, where that is smaller: nothing can be wider).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import linprog

from mindthegap.analysis.cube import Cube

_EPS = 1e-7
_WITNESS_ROUNDS = 1  # random objectives tried before solving each narrow-looking group on its own


class Reader:
    """The polytope {x ≥ 0 : A x = b} of finest-cell counts consistent with what was published.

    ``truth`` (the actual counts) is one point of it; every LP solution found is another, and any two points
    prove a range at least as wide as their difference, which saves most exact solves.
    """

    def __init__(self, A: sparse.csr_matrix, b: np.ndarray, truth: np.ndarray) -> None:
        self.A = sparse.csr_matrix(A)
        self.b = np.asarray(b, dtype=float)
        self.points = [np.asarray(truth, dtype=float)]
        self.n_solves = 0
        self._stacked = np.vstack(self.points)

    def known(self) -> np.ndarray:
        """Every known point of the polytope, one per row (stacked once per new point, not once per use)."""
        if len(self._stacked) != len(self.points):
            self._stacked = np.vstack(self.points)
        return self._stacked

    def _solve(self, c: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        self.n_solves += 1
        if self.A.shape[0] == 0:  # nothing published: every cell is unbounded above
            return (0.0 if np.all(c >= 0) else -np.inf), self.points[0], np.zeros(0)
        res = linprog(c, A_eq=self.A, b_eq=self.b, bounds=(0, None), method="highs")
        if res.status == 3:  # unbounded
            return -np.inf, self.points[0], np.zeros(self.A.shape[0])
        if res.status != 0:
            raise RuntimeError(f"disclosure audit: the linear programme failed ({res.message})")
        self.points.append(res.x)
        return float(res.fun), res.x, np.asarray(res.eqlin.marginals, dtype=float)

    def exact(self, row: np.ndarray) -> tuple[float, float, np.ndarray, np.ndarray]:
        """Exact (LP) minimum and maximum of ``row · x``, with each solve's dual values."""
        lo, _, d_lo = self._solve(row)
        neg, _, d_hi = self._solve(-row)
        return lo, -neg, d_lo, d_hi

    def _lowest(self, row: np.ndarray) -> float:
        """Exact minimum of ``row · x``. A count (no negative weight) is never below 0, so a known point where
        it is 0 is already the minimum, without a solve."""
        if row.min() >= 0 and (self.known() @ row).min() <= _EPS:
            return 0.0
        return self._solve(row)[0]

    def wide_enough(self, row: np.ndarray, width: float) -> tuple[bool, np.ndarray]:
        """Is the range of ``row · x`` at least ``width``? Solves one side first and the other only if the
        known points do not already make up the difference; returns the dual values of the solves made."""
        values = self.known() @ row
        neg, _, d_hi = self._solve(-row)
        if -neg - values.min() >= width - _EPS:
            return True, d_hi
        lo, _, d_lo = self._solve(row)
        return -neg - lo >= width - _EPS, np.abs(d_hi) + np.abs(d_lo)

    def spreads(self, T: sparse.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
        """The lowest and highest value of each target row seen at any known point of the polytope."""
        values = T @ self.known().T
        return values.min(axis=1), values.max(axis=1)

    def explore(self, T: sparse.csr_matrix, seed: int = 0) -> None:
        """Add vertices that push the targets down and up together and in random directions."""
        if T.shape[0] == 0 or self.A.shape[0] == 0:
            return
        rng = np.random.default_rng(seed)
        weights = [np.ones(T.shape[0])] + [rng.normal(size=T.shape[0]) for _ in range(_WITNESS_ROUNDS)]
        for w in weights:
            c = np.asarray(T.T @ w).ravel()
            self._solve(c)
            self._solve(-c)

    def ranges(
        self, T: sparse.csr_matrix, width: float, *, exact: bool = False
    ) -> tuple[np.ndarray, np.ndarray]:
        """Feasible range of every target row; rows proven at least ``width`` wide by known points keep the
        spread between those points unless ``exact`` (then every row is solved). A row not yet proven wide has
        its maximum solved first, and its minimum only if the known points do not then make up the width, so a
        row reported narrower than ``width`` always has both ends exact."""
        self.explore(T)
        lo, hi = self.spreads(T)
        for i in range(T.shape[0]):
            if not exact:
                lo_i, hi_i = self.spreads(T[i])
                lo[i], hi[i] = lo_i[0], hi_i[0]
                if hi[i] - lo[i] >= width - _EPS:
                    continue
            row = T[i].toarray().ravel()
            hi[i] = -self._solve(-row)[0]
            if not exact:
                lo[i] = (self.known() @ row).min()
                if hi[i] - lo[i] >= width - _EPS:
                    continue
            lo[i] = self._lowest(row)
        return lo, hi


@dataclass
class Protection:
    """Which sets of a cube are hidden, and how many were hidden at each stage."""

    hidden: np.ndarray
    primary: int
    secondary: int
    by_audit: int
    unprotected: list[int]


def line_rule(cube: Cube, hidden: np.ndarray, hideable: np.ndarray, min_n: int) -> np.ndarray:
    """Hide parts until no published total leaves 1 to ``min_n`` − 1 people unaccounted for, to a fixed point.

    What a reader can work out from a line is the total minus the parts shown: the hidden parts together,
    plus anyone no part covers. Where that residual is small, the smallest shown part goes too; where no part
    is left, the total goes (never the whole population, which is public).
    """
    hidden = hidden.copy()
    n = cube.counts
    changed = True
    while changed:
        changed = False
        for total, parts in cube.lines:
            if hidden[total]:
                continue
            shown = parts[~hidden[parts]]
            residual = n[total] - n[shown].sum()
            while 0 < residual < min_n:
                candidates = shown[hideable[shown]]
                if len(candidates) == 0:
                    if hideable[total]:
                        hidden[total] = True
                        changed = True
                    break
                pick = candidates[np.lexsort((candidates, n[candidates]))[0]]
                hidden[pick] = True
                changed = True
                shown = parts[~hidden[parts]]
                residual = n[total] - n[shown].sum()
    return hidden


def protect(
    cube: Cube,
    *,
    min_n: int,
    width: float,
    hidden: np.ndarray | None = None,
    hideable: np.ndarray | None = None,
) -> Protection:
    """Decide which sets of ``cube`` are hidden (see the module docstring).

    ``hidden`` marks sets that must be hidden whatever their size (a group hidden in the population this one
    is drawn from; a group no output can print). ``hideable`` marks sets that may be hidden to protect others
    (default: all but the whole population).
    """
    n = cube.counts
    start = np.zeros(cube.n_sets, bool) if hidden is None else hidden.copy()
    sensitive = (n > 0) & (n < min_n)
    start |= sensitive
    if hideable is None:
        hideable = np.ones(cube.n_sets, bool)
    hideable = hideable.copy()
    hideable[cube.total] = False
    lined = line_rule(cube, start, hideable, min_n)
    hidden_now, unprotected = _tighten(cube, lined, hideable, sensitive, width)
    primary = int(sensitive.sum())
    return Protection(
        hidden=hidden_now,
        primary=primary,
        secondary=int(lined.sum() - start.sum()),
        by_audit=int(hidden_now.sum() - lined.sum()),
        unprotected=unprotected,
    )


def _tighten(
    cube: Cube, hidden: np.ndarray, hideable: np.ndarray, sensitive: np.ndarray, width: float
) -> tuple[np.ndarray, list[int]]:
    """Hide one more published set at a time until every small hidden set's LP range is ``width`` wide."""
    hidden = hidden.copy()
    targets = np.flatnonzero(sensitive & hidden)
    # no range can be wider than the whole population, whose size is public
    width = min(width, float(cube.counts[cube.total]))
    if len(targets) == 0 or width <= 0:
        return hidden, []
    truth = cube.finest["n"].to_numpy(dtype=float)
    M = cube.members

    def reader() -> tuple[Reader, np.ndarray]:
        published = ~hidden
        published[cube.total] = True  # the population's size is public
        rows = np.flatnonzero(published)
        r = Reader(M[rows], cube.counts[rows], truth)
        r.points.extend(points)
        return r, rows

    points: list[np.ndarray] = []
    r, rows = reader()
    r.explore(M[targets])
    points = r.points[1:]
    unprotected = []
    for t in targets:
        lo, hi = r.spreads(M[[t]])
        if hi[0] - lo[0] >= width - _EPS:
            continue
        row = M[t].toarray().ravel()
        while True:
            wide, duals = r.wide_enough(row, width)
            points = r.points[1:]
            if wide:
                break
            pick = _relax(cube, rows, duals, hidden, hideable, row)
            if pick is None:
                unprotected.append(int(t))
                break
            hidden[pick] = True
            r, rows = reader()
    return hidden, unprotected


def _relax(
    cube: Cube,
    rows: np.ndarray,
    duals: np.ndarray,
    hidden: np.ndarray,
    hideable: np.ndarray,
    target_row: np.ndarray,
) -> int | None:
    """The published set to hide next: the smallest one whose equation pins the target (non-zero dual value),
    else the smallest published set sharing a finest cell with it."""
    n = cube.counts
    binding = rows[np.abs(duals) > 1e-9] if len(duals) else rows[:0]
    candidates = binding[hideable[binding] & ~hidden[binding]]
    if len(candidates) == 0:
        overlap = np.flatnonzero(np.asarray(cube.members @ target_row).ravel() > 0)
        candidates = overlap[hideable[overlap] & ~hidden[overlap]]
    if len(candidates) == 0:
        return None
    return int(candidates[np.lexsort((candidates, n[candidates]))[0]])
