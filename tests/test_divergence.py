"""Perspective divergence: planted distinctive terms are found; JS divergence matches scipy."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.spatial.distance import jensenshannon

from mindthegap.text.divergence import (
    _js,
    distinctive_terms,
    divergence_figure,
    js_divergence,
    log_odds_dirichlet,
    pairwise_divergence,
)

COMMON = ["the service", "people", "care", "every week", "in the area", "staff", "time", "support"]


def planted(seed: int = 0, n: int = 60) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    plant = {
        "policy": ["data", "payment", "access standards"],
        "practice": ["eligibility thresholds", "funding", "peer support"],
        "users": ["listened", "waiting", "continuity"],
    }
    rows = []
    for level, words in plant.items():
        for _ in range(n):
            parts = list(rng.choice(COMMON, 4)) + list(rng.choice(words, 2))
            rng.shuffle(parts)
            rows.append({"level": level, "text": " ".join(parts)})
    rows += [{"level": "tiny", "text": "data data payment"}] * 3
    return pd.DataFrame(rows)


def test_finds_planted_distinctive_terms():
    terms = distinctive_terms(planted(), top=5)
    top3 = {g: set(t["term"].head(3)) for g, t in terms[~terms["suppressed"]].groupby("group")}
    assert top3["policy"] <= {"data", "payment", "access standards", "access", "standards"}
    assert "data" in top3["policy"] and "payment" in top3["policy"]
    assert "funding" in top3["practice"]
    assert {"listened", "waiting", "continuity"} == top3["users"]
    assert (terms.loc[~terms["suppressed"], "z"] > 1.96).all()
    # the three-comment group is hidden
    tiny = terms[terms["group"] == "tiny"]
    assert tiny["suppressed"].all() and tiny["term"].isna().all()


def test_log_odds_closed_form():
    """Reference: Monroe et al. (2008) eq. 16 and 20 computed by hand for one word."""
    ya, yb, a = np.array([10.0, 0.0]), np.array([2.0, 8.0]), np.array([1.0, 1.0])
    delta, z = log_odds_dirichlet(ya, yb, a)
    d0 = np.log(11 / (10 + 2 - 10 - 1)) - np.log(3 / (10 + 2 - 2 - 1))
    assert delta[0] == pytest.approx(d0)
    assert z[0] == pytest.approx(d0 / np.sqrt(1 / 11 + 1 / 3))


def test_js_matches_scipy():
    """Reference: scipy.spatial.distance.jensenshannon (a distance, base 2), squared."""
    rng = np.random.default_rng(1)
    for _ in range(5):
        p, q = rng.integers(0, 20, 30).astype(float), rng.integers(0, 20, 30).astype(float)
        assert _js(p, q) == pytest.approx(jensenshannon(p, q, base=2) ** 2)


def test_js_with_bootstrap_ci():
    frame = planted()
    res = js_divergence(frame, "policy", "users", n_boot=200)
    assert 0 < res["ci_low"] <= res["js"] <= res["ci_high"] < 1
    same = pd.concat([frame[frame.level == "policy"], frame[frame.level == "policy"].assign(level="copy")])
    assert js_divergence(same, "policy", "copy", n_boot=50)["js"] == pytest.approx(0, abs=1e-12)
    assert js_divergence(frame, "policy", "tiny")["suppressed"]
    table = pairwise_divergence(frame, n_boot=50)
    assert len(table) == 6 and table["suppressed"].sum() == 3


def test_figure_has_alt_and_table():
    fig = divergence_figure(distinctive_terms(planted()))
    assert fig.svg.startswith("<svg") and "policy" in fig.alt
    assert len(fig.table.data) > 0
