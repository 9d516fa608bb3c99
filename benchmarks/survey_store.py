"""Storing survey answers in a study database, and reading them back for analysis.

A study of N staff (default 20,000) answers the 20 NoMAD Part B items at two waves: 2 × N × 20 answers. Times
``import_into_study`` (read the CSV, map answers, check every respondent against the study, write in one
transaction) per wave, then reading the answers back (``stored_responses``) and the reliability of the four
constructs. SQLite in a temporary folder by default; ``--db URL`` for PostgreSQL. Prints JSON.

    python benchmarks/survey_store.py [--people 20000] [--db postgresql://postgres@127.0.0.1:5432/bench]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--db", default=None, help="database URL or SQLite path (default: a temporary file)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="mtg-survey-store-"))
    db = args.db or str(work / "bench.sqlite3")

    from mindthegap.store.database import open_store

    where = open_store(db)
    from mindthegap.analysis.reliability import reliability
    from mindthegap.frameworks.instruments import load_instrument
    from mindthegap.model import Level, Role
    from mindthegap.model.study import Discipline, Participant, Service, Study, Wave
    from mindthegap.store.studies.repository import save_study
    from mindthegap.store.surveys.importing import import_into_study
    from mindthegap.store.surveys.repository import stored_responses

    n = args.people
    services = [Service(f"s{i}", f"Service {i}") for i in range(8)]
    disciplines = [Discipline(f"d{i}", f"Discipline {i}") for i in range(6)]
    people = [
        Participant(f"P{i:06d}", Role.CLINICIAN, Level.LOCAL_FRONTLINE, f"d{i % 6}", f"s{i % 8}")
        for i in range(n)
    ]
    study = Study(
        id="bench",
        name="Benchmark trust",
        services=services,
        disciplines=disciplines,
        waves=[Wave("baseline", "Baseline", 0), Wave("follow_up", "Follow-up", 1)],
        participants=people,
    )
    started = time.perf_counter()
    save_study(study, replace=True)
    seconds_study = time.perf_counter() - started

    nomad = load_instrument("nomad")
    items = [i.id for i in nomad.rating_items if i.construct]
    rng = np.random.default_rng(3)
    timings = {}
    for wave in ("baseline", "follow_up"):
        f = rng.normal(size=n)
        frame = pd.DataFrame(
            {b: np.clip(np.round(3 + f + rng.normal(size=n)), 1, 5).astype(int) for b in items}
        )
        frame.insert(0, "participant_id", [p.id for p in people])
        path = work / f"{wave}.csv"
        frame.to_csv(path, index=False)
        started = time.perf_counter()
        stored = import_into_study("bench", path, "nomad", wave=wave)
        timings[wave] = {"answers": stored.answers, "seconds": round(time.perf_counter() - started, 2)}

    from mindthegap.store.studies.repository import get_record

    started = time.perf_counter()
    wide = stored_responses(get_record("bench"), "nomad")
    seconds_read = time.perf_counter() - started
    started = time.perf_counter()
    rel = reliability(wide, nomad.construct_items(), reverse=nomad.reverse_items, by=["wave"])
    seconds_rel = time.perf_counter() - started
    answers = sum(t["answers"] for t in timings.values())
    import_seconds = sum(t["seconds"] for t in timings.values())
    print(
        json.dumps(
            {
                "benchmark": "survey_store",
                "date": date.today().isoformat(),
                "machine": {"cores": os.cpu_count(), "python": platform.python_version()},
                "database": where.split(":", 1)[0] if "://" in where else "sqlite",
                "people": n,
                "answers": answers,
                "seconds_store_study": round(seconds_study, 2),
                "import_by_wave": timings,
                "answers_per_second": round(answers / import_seconds),
                "seconds_read_back": round(seconds_read, 2),
                "seconds_reliability": round(seconds_rel, 2),
                "rows_read_back": len(wide),
                "constructs": int(rel["construct"].nunique()),
                "peak_memory_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
