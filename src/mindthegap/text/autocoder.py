"""Code by example: a multi-label auto-coder that learns an analyst's coding from the part already coded.

One shared TF-IDF feature matrix (:mod:`mindthegap.text.features`) and one linear model per code — a linear
support-vector machine by default, which cross-validation on real NHS feedback preferred to logistic regression
(docs/benchmarks.md). Raw scores are
calibrated into probabilities with Platt scaling fitted on out-of-fold scores of the training data, and each code's
decision threshold is tuned on those same out-of-fold probabilities, so nothing about the evaluation data leaks in.
Each comment is scored as a whole and by its parts (sentences and contrast clauses;
:mod:`mindthegap.text.autocoder_parts`), so a theme raised in one sentence of a long comment still counts.
Prediction is a sparse transform of the comments and of their parts and one matrix product over all codes, fast
enough for a month of Friends and Family Test comments in seconds on a laptop.

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
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC
from sklearn.utils.validation import check_is_fitted

from mindthegap import __version__
from mindthegap.errors import InputError, renamed_keyword
from mindthegap.text.autocoder_context import ContextEncoder
from mindthegap.text.autocoder_cv import (
    DecisionRule,
    best_f1_threshold,
    choose_per_code,
    combine_per_code,
    cross_fitted_scores,
    f1_scores,
    fit_rule,
    sigmoid,
)
from mindthegap.text.autocoder_parts import best_part_rows, best_part_scores, part_spans, split_parts
from mindthegap.text.features import clean_texts, text_vectoriser
from mindthegap.text.folds import iterative_folds

__all__ = [
    "DEFAULT_C_GRIDS",
    "PART_WEIGHT_GRID",
    "AutoCoder",
    "best_f1_threshold",
    "codebook_fingerprint",
    "load_autocoder",
]

#: The values of C cross-validation chooses among when ``C_grid`` is left as ``None``, per learner. A linear SVM's
#: C is on another scale from logistic regression's; these bracket the best of each on real feedback.
DEFAULT_C_GRIDS: dict[str, tuple[float, ...]] = {"svm": (0.1, 0.2), "logistic": (4.0, 16.0)}

#: The weights of a comment's best-scoring part cross-validation chooses among when ``part_weight`` is ``None``
#: (0: the whole comment only; :mod:`mindthegap.text.autocoder_parts`).
PART_WEIGHT_GRID: tuple[float, ...] = (0.0, 0.5, 1.0)


def codebook_fingerprint(labels: Sequence[str], definitions: Sequence[str] | None = None) -> str:
    """A short hash of the code names (and definitions, if given) in order, identifying the codebook."""
    h = hashlib.sha256()
    for i, label in enumerate(labels):
        h.update(label.encode("utf-8") + b"\x1f")
        if definitions is not None:
            h.update(str(definitions[i]).encode("utf-8"))
        h.update(b"\x1e")
    return h.hexdigest()[:16]


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
                "examples with and without it, or leave it out of the codes",
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


class AutoCoder(ClassifierMixin, BaseEstimator):
    """Multi-label text coder: TF-IDF features, one linear model per code, Platt-calibrated, CV-tuned thresholds.

    ``learner`` is ``"svm"`` (a linear support-vector machine, squared hinge loss) or ``"logistic"`` (logistic
    regression). Settings left as ``None`` — ``C`` (chosen from ``C_grid``, or from the learner's
    ``DEFAULT_C_GRIDS`` when that is ``None`` too) and ``log_count_ratio`` (naive-Bayes feature weighting, Wang
    and Manning 2012, or plain TF-IDF) — are chosen by ``cv``-fold iterative-stratified
    cross-validation on the training texts only (:mod:`mindthegap.text.autocoder_cv`), as are the calibration, the
    per-code thresholds (shrunk towards the pooled best threshold by ``threshold_shrinkage`` pseudo-positives,
    which steadies codes with few examples) and, when ``fallback`` is ``"auto"``, the fallback rule. With
    ``per_code_settings``, one more option competes: each code takes the candidate whose out-of-fold scores rank
    it best (:func:`~mindthegap.text.autocoder_cv.choose_per_code`; its cross-validated score picks per code
    inside each fold), at no extra fitting cost. ``cv_scores_`` holds the chosen option's cross-validated
    macro- and micro-F1 (mean and sd over folds); ``cv_results_`` every option's (the per-code one with C and
    ``log_count_ratio`` None); ``best_params_`` the chosen setting, as lists (one entry a code) when per code.

    ``fit(texts, Y)`` takes a sequence of strings and a 0/1 matrix or DataFrame (one column per code).
    ``predict_proba`` returns calibrated probabilities (n × codes); ``predict`` applies each code's threshold and,
    when the fallback is on, gives every non-empty comment its single most likely code if no code passes.
    ``sentiment``, an unfitted sentiment estimator such as
    :class:`~mindthegap.text.sentiment.SentimentModel`, is fitted by ``fit`` on ``sentiment_labels`` (a copy,
    as ``sentiment_model_``; the parameter itself is left untouched) and saved with the coder. Predicting before
    ``fit`` raises scikit-learn's ``NotFittedError``.

    ``fit(..., context=frame)`` adds optional categorical context columns (the question asked, the rating given)
    as one-hot features times ``context_weight`` (0.5, which cross-validation on real feedback preferred to 0.25–2)
    and, with ``context_interactions``, one-hot pairs of values (which it did not prefer); ``predict``,
    ``predict_proba`` and ``decision_function`` then need ``context=`` with the same columns
    (:mod:`mindthegap.text.autocoder_context`).

    Each comment is also scored by its parts — sentences, and clauses either side of "but", "however" and the
    like — taking per code the best part's score, blended with the whole comment's as ``(1 − part_weight) ·
    whole + part_weight · best part`` (:mod:`mindthegap.text.autocoder_parts`): a theme raised in one sentence
    of a long comment is not drowned by the rest. ``part_weight`` is 0.5, which cross-validation on real feedback
    preferred to 0.25, 0.75 and 1 (and nested cross-validation to choosing it per training set), or chosen by
    cross-validation from ``PART_WEIGHT_GRID`` when ``None`` (the weight used is ``part_weight_``); 0 scores the
    whole comment only. It costs no extra fitting, only scoring the parts.
    """

    def __init__(
        self,
        *,
        C: float | None = None,
        C_grid: tuple[float, ...] | None = None,
        learner: str = "svm",
        per_code_settings: bool = True,
        class_weight: str | None = None,
        cv: int = 5,
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
        log_count_ratio: bool | None = None,
        sentiment: Any = None,
        context_weight: float = 0.5,
        context_interactions: bool = False,
        part_weight: float | None = 0.5,
    ) -> None:
        self.part_weight = part_weight
        self.sentiment = sentiment
        self.context_weight = context_weight
        self.context_interactions = context_interactions
        self.C = C
        self.C_grid = C_grid
        self.learner = learner
        self.per_code_settings = per_code_settings
        self.log_count_ratio = log_count_ratio
        self.threshold_shrinkage = threshold_shrinkage
        self.final = final
        self.embedding_model = embedding_model
        self.char_ngrams = char_ngrams
        self.word_ngrams = word_ngrams
        self.char_analyzer = char_analyzer
        self.class_weight = class_weight
        self.cv = cv
        self.fallback = fallback
        self.min_df = min_df
        self.max_char_features = max_char_features
        self.random_state = random_state

    # -- fitting -------------------------------------------------------------------------------------------------
    def candidates(self) -> list[dict[str, Any]]:
        """The settings cross-validation chooses among (one, when nothing is left to choose)."""
        if self.learner not in DEFAULT_C_GRIDS:
            raise InputError(
                f"unknown learner {self.learner!r}", hint=f"use one of {', '.join(sorted(DEFAULT_C_GRIDS))}"
            )
        grid = self.C_grid if self.C_grid is not None else DEFAULT_C_GRIDS[self.learner]
        cs = [float(self.C)] if self.C is not None else [float(c) for c in grid]
        ratios = [bool(self.log_count_ratio)] if self.log_count_ratio is not None else [False, True]
        return [{"C": c, "log_count_ratio": r} for r in ratios for c in cs]

    def _linear_model(self, C: float) -> LinearSVC | LogisticRegression:
        # texts are fewer than features: the dual problem solves several times faster
        if self.learner == "svm":
            return LinearSVC(C=C, class_weight=self.class_weight, dual=True, max_iter=5000, random_state=0)
        return LogisticRegression(
            C=C, class_weight=self.class_weight, solver="liblinear", dual=True, max_iter=1000, random_state=0
        )

    def _fit_code(self, X, y: np.ndarray, setting: dict[str, Any]) -> tuple[np.ndarray, float]:
        if y.min() == y.max():
            return np.zeros(X.shape[1]), -10.0 if y.max() == 0 else 10.0
        linear = self._linear_model(setting["C"])
        if setting["log_count_ratio"]:
            r = _log_count_ratio(X, y)
            m = linear.fit(X @ sp.diags(r), y)
            return m.coef_[0] * r, float(m.intercept_[0])
        m = linear.fit(X, y)
        return m.coef_[0], float(m.intercept_[0])

    def _fit_scores(
        self, X, Y: np.ndarray, setting: dict[str, Any] | list[dict[str, Any]]
    ) -> tuple[np.ndarray, np.ndarray]:
        """Weights (features × codes) and intercepts, with one setting for all codes or one per code."""
        settings = setting if isinstance(setting, list) else [setting] * Y.shape[1]
        W = np.zeros((X.shape[1], Y.shape[1]), dtype=np.float64)
        b = np.zeros(Y.shape[1], dtype=np.float64)
        for j, one in enumerate(settings):
            W[:, j], b[j] = self._fit_code(X, Y[:, j], one)
        return W, b

    def _check_input(self, texts: Sequence[str], Y: Any, labels: Sequence[str] | None):
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
        return docs, Y, [str(x) for x in (labels if labels is not None else range(Y.shape[1]))]

    def part_weights(self) -> list[float]:
        """The weights of the best part cross-validation chooses among (one, when ``part_weight`` is set)."""
        if self.part_weight is None:
            return [float(w) for w in PART_WEIGHT_GRID]
        weight = float(self.part_weight)
        if not 0.0 <= weight <= 1.0:
            raise InputError(
                f"part weight {self.part_weight!r} is not between 0 and 1", hint="use 0 to 1, or None"
            )
        return [weight]

    def _candidate_scores(self, X, Y: np.ndarray, folds: np.ndarray, parts: tuple[Any, np.ndarray]):
        """Per candidate setting: out-of-fold scores of the whole comments and of their best parts, and the sums of
        the fold models' weights and intercepts (for ``final="bag"``)."""
        out = []
        for setting in self.candidates():
            whole, best, W_sum, b_sum = np.zeros(Y.shape), np.zeros(Y.shape), 0.0, 0.0
            for k in range(self.cv):
                W, b = self._fit_scores(X[folds != k], Y[folds != k], setting)
                test = folds == k
                every = np.asarray(X @ W) + b
                whole[test] = every[test]
                best[test] = best_part_scores(every, parts[0], parts[1], W, b)[test]
                W_sum, b_sum = W_sum + W, b_sum + b
            out.append((setting, whole, best, W_sum, b_sum))
        return out

    def _options(self, candidates: list, weight: float):
        """(row, settings, pool) of each option at one part weight: every candidate alone and, with
        ``per_code_settings``, every candidate chosen code by code."""
        pool = [
            ((1 - weight) * whole + weight * best, W_sum, b_sum)
            for _, whole, best, W_sum, b_sum in candidates
        ]
        for setting, entry in zip(candidates, pool, strict=True):
            yield {**setting[0], "part_weight": weight}, [setting[0]], [entry]
        if self.per_code_settings and len(candidates) > 1:
            yield (
                {"C": None, "log_count_ratio": None, "part_weight": weight},
                [c[0] for c in candidates],
                pool,
            )

    def _search(
        self, X, Y: np.ndarray, folds: np.ndarray, parts: tuple[Any, np.ndarray], rule_args: dict[str, Any]
    ):
        """Out-of-fold scores of every option — candidate setting (and, with ``per_code_settings``, the best per
        code) at every part weight; keeps the best by mean cross-fitted macro-F1 (then micro): (row, setting of
        each code, oof, fold sums)."""
        self.cv_results_, best = [], None
        candidates = self._candidate_scores(X, Y, folds, parts)
        for weight in self.part_weights():
            for row, options, pool in self._options(candidates, weight):
                oofs = [p[0] for p in pool]
                per_fold = cross_fitted_scores(oofs, Y, folds, **rule_args)
                choice = choose_per_code(oofs, Y)
                oof, W_sum, b_sum = (combine_per_code([p[i] for p in pool], choice) for i in range(3))
                settings = [options[c] for c in choice]
                row.update(macro_f1_mean=per_fold[:, 0].mean(), macro_f1_sd=per_fold[:, 0].std(ddof=1),
                           micro_f1_mean=per_fold[:, 1].mean(), micro_f1_sd=per_fold[:, 1].std(ddof=1))  # fmt: skip
                self.cv_results_.append(row)
                if best is None or (row["macro_f1_mean"], row["micro_f1_mean"]) > best[0]:
                    best = ((row["macro_f1_mean"], row["micro_f1_mean"]), row, settings, oof, W_sum, b_sum)
        return best[1:]

    def _record(self, row: dict[str, Any], settings: list[dict[str, Any]]) -> None:
        """``best_params_`` and ``cv_scores_`` of the chosen option (per-code settings are lists, one a code)."""
        self.part_weight_ = float(row["part_weight"])
        if row["C"] is None:
            self.best_params_ = {key: [s[key] for s in settings] for key in ("C", "log_count_ratio")}
            chosen = {"per_code_settings": 1.0}
        else:
            self.best_params_ = {"C": row["C"], "log_count_ratio": row["log_count_ratio"]}
            chosen = {"C": row["C"], "log_count_ratio": float(row["log_count_ratio"])}
        self.best_params_["part_weight"] = self.part_weight_
        chosen["part_weight"] = self.part_weight_
        self.code_settings_ = settings
        self.cv_scores_ = {k: float(v) for k, v in row.items() if k.endswith(("_mean", "_sd"))}
        self.cv_scores_.update(oof_macro_f1=self.oof_macro_f1_, **chosen)

    def fit(
        self,
        texts: Sequence[str],
        Y: Any,
        *,
        codes: Sequence[str] | None = None,
        context: Any = None,
        sentiment_labels: Any = None,
        labels: Sequence[str] | None = None,
    ) -> AutoCoder:
        """Learn the coding from ``texts`` and their 0/1 code matrix ``Y`` (and sentiment from 1–5 labels).

        ``codes`` names the columns of ``Y`` (by default a DataFrame's columns); ``labels=`` is its old name.
        ``context``, optional, is a DataFrame (or mapping) of categorical columns known beside each text — such as
        the question asked and the rating given — added as one-hot features weighted by ``context_weight``
        (:mod:`mindthegap.text.autocoder_context`); a coder trained with context needs the same columns to
        predict."""
        codes = renamed_keyword("AutoCoder.fit", "labels", "codes", labels, codes, None)
        if (self.sentiment is None) != (sentiment_labels is None):
            raise InputError(
                "sentiment labels and a sentiment model go together",
                hint="give both AutoCoder(sentiment=SentimentModel()) and fit(..., sentiment_labels=...)",
            )
        self.candidates(), self.part_weights()  # refuse an unknown learner or part weight before any work
        docs, Y, self.labels_ = self._check_input(texts, Y, codes)
        warn_degenerate_codes(Y, self.labels_)
        self.codebook_ = codebook_fingerprint(self.labels_)
        X = self._fit_features(docs, context)
        parts = self._part_features(docs, X)
        folds = iterative_folds(Y, self.cv, random_state=self.random_state)
        rule_args = {"shrinkage": float(self.threshold_shrinkage), "fallback": self.fallback}
        row, settings, oof, W_sum, b_sum = self._search(X, Y, folds, parts, rule_args)
        rule = fit_rule(oof, Y, **rule_args)
        self.platt_, self.thresholds_, self.fallback_ = rule.platt, rule.thresholds, rule.fallback
        self.oof_macro_f1_ = f1_scores(Y, rule.decide(rule.proba(oof)))[0]
        self._record(row, settings)
        if self.final == "bag":  # the average of the fold models: a bagged model, and no extra fit
            W, b = W_sum / self.cv, b_sum / self.cv
        else:
            W, b = self._fit_scores(X, Y, settings)
        # fold calibration into the weights so prediction is a single product
        self.coef_ = np.ascontiguousarray((W * self.platt_[0]).astype(np.float32))
        self.intercept_ = (b * self.platt_[0] + self.platt_[1]).astype(np.float32)
        self.classes_ = np.array(self.labels_)
        self.n_features_ = X.shape[1]
        self.versions_ = {"mindthegap": __version__, "sklearn": sklearn.__version__}
        if self.sentiment is not None:
            self.sentiment_model_ = clone(self.sentiment).fit(list(texts), sentiment_labels)
        return self

    def _fit_features(self, docs: list[str], context: Any):
        """Fit the text vectoriser (and the context encoder, given ``context``) and return the training features."""
        self.vectoriser_ = text_vectoriser(
            word_ngrams=tuple(self.word_ngrams),
            char_ngrams=tuple(self.char_ngrams),
            char_analyzer=self.char_analyzer,
            min_df=self.min_df,
            max_char_features=self.max_char_features,
            embedding_model=self.embedding_model,
        )
        X = self.vectoriser_.fit_transform(docs).tocsr()
        self.context_ = None
        if context is not None:
            self.context_ = ContextEncoder(
                weight=float(self.context_weight), interactions=bool(self.context_interactions)
            ).fit(context, len(docs))
            X = sp.hstack([X, self.context_.transform(context, len(docs))], format="csr")
        return X

    def _part_features(self, docs: list[str], X) -> tuple[Any, np.ndarray]:
        """Features of the parts of every comment of more than one part (each with its comment's context
        columns), and the comment each part belongs to (:func:`~mindthegap.text.autocoder_parts.split_parts`)."""
        parts, owner = split_parts(docs)
        if not parts:
            return sp.csr_matrix((0, X.shape[1]), dtype=X.dtype), owner
        text = self.vectoriser_.transform(parts)
        if text.shape[1] < X.shape[1]:  # the context columns follow the text's
            text = sp.hstack([text, X[owner][:, text.shape[1] :]], format="csr")
        return text.tocsr(), owner

    @property
    def codes_(self) -> list[str]:
        """The codes the coder proposes, in the order of its columns (stored as ``labels_``, the model file's name)."""
        return self.labels_

    # -- prediction ----------------------------------------------------------------------------------------------
    def _decide(self, proba: np.ndarray, *, fallback: bool) -> np.ndarray:
        return DecisionRule(np.zeros((2, 0)), self.thresholds_, fallback).decide(proba)

    @property
    def context_columns_(self) -> list[str]:
        """The context columns the coder was trained with (empty for a text-only coder)."""
        encoder = getattr(self, "context_", None)
        return list(encoder.columns_) if encoder is not None else []

    def _features(self, docs: list[str], context: Any):
        X = self.vectoriser_.transform(docs)
        encoder = getattr(self, "context_", None)
        if encoder is None:
            if context is not None:
                raise InputError(
                    "this model was trained without context columns, but context was given",
                    hint="apply it to the text alone, or retrain it with the context columns",
                )
            return X
        return sp.hstack([X, encoder.transform(context, len(docs))], format="csr")

    def decision_function(self, texts: Sequence[str], *, context: Any = None) -> np.ndarray:
        """Calibrated log-odds per text and code (``context``: the columns the coder was trained with, if any)."""
        check_is_fitted(self, "coef_")
        docs = clean_texts(texts)
        X = self._features(docs, context)
        whole = np.asarray(X @ self.coef_) + self.intercept_
        weight = float(getattr(self, "part_weight_", 0.0))
        if weight == 0.0:
            return whole
        # calibration is folded into the weights with a slope never below 0, so the best calibrated part is the
        # best raw part and the blend is the one cross-validation scored
        part_features, owner = self._part_features(docs, X)
        best = best_part_scores(whole, part_features, owner, self.coef_, self.intercept_)
        return (1.0 - weight) * whole + weight * best

    def best_part_spans(self, texts: Sequence[str], *, context: Any = None) -> np.ndarray:
        """Per text and code, ``(start, end)`` in the text as given (code points) of the part that scores the code
        highest — the sentence or clause a suggestion points at — or of the whole text, trimmed, when it is one
        part (texts × codes × 2)."""
        check_is_fitted(self, "coef_")
        docs = clean_texts(texts)
        raw = [t if isinstance(t, str) else d for t, d in zip(texts, docs, strict=True)]
        out = np.zeros((len(docs), len(self.labels_), 2), dtype=np.int64)
        for i, text in enumerate(raw):
            out[i, :] = (len(text) - len(text.lstrip()), len(text.rstrip()))
        part_features, owner = self._part_features(docs, self._features(docs, context))
        if len(owner) == 0:
            return out
        counts = np.bincount(owner, minlength=len(docs))
        rows, best = best_part_rows(np.asarray(part_features @ self.coef_) + self.intercept_, owner)
        for i, positions in zip(rows, best, strict=True):
            spans = part_spans(raw[i])
            if len(spans) == counts[i]:  # always, for a text given as a string
                out[i] = np.asarray(spans, dtype=np.int64)[positions]
        return out

    def predict_proba(self, texts: Sequence[str], *, context: Any = None) -> np.ndarray:
        """Calibrated probability of each code for each text (n × codes)."""
        return sigmoid(self.decision_function(texts, context=context))

    def predict_from_proba(self, proba: np.ndarray, texts: Sequence[str] | None = None) -> np.ndarray:
        """0/1 codes from probabilities; empty texts never get a fallback code."""
        check_is_fitted(self, "thresholds_")
        pred = self._decide(proba, fallback=self.fallback_)
        if texts is not None and self.fallback_:
            blank = np.array([not t for t in clean_texts(texts)], dtype=bool)  # cleaning strips spaces
            if blank.any():
                pred[blank] = (proba[blank] >= self.thresholds_).astype(np.int8)
        return pred

    def predict(self, texts: Sequence[str], *, context: Any = None) -> np.ndarray:
        """0/1 matrix of codes (n × codes)."""
        texts = clean_texts(texts)
        return self.predict_from_proba(self.predict_proba(texts, context=context), texts)

    # -- persistence ---------------------------------------------------------------------------------------------
    def save(self, path: str | Path) -> Path:
        """Write the fitted coder to ``path`` as JSON and arrays (never pickle), atomically."""
        from mindthegap.text.autocoder_file import save_autocoder

        return save_autocoder(self, path)


def load_autocoder(
    path: str | Path,
    *,
    codes: Sequence[str] | None = None,
    codebook: str | None = None,
    labels: Sequence[str] | None = None,
) -> AutoCoder:
    """Load a coder saved by :meth:`AutoCoder.save`; see :mod:`mindthegap.text.autocoder_file`.

    ``codes`` (old name ``labels=``) and ``codebook`` refuse a model trained on another codebook."""
    from mindthegap.text.autocoder_file import load_autocoder as load

    codes = renamed_keyword("load_autocoder", "labels", "codes", labels, codes, None)
    return load(path, codes=codes, codebook=codebook)
