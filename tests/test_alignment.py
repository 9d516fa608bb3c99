"""Policy alignment: evidence ranked by TF-IDF cosine, levels and sentiment, and flagged principles."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity

from mindthegap.text.alignment import LITTLE, ONLY_NEGATIVE, evidence_by_level, policy_alignment
from mindthegap.text.divergence import STOP_WORDS

PRINCIPLES = pd.DataFrame(
    {
        "principle": ["Listening", "Continuity", "Data sharing"],
        "text": [
            "People are listened to and involved in decisions about their care",
            "People see the same worker over time: continuity of care",
            "Services share data securely across organisations",
        ],
    }
)
EVIDENCE = pd.DataFrame(
    {
        "level": ["user", "user", "user", "practice", "practice", "policy", "user"] * 3,
        "text": [
            "I was listened to and involved in decisions",
            "Staff listened to my care decisions, wonderful",
            "Nobody listened, I was not involved in decisions about my care",
            "We lose continuity of care, it is bad when the same worker leaves",
            "Continuity is terrible; never the same worker, awful",
            "The weather was nice",
            "Continuity of care was poor and frustrating, same worker never",
        ]
        * 3,
    }
)


def test_ranking_matches_sklearn_cosine():
    """Reference: sklearn.metrics.pairwise.cosine_similarity on the same TF-IDF space."""
    _, matches = policy_alignment(PRINCIPLES, EVIDENCE, top=3, min_similarity=0.05)
    vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, stop_words=list(STOP_WORDS))
    vec.fit(EVIDENCE["text"].tolist() + PRINCIPLES["text"].tolist())
    ref = cosine_similarity(vec.transform(PRINCIPLES["text"]), vec.transform(EVIDENCE["text"]))
    top = matches[matches["principle"] == "Listening"]
    assert top["similarity"].iloc[0] == pytest.approx(np.sort(ref[0])[-1])
    assert top["similarity"].is_monotonic_decreasing


def test_flags_little_and_negative_evidence():
    summary, _ = policy_alignment(PRINCIPLES, EVIDENCE, min_evidence=3)
    flags = summary.set_index("principle")["flag"]
    assert flags["Data sharing"] == LITTLE
    assert flags["Continuity"] == ONLY_NEGATIVE
    assert pd.isna(flags["Listening"])
    assert summary.set_index("principle").loc["Listening", "levels"] == "user"


def test_evidence_by_level_suppresses_small_cells():
    table = evidence_by_level(PRINCIPLES, EVIDENCE, min_n=5)
    assert table["suppressed"].any()
    shown = table[~table["suppressed"]]
    assert (shown["n"] >= 5).all()
