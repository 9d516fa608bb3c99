"""CFIR 2.0 construct ratings per case, proposed from coded evidence, and the constructs that tell cases apart.

Damschroder & Lowery (2013) rate each construct per case from −2 to +2 (or X, missing) by the valence and
strength of the coded evidence. The rules here make that proposal reproducible; an analyst then confirms or
changes it (``store/synthesis``), with a reason.

**Evidence.** Rows ``case, construct, informant, valence`` (+1 helps implementation, −1 hinders it, 0 neutral)
and optionally ``explicit`` (False for a general remark without a concrete example). An informant's direction
on a construct is the sign of the sum of their valences, so each person counts once whatever the coding density.

**Rules.** With P informants for, N against:

- no coded evidence → X (missing);
- P = N = 0 (only neutral remarks) → 0;
- neither side at least twice the other (e.g. 2 for, 1 against is dominant; 2 for, 2 against is not) → 0, mixed;
- the dominant side, with nobody on the other and at least two informants giving explicit examples → ±2 (strong);
- otherwise → ±1 (weak: one informant, only general remarks, or some evidence the other way).

**Distinguishing constructs.** With cases grouped into higher and lower implementation, a construct whose mean
rating differs by at least 2 points between the groups distinguishes them strongly, by at least 1 weakly
(after Damschroder & Lowery 2013, who looked for constructs rated consistently differently in the two groups).
Cases rated X are left out of that construct's means.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

RATING_COLUMNS = [
    "case",
    "construct",
    "rating",
    "informants_for",
    "informants_against",
    "informants_neutral",
    "segments",
    "rule",
]


def _rule(p: int, n: int, z: int, p_explicit: int, n_explicit: int) -> tuple[int, str]:
    if p == 0 and n == 0:
        return 0, "neutral evidence only"
    if not (p >= 2 * n and p > n) and not (n >= 2 * p and n > p):
        return 0, f"mixed: {p} for, {n} against"
    sign, d, o, explicit = (1, p, n, p_explicit) if p > n else (-1, n, p, n_explicit)
    word = "for" if sign > 0 else "against"
    if o == 0 and explicit >= 2:
        return 2 * sign, f"strong: {explicit} informants {word} with explicit examples, none the other way"
    if o:
        return sign, f"weak: {d} {word}, {o} the other way"
    if d < 2:
        return sign, f"weak: one informant {word}"
    return sign, f"weak: {d} informants {word}, fewer than two with explicit examples"


def propose_ratings(evidence: pd.DataFrame) -> pd.DataFrame:
    """Proposed ratings per case and construct (:data:`RATING_COLUMNS`) by the rules in the module docstring.
    ``rating`` is an integer −2…+2, or missing (X) for a case and construct with no coded evidence — such
    rows appear only when ``evidence`` lists the pair with no segments (``valence`` missing)."""
    ev = evidence.copy()
    if "explicit" not in ev:
        ev["explicit"] = True
    coded = ev.dropna(subset=["valence"])
    rows = []
    for case, construct in (
        ev[["case", "construct"]].drop_duplicates().sort_values(["case", "construct"]).itertuples(index=False)
    ):
        seg = coded[(coded["case"] == case) & (coded["construct"] == construct)]
        if seg.empty:
            rows.append(
                {
                    "case": case,
                    "construct": construct,
                    "rating": None,
                    "segments": 0,
                    "rule": "no coded evidence",
                }
            )
            continue
        person = seg.groupby("informant").agg(v=("valence", "sum"), x=("explicit", "max"))
        direction = np.sign(person["v"])
        p, n, z = int((direction > 0).sum()), int((direction < 0).sum()), int((direction == 0).sum())
        px = int(((direction > 0) & person["x"].astype(bool)).sum())
        nx = int(((direction < 0) & person["x"].astype(bool)).sum())
        rating, rule = _rule(p, n, z, px, nx)
        rows.append(
            {
                "case": case,
                "construct": construct,
                "rating": rating,
                "informants_for": p,
                "informants_against": n,
                "informants_neutral": z,
                "segments": len(seg),
                "rule": rule,
            }
        )
    out = pd.DataFrame(rows, columns=RATING_COLUMNS)
    out["rating"] = out["rating"].astype("Int64")
    return out


def distinguishing_constructs(ratings: pd.DataFrame, outcomes: pd.DataFrame) -> pd.DataFrame:
    """Per construct: mean rating in higher- and lower-implementation cases, their difference and whether it
    distinguishes them ("strongly" ≥ 2, "weakly" ≥ 1, else "no"). ``ratings``: ``case, construct, rating``;
    ``outcomes``: ``case, implementation`` ("higher" or "lower"). Sorted by the size of the difference."""
    r = ratings.dropna(subset=["rating"]).merge(outcomes[["case", "implementation"]], on="case")
    r = r.assign(rating=r["rating"].astype(float))
    table = r.pivot_table(
        index="construct", columns="implementation", values="rating", aggfunc=["mean", "count"]
    )
    cols = ["construct", "mean_higher", "mean_lower", "n_higher", "n_lower", "difference", "distinguishes"]
    if table.empty or ("mean", "higher") not in table or ("mean", "lower") not in table:
        return pd.DataFrame(columns=cols)
    out = pd.DataFrame(
        {
            "construct": table.index,
            "mean_higher": table[("mean", "higher")].to_numpy(),
            "mean_lower": table[("mean", "lower")].to_numpy(),
            "n_higher": table[("count", "higher")].fillna(0).astype(int).to_numpy(),
            "n_lower": table[("count", "lower")].fillna(0).astype(int).to_numpy(),
        }
    )
    out["difference"] = out["mean_higher"] - out["mean_lower"]
    size = out["difference"].abs()
    out["distinguishes"] = np.where(size >= 2, "strongly", np.where(size >= 1, "weakly", "no"))
    out.loc[out["difference"].isna(), "distinguishes"] = "no"
    out = out.sort_values(["difference", "construct"], key=lambda s: -s.abs() if s.dtype.kind == "f" else s)
    return out[cols].reset_index(drop=True)


def implementation_levels(scores: pd.DataFrame, *, case: str = "case", value: str = "value") -> pd.DataFrame:
    """Split cases at the median of an implementation measure (e.g. a service's mean NoMAD normalisation
    score): at or above the median "higher", below "lower". Returns ``case, value, implementation``."""
    s = scores[[case, value]].dropna().rename(columns={case: "case", value: "value"})
    median = s["value"].median()
    return s.assign(implementation=np.where(s["value"] >= median, "higher", "lower")).reset_index(drop=True)
