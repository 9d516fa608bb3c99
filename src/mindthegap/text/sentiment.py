"""Sentiment per segment: a trained five-class model when labelled comments exist, a small lexicon otherwise.

The five classes follow the Friends and Family Test coding of comment sentiment: 1 very positive … 5 very negative,
with mixed comments as 3. The lexicon baseline is mindthegap's own short list of words patients and staff use,
with simple negation handling ("not helpful"); it is a fallback to be replaced by a trained model as soon as a
few hundred comments have been labelled.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.utils.validation import check_is_fitted

from mindthegap.errors import InputError
from mindthegap.text.features import clean_texts, text_vectoriser

__all__ = ["SENTIMENT_LABELS", "LexiconSentiment", "SentimentModel"]

SENTIMENT_LABELS = {
    1: "very positive",
    2: "positive",
    3: "mixed or neutral",
    4: "negative",
    5: "very negative",
}

_POSITIVE = {
    "good": 1.0, "great": 1.5, "excellent": 2.0, "brilliant": 2.0, "amazing": 2.0, "fantastic": 2.0,
    "wonderful": 2.0, "outstanding": 2.0, "superb": 2.0, "lovely": 1.5, "kind": 1.0, "kindness": 1.0,
    "caring": 1.0, "helpful": 1.0, "friendly": 1.0, "professional": 1.0, "thank": 1.0, "thanks": 1.0,
    "grateful": 1.5, "happy": 1.0, "pleased": 1.0, "listened": 1.0, "supportive": 1.0, "support": 0.5,
    "nice": 1.0, "polite": 1.0, "quick": 0.5, "prompt": 1.0, "efficient": 1.0, "reassuring": 1.0,
    "respectful": 1.0, "clean": 0.5, "best": 1.5, "perfect": 2.0, "compassionate": 1.5, "well": 0.5,
    "easy": 0.5, "welcoming": 1.0, "recommend": 1.0, "understanding": 0.5, "patient": 0.3,
}  # fmt: skip
_NEGATIVE = {
    "bad": 1.0, "poor": 1.0, "terrible": 2.0, "awful": 2.0, "horrible": 2.0, "appalling": 2.0, "worst": 2.0,
    "rude": 1.5, "dismissive": 1.5, "ignored": 1.5, "unhelpful": 1.0, "disappointed": 1.0, "wait": 0.5,
    "waiting": 0.5, "waited": 0.5, "delay": 1.0, "delayed": 1.0, "late": 0.5, "cancelled": 1.0, "dirty": 1.0,
    "unsafe": 1.5, "scared": 1.0, "upset": 1.0, "angry": 1.0, "frustrated": 1.0, "frustrating": 1.0,
    "never": 0.5, "nobody": 0.5, "lack": 1.0, "lacking": 1.0, "slow": 0.5, "unprofessional": 1.5,
    "disgusting": 2.0, "shocking": 1.5, "complaint": 1.0, "worse": 1.0, "struggle": 0.5, "struggling": 0.5,
    "cold": 0.5, "noisy": 0.5, "lost": 0.5, "confusing": 1.0, "confused": 0.5, "unacceptable": 2.0,
}  # fmt: skip
_NEGATORS = {
    "not",
    "no",
    "never",
    "didn't",
    "didnt",
    "wasn't",
    "wasnt",
    "isn't",
    "isnt",
    "don't",
    "dont",
    "nothing",
}
_WORD = re.compile(r"[a-z']+")


class LexiconSentiment(ClassifierMixin, BaseEstimator):
    """Word-list sentiment on the 1 (very positive) … 5 (very negative) scale; needs no training data."""

    def fit(self, texts: Sequence[str] | None = None, y: Sequence[int] | None = None) -> LexiconSentiment:
        self.classes_ = np.arange(1, 6)
        return self

    @staticmethod
    def score(text: str) -> tuple[float, float]:
        """(positive weight, negative weight) of one text, with a negator flipping the next three words."""
        pos = neg = 0.0
        flip = 0
        for word in _WORD.findall(text.lower()):
            if word in _NEGATORS:
                flip = 3
                continue
            p, n = _POSITIVE.get(word, 0.0), _NEGATIVE.get(word, 0.0)
            if flip:
                p, n = n * 0.5, p
                flip -= 1
            pos += p
            neg += n
        return pos, neg

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """Class 1–5 per text; empty or word-free texts are 3 (neutral)."""
        check_is_fitted(self, "classes_")
        out = np.full(len(texts), 3, dtype=np.int8)
        for i, text in enumerate(clean_texts(texts)):
            pos, neg = self.score(text)
            net = pos - neg
            if pos and neg and abs(net) < 1.0:
                out[i] = 3
            elif net >= 2.0:
                out[i] = 1
            elif net > 0:
                out[i] = 2
            elif net <= -2.0:
                out[i] = 5
            elif net < 0:
                out[i] = 4
        return out


class SentimentModel(ClassifierMixin, BaseEstimator):
    """Five-class sentiment learnt from labelled comments: TF-IDF features and multinomial logistic regression."""

    def __init__(self, C: float = 4.0, class_weight: str | None = "balanced") -> None:
        self.C = C
        self.class_weight = class_weight

    def fit(self, texts: Sequence[str], y: Sequence[int]) -> SentimentModel:
        """Learn from texts and their 1–5 sentiment labels (rows with a missing label are skipped)."""
        docs = clean_texts(texts)
        y = np.asarray(y, dtype=float)
        keep = ~np.isnan(y)
        if keep.sum() < 10:
            raise InputError(
                "fewer than 10 comments have a sentiment label", hint="label more or use the lexicon"
            )
        bad = set(np.unique(y[keep])) - {1.0, 2.0, 3.0, 4.0, 5.0}
        if bad:
            raise InputError(
                f"sentiment label {sorted(bad)[0]:g} is not 1–5", hint="use 1 very positive … 5 very negative"
            )
        self.vectoriser_ = text_vectoriser(char_ngrams=(3, 5))
        X = self.vectoriser_.fit_transform([d for d, k in zip(docs, keep, strict=True) if k])
        # one-vs-rest liblinear: seconds rather than minutes on 200k sparse features
        self.model_ = OneVsRestClassifier(
            LogisticRegression(C=self.C, class_weight=self.class_weight, solver="liblinear", max_iter=500)
        )
        self.model_.fit(X, y[keep].astype(int))
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probability of each class 1–5 per text (n × 5); before ``fit``, scikit-learn's ``NotFittedError``."""
        check_is_fitted(self, "model_")
        return self.model_.predict_proba(self.vectoriser_.transform(clean_texts(texts)))

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """Class 1–5 per text."""
        check_is_fitted(self, "model_")
        return self.classes_[self.predict_proba(texts).argmax(axis=1)]
