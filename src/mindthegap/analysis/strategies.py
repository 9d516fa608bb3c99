"""Recommend implementation strategies per case from the barriers its evidence shows.

**Barriers** are rows ``case, framework, barrier, severity, evidence``: severity 2 for a strong barrier, 1 for a
weak one; ``evidence`` says what triggered it. :func:`barriers_from_cfir`, :func:`barriers_from_coproduction`
and :func:`barriers_from_nomad` build them from the other analyses by the rules in docs/methods.md.

**Scoring.** A link from a barrier to a strategy weighs 1 (level 1, a first choice) or ½ (level 2, supporting).
A strategy's score for a case is the sum, over the case's barriers it is linked to, of severity × weight. The
strategies are ranked by score, then by how many distinct barriers they address, then by name, so a strategy
answering several barriers rises above one answering a single barrier equally strongly.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

BARRIER_COLUMNS = ["case", "framework", "barrier", "severity", "evidence"]
FRAMEWORK_LABELS = {
    "cfir2": "CFIR",
    "npt": "NPT",
    "coproduction": "Co-production",
    "pressure": "Pressure",
    "theme": "Theme",
}
RANK_COLUMNS = [
    *("case", "rank", "strategy", "name", "cluster", "score", "barriers"),
    *("triggered_by", "evidence", "rationale"),
]


def rank_strategies(
    barriers: pd.DataFrame, links: pd.DataFrame, strategies: pd.DataFrame, *, top: int | None = None
) -> pd.DataFrame:
    """Ranked strategies per case (:data:`RANK_COLUMNS`), each with the barriers and evidence that triggered it
    and the mapping's rationale. ``links`` comes from :func:`mindthegap.frameworks.strategies.load_mapping`,
    ``strategies`` from :func:`~mindthegap.frameworks.strategies.eric_strategies`."""
    if barriers.empty:
        return pd.DataFrame(columns=RANK_COLUMNS)
    b = barriers.assign(_key=barriers["barrier"].astype(str).str.casefold())
    lk = links.assign(_key=links["barrier"].astype(str).str.casefold())
    hits = b.merge(
        lk[["framework", "_key", "strategy", "level", "weight", "rationale"]], on=["framework", "_key"]
    )
    if hits.empty:
        return pd.DataFrame(columns=RANK_COLUMNS)
    hits["points"] = hits["severity"] * hits["weight"]
    hits["why"] = (
        hits["framework"].map(FRAMEWORK_LABELS).fillna(hits["framework"])
        + ": "
        + hits["barrier"].map(_barrier_label)
        + " (severity "
        + hits["severity"].astype(str)
        + ", level "
        + hits["level"].astype(str)
        + ")"
    )
    grouped = hits.groupby(["case", "strategy"], sort=False)
    out = grouped.agg(
        score=("points", "sum"),
        barriers=("_key", "nunique"),
        triggered_by=("why", lambda s: "; ".join(dict.fromkeys(s))),
        evidence=("evidence", lambda s: "; ".join(dict.fromkeys(x for x in s if x))),
        rationale=("rationale", lambda s: " ".join(dict.fromkeys(s))),
    ).reset_index()
    out = out.merge(strategies[["strategy", "name", "cluster"]], on="strategy", how="left")
    out = out.sort_values(["case", "score", "barriers", "name"], ascending=[True, False, False, True])
    out["rank"] = out.groupby("case").cumcount() + 1
    if top is not None:
        out = out[out["rank"] <= top]
    return out[RANK_COLUMNS].reset_index(drop=True)


def explain(ranked: pd.DataFrame, barriers: pd.DataFrame, links: pd.DataFrame) -> pd.DataFrame:
    """One row per recommended strategy and barrier it answers: ``case, rank, name, cluster, score, barrier,
    severity, level, evidence, rationale`` — the long form of :func:`rank_strategies`'s lists."""
    b = barriers.assign(_key=barriers["barrier"].astype(str).str.casefold())
    lk = links.assign(_key=links["barrier"].astype(str).str.casefold())
    hits = b.merge(lk[["framework", "_key", "strategy", "level", "rationale"]], on=["framework", "_key"])
    out = ranked[["case", "rank", "strategy", "name", "cluster", "score"]].merge(
        hits, on=["case", "strategy"]
    )
    out["barrier"] = (
        out["framework"].map(FRAMEWORK_LABELS).fillna(out["framework"])
        + ": "
        + out["barrier"].map(_barrier_label)
    )
    out = out.sort_values(["case", "rank", "severity", "level"], ascending=[True, True, False, True])
    cols = [
        "case",
        "rank",
        "name",
        "cluster",
        "score",
        "barrier",
        "severity",
        "level",
        "evidence",
        "rationale",
    ]
    return out[cols].reset_index(drop=True)


def _barrier_label(barrier: str) -> str:
    from mindthegap.analysis.coproduction import LABELS

    return LABELS.get(barrier, barrier)


def barriers_from_cfir(ratings: pd.DataFrame) -> pd.DataFrame:
    """CFIR constructs rated −2 (severity 2) or −1 (severity 1) in ``ratings`` (``case, construct, rating``)."""
    r = ratings.dropna(subset=["rating"])
    r = r[r["rating"] < 0]
    return pd.DataFrame(
        {
            "case": r["case"],
            "framework": "cfir2",
            "barrier": r["construct"],
            "severity": (-r["rating"]).astype(int),
            "evidence": "CFIR rating " + r["rating"].astype(int).astype(str),
        },
        columns=BARRIER_COLUMNS,
    ).reset_index(drop=True)


def barriers_from_coproduction(verdicts: pd.DataFrame, *, case: str = "team") -> pd.DataFrame:
    """Co-production characteristics found absent (severity 2) or contested (severity 1) by
    :func:`mindthegap.analysis.coproduction.absent_characteristics`."""
    v = verdicts[verdicts["status"].isin(["absent", "contested"])]
    return pd.DataFrame(
        {
            "case": v[case],
            "framework": "coproduction",
            "barrier": v["characteristic"],
            "severity": np.where(v["status"] == "absent", 2, 1),
            "evidence": "co-production characteristic " + v["status"],
        },
        columns=BARRIER_COLUMNS,
    ).reset_index(drop=True)


def barriers_from_nomad(means: pd.DataFrame, *, case: str = "service") -> pd.DataFrame:
    """NPT constructs whose NoMAD mean (1–5, ``case, construct, mean``) is below the midpoint 3 (severity 2) or
    below 3.5 (severity 1). Construct ids such as ``collective_action`` become the NPT names."""
    m = means.dropna(subset=["mean"])
    m = m[m["mean"] < 3.5]
    if m.empty:  # no construct is a barrier (an empty column of means cannot be formatted as text)
        return pd.DataFrame(columns=BARRIER_COLUMNS)
    names = m["construct"].str.replace("_", " ").str.capitalize()
    return pd.DataFrame(
        {
            "case": m[case],
            "framework": "npt",
            "barrier": names,
            "severity": np.where(m["mean"] < 3, 2, 1),
            "evidence": "NoMAD " + names.str.lower() + " mean " + m["mean"].map("{:.2f}".format),
        },
        columns=BARRIER_COLUMNS,
    ).reset_index(drop=True)
