"""The evidence matrix: what each level of the system says about each row (a principle, a CFIR construct, a
requirement), how much evidence there is, and whether its strands agree.

Input is a tidy frame of **signals**, one per row × level × source, each already through the study's
publication plan (a suppressed signal arrives with ``suppressed`` True, or not at all):

``row``, ``level``, ``strand`` (``survey``, ``qualitative``, ``organisation``, ``consensus`` …), ``source`` (an
independent body of evidence: "values–practice survey", "interviews", "CQC ratings"), ``n`` (people behind the
signal; missing for published organisation data, which counts no participants), ``direction`` (−1 the evidence
points to a shortfall, 0 mixed or unclear, +1 it points to good practice) and optionally ``estimate``,
``ci_low``, ``ci_high`` and ``detail`` (a short text such as "gap 0.84 (0.62 to 1.05)").

Output: one row per row × level of the full grid, so a cell with no evidence is present and says so. The rules
(written out in docs/methods.md, "Evidence matrix"):

* a signal counting people is used only when ``n`` ≥ ``min_n`` and it is not suppressed; a cell whose every
  signal is withheld is ``withheld``, never empty of meaning and never good news;
* **amount**: the people behind the cell (the largest ``n`` of its signals: strands often ask the same people,
  so they are not added) and the number of independent ``sources``;
* **agreement**: ``agree`` when two or more sources give a clear direction and all point the same way,
  ``conflict`` when clear signals point both ways, ``one clear source`` when only one source gives a clear
  direction, ``unclear`` when none does;
* **direction**: the sign of the clear signals' sum, 0 under conflict;
* **strength**: ``strong`` with two or more sources that agree and at least 2 × ``min_n`` people (or published
  organisation data beside a person-based strand); ``moderate`` with two agreeing sources, or one clear source of
  at least 2 × ``min_n`` people; ``weak`` otherwise; ``none`` with no evidence.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from mindthegap.privacy import DEFAULT_MIN_N

LEVELS = ("national", "regional", "local_strategic", "local_frontline", "people_and_carers")
SIGNAL_COLUMNS = ("row", "level", "strand", "source", "n", "direction")
STRENGTH_WEIGHT = {"none": 0, "weak": 1, "moderate": 2, "strong": 3}
GAP_CONCERN = 0.5
"""A values–practice gap whose 95% CI lies wholly above this many points is a shortfall."""
GAP_CLOSE = 0.25
"""A gap whose 95% CI lies wholly below this many points shows practice close to what people value."""
VALENCE_CLEAR = 0.2
"""Mean valence of coded segments beyond ±this is a clear direction; nearer zero is mixed."""


def gap_direction(ci_low: float, ci_high: float) -> int:
    """−1 when the gap's CI lies wholly above :data:`GAP_CONCERN`, +1 wholly below :data:`GAP_CLOSE`, else 0."""
    if pd.isna(ci_low) or pd.isna(ci_high):
        return 0
    if ci_low >= GAP_CONCERN:
        return -1
    if ci_high <= GAP_CLOSE:
        return 1
    return 0


def valence_direction(mean_valence: float) -> int:
    """The sign of coded evidence's mean valence (+1 facilitator … −1 barrier), 0 within ±VALENCE_CLEAR."""
    if pd.isna(mean_valence) or abs(mean_valence) < VALENCE_CLEAR:
        return 0
    return 1 if mean_valence > 0 else -1


def rating_direction(score: float) -> int:
    """A CQC rating (0 inadequate … 3 outstanding): good or outstanding +1, otherwise −1."""
    if pd.isna(score):
        return 0
    return 1 if score >= 2 else -1


def usable_signals(signals: pd.DataFrame, *, min_n: int = DEFAULT_MIN_N) -> pd.DataFrame:
    """Signals that may be shown: not suppressed, and (where they count people) from at least ``min_n``."""
    missing = [c for c in SIGNAL_COLUMNS if c not in signals.columns]
    if missing:
        raise KeyError(f"signals lack column(s) {', '.join(missing)}")
    hidden = signals["suppressed"].fillna(False).astype(bool) if "suppressed" in signals else False
    n = pd.to_numeric(signals["n"], errors="coerce")
    small = n.notna() & (n < min_n)
    return signals[~(hidden | small)].reset_index(drop=True)


def _cell(sig: pd.DataFrame, min_n: int) -> dict:
    if sig.empty:
        return {
            "sources": 0,
            "signals": 0,
            "people": np.nan,
            "direction": 0,
            "agreement": "none",
            "strength": "none",
        }
    dirs = sig["direction"].astype(int)
    clear = dirs[dirs != 0]
    clear_sources = sig.loc[dirs != 0, "source"].nunique()
    sources = sig["source"].nunique()
    people = pd.to_numeric(sig["n"], errors="coerce").max()
    people_based = sig["n"].notna()
    published = (~people_based).any() and people_based.any()
    if clear.empty:
        agreement = "unclear"
    elif (clear > 0).any() and (clear < 0).any():
        agreement = "conflict"
    else:
        agreement = "agree" if clear_sources >= 2 else "one clear source"
    direction = 0 if agreement in ("conflict", "unclear") else int(np.sign(clear.sum()))
    many = not pd.isna(people) and people >= 2 * min_n
    if agreement == "agree" and (many or published):
        strength = "strong"
    elif agreement == "agree" or (many and direction != 0):
        strength = "moderate"
    else:
        strength = "weak"
    return {
        "sources": int(sources),
        "signals": len(sig),
        "people": people,
        "direction": direction,
        "agreement": agreement,
        "strength": strength,
    }


def evidence_matrix(
    signals: pd.DataFrame,
    *,
    rows: Sequence[str] | None = None,
    levels: Sequence[str] = LEVELS,
    min_n: int = DEFAULT_MIN_N,
) -> pd.DataFrame:
    """One row per ``rows`` × ``levels`` cell with its amount, agreement, direction and strength (see the
    module docstring). ``status`` is ``evidence``, ``withheld`` (only suppressed or small signals) or
    ``no evidence``; ``score`` = direction × strength weight (−3 … +3) for the heat map; ``detail`` joins
    the shown signals' details. Rows default to those the signals name, in order of appearance."""
    rows = list(dict.fromkeys(signals["row"])) if rows is None else list(rows)
    shown = usable_signals(signals, min_n=min_n)
    out = []
    for row in rows:
        for level in levels:
            sig = shown[(shown["row"] == row) & (shown["level"] == level)]
            any_signal = ((signals["row"] == row) & (signals["level"] == level)).any()
            cell = _cell(sig, min_n)
            status = "evidence" if len(sig) else ("withheld" if any_signal else "no evidence")
            detail = (
                "; ".join(str(d) for d in sig["detail"] if isinstance(d, str) and d)
                if "detail" in sig
                else ""
            )
            out.append(
                {
                    "row": row,
                    "level": level,
                    "status": status,
                    **cell,
                    "strands": ", ".join(sorted(set(sig["strand"]))),
                    "detail": detail,
                }
            )
    table = pd.DataFrame(out)
    table["score"] = table["direction"] * table["strength"].map(STRENGTH_WEIGHT)
    return table


def cell_label(cell: pd.Series | dict) -> str:
    """The words a heat-map cell carries, so its meaning never rests on colour alone."""
    if cell["status"] == "no evidence":
        return "no evidence"
    if cell["status"] == "withheld":
        return "too few to show"
    way = {-1: "shortfall", 0: "mixed", 1: "positive"}[int(cell["direction"])]
    return f"{way} ({cell['strength']})"
