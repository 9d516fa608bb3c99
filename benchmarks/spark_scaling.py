"""Benchmark: coding 2,000,000 comments on one machine and on Spark local[1] and local[2] (issue 6).

The corpus is synthetic, drawn word by word from the vocabulary (with its frequencies) of the shared NHS feedback
set (../shared/data/nhs-patient-feedback/fft_v6_multilabel.csv), with comment lengths drawn from the real ones.
The model is trained on that set's train split. Each engine runs in a fresh process pinned to one BLAS thread, on
the full corpus and on a small one; the two sizes give each engine's start-up cost and rate, hence the corpus size
above which Spark pays off. Outputs are compared value for value. Prints JSON.

Targets: Spark local[2] at least 1.6x local[1]; per-core Spark throughput within 2x of the single-machine engine.

    python benchmarks/spark_scaling.py [--rows 2000000] [--small 50000] [--work /tmp/mindthegap-spark-bench]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "nhs-patient-feedback"
FFT = DATA / "fft_v6_multilabel.csv"
TEXT, ID = "answer", "comment_id"
BATCH = 50_000
THREADS_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


# ---------------------------------------------------------------------------------------------- data and model


def _fft_rows() -> pd.DataFrame:
    frame = pd.read_csv(FFT)
    frame = frame[frame["FFT answer"].notna() & (frame["Labelling not possible"].fillna(0) != 1)]
    return frame


def synthetic_corpus(rows: int, path: Path, seed: int = 2026) -> Path:
    """Comments drawn from the real vocabulary and length distribution; written once and reused."""
    if path.exists():
        return path
    texts = _fft_rows()["FFT answer"].astype(str)
    tokenised = [re.findall(r"[A-Za-z']+|[.,!?]", t) for t in texts]
    counts = Counter(tok for toks in tokenised for tok in toks)
    vocab = np.array(list(counts))
    weights = np.array([counts[w] for w in vocab], dtype=float)
    lengths_seen = np.array([max(1, len(t)) for t in tokenised])
    rng = np.random.default_rng(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".partial")
    schema = pa.schema([(ID, pa.int64()), (TEXT, pa.string())])
    with pq.ParquetWriter(tmp, schema) as writer:
        for start in range(0, rows, BATCH):
            n = min(BATCH, rows - start)
            lengths = rng.choice(lengths_seen, size=n)
            words = vocab[rng.choice(len(vocab), size=int(lengths.sum()), p=weights / weights.sum())]
            pieces = np.split(words, np.cumsum(lengths)[:-1])
            text = [" ".join(p).replace(" .", ".").replace(" ,", ",") for p in pieces]
            ids = np.arange(start + 1, start + n + 1, dtype=np.int64)
            writer.write_table(pa.table({ID: ids, TEXT: text}, schema=schema), row_group_size=BATCH)
    tmp.replace(path)
    return path


def _labels(train: pd.DataFrame) -> list[str]:
    themes = list(train.columns[train.columns.get_loc("Comment sentiment") + 1 :])
    themes.remove("Labelling not possible")
    return [c for c in themes if train[c].fillna(0).sum() >= 10]


def pipeline():
    """The text pipeline both engines run: ``mindthegap.text.pipeline.process_frame`` and the model loader."""
    from mindthegap.scale.spark import default_pipeline

    return default_pipeline()


def train_model(path: Path) -> Path:
    if path.exists():
        return path
    train = _fft_rows()
    train = train[train["split"] == "train"]
    labels = _labels(train)
    y = train[labels].fillna(0).astype(int).to_numpy()
    from mindthegap.text.autocoder import AutoCoder

    AutoCoder().fit(train["FFT answer"].astype(str).tolist(), pd.DataFrame(y, columns=labels)).save(path)
    return path


# ---------------------------------------------------------------------------------------------- engines (workers)


def run_single(model_path: Path, src: Path, out: Path) -> dict:
    """The single-machine engine (``mindthegap autocode apply --engine local``): chunks through process_frame."""
    pipe = pipeline()
    started = time.perf_counter()
    try:
        from mindthegap.scale.local import apply_model_local as apply_local
    except ImportError:  # the command line is optional here: the loop below is the same engine in brief
        apply_local = None
    if apply_local is not None:
        model = pipe.load(model_path)
        coding_started = time.perf_counter()
        summary = apply_local(model, src, out, text_col=TEXT, id_col=ID)
        finished = time.perf_counter()
        return {
            "rows": summary["rows"],
            "seconds_coding": round(finished - coding_started, 3),
            "seconds_total": round(finished - started, 3),
        }
    model = pipe.load(model_path)
    rows = 0
    tmp = out.with_name(f".{out.name}.partial")
    writer = None
    coding_started = time.perf_counter()
    for batch in pq.ParquetFile(src).iter_batches(batch_size=BATCH, columns=[ID, TEXT]):
        frame = batch.to_pandas()
        coded = pipe.process(frame, model=model, text_col=TEXT, id_col=ID, redact=False, sentiment=False)
        table = pa.Table.from_pandas(coded, preserve_index=False)
        if writer is None:
            writer = pq.ParquetWriter(tmp, table.schema)
        writer.write_table(table)
        rows += len(coded)
    writer.close()
    tmp.replace(out)
    finished = time.perf_counter()
    return {
        "rows": rows,
        "seconds_coding": round(finished - coding_started, 3),
        "seconds_total": round(finished - started, 3),
    }


def run_spark(model_path: Path, src: Path, out: Path, master: str) -> dict:
    from mindthegap.scale.spark import apply_model_spark

    pipe = pipeline()
    summary = apply_model_spark(
        model_path,
        src,
        out,
        text_col=TEXT,
        id_col=ID,
        redact=False,
        sentiment=False,
        master=master,
        pipeline=pipe,
    )
    return {k: summary[k] for k in ("rows", "partitions", "seconds_coding", "seconds_total")}


def _run_in_fresh_process(engine: str, model: Path, src: Path, out: Path) -> dict:
    shutil.rmtree(out, ignore_errors=True)
    if out.is_file():
        out.unlink()
    env = {**os.environ, **THREADS_ENV}
    cmd = [
        sys.executable,
        __file__,
        "--worker",
        engine,
        "--model",
        str(model),
        "--src",
        str(src),
        "--out",
        str(out),
    ]
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"{engine} failed:\n{proc.stderr[-3000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["seconds_wall"] = round(wall, 3)
    # other work on the machine competes for the same cores: record it beside every timing
    result["load_average_1min"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    return result


def _read_sorted(path: Path) -> pd.DataFrame:
    return pd.read_parquet(path).sort_values(ID).reset_index(drop=True)


def identical(a: Path, b: Path) -> bool:
    left, right = _read_sorted(a), _read_sorted(b)
    if list(left.columns) != list(right.columns) or len(left) != len(right):
        return False
    return all(np.array_equal(left[c].to_numpy(), right[c].to_numpy()) for c in left.columns)


# ---------------------------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--small", type=int, default=50_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/mindthegap-spark-bench"))
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--model", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--src", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:  # one engine, one size, in this fresh process
        if args.worker == "single":
            result = run_single(args.model, args.src, args.out)
        else:
            result = run_spark(args.model, args.src, args.out, master=args.worker)
        print(json.dumps(result))
        return

    if not FFT.exists():
        raise SystemExit(f"{FFT} is not present: this benchmark needs ../shared/data")
    work = args.work
    work.mkdir(parents=True, exist_ok=True)
    model = train_model(work / "autocoder.joblib")
    sizes = {"small": args.small, "full": args.rows}
    corpora = {k: synthetic_corpus(n, work / f"comments-{n}.parquet") for k, n in sizes.items()}

    engines = ["single", "local[1]", "local[2]"]
    runs: dict[str, dict[str, dict]] = {}
    for engine in engines:
        runs[engine] = {}
        for size, src in corpora.items():
            out = work / f"out-{engine.replace('[', '').replace(']', '')}-{size}.parquet"
            runs[engine][size] = _run_in_fresh_process(engine, model, src, out)
            print(f"{engine:9s} {size:5s} {runs[engine][size]}", file=sys.stderr)

    def out_of(engine: str, size: str) -> Path:
        return work / f"out-{engine.replace('[', '').replace(']', '')}-{size}.parquet"

    same = {
        size: all(identical(out_of("single", size), out_of(e, size)) for e in engines[1:]) for size in sizes
    }

    def rate(engine: str) -> float:  # rows per second of coding, at the full size
        r = runs[engine]["full"]
        return r["rows"] / r["seconds_coding"]

    def fit(engine: str) -> tuple[float, float]:
        """Wall time = start-up + rows / rate, from the two sizes."""
        t_small, t_full = runs[engine]["small"]["seconds_wall"], runs[engine]["full"]["seconds_wall"]
        per_row = (t_full - t_small) / (sizes["full"] - sizes["small"])
        return t_small - per_row * sizes["small"], per_row

    single_start, single_per_row = fit("single")
    break_even = {}
    for engine in engines[1:]:
        start, per_row = fit(engine)
        gain = single_per_row - per_row
        break_even[engine] = int((start - single_start) / gain) if gain > 0 else None

    speed_up = rate("local[2]") / rate("local[1]")
    per_core = {e: rate(e) / int(e[6:-1]) for e in engines[1:]}
    per_core_ratio = rate("single") / min(per_core.values())
    result = {
        "benchmark": "spark_scaling",
        "date": time.strftime("%Y-%m-%d"),
        "machine": {
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "system": platform.system(),
        },
        "pipeline": "mindthegap.text.pipeline.process_frame (AutoCoder trained on the fft_v6 train split)",
        "rows": sizes,
        "runs": runs,
        "throughput_rows_per_s": {e: round(rate(e), 1) for e in engines},
        "spark_per_core_rows_per_s": {e: round(v, 1) for e, v in per_core.items()},
        "speed_up_local2_over_local1": round(speed_up, 3),
        "single_over_spark_per_core": round(per_core_ratio, 3),
        "startup_seconds": {e: round(fit(e)[0], 2) for e in engines},
        "break_even_rows_vs_single": break_even,
        "identical_predictions": same,
        "targets": {
            "local2_at_least_1.6x_local1": speed_up >= 1.6,
            "per_core_within_2x_of_single": per_core_ratio <= 2.0,
            "identical": all(same.values()),
        },
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
