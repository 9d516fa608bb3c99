"""Rating the requirements framework against the evidence: each requirement is a row of the evidence matrix
(:mod:`mindthegap.analysis.evidence_matrix`), its cells the five levels of the system; the rating follows from
the cells by written rules (docs/methods.md, "Requirements framework"):

* **no evidence**: no cell holds evidence that may be shown;
* **met**: no cell points to a shortfall and at least one cell points to good practice with moderate or strong
  evidence;
* **not met**: no cell points to good practice and at least one cell points to a shortfall with moderate or
  strong evidence;
* **partly met**: otherwise — levels disagree, or the evidence is weak or mixed.

Empty levels are named beside the rating: a requirement rated on one level's evidence says so.
"""

from __future__ import annotations

import pandas as pd

RATINGS = ("met", "partly met", "not met", "no evidence")
FIRM = ("moderate", "strong")
COLUMNS = ["row", "rating", "rule", "positive", "shortfall", "mixed", "no_evidence"]


def rate_requirement(cells: pd.DataFrame) -> tuple[str, str]:
    """The rating and the rule that gave it, from one row's cells of the evidence matrix."""
    shown = cells[cells["status"] == "evidence"]
    if shown.empty:
        return "no evidence", "no level holds evidence that may be shown"
    pos, neg = shown[shown["direction"] > 0], shown[shown["direction"] < 0]
    if neg.empty and pos["strength"].isin(FIRM).any():
        return "met", "good practice with moderate or strong evidence, and no level points to a shortfall"
    if pos.empty and neg["strength"].isin(FIRM).any():
        return "not met", "a shortfall with moderate or strong evidence, and no level points to good practice"
    if len(pos) and len(neg):
        return "partly met", "levels disagree: some point to good practice, some to a shortfall"
    return "partly met", "the evidence is weak or mixed"


def rate_requirements(matrix: pd.DataFrame) -> pd.DataFrame:
    """One row per requirement (the matrix's ``row``) with its rating, rule, and the levels whose evidence
    points to good practice, to a shortfall, is mixed, or is missing (comma-separated level values)."""
    out = []
    for row, cells in matrix.groupby("row", sort=False):
        rating, rule = rate_requirement(cells)
        shown = cells["status"] == "evidence"

        def levels(mask: pd.Series, cells: pd.DataFrame = cells) -> str:
            return ", ".join(cells.loc[mask, "level"])

        out.append(
            {
                "row": row,
                "rating": rating,
                "rule": rule,
                "positive": levels(shown & (cells["direction"] > 0)),
                "shortfall": levels(shown & (cells["direction"] < 0)),
                "mixed": levels(shown & (cells["direction"] == 0)),
                "no_evidence": levels(~shown),
            }
        )
    return pd.DataFrame(out, columns=COLUMNS)
