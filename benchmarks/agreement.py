"""Benchmark: Krippendorff's alpha for 5 coders × 50,000 units (target under 2 s per level). Prints JSON.

Run: python benchmarks/agreement.py
"""

from __future__ import annotations

import json
import platform
import time

import numpy as np

from mindthegap.analysis.agreement import krippendorff_alpha, percent_agreement


def main() -> None:
    rng = np.random.default_rng(2026)
    truth = rng.integers(1, 6, 50_000)
    data = np.where(rng.random((50_000, 5)) < 0.7, truth[:, None], rng.integers(1, 6, (50_000, 5))).astype(
        float
    )
    data[rng.random(data.shape) < 0.15] = np.nan
    results = {"units": 50_000, "coders": 5, "missing_share": 0.15, "target_seconds": 2.0}
    for level in ("nominal", "ordinal", "interval", "ratio"):
        started = time.perf_counter()
        alpha = krippendorff_alpha(data, level)
        results[level] = {"alpha": round(alpha, 4), "seconds": round(time.perf_counter() - started, 3)}
    started = time.perf_counter()
    percent_agreement(data)
    results["percent_agreement_seconds"] = round(time.perf_counter() - started, 3)
    results["machine"] = (
        f"{platform.machine()} {platform.processor() or platform.system()}, Python {platform.python_version()}"
    )
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
