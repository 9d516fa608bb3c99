"""The publication plan: which groups of each population a study may publish, decided once for every output.

Tables drawn from one population are linked: a reader can subtract a count in one table from a count in
another, across groupings, pages and exports. So no output decides on its own what to hide. A
:class:`PublicationPlan` holds a study's populations — the roster of consenting participants, and the people
each output counts (who rated principles in a wave, who answered every item of a construct, who answered in
both waves…) — and decides, once per population and over the whole cube of the study's grouping dimensions
with all their margins, which groups may be published (:func:`mindthegap.analysis.protection.protect`).
A population drawn from another (every population is drawn from the roster) starts with everything the other
hides, so overlapping populations cannot be differenced; two populations holding the same people get the
same decision.

Every output asks the plan: :func:`apply_plan` suppresses a grouped table by it, :meth:`PublicationPlan.count`
gives a number for prose (or None), and both write what they publish to the plan's
:class:`~mindthegap.analysis.disclosure.Ledger`, which :func:`~mindthegap.analysis.disclosure.audit` checks by
linear programming.
"""

from __future__ import annotations

import hashlib
import threading
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from mindthegap.analysis.cube import Cube, Label, build_cube, finest_counts, make_label
from mindthegap.analysis.disclosure import Ledger
from mindthegap.analysis.protection import protect
from mindthegap.analysis.suppression import ALL, blank_hidden
from mindthegap.privacy import DEFAULT_MIN_N, default_protection_width, validate_min_n

STUDY_DIMS = ("level", "service", "discipline", "team", "role")
"""The grouping dimensions of a study's people: every output groups by some of these."""

ROSTER = "participants"
"""The population every other one is drawn from: the study's consenting participants."""


_DECIDED: dict[tuple, Decision] = {}
_DECIDED_LOCK = threading.Lock()
_DECIDED_KEPT = (
    512  # decisions depend only on the counts, the seed and the settings, so any plan may reuse them
)


class PlanMismatch(UserWarning):
    """An output counted a group differently from the population it names; its rows were hidden."""


def population_name(kind: str, **parts: object) -> str:
    """A population's name: its kind and what selects it, e.g. ``values_practice|principle=safe|wave=w1``."""
    return kind + "".join(f"|{k}={parts[k]}" for k in sorted(parts) if parts[k] is not None)


@dataclass
class Decision:
    """One population's cube and which of its sets are hidden."""

    cube: Cube
    hidden: np.ndarray

    def hidden_labels(self) -> set[Label]:
        return set(self._hidden_labels())

    def _hidden_labels(self) -> frozenset[Label]:
        """The hidden labels, worked out once: a decision never changes after it is made (asked for by
        every population drawn from this one, and by every total they are asked for)."""
        found = self.__dict__.get("_hidden_cache")
        if found is None:
            found = frozenset(
                label for sid in np.flatnonzero(self.hidden) for label in self.cube.set_labels[sid]
            )
            self.__dict__["_hidden_cache"] = found
        return found


class PublicationPlan:
    """The groups a study may publish, population by population (see the module docstring).

    ``roster``: one row per consenting participant with ``id_col`` and the grouping dimensions; it is the
    population :data:`ROSTER` and the parent of every population registered without another. Without a
    roster (a file analysed on its own) populations carry their own dimensions and have no parent.
    """

    def __init__(
        self,
        roster: pd.DataFrame | None = None,
        *,
        id_col: str = "participant_id",
        dims: Sequence[str] = STUDY_DIMS,
        min_n: int = DEFAULT_MIN_N,
        width: float | None = None,
    ) -> None:
        self.min_n = validate_min_n(min_n)
        self.width = default_protection_width() if width is None else width
        self.id_col = id_col
        self.dims = tuple(d for d in dims if roster is None or d in roster.columns)
        self.ledger = Ledger()
        self._dims: dict[str, tuple[str, ...]] = {}
        self._parent: dict[str, str | None] = {}
        self._decisions: dict[str, Decision] = {}
        self._by_content: dict[tuple, Decision] = {}
        self.roster: pd.DataFrame | None = None
        if roster is not None:
            people = roster.drop_duplicates(id_col).set_index(id_col)
            self.roster = people[list(self.dims)]
            self.register(ROSTER, self.roster.reset_index(), parent=None)

    @classmethod
    def for_frame(
        cls,
        frame: pd.DataFrame,
        *,
        id_col: str | None = "participant_id",
        dims: Sequence[str] = (),
        min_n: int = DEFAULT_MIN_N,
        width: float | None = None,
    ) -> PublicationPlan:
        """A plan for a file analysed on its own: the people in it (first row of each id) are the roster,
        grouped by the study dimensions the file has and any others named in ``dims``."""
        wanted = [*[d for d in STUDY_DIMS if d in frame.columns], *[d for d in dims if d not in STUDY_DIMS]]
        people = frame.reset_index(drop=True)
        if id_col is None or id_col not in people.columns:
            people = people.assign(_row=np.arange(len(people)))
            id_col = "_row"
        return cls(people[[id_col, *wanted]], id_col=id_col, dims=wanted, min_n=min_n, width=width)

    # -- populations ---------------------------------------------------------------------------------------

    def register(
        self,
        name: str,
        people: pd.DataFrame | Iterable[object],
        *,
        parent: str | None = ROSTER,
        dims: Sequence[str] | None = None,
    ) -> str:
        """Register the population ``name``: ``people`` is a frame with ``id_col`` (and the dimensions, else
        they are looked up in the roster) or the ids alone. Registering a name again with other people is an
        error; with the same people it does nothing."""
        dims = self.dims if dims is None else tuple(dims)
        if not isinstance(people, pd.DataFrame):
            people = pd.DataFrame({self.id_col: list(people)})
        units = people.drop_duplicates(self.id_col) if self.id_col in people else people
        if any(d not in units.columns for d in dims):
            if self.roster is None or self.id_col not in units:
                raise KeyError(f"population {name!r} lacks the dimensions {', '.join(dims)}")
            ids = units[self.id_col]
            unknown = ids[~ids.isin(self.roster.index)]
            if len(unknown):
                raise KeyError(f"population {name!r} counts someone who is not a participant")
            units = self.roster.loc[ids, list(dims)]
        if parent is not None and parent not in self._dims:
            parent = None
        finest = finest_counts(units, dims)
        self.ledger.add_population(name, finest)
        self._dims[name] = dims
        self._parent[name] = parent if name != parent else None
        return name

    def has(self, name: str) -> bool:
        return name in self._dims

    def population_dims(self, name: str) -> tuple[str, ...]:
        return self._dims[name]

    def decision(self, name: str) -> Decision:
        """The population's decision, made on first use (its parent's first)."""
        if name in self._decisions:
            return self._decisions[name]
        if name not in self._dims:
            raise KeyError(f"population {name!r} is not registered with the publication plan")
        finest = self.ledger.populations[name]
        parent = self._parent[name]
        seed = self.decision(parent)._hidden_labels() if parent else frozenset()
        key = (_fingerprint(finest), self._dims[name], _fingerprint_labels(seed), self.min_n, self.width)
        decided = self._by_content.get(key) or _DECIDED.get(key)
        if decided is None:
            cube = build_cube(finest)
            start = np.zeros(cube.n_sets, bool)
            for label in seed:
                sid = cube.set_of(label)
                if sid is not None:
                    start[sid] = True
            protection = protect(cube, min_n=self.min_n, width=self.width, hidden=start)
            decided = Decision(cube, protection.hidden)
            with _DECIDED_LOCK:  # a web server's threads build dashboards side by side
                _DECIDED[key] = decided
                while (
                    len(_DECIDED) > _DECIDED_KEPT
                ):  # dashboards rebuilt on every view reuse recent decisions
                    _DECIDED.pop(next(iter(_DECIDED)))
        self._by_content[key] = decided
        self._decisions[name] = decided
        return decided

    # -- questions outputs ask -----------------------------------------------------------------------------

    def label(self, name: str, group: Mapping[str, object]) -> Label:
        return make_label(group, self._dims[name])

    def allows(self, name: str, group: Mapping[str, object] | Label) -> bool:
        """May the group (``{"service": "s1"}``; dimensions not named are totalled over) be published?
        A group with nobody in it may: it has no row, and a reader knows it is empty."""
        label = group if isinstance(group, tuple) else self.label(name, group)
        if label == () and name not in self._decisions:
            return not self._everyone_hidden(name)  # the whole population: no need to decide the rest
        decision = self.decision(name)
        sid = decision.cube.set_of(label)
        return sid is None or not decision.hidden[sid]

    def _everyone_hidden(self, name: str) -> bool:
        """Is the whole population hidden? Only when it is small, or is exactly a group its parent hides
        (every other group's fate needs the full decision; this one never changes in it)."""
        finest = self.ledger.populations[name]
        total = int(finest["n"].sum())
        if 0 < total < self.min_n:
            return True
        parent = self._parent[name]
        if parent is None or total == 0:
            return False
        # the population is exactly a group ``label`` when every dimension the label names holds one value
        # throughout it (its finest cells are category strings, never missing), and that value is the label's
        constant = {
            d: values[0]
            for d in finest.columns
            if d != "n" and len(values := finest[d].unique()) == 1 and not pd.isna(values[0])
        }
        return any(
            all(d in constant and constant[d] == v for d, v in label)
            for label in self.decision(parent)._hidden_labels()
        )

    def true_count(self, name: str, group: Mapping[str, object] | Label) -> int:
        label = group if isinstance(group, tuple) else self.label(name, group)
        if label == ():
            return int(self.ledger.populations[name]["n"].sum())
        decision = self.decision(name)
        sid = decision.cube.set_of(label)
        return 0 if sid is None else int(decision.cube.counts[sid])

    def count(self, name: str, group: Mapping[str, object] | None = None, *, output: str = "") -> int | None:
        """The group's size for prose, or None where it is hidden (or smaller than ``min_n``); recorded.

        Ask for ``{}`` for the whole population: it too is hidden where it is the same people as a group the
        population's parent hides (staff who answered a survey, when the roster hides its staff total)."""
        label = self.label(name, group or {})
        n = self.true_count(name, label)
        shown = self.allows(name, label) and (n == 0 or n >= self.min_n)
        self.ledger.record(name, label, n if shown else None, output=output)
        return n if shown else None


def _fingerprint(frame: pd.DataFrame) -> str:
    return hashlib.sha1(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes()).hexdigest()


def _fingerprint_labels(labels: set[Label] | frozenset[Label]) -> str:
    return hashlib.sha1(repr(sorted(labels)).encode()).hexdigest()


PopulationOf = str | Callable[[dict[str, object]], str]


def apply_plan(
    table: pd.DataFrame,
    plan: PublicationPlan,
    counts: Mapping[str, PopulationOf],
    *,
    by: Sequence[str],
    keep: Sequence[str] = (),
    complements: Mapping[str, str] | None = None,
    missing: Mapping[str, str] | None = None,
    output: str = "",
) -> pd.DataFrame:
    """Suppress a grouped table by the plan, and record what it publishes.

    ``counts`` maps each column counting people to its population: a name, or a function of the row (its
    values in ``by``) for tables whose rows come from several populations (a principle, a wave, a construct).
    Rows marked :data:`ALL` in a dimension are totals over it. A row is hidden when any of its groups is
    hidden by the plan or smaller than the threshold; hidden rows are blanked as
    :func:`~mindthegap.analysis.suppression.suppress` does. ``complements`` maps a column holding "everyone
    else" (a one-versus-rest comparison's rest) to the count column it complements. ``missing`` maps a
    dimension to the text the table shows for a missing value (e.g. ``{"service": "not applicable"}``).
    A count that differs from the plan's for its group means the output counted other people than its
    population: every row of that population is hidden and :class:`PlanMismatch` is warned.
    """
    by = list(by)
    out = table.reset_index(drop=True)
    hidden = np.zeros(len(out), bool)
    records: list[tuple[str, Label, str, int]] = []
    rows = out[by].to_dict(orient="records") if len(out) else []
    for col, population in counts.items():
        wrong = _hide_by_plan(plan, out, col, population, rows, records, hidden, complements, missing)
        if wrong:
            warnings.warn(
                f"{col!r} does not count the people of {', '.join(sorted(wrong))}; its rows are suppressed",
                PlanMismatch,
                stacklevel=2,
            )
            for name, _, c, i in records:
                if c == col and name in wrong:
                    hidden[i] = True
    result = blank_hidden(out, hidden, protected=[*by, *keep])
    result.index = table.index
    _record_published(plan, out, records, hidden, complements, output)
    return result


def _hide_by_plan(
    plan: PublicationPlan,
    out: pd.DataFrame,
    col: str,
    population: PopulationOf,
    rows: list[dict],
    records: list[tuple[str, Label, str, int]],
    hidden: np.ndarray,
    complements: Mapping[str, str] | None,
    missing: Mapping[str, str] | None,
) -> set[str]:
    """Mark in ``hidden`` the rows whose count in ``col`` is small or whose group the plan hides, add each
    row's (population, label, column, row) to ``records``, and return the populations ``col`` miscounts."""
    n = pd.to_numeric(out[col], errors="coerce").fillna(0).to_numpy(dtype=float)
    hidden |= n < plan.min_n
    wrong: set[str] = set()
    for i, row in enumerate(rows):
        name = population if isinstance(population, str) else population(row)
        label = _row_label(plan, name, row, missing or {})
        records.append((name, label, col, i))
        if not plan.allows(name, label):
            hidden[i] = True
        elif plan.true_count(name, label) != round(n[i]):
            wrong.add(name)
    for col_rest, of in (complements or {}).items():
        if of == col:
            wrong |= _check_complements(plan, out, col_rest, records, col, hidden)
    return wrong


def _record_published(
    plan: PublicationPlan,
    out: pd.DataFrame,
    records: list[tuple[str, Label, str, int]],
    hidden: np.ndarray,
    complements: Mapping[str, str] | None,
    output: str,
) -> None:
    """Write to the plan's ledger every count the table publishes (None where hidden), and each rest shown."""
    for name, label, col, i in records:
        plan.ledger.record(name, label, None if hidden[i] else out.at[i, col], output=output or col)
        for col_rest, of in (complements or {}).items():
            if of == col and not hidden[i]:
                plan.ledger.record(
                    name, label, out.at[i, col_rest], output=output or col_rest, complement=True
                )


def _row_label(plan: PublicationPlan, name: str, row: dict, missing: Mapping[str, str]) -> Label:
    group = {}
    for d in plan.population_dims(name):
        if d in row and str(row[d]) != ALL:
            value = row[d]
            group[d] = None if d in missing and value == missing[d] else value
    return plan.label(name, group)


def _check_complements(
    plan: PublicationPlan, out: pd.DataFrame, col_rest: str, records: list, of: str, hidden: np.ndarray
) -> set[str]:
    """Hide rows whose "rest" is a small group; return populations whose rest is not total − group."""
    wrong = set()
    rest = pd.to_numeric(out[col_rest], errors="coerce").fillna(0).to_numpy(dtype=float)
    for name, label, col, i in records:
        if col != of or hidden[i]:
            continue
        true_rest = plan.true_count(name, ()) - plan.true_count(name, label)
        if round(rest[i]) != true_rest:
            wrong.add(name)
        elif 0 < true_rest < plan.min_n:
            hidden[i] = True
    return wrong
