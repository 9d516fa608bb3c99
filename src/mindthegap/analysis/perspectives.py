"""The added value of each perspective: codes raised only, or mostly, by one stakeholder group.

Input is a code-frequency table already through the publication plan
(:func:`mindthegap.analysis.coding.code_frequencies` grouped by the perspective): per group and code the
people in the group (``n``), how many raised the code (``participants``), and an ``All`` row per code.
Rules (docs/methods.md, "Added value of each perspective"):

* a group's share is ``participants / n``; everyone else's share comes from the ``All`` row minus the group, and
  is used only when both rows are shown;
* ``only``: nobody outside the group raised the code;
* ``mostly``: the group's share is at least ``ratio`` times everyone else's and at least ``min_difference``
  above it;
* everyone else's count is reported only when it is 0 or at least ``min_n`` (a small remainder is not
  printed, though the verdict still stands).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mindthegap.analysis.suppression import ALL, SUPPRESSED
from mindthegap.privacy import DEFAULT_MIN_N

COLUMNS = ["group", "code", "n", "participants", "share", "share_others", "others", "added"]


def added_value(
    frequencies: pd.DataFrame,
    *,
    group: str = "perspective",
    min_n: int = DEFAULT_MIN_N,
    ratio: float = 2.0,
    min_difference: float = 0.2,
) -> pd.DataFrame:
    """Codes distinctive of one group (see the module docstring): the columns of :data:`COLUMNS`, most
    distinctive first within each group; groups and codes that are not distinctive are left out."""
    shown = frequencies[~frequencies.get(SUPPRESSED, False)].copy() if len(frequencies) else frequencies
    if shown.empty:
        return pd.DataFrame(columns=COLUMNS)
    shown[group] = shown[group].astype(str)
    totals = shown[shown[group] == ALL].set_index("code")
    rows = []
    for r in shown[shown[group] != ALL].itertuples(index=False):
        rec = r._asdict()
        code, n, raised = rec["code"], float(rec["n"]), float(rec["participants"])
        if code not in totals.index or not raised:
            continue
        others = float(totals.at[code, "participants"]) - raised
        rest = float(totals.at[code, "n"]) - n
        share, share_others = raised / n, (others / rest if rest > 0 else np.nan)
        if others == 0:
            added = "only"
        elif share >= ratio * share_others and share - share_others >= min_difference:
            added = "mostly"
        else:
            continue
        printable = others == 0 or others >= min_n
        rows.append(
            {
                "group": rec[group],
                "code": code,
                "n": n,
                "participants": raised,
                "share": share,
                "share_others": share_others if printable else np.nan,
                "others": others if printable else np.nan,
                "added": added,
            }
        )
    out = pd.DataFrame(rows, columns=COLUMNS)
    out["_order"] = out["added"].map({"only": 0, "mostly": 1})
    out = out.sort_values(["group", "_order", "share"], ascending=[True, True, False])
    return out.drop(columns="_order").reset_index(drop=True)
