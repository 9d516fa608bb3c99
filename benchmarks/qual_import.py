"""Benchmark: import a REFI-QDA project with 2,000 sources and 100,000 codings (target under 20 s). Prints JSON.

Run: python benchmarks/qual_import.py
"""

from __future__ import annotations

import json
import platform
import tempfile
import time
from pathlib import Path

import numpy as np

from mindthegap.io.refiqda import read_project, write_project
from mindthegap.model.qualitative import Code, Codebook, Coding, QualitativeProject, Source


def build(n_sources: int = 2_000, n_codings: int = 100_000) -> QualitativeProject:
    rng = np.random.default_rng(4)
    book = Codebook()
    codes = [book.add(Code(name=f"Theme {i}")) for i in range(60)]
    sentence = "We talked about how the team makes time for reflective practice and supervision. "
    sources = [Source(name=f"Interview {i:04d}", text=sentence * 40) for i in range(n_sources)]
    length = len(sources[0].text)
    which = rng.integers(0, n_sources, n_codings)
    starts = rng.integers(0, length - 200, n_codings)
    ends = starts + rng.integers(20, 200, n_codings)
    code_ix = rng.integers(0, len(codes), n_codings)
    coders = np.array(["Asha", "Ben", "Chloe"])[rng.integers(0, 3, n_codings)]
    codings = [
        Coding(source=sources[w].guid, code=codes[c].guid, start=int(s), end=int(e), coder=str(k))
        for w, c, s, e, k in zip(which, code_ix, starts, ends, coders, strict=True)
    ]
    return QualitativeProject(name="benchmark", codebook=book, sources=sources, codings=codings)


def main() -> None:
    project = build()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.qdpx"
        started = time.perf_counter()
        write_project(project, path)
        export_seconds = time.perf_counter() - started
        started = time.perf_counter()
        again = read_project(path)
        import_seconds = time.perf_counter() - started
        size = path.stat().st_size
    print(
        json.dumps(
            {
                "sources": len(again.sources),
                "codings": len(again.codings),
                "qdpx_megabytes": round(size / 1e6, 1),
                "export_seconds": round(export_seconds, 2),
                "import_seconds": round(import_seconds, 2),
                "target_seconds": 20.0,
                "machine": f"{platform.machine()}, Python {platform.python_version()}",
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
