"""Precision and recall of redaction per type on the synthetic labelled set tests/data/redaction_gold.jsonl.

A predicted span counts as correct when it has the gold type and overlaps a gold span; recall counts gold spans
overlapped by a prediction of the same type. Run: ``python benchmarks/redaction.py`` (prints JSON).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

GOLD = Path(__file__).resolve().parents[1] / "tests" / "data" / "redaction_gold.jsonl"


def evaluate(path: Path = GOLD) -> dict:
    """Per-type and overall precision/recall/F1 of :class:`mindthegap.redaction.Redactor` on the gold set."""
    from mindthegap.redaction import TYPES, Redactor

    lines = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    header, records = lines[0], lines[1:]
    redactor = Redactor(header["roster"])
    stats = {t: {"tp_pred": 0, "pred": 0, "tp_gold": 0, "gold": 0} for t in TYPES}

    def overlaps(a, b) -> bool:
        return a[0] < b[1] and b[0] < a[1]

    for rec in records:
        gold = [tuple(s) for s in rec["spans"]]
        pred = [(s.start, s.end, s.kind) for s in redactor(rec["text"]).spans]
        for p in pred:
            stats[p[2]]["pred"] += 1
            stats[p[2]]["tp_pred"] += any(g[2] == p[2] and overlaps(g, p) for g in gold)
        for g in gold:
            stats[g[2]]["gold"] += 1
            stats[g[2]]["tp_gold"] += any(p[2] == g[2] and overlaps(g, p) for p in pred)

    def prf(s: dict) -> dict:
        p = s["tp_pred"] / s["pred"] if s["pred"] else 1.0
        r = s["tp_gold"] / s["gold"] if s["gold"] else 1.0
        return {"precision": round(p, 3), "recall": round(r, 3), "gold": s["gold"], "predicted": s["pred"]}

    total = {k: sum(s[k] for s in stats.values()) for k in ("tp_pred", "pred", "tp_gold", "gold")}
    return {"texts": len(records), "by_type": {t: prf(s) for t, s in stats.items()}, "overall": prf(total)}


if __name__ == "__main__":
    json.dump(evaluate(), sys.stdout, indent=2)
    sys.stdout.write("\n")
