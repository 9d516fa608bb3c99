"""Which comments to code next: uncertainty sampling from a trained auto-coder.

A comment teaches the coder most when the coder is least sure about it. For each uncoded comment the
uncertainty is the largest closeness of any code's probability to that code's decision threshold (1 = right on
the threshold, 0 = certain), so a comment the coder is torn about for even one code ranks high. Near-duplicate
texts are skipped so a batch is not spent on the same comment twice, and a small share of random picks keeps the
queue from only ever chasing the coder's blind spots.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from mindthegap.text.features import clean_texts

__all__ = ["next_to_code", "uncertainty"]


def uncertainty(proba: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """Per row, max over codes of 1 − |p − t| / max(t, 1 − t): 1 on a threshold, 0 at certainty."""
    thresholds = np.asarray(thresholds, dtype=float)
    span = np.maximum(thresholds, 1 - thresholds)
    closeness = 1 - np.abs(proba - thresholds) / span
    return closeness.max(axis=1) if closeness.size else np.zeros(len(proba))


def next_to_code(
    model: Any,
    texts: Sequence[str],
    *,
    ids: Sequence[Any] | None = None,
    batch: int = 20,
    explore: float = 0.1,
    seed: int = 0,
) -> pd.DataFrame:
    """The ``batch`` comments to code next, most informative first: id, text, uncertainty, most_uncertain_code."""
    docs = clean_texts(texts)
    ids = list(range(len(docs))) if ids is None else list(ids)
    keep = [i for i, d in enumerate(docs) if d.strip()]
    if not keep:
        return pd.DataFrame(columns=["id", "text", "uncertainty", "most_uncertain_code", "picked_by"])
    proba = model.predict_proba([docs[i] for i in keep])
    thresholds = np.asarray(model.thresholds_, dtype=float)
    closeness = 1 - np.abs(proba - thresholds) / np.maximum(thresholds, 1 - thresholds)
    score = closeness.max(axis=1)
    which = closeness.argmax(axis=1)
    rng = np.random.default_rng(seed)
    n_random = round(batch * explore)
    order = list(np.argsort(-score, kind="stable"))
    chosen: list[tuple[int, str]] = []
    seen: set[str] = set()

    def take(j: int, how: str) -> None:
        key = " ".join(docs[keep[j]].lower().split())
        if key not in seen:
            seen.add(key)
            chosen.append((j, how))

    for j in order:
        if len(chosen) >= batch - n_random:
            break
        take(int(j), "uncertainty")
    for j in rng.permutation(len(keep)):
        if len(chosen) >= batch:
            break
        take(int(j), "random")
    rows = [
        {"id": ids[keep[j]], "text": docs[keep[j]], "uncertainty": float(score[j]),
         "most_uncertain_code": model.labels_[int(which[j])], "picked_by": how}
        for j, how in chosen
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=["id", "text", "uncertainty", "most_uncertain_code", "picked_by"])
