"""Sentiment: the lexicon baseline's rules and the trained five-class model."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import f1_score

from mindthegap.errors import InputError
from mindthegap.text.sentiment import LexiconSentiment, SentimentModel


def test_lexicon_directions_and_negation():
    lex = LexiconSentiment().fit()
    pred = lex.predict(
        [
            "Excellent care, staff were wonderful",
            "Staff kind",
            "Rude and dismissive, awful wait",
            "not helpful",
            "",
            "ok",
        ]
    )
    assert pred.tolist() == [1, 2, 5, 4, 3, 3]


def test_trained_model_beats_chance_on_synthetic_labels():
    """Reference: sklearn's f1_score; chance macro-F1 for 3 balanced classes is about 0.33."""
    rng = np.random.default_rng(0)
    pos = ["brilliant staff", "thank you all", "really kind team", "felt listened to"]
    neg = ["rude receptionist", "waited hours", "nobody called back", "ward was dirty"]
    mid = ["some good some bad", "fine but slow", "nice staff long wait", "ok overall"]
    texts, y = [], []
    for _ in range(300):
        k = rng.integers(3)
        texts.append(str(rng.choice([pos, mid, neg][k])) + " " + str(rng.choice(["today", "", "again"])))
        y.append([1, 3, 5][k])
    model = SentimentModel().fit(texts[:200], y[:200])
    assert f1_score(y[200:], model.predict(texts[200:]), average="macro") > 0.9
    assert model.predict_proba(texts[:2]).shape == (2, 3)


def test_bad_labels():
    with pytest.raises(InputError, match="not 1–5"):
        SentimentModel().fit(["a"] * 20, [7] * 20)
    with pytest.raises(InputError, match="fewer than 10"):
        SentimentModel().fit(["a"] * 3, [1, 2, 3])
