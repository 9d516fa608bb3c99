"""Benchmark the auto-coder on real NHS Friends and Family Test feedback, beside the published reference recipe.

Task fixed by ../shared/data/nhs-patient-feedback/README.md: rows with non-empty ``FFT answer`` and
``Labelling not possible`` != 1; the 39 theme columns (other than ``Labelling not possible``) with ≥ 10 positives in
train; fit on train, report on dev. The reference is pxtextmining's "final_svc": default TfidfVectorizer and one
SVC(C=15, class_weight="balanced", probability=True) per label, threshold 0.5 with arg-max fallback.

Run: ``taskset -c 0 python benchmarks/feedback_coding.py [--skip-reference]`` (one core, as the targets state).
Prints JSON with both results side by side.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import f1_score

DATA = (
    Path(__file__).resolve().parents[1].parent
    / "shared"
    / "data"
    / "nhs-patient-feedback"
    / "fft_v6_multilabel.csv"
)


def load_task(path: Path = DATA):
    """(train frame, dev frame, labels) exactly as the README fixes them."""
    df = pd.read_csv(path)
    df = df[df["FFT answer"].notna() & (df["Labelling not possible"] != 1)]
    themes = [
        c for c in df.columns[df.columns.get_loc("Comment sentiment") + 1 :] if c != "Labelling not possible"
    ]
    train, dev = df[df["split"] == "train"], df[df["split"] == "dev"]
    labels = [t for t in themes if train[t].fillna(0).sum() >= 10]
    return train, dev, labels


def _scores(Y: np.ndarray, P: np.ndarray, labels: list[str]) -> dict:
    per = f1_score(Y, P, average=None, zero_division=0)
    return {
        "macro_f1": round(float(per.mean()), 4),
        "micro_f1": round(float(f1_score(Y, P, average="micro", zero_division=0)), 4),
        "per_label_f1": {lab: round(float(f), 3) for lab, f in zip(labels, per, strict=True)},
    }


def _throughput(predict, texts: list[str], *, min_rows: int = 20_000) -> float:
    reps = max(1, -(-min_rows // len(texts)))
    batch = texts * reps
    start = time.perf_counter()
    predict(batch)
    return round(len(batch) / (time.perf_counter() - start), 1)


def run_mindthegap(train, dev, labels) -> dict:
    from mindthegap.text.autocoder import AutoCoder
    from mindthegap.text.sentiment import SentimentModel

    Ytr = train[labels].fillna(0).astype(int).to_numpy()
    Ydv = dev[labels].fillna(0).astype(int).to_numpy()
    texts_tr, texts_dv = train["FFT answer"].astype(str).tolist(), dev["FFT answer"].astype(str).tolist()
    start = time.perf_counter()
    model = AutoCoder().fit(texts_tr, Ytr, labels=labels)
    fit_s = time.perf_counter() - start
    result = _scores(Ydv, model.predict(texts_dv), labels)
    result["fit_seconds"] = round(fit_s, 1)
    result["comments_per_second"] = _throughput(model.predict, texts_dv)
    result["fallback"] = model.fallback_
    start = time.perf_counter()
    senti = SentimentModel().fit(texts_tr, train["Comment sentiment"].to_numpy(dtype=float))
    result["sentiment_fit_seconds"] = round(time.perf_counter() - start, 1)
    ydv = dev["Comment sentiment"].to_numpy(dtype=float)
    ok = ~np.isnan(ydv)
    pred = senti.predict([t for t, k in zip(texts_dv, ok, strict=True) if k])
    result["sentiment_macro_f1"] = round(float(f1_score(ydv[ok].astype(int), pred, average="macro")), 4)
    from mindthegap.text.sentiment import LexiconSentiment

    lex = LexiconSentiment().fit().predict([t for t, k in zip(texts_dv, ok, strict=True) if k])
    result["sentiment_lexicon_macro_f1"] = round(
        float(f1_score(ydv[ok].astype(int), lex, average="macro")), 4
    )
    return result


def run_reference(train, dev, labels) -> dict:
    """pxtextmining "final_svc", re-implemented from its description in the data README."""
    import warnings

    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import SVC

    # the recipe uses SVC(probability=True), deprecated in scikit-learn 1.9 but still the published recipe
    warnings.filterwarnings("ignore", category=FutureWarning, module="sklearn")

    Ytr = train[labels].fillna(0).astype(int).to_numpy()
    Ydv = dev[labels].fillna(0).astype(int).to_numpy()
    texts_tr, texts_dv = train["FFT answer"].astype(str).tolist(), dev["FFT answer"].astype(str).tolist()
    start = time.perf_counter()
    vec = TfidfVectorizer().fit(texts_tr)
    X = vec.transform(texts_tr)
    models = [
        SVC(C=15, class_weight="balanced", probability=True, random_state=0).fit(X, Ytr[:, j])
        for j in range(len(labels))
    ]
    fit_s = time.perf_counter() - start

    def predict(texts: list[str]) -> np.ndarray:
        Xt = vec.transform(texts)
        proba = np.column_stack([m.predict_proba(Xt)[:, 1] for m in models])
        pred = (proba >= 0.5).astype(int)
        empty = pred.sum(axis=1) == 0
        pred[np.flatnonzero(empty), proba[empty].argmax(axis=1)] = 1
        return pred

    result = _scores(Ydv, predict(texts_dv), labels)
    result["fit_seconds"] = round(fit_s, 1)
    result["comments_per_second"] = _throughput(predict, texts_dv, min_rows=len(texts_dv))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-reference", action="store_true", help="Skip the slow reference recipe.")
    args = parser.parse_args(argv)
    if not DATA.is_file():
        print(json.dumps({"skipped": f"data not found at {DATA}"}))
        return 0
    train, dev, labels = load_task()
    out: dict = {
        "task": {"train_rows": len(train), "dev_rows": len(dev), "labels": len(labels)},
        "cpu_affinity": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "mindthegap": run_mindthegap(train, dev, labels),
    }
    if not args.skip_reference:
        out["reference_final_svc"] = run_reference(train, dev, labels)
        m, r = out["mindthegap"], out["reference_final_svc"]
        out["targets"] = {
            "macro_f1_gain": round(m["macro_f1"] - r["macro_f1"], 4),
            "macro_f1_gain_at_least_0.10": m["macro_f1"] - r["macro_f1"] >= 0.10,
            "micro_f1_not_lower": m["micro_f1"] >= r["micro_f1"],
            "at_least_10000_per_second": m["comments_per_second"] >= 10_000,
            "fit_under_60_seconds": m["fit_seconds"] < 60,
        }
    json.dump(out, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
