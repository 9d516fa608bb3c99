"""Perspective divergence: planted distinctive terms are found; JS divergence matches scipy."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.spatial.distance import jensenshannon

from mindthegap.report.text_figures import divergence_figure
from mindthegap.text.divergence import (
    _js,
    distinctive_terms,
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
    assert res["js"] < res["js_plugin"] and res["p_permutation"] == pytest.approx(1 / 1000)
    assert res["finding"] == "detectable difference"
    same = pd.concat([frame[frame.level == "policy"], frame[frame.level == "policy"].assign(level="copy")])
    assert js_divergence(same, "policy", "copy", n_boot=50)["js"] == pytest.approx(0, abs=1e-12)
    assert js_divergence(frame, "policy", "tiny")["suppressed"]
    table = pairwise_divergence(frame, n_boot=50)
    assert len(table) == 6 and table["suppressed"].sum() == 3
    assert table.loc[table["suppressed"], ["js", "ci_low", "p_permutation", "finding"]].isna().all().all()


def test_figure_has_alt_and_table():
    fig = divergence_figure(distinctive_terms(planted()))
    assert fig.svg.startswith("<svg") and "policy" in fig.alt
    assert len(fig.table.data) > 0


# --- the estimate and its interval under known truth -----------------------------------------------------------
# Comments are bags of invented words: each comment picks one of six topics, whose word distributions share a
# Zipf-like backbone, so words cluster within comments as they do in real feedback. The groups' true term
# distributions are mixtures of the topics, so their true JS divergence is known exactly.
WORDS = np.array([f"w{a}{b}{c}" for a in "abcdefgh" for b in "abcdefgh" for c in "abcdefg"])[:400]


def _topics(seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    base = 1 / np.arange(1, len(WORDS) + 1) ** 1.1
    base /= base.sum()
    return np.array([rng.dirichlet(base * 200) for _ in range(6)])


def _comments(rng, topics, weights, n, group, start=0):
    """``n`` comments of ``group``: each of 3 + Poisson(10) words drawn from one topic, chosen by ``weights``
    (drawn for all ``n`` comments at once: the coverage simulations make 320,000 of them)."""
    lengths = rng.poisson(10, size=n) + 3
    counts = rng.multinomial(lengths, topics[rng.choice(6, size=n, p=weights)])
    return [
        {"level": group, "person": f"{group}{start + i}", "text": " ".join(np.repeat(WORDS, row))}
        for i, row in enumerate(counts)
    ]


def _true_js(topics, wa, wb) -> float:
    return _js(wa @ topics, wb @ topics)


def null_coverage(studies: int, n: int, seed: int) -> tuple[float, float]:
    """Share of studies with two groups from one population whose CI covers 0, and whose finding says so."""
    topics, even = _topics(), np.full(6, 1 / 6)
    rng = np.random.default_rng(seed)
    covered = said = 0
    for s in range(studies):
        frame = pd.DataFrame(_comments(rng, topics, even, n, "a") + _comments(rng, topics, even, n, "b"))
        res = js_divergence(frame, "a", "b", n_boot=99, n_perm=199, seed=s, min_n=11)
        covered += res["ci_low"] <= 0.0 <= res["ci_high"]
        said += res["finding"] == "no detectable difference"
    return covered / studies, said / studies


def test_js_interval_covers_zero_95_percent_under_the_null():
    """Coverage simulation: with both groups drawn from one population the interval covers the true value 0 in
    95% of 400 seeded studies (within three Monte Carlo standard errors, ±0.033), and the finding is "no
    detectable difference" exactly when it does. The plug-in percentile interval it replaces covered 0 in none."""
    covered, said = null_coverage(400, 30, seed=1)
    assert abs(covered - 0.95) <= 3 * np.sqrt(0.95 * 0.05 / 400)
    assert said == covered


@pytest.mark.slow
def test_js_interval_null_coverage_larger_simulation():
    """The same coverage simulation with 1,000 studies of 80 comments per group (tolerance ±0.021)."""
    covered, said = null_coverage(1000, 80, seed=2)
    assert abs(covered - 0.95) <= 3 * np.sqrt(0.95 * 0.05 / 1000)
    assert said == covered


def test_js_correction_removes_most_of_the_plug_in_bias():
    """Reference: the exact JS divergence of the two populations' term distributions. Over 40 studies of 60
    comments per group, the corrected estimate is within 0.01 of the truth on average while the plug-in value is
    more than ten times as far off; with no true difference the corrected estimate averages near zero."""
    topics = _topics()
    even, tilted = np.full(6, 1 / 6), np.array([0.3, 0.25, 0.15, 0.1, 0.1, 0.1])
    rng = np.random.default_rng(5)
    for weights in (even, tilted):
        truth = _true_js(topics, even, weights)
        got = []
        for s in range(40):
            frame = pd.DataFrame(
                _comments(rng, topics, even, 60, "a") + _comments(rng, topics, weights, 60, "b")
            )
            res = js_divergence(frame, "a", "b", n_boot=20, n_perm=99, seed=s)
            got.append((res["js"], res["js_plugin"]))
        corrected, plugin = np.mean(got, axis=0)
        assert abs(corrected - truth) < 0.01
        assert abs(plugin - truth) > 10 * abs(corrected - truth)


def test_js_resamples_people_with_several_comments():
    """A person's comments move together: splitting each comment into a separate person would count the same
    person's words as independent evidence. Groups are also counted (and suppressed) by people."""
    topics = _topics()
    rng = np.random.default_rng(9)
    rows = []
    for group in ("a", "b"):
        for person in range(12):  # 12 people, each writing four comments from one topic
            topic = topics[rng.integers(6)]
            for _ in range(4):
                text = " ".join(np.repeat(WORDS, rng.multinomial(12, topic)))
                rows.append({"level": group, "person": f"{group}{person}", "text": text})
    frame = pd.DataFrame(rows)
    by_person = js_divergence(frame, "a", "b", person_col="person", n_boot=200, n_perm=199)
    assert (by_person["n_a"], by_person["people_a"]) == (48, 12)
    by_comment = js_divergence(frame, "a", "b", n_boot=200, n_perm=199)
    # treating 48 comments as independent understates the noise, so chance looks smaller than it is
    assert by_person["ci_high"] - by_person["js"] > by_comment["ci_high"] - by_comment["js"]
    assert js_divergence(frame, "a", "b", person_col="person", min_n=13)["suppressed"]


def test_report_section_says_no_detectable_difference(demo_study):
    """The free-text section shows the corrected divergence with its permutation p and says "no detectable
    difference" for two perspectives whose comments come from one population."""
    from mindthegap.report.context import ReportContext
    from mindthegap.report.sections import text

    topics, even = _topics(), np.full(6, 1 / 6)
    rng = np.random.default_rng(3)
    rows = _comments(rng, topics, even, 40, "national") + _comments(rng, topics, even, 40, "local_frontline")
    comments = pd.DataFrame(rows).rename(columns={"person": "participant_id"})
    section = text.build(ReportContext(study=demo_study.study, evidence={"comments": comments}, n_boot=200))
    table = next(b for b in section.blocks if getattr(b, "caption", "").startswith("How differently"))
    row = table.data.iloc[0]
    assert row["finding"] == "no detectable difference" and row["ci_low"] == 0.0
    assert "Finding" in table.columns.values() and "p (permutation)" in table.columns.values()
    assert any("no detectable difference" in line for line in section.summary)
