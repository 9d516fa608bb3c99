"""The publication plan's faster paths give exactly what the plain computations give.

References: pandas' own ``groupby(...).size()`` for the finest cells, and the element-by-element test "every
value of the population equals the label's" for a population that is exactly a group its parent hides.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mindthegap.analysis.cube import MISSING, categories, finest_counts
from mindthegap.analysis.publication import PublicationPlan


def _groupby_reference(units: pd.DataFrame, dims: list[str]) -> pd.DataFrame:
    keys = pd.DataFrame(
        {d: categories(units[d]) if d in units else np.full(len(units), MISSING) for d in dims}
    )
    return keys.groupby(dims, sort=True).size().rename("n").reset_index()


@pytest.mark.parametrize("seed", range(5))
def test_finest_counts_match_pandas_groupby(seed):
    """Independent reference: pandas groupby with sorted keys, missing values as their own category."""
    rng = np.random.default_rng(seed)
    for n in (0, 1, 7, 60):
        units = pd.DataFrame(
            {
                "level": rng.choice(["frontline", "manager", "Zoë", None], n),
                "wave": rng.choice([1.0, 2.0, np.nan], n),
                "team": rng.choice(["t1", "t2"], n),
            }
        )
        for dims in (["level"], ["level", "wave"], ["team", "wave", "level"], ["level", "absent"]):
            pd.testing.assert_frame_equal(finest_counts(units, dims), _groupby_reference(units, dims))


def _everyone_hidden_reference(plan: PublicationPlan, name: str) -> bool:
    finest = plan.ledger.populations[name]
    total = int(finest["n"].sum())
    if 0 < total < plan.min_n:
        return True
    parent = plan._parent[name]
    if parent is None or total == 0:
        return False
    return any(
        all(d in finest.columns and (finest[d] == v).all() for d, v in label)
        for label in plan.decision(parent).hidden_labels()
    )


def test_whole_population_hidden_as_the_elementwise_check_says():
    """Populations that are exactly a hidden group of the roster (a small service's staff), a visible group,
    or mixed: the fast check agrees with the element-by-element one, and hides the small service's staff."""
    rng = np.random.default_rng(3)
    roster = pd.DataFrame(
        {
            "participant_id": [f"p{i}" for i in range(300)],
            "level": rng.choice(["frontline", "manager", "lead"], 300),
            "service": ["small"] * 4 + list(rng.choice(["north", "south"], 296)),
        }
    )
    plan = PublicationPlan(roster, min_n=5)
    small = roster.loc[roster["service"] == "small", "participant_id"]
    cases = {
        "small staff": roster[roster["participant_id"].isin(small)],
        "north": roster[roster["service"] == "north"],
        "mixed": roster.sample(150, random_state=1),
        "small and more": roster.iloc[:40],
    }
    for name, people in cases.items():
        plan.register(name, people[["participant_id"]])
        assert plan._everyone_hidden(name) == _everyone_hidden_reference(plan, name), name
    assert plan._everyone_hidden("small staff")  # 4 people: below the threshold of 5 anyway
    assert not plan._everyone_hidden("mixed")
    # north (about 150 people) is hidden exactly when the roster hides it (to protect the small service)
    assert plan._everyone_hidden("north") == (not plan.allows("participants", {"service": "north"}))
