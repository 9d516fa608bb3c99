"""Tie-count files: "how many colleagues do you work with in each discipline and service", where names are
not collected. One row per respondent × wave × block: ``respondent`` (or ``participant_id``), ``wave``,
``discipline``, ``service`` and ``count`` (a whole number ≥ 0). Read by ``events import`` (the kind is found
from the columns) and checked whole: unknown people, waves, disciplines or services, a count that is not a
whole number, a block given twice or already stored are each named by row and column.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from mindthegap.errors import quoted
from mindthegap.io import events_files as ef

TIE_COUNT_COLUMNS = ["wave", "participant_id", "discipline", "service", "count"]


def read_tie_counts(frame: pd.DataFrame, known: ef.Known, path: Path | str) -> pd.DataFrame:
    problems, out, seen = ef.Problems(path), [], {}
    who = "respondent" if "respondent" in frame.columns else "participant_id"
    single_wave = next(iter(known.waves)) if len(known.waves) == 1 else ""
    for row, r in ef._rows(frame):
        wave, ego = r.get("wave", "") or single_wave, r.get(who, "")
        ok = ef._check_id(problems, row, "wave", wave, known.waves, "wave")
        ok &= ef._check_id(problems, row, who, ego, known.participants, "participant")
        ok &= ef._check_id(problems, row, "discipline", r["discipline"], known.disciplines, "discipline")
        ok &= ef._check_id(problems, row, "service", r["service"], known.services, "service")
        n = pd.to_numeric(r["count"], errors="coerce")
        if pd.isna(n) or n < 0 or n != int(n):
            problems.add(row, "count", f"{quoted(r['count'])} is not a whole number of colleagues")
        key = (wave, ego, r["discipline"], r["service"])
        if ok and key in seen:
            problems.add(row, "service", f"block given twice for this respondent: already on row {seen[key]}")
        elif ok and ("counts", *key) in known.stored:
            problems.add(row, "service", "the study already holds this respondent's count for this block")
        seen.setdefault(key, row)
        out.append(dict(zip(TIE_COUNT_COLUMNS, [*key, 0 if pd.isna(n) else int(n)], strict=True)))
    problems.raise_if_any()
    return pd.DataFrame(out, columns=TIE_COUNT_COLUMNS)
