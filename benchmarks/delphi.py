"""Benchmark: a Delphi of 2,000 raters × 60 statements × 3 rounds summarised by group (target under 2 s).
Prints JSON.

Times the consensus summary (n, median, % 7–9, % 1–3, IPR/IPRAS and verdict per round × statement × group,
plus the pooled row) with the table's own suppression, the same under the RAND/UCLA rule, stability between
rounds, and the feedback distribution of one round.

Run: python benchmarks/delphi.py
"""

from __future__ import annotations

import json
import platform
import time

import numpy as np
import pandas as pd

from mindthegap.analysis.consensus import ConsensusRule, consensus_summary
from mindthegap.analysis.consensus_rounds import distribution, stability

GROUPS = ("policymakers", "commissioners", "managers", "practitioners", "service_users", "carers")


def ratings(raters: int = 2000, statements: int = 60, rounds: int = 3, seed: int = 2026) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    group = rng.choice(GROUPS, raters)
    means = rng.uniform(3, 8, (len(GROUPS), statements))
    g = pd.factorize(pd.Series(group).astype(pd.CategoricalDtype(GROUPS)))[0]
    frames = []
    for r in range(1, rounds + 1):
        scores = np.clip(np.rint(means[g] + rng.normal(0, 1.8 / r, (raters, statements))), 1, 9)
        scores[rng.random(scores.shape) < 0.03] = np.nan
        frames.append(
            pd.DataFrame(
                {
                    "rater_id": np.repeat(np.arange(raters).astype(str), statements),
                    "group": np.repeat(group, statements),
                    "statement": np.tile([f"s{i:02d}" for i in range(statements)], raters),
                    "round": r,
                    "rating": scores.ravel(),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return round(time.perf_counter() - started, 3)


def main() -> None:
    data = ratings()
    results = {"raters": 2000, "statements": 60, "rounds": 3, "rows": len(data), "target_seconds": 2.0}
    results["summary_percent_seconds"] = timed(lambda: consensus_summary(data))
    results["summary_rand_seconds"] = timed(lambda: consensus_summary(data, rule=ConsensusRule("rand")))
    results["stability_seconds"] = timed(lambda: stability(data))
    results["feedback_one_round_seconds"] = timed(lambda: distribution(data, 3))
    results["machine"] = (
        f"{platform.machine()} {platform.processor() or platform.system()}, Python {platform.python_version()}"
    )
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
