"""The shared sparse feature space for free text: word and character TF-IDF side by side.

Short patient comments ("staff lovely, parking awful") carry their meaning in a few words, often misspelt, so word
1–2-grams are joined by character 2–5-grams within word boundaries, both with sublinear term frequency so one word
repeated does not dominate. One matrix serves every label, which keeps prediction to a single transform.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfTransformer, TfidfVectorizer, strip_accents_unicode
from sklearn.pipeline import FeatureUnion, make_pipeline

__all__ = ["SentenceEmbeddings", "WordBoundaryCharGrams", "clean_texts", "text_vectoriser"]


class CleanTexts(list):
    """A list of strings :func:`clean_texts` has already cleaned, so cleaning it again costs nothing."""


def clean_texts(values: Iterable[object]) -> list[str]:
    """Turn a column of cells into strings: missing and non-text cells become empty strings, whitespace collapsed."""
    if isinstance(values, CleanTexts):  # prediction passes the same texts through several steps
        return values
    out: list[str] = CleanTexts()
    for value in values:
        if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
            out.append("")
        elif isinstance(value, bytes):
            out.append(value.decode("utf-8", errors="replace"))
        else:
            out.append(" ".join(str(value).split()))
    return out


class WordBoundaryCharGrams(TransformerMixin, BaseEstimator):
    """Counts of character n-grams inside padded words (like ``analyzer="char_wb"``), computed once per word.

    scikit-learn's char_wb analyser slices every n-gram of every comment in Python, which caps throughput at a
    few thousand comments a second. Words repeat endlessly across a corpus, so this transformer caches each
    word's n-gram column indices and builds the count matrix by concatenating them: the same features, several
    times faster. The cache of unseen words is bounded so streaming a large corpus keeps memory flat.
    """

    def __init__(
        self,
        ngram_range: tuple[int, int] = (2, 5),
        min_df: int = 2,
        max_features: int | None = None,
        cache_size: int = 200_000,
    ) -> None:
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_features = max_features
        self.cache_size = cache_size

    @staticmethod
    def _words(doc: str) -> list[str]:
        return strip_accents_unicode(doc.lower()).split()

    def _grams(self, word: str) -> list[str]:
        w = f" {word} "
        lo, hi = self.ngram_range
        out: list[str] = []
        for n in range(lo, hi + 1):
            if len(w) <= n:
                out.append(w)
                break
            out.extend(w[i : i + n] for i in range(len(w) - n + 1))
        return out

    def fit(self, docs, y=None) -> WordBoundaryCharGrams:
        df: dict[str, int] = {}
        tf: dict[str, int] = {}
        for doc in docs:
            seen: set[str] = set()
            for word in self._words(doc):
                for g in self._grams(word):
                    tf[g] = tf.get(g, 0) + 1
                    seen.add(g)
            for g in seen:
                df[g] = df.get(g, 0) + 1
        kept = [g for g, d in df.items() if d >= self.min_df]
        if self.max_features is not None and len(kept) > self.max_features:
            kept.sort(key=lambda g: (-tf[g], g))
            kept = kept[: self.max_features]
        kept.sort()
        self.vocabulary_ = {g: i for i, g in enumerate(kept)}
        self._cache = {}
        return self

    def _word_columns(self, word: str) -> list[int]:
        cols = self._cache.get(word)
        if cols is None:
            vocab = self.vocabulary_
            cols = [vocab[g] for g in self._grams(word) if g in vocab]
            if len(self._cache) >= self.cache_size:
                self._cache.clear()
            self._cache[word] = cols
        return cols

    def transform(self, docs) -> sp.csr_matrix:
        if not hasattr(self, "_cache"):
            self._cache = {}
        indices: list[int] = []
        indptr = [0]
        lookup = self._word_columns
        for doc in docs:
            for word in self._words(doc):
                indices.extend(lookup(word))
            indptr.append(len(indices))
        data = np.ones(len(indices), dtype=np.float32)
        X = sp.csr_matrix(
            (data, np.asarray(indices, dtype=np.int32), np.asarray(indptr, dtype=np.int64)),
            shape=(len(indptr) - 1, len(self.vocabulary_)),
        )
        X.sum_duplicates()
        return X

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        names = np.empty(len(self.vocabulary_), dtype=object)
        for g, i in self.vocabulary_.items():
            names[i] = g
        return names

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state.pop("_cache", None)  # a cache, not part of the model
        return state


def text_vectoriser(
    *,
    word_ngrams: tuple[int, int] = (1, 2),
    char_ngrams: tuple[int, int] = (2, 5),
    char_analyzer: str = "char_wb",
    min_df: int = 2,
    max_char_features: int | None = 150_000,
    embedding_model: str | None = None,
) -> FeatureUnion:
    """Word + char_wb TF-IDF with sublinear tf (+ optional sentence embeddings); an unfitted transformer."""
    word = TfidfVectorizer(
        analyzer="word",
        ngram_range=word_ngrams,
        sublinear_tf=True,
        min_df=min_df,
        lowercase=True,
        strip_accents="unicode",
        token_pattern=r"(?u)\b\w+\b",  # keep one-letter words such as "a&e" pieces and "i"
        dtype=np.float32,
    )
    if char_analyzer == "char_wb":
        char = make_pipeline(
            WordBoundaryCharGrams(ngram_range=char_ngrams, min_df=min_df, max_features=max_char_features),
            TfidfTransformer(sublinear_tf=True),
        )
    else:
        char = TfidfVectorizer(
            analyzer=char_analyzer,
            ngram_range=char_ngrams,
            sublinear_tf=True,
            min_df=min_df,
            lowercase=True,
            strip_accents="unicode",
            max_features=max_char_features,
            dtype=np.float32,
        )
    parts = [("word", word), ("char", char)]
    if embedding_model:
        parts.append(("embedding", SentenceEmbeddings(embedding_model)))
    return FeatureUnion(parts)


class SentenceEmbeddings(TransformerMixin, BaseEstimator):
    """Dense sentence-embedding features from a model stored at a local path (the ``embeddings`` extra).

    Never downloads: ``model_path`` must be a folder holding a sentence-transformers model. The model is loaded
    on first use and not pickled with the coder; the saved coder keeps only the path.
    """

    def __init__(self, model_path: str, weight: float = 1.0, batch_size: int = 64) -> None:
        self.model_path = model_path
        self.weight = weight
        self.batch_size = batch_size

    def _model(self):
        if getattr(self, "_loaded", None) is None:
            from pathlib import Path

            from mindthegap.errors import ConfigurationError

            try:
                from sentence_transformers import SentenceTransformer
            except ImportError:
                raise ConfigurationError(
                    "sentence-embedding features need the 'embeddings' extra",
                    hint='pip install "mindthegap[embeddings]" or train without --embeddings',
                ) from None
            if not Path(self.model_path).is_dir():
                raise ConfigurationError(
                    f"no sentence-embedding model folder at {self.model_path}",
                    hint="point to a model already on this computer; mindthegap never downloads one",
                )
            self._loaded = SentenceTransformer(self.model_path, device="cpu", local_files_only=True)
        return self._loaded

    def fit(self, docs, y=None) -> SentenceEmbeddings:
        self._model()
        return self

    def transform(self, docs) -> sp.csr_matrix:
        emb = self._model().encode(
            list(docs), batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return sp.csr_matrix(np.asarray(emb, dtype=np.float32) * self.weight)

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state.pop("_loaded", None)
        return state
