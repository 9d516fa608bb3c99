"""One pass over a frame of comments: codes, probabilities, and optionally redaction and sentiment.

``process_frame`` is the single function the command line and the Spark engine both call on each chunk, so a
corpus gives the same output however it is processed. It is pure and deterministic: the output depends only on the
rows passed in, never on chunk boundaries.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from mindthegap.errors import require_columns
from mindthegap.redaction import TYPES, Redactor
from mindthegap.text.features import clean_texts

__all__ = ["output_columns", "process_frame"]


def output_columns(model: Any, *, id_col: str, redact: bool, sentiment: bool | Any) -> list[str]:
    """Column order of :func:`process_frame`'s output, e.g. for writing a schema before the first chunk."""
    labels = list(model.labels_)
    cols = [id_col, *labels, *(f"p_{lab}" for lab in labels)]
    if redact:
        cols += ["redacted_text", *(f"redacted_{t.lower()}" for t in TYPES)]
    if sentiment:
        cols += ["sentiment"]
    return cols


def _sentiment_model(model: Any, sentiment: bool | Any):
    if sentiment is True:
        trained = getattr(model, "sentiment_model_", None)
        if trained is not None:
            return trained
        from mindthegap.text.sentiment import LexiconSentiment

        return LexiconSentiment().fit()
    return sentiment


def process_frame(
    frame: pd.DataFrame,
    *,
    model: Any,
    text_col: str,
    id_col: str,
    redact: bool = False,
    sentiment: bool | Any = False,
    roster: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Code every comment in ``frame``: id, one 0/1 column per label, ``p_<label>`` columns, extras when asked.

    ``sentiment`` is False, True (the model's own sentiment model if it has one, else the lexicon) or a fitted
    estimator with ``predict``. Redaction happens first, so codes and sentiment see only redacted text. A model
    trained with context columns (``model.context_columns_``) takes them from ``frame`` by the same names.
    """
    require_columns(frame.columns, (text_col, id_col), name_column=True)
    missing = [c for c in getattr(model, "context_columns_", []) if c not in frame.columns]
    if missing:  # a model trained with context columns reads them by the same names
        from mindthegap.text.autocoder_context import missing_context_error

        raise missing_context_error(model.context_columns_, missing)
    texts = clean_texts(frame[text_col].tolist())
    out: dict[str, Any] = {id_col: frame[id_col].to_numpy()}
    extras: dict[str, Any] = {}
    if redact:
        redactor = Redactor(roster)
        results = [redactor(t) for t in texts]
        texts = [r.text for r in results]
        extras["redacted_text"] = texts
        for kind in TYPES:
            extras[f"redacted_{kind.lower()}"] = np.array(
                [r.counts.get(kind, 0) for r in results], dtype=np.int32
            )
    labels = list(model.labels_)
    context_cols = list(getattr(model, "context_columns_", []))
    if texts:
        # a text-only model is called with the texts alone, as any estimator with predict_proba can be
        proba = (
            model.predict_proba(texts, context=frame[context_cols])
            if context_cols
            else model.predict_proba(texts)
        )
        pred = model.predict_from_proba(proba, texts)
    else:
        proba = np.zeros((0, len(labels)))
        pred = np.zeros((0, len(labels)), dtype=np.int8)
    for j, lab in enumerate(labels):
        out[lab] = pred[:, j].astype(np.int8)
    for j, lab in enumerate(labels):
        out[f"p_{lab}"] = np.round(proba[:, j].astype(np.float64), 6)
    out.update(extras)
    senti = _sentiment_model(model, sentiment)
    if senti:
        out["sentiment"] = (
            np.asarray(senti.predict(texts), dtype=np.int8) if texts else np.zeros(0, dtype=np.int8)
        )
    result = pd.DataFrame(out, index=frame.index)
    return result.reset_index(drop=True)
