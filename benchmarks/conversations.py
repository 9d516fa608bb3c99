"""Benchmark: network measures and a 1,000-permutation test of change on 5,000 people (target under 10 s on
2 cores). Prints JSON. (The Delphi part belongs beside it, in this file or benchmarks/delphi.py.)

Run: python benchmarks/conversations.py
"""

from __future__ import annotations

import json
import os
import platform
import time

import numpy as np
import pandas as pd

from mindthegap.analysis import networks as nw


def network_data(n: int = 5000, seed: int = 2026) -> tuple[pd.DataFrame, pd.DataFrame]:
    """n staff in 8 disciplines and 6 services naming about 5 colleagues each, mostly in their own service, at
    two waves (the second with a little more mixing); 85% answer each wave."""
    rng = np.random.default_rng(seed)
    disc, serv = rng.integers(0, 8, n), rng.integers(0, 6, n)
    people = pd.DataFrame(
        {
            "participant_id": [f"P{i:05d}" for i in range(n)],
            "discipline": [f"d{d}" for d in disc],
            "service": [f"s{s}" for s in serv],
        }
    )
    by_service = [np.flatnonzero(serv == s) for s in range(6)]
    frames = []
    for wave, mixing in (("baseline", 0.2), ("follow_up", 0.3)):
        answered = np.flatnonzero(rng.random(n) < 0.85)
        ego = np.repeat(answered, rng.poisson(5, len(answered)))
        across = rng.random(len(ego)) < mixing
        alter = np.where(across, rng.integers(0, n, len(ego)), 0)
        for s in range(6):
            mine = ~across & (serv[ego] == s)
            alter[mine] = rng.choice(by_service[s], mine.sum())
        keep = ego != alter
        frames.append(
            pd.DataFrame(
                {
                    "wave": wave,
                    "participant_id": people["participant_id"].to_numpy()[ego[keep]],
                    "alter_id": people["participant_id"].to_numpy()[alter[keep]],
                }
            )
        )
    return pd.concat(frames, ignore_index=True), people


def main() -> None:
    ties, people = network_data()
    results: dict[str, object] = {"people": len(people), "ties_named": len(ties), "permutations": 1000}
    started = time.perf_counter()
    measures = []
    for wave in ("baseline", "follow_up"):
        graph = nw.wave_graph(ties, people, wave)
        measures.append(nw.wave_measures(graph, wave))
        for attr in ("discipline", "service"):
            nw.group_ei(graph, attr)
        nw.brokers(graph)
    results["measures_seconds"] = round(time.perf_counter() - started, 3)
    started = time.perf_counter()
    change = nw.change_test(ties, people, "baseline", "follow_up", n_perm=1000, seed=1)
    results["permutation_seconds"] = round(time.perf_counter() - started, 3)
    results["total_seconds"] = round(results["measures_seconds"] + results["permutation_seconds"], 3)
    results["target_seconds"] = 10.0
    results["density"] = [round(m["density"], 5) for m in measures]
    results["ei_service_change"] = round(float(change.set_index("measure").loc["ei_service", "change"]), 4)
    results["machine"] = (
        f"{platform.machine()} {platform.processor() or platform.system()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
