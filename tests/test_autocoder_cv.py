"""Honest auto-coder accuracy (issue 11 item 6): folds, cross-fitted scores and the choice of settings.

References: scikit-learn's ``f1_score`` for macro- and micro-F1; hand counts for the stratified folds (a code with
10 examples over 5 folds must put exactly 2 in each, as iterative stratification deals it first); and, for
"no fold is scored with thresholds chosen on its own labels", the fact that scrambling one fold's labels cannot
change the rule that fold is scored with.
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import f1_score
from tests.test_autocoder import synthetic_corpus

from mindthegap.text.autocoder import AutoCoder
from mindthegap.text.autocoder_cv import cross_fitted_scores, f1_scores, fit_rule
from mindthegap.text.folds import iterative_folds, iterative_split


def test_f1_scores_match_sklearn():
    rng = np.random.default_rng(4)
    Y = rng.random((200, 6)) < 0.2
    P = (Y ^ (rng.random((200, 6)) < 0.15)).astype(int)
    P[:, 5] = 0  # a code never predicted
    macro, micro = f1_scores(Y, P)
    assert macro == pytest.approx(f1_score(Y, P, average="macro", zero_division=0))
    assert micro == pytest.approx(f1_score(Y, P, average="micro", zero_division=0))


def test_iterative_folds_spread_rare_codes_evenly():
    rng = np.random.default_rng(1)
    Y = np.zeros((500, 3), dtype=int)
    Y[rng.choice(500, 10, replace=False), 0] = 1  # rare: 10 examples
    Y[:, 1] = rng.random(500) < 0.3
    Y[:, 2] = rng.random(500) < 0.05
    folds = iterative_folds(Y, 5, random_state=0)
    counts = np.array([Y[folds == k].sum(axis=0) for k in range(5)])
    assert counts[:, 0].tolist() == [2, 2, 2, 2, 2]
    assert counts.max(axis=0).tolist() == pytest.approx(counts.min(axis=0) + np.array([0, 1, 1]), abs=1)
    sizes = np.bincount(folds)
    assert sizes.min() >= 99 and sizes.max() <= 101
    assert np.array_equal(folds, iterative_folds(Y, 5, random_state=0))  # seeded
    splits = list(iterative_split(Y, 5))
    assert sorted(np.concatenate([te for _, te in splits]).tolist()) == list(range(500))


def test_each_fold_is_scored_with_a_rule_that_never_saw_its_labels():
    rng = np.random.default_rng(2)
    Y = (rng.random((300, 3)) < 0.3).astype(int)
    scores = Y * 1.5 + rng.normal(size=Y.shape)
    folds = iterative_folds(Y, 5, random_state=0)
    base = cross_fitted_scores(scores, Y, folds, shrinkage=5.0, fallback="auto")
    scrambled = Y.copy()
    scrambled[folds == 0] = 1 - scrambled[folds == 0]
    again = cross_fitted_scores(scores, scrambled, folds, shrinkage=5.0, fallback="auto")
    # fold 0 is scored against its (scrambled) labels with the very same rule, so only its own score moves
    rule = fit_rule(scores[folds != 0], Y[folds != 0], shrinkage=5.0, fallback="auto")
    P0 = rule.decide(rule.proba(scores[folds == 0]))
    assert tuple(again[0]) == pytest.approx(f1_scores(scrambled[folds == 0], P0))
    assert tuple(base[0]) == pytest.approx(f1_scores(Y[folds == 0], P0))
    assert base.shape == (5, 2) and not np.allclose(base[1:], again[1:])  # the other folds' rules did change


def test_settings_are_chosen_by_cross_validation_and_reported():
    texts, Y = synthetic_corpus(200)
    model = AutoCoder(cv=4, C_grid=(1.0, 8.0)).fit(texts, Y, codes=["a", "b", "c"])
    assert len(model.cv_results_) == 4  # 2 values of C × with and without log-count ratios
    best = max(model.cv_results_, key=lambda r: (r["macro_f1_mean"], r["micro_f1_mean"]))
    assert model.best_params_ == {"C": best["C"], "log_count_ratio": best["log_count_ratio"]}
    for key in ("macro_f1_mean", "macro_f1_sd", "micro_f1_mean", "micro_f1_sd"):
        assert model.cv_scores_[key] == pytest.approx(best[key])
    assert 0 <= model.cv_scores_["macro_f1_sd"] < 0.5
    fixed = AutoCoder(cv=4, C=2.0, log_count_ratio=False).fit(texts, Y)
    assert len(fixed.cv_results_) == 1 and fixed.best_params_ == {"C": 2.0, "log_count_ratio": False}
