"""Auto-coder: learning, calibration, thresholds, persistence checks and the fast char n-gram features."""

from __future__ import annotations

import numpy as np
import pytest
import sklearn
from sklearn.feature_extraction.text import CountVectorizer

from mindthegap.errors import InputError
from mindthegap.text.autocoder import AutoCoder, best_f1_threshold, codebook_fingerprint, load_autocoder
from mindthegap.text.features import WordBoundaryCharGrams, clean_texts


def synthetic_corpus(n: int = 240, seed: int = 1):
    rng = np.random.default_rng(seed)
    staff = ["the nurse was kind", "staff were caring and friendly", "lovely doctor listened"]
    wait = ["waited four hours", "long wait in the corridor", "the waiting time was too long"]
    park = ["no parking spaces", "car park was full", "parking costs too much"]
    filler = ["overall", "today", "at the clinic", "on the ward", ""]
    texts, Y = [], []
    for _ in range(n):
        row = rng.random(3) < 0.4
        if not row.any():
            row[rng.integers(3)] = True
        parts = [rng.choice(pool) for pool, on in zip((staff, wait, park), row, strict=True) if on]
        parts.append(rng.choice(filler))
        texts.append(" ".join(parts))
        Y.append(row.astype(int))
    return texts, np.array(Y)


def test_learns_planted_codes():
    texts, Y = synthetic_corpus()
    model = AutoCoder(cv=4).fit(texts, Y, codes=["Staff", "Waiting", "Parking"])
    P = model.predict(["the nurse was kind but we waited four hours", "car park was full"])
    assert P.tolist() == [[1, 1, 0], [0, 0, 1]]
    proba = model.predict_proba(["parking costs too much"])
    assert proba.shape == (1, 3) and proba.min() >= 0 and proba.max() <= 1
    assert proba[0, 2] > 0.8 and proba[0, 0] < 0.5
    assert model.get_params()["cv"] == 4


def test_empty_text_gets_no_fallback_code():
    texts, Y = synthetic_corpus()
    model = AutoCoder(cv=4, fallback=True).fit(texts, Y, codes=["a", "b", "c"])
    assert model.predict(["", "   "]).sum() == 0


def test_best_threshold_matches_brute_force():
    """Reference: brute-force search over every candidate cut with sklearn's f1_score."""
    from sklearn.metrics import f1_score

    rng = np.random.default_rng(3)
    y = rng.random(300) < 0.2
    p = np.clip(y * 0.3 + rng.random(300) * 0.7, 0, 1)
    t = best_f1_threshold(y, p)
    best = max(f1_score(y, p >= c) for c in np.unique(p))
    assert f1_score(y, p >= t) == pytest.approx(best)


def test_platt_calibration_is_roughly_calibrated():
    texts, Y = synthetic_corpus(400, seed=5)
    model = AutoCoder(cv=4).fit(texts, Y, codes=["a", "b", "c"])
    test_texts, test_Y = synthetic_corpus(400, seed=6)
    proba = model.predict_proba(test_texts)
    # mean predicted probability close to observed prevalence for each code
    assert np.abs(proba.mean(axis=0) - test_Y.mean(axis=0)).max() < 0.1


def test_char_grams_match_sklearn_char_wb():
    """Reference: scikit-learn's own analyzer="char_wb" CountVectorizer gives the same counts."""
    docs = clean_texts(
        ["The nurse was kind", "Waited 4 hours; café closed", "a b", None, "Nurse nurse NURSE"]
    )
    ours = WordBoundaryCharGrams(ngram_range=(2, 5), min_df=1).fit(docs)
    theirs = CountVectorizer(analyzer="char_wb", ngram_range=(2, 5), strip_accents="unicode").fit(docs)
    # align by feature name
    names = ours.get_feature_names_out()
    assert set(names) == set(theirs.get_feature_names_out())
    order = [theirs.vocabulary_[n] for n in names]
    np.testing.assert_array_equal(ours.transform(docs).toarray(), theirs.transform(docs).toarray()[:, order])


def test_save_load_and_refusals(tmp_path, monkeypatch):
    texts, Y = synthetic_corpus()
    labels = ["Staff", "Waiting", "Parking"]
    model = AutoCoder(cv=4).fit(texts, Y, codes=labels)
    path = model.save(tmp_path / "coder.mtgmodel")
    again = load_autocoder(path, codes=labels, codebook=codebook_fingerprint(labels))
    np.testing.assert_allclose(again.predict_proba(texts[:5]), model.predict_proba(texts[:5]))
    with pytest.raises(InputError, match="different codebook"):
        load_autocoder(path, codes=["Staff", "Waiting"])
    with pytest.raises(InputError, match="different codebook"):
        load_autocoder(path, codebook=codebook_fingerprint(["x"]))
    # the file holds only numbers and words, so another scikit-learn still reads it, predicting the same
    monkeypatch.setattr(sklearn, "__version__", "0.0.1")
    np.testing.assert_array_equal(load_autocoder(path).predict(texts), model.predict(texts))


def test_foreign_file_is_refused(tmp_path):
    bad = tmp_path / "model.mtgmodel"
    bad.write_text("not a model")
    with pytest.raises(InputError, match="not a usable mindthegap model file"):
        load_autocoder(bad)
    with pytest.raises(InputError, match="not found"):
        load_autocoder(tmp_path / "missing.joblib")


def test_too_few_rows():
    with pytest.raises(InputError, match="only 3 coded texts"):
        AutoCoder().fit(["a", "b", "c"], np.array([[1], [0], [1]]))


def test_active_learning_queue_prefers_uncertain_and_skips_duplicates():
    from mindthegap.text.active_learning import next_to_code, uncertainty

    assert uncertainty(np.array([[0.3, 0.9]]), np.array([0.3, 0.5])).tolist() == [1.0]
    texts, Y = synthetic_corpus()
    model = AutoCoder(cv=4).fit(texts, Y, codes=["Staff", "Waiting", "Parking"])
    pool = ["car park was full"] * 5 + ["the food was fine", "the nurse parked", "", "waited four hours"]
    queue = next_to_code(model, pool, batch=4, explore=0.0)
    assert len(queue) == 4 and queue["text"].is_unique
    assert queue["uncertainty"].is_monotonic_decreasing
    assert "" not in queue["text"].tolist()
    # the unfamiliar comments come before the one the coder is sure about
    assert queue["text"].tolist().index("car park was full") > 0


def test_embedding_features_need_the_extra(tmp_path):
    """Without sentence-transformers installed, asking for embeddings is a clear configuration error."""
    from mindthegap.errors import ConfigurationError

    try:
        import sentence_transformers  # noqa: F401
    except ImportError:
        texts, Y = synthetic_corpus()
        with pytest.raises(ConfigurationError, match="embeddings"):
            AutoCoder(cv=4, embedding_model=str(tmp_path)).fit(texts, Y)
    else:  # pragma: no cover - the extra is not installed in CI
        pytest.skip("sentence-transformers installed; needs a local model folder to test")
