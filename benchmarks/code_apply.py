"""Throughput of ``mindthegap autocode apply`` end to end (read, code, write) with CSV and with Parquet, on one core.

The model is the auto-coder trained on the FFT train split (../shared/data; a synthetic corpus stands in where
the data are absent). The corpus is ``--rows`` comments drawn from the FFT comments (so the vocabulary and
lengths are real), written once as CSV and as Parquet; each format is then coded into the same format by
:func:`mindthegap.scale.local.apply_model_local`, as the command does. Reports comments per second of wall time
and of this process's CPU time (the latter is steadier on a shared machine).

Run: ``taskset -c 0 python benchmarks/code_apply.py [--rows 200000] [--model coder.mtgmodel]``; prints JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from feedback_coding import DATA, load_task


def _model_and_texts(model_path: Path | None):
    from mindthegap.text.autocoder import AutoCoder, load_autocoder

    if DATA.is_file():
        train, dev, labels = load_task()
        texts = train["FFT answer"].astype(str).tolist()
        Y = train[labels].fillna(0).astype(int).to_numpy()
        pool = texts + dev["FFT answer"].astype(str).tolist()
        if model_path is not None:
            return load_autocoder(model_path), pool, f"FFT train split, loaded from {model_path.name}"
        return AutoCoder().fit(texts, Y, codes=labels), pool, "FFT train split"
    from tests.test_autocoder import synthetic_corpus  # pragma: no cover - only without the shared data

    texts, Y = synthetic_corpus(600)
    return AutoCoder(cv=4).fit(texts, Y, codes=["Staff", "Waiting", "Parking"]), texts, "synthetic"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000, help="Comments to code per format.")
    parser.add_argument("--repeats", type=int, default=2, help="Runs per format; the best is reported.")
    parser.add_argument("--model", type=Path, help="Use this saved auto-coder instead of training one.")
    args = parser.parse_args(argv)
    from mindthegap.scale.local import apply_model_local

    started = time.perf_counter()
    model, pool, trained_on = _model_and_texts(args.model)
    fit_s = time.perf_counter() - started
    rng = np.random.default_rng(20261130)
    frame = pd.DataFrame(
        {"Comment ID": [f"c{i}" for i in range(args.rows)], "FFT answer": rng.choice(pool, size=args.rows)}
    )
    out: dict = {
        "rows": args.rows,
        "model": trained_on,
        "labels": len(model.labels_),
        "fit_seconds": round(fit_s, 1),
        "cpu_affinity": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "load_average": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
    }
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        frame.to_csv(folder / "in.csv", index=False)
        frame.to_parquet(folder / "in.parquet", index=False)
        for kind in ("csv", "parquet"):
            best: dict | None = None
            for _ in range(args.repeats):
                target = folder / f"out.{kind}"
                target.unlink(missing_ok=True)
                wall, cpu = time.perf_counter(), time.process_time()
                summary = apply_model_local(
                    model, folder / f"in.{kind}", target, text_col="FFT answer", id_col="Comment ID"
                )
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
                run = {
                    "seconds": round(wall, 2),
                    "comments_per_second": round(summary["rows"] / wall),
                    "comments_per_cpu_second": round(summary["rows"] / cpu),
                    "output_mb": round(target.stat().st_size / 1e6, 1),
                }
                if best is None or run["seconds"] < best["seconds"]:
                    best = run
            out[kind] = best
    out["at_least_10000_per_second"] = {
        k: out[k]["comments_per_second"] >= 10_000 for k in ("csv", "parquet")
    }
    json.dump(out, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
