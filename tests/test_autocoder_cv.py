"""Honest auto-coder accuracy (issue 11 item 6): folds, cross-fitted scores and the choice of settings.

References: scikit-learn's ``f1_score`` for macro- and micro-F1; hand counts for the stratified folds (a code with
10 examples over 5 folds must put exactly 2 in each, as iterative stratification deals it first); and, for
"no fold is scored with thresholds chosen on its own labels", the fact that scrambling one fold's labels cannot
change the rule that fold is scored with.
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.svm import LinearSVC
from tests.test_autocoder import synthetic_corpus

from mindthegap.errors import InputError
from mindthegap.text.autocoder import AutoCoder
from mindthegap.text.autocoder_cv import (
    choose_per_code,
    combine_per_code,
    cross_fitted_scores,
    f1_scores,
    fit_rule,
)
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
    model = AutoCoder(cv=4, C_grid=(1.0, 8.0), part_weight=None).fit(texts, Y, codes=["a", "b", "c"])
    # at each of the three part weights: 2 values of C × with and without log-count ratios, then all four chosen
    # code by code
    assert len(model.cv_results_) == 15
    assert [r["part_weight"] for r in model.cv_results_] == [0.0] * 5 + [0.5] * 5 + [1.0] * 5
    assert [r["C"] is None for r in model.cv_results_] == [False] * 4 + [True] + [False] * 4 + [True] + [
        False
    ] * 4 + [True]
    best = max(model.cv_results_, key=lambda r: (r["macro_f1_mean"], r["micro_f1_mean"]))
    settings = model.code_settings_
    assert model.part_weight_ == best["part_weight"] == model.best_params_["part_weight"]
    if best["C"] is None:
        assert model.best_params_ == {
            **{k: [s[k] for s in settings] for k in ("C", "log_count_ratio")},
            "part_weight": best["part_weight"],
        }
    else:
        assert model.best_params_ == {
            "C": best["C"],
            "log_count_ratio": best["log_count_ratio"],
            "part_weight": best["part_weight"],
        }
        assert settings == [{"C": best["C"], "log_count_ratio": best["log_count_ratio"]}] * 3
    for key in ("macro_f1_mean", "macro_f1_sd", "micro_f1_mean", "micro_f1_sd"):
        assert model.cv_scores_[key] == pytest.approx(best[key])
    assert 0 <= model.cv_scores_["macro_f1_sd"] < 0.5
    fixed = AutoCoder(cv=4, C=2.0, log_count_ratio=False, part_weight=0.0).fit(texts, Y)
    assert len(fixed.cv_results_) == 1
    assert fixed.best_params_ == {"C": 2.0, "log_count_ratio": False, "part_weight": 0.0}
    default = AutoCoder(cv=4, C=2.0, log_count_ratio=False).fit(texts, Y)
    assert [r["part_weight"] for r in default.cv_results_] == [0.5] and default.part_weight_ == 0.5


@pytest.mark.parametrize(
    ("learner", "reference"),
    [
        ("svm", lambda C: LinearSVC(C=C, dual=True, max_iter=5000, random_state=0)),
        ("logistic", lambda C: LogisticRegression(C=C, solver="liblinear", dual=True, random_state=0)),
    ],
)
def test_each_learner_fits_the_model_it_names(learner, reference):
    """The per-code weights are scikit-learn's LinearSVC (squared hinge) or LogisticRegression, fitted directly."""
    texts, Y = synthetic_corpus(120)
    coder = AutoCoder(cv=3, learner=learner, C=0.5, log_count_ratio=False).fit(texts, Y)
    X = coder.vectoriser_.transform(texts)
    W, b = coder._fit_scores(X, Y, {"C": 0.5, "log_count_ratio": False})
    for j in range(Y.shape[1]):
        direct = reference(0.5).fit(X, Y[:, j])
        np.testing.assert_allclose(W[:, j], direct.coef_[0], atol=1e-6)
        assert b[j] == pytest.approx(direct.intercept_[0], abs=1e-6)


def test_default_c_grid_follows_the_learner_and_unknown_learners_are_refused():
    assert [c["C"] for c in AutoCoder().candidates()] == [0.1, 0.2, 0.1, 0.2]
    assert [c["C"] for c in AutoCoder(learner="logistic").candidates()] == [4.0, 16.0, 4.0, 16.0]
    assert [c["C"] for c in AutoCoder(learner="logistic", C_grid=(2.0,)).candidates()] == [2.0, 2.0]
    texts, Y = synthetic_corpus(60)
    with pytest.raises(InputError, match="unknown learner"):
        AutoCoder(learner="forest").fit(texts, Y)


def test_each_code_takes_the_candidate_that_ranks_it_best():
    """Hand reference: candidate A ranks code 0 perfectly (average precision 1) and code 1 backwards; B the
    reverse; code 2 has no positives, so it keeps the first candidate."""
    y = np.array([1, 1, 0, 0, 0, 0])
    Y = np.column_stack([y, y, np.zeros(6, dtype=int)])
    up, down = np.linspace(1, 0, 6), np.linspace(0, 1, 6)
    A, B = np.column_stack([up, down, up]), np.column_stack([down, up, down])
    choice = choose_per_code([A, B], Y)
    assert choice.tolist() == [0, 1, 0]
    np.testing.assert_array_equal(combine_per_code([A, B], choice), np.column_stack([up, up, up]))
    assert choose_per_code([B], Y).tolist() == [0, 0, 0]


def test_per_code_cross_validation_chooses_on_the_other_folds_only():
    """One candidate gives cross_fitted_scores exactly as a bare array does; with two, fold 0 is scored with the
    per-code choice and the rule made on folds 1–4 alone (reference: that choice and rule built step by step)."""
    rng = np.random.default_rng(7)
    Y = (rng.random((300, 4)) < 0.2).astype(int)
    folds = iterative_folds(Y, 5, random_state=0)
    A = Y + rng.normal(0, 0.6, Y.shape)
    B = Y + rng.normal(0, 0.6, Y.shape)
    args = {"shrinkage": 5.0, "fallback": "auto"}
    np.testing.assert_array_equal(
        cross_fitted_scores([A], Y, folds, **args), cross_fitted_scores(A, Y, folds, **args)
    )
    base = cross_fitted_scores([A, B], Y, folds, **args)
    rest = folds != 0
    S = combine_per_code([A, B], choose_per_code([A[rest], B[rest]], Y[rest]))
    rule = fit_rule(S[rest], Y[rest], **args)
    assert tuple(base[0]) == pytest.approx(f1_scores(Y[~rest], rule.decide(rule.proba(S[~rest]))))


def test_the_training_summary_counts_per_code_settings_rather_than_listing_them():
    """``autocode train --json`` says how many codes took each setting (39 codes would otherwise print two
    39-entry lists); a shared setting is shown as itself."""
    from mindthegap.scale.train import chosen_summary

    per_code = chosen_summary({"C": [0.1, 0.2, 0.1], "log_count_ratio": [True, False, False]})
    assert per_code == {
        "per_code": True,
        "C": {"0.1": 2, "0.2": 1},
        "log_count_ratio": {"False": 2, "True": 1},
    }
    assert chosen_summary({"C": 4.0, "log_count_ratio": False}) == {
        "per_code": False, "C": 4.0, "log_count_ratio": False,
    }  # fmt: skip
