"""Scoring a comment by its parts as well as the whole (multi-instance scoring) for the auto-coder.

A Friends and Family Test comment often raises several themes: "The nurses were lovely but I waited four hours
for a bed." Its whole-comment features dilute each theme by the others — TF-IDF vectors are scaled to unit length,
so the longer the comment, the less any one phrase weighs — and a code with a dozen training examples loses most.
Treating the comment as a bag of parts (sentences, and clauses either side of "but", "however", "although",
"though" or "except"), the coder scores every part with the same per-code weights it learnt from whole comments and
takes, code by code, the best-scoring part: the multi-instance view that a comment has a theme when one of its
parts has it (Dietterich, Lathrop and Lozano-Pérez 1997; Amores 2013 reviews the family). The comment's score is a
blend, ``(1 − w) · whole + w · best part``; the weight ``w`` is chosen by cross-validation with every other
setting (:class:`~mindthegap.text.autocoder.AutoCoder`, ``part_weight``).

Only comments of more than one part are scored twice: for a comment of one part the best part *is* the whole.
The best part also says *where* a code is raised: :func:`part_spans` finds the same parts in the original text
(before white space is folded), so a suggestion can point at the sentence that carries it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

__all__ = ["PART_BREAK", "best_part_rows", "best_part_scores", "part_spans", "split_parts"]

#: Where a comment is cut into parts: after a sentence's end (. ! ? or ;) and around the contrast words that often
#: turn a comment from one theme to another. Chosen by cross-validation on real feedback (docs/benchmarks.md) over
#: sentences alone, commas too and "and" too. The coder's texts have their white space folded
#: (:func:`~mindthegap.text.features.clean_texts`), so a line break is a space by then.
PART_BREAK = re.compile(r"(?<=[.!?;])\s+|\s+(?:but|however|although|though|except)\s+", re.IGNORECASE)


def split_parts(docs: Sequence[str]) -> tuple[list[str], np.ndarray]:
    """The parts of every comment of more than one part, and the index of the comment each belongs to.

    Comments of one part contribute nothing (their best part is the comment). Parts keep their words exactly;
    only the break between them is dropped.
    """
    parts: list[str] = []
    owner: list[int] = []
    for i, doc in enumerate(docs):
        pieces = [p for p in PART_BREAK.split(doc) if p and not p.isspace()]
        if len(pieces) > 1:
            parts.extend(pieces)
            owner.extend([i] * len(pieces))
    return parts, np.asarray(owner, dtype=np.int64)


def best_part_scores(
    whole: np.ndarray,
    part_features: sp.spmatrix,
    owner: np.ndarray,
    weights: np.ndarray,
    intercept: np.ndarray,
) -> np.ndarray:
    """Per comment and code, the highest score of any of its parts (the whole comment's score if it has one part).

    ``whole`` holds the comments' own scores (comments × codes); ``part_features`` the features of the parts
    :func:`split_parts` returned with ``owner``; ``weights`` and ``intercept`` the linear scores' coefficients.
    """
    best = np.array(whole, dtype=np.float64, copy=True)
    if len(owner) == 0:
        return best
    scores = np.asarray(part_features @ weights) + intercept
    starts = np.r_[0, np.flatnonzero(np.diff(owner)) + 1]
    best[owner[starts]] = np.maximum.reduceat(scores, starts, axis=0)
    return best


def best_part_rows(part_scores: np.ndarray, owner: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each comment with parts, its index and, per code, the position among its own parts of the best one:
    (comments, positions comments × codes)."""
    if len(owner) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros((0, part_scores.shape[1]), dtype=np.int64)
    starts = np.r_[0, np.flatnonzero(np.diff(owner)) + 1]
    best = [
        np.argmax(part_scores[a:b], axis=0)
        for a, b in zip(starts, np.r_[starts[1:], len(owner)], strict=True)
    ]
    return owner[starts], np.array(best, dtype=np.int64)


def part_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each part of ``text`` in code points, white space around each part left out.

    The parts are :func:`split_parts`' parts of the text once its white space is folded, in order; a text of one
    part gives one span, the whole text trimmed (none for a blank text).
    """
    # only within the text's trimmed extent, as the folded text has no white space at either end
    start, stop = len(text) - len(text.lstrip()), len(text.rstrip())
    spans = []
    for cut in [*PART_BREAK.finditer(text, start, stop), None]:
        end = cut.start() if cut is not None else stop
        piece = text[start:end]
        if piece and not piece.isspace():
            lead = len(piece) - len(piece.lstrip())
            spans.append((start + lead, start + len(piece.rstrip())))
        if cut is not None:
            start = cut.end()
    return spans
