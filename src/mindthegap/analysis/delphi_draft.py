"""Draft Delphi statements from the evidence: the widest values–practice gaps and the most frequent codes.

The drafts are a starting point that people edit before a Delphi opens; they name principles and themes but
carry no counts, so a draft file can be shared without a publication plan.
"""

from __future__ import annotations

import re

import pandas as pd

DRAFT_COLUMNS = ["statement", "text", "principle", "lever", "source"]


def _slug(text: str) -> str:
    return "_".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())[:48] or "statement"


def widest_gaps(ratings: pd.DataFrame, principles: dict[str, str], *, top: int = 5) -> pd.DataFrame:
    """Principles by mean gap (value − practice) over complete ratings, widest first (the latest wave)."""
    data = ratings.copy()
    if "wave" in data.columns and data["wave"].nunique() > 1:
        data = data[data["wave"] == sorted(data["wave"].dropna().unique())[-1]]
    data["gap"] = pd.to_numeric(data["value"], errors="coerce") - pd.to_numeric(
        data["practice"], errors="coerce"
    )
    gaps = data.dropna(subset=["gap"]).groupby("principle")["gap"].mean().sort_values(ascending=False)
    gaps = gaps[gaps > 0].head(top)
    return pd.DataFrame(
        {"principle": gaps.index, "name": [principles.get(p, p) for p in gaps.index], "gap": gaps.values}
    )


def frequent_codes(codings: pd.DataFrame, *, top: int = 5) -> list[str]:
    """The codes applied to the most sources (accepted codings only where a status is given)."""
    if codings is None or codings.empty:
        return []
    data = codings[codings["status"] == "accepted"] if "status" in codings.columns else codings
    return list(data.groupby("code")["source"].nunique().sort_values(ascending=False).head(top).index)


def draft_statements(gaps: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """One statement per wide gap and per frequent code, in the shape of a statements file."""
    rows = []
    for r in gaps.to_dict("records"):
        rows.append(
            {
                "statement": _slug(f"close {r['principle']}"),
                "text": f"Closing the gap between policy and practice in {r['name'].lower()} should be a priority "
                "for the coming year.",
                "principle": r["principle"],
                "lever": "",
                "source": f"values–practice gap: {r['principle']}",
            }
        )
    for code in codes:
        rows.append(
            {
                "statement": _slug(f"address {code}"),
                "text": f"'{code}' must be addressed before the policy can work in practice.",
                "principle": "",
                "lever": "",
                "source": f"coded theme: {code}",
            }
        )
    out = pd.DataFrame(rows, columns=DRAFT_COLUMNS)
    return out.drop_duplicates("statement").reset_index(drop=True)
