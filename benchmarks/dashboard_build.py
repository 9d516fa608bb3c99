"""Benchmark and equality check: build the demo study's dashboards (aggregates, then full) once, time each
build, and write what they show (summary, contents and the rendered HTML) to a JSON file.

Run it on two checkouts and compare the files byte for byte to show that a speed-up changed no number shown:

    PYTHONPATH=/path/to/old/src python benchmarks/dashboard_build.py old.json
    PYTHONPATH=src python benchmarks/dashboard_build.py new.json
    cmp old.json new.json && echo identical

Add --profile to write a cProfile of the aggregate build beside the JSON (``new.json.prof``).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path, help="JSON file for what the dashboards show.")
    parser.add_argument("--profile", action="store_true", help="Also profile the aggregate build.")
    args = parser.parse_args()
    os.environ.setdefault("MINDTHEGAP_SECRET_KEY", "benchmark-only")
    from mindthegap.store.database import open_store

    open_store(str(Path(tempfile.mkdtemp(prefix="mtg-build-")) / "bench.sqlite3"))
    from mindthegap.demo import build_demo_study
    from mindthegap.report.builder import build_sections
    from mindthegap.report.render import render_fragment
    from mindthegap.store.evidence import save_all
    from mindthegap.web import views

    demo = build_demo_study()
    save_all(demo.study, demo.evidence, replace=True)

    def build(audience: str) -> dict:
        ctx = views.report_context(demo.study.id, views.BOOTSTRAP, audience)
        sections = build_sections(ctx)
        return {
            "summary": [(s.title, line) for s in sections for line in s.summary],
            "contents": [(s.id, s.title) for s in sections],
            "fragment": render_fragment(sections, min_n=ctx.min_n),
        }

    shown, timings = {}, {}
    for audience in ("aggregate", "full"):
        wall, cpu = time.perf_counter(), time.process_time()
        if audience == "aggregate" and args.profile:
            profile = cProfile.Profile()
            shown[audience] = profile.runcall(build, audience)
            profile.dump_stats(f"{args.out}.prof")
        else:
            shown[audience] = build(audience)
        timings[audience] = {
            "wall_seconds": round(time.perf_counter() - wall, 2),
            "cpu_seconds": round(time.process_time() - cpu, 2),
        }
    args.out.write_text(json.dumps(shown))
    print(json.dumps({"builds": timings, "load_average_1_min": os.getloadavg()[0]}, indent=2))


if __name__ == "__main__":
    main()
