"""Benchmark: the coding workspace's server side on a 20,000-word transcript with 1,000 codings. Prints JSON.

Times, through Django's test client (the whole request: access check, queries, template, JSON), opening the
workspace page (best and median of 5) and applying a code (median of 50 codings, each a new span), and the
comparison page of a double-coded source. SQLite in a temporary folder by default; ``--db URL`` for PostgreSQL.
The browser's side (page usable, measured in Chromium) is printed by tests/test_browser_coding.py.

    python benchmarks/coding_workspace.py [--db postgresql://postgres@127.0.0.1:5432/bench]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

WORDS_PER_TURN = 10
TURNS = 2000
CODINGS = 1000


def transcript() -> str:
    turn = "Interviewer: " + " ".join(["words"] * 4) + " 😀 " + " ".join(["more"] * 4) + "\n"
    return turn * TURNS  # 20,000 words (10 a turn, the emoji not counted) with 2,000 emoji


def _timed(call) -> float:
    started = time.perf_counter()
    response = call()
    elapsed = time.perf_counter() - started
    assert response.status_code in (200, 201), response.content[:300]
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default=None, help="database URL or SQLite path (default: a temporary file)")
    args = parser.parse_args()
    db = args.db or str(Path(tempfile.mkdtemp(prefix="mtg-coding-")) / "bench.sqlite3")

    from mindthegap.store.database import open_store

    where = open_store(db)
    from django.contrib.auth import get_user_model
    from django.test import Client

    from mindthegap.model import Level, Participant, Policy, Principle, Role, Study
    from mindthegap.store.coding import double
    from mindthegap.store.qualitative import models as q
    from mindthegap.store.studies.models import StudyAccess
    from mindthegap.store.studies.repository import delete_study, save_study

    person = Participant(id="P001", role=Role.PRACTITIONER, level=Level.LOCAL_FRONTLINE)
    study = Study(id="bench-coding", name="bench", policies=[Policy("p", "P", (Principle("a", "A"),))],
                  participants=[person])  # fmt: skip
    record = save_study(study, replace=True)
    text = transcript()
    source = q.SourceRecord.objects.create(study=record, guid="L1", name="Long", text=text)
    codes = [q.CodeRecord.objects.create(study=record, guid=f"K{i}", name=f"Code {i}") for i in range(20)]
    step = len(text) // TURNS
    q.CodingRecord.objects.bulk_create([
        q.CodingRecord(source=source, code=codes[i % 20], guid=f"G{i}", start=i * 2 * step + 13,
                       end=i * 2 * step + 33, coder="alex-bench" if i % 2 else "bea-bench")
        for i in range(CODINGS)
    ])  # fmt: skip
    users = {}
    for name in ("alex", "bea"):
        users[name] = get_user_model().objects.create_user(f"{name}-bench")
        StudyAccess.objects.create(study=record, user=users[name], role=StudyAccess.Role.ANALYST)
    client = Client(SERVER_NAME="localhost")
    client.force_login(users["alex"])
    page = "/studies/bench-coding/coding/source/L1/"
    opens = [_timed(lambda: client.get(page)) for _ in range(5)]
    applies = []
    for i in range(50):
        start = (2 * i + 1) * step + 13  # odd turns: uncoded so far
        body = {
            "code": "K1",
            "start": start,
            "end": start + 20,
            "quote": text[start : start + 20],
            "version": i,
        }
        payload = json.dumps(body)
        applies.append(
            _timed(lambda p=payload: client.post(page + "codings", p, content_type="application/json"))
        )
    made = double.assign(record, "bench", [users["alex"].username, users["bea"].username], sources=["L1"])
    for user in users.values():
        double.finish(record, made.pk, "L1", user.username)
    compare = f"/studies/bench-coding/coding/double/{made.pk}/L1/"
    compares = [_timed(lambda: client.get(compare)) for _ in range(3)]
    delete_study("bench-coding")
    print(json.dumps({
        "benchmark": "coding workspace (server)", "date": date.today().isoformat(), "machine": platform.platform(),
        "database": where, "words": TURNS * WORDS_PER_TURN, "codings": CODINGS,
        "open_page_s": {"best": round(min(opens), 3), "median": round(statistics.median(opens), 3)},
        "apply_code_ms": {"median": round(1000 * statistics.median(applies), 1),
                          "p90": round(1000 * sorted(applies)[44], 1)},
        "compare_page_s": {"best": round(min(compares), 3)},
    }, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
