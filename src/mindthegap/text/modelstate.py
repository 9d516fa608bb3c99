"""Fitted text models as plain values (JSON + arrays) and back, for :mod:`mindthegap.text.modelfile`.

Every fitted attribute the estimators need is written out by name and set again explicitly on freshly built,
unfitted scikit-learn objects: vocabularies as lists of terms in column order, inverse document frequencies and
weights as arrays. Nothing is unpickled, so a model file can only ever describe numbers and words.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfTransformer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import FeatureUnion
from sklearn.preprocessing import LabelBinarizer

from mindthegap.text.features import WordBoundaryCharGrams, text_vectoriser
from mindthegap.text.modelfile import ModelFileError, check_object

__all__ = ["rebuild_sentiment", "rebuild_vectoriser", "sentiment_state", "vectoriser_state"]

SETTINGS_SCHEMA = {
    "word_ngrams": [int],
    "char_ngrams": [int],
    "char_analyzer": str,
    "min_df": int,
    "max_char_features": (int, None),
    "embedding_model": (str, None),
}
VECTORISER_SCHEMA = {
    "settings": SETTINGS_SCHEMA,
    "word_vocabulary": [str],
    "char_vocabulary": [str],
    "embedding_dim": (int, None),
}
_CHAR_ANALYZERS = ("char_wb", "char")


def _refuse(path: Path | None, why: str) -> ModelFileError:
    return ModelFileError(
        f"not a usable mindthegap model file: {why}",
        path=path,
        hint="retrain the model with `mindthegap autocode train`",
    )


def _vocabulary_list(vocabulary: dict[str, int]) -> list[str]:
    terms = [""] * len(vocabulary)
    for term, i in vocabulary.items():
        terms[i] = term
    return terms


def vectoriser_state(
    union: FeatureUnion, prefix: str, width: int
) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """The settings, vocabularies and idf arrays of a fitted :func:`text_vectoriser` union whose output has
    ``width`` columns (the rest after words and characters are sentence-embedding dimensions)."""
    parts = dict(union.transformer_list)
    word, char = parts["word"], parts["char"]
    if isinstance(char, TfidfVectorizer):
        char_vocab, char_idf, char_ngrams = char.vocabulary_, char.idf_, char.ngram_range
        analyzer, max_char, min_df = char.analyzer, char.max_features, char.min_df
    else:
        grams, tfidf = char.steps[0][1], char.steps[1][1]
        char_vocab, char_idf, char_ngrams = grams.vocabulary_, tfidf.idf_, grams.ngram_range
        analyzer, max_char, min_df = "char_wb", grams.max_features, grams.min_df
    embedding = parts.get("embedding")
    state = {
        "settings": {
            "word_ngrams": list(word.ngram_range),
            "char_ngrams": list(char_ngrams),
            "char_analyzer": analyzer,
            "min_df": int(min_df),
            "max_char_features": None if max_char is None else int(max_char),
            "embedding_model": None if embedding is None else str(embedding.model_path),
        },
        "word_vocabulary": _vocabulary_list(word.vocabulary_),
        "char_vocabulary": _vocabulary_list(char_vocab),
        "embedding_dim": None if embedding is None else int(width - len(word.vocabulary_) - len(char_vocab)),
    }
    arrays = {f"{prefix}word_idf": np.asarray(word.idf_), f"{prefix}char_idf": np.asarray(char_idf)}
    return state, arrays


def n_features(state: dict[str, Any]) -> int:
    """Width of the feature matrix a rebuilt vectoriser produces."""
    return len(state["word_vocabulary"]) + len(state["char_vocabulary"]) + (state["embedding_dim"] or 0)


def _vocabulary(terms: list[str], where: str, path: Path | None) -> dict[str, int]:
    vocab = {t: i for i, t in enumerate(terms)}
    if len(vocab) != len(terms):
        raise _refuse(path, f"{where} lists a term twice")
    return vocab


def _idf(arrays: dict[str, np.ndarray], name: str, size: int, path: Path | None) -> np.ndarray:
    idf = arrays.get(name)
    if idf is None or idf.dtype.kind != "f" or idf.shape != (size,) or not np.isfinite(idf).all():
        raise _refuse(path, f"array {name!r} does not match its vocabulary")
    return idf


def rebuild_vectoriser(
    state: Any, arrays: dict[str, np.ndarray], prefix: str, path: Path | None = None
) -> FeatureUnion:
    """A fitted :func:`text_vectoriser` union rebuilt from :func:`vectoriser_state`'s output, after checks."""
    check_object(state, VECTORISER_SCHEMA, f"{prefix}features", path)
    s = state["settings"]
    if len(s["word_ngrams"]) != 2 or len(s["char_ngrams"]) != 2 or s["char_analyzer"] not in _CHAR_ANALYZERS:
        raise _refuse(path, f"{prefix}features.settings holds values this version cannot use")
    union = text_vectoriser(
        word_ngrams=tuple(s["word_ngrams"]),
        char_ngrams=tuple(s["char_ngrams"]),
        char_analyzer=s["char_analyzer"],
        min_df=s["min_df"],
        max_char_features=s["max_char_features"],
        embedding_model=s["embedding_model"],
    )
    parts = dict(union.transformer_list)
    word_vocab = _vocabulary(state["word_vocabulary"], "the word vocabulary", path)
    char_vocab = _vocabulary(state["char_vocabulary"], "the character vocabulary", path)
    word_idf = _idf(arrays, f"{prefix}word_idf", len(word_vocab), path)
    char_idf = _idf(arrays, f"{prefix}char_idf", len(char_vocab), path)
    _fit_tfidf_vectoriser(parts["word"], word_vocab, word_idf)
    char = parts["char"]
    if isinstance(char, TfidfVectorizer):
        _fit_tfidf_vectoriser(char, char_vocab, char_idf)
    else:
        grams, tfidf = char.steps[0][1], char.steps[1][1]
        assert isinstance(grams, WordBoundaryCharGrams) and isinstance(tfidf, TfidfTransformer)
        grams.vocabulary_ = char_vocab
        grams._cache = {}
        tfidf.idf_ = char_idf
        tfidf.n_features_in_ = len(char_vocab)
    return union


def _fit_tfidf_vectoriser(vec: TfidfVectorizer, vocabulary: dict[str, int], idf: np.ndarray) -> None:
    vec.vocabulary_ = vocabulary
    vec.fixed_vocabulary_ = False
    vec.idf_ = idf  # the property creates the inner TfidfTransformer
    vec._tfidf.n_features_in_ = len(vocabulary)


# ----------------------------------------------------------------------------------------------- sentiment

SENTIMENT_SCHEMA = {
    "C": float,
    "class_weight": (str, None),
    "classes": [int],
    "features": dict,
}


def sentiment_state(model: Any) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """A fitted :class:`~mindthegap.text.sentiment.SentimentModel` as JSON and arrays."""
    estimators = model.model_.estimators_
    features, arrays = vectoriser_state(model.vectoriser_, "sentiment_", estimators[0].coef_.shape[1])
    arrays["sentiment_coef"] = np.vstack([e.coef_[0] for e in estimators]).astype(np.float64)
    arrays["sentiment_intercept"] = np.array([e.intercept_[0] for e in estimators], dtype=np.float64)
    state = {
        "C": float(model.C),
        "class_weight": model.class_weight,
        "classes": [int(c) for c in model.classes_],
        "features": features,
    }
    return state, arrays


def rebuild_sentiment(state: Any, arrays: dict[str, np.ndarray], path: Path | None = None) -> Any:
    """The sentiment model rebuilt from :func:`sentiment_state`'s output: logistic models set by hand."""
    from mindthegap.text.sentiment import SentimentModel

    check_object(state, SENTIMENT_SCHEMA, "sentiment", path)
    classes = state["classes"]
    if len(classes) < 3 or sorted(set(classes)) != classes or not set(classes) <= {1, 2, 3, 4, 5}:
        raise _refuse(path, "sentiment.classes are not sentiment classes 1–5")
    vectoriser = rebuild_vectoriser(state["features"], arrays, "sentiment_", path)
    width = n_features(state["features"])
    coef, intercept = arrays.get("sentiment_coef"), arrays.get("sentiment_intercept")
    if (
        coef is None
        or coef.shape != (len(classes), width)
        or intercept is None
        or intercept.shape != (len(classes),)
    ):
        raise _refuse(path, "the sentiment weights do not match its classes and features")
    model = SentimentModel(C=state["C"], class_weight=state["class_weight"])
    estimators = []
    for k in range(len(classes)):
        lr = LogisticRegression(C=model.C, class_weight=model.class_weight, solver="liblinear")
        lr.coef_, lr.intercept_ = coef[k : k + 1].copy(), intercept[k : k + 1].copy()
        lr.classes_, lr.n_features_in_, lr.n_iter_ = np.array([0, 1]), width, np.array([0])
        estimators.append(lr)
    ovr = OneVsRestClassifier(
        LogisticRegression(C=model.C, class_weight=model.class_weight, solver="liblinear")
    )
    ovr.estimators_ = estimators
    ovr.label_binarizer_ = LabelBinarizer(sparse_output=True).fit(np.array(classes))
    ovr.classes_ = ovr.label_binarizer_.classes_
    ovr.n_features_in_ = width
    model.vectoriser_, model.model_, model.classes_ = vectoriser, ovr, ovr.classes_
    return model
