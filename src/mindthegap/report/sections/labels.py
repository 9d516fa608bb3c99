"""Human-readable names for the ids in a study, for tables and charts."""

from __future__ import annotations

import re

import pandas as pd

from mindthegap.analysis.suppression import ALL
from mindthegap.model import Level, Role, Study


def study_labels(study: Study) -> dict[str, dict[str, str]]:
    """Per dimension, a mapping from id to display name ("All" stays "All")."""
    return {
        "principle": {p.id: p.name for p in study.principles},
        "service": {s.id: s.name for s in study.services},
        "team": {t.id: t.name for t in study.teams},
        "discipline": {d.id: d.name for d in study.disciplines},
        "wave": {w.id: w.name for w in study.waves},
        "level": {lv.value: lv.label for lv in Level},
        "role": {r.value: r.label for r in Role},
    }


def label_frame(frame: pd.DataFrame, study: Study) -> pd.DataFrame:
    """A copy with every known dimension column translated to display names."""
    labels = study_labels(study)
    out = frame.copy()
    for col, mapping in labels.items():
        if col in out.columns:
            out[col] = out[col].map(lambda v, m=mapping: "All" if v == ALL else m.get(v, v))
    return out


def readable(frame: pd.DataFrame, study: Study | None = None, *, decimals: int = 3) -> pd.DataFrame:
    """A table for people to read (CSV downloads, the command line): ids become the study's names (when the
    study is known) and numbers are rounded to ``decimals`` places, whole counts kept whole."""
    out = label_frame(frame, study) if study is not None else frame.copy()
    floats = [c for c in out.columns if out[c].dtype.kind == "f"]
    for col in floats:
        values = out[col]
        whole = values.dropna()
        if len(whole) and (whole % 1 == 0).all() and col in {"n", "people", "participants", "count"}:
            out[col] = values.astype("Int64")
        else:
            out[col] = values.round(decimals)
    return out


#: words for the organisation a study looks at, most specific first ("Riverside Partnership Trust" is a trust)
ORGANISATION_WORDS = ("council", "trust", "health board", "board", "hospice", "practice", "partnership")


def organisation_word(study: Study) -> str:
    """What to call the study's organisation in prose ("the rest of the council", "council-wide informants"):
    the first of :data:`ORGANISATION_WORDS` in its name (then its description), else "organisation"."""
    for text in (study.name, study.description):
        for word in ORGANISATION_WORDS:
            if re.search(rf"\b{word}\b", text or "", flags=re.IGNORECASE):
                return word
    return "organisation"


def plural(n: int, word: str, many: str | None = None) -> str:
    """``"1 level"``, ``"5 levels"``: a count with its noun in the right number."""
    return f"{n:,} {word if n == 1 else many or word + 's'}"
