"""Benchmark: `mindthegap demo` end to end (generate, store, analyse, report) in a fresh process.

Target: under 60 s. Prints JSON.   python benchmarks/demo_end_to_end.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time


def main() -> None:
    with tempfile.TemporaryDirectory() as out:
        env = {k: v for k, v in os.environ.items() if k != "MINDTHEGAP_DATABASE_URL"}
        start = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "mindthegap.cli.main", "demo", "--out", out],
            capture_output=True,
            text=True,
            env=env,
        )
        elapsed = time.perf_counter() - start
        size = os.path.getsize(os.path.join(out, "report.html")) if result.returncode == 0 else None
    print(
        json.dumps(
            {
                "seconds": round(elapsed, 1),
                "exit_code": result.returncode,
                "report_bytes": size,
                "target_seconds": 60,
                "target_met": result.returncode == 0 and elapsed < 60,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
