"""Training an auto-coder from a coded CSV file: what ``mindthegap autocode train`` calls.

Reading the file, checking its code columns and fitting :class:`~mindthegap.text.autocoder.AutoCoder` (with a
:class:`~mindthegap.text.sentiment.SentimentModel` when a sentiment column is named) live here, beside the engines
that apply the model, so the command line only parses options and prints the summary.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pandas as pd

from mindthegap.errors import InputError, renamed_keyword
from mindthegap.scale.local import PANDAS_READ, check_columns

__all__ = ["code_matrix", "read_codes", "train_from_file"]


def read_codes(path: Path) -> list[str]:
    """The code column names in a text file, one a line; a missing, empty or repeating list is refused."""
    if not path.is_file():
        raise InputError("codes file not found", path=path, hint="write one code column name per line")
    raw = path.read_bytes().decode("utf-8", errors=PANDAS_READ["encoding_errors"]).lstrip("\ufeff")
    codes = [line.strip() for line in raw.splitlines() if line.strip()]
    if not codes:
        raise InputError("codes file is empty", path=path, hint="write one code column name per line")
    dup = {x for x in codes if codes.count(x) > 1}
    if dup:
        raise InputError(f"code {sorted(dup)[0]!r} is listed twice", path=path)
    return codes


def code_matrix(frame: pd.DataFrame, codes: list[str], path: Path) -> pd.DataFrame:
    """The 0/1 code matrix from the code columns (blank is 0); any other value is refused by row and column."""
    out = {}
    for lab in codes:
        col = frame[lab]
        values = pd.to_numeric(col.where(col.astype(str).str.strip() != "", None), errors="coerce")
        bad = (col.notna() & (col.astype(str).str.strip() != "") & ~values.isin([0, 1])) | (
            col.notna() & values.isna() & (col.astype(str).str.strip() != "")
        )
        if bad.any():
            i = int(bad.to_numpy().nonzero()[0][0])
            raise InputError(
                f"code value {col.iloc[i]!r} is not 0 or 1",
                path=path,
                row=i + 2,  # header is row 1, as a spreadsheet shows it
                column=lab,
                hint="code columns hold 1 (the code applies), 0 or blank (it does not)",
            )
        out[lab] = values.fillna(0).astype("int8")
    return pd.DataFrame(out, index=frame.index)


def _read_training(
    data: Path, text: str, codes: list[str], sentiment_col: str | None, context: list[str] | None = None
):
    try:
        frame = pd.read_csv(data, dtype=str, keep_default_na=False, **PANDAS_READ)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"cannot read as CSV ({str(exc).splitlines()[0]})", path=data) from None
    wanted = [text, *codes, *([sentiment_col] if sentiment_col else []), *(context or [])]
    check_columns(frame.columns, wanted, data)
    Y = code_matrix(frame, codes, data)
    texts = frame[text].fillna("").astype(str)
    keep = texts.str.strip() != ""
    if keep.sum() == 0:
        raise InputError(f"column {text!r} has no text", path=data, hint="check the --text column name")
    moods = None
    if sentiment_col:
        moods = pd.to_numeric(frame.loc[keep, sentiment_col].replace("", None), errors="coerce")
        moods = moods.to_numpy(dtype=float)
    return frame, texts, keep, Y, moods


def train_from_file(
    data: Path,
    *,
    text: str,
    codes_file: Path | None = None,
    out: Path,
    sentiment_col: str | None = None,
    embeddings: Path | None = None,
    labels_file: Path | None = None,
    context: list[str] | None = None,
    part_weight: float | None = 0.5,
) -> dict[str, Any]:
    """Train on the rows of ``data`` with text, save the model to ``out`` and return a summary of the training.

    ``codes_file`` lists the code columns, one a line (``labels_file=`` is its old name). The summary's
    ``codes`` is how many; it is also given as ``labels``, its old name, for scripts written before. ``context``
    names optional categorical context columns (such as the question asked and the rating given) the coder also
    learns from; applying the model then needs the same columns. ``part_weight`` fixes how much a comment's best
    part counts beside the whole (``None``: chosen by cross-validation from 0, 0.5 and 1)."""
    from mindthegap.text.autocoder import AutoCoder
    from mindthegap.text.sentiment import SentimentModel

    if not data.is_file():
        raise InputError("file not found", path=data)
    codes_file = renamed_keyword(
        "train_from_file", "labels_file", "codes_file", labels_file, codes_file, None
    )
    if codes_file is None:
        raise InputError("no codes file given", hint="give the text file of code column names, one a line")
    codes = read_codes(Path(codes_file))
    context = _context_columns(context, text, codes)
    frame, texts, keep, Y, moods = _read_training(data, text, codes, sentiment_col, context)
    frame_context = frame.loc[keep, context] if context else None
    model = AutoCoder(
        embedding_model=str(embeddings) if embeddings else None,
        sentiment=SentimentModel() if sentiment_col else None,
        part_weight=part_weight,
    ).fit(texts[keep].tolist(), Y[keep], codes=codes, context=frame_context, sentiment_labels=moods)
    model.save(out)
    scores = model.cv_scores_
    return {
        "model": str(out),
        "comments": int(keep.sum()),
        "skipped_empty": int((~keep).sum()),
        "codes": len(codes),
        "labels": len(codes),  # the old name of "codes"
        "codebook": model.codebook_,
        # each fold scored with thresholds fitted on the other folds: an estimate for comments not yet seen
        "cross_validated_macro_f1": round(scores["macro_f1_mean"], 3),
        "cross_validated_macro_f1_sd": round(scores["macro_f1_sd"], 3),
        "cross_validated_micro_f1": round(scores["micro_f1_mean"], 3),
        "cross_validated_micro_f1_sd": round(scores["micro_f1_sd"], 3),
        "chosen": chosen_summary(model.best_params_),
        "sentiment": bool(sentiment_col),
        "context_columns": context,
        "part_weight": model.part_weight_,
    }


def _context_columns(context: list[str] | None, text: str, codes: list[str]) -> list[str]:
    """The context columns once each, refusing one that is also the text or a code column."""
    context = list(dict.fromkeys(context or []))
    clash = [c for c in context if c == text or c in codes]
    if clash:
        raise InputError(
            f"context column {clash[0]!r} is also the text or a code column",
            hint="context columns are other columns known beside each comment, such as the question asked",
        )
    return context


def chosen_summary(best: dict) -> dict:
    """The setting cross-validation kept, readable at a glance: one value each, or — where every code took its own
    — how many codes took each value (the per-code lists stay in the model file)."""
    if not isinstance(best.get("C"), list):
        return {"per_code": False, **best}
    counts = {
        key: dict(Counter(str(v) for v in values).most_common()) if isinstance(values, list) else values
        for key, values in best.items()
    }
    return {"per_code": True, **counts}
