"""Network results fit to publish: whole-network measures, groups and discipline × service blocks, every
count of people asked of the publication plan, and no individual's position.

Populations: ``network|wave=W`` (everyone in the wave's network), ``network_isolates|wave=W``,
``network_brokers|wave=W`` and ``network_both`` (people who answered at both waves, whom the change test
compares).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mindthegap.analysis import networks as nw
from mindthegap.analysis.publication import PublicationPlan, population_name
from mindthegap.defaults import DEFAULT_SEED


def _register(plan: PublicationPlan, name: str, ids) -> str:
    ids = [i for i in ids if plan.roster is None or i in plan.roster.index]
    if not plan.has(name):
        plan.register(name, ids)
    return name


def network_tables(
    ties: pd.DataFrame,
    roster: pd.DataFrame,
    *,
    plan: PublicationPlan,
    waves: list[str],
    n_perm: int = 1000,
    seed: int = DEFAULT_SEED,
) -> dict[str, pd.DataFrame]:
    """``waves`` (one row per wave), ``groups`` (E-I and brokers per discipline and service), ``blocks``
    (discipline × service blocks per wave) and ``change`` (first vs last wave), each suppressed by ``plan``."""
    ties = ties[ties["participant_id"].isin(roster["participant_id"])]
    ties = ties[ties["alter_id"].isna() | ties["alter_id"].isin(roster["participant_id"])]
    present = [w for w in waves if (ties["wave"] == w).any()]
    rows, groups, blocks = [], [], []
    for wave in present:
        graph = nw.wave_graph(ties, roster, wave)
        everyone = _register(plan, population_name("network", wave=wave), graph.nodes())
        lonely = _register(plan, population_name("network_isolates", wave=wave), nx_isolates(graph))
        broker_ids = nw.brokers(graph, seed=seed)
        brokered = _register(plan, population_name("network_brokers", wave=wave), broker_ids)
        row = nw.wave_measures(graph, wave)
        people = plan.count(everyone, output="network people")
        row["people"] = people
        row["isolates"] = plan.count(lonely, output="network isolates")
        if people is None:
            row.update(dict.fromkeys(("ties", "density", "mean_degree", "components"), np.nan))
        rows.append(row)
        for attr in ("discipline", "service"):
            table = nw.group_ei(graph, attr)
            for rec in table.to_dict(orient="records"):
                n = plan.count(everyone, {attr: rec[attr]}, output=f"network by {attr}")
                b = plan.count(brokered, {attr: rec[attr]}, output=f"network brokers by {attr}")
                hidden = n is None
                groups.append({"wave": wave, "attribute": attr, "group": rec[attr], "people": n,
                               "internal": None if hidden else rec["internal"],
                               "external": None if hidden else rec["external"],
                               "ei": None if hidden else rec["ei"], "brokers": None if hidden else b,
                               "suppressed": hidden})  # fmt: skip
        blocks += _blocks(graph, wave, plan, everyone)
    return {
        "waves": pd.DataFrame(rows),
        "groups": pd.DataFrame(groups),
        "blocks": pd.DataFrame(blocks),
        "change": _change(ties, roster, present, plan, n_perm=n_perm, seed=seed),
    }


def nx_isolates(graph) -> list:
    return [n for n, d in graph.degree() if d == 0]


def _blocks(graph, wave: str, plan: PublicationPlan, everyone: str) -> list[dict]:
    """Each discipline × service block: people, ties inside it and ties to other blocks; blocks the plan
    hides are left out of the chart and shown as suppressed in the table."""
    key = {n: (d["discipline"], d["service"]) for n, d in graph.nodes(data=True)}
    inside: dict[tuple, int] = {}
    outside: dict[tuple, int] = {}
    for a, b in graph.edges():
        if key[a] == key[b]:
            inside[key[a]] = inside.get(key[a], 0) + 1
        else:
            outside[key[a]] = outside.get(key[a], 0) + 1
            outside[key[b]] = outside.get(key[b], 0) + 1
    sizes: dict[tuple, int] = {}
    for k in key.values():
        sizes[k] = sizes.get(k, 0) + 1
    out = []
    for (discipline, service), _ in sorted(sizes.items()):
        if not discipline or not service:
            continue
        n = plan.count(everyone, {"discipline": discipline, "service": service}, output="network blocks")
        hidden = n is None
        block = (discipline, service)
        out.append({"wave": wave, "discipline": discipline, "service": service, "people": n,
                    "ties_within": None if hidden else inside.get(block, 0),
                    "ties_out": None if hidden else outside.get(block, 0), "suppressed": hidden})  # fmt: skip
    return out


def block_edges(ties: pd.DataFrame, roster: pd.DataFrame, wave: str, shown: set[tuple]) -> pd.DataFrame:
    """Ties between pairs of shown blocks at one wave (for the chart; hidden blocks take no part)."""
    graph = nw.wave_graph(ties, roster, wave)
    key = {n: (d["discipline"], d["service"]) for n, d in graph.nodes(data=True)}
    counts: dict[tuple, int] = {}
    for a, b in graph.edges():
        x, y = sorted((key[a], key[b]))
        if x != y and x in shown and y in shown:
            counts[x, y] = counts.get((x, y), 0) + 1
    return pd.DataFrame(
        [{"a": x, "b": y, "ties": n} for (x, y), n in counts.items()], columns=["a", "b", "ties"]
    )


def _change(ties, roster, waves: list[str], plan: PublicationPlan, *, n_perm: int, seed: int) -> pd.DataFrame:
    if len(waves) < 2:
        return pd.DataFrame()
    before, after = waves[0], waves[-1]
    both = set(ties.loc[ties["wave"] == before, "participant_id"]) & set(
        ties.loc[ties["wave"] == after, "participant_id"]
    )
    name = _register(plan, population_name("network_both", before=before, after=after), sorted(both))
    n = plan.count(name, output="network change")
    table = nw.change_test(ties, roster, before, after, n_perm=n_perm, seed=seed)
    table["people"] = n
    table["suppressed"] = n is None
    if n is None:
        table[["baseline", "follow_up", "change", "p_value"]] = np.nan
    return table
