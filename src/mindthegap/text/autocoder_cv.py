"""Choosing the auto-coder's settings and decision rule by cross-validation on the training data only.

Every candidate setting (regularisation C, feature weighting) is fitted once per fold of one iterative-stratified
split (:mod:`mindthegap.text.folds`), giving out-of-fold scores for every training text. Those scores decide:

- with ``per_code``, the *setting of each code*: the candidate whose out-of-fold scores rank that code best
  (highest average precision), chosen by :func:`choose_per_code` — a code with a dozen examples may want
  another C or weighting than one with nine hundred;
- the *decision rule* — Platt calibration, per-code thresholds (shrunk towards the pooled threshold for codes
  with few examples), and whether to fall back to the most likely code — fitted by :func:`fit_rule`;
- the *estimate* of how well a setting codes unseen text: for each fold, the rule is fitted on the other folds'
  out-of-fold scores and applied to this fold's (:func:`cross_fitted_scores`), so no fold is scored with
  thresholds — or, per code, settings — chosen on its own labels. The mean and standard deviation over folds are
  what ``autocode train`` reports, and the setting with the best mean macro-F1 is the one kept.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score

__all__ = [
    "DecisionRule",
    "best_f1_threshold",
    "choose_per_code",
    "combine_per_code",
    "cross_fitted_scores",
    "f1_scores",
    "fit_rule",
]


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


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -35, 35)))


def f1_scores(Y: np.ndarray, P: np.ndarray) -> tuple[float, float]:
    """(macro-F1, micro-F1) of 0/1 predictions ``P`` against ``Y``; a code never present nor predicted scores 0."""
    Y, P = np.asarray(Y, dtype=bool), np.asarray(P, dtype=bool)
    tp = (Y & P).sum(axis=0)
    denom = Y.sum(axis=0) + P.sum(axis=0)
    per_code = np.where(denom > 0, 2 * tp / np.maximum(denom, 1), 0.0)
    micro = 2 * tp.sum() / denom.sum() if denom.sum() else 0.0
    return float(per_code.mean()), float(micro)


@dataclass
class DecisionRule:
    """Raw scores → calibrated probabilities (``platt``: slope and intercept per code) → 0/1 codes."""

    platt: np.ndarray
    thresholds: np.ndarray
    fallback: bool

    def proba(self, scores: np.ndarray) -> np.ndarray:
        return sigmoid(scores * self.platt[0] + self.platt[1])

    def decide(self, proba: np.ndarray, *, fallback: bool | None = None) -> np.ndarray:
        pred = (proba >= self.thresholds).astype(np.int8)
        if self.fallback if fallback is None else fallback:
            empty = pred.sum(axis=1) == 0
            if empty.any():
                pred[np.flatnonzero(empty), proba[empty].argmax(axis=1)] = 1
        return pred


def fit_rule(scores: np.ndarray, Y: np.ndarray, *, shrinkage: float, fallback: bool | str) -> DecisionRule:
    """Platt scaling, per-code thresholds and the fallback choice, from out-of-fold ``scores`` of ``Y``."""
    n_labels = Y.shape[1]
    platt = np.zeros((2, n_labels))
    for j in range(n_labels):
        y = Y[:, j]
        if y.min() == y.max():
            platt[:, j] = (1.0, 0.0)
            continue
        cal = LogisticRegression(C=1e4, solver="lbfgs").fit(scores[:, [j]], y)
        platt[:, j] = (cal.coef_[0, 0], cal.intercept_[0])
        if platt[0, j] < 0:  # scores that rank the code backwards say nothing: its base rate, for every text
            platt[:, j] = (0.0, np.log(y.mean() / (1 - y.mean())))
    proba = sigmoid(scores * platt[0] + platt[1])
    own = np.array([best_f1_threshold(Y[:, j], proba[:, j]) for j in range(n_labels)])
    # a code with few positives gets a noisy threshold of its own; shrink it towards the one threshold that is
    # best over all codes together, weighting the code's own by its number of positives
    pooled = best_f1_threshold(Y.ravel(), proba.ravel())
    positives = Y.sum(axis=0)
    thresholds = (positives * own + shrinkage * pooled) / np.maximum(positives + shrinkage, 1e-12)
    rule = DecisionRule(platt, thresholds, bool(fallback) if fallback != "auto" else False)
    if fallback == "auto":
        without = f1_scores(Y, rule.decide(proba, fallback=False))[0]
        rule.fallback = f1_scores(Y, rule.decide(proba, fallback=True))[0] > without
    return rule


def choose_per_code(pool: list[np.ndarray], Y: np.ndarray) -> np.ndarray:
    """For each code, the index in ``pool`` (out-of-fold scores of each candidate) ranking it best.

    "Best" is the highest average precision, a threshold-free summary of the ranking; ties and codes without
    both classes go to the first candidate.
    """
    choice = np.zeros(Y.shape[1], dtype=np.int64)
    if len(pool) < 2:
        return choice
    for j in range(Y.shape[1]):
        if Y[:, j].min() == Y[:, j].max():
            continue
        ap = [average_precision_score(Y[:, j], scores[:, j]) for scores in pool]
        choice[j] = int(np.argmax(ap))
    return choice


def combine_per_code(pool: list[np.ndarray], choice: np.ndarray) -> np.ndarray:
    """Column ``j`` of ``pool[choice[j]]`` for every code ``j`` (the arrays' last axis is the code)."""
    return np.stack([pool[c][..., j] for j, c in enumerate(choice)], axis=-1)


def cross_fitted_scores(
    scores: np.ndarray | list[np.ndarray],
    Y: np.ndarray,
    folds: np.ndarray,
    *,
    shrinkage: float,
    fallback: bool | str,
) -> np.ndarray:
    """Per fold, (macro-F1, micro-F1) of that fold scored with a rule fitted on the other folds (folds × 2).

    ``scores`` may be a list of candidates' out-of-fold scores: each fold then takes, code by code, the
    candidate :func:`choose_per_code` picks on the other folds.
    """
    pool = scores if isinstance(scores, list) else [scores]
    out = []
    for k in np.unique(folds):
        test = folds == k
        scores = combine_per_code(pool, choose_per_code([p[~test] for p in pool], Y[~test]))
        rule = fit_rule(scores[~test], Y[~test], shrinkage=shrinkage, fallback=fallback)
        out.append(f1_scores(Y[test], rule.decide(rule.proba(scores[test]))))
    return np.array(out)
