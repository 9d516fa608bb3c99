"""Code by example: a multi-label auto-coder that learns an analyst's coding from the part already coded.

One shared TF-IDF feature matrix (:mod:`mindthegap.text.features`) and one linear model per code. Raw scores are
calibrated into probabilities with Platt scaling fitted on out-of-fold scores of the training data, and each code's
decision threshold is tuned on those same out-of-fold probabilities, so nothing about the evaluation data leaks in.
Prediction is one sparse transform and one matrix product over all codes, fast enough for a month of Friends and
Family Test comments in seconds on a laptop.

The fitted coder is saved as JSON and NumPy arrays (:mod:`mindthegap.text.autocoder_file`), never pickle, with the
label list and a codebook fingerprint; loading a file for another codebook, or anything that is not such a file,
fails with a clear message rather than quietly producing wrong codes or running code.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
import sklearn
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold

from mindthegap import __version__
from mindthegap.errors import InputError
from mindthegap.text.features import clean_texts, text_vectoriser

__all__ = ["AutoCoder", "best_f1_threshold", "codebook_fingerprint", "load_autocoder"]


def codebook_fingerprint(labels: Sequence[str], definitions: Sequence[str] | None = None) -> str:
    """A short hash of the code names (and definitions, if given) in order, identifying the codebook."""
    h = hashlib.sha256()
    for i, label in enumerate(labels):
        h.update(label.encode("utf-8") + b"\x1f")
        if definitions is not None:
            h.update(str(definitions[i]).encode("utf-8"))
        h.update(b"\x1e")
    return h.hexdigest()[:16]


def best_f1_threshold(y: np.ndarray, p: np.ndarray, *, default: float = 0.5) -> float:
    """Threshold on ``p`` that maximises F1 for binary ``y`` (exhaustive over the distinct scores)."""
    y = np.asarray(y, dtype=bool)
    positives = int(y.sum())
    if positives == 0 or positives == len(y):
        return default
    order = np.argsort(-p, kind="stable")
    ps, ys = p[order], y[order]
    tp = np.cumsum(ys)
    k = np.arange(1, len(ys) + 1)
    f1 = 2 * tp / (k + positives)
    # only cut where the score changes, so tied scores fall on the same side
    last_of_run = np.r_[ps[1:] != ps[:-1], True]
    f1 = np.where(last_of_run, f1, -1.0)
    i = int(np.argmax(f1))
    nxt = ps[i + 1] if i + 1 < len(ps) else ps[i] - 1e-6
    return float((ps[i] + nxt) / 2)


def warn_degenerate_codes(Y: np.ndarray, labels: Sequence[str]) -> list[str]:
    """Warn about codes no training text carries (never suggested) or every text carries (always suggested).

    Such a code cannot be learnt, and training would otherwise succeed without a word; returns their names.
    """
    import warnings

    positives = np.asarray(Y).sum(axis=0)
    flagged = []
    for label, count in zip(labels, positives, strict=True):
        if count in (0, len(Y)):
            which = "none" if count == 0 else "every one"
            result = "can never suggest it" if count == 0 else "will suggest it for every text"
            warnings.warn(
                f"code {label!r} is on {which} of the {len(Y)} training texts, so the model {result} — code "
                "examples with and without it, or leave it out of the labels",
                UserWarning,
                stacklevel=3,
            )
            flagged.append(str(label))
    return flagged


def _log_count_ratio(X, y: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    """Naive-Bayes log-count ratio of each feature for binary ``y`` (Wang and Manning 2012, NB-SVM)."""
    pos = np.asarray(X[y == 1].sum(axis=0)).ravel() + alpha
    neg = np.asarray(X[y == 0].sum(axis=0)).ravel() + alpha
    return np.log(pos / pos.sum()) - np.log(neg / neg.sum())


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -35, 35)))


class AutoCoder(ClassifierMixin, BaseEstimator):
    """Multi-label text coder: TF-IDF features, one logistic model per code, Platt-calibrated, CV-tuned thresholds.

    Per-code thresholds maximise out-of-fold F1 on the training data and are shrunk towards the pooled best
    threshold by ``threshold_shrinkage`` pseudo-positives, which steadies codes with few examples.

    ``fit(texts, Y)`` takes a sequence of strings and a 0/1 matrix or DataFrame (one column per code).
    ``predict_proba`` returns calibrated probabilities (n × codes); ``predict`` applies each code's threshold and,
    when ``fallback`` is on, gives every non-empty comment its single most likely code if no code passes.
    """

    def __init__(
        self,
        *,
        C: float = 16.0,
        class_weight: str | None = None,
        cv: int = 8,
        fallback: bool | str = "auto",
        word_ngrams: tuple[int, int] = (1, 2),
        char_ngrams: tuple[int, int] = (3, 5),
        char_analyzer: str = "char_wb",
        min_df: int = 2,
        max_char_features: int | None = 150_000,
        random_state: int = 0,
        final: str = "refit",
        embedding_model: str | None = None,
        threshold_shrinkage: float = 5.0,
        log_count_ratio: bool = False,
    ) -> None:
        self.log_count_ratio = log_count_ratio
        self.threshold_shrinkage = threshold_shrinkage
        self.final = final
        self.embedding_model = embedding_model
        self.char_ngrams = char_ngrams
        self.word_ngrams = word_ngrams
        self.char_analyzer = char_analyzer
        self.C = C
        self.class_weight = class_weight
        self.cv = cv
        self.fallback = fallback
        self.min_df = min_df
        self.max_char_features = max_char_features
        self.random_state = random_state

    # -- fitting -------------------------------------------------------------------------------------------------
    def _linear(self) -> LogisticRegression:
        return LogisticRegression(
            C=self.C, class_weight=self.class_weight, solver="liblinear", max_iter=200, random_state=0
        )

    def _fit_scores(self, X, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        n_labels = Y.shape[1]
        W = np.zeros((X.shape[1], n_labels), dtype=np.float64)
        b = np.zeros(n_labels, dtype=np.float64)
        for j in range(n_labels):
            y = Y[:, j]
            if y.min() == y.max():
                b[j] = -10.0 if y.max() == 0 else 10.0
                continue
            if self.log_count_ratio:
                r = _log_count_ratio(X, y)
                m = self._linear().fit(X @ sp.diags(r), y)
                W[:, j] = m.coef_[0] * r
            else:
                m = self._linear().fit(X, y)
                W[:, j] = m.coef_[0]
            b[j] = m.intercept_[0]
        return W, b

    def fit(self, texts: Sequence[str], Y: Any, *, labels: Sequence[str] | None = None) -> AutoCoder:
        """Learn the coding from ``texts`` and their 0/1 code matrix ``Y``."""
        if isinstance(Y, pd.DataFrame):
            labels = list(Y.columns) if labels is None else list(labels)
            Y = Y.to_numpy()
        Y = np.asarray(Y, dtype=np.int8)
        if Y.ndim == 1:
            Y = Y[:, None]
        docs = clean_texts(texts)
        if len(docs) != Y.shape[0]:
            raise InputError(
                f"{len(docs)} texts but {Y.shape[0]} rows of codes", hint="pass one row per text"
            )
        if len(docs) < max(2 * self.cv, 10):
            raise InputError(
                f"only {len(docs)} coded texts to learn from", hint="code at least a few dozen texts first"
            )
        self.labels_ = [str(x) for x in (labels if labels is not None else range(Y.shape[1]))]
        warn_degenerate_codes(Y, self.labels_)
        self.codebook_ = codebook_fingerprint(self.labels_)
        self.vectoriser_ = text_vectoriser(
            word_ngrams=tuple(self.word_ngrams),
            char_ngrams=tuple(self.char_ngrams),
            char_analyzer=self.char_analyzer,
            min_df=self.min_df,
            max_char_features=self.max_char_features,
            embedding_model=self.embedding_model,
        )
        X = self.vectoriser_.fit_transform(docs).tocsr()

        # out-of-fold raw scores on the training data, for calibration and thresholds
        oof = np.zeros(Y.shape, dtype=np.float64)
        folds = KFold(n_splits=self.cv, shuffle=True, random_state=self.random_state)
        W_sum, b_sum = 0.0, 0.0
        for train_idx, test_idx in folds.split(X):
            W, b = self._fit_scores(X[train_idx], Y[train_idx])
            oof[test_idx] = X[test_idx] @ W + b
            W_sum, b_sum = W_sum + W, b_sum + b
        self.platt_ = np.zeros((2, Y.shape[1]))
        for j in range(Y.shape[1]):
            y = Y[:, j]
            if y.min() == y.max():
                self.platt_[:, j] = (1.0, 0.0)
                continue
            cal = LogisticRegression(C=1e4, solver="lbfgs").fit(oof[:, [j]], y)
            self.platt_[:, j] = (cal.coef_[0, 0], cal.intercept_[0])
        p_oof = _sigmoid(oof * self.platt_[0] + self.platt_[1])
        own = np.array([best_f1_threshold(Y[:, j], p_oof[:, j]) for j in range(Y.shape[1])])
        # a code with few positives gets a noisy threshold of its own; shrink it towards the one threshold
        # that is best over all codes together, weighting the code's own by its number of positives
        pooled = best_f1_threshold(Y.ravel(), p_oof.ravel())
        positives = Y.sum(axis=0)
        m = float(self.threshold_shrinkage)
        self.thresholds_ = (positives * own + m * pooled) / np.maximum(positives + m, 1e-12)
        if self.fallback == "auto":
            without = _macro_f1(Y, self._decide(p_oof, fallback=False))
            with_fb = _macro_f1(Y, self._decide(p_oof, fallback=True))
            self.fallback_ = bool(with_fb > without)
        else:
            self.fallback_ = bool(self.fallback)
        self.oof_macro_f1_ = _macro_f1(Y, self._decide(p_oof, fallback=self.fallback_))
        self.cv_scores_ = {"oof_macro_f1": self.oof_macro_f1_}

        if self.final == "bag":
            # the average of the fold models: a bagged model, and no extra fit
            W, b = W_sum / self.cv, b_sum / self.cv
        else:
            W, b = self._fit_scores(X, Y)
        # fold calibration into the weights so prediction is a single product
        self.coef_ = np.ascontiguousarray((W * self.platt_[0]).astype(np.float32))
        self.intercept_ = (b * self.platt_[0] + self.platt_[1]).astype(np.float32)
        self.classes_ = np.array(self.labels_)
        self.n_features_ = X.shape[1]
        self.versions_ = {"mindthegap": __version__, "sklearn": sklearn.__version__}
        return self

    # -- prediction ----------------------------------------------------------------------------------------------
    def _decide(self, proba: np.ndarray, *, fallback: bool) -> np.ndarray:
        pred = (proba >= self.thresholds_).astype(np.int8)
        if fallback:
            empty = pred.sum(axis=1) == 0
            if empty.any():
                pred[np.flatnonzero(empty), proba[empty].argmax(axis=1)] = 1
        return pred

    def decision_function(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated log-odds per text and code."""
        X = self.vectoriser_.transform(clean_texts(texts))
        return np.asarray(X @ self.coef_) + self.intercept_

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated probability of each code for each text (n × codes)."""
        return _sigmoid(self.decision_function(texts))

    def predict_from_proba(self, proba: np.ndarray, texts: Sequence[str] | None = None) -> np.ndarray:
        """0/1 codes from probabilities; empty texts never get a fallback code."""
        pred = self._decide(proba, fallback=self.fallback_)
        if texts is not None and self.fallback_:
            blank = np.array([not t.strip() for t in clean_texts(texts)], dtype=bool)
            if blank.any():
                pred[blank] = (proba[blank] >= self.thresholds_).astype(np.int8)
        return pred

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """0/1 matrix of codes (n × codes)."""
        texts = list(texts)
        return self.predict_from_proba(self.predict_proba(texts), texts)

    # -- persistence ---------------------------------------------------------------------------------------------
    def save(self, path: str | Path) -> Path:
        """Write the fitted coder to ``path`` as JSON and arrays (never pickle), atomically."""
        from mindthegap.text.autocoder_file import save_autocoder

        return save_autocoder(self, path)


def _macro_f1(Y: np.ndarray, P: np.ndarray) -> float:
    tp = (Y & P).sum(axis=0)
    denom = Y.sum(axis=0) + P.sum(axis=0)
    f1 = np.where(denom > 0, 2 * tp / np.maximum(denom, 1), 0.0)
    return float(f1.mean())


def load_autocoder(
    path: str | Path, *, labels: Sequence[str] | None = None, codebook: str | None = None
) -> AutoCoder:
    """Load a coder saved by :meth:`AutoCoder.save`; see :mod:`mindthegap.text.autocoder_file`."""
    from mindthegap.text.autocoder_file import load_autocoder as load

    return load(path, labels=labels, codebook=codebook)
