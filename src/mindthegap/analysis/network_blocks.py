"""Network measures where names are not collected: each respondent says how many colleagues they work with in
each discipline × service block, and the measures are computed on blocks instead of people.

Input (``counts``): ``wave``, ``participant_id`` (the respondent), ``discipline`` and ``service`` (the block
they name), ``count`` (how many colleagues there). The respondent's own discipline and service come from the
roster. A tie is external on discipline when the block's discipline differs from the respondent's, likewise
for service; the E-I index is (E − I) / (E + I) over the ties counted (Krackhardt and Stern, 1988), and the
share across is E / (E + I). Respondents with no discipline (or service) on the roster are left out of that
attribute's measures, as in :func:`mindthegap.analysis.networks.ei_index`.

Every number of respondents is asked of the publication plan (population ``network_counts|wave=W``): a block
(or wave) whose respondents the plan hides shows no tie counts either, since a count of ties from few people
tells about those people.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mindthegap.analysis.publication import PublicationPlan, population_name
from mindthegap.privacy import DEFAULT_MIN_N

COUNT_COLUMNS = ["wave", "participant_id", "discipline", "service", "count"]


def _joined(counts: pd.DataFrame, roster: pd.DataFrame) -> pd.DataFrame:
    """Counts of consenting respondents with the respondent's own discipline and service (``own_…``)."""
    own = roster[["participant_id", "discipline", "service"]].rename(
        columns={"discipline": "own_discipline", "service": "own_service"}
    )
    data = counts[COUNT_COLUMNS].merge(own, on="participant_id", how="inner")
    data["count"] = pd.to_numeric(data["count"]).astype(int)
    return data


def _plan_for(data: pd.DataFrame, roster: pd.DataFrame, plan: PublicationPlan | None, min_n: int):
    plan = plan if plan is not None else PublicationPlan(roster, min_n=min_n)
    names = {}
    for wave, part in data.groupby("wave", sort=True):
        name = population_name("network_counts", wave=wave)
        ids = [i for i in part["participant_id"].unique() if plan.roster is None or i in plan.roster.index]
        if not plan.has(name):
            plan.register(name, ids)
        names[wave] = name
    return plan, names


def block_matrix(
    counts: pd.DataFrame,
    roster: pd.DataFrame,
    *,
    min_n: int = DEFAULT_MIN_N,
    plan: PublicationPlan | None = None,
) -> pd.DataFrame:
    """One row per wave × respondents' block (``from_discipline``, ``from_service``) × named block
    (``to_discipline``, ``to_service``): ``respondents`` in the from-block and ``ties`` (sum of counts);
    both None, and ``suppressed`` True, where the plan hides the from-block."""
    data = _joined(counts, roster)
    plan, names = _plan_for(data, roster, plan, min_n)
    keys = ["wave", "own_discipline", "own_service", "discipline", "service"]
    sums = data.groupby(keys, sort=True, dropna=False)["count"].sum().reset_index()
    rows = []
    for r in sums.to_dict(orient="records"):
        group = {"discipline": r["own_discipline"], "service": r["own_service"]}
        n = plan.count(names[r["wave"]], group, output="network count blocks")
        hidden = n is None
        rows.append({"wave": r["wave"], "from_discipline": r["own_discipline"], "from_service": r["own_service"],
                     "to_discipline": r["discipline"], "to_service": r["service"], "respondents": n,
                     "ties": None if hidden else int(r["count"]), "suppressed": hidden})  # fmt: skip
    columns = [
        "wave",
        "from_discipline",
        "from_service",
        "to_discipline",
        "to_service",
        "respondents",
        "ties",
    ]
    return pd.DataFrame(rows, columns=[*columns, "suppressed"])


def _ei(part: pd.DataFrame, attr: str) -> tuple[int, int]:
    """(external, internal) tie counts on ``attr`` among rows where both sides have the attribute."""
    known = part[part[attr].astype(bool) & part[f"own_{attr}"].fillna("").astype(bool)]
    external = int(known.loc[known[attr] != known[f"own_{attr}"], "count"].sum())
    return external, int(known["count"].sum()) - external


def block_measures(
    counts: pd.DataFrame,
    roster: pd.DataFrame,
    *,
    min_n: int = DEFAULT_MIN_N,
    plan: PublicationPlan | None = None,
) -> pd.DataFrame:
    """Per wave, for all respondents (``group`` "All") and for each respondents' discipline and service:
    ``respondents``, ``ties``, ``share_across_discipline``, ``share_across_service``, ``ei_discipline`` and
    ``ei_service``; everything None where the plan hides the respondents."""
    data = _joined(counts, roster)
    data["discipline"] = data["discipline"].fillna("")
    data["service"] = data["service"].fillna("")
    plan, names = _plan_for(data, roster, plan, min_n)
    rows = []
    for wave, part in data.groupby("wave", sort=True):
        scopes = [("All", "All", part, {})]
        for attr in ("discipline", "service"):
            for value, sub in part.groupby(f"own_{attr}", sort=True):
                if value:
                    scopes.append((attr, value, sub, {attr: value}))
        for attribute, group, sub, where in scopes:
            n = plan.count(names[wave], where, output="network count measures")
            rows.append({"wave": wave, "attribute": attribute, "group": group, "respondents": n,
                         **_measures(sub, hidden=n is None)})  # fmt: skip
    return pd.DataFrame(rows)


def _measures(part: pd.DataFrame, *, hidden: bool) -> dict:
    names = ["ties", "share_across_discipline", "share_across_service", "ei_discipline", "ei_service"]
    if hidden:
        return {**dict.fromkeys(names), "suppressed": True}
    out = {"ties": int(part["count"].sum())}
    for attr in ("discipline", "service"):
        external, internal = _ei(part, attr)
        total = external + internal
        out[f"share_across_{attr}"] = external / total if total else np.nan
        out[f"ei_{attr}"] = (external - internal) / total if total else np.nan
    return {**{k: out[k] for k in names}, "suppressed": False}
