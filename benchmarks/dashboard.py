"""Benchmark: opening the demo study's dashboard, first (every analysis computed) and again (from the cache
keyed by the study's data version), after a withdrawal (a new version: computed once more, the viewer waits),
and after an edit while the dashboard is rebuilt in the background (the viewer gets the previous figures at
once; the rebuild's own time is reported too). Prints JSON.

Run: python benchmarks/dashboard.py [--db postgresql://…]   (default: a SQLite file in a temporary folder)
The target (issue 13): the dashboard opens in under 2 s.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path


def _timed(client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default=None, help="Database URL (default: SQLite in a temporary folder).")
    parser.add_argument("--repeat", type=int, default=5, help="Cached views to time.")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="mtg-dashboard-")
    db = args.db or str(Path(folder) / "bench.sqlite3")
    os.environ.setdefault("MINDTHEGAP_SECRET_KEY", "benchmark-only")
    os.environ["MINDTHEGAP_ALLOWED_HOSTS"] = "testserver,localhost"

    from mindthegap.store.database import open_store

    open_store(db)
    from django.contrib.auth import get_user_model
    from django.test import Client

    from mindthegap.demo import build_demo_study
    from mindthegap.store.evidence import save_all
    from mindthegap.store.studies.consent import set_consent
    from mindthegap.store.studies.models import StudyAccess, StudyRecord

    demo = build_demo_study()
    save_all(demo.study, demo.evidence, replace=True)
    record = StudyRecord.objects.get(slug=demo.study.id)
    user, _ = get_user_model().objects.get_or_create(username="bench-viewer")
    StudyAccess.objects.update_or_create(study=record, user=user, defaults={"role": "viewer"})
    client = Client()
    client.force_login(user)
    url = f"/studies/{record.slug}/"
    first = _timed(client, url)
    cached = [_timed(client, url) for _ in range(args.repeat)]
    download = _timed(client, f"{url}report.html")  # built with the dashboard: no analysis runs again
    someone = next(p.id for p in demo.study.participants if p.consent)
    set_consent(record, [someone], consent=False)
    after_change = _timed(client, url)
    cached_again = _timed(client, url)
    from mindthegap.store.audit.log import record as audit_record
    from mindthegap.web.warming import warmer

    audit_record("edited", study=record.slug)  # a change that removes nobody (a coding decision, say)
    edited_view = _timed(client, url)  # starts the rebuild, answers with the previous figures
    started = time.perf_counter()
    warmer.idle(timeout=1800)
    rebuild = time.perf_counter() - started + edited_view
    after_rebuild = _timed(client, url)
    print(
        json.dumps(
            {
                "database": "postgresql" if "://" in db and db.startswith("postgres") else "sqlite",
                "participants": len(demo.study.participants),
                "first_view_seconds": round(first, 3),
                "cached_view_seconds_median": round(statistics.median(cached), 3),
                "cached_view_seconds_max": round(max(cached), 3),
                "report_download_after_the_view_seconds": round(download, 3),
                "after_a_withdrawal_seconds": round(after_change, 3),
                "cached_again_seconds": round(cached_again, 3),
                "after_an_edit_seconds (previous figures shown)": round(edited_view, 3),
                "background_rebuild_seconds": round(rebuild, 3),
                "after_the_rebuild_seconds": round(after_rebuild, 3),
                "load_average_1_min_at_end": os.getloadavg()[0],
                "target_seconds": 2.0,
                "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
                "date": time.strftime("%Y-%m-%d"),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
