"""Joint displays: the strands of a mixed-methods study side by side for each row (a principle), and the
meta-inference the rules draw from them.

Input: one row per row × strand with ``direction`` (−1 shortfall, 0 mixed or unclear, +1 good practice) for
each strand that has shown evidence (a strand with none is simply absent). The rules (docs/methods.md, "Joint
displays"), following Fetters, Curry & Creswell (2013) in our own words:

* fewer than two strands with evidence: ``one strand only`` — nothing to integrate;
* clear directions of both signs among the strands: ``dissonance`` — the strands disagree, and the report says
  where to look next;
* two or more strands with a clear direction, all the same: ``convergence`` — they confirm each other;
* otherwise (two or more strands, at most one of them clear): ``complementarity`` — the strands answer
  different questions and together give a fuller picture without contradicting each other.
"""

from __future__ import annotations

import pandas as pd

VERDICTS = ("convergence", "complementarity", "dissonance", "one strand only")
WAY = {-1: "shortfall", 0: "mixed", 1: "good practice"}


def meta_inference(strands: pd.DataFrame) -> pd.DataFrame:
    """Per row: ``strands`` (with evidence), ``clear`` (with a direction), ``verdict`` and its ``reason``."""
    missing = [c for c in ("row", "strand", "direction") if c not in strands.columns]
    if missing:
        raise KeyError(f"strands lack column(s) {', '.join(missing)}")
    out = []
    for row, part in strands.groupby("row", sort=False):
        per_strand = part.groupby("strand", sort=True)["direction"].apply(_strand_direction)
        clear = per_strand[per_strand != 0]
        verdict, reason = _rule(per_strand, clear)
        out.append(
            {
                "row": row,
                "strands": len(per_strand),
                "clear": len(clear),
                "verdict": verdict,
                "direction": int(clear.iloc[0]) if verdict == "convergence" else 0,
                "reason": reason,
            }
        )
    return pd.DataFrame(out, columns=["row", "strands", "clear", "verdict", "direction", "reason"])


def _strand_direction(values: pd.Series) -> int:
    """A strand with several signals (levels) points one way only when its clear signals all agree."""
    v = values.dropna().astype(int)
    v = v[v != 0]
    if v.empty or ((v > 0).any() and (v < 0).any()):
        return 0
    return int(v.iloc[0])


def _rule(per_strand: pd.Series, clear: pd.Series) -> tuple[str, str]:
    def names(s: pd.Series) -> str:
        return "; ".join(f"{k} {WAY[int(v)]}" for k, v in s.items())

    if len(per_strand) < 2:
        return "one strand only", f"only {names(per_strand)}"
    if (clear > 0).any() and (clear < 0).any():
        return "dissonance", names(clear)
    if len(clear) >= 2:
        return "convergence", names(clear)
    return "complementarity", names(per_strand)
