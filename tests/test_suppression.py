"""Small-number suppression: primary and complementary, on hand-made and random tables."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mindthegap.analysis.suppression import ALL, assert_no_disclosure, suppress


def test_group_of_ten_is_hidden_and_eleven_is_shown():
    table = pd.DataFrame({"service": ["a", "b"], "n": [10, 11], "mean": [3.0, 4.0]})
    out = suppress(table, by=["service"], min_n=11)
    assert out["suppressed"].tolist() == [True, False]
    assert pd.isna(out.loc[0, "n"]) and pd.isna(out.loc[0, "mean"])
    assert out.loc[1, "n"] == 11 and out.loc[1, "mean"] == 4.0
    assert out.loc[0, "service"] == "a"  # the key stays so a reader sees the group was suppressed


def test_complementary_cell_protects_a_group_in_a_published_total():
    """Total 60 = 30 + 21 + 9: hiding only the 9 lets it be recovered as 60 − 30 − 21."""
    table = pd.DataFrame(
        {"service": ["a", "b", "c", ALL], "n": [30, 21, 9, 60], "mean": [3.0, 3.5, 2.0, 3.1]}
    )
    out = suppress(table, by=["service"], min_n=11)
    assert out["suppressed"].tolist() == [False, True, True, False]
    assert "complementary" in out.loc[1, "suppression_reason"]
    assert_no_disclosure(out, by=["service"], min_n=11)


def test_total_stands_when_the_residual_mixes_the_hidden_part_with_others():
    """Total 20 with one part of 5: the residual 20 mixes the 5 with 15 people in no part, so it is safe."""
    table = pd.DataFrame({"service": ["a", ALL], "n": [5, 20], "mean": [3.0, 3.2]})
    out = suppress(table, by=["service"], min_n=11)
    assert out["suppressed"].tolist() == [True, False]
    assert_no_disclosure(out, by=["service"], min_n=11)


def test_total_is_hidden_when_no_part_is_left_to_hide():
    """Total 15 = 5 + 10: both parts are small; the total would give away their sum… which is 15 ≥ 11, so it
    stands. Total 8 with a single part of 8 is itself small and hidden."""
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
    assert_no_disclosure(out, by=["service"], min_n=11)


def test_threshold_is_configurable():
    table = pd.DataFrame({"service": ["a", "b"], "n": [4, 6]})
    assert suppress(table, by=["service"], min_n=5)["suppressed"].tolist() == [True, False]
    with pytest.raises(Exception, match="1 or more"):
        suppress(table, by=["service"], min_n=0)


def _cube(counts: np.ndarray) -> pd.DataFrame:
    """A two-way table with all margins, as a cube query would produce."""
    rows = []
    n_a, n_b = counts.shape
    for i in range(n_a):
        for j in range(n_b):
            rows.append((f"a{i}", f"b{j}", counts[i, j]))
        rows.append((f"a{i}", ALL, counts[i].sum()))
    for j in range(n_b):
        rows.append((ALL, f"b{j}", counts[:, j].sum()))
    rows.append((ALL, ALL, counts.sum()))
    return pd.DataFrame(rows, columns=["a", "b", "n"]).assign(mean=1.0)


@settings(max_examples=150, deadline=None)
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
    """Property: after suppression, no published row is small and no total lets a small group be recovered."""
    table = _cube(counts)
    out = suppress(table, by=["a", "b"], min_n=min_n)
    assert_no_disclosure(out, by=["a", "b"], min_n=min_n)
