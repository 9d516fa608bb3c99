"""The cube of groups a population can be counted in: every grouping over its dimensions, with every margin.

A *population* is a set of people (or other units) that outputs count, each described by the same grouping
dimensions (level, service, discipline, …). Its *finest cells* are the people counted by every dimension at
once; every group an output can publish — a service, a service within a level, the whole population — is a
union of finest cells. Groups that hold exactly the same people (a team and the team within its service)
are one *set*: publishing either publishes both, so decisions are made per set.

A group is written as a *label*: a tuple of ``(dimension, value)`` pairs in the cube's dimension order, the
empty tuple being the whole population. A missing value is the category :data:`MISSING` (people without a
service are a group like any other, whether or not an output prints their row).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
import pandas as pd
from scipy import sparse

MISSING = "\x00missing"
"""The category of a missing value (no service, no discipline recorded)."""

Label = tuple[tuple[str, str], ...]


def all_groupings(dims: Sequence[str]) -> list[tuple[str, ...]]:
    """Every grouping over ``dims``: all subsets, the whole population first, the finest last."""
    return [g for r in range(len(dims) + 1) for g in combinations(tuple(dims), r)]


def make_label(group: Mapping[str, object], dims: Sequence[str]) -> Label:
    """The label of a group given as ``{dimension: value}`` (dimensions not named are totalled over)."""
    unknown = [d for d in group if d not in dims]
    if unknown:
        raise KeyError(f"not a dimension of this population: {', '.join(map(str, unknown))}")
    return tuple((d, _category(group[d])) for d in dims if d in group)


def _category(value: object) -> str:  # one value; columns go through categories()
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return MISSING
    return str(value)


def categories(values: pd.Series) -> np.ndarray:
    """A column's values as category strings, :data:`MISSING` for a missing value."""
    out = values.astype(object).to_numpy(copy=True)
    missing = pd.isna(values).to_numpy()
    out[missing] = MISSING
    return out.astype(str)


def finest_counts(units: pd.DataFrame, dims: Sequence[str]) -> pd.DataFrame:
    """Count units in every finest cell: one row per non-empty combination of ``dims``, column ``n``."""
    if not dims:
        return pd.DataFrame({"n": [len(units)]}) if len(units) else pd.DataFrame({"n": []}, dtype=int)
    columns = [categories(units[d]) if d in units else np.full(len(units), MISSING) for d in dims]
    # counted in plain Python (a dict of tuples), sorted as a groupby sorts: a study's plan counts hundreds
    # of small populations, where pandas' groupby costs far more than the counting itself
    cells = Counter(zip(*(c.tolist() for c in columns), strict=True))
    keys = sorted(cells)
    frame = pd.DataFrame(
        {d: np.array([k[i] for k in keys], dtype=str) for i, d in enumerate(dims)}
        if keys
        else {d: np.array([], dtype=str) for d in dims}
    )
    frame["n"] = np.array([cells[k] for k in keys], dtype=np.int64)
    return frame


@dataclass
class Cube:
    """The groups of a population and which finest cells each holds.

    ``members`` is a sparse 0/1 matrix, sets × finest cells. ``labels`` maps every non-empty group's label
    to its set; ``set_labels`` lists each set's labels. ``lines`` are the additive relations a reader can use
    for subtraction: a total set and the disjoint sets it splits into along one dimension.
    """

    dims: tuple[str, ...]
    finest: pd.DataFrame
    counts: np.ndarray
    members: sparse.csr_matrix
    labels: dict[Label, int]
    set_labels: list[list[Label]]
    lines: list[tuple[int, np.ndarray]]
    total: int
    groupings: list[tuple[str, ...]] = field(default_factory=list)

    @property
    def n_sets(self) -> int:
        return len(self.set_labels)

    def set_of(self, label: Label) -> int | None:
        """The set a label names, or None for a group with nobody in it."""
        return self.labels.get(label)


def build_cube(finest: pd.DataFrame, groupings: Iterable[tuple[str, ...]] | None = None) -> Cube:
    """The cube over ``finest`` (as :func:`finest_counts` returns) for ``groupings`` (default: all)."""
    dims = tuple(c for c in finest.columns if c != "n")
    groupings = (
        all_groupings(dims) if groupings is None else [tuple(d for d in dims if d in g) for g in groupings]
    )
    groupings = list(dict.fromkeys(groupings))
    if () not in groupings:
        groupings.insert(0, ())
    n_fine = len(finest)
    fine_n = finest["n"].to_numpy(dtype=np.int64)
    signature: dict[bytes, int] = {}
    labels: dict[Label, int] = {}
    set_labels: list[list[Label]] = []
    set_members: list[np.ndarray] = []
    values = {d: finest[d].to_numpy(dtype=str) for d in dims}
    codes = {d: np.unique(values[d], return_inverse=True) for d in dims}
    for gset in groupings:
        for key, idx in _groups(gset, codes, n_fine):
            sig = idx.tobytes()
            sid = signature.get(sig)
            if sid is None:
                sid = signature[sig] = len(set_members)
                set_members.append(idx)
                set_labels.append([])
            label = tuple(zip(gset, key, strict=True))
            labels[label] = sid
            set_labels[sid].append(label)
    rows = np.concatenate([np.full(len(m), i) for i, m in enumerate(set_members)]) if set_members else []
    cols = np.concatenate(set_members) if set_members else []
    members = sparse.csr_matrix(
        (np.ones(len(rows)), (rows, cols)), shape=(len(set_members), n_fine), dtype=np.float64
    )
    counts = np.array([fine_n[m].sum() for m in set_members], dtype=np.int64)
    lines = _lines(groupings, labels)
    return Cube(
        dims=dims,
        finest=finest.reset_index(drop=True),
        counts=counts,
        members=members,
        labels=labels,
        set_labels=set_labels,
        lines=lines,
        total=labels[()],
        groupings=groupings,
    )


def _groups(gset: tuple[str, ...], codes: dict, n_fine: int):
    """The finest cells of each group of ``gset``, as (key, sorted indices), keys in sorted order."""
    if not gset:
        yield (), np.arange(n_fine, dtype=np.int64)
        return
    matrix = np.column_stack([codes[d][1] for d in gset])
    keys, inverse = np.unique(matrix, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    order = np.argsort(inverse, kind="stable")
    bounds = np.searchsorted(inverse[order], np.arange(len(keys) + 1))
    for g, key in enumerate(keys):
        label = tuple(str(codes[d][0][k]) for d, k in zip(gset, key, strict=True))
        yield label, order[bounds[g] : bounds[g + 1]].astype(np.int64)


def _lines(groupings: list[tuple[str, ...]], labels: dict[Label, int]) -> list[tuple[int, np.ndarray]]:
    """Every total and the parts it splits into along one dimension, where both groupings are in the cube."""
    present = set(groupings)
    parts_of: dict[tuple[int, str], set[int]] = {}
    for label, sid in labels.items():
        gset = tuple(d for d, _ in label)
        for i, (d, _) in enumerate(label):
            parent_gset = gset[:i] + gset[i + 1 :]
            if parent_gset not in present:
                continue
            parent = labels[label[:i] + label[i + 1 :]]
            parts_of.setdefault((parent, d), set()).add(sid)
    seen = set()
    lines = []
    for (parent, _), parts in sorted(parts_of.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        parts.discard(parent)  # a slice holding one category is the total itself: nothing to subtract
        if not parts:
            continue
        key = (parent, tuple(sorted(parts)))
        if key in seen:
            continue
        seen.add(key)
        lines.append((parent, np.array(key[1], dtype=np.int64)))
    return lines
