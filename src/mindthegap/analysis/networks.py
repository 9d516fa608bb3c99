"""Who works with whom: network measures at each wave and their change, with NetworkX and NumPy.

``ties`` has wave, participant_id (who answered) and alter_id (a colleague they named; missing where they named
no one); ``people`` one row per participant with discipline, service and level. Nominations are treated as
undirected working relationships: i naming j, j naming i, or both, is one tie. A wave's network holds everyone
who answered in it and everyone they named.

Measures (see docs/methods.md): density = ties / (n(n−1)/2); Krackhardt and Stern's E-I index
= (external − internal) / (external + internal) ties, for the whole network and per group (a group's external
ties have one end in it, internal ties both); brokers by betweenness centrality (exact up to
:data:`EXACT_BETWEENNESS` people, else estimated from a seeded sample of source nodes); isolates (people who
answered and are tied to no one). Change between waves is tested by permuting the wave labels of each dyad
among the people who answered at both waves (:func:`change_test`).
"""

from __future__ import annotations

from collections.abc import Sequence

import networkx as nx
import numpy as np
import pandas as pd

from mindthegap.defaults import DEFAULT_SEED
from mindthegap.errors import InputError, renamed_keyword

EXACT_BETWEENNESS = 1000
BETWEENNESS_SAMPLE = 200
BROKER_SHARE = 0.10


def check_ties(ties: pd.DataFrame, people: pd.DataFrame) -> None:
    """Raise ``ValueError`` naming the first row (1-based, after the heading) with a self tie or an unknown
    person; a notebook user gets the same refusal the importer gives."""
    known = set(people["participant_id"].astype(str))
    for i, (ego, alter) in enumerate(ties[["participant_id", "alter_id"]].itertuples(index=False), start=2):
        if str(ego) not in known:
            raise ValueError(f"row {i}, column 'participant_id': unknown participant {str(ego)!r}")
        if alter is None or (isinstance(alter, float) and np.isnan(alter)) or alter == "":
            continue
        if str(alter) == str(ego):
            raise ValueError(f"row {i}, column 'alter_id': a tie to oneself")
        if str(alter) not in known:
            raise ValueError(f"row {i}, column 'alter_id': unknown participant {str(alter)!r}")


def wave_graph(ties: pd.DataFrame, people: pd.DataFrame, wave: str, *, only: set | None = None) -> nx.Graph:
    """The undirected network of one wave, nodes carrying discipline, service and level; ``only`` keeps the
    people named in it (ties to others dropped)."""
    part = ties[ties["wave"] == wave]
    attrs = people.drop_duplicates("participant_id").set_index("participant_id")
    table = {k: attrs[k].map(_text).to_dict() for k in ("discipline", "service", "level") if k in attrs}
    graph = nx.Graph()
    nodes = (set(part["participant_id"]) | set(part["alter_id"].dropna())) - {""}
    if only is not None:
        nodes &= only
    for node in sorted(nodes):
        graph.add_node(
            node, **{k: table.get(k, {}).get(node, "") for k in ("discipline", "service", "level")}
        )
    edges = part.dropna(subset=["alter_id"])
    graph.add_edges_from(
        (a, b)
        for a, b in edges[["participant_id", "alter_id"]].itertuples(index=False)
        if a in nodes and b in nodes
    )
    return graph


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)


def density(graph: nx.Graph) -> float:
    n = graph.number_of_nodes()
    return graph.number_of_edges() / (n * (n - 1) / 2) if n > 1 else float("nan")


def ei_index(graph: nx.Graph, attr: str) -> float:
    """Whole-network E-I index on ``attr``: (external − internal) / all ties; ties touching someone without the
    attribute are left out."""
    values = nx.get_node_attributes(graph, attr)
    pairs = [(values[a], values[b]) for a, b in graph.edges()]
    known = [(x, y) for x, y in pairs if x and y]
    external = sum(x != y for x, y in known)
    internal = len(known) - external
    total = external + internal
    return (external - internal) / total if total else float("nan")


def group_ei(graph: nx.Graph, attr: str) -> pd.DataFrame:
    """Per group of ``attr``: people, internal and external ties and the group's E-I index."""
    rows: dict[str, dict[str, int]] = {}
    for _node, data in graph.nodes(data=True):
        if data[attr]:
            rows.setdefault(data[attr], {"people": 0, "internal": 0, "external": 0})["people"] += 1
    for a, b in graph.edges():
        x, y = graph.nodes[a][attr], graph.nodes[b][attr]
        if not x or not y:
            continue
        if x == y:
            rows[x]["internal"] += 1
        else:
            rows[x]["external"] += 1
            rows[y]["external"] += 1
    out = pd.DataFrame(
        [{attr: g, **v} for g, v in sorted(rows.items())], columns=[attr, "people", "internal", "external"]
    )
    total = out["internal"] + out["external"]
    out["ei"] = ((out["external"] - out["internal"]) / total.where(total > 0)).astype(float)
    return out


def betweenness(graph: nx.Graph, *, seed: int = DEFAULT_SEED) -> dict:
    """Normalised betweenness centrality (as NetworkX's, undirected): exact up to :data:`EXACT_BETWEENNESS`
    people, else estimated from :data:`BETWEENNESS_SAMPLE` seeded source nodes, scaled by n / sources.

    Brandes' algorithm run for a block of sources at once with sparse matrix products (breadth-first levels
    forward, dependencies backward), so 5,000 people take well under a second rather than a minute."""
    nodes = list(graph.nodes())
    n = len(nodes)
    if n < 3:
        return dict.fromkeys(nodes, 0.0)
    adj = _adjacency(graph, nodes)
    if n <= EXACT_BETWEENNESS:
        sources = np.arange(n)
    else:
        sources = np.sort(np.random.default_rng(seed).choice(n, BETWEENNESS_SAMPLE, replace=False))
    total = np.zeros(n)
    for start in range(0, len(sources), 256):
        total += _dependencies(adj, sources[start : start + 256])
    scale = (n / len(sources)) / ((n - 1) * (n - 2))  # each pair counted from both ends: /2 · 2/((n-1)(n-2))
    return dict(zip(nodes, total * scale, strict=True))


def _adjacency(graph: nx.Graph, nodes: list):
    """The symmetric 0/1 adjacency matrix in CSR form, built from the edge list directly."""
    from scipy.sparse import csr_array

    index = {node: i for i, node in enumerate(nodes)}
    pairs = np.array([(index[a], index[b]) for a, b in graph.edges() if a != b], dtype=np.int64).reshape(
        -1, 2
    )
    rows = np.concatenate([pairs[:, 0], pairs[:, 1]])
    cols = np.concatenate([pairs[:, 1], pairs[:, 0]])
    n = len(nodes)
    return csr_array((np.ones(len(rows)), (rows, cols)), shape=(n, n))


def _dependencies(adj, sources: np.ndarray) -> np.ndarray:
    """Sum over ``sources`` of Brandes' dependency of each node (the source itself excluded)."""
    n, k = adj.shape[0], len(sources)
    cols = np.arange(k)
    sigma = np.zeros((n, k))
    dist = np.full((n, k), -1, dtype=np.int32)
    sigma[sources, cols] = 1.0
    dist[sources, cols] = 0
    frontier, level = sigma.copy(), 0
    while True:
        reached = adj @ frontier
        reached[dist >= 0] = 0.0
        new = reached > 0
        if not new.any():
            break
        level += 1
        dist[new] = level
        sigma += reached
        frontier = reached
    delta = np.zeros((n, k))
    for d in range(level, 0, -1):
        coeff = np.where(dist == d, (1.0 + delta) / np.where(sigma > 0, sigma, 1.0), 0.0)
        delta += np.where(dist == d - 1, sigma * (adj @ coeff), 0.0)
    delta[sources, cols] = 0.0
    return delta.sum(axis=1)


def brokers(graph: nx.Graph, *, share: float = BROKER_SHARE, seed: int = DEFAULT_SEED) -> set:
    """The people in the top ``share`` of betweenness (those with none are never brokers)."""
    scores = betweenness(graph, seed=seed)
    positive = sorted((v for v in scores.values() if v > 0), reverse=True)
    if not positive:
        return set()
    cut = positive[max(0, min(len(positive), int(np.ceil(share * len(scores)))) - 1)]
    return {node for node, v in scores.items() if v >= cut and v > 0}


def wave_measures(graph: nx.Graph, wave: str, *, seed: int = DEFAULT_SEED) -> dict:
    """The whole-network measures of one wave (no individual's position)."""
    ei_d, ei_s = ei_index(graph, "discipline"), ei_index(graph, "service")
    return {
        "wave": wave,
        "people": graph.number_of_nodes(),
        "ties": graph.number_of_edges(),
        "density": density(graph),
        "mean_degree": 2 * graph.number_of_edges() / max(graph.number_of_nodes(), 1),
        "ei_discipline": ei_d,
        "ei_service": ei_s,
        "share_cross_discipline": (ei_d + 1) / 2,  # E/(E+I) = (EI + 1)/2
        "share_cross_service": (ei_s + 1) / 2,
        "isolates": nx.number_of_isolates(graph),
        "components": nx.number_connected_components(graph) if graph.number_of_nodes() else 0,
    }


def degrees(ties: pd.DataFrame, people: pd.DataFrame) -> pd.DataFrame:
    """Each person's degree (number of distinct colleagues tied to them) at each wave they are in."""
    rows = []
    for wave in ties["wave"].dropna().unique():
        graph = wave_graph(ties, people, wave)
        rows += [{"participant_id": p, "wave": wave, "degree": d} for p, d in graph.degree()]
    return pd.DataFrame(rows, columns=["participant_id", "wave", "degree"])


def change_test(
    ties: pd.DataFrame,
    people: pd.DataFrame,
    baseline: str | None = None,
    follow_up: str | None = None,
    *,
    attrs: Sequence[str] = ("discipline", "service"),
    n_perm: int = 1000,
    seed: int = DEFAULT_SEED,
    block: int = 100,
    before: str | None = None,
    after: str | None = None,
) -> pd.DataFrame:
    """Change in density and in each E-I index between two waves, among the people who answered at both, with
    a two-sided permutation p-value.

    Under no change, which wave a dyad's state belongs to is exchangeable, so each permutation swaps the two
    waves' states of every dyad with probability ½ (a sign flip on the dyads whose state changed). All
    permutations are counts: one random 0/1 matrix per block times each dyad's change, so 1,000 permutations
    of tens of thousands of dyads take a fraction of a second. p = (1 + #|T*| ≥ |T|) / (1 + n_perm).
    Columns ``baseline`` and ``follow_up`` hold each wave's value; ``before=``/``after=`` are the old keywords.
    """
    baseline = renamed_keyword("change_test", "before", "baseline", before, baseline, None)
    follow_up = renamed_keyword("change_test", "after", "follow_up", after, follow_up, None)
    if baseline is None or follow_up is None:
        raise InputError("change_test needs the two waves to compare: baseline and follow_up")
    order, union, a, b = _dyad_states(ties, baseline, follow_up)
    n = len(order)
    stats = _dyad_weights(people, order, union, a, attrs)
    draws = _permuted_changes(a, b, stats, n_perm=n_perm, seed=seed, block=block)
    rows = []
    for name, (e, i_, scale) in stats.items():
        t0 = _stat(a, b, e, i_, scale)
        null = np.asarray(draws[name], dtype=float)
        p = (1 + np.sum(np.abs(null) >= abs(t0[2]) - 1e-12)) / (1 + n_perm) if not np.isnan(t0[2]) else np.nan
        rows.append({"measure": name, "people": n, "baseline": t0[0], "follow_up": t0[1], "change": t0[2],
                     "p_value": p, "n_perm": n_perm})  # fmt: skip
    return pd.DataFrame(rows)


def _dyad_states(
    ties: pd.DataFrame, baseline: str, follow_up: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The people who answered at both waves (sorted), the dyads tied at either wave among them (coded
    ``i * n + j``), and each dyad's 0/1 state at the baseline and at the follow-up."""
    answered = [set(ties.loc[ties["wave"] == w, "participant_id"]) for w in (baseline, follow_up)]
    common = answered[0] & answered[1]
    codes = {p: i for i, p in enumerate(sorted(common))}
    states = [_dyads(ties, w, codes) for w in (baseline, follow_up)]
    union = np.union1d(states[0], states[1])
    a = np.isin(union, states[0]).astype(float)
    b = np.isin(union, states[1]).astype(float)
    order = np.array(sorted(common), dtype=object)
    return order, union, a, b


def _dyad_weights(
    people: pd.DataFrame, order: np.ndarray, union: np.ndarray, a: np.ndarray, attrs: Sequence[str]
) -> dict[str, tuple]:
    """Per measure, the weights (external, internal, scale) that turn dyad states into it: density counts
    every dyad over the possible pairs; an E-I index counts the dyads across and within groups of ``attr``."""
    n = len(order)
    pairs = n * (n - 1) / 2
    stats = {"density": (np.ones_like(a), np.zeros_like(a), pairs)}
    lookup = people.set_index("participant_id")
    i, j = union // max(n, 1), union % max(n, 1)
    for attr in attrs:
        values = lookup.reindex(order)[attr].map(_text)
        codes_attr = pd.factorize(values)[0]
        known = (values != "").to_numpy()
        valid = known[i] & known[j]
        same = codes_attr[i] == codes_attr[j]
        stats[f"ei_{attr}"] = ((~same & valid).astype(float), (same & valid).astype(float), None)
    return stats


def _permuted_changes(
    a: np.ndarray, b: np.ndarray, stats: dict[str, tuple], *, n_perm: int, seed: int, block: int
) -> dict[str, np.ndarray]:
    """Each measure's change under ``n_perm`` random swaps of the dyads' two wave states, a block at a time."""
    rng = np.random.default_rng(seed)
    moved = np.flatnonzero(b - a)
    d = (b - a)[moved]
    columns = np.column_stack([d * v[moved] for e, i_, _ in stats.values() for v in (e, i_)]).astype(
        np.float32
    )
    shifts = []
    for start in range(0, n_perm, block):
        size = min(block, n_perm - start)
        bits = rng.integers(0, 256, size=(size, (len(moved) + 7) // 8), dtype=np.uint8)
        swap = np.unpackbits(bits, axis=1, count=len(moved)).astype(np.float32)
        shifts.append((swap @ columns).astype(float))  # (size, 2 per statistic): one product per block
    shift = np.vstack(shifts) if shifts else np.zeros((0, columns.shape[1]))
    draws = {}
    for k, (name, (e, i_, scale)) in enumerate(stats.items()):
        se, si = shift[:, 2 * k], shift[:, 2 * k + 1]
        draws[name] = _ratio(b @ e - se, b @ i_ - si, scale) - _ratio(a @ e + se, a @ i_ + si, scale)
    return draws


def _dyads(ties: pd.DataFrame, wave: str, codes: dict) -> np.ndarray:
    part = ties[(ties["wave"] == wave) & ties["alter_id"].notna()]
    i = part["participant_id"].map(codes)
    j = part["alter_id"].map(codes)
    keep = i.notna() & j.notna()
    i, j = i[keep].to_numpy(dtype=np.int64), j[keep].to_numpy(dtype=np.int64)
    low, high = np.minimum(i, j), np.maximum(i, j)
    return np.unique(low * max(len(codes), 1) + high)


def _ratio(e_sum, i_sum, scale):
    if scale is not None:
        return e_sum / scale if scale else np.nan
    total = e_sum + i_sum
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, (e_sum - i_sum) / np.where(total > 0, total, 1), np.nan)


def _stat(a, b, e, i_, scale):
    before = float(_ratio(a @ e, a @ i_, scale))
    after = float(_ratio(b @ e, b @ i_, scale))
    return before, after, after - before
