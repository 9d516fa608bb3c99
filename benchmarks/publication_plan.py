"""Benchmark: deciding the demo study's publication plan while its report sections are built, and auditing
everything they published by linear programming. Prints JSON.   python benchmarks/publication_plan.py

The decision runs inside every report and dashboard; the audit runs in the tests only.
"""

from __future__ import annotations

import json
import time

import pandas as pd

from mindthegap.analysis import publication
from mindthegap.analysis.disclosure import audit
from mindthegap.demo import build_demo_study
from mindthegap.report.builder import build_sections
from mindthegap.report.context import ReportContext


def _context(demo) -> ReportContext:
    people = pd.DataFrame(
        [
            {"participant_id": p.id, "level": p.level.value, "service": p.service, "discipline": p.discipline,
             "team": p.team, "role": p.role.value}
            for p in demo.study.participants
            if p.consent
        ]
    )  # fmt: skip
    evidence = dict(demo.evidence)
    evidence["participants"] = people
    evidence["values_practice"] = evidence["values_practice"].merge(people, on="participant_id")
    return ReportContext(study=demo.study, evidence=evidence, n_boot=200)


def main() -> None:
    demo = build_demo_study()
    build_sections(_context(demo))  # imports and caches warm
    publication._DECIDED.clear()
    ctx = _context(demo)
    start = time.perf_counter()
    ctx.plan.decision(publication.ROSTER)
    roster = time.perf_counter() - start
    start = time.perf_counter()
    build_sections(ctx)
    sections = time.perf_counter() - start
    again = _context(demo)
    start = time.perf_counter()
    build_sections(again)  # a dashboard view after another: decisions are reused
    sections_cached = time.perf_counter() - start
    start = time.perf_counter()
    result = audit(ctx.plan.ledger, min_n=ctx.min_n)
    audited = time.perf_counter() - start
    print(
        json.dumps(
            {
                "populations": len(ctx.plan.ledger.populations),
                "decisions": len(ctx.plan._by_content),
                "roster_decision_seconds": round(roster, 2),
                "sections_seconds": round(sections, 1),
                "sections_with_decisions_kept_seconds": round(sections_cached, 1),
                "published_entries": len(ctx.plan.ledger.entries),
                "hidden_small_groups_audited": len(result.ranges),
                "audit_seconds": round(audited, 1),
                "audit_ok": result.ok,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
