"""Small-number suppression of a single table: primary, secondary along lines, and the LP protection audit."""

from itertools import product

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mindthegap.analysis.cube import MISSING
from mindthegap.analysis.disclosure import assert_table_protected, audit_table
from mindthegap.analysis.suppression import ALL, HIDDEN, row_labels, suppress, table_finest


def test_group_of_ten_is_hidden_and_eleven_is_shown():
    table = pd.DataFrame({"service": ["a", "b"], "n": [10, 11], "mean": [3.0, 4.0]})
    out = suppress(table, by=["service"], min_n=11)
    assert out["suppressed"].tolist() == [True, False]
    assert pd.isna(out.loc[0, "n"]) and pd.isna(out.loc[0, "mean"])
    assert out.loc[1, "n"] == 11 and out.loc[1, "mean"] == 4.0
    assert out.loc[0, "service"] == "a"  # the key stays so a reader sees the group was suppressed


def test_secondary_cell_protects_a_group_in_a_published_total():
    """Total 60 = 30 + 21 + 9: hiding only the 9 lets it be recovered as 60 − 30 − 21."""
    table = pd.DataFrame(
        {"service": ["a", "b", "c", ALL], "n": [30, 21, 9, 60], "mean": [3.0, 3.5, 2.0, 3.1]}
    )
    out = suppress(table, by=["service"], min_n=11)
    assert out["suppressed"].tolist() == [False, True, True, False]
    assert_table_protected(table, out, by=["service"], min_n=11)


def test_every_hidden_row_gives_the_same_reason():
    """Saying which hidden row is small and which protects it would point at the small one."""
    table = pd.DataFrame({"service": ["a", "b", "c", ALL], "n": [30, 21, 9, 60]})
    out = suppress(table, by=["service"], min_n=11)
    reasons = out.loc[out["suppressed"], "suppression_reason"]
    assert reasons.tolist() == [HIDDEN, HIDDEN] == ["suppressed", "suppressed"]
    assert out.loc[~out["suppressed"], "suppression_reason"].isna().all()


def test_total_stands_when_the_residual_mixes_the_hidden_part_with_others():
    """Total 20 with one part of 5: the residual 20 mixes the 5 with 15 people in no part, so it is safe."""
    table = pd.DataFrame({"service": ["a", ALL], "n": [5, 20], "mean": [3.0, 3.2]})
    out = suppress(table, by=["service"], min_n=11)
    assert out["suppressed"].tolist() == [True, False]
    assert_table_protected(table, out, by=["service"], min_n=11)


def test_total_is_hidden_when_no_part_is_left_to_hide():
    """Total 15 = 5 + 10: both parts are small and hidden; their sum 15 may stand. Total 8 with a single part
    of 8 is itself small and hidden."""
    table = pd.DataFrame({"service": ["a", "b", ALL], "n": [5, 10, 15]})
    out = suppress(table, by=["service"], min_n=11)
    assert out["suppressed"].tolist() == [True, True, False]
    single = suppress(pd.DataFrame({"service": ["a", ALL], "n": [8, 8]}), by=["service"], min_n=11)
    assert single["suppressed"].tolist() == [True, True]


def test_people_missing_from_the_parts_count_as_a_recoverable_group():
    """Total 40 over parts 20 + 15: the 5 people with no service could be recovered by subtraction."""
    table = pd.DataFrame({"service": ["a", "b", ALL], "n": [20, 15, 40], "mean": [3.0, 3.5, 3.1]})
    out = suppress(table, by=["service"], min_n=11)
    assert out["suppressed"].sum() >= 1
    assert_table_protected(table, out, by=["service"], min_n=11)


def test_threshold_is_configurable():
    table = pd.DataFrame({"service": ["a", "b"], "n": [4, 6]})
    assert suppress(table, by=["service"], min_n=5)["suppressed"].tolist() == [True, False]
    with pytest.raises(Exception, match="1 or more"):
        suppress(table, by=["service"], min_n=0)


def _cube(counts: np.ndarray, a: str = "a", b: str = "b") -> pd.DataFrame:
    """A two-way table with all margins, as a cube query would produce."""
    rows = []
    n_a, n_b = counts.shape
    for i in range(n_a):
        for j in range(n_b):
            rows.append((f"{a}{i + 1}", f"{b}{j + 1}", counts[i, j]))
        rows.append((f"{a}{i + 1}", ALL, counts[i].sum()))
    for j in range(n_b):
        rows.append((ALL, f"{b}{j + 1}", counts[:, j].sum()))
    rows.append((ALL, ALL, counts.sum()))
    return pd.DataFrame(rows, columns=[a, b, "n"]).assign(mean=1.0)


THREE_BY_THREE = np.array([[5, 20, 30], [25, 40, 35], [30, 35, 40]])


def _value(table: pd.DataFrame, s: str, d: str) -> float | None:
    row = table[(table["s"] == s) & (table["d"] == d)].iloc[0]
    return None if row["suppressed"] else float(row["n"])


def test_three_by_three_table_does_not_give_away_its_small_cell_by_two_subtractions():
    """5 people in S1/D1. Hiding S1/D1, S1/D2 and S2/D1 (a cell per line) is not enough: column D2 gives
    S1/D2 = 95 − 25 − 50 = 20, then row S1 gives S1/D1 = 55 − 20 − 30 = 5. Reference: that chain by hand, and
    the exact feasible range of S1/D1 by linear programming."""
    table = _cube(THREE_BY_THREE, "s", "d")
    out = suppress(table, by=["s", "d"], min_n=11)
    assert _value(out, "s1", "d1") is None
    # the reader's chain: fill any line with a single unknown from its total, until nothing changes
    known = {(s, d): _value(out, s, d) for s, d in product(["s1", "s2", "s3", ALL], ["d1", "d2", "d3", ALL])}
    changed = True
    while changed:
        changed = False
        for line in [[(s, d) for d in ("d1", "d2", "d3")] + [(s, ALL)] for s in ("s1", "s2", "s3", ALL)] + [
            [(s, d) for s in ("s1", "s2", "s3")] + [(ALL, d)] for d in ("d1", "d2", "d3", ALL)
        ]:
            *parts, total = line
            unknown = [c for c in parts if known[c] is None]
            if known[total] is not None and len(unknown) == 1:
                known[unknown[0]] = known[total] - sum(known[c] for c in parts if c != unknown[0])
                changed = True
    assert known[("s1", "d1")] is None
    result = audit_table(table, out, by=["s", "d"], min_n=11, width=5, exact=True)
    s1d1 = result.ranges[result.ranges["group"] == "s=s1, d=d1"].iloc[0]
    assert s1d1["high"] - s1d1["low"] >= 5


def _brute_force_range(counts: np.ndarray, hidden: np.ndarray, cell: tuple[int, int]) -> tuple[int, int]:
    """Every non-negative integer table with the published cells and all margins of ``counts``: the range
    of ``cell`` among them (enumerated, no LP)."""
    free = list(zip(*np.nonzero(hidden), strict=True))
    rows, cols = counts.sum(axis=1), counts.sum(axis=0)
    ranges = [range(int(min(rows[i], cols[j])) + 1) for i, j in free]
    lo, hi = None, None
    for values in product(*ranges):
        trial = counts.copy()
        for (i, j), v in zip(free, values, strict=True):
            trial[i, j] = v
        if (trial.sum(axis=1) == rows).all() and (trial.sum(axis=0) == cols).all():
            v = trial[cell]
            lo, hi = (v if lo is None else min(lo, v)), (v if hi is None else max(hi, v))
    return lo, hi


@pytest.mark.parametrize("seed", range(6))
def test_lp_ranges_match_exhaustive_enumeration(seed):
    """Reference: enumeration of every integer table consistent with what is published (two-way tables are
    totally unimodular, so LP and integer ranges coincide)."""
    rng = np.random.default_rng(seed)
    counts = rng.integers(1, 7, size=(2, 3))
    hidden = np.zeros_like(counts, dtype=bool)
    hidden[0, 0] = hidden[0, 1] = hidden[1, 0] = hidden[1, 1] = True
    table = _cube(counts)
    published = table.copy()
    published["suppressed"] = [
        bool(hidden[int(a[1:]) - 1, int(b[1:]) - 1]) if a != ALL and b != ALL else False
        for a, b in zip(table["a"], table["b"], strict=True)
    ]
    published.loc[published["suppressed"], "n"] = np.nan
    result = audit_table(table, published, by=["a", "b"], min_n=100, width=0, exact=True)
    for i, j in zip(*np.nonzero(hidden), strict=True):
        row = result.ranges[result.ranges["group"] == f"a=a{i + 1}, b=b{j + 1}"].iloc[0]
        lo, hi = _brute_force_range(counts, hidden, (i, j))
        assert (row["low"], row["high"]) == pytest.approx((lo, hi), abs=1e-6)


def test_people_in_no_part_are_recovered_from_the_totals():
    """Closed form: with service and discipline totals, the people with neither value are the grand total
    minus everyone counted in a service or a discipline (inclusion–exclusion)."""
    table = pd.DataFrame(
        {
            "service": ["s1", "s1", "s2", "s1", "s2", ALL, ALL, ALL],
            "discipline": ["d1", "d2", "d1", ALL, ALL, "d1", "d2", ALL],
            "n": [10, 4, 7, 20, 9, 19, 5, 40],
        }
    )
    finest = table_finest(
        row_labels(table, ["service", "discipline"]), table["n"].to_numpy(), ["service", "discipline"]
    )
    cells = {tuple(r[:2]): r[2] for r in finest.itertuples(index=False)}
    assert cells[("s1", MISSING)] == 20 - 10 - 4
    assert cells[("s2", MISSING)] == 9 - 7
    assert cells[(MISSING, "d1")] == 19 - 10 - 7
    assert cells[(MISSING, "d2")] == 5 - 4
    assert cells[(MISSING, MISSING)] == 40 - 20 - 9 - (19 - 17) - (5 - 4)
    assert sum(cells.values()) == 40


def test_a_table_without_all_its_margins_is_refused():
    table = pd.DataFrame({"a": ["x", "y", ALL], "b": ["p", "q", ALL], "n": [20, 30, 50]})
    with pytest.raises(ValueError, match="margins"):
        suppress(table, by=["a", "b"], min_n=11)


@settings(max_examples=120, deadline=None)
@given(
    st.integers(1, 5).flatmap(
        lambda r: st.integers(1, 5).flatmap(
            lambda c: st.lists(st.integers(0, 40), min_size=r * c, max_size=r * c).map(
                lambda v: np.array(v).reshape(r, c)
            )
        )
    ),
    st.integers(2, 15),
)
def test_random_two_way_tables_never_disclose_a_small_group(counts, min_n):
    """Property: after suppression no published row is small and every hidden small group's feasible range,
    by linear programming over everything the table publishes, is at least the protection width."""
    table = _cube(counts)
    out = suppress(table, by=["a", "b"], min_n=min_n)
    assert_table_protected(table, out, by=["a", "b"], min_n=min_n, width=5)


def _table_from_people(cells: dict[tuple[str | None, str | None], int]) -> pd.DataFrame:
    """A two-way table with every margin from counts of people by (a, b); None is a missing value, which
    has no row of its own but counts in the totals."""
    a_values = sorted({a for a, _ in cells if a is not None})
    b_values = sorted({b for _, b in cells if b is not None})
    rows = []
    for a in [*a_values, ALL]:
        for b in [*b_values, ALL]:
            n = sum(v for (x, y), v in cells.items() if (a == ALL or x == a) and (b == ALL or y == b))
            rows.append((a, b, n))
    return pd.DataFrame(rows, columns=["a", "b", "n"])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(0, 30), min_size=6, max_size=6),
    st.lists(st.integers(0, 12), min_size=6, max_size=6),
)
def test_random_tables_with_unclassified_people_never_disclose_them(cells, unclassified):
    """Property: people counted in totals but in no row (no value of a, or of b) are protected too."""
    people = {
        (a, b): cells[3 * i + j] for i, a in enumerate(["a1", "a2"]) for j, b in enumerate(["b1", "b2", "b3"])
    }
    missing = [("a1", None), ("a2", None), (None, "b1"), (None, "b2"), (None, "b3"), (None, None)]
    people.update(dict(zip(missing, unclassified, strict=True)))
    table = _table_from_people(people)
    out = suppress(table, by=["a", "b"], min_n=11)
    assert_table_protected(table, out, by=["a", "b"], min_n=11, width=5)
