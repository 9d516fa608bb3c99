"""Saving and loading an auto-coder as a model file that cannot run code (:mod:`mindthegap.text.modelfile`).

The manifest holds the format and its version, the versions that trained the model (for the record), the codes
(under the key ``labels``, the file format's name for them, kept so files already written still load) and codebook
fingerprint, the estimator's parameters, the decision rule (per-code thresholds, fallback), the
cross-validated scores, the feature settings and vocabularies, and the context columns with their values (null
for a text-only coder; files from before context load as text-only) and the weight of a comment's best part
(files from before it score the whole comment only); arrays hold the inverse document frequencies,
the weights (n_features × codes), intercepts and thresholds. Loading checks every entry's type and every array's
dtype and shape against the others before rebuilding the estimator attribute by attribute.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from mindthegap.errors import InputError
from mindthegap.text.modelfile import (
    ModelFileError,
    check_object,
    model_file_bytes,
    read_model_file,
    write_model_file,
)
from mindthegap.text.modelstate import (
    n_features,
    rebuild_sentiment,
    rebuild_vectoriser,
    sentiment_state,
    vectoriser_state,
)

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "autocoder_bytes",
    "autocoder_from_bytes",
    "load_autocoder",
    "save_autocoder",
]

FORMAT = "mindthegap-autocoder"
FORMAT_VERSION = 2

PARAMS_SCHEMA = {
    "C": (float, None),
    "C_grid": ([float], None),
    "learner": str,
    "per_code_settings": bool,
    "class_weight": (str, None),
    "cv": int,
    "fallback": (bool, str),
    "word_ngrams": [int],
    "char_ngrams": [int],
    "char_analyzer": str,
    "min_df": int,
    "max_char_features": (int, None),
    "random_state": int,
    "final": str,
    "embedding_model": (str, None),
    "threshold_shrinkage": float,
    "log_count_ratio": (bool, None),
    "context_weight": float,
    "context_interactions": bool,
    "part_weight": (float, None),
}
CONTEXT_SCHEMA = {
    "columns": [str],
    "weight": float,
    "interactions": bool,
    "min_count": int,
    "blocks": [dict],
}
BLOCK_SCHEMA = {"columns": [int], "values": [[str]]}
MANIFEST_SCHEMA = {
    "format": str,
    "format_version": int,
    "versions": {"mindthegap": str, "sklearn": str},
    "labels": [str],
    "codebook": str,
    "params": PARAMS_SCHEMA,
    "fallback": bool,
    "metrics": dict,
    "features": dict,
    "sentiment": (dict, None),
    "context": (dict, None),
    "part_weight": float,
    "arrays": dict,
}
_ARRAYS = {"coef": "<f4", "intercept": "<f4", "thresholds": "<f8"}


def _refuse(path: Path | None, why: str) -> ModelFileError:
    return ModelFileError(
        f"not a usable mindthegap model file: {why}",
        path=path,
        hint="retrain the model with `mindthegap autocode train`",
    )


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def save_autocoder(model: Any, path: str | Path) -> Path:
    """Write a fitted :class:`~mindthegap.text.autocoder.AutoCoder` to ``path`` (atomically)."""
    return write_model_file(path, *_state(model))


def autocoder_bytes(model: Any) -> bytes:
    """The bytes of the model file :func:`save_autocoder` would write (for shipping to Spark workers)."""
    return model_file_bytes(*_state(model))


def _state(model: Any) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    features, arrays = vectoriser_state(model.vectoriser_, "", model.n_features_)
    arrays.update(
        coef=np.ascontiguousarray(model.coef_, dtype=np.float32),
        intercept=np.asarray(model.intercept_, dtype=np.float32),
        thresholds=np.asarray(model.thresholds_, dtype=np.float64),
    )
    sentiment = None
    if getattr(model, "sentiment_model_", None) is not None:
        sentiment, extra = sentiment_state(model.sentiment_model_)
        arrays.update(extra)
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "versions": dict(model.versions_),
        "labels": list(model.labels_),
        "codebook": model.codebook_,
        "params": {k: _plain(v) for k, v in model.get_params(deep=False).items() if k != "sentiment"},
        "fallback": bool(model.fallback_),
        "metrics": {k: float(v) for k, v in getattr(model, "cv_scores_", {}).items()},
        "features": features,
        "sentiment": sentiment,
        "context": model.context_.state() if getattr(model, "context_", None) is not None else None,
        "part_weight": float(getattr(model, "part_weight_", 0.0)),
    }
    return manifest, arrays


def load_autocoder(
    path: str | Path, *, codes: Sequence[str] | None = None, codebook: str | None = None
) -> Any:
    """Load a coder saved by :meth:`AutoCoder.save`, refusing anything else and other codebooks."""
    path = Path(path)
    return _rebuild(*read_model_file(path), path=path, codes=codes, codebook=codebook)


def autocoder_from_bytes(payload: bytes) -> Any:
    """Load a coder from a model file's bytes (as the Spark engine ships them to its workers)."""
    return _rebuild(*read_model_file(payload), path=None)


def _check_manifest(manifest: dict[str, Any], arrays: dict[str, np.ndarray], path: Path | None) -> None:
    if manifest.get("format") != FORMAT:
        raise _refuse(path, "it is not an auto-coder")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise _refuse(
            path, f"it is format version {manifest.get('format_version')!r}, this reads {FORMAT_VERSION}"
        )
    params = manifest.get("params")
    if isinstance(params, dict) and "learner" not in params:
        # files from before these parameters hold logistic models with one setting for every code
        params.update(learner="logistic", per_code_settings=False)
    if isinstance(params, dict):  # files from before optional context columns: a text-only coder
        params.setdefault("context_weight", 0.5)
        params.setdefault("context_interactions", False)
        params.setdefault("part_weight", 0.0)  # files from before scoring by parts: the whole comment only
    manifest.setdefault("context", None)
    manifest.setdefault("part_weight", 0.0)
    check_object(manifest, MANIFEST_SCHEMA, "manifest", path)
    for key, value in manifest["metrics"].items():
        if type(value) not in (int, float):
            raise _refuse(path, f"manifest.metrics.{key} is not a number")
    if not 0.0 <= manifest["part_weight"] <= 1.0:
        raise _refuse(path, "its part weight is not between 0 and 1")
    n_labels = len(manifest["labels"])
    if n_labels == 0 or len(set(manifest["labels"])) != n_labels:
        raise _refuse(path, "the codes are empty or repeat")
    from mindthegap.text.autocoder import DEFAULT_C_GRIDS, codebook_fingerprint

    if manifest["params"]["learner"] not in DEFAULT_C_GRIDS:
        raise _refuse(path, f"it names an unknown learner {manifest['params']['learner']!r}")
    if codebook_fingerprint(manifest["labels"]) != manifest["codebook"]:
        raise _refuse(path, "the codebook fingerprint does not match its labels")
    sentiment_arrays = {k for k in arrays if k.startswith("sentiment_")}
    if bool(sentiment_arrays) != (manifest["sentiment"] is not None):
        raise _refuse(path, "sentiment arrays and sentiment settings do not go together")
    expected = {*_ARRAYS, "word_idf", "char_idf", *sentiment_arrays}
    if set(arrays) != expected:
        raise _refuse(path, f"unexpected or missing array {sorted(set(arrays) ^ expected)[0]!r}")
    for name, dtype in _ARRAYS.items():
        if arrays[name].dtype.str != dtype or not np.isfinite(arrays[name]).all():
            raise _refuse(path, f"array {name!r} is not finite {dtype}")


def _rebuild(
    manifest: dict[str, Any],
    arrays: dict[str, np.ndarray],
    *,
    path: Path | None,
    codes: Sequence[str] | None = None,
    codebook: str | None = None,
) -> Any:
    from mindthegap.text.autocoder import AutoCoder

    _check_manifest(manifest, arrays, path)
    n_labels = len(manifest["labels"])
    vectoriser = rebuild_vectoriser(manifest["features"], arrays, "", path)
    context = _rebuild_context(manifest["context"], path)
    width = n_features(manifest["features"]) + (context.n_features_ if context is not None else 0)
    if (
        arrays["coef"].shape != (width, n_labels)
        or arrays["intercept"].shape != (n_labels,)
        or arrays["thresholds"].shape != (n_labels,)
    ):
        raise _refuse(path, "the weights do not match the labels and features")
    params = dict(manifest["params"])
    for key in ("word_ngrams", "char_ngrams", "C_grid"):
        params[key] = tuple(params[key]) if params[key] is not None else None
    try:
        model = AutoCoder(**params)
    except TypeError:
        raise _refuse(path, "its parameters are not this version's") from None
    model.labels_ = list(manifest["labels"])
    model.codebook_ = manifest["codebook"]
    model.versions_ = dict(manifest["versions"])
    model.vectoriser_ = vectoriser
    model.context_ = context
    model.coef_ = arrays["coef"]
    model.intercept_ = arrays["intercept"]
    model.thresholds_ = arrays["thresholds"]
    model.fallback_ = manifest["fallback"]
    model.part_weight_ = manifest["part_weight"]
    model.cv_scores_ = dict(manifest["metrics"])
    model.oof_macro_f1_ = float(model.cv_scores_.get("oof_macro_f1", float("nan")))
    model.classes_ = np.array(model.labels_)
    model.n_features_ = width
    if manifest["sentiment"] is not None:
        model.sentiment_model_ = rebuild_sentiment(manifest["sentiment"], arrays, path)
    _check_codebook(model, path, codes, codebook)
    return model


def _rebuild_context(state: dict[str, Any] | None, path: Path | None) -> Any:
    """The context encoder a manifest describes (None for a text-only coder), after checks."""
    from mindthegap.text.autocoder_context import ContextEncoder

    if state is None:
        return None
    check_object(state, CONTEXT_SCHEMA, "manifest.context", path)
    for i, block in enumerate(state["blocks"]):
        check_object(block, BLOCK_SCHEMA, f"manifest.context.blocks[{i}]", path)
    try:
        return ContextEncoder.from_state(state)
    except ValueError as err:
        raise _refuse(path, f"manifest.context: {err}") from None


def _check_codebook(model: Any, path: Path | None, codes: Sequence[str] | None, codebook: str | None) -> None:
    if codes is not None and list(codes) != list(model.labels_):
        raise InputError(
            "model was trained on a different codebook (codes differ)",
            path=path,
            hint="retrain the model on the current codebook",
        )
    if codebook is not None and codebook != model.codebook_:
        raise InputError(
            "model was trained on a different codebook (fingerprint differs)",
            path=path,
            hint="retrain the model on the current codebook",
        )
