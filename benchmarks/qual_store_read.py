"""Benchmark: read a stored study's qualitative evidence back through the consent filter. Prints JSON.

2,000 sources from 200 participants (5 of them withdrawn) with 100,000 codings, stored in a study; times
``load_qualitative`` (the report's frames) and ``load_project`` (what ``qual export`` writes), best of three.
Every source and coding passes the withdrawn-participant check of ``store/withdrawal.py`` on the way out.
SQLite in a temporary folder by default; ``--db URL`` for PostgreSQL (the study is deleted afterwards).

    python benchmarks/qual_store_read.py [--db postgresql://postgres@127.0.0.1:5432/bench] [--analyze]
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from qual_import import build  # the same generated project as the REFI-QDA benchmark


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default=None, help="database URL or SQLite path (default: a temporary file)")
    parser.add_argument("--analyze", action="store_true", help="refresh the planner's statistics first")
    args = parser.parse_args()
    db = args.db or str(Path(tempfile.mkdtemp(prefix="mtg-qual-read-")) / "bench.sqlite3")

    from mindthegap.store.database import open_store

    where = open_store(db)
    from django.db import connection

    from mindthegap.model import Level, Participant, Policy, Principle, Role, Study
    from mindthegap.store.qualitative.repository import load_project, load_qualitative, save_project
    from mindthegap.store.studies.repository import delete_study, save_study

    people = [
        Participant(id=f"P{i:03d}", role=Role.PRACTITIONER, level=Level.LOCAL_FRONTLINE, consent=i % 40 != 0)
        for i in range(200)
    ]
    study = Study(
        id="bench-qual-read",
        name="bench",
        policies=[Policy("p", "P", (Principle("a", "A"),))],
        participants=people,
    )
    record = save_study(study, replace=True)
    project = build()
    for i, source in enumerate(project.sources):
        source.metadata["participant"] = people[i % len(people)].id
    save_project(record, project)
    if args.analyze:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    result = {"date": date.today().isoformat(), "machine": platform.platform(), "database": where}
    try:
        for name, load in (("load_qualitative", load_qualitative), ("load_project", load_project)):
            times = []
            for _ in range(3):
                started = time.perf_counter()
                load(record)
                times.append(time.perf_counter() - started)
            result[f"{name}_seconds"] = round(min(times), 2)
        frames = load_qualitative(record)
        result["sources_shown"], result["codings_shown"] = len(frames["sources"]), len(frames["codings"])
    finally:
        delete_study(study.id)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
