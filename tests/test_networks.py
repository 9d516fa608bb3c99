"""Network measures against hand-computed small graphs, betweenness against NetworkX, and the permutation test
of change against exact enumeration."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from mindthegap.analysis import networks as nw

# Five people: A, B nurses; C, D social workers; E a nurse. Ties A–B, A–C, C–D, D–E (A names B; B names A: one tie).
PEOPLE = pd.DataFrame(
    {
        "participant_id": list("ABCDE"),
        "discipline": ["n", "n", "s", "s", "n"],
        "service": ["x", "y", "x", "x", "y"],
    }
)
TIES = pd.DataFrame(
    {
        "wave": ["w1"] * 6,
        "participant_id": ["A", "B", "A", "C", "D", "E"],
        "alter_id": ["B", "A", "C", "D", "E", None],
    }
)


def test_density_and_ei_by_hand():
    """Hand count: 4 ties among 5 people, density 4/10; discipline ties: A–B internal, A–C external, C–D
    internal, D–E external → E-I (2−2)/4 = 0; service: A–B ext, A–C int, C–D int, D–E ext → 0 as well."""
    graph = nw.wave_graph(TIES, PEOPLE, "w1")
    assert graph.number_of_edges() == 4
    assert nw.density(graph) == pytest.approx(0.4)
    assert nw.ei_index(graph, "discipline") == pytest.approx(0.0)
    groups = nw.group_ei(graph, "discipline").set_index("discipline")
    # nurses A, B, E: internal A–B (1), external A–C, D–E (2) → (2−1)/3
    assert groups.loc["n", "ei"] == pytest.approx(1 / 3)
    # social workers C, D: internal C–D (1), external A–C, D–E (2) → 1/3
    assert groups.loc["s", "ei"] == pytest.approx(1 / 3)
    star = pd.DataFrame({"wave": "w1", "participant_id": ["A"] * 4, "alter_id": list("BCDE")})
    g2 = nw.wave_graph(star, PEOPLE, "w1")
    # A (n) to B (n) internal; to C, D (s) external; to E (n) internal → (2−2)/4 = 0; density 4/10
    assert nw.ei_index(g2, "discipline") == 0 and nw.density(g2) == pytest.approx(0.4)
    assert nw.wave_measures(g2, "w1")["isolates"] == 0


def test_betweenness_matches_networkx_exactly():
    """Reference: networkx.betweenness_centrality on the karate club and a random graph."""
    for graph in (nx.karate_club_graph(), nx.gnp_random_graph(120, 0.05, seed=4)):
        ours, ref = nw.betweenness(graph), nx.betweenness_centrality(graph)
        assert max(abs(ours[k] - ref[k]) for k in graph) < 1e-12


def test_bad_ties_are_refused_with_row_and_column():
    with pytest.raises(ValueError, match=r"row 3, column 'alter_id': a tie to oneself"):
        nw.check_ties(pd.DataFrame({"participant_id": ["A", "B"], "alter_id": ["B", "B"]}), PEOPLE)
    with pytest.raises(ValueError, match=r"row 2, column 'alter_id': unknown participant 'Z'"):
        nw.check_ties(pd.DataFrame({"participant_id": ["A"], "alter_id": ["Z"]}), PEOPLE)
    with pytest.raises(ValueError, match=r"row 2, column 'participant_id': unknown participant 'Q'"):
        nw.check_ties(pd.DataFrame({"participant_id": ["Q"], "alter_id": [None]}), PEOPLE)


def test_change_test_matches_exact_enumeration():
    """Reference: every one of the 2^k swaps of the k dyads whose state changed, enumerated by hand."""
    rows = [
        ("w1", "A", "B"),
        ("w1", "C", "D"),
        ("w1", "E", None),
        ("w2", "A", "B"),
        ("w2", "A", "C"),
        ("w2", "B", "E"),
        ("w2", "D", "E"),
        ("w2", "C", None),
        ("w1", "B", None),  # everyone answered at both waves (some named no one new)
        ("w1", "D", None),
        ("w2", "E", None),
    ]
    ties = pd.DataFrame(rows, columns=["wave", "participant_id", "alter_id"])
    result = nw.change_test(ties, PEOPLE, "w1", "w2", n_perm=20000, seed=1).set_index("measure")
    before = {("A", "B"), ("C", "D")}
    after = {("A", "B"), ("A", "C"), ("B", "E"), ("D", "E")}
    moved = sorted(before ^ after)
    assert result.loc["density", "change"] == pytest.approx((4 - 2) / 10)
    extreme = 0
    for swap in itertools.product([0, 1], repeat=len(moved)):
        b, a = set(before), set(after)
        for s, dyad in zip(swap, moved, strict=True):
            if s:
                in_b, in_a = dyad in b, dyad in a
                b.discard(dyad), a.discard(dyad)
                if in_a:
                    b.add(dyad)
                if in_b:
                    a.add(dyad)
        extreme += abs(len(a) - len(b)) >= 2
    exact = extreme / 2 ** len(moved)
    assert result.loc["density", "p_value"] == pytest.approx(exact, abs=0.01)


def test_change_test_no_change_gives_p_one_and_is_seeded():
    ties = pd.concat([TIES, TIES.assign(wave="w2")])
    result = nw.change_test(ties, PEOPLE, "w1", "w2", n_perm=99, seed=3)
    assert (result["change"] == 0).all() and (result["p_value"] == 1).all()


def test_change_test_holds_its_size_under_no_change():
    """Seeded simulation: each dyad present with the same chance at both waves, independently (no change);
    about 5% of p-values fall under 0.05."""
    rng = np.random.default_rng(8)
    n = 40
    people = pd.DataFrame(
        {
            "participant_id": [f"p{i}" for i in range(n)],
            "discipline": rng.choice(list("abc"), n),
            "service": rng.choice(list("xy"), n),
        }
    )
    i, j = np.triu_indices(n, 1)
    answered = pd.DataFrame(
        {"wave": ["w1", "w2"] * n, "participant_id": [f"p{k // 2}" for k in range(2 * n)]}
    )
    p_values = []
    for _ in range(300):
        frames = [answered.assign(alter_id=None)]
        for wave in ("w1", "w2"):
            on = rng.random(len(i)) < 0.08
            frames.append(
                pd.DataFrame(
                    {
                        "wave": wave,
                        "participant_id": [f"p{k}" for k in i[on]],
                        "alter_id": [f"p{k}" for k in j[on]],
                    }
                )
            )
        result = nw.change_test(
            pd.concat(frames), people, "w1", "w2", n_perm=199, seed=int(rng.integers(1e9))
        )
        p_values.append(result.set_index("measure").loc["density", "p_value"])
    rejections = np.mean(np.array(p_values) < 0.05)
    assert 0.02 <= rejections <= 0.09


def test_change_test_names_its_waves_baseline_and_follow_up():
    """The waves' values are in columns ``baseline`` and ``follow_up``; the old keywords ``before=``/``after=``
    give the same table with a DeprecationWarning (reference: the positional call)."""
    later = TIES.assign(wave="w2", alter_id=["C", "A", "B", "D", "E", None])
    ties = pd.concat([TIES, later], ignore_index=True)
    new = nw.change_test(ties, PEOPLE, "w1", "w2", n_perm=50, seed=1)
    assert {"baseline", "follow_up"} <= set(new.columns) and "before" not in new.columns
    with pytest.warns(DeprecationWarning, match="is now called"):
        old = nw.change_test(ties, PEOPLE, before="w1", after="w2", n_perm=50, seed=1)
    pd.testing.assert_frame_equal(old, new)
