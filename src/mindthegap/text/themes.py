"""Theme discovery for uncoded text: NMF over TF-IDF, with the number of themes chosen by stability.

For each candidate number of themes k, NMF is refitted on bootstrap resamples of the comments and the themes
of each refit are matched to those of the fit on all comments (Hungarian matching on the cosine similarity of
their term weights). The mean matched similarity is the stability of k; the chosen k is the most stable one,
preferring more themes when stabilities tie within ``tolerance`` (Greene, O'Callaghan & Cunningham 2014 use the
same idea with top-term agreement). Each theme comes with its top terms and the comments most typical of it,
as seeds for inductive codes that a person names and defines.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import TfidfVectorizer

from mindthegap.defaults import DEFAULT_SEED
from mindthegap.errors import InputError
from mindthegap.text.divergence import STOP_WORDS
from mindthegap.text.features import clean_texts

__all__ = ["ThemeResult", "discover_themes", "theme_stability"]


@dataclass
class ThemeResult:
    """Chosen number of themes, stability per k, and per theme its top terms and representative quotes."""

    k: int
    stability: dict[int, float]
    themes: pd.DataFrame  # theme, top_terms, n_comments (dominant theme), share
    quotes: pd.DataFrame  # theme, rank, weight, text
    assignments: np.ndarray = field(repr=False)  # dominant theme per comment (-1 when none)


def _matrix(texts: list[str], min_df: int):
    vec = TfidfVectorizer(
        ngram_range=(1, 2), sublinear_tf=True, stop_words=list(STOP_WORDS), min_df=min_df, max_df=0.5,
        token_pattern=r"(?u)\b[^\W\d_][\w'-]+\b",
    )  # fmt: skip
    return vec.fit_transform(texts), vec.get_feature_names_out()


def _nmf(X, k: int, seed: int) -> NMF:
    return NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=400).fit(X)


def _unit(rows: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return rows / np.where(norms > 0, norms, 1)


def theme_stability(X, k: int, *, n_boot: int = 10, seed: int = 0) -> float:
    """Mean cosine similarity between the k themes fitted on all rows and those refitted on bootstrap resamples."""
    reference = _unit(_nmf(X, k, seed).components_)
    rng = np.random.default_rng(seed)
    scores = []
    for b in range(n_boot):
        idx = rng.integers(0, X.shape[0], X.shape[0])
        comp = _unit(_nmf(X[idx], k, seed + b + 1).components_)
        sim = reference @ comp.T
        rows, cols = linear_sum_assignment(-sim)
        scores.append(float(sim[rows, cols].mean()))
    return float(np.mean(scores))


def discover_themes(
    texts: Sequence[str],
    *,
    k_range: Sequence[int] = range(3, 11),
    n_boot: int = 10,
    top_terms: int = 8,
    quotes: int = 3,
    min_df: int = 2,
    tolerance: float = 0.01,
    seed: int = DEFAULT_SEED,
) -> ThemeResult:
    """Find themes in uncoded comments; the number of themes is the most stable k in ``k_range``."""
    docs = [t for t in clean_texts(texts)]
    if sum(1 for d in docs if d) < 20:
        raise InputError("fewer than 20 non-empty comments to find themes in", hint="add more comments")
    X, terms = _matrix(docs, min_df)
    ks = [k for k in k_range if 2 <= k < min(X.shape)]
    if not ks:
        raise InputError("too few distinct words to find themes", hint="add more comments or lower min_df")
    stability = {k: theme_stability(X, k, n_boot=n_boot, seed=seed) for k in ks}
    best = max(stability.values())
    k = max(k for k, s in stability.items() if s >= best - tolerance)
    model = _nmf(X, k, seed)
    W = model.transform(X)
    dominant = np.where(W.max(axis=1) > 0, W.argmax(axis=1), -1)
    rows, quote_rows = [], []
    for t in range(k):
        order = np.argsort(-model.components_[t], kind="stable")[:top_terms]
        n = int((dominant == t).sum())
        rows.append(
            {"theme": t + 1, "top_terms": ", ".join(terms[order]), "n_comments": n, "share": n / len(docs)}
        )
        # representative quotes: highest weight on this theme relative to the comment's total weight
        weight = W[:, t] / np.maximum(W.sum(axis=1), 1e-12) * (W[:, t] > 0)
        seen: set[str] = set()
        for i in np.argsort(-weight, kind="stable"):
            if len(seen) >= quotes or weight[i] <= 0:
                break
            if docs[i] in seen:
                continue
            seen.add(docs[i])
            quote_rows.append(
                {"theme": t + 1, "rank": len(seen), "weight": float(weight[i]), "text": docs[i]}
            )
    return ThemeResult(
        k=k,
        stability=stability,
        themes=pd.DataFrame(rows),
        quotes=pd.DataFrame(quote_rows, columns=["theme", "rank", "weight", "text"]),
        assignments=dominant,
    )
