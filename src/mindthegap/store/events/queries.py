"""What the events and network commands and views ask of a stored study: import a file whole, and the reach and
network tables suppressed by the study's own publication plan."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from django.db import transaction

from mindthegap.defaults import DEFAULT_SEED
from mindthegap.store.events import repository as repo
from mindthegap.store.studies.models import StudyRecord


def import_file(record: StudyRecord, path: Path, kind: str | None = None) -> tuple[str, int]:
    """Check the whole file against the study, then store it in one transaction: (kind, rows stored)."""
    from mindthegap.io.events_files import read_events_file

    kind, frame = read_events_file(path, repo.known_ids(record), kind)
    with transaction.atomic():
        return kind, repo.SAVERS[kind](record, frame)


def _plan(record: StudyRecord):
    from mindthegap.analysis.publication import PublicationPlan
    from mindthegap.store.studies.repository import participants_frame

    roster = participants_frame(record)
    return roster, PublicationPlan(roster, min_n=record.min_n)


def study_reach(record: StudyRecord) -> dict[str, pd.DataFrame]:
    """Reach by discipline, service and level, repeat attendance and the levels in each event's room."""
    from mindthegap.analysis import reach

    roster, plan = _plan(record)
    attendance = repo.attendance_frame(record)
    headcounts = repo.headcounts_frame(record)
    return {
        "reach": reach.reach_table(attendance, roster, min_n=record.min_n, headcounts=headcounts, plan=plan),
        "repeat": reach.repeat_attendance(attendance, roster, min_n=record.min_n, plan=plan),
        "events": reach.event_levels(
            repo.events_frame(record), attendance, roster, min_n=record.min_n, plan=plan
        ),
    }


def study_network(
    record: StudyRecord, *, n_perm: int = 1000, seed: int = DEFAULT_SEED
) -> dict[str, pd.DataFrame]:
    from mindthegap.analysis.network_tables import network_tables

    roster, plan = _plan(record)
    waves = list(record.waves.order_by("order").values_list("slug", flat=True))
    tables = network_tables(repo.ties_frame(record), roster, plan=plan, waves=waves, n_perm=n_perm, seed=seed)
    counts = repo.tie_counts_frame(record)
    if len(counts):  # named by discipline × service, not by name: measures on blocks
        from mindthegap.analysis.network_blocks import block_matrix, block_measures

        tables["count_blocks"] = block_matrix(counts, roster, min_n=record.min_n, plan=plan)
        tables["count_measures"] = block_measures(counts, roster, min_n=record.min_n, plan=plan)
    return tables


def write_graphml(record: StudyRecord, path: Path) -> int:
    """Every wave's network in one GraphML file for analysts (pseudonyms and groups on nodes; each edge says
    at which waves it was named). Returns the number of people written."""
    import networkx as nx

    from mindthegap.analysis import networks as nw
    from mindthegap.analysis.coding import write_graphml as write_graph
    from mindthegap.store.studies.repository import participants_frame

    roster, ties = participants_frame(record), repo.ties_frame(record)
    merged = nx.Graph()
    for wave in ties["wave"].dropna().unique():
        graph = nw.wave_graph(ties, roster, wave)
        merged.add_nodes_from(graph.nodes(data=True))
        for a, b in graph.edges():
            merged.add_edge(a, b, **{**merged.get_edge_data(a, b, {}), f"wave_{wave}": True})
    for _a, _b, data in merged.edges(data=True):
        for wave in ties["wave"].dropna().unique():
            data.setdefault(f"wave_{wave}", False)
    write_graph(merged, path)
    return merged.number_of_nodes()
