"""The coding workspace's JavaScript module (web/static/coding/offsets.js), run by node.

Two checks: node's built-in test runner over tests/js/offsets.test.js (hand-worked examples), and the module's
conversions compared with Python's own string indexing (the independent reference: Python slices ``str`` by
code point, and UTF-16 lengths come from encoding) on seeded random texts full of emoji and other characters
outside the Basic Multilingual Plane. Skips where node is not installed (CI installs it).
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
MODULE = REPO / "src" / "mindthegap" / "web" / "static" / "coding" / "offsets.js"
NODE = shutil.which("node") or shutil.which("nodejs")
pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")

ALPHABET = ["a", "b", " ", "\n", "é", "ß", "—", "😀", "👩🏽‍⚕️", "𝔘", "中", "\u200d", "🇬🇧"]


def test_node_unit_tests_pass():
    done = subprocess.run(
        [NODE, "--test", str(REPO / "tests" / "js")], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "# fail 0" in done.stdout


def _units(text: str, points: int) -> int:
    return len(text[:points].encode("utf-16-le")) // 2


def test_conversions_match_python_string_indexing():
    rng = random.Random(16)
    cases = []
    for _ in range(200):
        text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 40)))
        start = rng.randint(0, len(text))
        end = rng.randint(start, len(text))
        cases.append({"text": text, "start": start, "end": end})
    script = (
        f"const o = require({json.dumps(str(MODULE))});"
        "const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "process.stdout.write(JSON.stringify(cases.map(c => ({"
        "len: o.length(c.text), units: o.toUnits(c.text, c.start),"
        "back: o.toCodePoints(c.text, o.toUnits(c.text, c.end)), slice: o.slice(c.text, c.start, c.end)}))));"
    )
    done = subprocess.run(
        [NODE, "-e", script], input=json.dumps(cases), capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    for case, got in zip(cases, json.loads(done.stdout), strict=True):
        text = case["text"]
        assert got["len"] == len(text)
        assert got["units"] == _units(text, case["start"])
        assert got["back"] == case["end"]
        assert got["slice"] == text[case["start"] : case["end"]]
