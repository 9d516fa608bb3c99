"""Benchmark: the values–practice gap with 2,000 bootstrap resamples on 100,000 participants.

100,000 participants × 6 principles × 2 waves (1.2 million rating pairs), grouped by principle × service ×
discipline × level × wave, first without margins (the target: under 5 s on 2 cores), then with every "All"
margin (a full cube, as the report's tables need), then with principles pooled (service × discipline × level ×
wave, so each person brings six ratings to a group and people are resampled with all six). Prints JSON.

    python benchmarks/gap_bootstrap.py [--participants 100000] [--n-boot 2000]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time

import numpy as np
import pandas as pd

from mindthegap.analysis.gap import values_practice_gap

SERVICES = [
    "adult_community",
    "adult_inpatient",
    "older_people",
    "children_young_people",
    "learning_disability",
    "forensic",
]
DISCIPLINES = [
    "nursing",
    "psychiatry",
    "psychology",
    "occupational_therapy",
    "social_work",
    "support_work",
    "peer_support",
    "management",
]
LEVELS = ["local_frontline", "local_strategic", "people_and_carers", "regional", "national"]
PRINCIPLES = ["user_centred", "safe", "effective", "co_production", "wellbeing", "prevention"]


def synthetic(participants: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    people = pd.DataFrame(
        {
            "participant_id": np.arange(participants).astype(str),
            "service": rng.choice(SERVICES, participants),
            "discipline": rng.choice(DISCIPLINES, participants),
            "level": rng.choice(LEVELS, participants, p=[0.85, 0.05, 0.08, 0.015, 0.005]),
        }
    )
    frame = people.merge(pd.DataFrame({"principle": PRINCIPLES}), how="cross").merge(
        pd.DataFrame({"wave": ["baseline", "follow_up"]}), how="cross"
    )
    frame["value"] = rng.integers(3, 6, len(frame)).astype(float)
    frame["practice"] = rng.integers(1, 6, len(frame)).astype(float)
    return frame


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=100_000)
    parser.add_argument("--n-boot", type=int, default=2000)
    args = parser.parse_args()
    frame = synthetic(args.participants)
    by = ["principle", "service", "discipline", "level", "wave"]
    results = {"participants": args.participants, "rows": len(frame), "n_boot": args.n_boot}
    runs = (("no_margins", by, False), ("full_cube", by, True), ("principles_pooled", by[1:], False))
    for label, dims, margins in runs:
        start = time.perf_counter()
        table = values_practice_gap(frame, dims, margins=margins, n_boot=args.n_boot)
        elapsed = time.perf_counter() - start
        results[label] = {
            "seconds": round(elapsed, 2),
            "groups": len(table),
            "suppressed": int(table["suppressed"].sum()),
        }
    results["target_seconds"] = 5.0
    results["target_met"] = results["no_margins"]["seconds"] < 5.0
    results["machine"] = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "processor": platform.machine(),
    }
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
