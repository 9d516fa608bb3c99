"""Survey pipeline at scale: 1,000,000 respondents × 30 items (5 constructs of 6), 20 groups.

Times importing Parquet and CSV (answer mapping and validation included), scoring, reliability of the five
constructs and comparing 20 groups (1,000 bootstrap resamples for the mean CIs, Kruskal–Wallis, all 190 pairs).
Prints JSON. Targets: < 30 s in total for import + analysis, < 4 GiB peak memory.
Usage: python benchmarks/survey_pipeline.py [--respondents N]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--respondents", type=int, default=1_000_000)
    parser.add_argument("--n-boot", type=int, default=1000)
    args = parser.parse_args()
    from mindthegap.analysis.comparison import compare_groups, describe_groups
    from mindthegap.analysis.reliability import reliability
    from mindthegap.analysis.scoring import score
    from mindthegap.frameworks.instruments import parse_instrument
    from mindthegap.io.surveys import import_survey

    constructs = {f"c{c}": [f"q{c}_{i}" for i in range(6)] for c in range(5)}
    instrument = parse_instrument(
        {
            "id": "bench",
            "name": "Benchmark",
            "scales": {"s": {"min": 1, "max": 5}},
            "items": [
                {"id": q, "label": q, "construct": c, "scale": "s"}
                for c, qs in constructs.items()
                for q in qs
            ],
        }
    )
    rng = np.random.default_rng(1)
    n = args.respondents
    group = rng.integers(0, 20, n)
    frame = pd.DataFrame({"id": np.arange(n).astype(str), "group": [f"g{g:02d}" for g in range(20)] * (n // 20)
                          if n % 20 == 0 else [f"g{g:02d}" for g in group]})  # fmt: skip
    latent = rng.normal(3, 0.7, (n, 5))
    for c, qs in enumerate(constructs.values()):
        for q in qs:
            values = np.clip(np.rint(latent[:, c] + rng.normal(0, 0.8, n)), 1, 5).astype(float)
            values[rng.random(n) < 0.02] = np.nan
            frame[q] = values
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        parquet, csv = Path(tmp) / "s.parquet", Path(tmp) / "s.csv"
        frame.to_parquet(parquet)
        frame.to_csv(csv, index=False)
        del frame
        t = time.perf_counter()
        result = import_survey(parquet, instrument, id_column="id", attributes={"group": None})
        figures["import_parquet_s"] = time.perf_counter() - t
        t = time.perf_counter()
        import_survey(csv, instrument, id_column="id", attributes={"group": None})
        figures["import_csv_s"] = time.perf_counter() - t
    responses = result.responses
    t = time.perf_counter()
    scores = score(responses, constructs, keep=["respondent", "group"])
    figures["scoring_s"] = time.perf_counter() - t
    t = time.perf_counter()
    rel = reliability(responses, constructs)
    figures["reliability_5_constructs_s"] = time.perf_counter() - t
    t = time.perf_counter()
    groups = describe_groups(scores, "c0", ["group"], n_boot=args.n_boot)
    pairs, _omnibus = compare_groups(scores, "c0", "group")
    figures["comparison_20_groups_s"] = time.perf_counter() - t
    figures["total_s"] = sum(figures.values())
    figures["total_without_csv_import_s"] = figures["total_s"] - figures["import_csv_s"]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (
        1024 * 1024 if sys.platform == "darwin" else 1024
    )
    out = {
        "respondents": n,
        "items": 30,
        "groups": len(groups),
        "pairs": len(pairs),
        "n_boot": args.n_boot,
        "alpha_c0": round(float(rel["alpha"].iloc[0]), 4),
        **{k: round(v, 2) for k, v in figures.items()},
        "peak_memory_mib": round(peak),
    }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
