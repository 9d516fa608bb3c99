"""Implementation support: which supports reached which level, and how helpful those who used them found them.

Input: one row per person asked about a support — ``person`` (a participant id, or a key for an unnamed
respondent), ``level``, ``support``, ``used`` (bool), ``helpfulness`` (1 … 5 or missing; only for a support
used). Output (:func:`support_reach`): one row per support × level and per support over all levels (``level``
:data:`~mindthegap.analysis.suppression.ALL`), with ``asked``, ``used``, ``share`` (used ÷ asked),
``rated`` and ``helpfulness`` (mean rating of those who used it and rated it; missing under ``min_n`` raters).
Counts of people leave here unsuppressed: the report passes them through the study's publication plan.

The direction a support cell gives the requirements framework (:func:`support_direction`; docs/methods.md,
"Requirements framework"): +1 when at least :data:`REACH_GOOD` of those asked used it and its mean
helpfulness is at least :data:`HELP_GOOD`; −1 when fewer than :data:`REACH_POOR` used it or its mean
helpfulness is below :data:`HELP_POOR`; 0 otherwise.
"""

from __future__ import annotations

import pandas as pd

from mindthegap.analysis.suppression import ALL
from mindthegap.privacy import DEFAULT_MIN_N

REACH_GOOD, REACH_POOR = 0.5, 0.25
HELP_GOOD, HELP_POOR = 3.5, 2.5
COLUMNS = ["support", "level", "asked", "used", "share", "rated", "helpfulness"]


def support_reach(uses: pd.DataFrame, *, min_n: int = DEFAULT_MIN_N) -> pd.DataFrame:
    """Reach and rated helpfulness per support × level, with each support's total over levels (see above)."""
    if uses.empty:
        return pd.DataFrame(columns=COLUMNS)
    frame = uses.assign(used=uses["used"].astype(bool))
    frame["helpfulness"] = pd.to_numeric(frame["helpfulness"], errors="coerce")
    parts = [frame, frame.assign(level=ALL)]
    rows = []
    for (support, level), g in pd.concat(parts).groupby(["support", "level"], sort=False):
        users = g[g["used"]]
        rated = users["helpfulness"].dropna()
        rows.append(
            {
                "support": support,
                "level": level,
                "asked": g["person"].nunique(),
                "used": users["person"].nunique(),
                "share": users["person"].nunique() / g["person"].nunique(),
                "rated": len(rated),
                "helpfulness": float(rated.mean()) if len(rated) >= min_n else float("nan"),
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)


def support_direction(share: float, helpfulness: float) -> int:
    """+1 good reach and helpful, −1 poor reach or unhelpful, 0 otherwise (missing helpfulness never gives +1)."""
    if pd.isna(share):
        return 0
    if share < REACH_POOR or (not pd.isna(helpfulness) and helpfulness < HELP_POOR):
        return -1
    if share >= REACH_GOOD and not pd.isna(helpfulness) and helpfulness >= HELP_GOOD:
        return 1
    return 0
