"""Benchmark: agreement between people on the sentences of double-coded interviews, and prevalence over the union
of coders, for 500 interviews of 120 sentences coded by three people with 30 codes (target under 10 s). Prints JSON.

Run: python benchmarks/coders.py
"""

from __future__ import annotations

import json
import platform
import time

import numpy as np
import pandas as pd

from mindthegap.analysis.coders import intercoder_agreement, prevalence_codings
from mindthegap.text.segmentation import sentences


def build(n_sources: int = 500, per_source: int = 120, n_codes: int = 30, seed: int = 5):
    rng = np.random.default_rng(seed)
    sentence = "We talked about how the team makes time for reflective practice and supervision."
    text = " ".join([sentence] * per_source)
    units = pd.DataFrame(
        [(f"s{i}", seg.start, seg.end) for i in range(n_sources) for seg in sentences(text)],
        columns=["source", "start", "end"],
    )
    rows = []
    step = len(sentence) + 1
    for i in range(n_sources):
        coders = ["Asha", "Ben", "Chloe"] if i % 2 else ["Asha", "Ben"]  # half triple-coded
        for k in rng.choice(per_source, 25, replace=False):  # passages someone coded
            code = f"Theme {rng.integers(n_codes)}"
            for coder in coders:
                if rng.random() < 0.85:
                    agreed = code if rng.random() < 0.8 else f"Theme {rng.integers(n_codes)}"
                    start = int(k) * step
                    rows.append((f"s{i}", agreed, start, start + step * int(rng.integers(1, 3)), coder))
    codings = pd.DataFrame(rows, columns=["source", "code", "start", "end", "coder"])
    return codings, units


def main() -> None:
    codings, units = build()
    started = time.perf_counter()
    table = intercoder_agreement(codings, units, unit="sentence")
    agreement_seconds = time.perf_counter() - started
    started = time.perf_counter()
    kept = prevalence_codings(codings)
    prevalence_seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "sources": int(codings["source"].nunique()),
                "sentences": len(units),
                "codings": len(codings),
                "codes": int(codings["code"].nunique()),
                "overall_alpha": round(float(table.iloc[0]["krippendorff_alpha"]), 3),
                "agreement_seconds": round(agreement_seconds, 2),
                "prevalence_codings": len(kept),
                "prevalence_seconds": round(prevalence_seconds, 3),
                "target_seconds": 10.0,
                "machine": f"{platform.machine()}, Python {platform.python_version()}",
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
