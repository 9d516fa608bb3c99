"""Policy alignment: for each principle of a policy, the evidence that speaks to it, and principles left unheard.

Each principle's text and every evidence segment are placed in one TF-IDF space (word 1–2-grams, sublinear tf)
and ranked by cosine similarity. Segments above ``min_similarity`` count as evidence for the principle; their
stakeholder levels and sentiment are summarised, and a principle is flagged when it has fewer than
``min_evidence`` segments ("little evidence") or when all of its evidence is negative ("only negative evidence").
Lexical similarity misses paraphrase; the flags are prompts for a person to read, not verdicts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer

from mindthegap.analysis.suppression import suppress
from mindthegap.errors import InputError
from mindthegap.privacy import DEFAULT_MIN_N
from mindthegap.text.divergence import STOP_WORDS
from mindthegap.text.features import clean_texts

__all__ = ["evidence_by_level", "policy_alignment"]

LITTLE = "little evidence"
ONLY_NEGATIVE = "only negative evidence"
MOSTLY_NEGATIVE = "mostly negative evidence"


def _sentiment(evidence: pd.DataFrame, text_col: str, sentiment_col: str | None) -> np.ndarray:
    if sentiment_col and sentiment_col in evidence.columns:
        return pd.to_numeric(evidence[sentiment_col], errors="coerce").to_numpy(dtype=float)
    from mindthegap.text.sentiment import LexiconSentiment

    return LexiconSentiment().fit().predict(evidence[text_col].tolist()).astype(float)


def policy_alignment(
    principles: pd.DataFrame,
    evidence: pd.DataFrame,
    *,
    principle_col: str = "principle",
    principle_text_col: str = "text",
    text_col: str = "text",
    level_col: str = "level",
    sentiment_col: str | None = "sentiment",
    top: int = 5,
    min_similarity: float = 0.08,
    min_evidence: int = 3,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rank evidence against each principle; returns (summary per principle, top matches per principle).

    Summary columns: principle, n_evidence, levels (comma-separated levels heard), mean_sentiment (1 very
    positive … 5 very negative), share_negative, flag (None, "little evidence", "only negative evidence",
    "mostly negative evidence"). Matches: principle, rank, similarity, level, sentiment, text.
    Sentiment comes from ``sentiment_col`` when present, otherwise from the lexicon baseline.
    """
    for frame, cols, what in (
        (principles, [principle_col, principle_text_col], "principles"),
        (evidence, [text_col, level_col], "evidence"),
    ):
        for col in cols:
            if col not in frame.columns:
                raise InputError(f"{what} have no column {col!r}", column=col)
    ev = evidence[evidence[text_col].notna()].reset_index(drop=True)
    ev_texts = clean_texts(ev[text_col].tolist())
    pr_texts = clean_texts(principles[principle_text_col].tolist())
    sim = _similarities(pr_texts, ev_texts)
    senti = _sentiment(ev, text_col, sentiment_col) if len(ev) else np.array([])
    summary, matches = [], []
    for i, principle in enumerate(principles[principle_col].tolist()):
        if sim is None:
            hits = np.array([], dtype=int)
        else:
            hits = np.flatnonzero(sim[i] >= min_similarity)
            hits = hits[np.argsort(-sim[i, hits], kind="stable")]
        summary.append(_summarise(principle, hits, senti, ev[level_col], min_evidence))
        matches += _top_matches(principle, hits, sim, i, ev_texts, ev, text_col, level_col, senti, top)
    return (
        pd.DataFrame(
            summary, columns=["principle", "n_evidence", "levels", "mean_sentiment", "share_negative", "flag"]
        ),
        pd.DataFrame(matches, columns=["principle", "rank", "similarity", "level", "sentiment", "text"]),
    )


def _similarities(pr_texts: list[str], ev_texts: list[str]) -> np.ndarray | None:
    """Cosine similarity of each principle (rows) to each evidence segment in one TF-IDF space; None without
    evidence."""
    vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, stop_words=list(STOP_WORDS), min_df=1)
    vec.fit(ev_texts + pr_texts)
    return np.asarray((vec.transform(pr_texts) @ vec.transform(ev_texts).T).todense()) if ev_texts else None


def _summarise(principle, hits: np.ndarray, senti: np.ndarray, levels: pd.Series, min_evidence: int) -> dict:
    """One principle's summary row: how much evidence, from which levels, how negative, and its flag."""
    s = senti[hits]
    s = s[~np.isnan(s)]
    share_neg = float((s >= 4).mean()) if len(s) else np.nan
    if len(hits) < min_evidence:
        flag = LITTLE
    elif share_neg == 1.0:
        flag = ONLY_NEGATIVE
    elif share_neg >= 0.75:
        flag = MOSTLY_NEGATIVE
    else:
        flag = None
    return {
        "principle": principle,
        "n_evidence": len(hits),
        "levels": ", ".join(sorted(levels.loc[hits].astype(str).unique())),
        "mean_sentiment": float(s.mean()) if len(s) else np.nan,
        "share_negative": share_neg,
        "flag": flag,
    }


def _top_matches(
    principle,
    hits: np.ndarray,
    sim: np.ndarray | None,
    i: int,
    ev_texts: list[str],
    ev: pd.DataFrame,
    text_col: str,
    level_col: str,
    senti: np.ndarray,
    top: int,
) -> list[dict]:
    """The ``top`` best-matching segments of principle ``i`` (row of ``sim``), each distinct text once."""
    matches = []
    seen: set[str] = set()
    for j in hits:
        if len(seen) >= top:
            break
        text = ev_texts[j]
        if text in seen:  # the same words said twice add nothing to read
            continue
        seen.add(text)
        matches.append(
            {"principle": principle, "rank": len(seen), "similarity": float(sim[i, j]),
             "level": ev.loc[j, level_col], "sentiment": senti[j], "text": ev.loc[j, text_col]}
        )  # fmt: skip
    return matches


def evidence_by_level(
    principles: pd.DataFrame,
    evidence: pd.DataFrame,
    *,
    min_n: int = DEFAULT_MIN_N,
    principle_col: str = "principle",
    principle_text_col: str = "text",
    text_col: str = "text",
    level_col: str = "level",
    min_similarity: float = 0.08,
) -> pd.DataFrame:
    """Count of matching evidence segments per principle and level; small cells suppressed (``min_n``)."""
    _, matches = policy_alignment(
        principles, evidence, principle_col=principle_col, principle_text_col=principle_text_col,
        text_col=text_col, level_col=level_col, top=10**9, min_similarity=min_similarity, min_evidence=0,
    )  # fmt: skip
    table = matches.groupby(["principle", "level"], observed=True).size().rename("n").reset_index()
    return suppress(table, n_col="n", by=["principle", "level"], min_n=min_n)
