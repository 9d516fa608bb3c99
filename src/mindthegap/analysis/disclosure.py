"""The disclosure audit: everything published about a population, and what a reader could work out from it.

A :class:`Ledger` records every count an output publishes — a table row, a number in a sentence, the "rest of
the trust" beside a group — and every group it hides, population by population, together with each
population's finest cells (the truth the audit measures against). :func:`audit` then acts as the reader:
for every group of 1 to ``min_n`` − 1 people in the population's cube that is not published, it finds by
linear programming the range of sizes consistent with everything published (the whole population's size is
taken as public and every empty group as known to be empty, which gives the reader more than any output
does). :func:`assert_no_disclosure` fails when a published count is small or wrong, or a hidden small group's
range is narrower than the protection width (or than the whole population, where that is smaller).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse

from mindthegap.analysis.cube import MISSING, Cube, Label, build_cube
from mindthegap.analysis.protection import Reader
from mindthegap.privacy import DEFAULT_MIN_N, default_protection_width


@dataclass(frozen=True)
class Entry:
    """One group as an output showed it: its count, or None where the output hid it.

    ``complement`` marks a count of everyone in the population *outside* the group (a one-versus-rest
    comparison's "rest").
    """

    population: str
    label: Label
    count: int | None
    output: str = ""
    complement: bool = False


@dataclass
class Ledger:
    """What a study's outputs published, and the populations they counted."""

    populations: dict[str, pd.DataFrame] = field(default_factory=dict)
    entries: list[Entry] = field(default_factory=list)

    def add_population(self, name: str, finest: pd.DataFrame) -> None:
        """Register a population by its finest cells (``finest_counts``); the same name twice must agree."""
        known = self.populations.get(name)
        if known is not None and not known.equals(finest):
            raise ValueError(f"population {name!r} was registered twice with different people")
        self.populations[name] = finest

    def record(
        self, population: str, label: Label, count: int | None, *, output: str = "", complement: bool = False
    ) -> None:
        if population not in self.populations:
            raise KeyError(f"population {population!r} is not registered with the ledger")
        value = None if count is None or pd.isna(count) else round(float(count))
        self.entries.append(Entry(population, tuple(label), value, output, complement))

    def frame(self) -> pd.DataFrame:
        """The ledger as a table: population, group, count (blank where hidden), output, complement."""
        return pd.DataFrame(
            [
                {"population": e.population, "group": describe(e.label), "count": e.count,
                 "output": e.output, "complement": e.complement}
                for e in self.entries
            ],
            columns=["population", "group", "count", "output", "complement"],
        )  # fmt: skip


def describe(label: Label) -> str:
    """A label as text: ``service=s1, level=local_frontline`` (or ``everyone``)."""
    if not label:
        return "everyone"
    return ", ".join(f"{d}={'(none)' if v == MISSING else v}" for d, v in label)


@dataclass
class AuditResult:
    """The audit's findings: one row per hidden small group with its feasible range, and any problems."""

    ranges: pd.DataFrame
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def audit(
    ledger: Ledger,
    *,
    min_n: int = DEFAULT_MIN_N,
    width: float | None = None,
    exact: bool = False,
    groupings: dict[str, Sequence[tuple[str, ...]]] | None = None,
) -> AuditResult:
    """Audit every population in ``ledger`` (see the module docstring).

    ``ranges`` has columns population, group, n (the true count), low, high and protected. Ranges of groups
    shown to be wide by two known solutions are not solved exactly unless ``exact``; ``low``/``high`` are
    then the known points' spread (still a proof of protection). ``groupings`` limits the cube audited per
    population (default: every grouping over its dimensions).
    """
    width = default_protection_width() if width is None else width
    problems: list[str] = []
    frames = []
    by_population: dict[str, list[Entry]] = {}
    for e in ledger.entries:
        by_population.setdefault(e.population, []).append(e)
    for name, entries in by_population.items():
        finest = ledger.populations[name]
        cube = build_cube(finest, (groupings or {}).get(name))
        rows, values, shown = _published(cube, entries, name, min_n, problems)
        targets = np.flatnonzero((cube.counts > 0) & (cube.counts < min_n) & ~shown)
        if len(targets) == 0:
            continue
        truth = finest["n"].to_numpy(dtype=float)
        A = sparse.vstack(rows).tocsr() if rows else sparse.csr_matrix((0, len(finest)))
        reader = Reader(A, np.array(values, dtype=float), truth)
        needed = min(width, float(cube.counts[cube.total]))  # no range is wider than the public total
        lo, hi = reader.ranges(cube.members[targets], needed, exact=exact)
        frame = pd.DataFrame(
            {
                "population": name,
                "group": [describe(cube.set_labels[t][0]) for t in targets],
                "n": cube.counts[targets],
                "low": lo,
                "high": hi,
            }
        )
        frame["protected"] = frame["high"] - frame["low"] >= needed - 1e-7
        for row in frame[~frame["protected"]].itertuples():
            problems.append(
                f"{name}: the hidden group {row.group} can be worked out to between {row.low:.4g} and "
                f"{row.high:.4g} people from what is published"
            )
        frames.append(frame)
    ranges = (
        pd.concat(frames, ignore_index=True)
        if frames
        else pd.DataFrame(columns=["population", "group", "n", "low", "high", "protected"])
    )
    return AuditResult(ranges=ranges, problems=problems)


def _published(
    cube: Cube, entries: list[Entry], name: str, min_n: int, problems: list[str]
) -> tuple[list, list, np.ndarray]:
    """The equations a reader holds for one population, checking each published count against the truth."""
    total_row = cube.members[[cube.total]]
    rows = [total_row]
    values = [float(cube.counts[cube.total])]
    shown = np.zeros(cube.n_sets, bool)
    shown[cube.total] = True
    seen: dict[tuple[Label, bool], int] = {}
    for e in entries:
        if e.count is None:
            continue
        label = tuple(e.label)
        sid = cube.set_of(label)
        true = 0 if sid is None else int(cube.counts[sid])
        if e.complement:
            true = int(cube.counts[cube.total]) - true
        what = ("everyone outside " if e.complement else "") + describe(label)
        if e.count != true:
            problems.append(
                f"{name}: {e.output or 'an output'} publishes {e.count} for {what}, but it holds {true}"
            )
            continue
        if 0 < e.count < min_n:
            problems.append(f"{name}: {e.output or 'an output'} publishes a group of {e.count} ({what})")
        if sid is None or (label, e.complement) in seen:
            continue  # an empty group (known to be empty anyway), or one already written down
        seen[(label, e.complement)] = e.count
        row = cube.members[[sid]]
        rows.append(total_row - row if e.complement else row)
        values.append(float(e.count))
        if not e.complement:
            shown[sid] = True
    return rows, values, shown


def assert_no_disclosure(
    ledger: Ledger, *, min_n: int = DEFAULT_MIN_N, width: float | None = None
) -> AuditResult:
    """Raise ``AssertionError`` naming the first problems :func:`audit` finds; return the audit otherwise."""
    result = audit(ledger, min_n=min_n, width=width)
    if result.problems:
        more = f" (and {len(result.problems) - 5} more)" if len(result.problems) > 5 else ""
        raise AssertionError("; ".join(result.problems[:5]) + more)
    return result


def table_ledger(
    original: pd.DataFrame,
    published: pd.DataFrame,
    *,
    by: Sequence[str],
    n_col: str = "n",
    name: str = "table",
) -> Ledger:
    """A ledger for one table: its populations are read from ``original`` (with every count), what it
    publishes from ``published`` (rows with ``suppressed`` True or a missing count are hidden).

    Columns of ``by`` that never hold "All" split the table into separate populations, one per value.
    """
    from mindthegap.analysis.suppression import ALL, SUPPRESSED, row_labels, table_finest

    by = list(by)
    keys = original[by].astype(str).reset_index(drop=True)
    rollable = [d for d in by if (keys[d] == ALL).any()]
    split = [d for d in by if d not in rollable]
    n_true = pd.to_numeric(original[n_col], errors="coerce").fillna(0).to_numpy(dtype=float)
    pub = published.reset_index(drop=True)
    hidden = pub[SUPPRESSED].astype(bool).to_numpy() if SUPPRESSED in pub else np.zeros(len(pub), bool)
    n_pub = pd.to_numeric(pub[n_col], errors="coerce").to_numpy(dtype=float)
    ledger = Ledger()
    slices = keys.groupby(split, sort=False).indices.items() if split else [((), np.arange(len(keys)))]
    for key, idx in slices:
        idx = np.asarray(idx)
        key = key if isinstance(key, tuple) else (key,)
        pop = name + "".join(f"|{d}={v}" for d, v in zip(split, key, strict=True))
        labels = row_labels(keys.iloc[idx], rollable)
        ledger.add_population(pop, table_finest(labels, n_true[idx], rollable))
        for i, label in zip(idx, labels, strict=True):
            count = None if hidden[i] or np.isnan(n_pub[i]) else int(n_pub[i])
            ledger.record(pop, label, count, output=name)
    return ledger


def audit_table(
    original: pd.DataFrame,
    published: pd.DataFrame,
    *,
    by: Sequence[str],
    n_col: str = "n",
    min_n: int = DEFAULT_MIN_N,
    width: float | None = None,
    exact: bool = False,
) -> AuditResult:
    """Audit one table on its own: :func:`audit` of :func:`table_ledger`."""
    ledger = table_ledger(original, published, by=by, n_col=n_col)
    return audit(ledger, min_n=min_n, width=width, exact=exact)


def assert_table_protected(
    original: pd.DataFrame,
    published: pd.DataFrame,
    *,
    by: Sequence[str],
    n_col: str = "n",
    min_n: int = DEFAULT_MIN_N,
    width: float | None = None,
) -> AuditResult:
    """Raise ``AssertionError`` if ``published`` (a suppressed copy of ``original``) discloses a small group."""
    result = audit_table(original, published, by=by, n_col=n_col, min_n=min_n, width=width)
    if result.problems:
        raise AssertionError("; ".join(result.problems[:5]))
    return result
