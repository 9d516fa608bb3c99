"""What the coding shows: code frequencies by group, co-occurrence, framework matrices, distinctive themes.

Inputs are tidy frames: ``codings`` with ``source``, ``code``, ``start``, ``end`` (and optionally ``coder``,
``status``) and ``sources`` with ``source``, ``participant`` and grouping columns (``level``, ``role``,
``service``, ``wave``) plus ``text`` when quotes are wanted. What counts is
:func:`~mindthegap.analysis.coders.prevalence_codings`: the union of every coder's accepted codings (a source's
agreed version where it has one), the same span coded twice counting once. Machine suggestions arrive as
``unreviewed`` and are not findings until a person accepts them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from mindthegap.analysis.coders import accepted, prevalence_codings
from mindthegap.analysis.publication import PublicationPlan, apply_plan, population_name
from mindthegap.analysis.suppression import ALL, HIDDEN, REASON, SUPPRESSED, suppress
from mindthegap.errors import InputError
from mindthegap.privacy import DEFAULT_MIN_N

__all__ = [
    "accepted",
    "code_frequencies",
    "cooccurrence",
    "distinctive_themes",
    "framework_counts",
    "framework_matrix",
    "theme_map",
    "write_graphml",
]


def _need(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    if missing := [c for c in columns if c not in frame.columns]:
        raise InputError(f"{what} lack column(s) {', '.join(missing)}")


GROUP_KINDS = frozenset({"event_notes"})
"""Source kinds that record a group (event notes) rather than one person: they are not counted as people."""


def _people(sources: pd.DataFrame) -> pd.DataFrame:
    """Sources written by one person, each with a ``person`` id (the participant, else the source itself).

    A source without a participant still stands for someone, so it counts as one person of its own; notes of
    a group event are left out, as they would inflate a level's head count and hide nobody.
    """
    people = sources
    if "kind" in people.columns:
        people = people[~people["kind"].isin(GROUP_KINDS)]
    participant = people["participant"].astype("string").fillna("").str.strip()
    return people.assign(
        person=participant.where(participant != "", "source:" + people["source"].astype(str))
    )


def code_frequencies(
    codings: pd.DataFrame,
    sources: pd.DataFrame,
    by: str = "level",
    min_n: int = DEFAULT_MIN_N,
    plan: PublicationPlan | None = None,
) -> pd.DataFrame:
    """Per group and code: people in the group (``n``), how many of them raised the code, proportion, codings.

    Each cell is suppressed on the number of distinct people behind it: a code raised by fewer than ``min_n``
    people in a group is hidden, however large the group. An ``All`` row per code gives the total across
    groups, and complementary suppression hides a second cell wherever that total would let a hidden one be
    recovered by subtraction. Event notes (kind ``event_notes``) are not people and are not counted.

    With a ``plan``, the people behind the sources and those who raised each code are populations of the
    plan (see :func:`register_code_populations`), which decides what is shown in every table that counts them.
    """
    _need(codings, ["source", "code"], "codings")
    _need(sources, ["source", "participant", by], "sources")
    people, joined = _raisers(codings, sources, by)
    sizes = people.groupby(by)["person"].nunique().rename("n")
    raised = joined.groupby([by, "code"]).agg(participants=("person", "nunique"), codings=("code", "size"))
    codes = sorted(joined["code"].unique())
    index = pd.MultiIndex.from_product([sizes.index, codes], names=[by, "code"])
    table = raised.reindex(index, fill_value=0).reset_index().merge(sizes.reset_index(), on=by)
    totals = joined.groupby("code").agg(participants=("person", "nunique"), codings=("code", "size"))
    totals = (
        totals.reindex(codes, fill_value=0).reset_index().assign(**{by: ALL, "n": people["person"].nunique()})
    )
    table = pd.concat([table, totals], ignore_index=True)
    table["proportion"] = table["participants"] / table["n"].where(table["n"] > 0)
    table = table[[by, "code", "n", "participants", "proportion", "codings"]]
    if plan is not None:
        everyone, raised = register_code_populations(plan, codings, sources, by)
        return apply_plan(
            table, plan, {"participants": raised, "n": everyone}, by=[by, "code"], output="code frequencies"
        )
    # suppress on the people behind each cell, not the group size: n is shown only where the cell is
    return suppress(table, n_col="participants", by=[by, "code"], min_n=min_n)


def _raisers(codings: pd.DataFrame, sources: pd.DataFrame, by: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """People behind the sources (event notes left out) and the codings counted for prevalence joined to them."""
    people = _people(sources)
    people = people.assign(**{by: people[by].astype("string").fillna("").replace("", "(not recorded)")})
    joined = prevalence_codings(codings).merge(people[["source", "person", by]], on="source", how="inner")
    return people, joined


def register_code_populations(plan: PublicationPlan, codings: pd.DataFrame, sources: pd.DataFrame, by: str):
    """Register the people behind the sources, grouped by ``by``, and for each code the people who raised
    it; return the first's name and a function naming a row's code population."""
    people, joined = _raisers(codings, sources, by)
    dims = (by,)
    units = people.drop_duplicates("person").rename(columns={"person": plan.id_col})
    everyone = plan.register(
        population_name("qualitative_people", by=by), units[[plan.id_col, by]], dims=dims
    )
    for code, part in joined.groupby("code", sort=True):
        raisers = part.drop_duplicates("person").rename(columns={"person": plan.id_col})
        plan.register(
            population_name("qualitative_code", by=by, code=code), raisers[[plan.id_col, by]], dims=dims
        )

    def raised(row: dict) -> str:
        return population_name("qualitative_code", by=by, code=row.get("code", row.get("theme")))

    return everyone, raised


def cooccurrence(codings: pd.DataFrame) -> pd.DataFrame:
    """Pairs of codes whose spans overlap in the same source, with ATLAS.ti's c-coefficient.

    c = n12 / (n1 + n2 − n12), where n1 and n2 count each code's codings and n12 the overlapping pairs; it runs
    from 0 (never together) to 1 (always together).
    """
    _need(codings, ["source", "code", "start", "end"], "codings")
    frame = prevalence_codings(codings)[["source", "code", "start", "end"]].reset_index(drop=True)
    frame = frame.assign(row=np.arange(len(frame)))
    counts = frame.groupby("code").size()
    pairs = frame.merge(frame, on="source", suffixes=("_a", "_b"))
    pairs = pairs[
        (pairs["code_a"] < pairs["code_b"])
        & (pairs["start_a"] < pairs["end_b"])
        & (pairs["start_b"] < pairs["end_a"])
    ]
    table = pairs.groupby(["code_a", "code_b"]).size().rename("n12").reset_index()
    table["n1"] = table["code_a"].map(counts).astype(int)
    table["n2"] = table["code_b"].map(counts).astype(int)
    table["c_coefficient"] = table["n12"] / (table["n1"] + table["n2"] - table["n12"])
    return table.sort_values(["c_coefficient", "n12"], ascending=False, ignore_index=True)


def framework_matrix(
    codings: pd.DataFrame,
    sources: pd.DataFrame,
    case: str = "participant",
    themes: Sequence[str] | None = None,
    max_quote: int = 240,
    min_n: int | None = None,
    plan: PublicationPlan | None = None,
) -> pd.DataFrame:
    """Cases × themes, each cell with its count of codings and one chosen quote.

    The quote is the longest coded passage that fits ``max_quote`` characters (a short one otherwise, cut at a
    word), because a full sentence or two illustrates a theme better than a fragment. A passage coded with two
    themes illustrates only the first of them (in theme order) while the case has another passage for the second.

    When cases are groups (a level, a service) rather than single participants, pass ``min_n``: a cell whose
    codings come from fewer than ``min_n`` people is suppressed, count and quote alike, because a quote from a
    group of six national informants can identify its speaker. ``people`` counts the distinct participants
    behind each cell (sources without a participant count once each).

    With a ``plan`` (cases being groups), each theme's cells are hidden wherever the plan hides the people
    who raised it (as in :func:`code_frequencies`, whose populations are registered too), and further where
    the plan decides for the people counted here.
    """
    _need(codings, ["source", "code", "start", "end"], "codings")
    _need(sources, ["source", case, "text"], "sources")
    who_col = "participant" if "participant" in sources.columns and case != "participant" else None
    cols = ["source", case, "text"] + ([who_col] if who_col else [])
    joined = prevalence_codings(codings).merge(sources[cols], on="source", how="inner")
    if themes is not None:
        joined = joined[joined["code"].isin(themes)]
    quotes = [
        str(text)[int(s) : int(e)].strip() if pd.notna(s) and isinstance(text, str) else ""
        for text, s, e in zip(joined["text"], joined["start"], joined["end"], strict=True)
    ]
    joined = joined.assign(quote=quotes, length=[len(q) for q in quotes])
    rows = []
    used: dict[object, set[str]] = {}
    for (who, theme), group in joined.groupby([case, "code"], sort=True):
        pick = _pick_quote(group, max_quote, used.setdefault(who, set()))
        if who_col:
            ids = group[who_col].where(
                group[who_col].notna() & (group[who_col] != ""), "source:" + group["source"]
            )
            people = ids.nunique()
        else:
            people = group["source"].nunique()
        rows.append({case: who, "theme": theme, "count": len(group), "people": people, "quote": pick})
    matrix = pd.DataFrame(rows, columns=[case, "theme", "count", "people", "quote"])
    if plan is not None:
        _, raised = register_code_populations(plan, codings, sources, case)
        theme_people = _theme_people(plan, joined, case, who_col, raised)
        return apply_plan(
            matrix, plan, {"people": theme_people}, by=[case, "theme"], output="framework matrix"
        )
    if min_n is None:
        return matrix
    return suppress(matrix, n_col="people", by=[case, "theme"], min_n=min_n)


def _pick_quote(group: pd.DataFrame, max_quote: int, used: set[str]) -> str:
    """The longest passage of ``group`` that fits ``max_quote`` (else the first, cut at a word), preferring one not
    in ``used`` (quotes already shown for the same case); the pick is added to ``used``."""
    fresh = group[~group["quote"].isin(used)]
    group = fresh if len(fresh) else group
    fits = group[group["length"] <= max_quote]
    pick = fits.loc[fits["length"].idxmax(), "quote"] if len(fits) else group["quote"].iloc[0]
    used.add(pick)
    if len(pick) > max_quote:
        pick = pick[:max_quote].rsplit(" ", 1)[0] + " …"
    return pick


def _theme_people(plan: PublicationPlan, joined: pd.DataFrame, case: str, who_col: str | None, raised):
    """Register, per theme, the people (or sources) the framework matrix counts, drawn from those who raised
    the code so that the matrix never shows a cell the frequencies hide."""
    ids = joined["source"].map(lambda s: f"source:{s}")
    if who_col:
        ids = joined[who_col].where(joined[who_col].notna() & (joined[who_col] != ""), ids)
    units = joined.assign(**{plan.id_col: ids})
    for theme, part in units.groupby("code", sort=True):
        parent = raised({"code": theme})
        plan.register(
            population_name("framework_matrix", by=case, theme=theme),
            part.drop_duplicates(plan.id_col)[[plan.id_col, case]],
            dims=(case,),
            parent=parent,
        )

    def population(row: dict) -> str:
        return population_name("framework_matrix", by=case, theme=row["theme"])

    return population


def framework_counts(matrix: pd.DataFrame, case: str = "participant") -> pd.DataFrame:
    """The framework matrix as a cases × themes grid of counts."""
    return matrix.pivot_table(index=case, columns="theme", values="count", fill_value=0, aggfunc="sum")


def distinctive_themes(
    codings: pd.DataFrame,
    sources: pd.DataFrame,
    group: str = "level",
    min_n: int = DEFAULT_MIN_N,
    min_difference: float = 0.2,
) -> pd.DataFrame:
    """Themes a group raises more than everyone else: the added value of asking that group.

    For each group and code: the share of the group's participants who raised it, the share of everyone else,
    the difference, and the smoothed log odds ratio (0.5 added to each cell, Haldane–Anscombe). ``distinctive``
    marks a difference of at least ``min_difference`` with a positive log odds ratio. Small groups are hidden,
    and so is any cell where between 1 and ``min_n`` − 1 people of a group raised the theme. Event notes are not
    counted as people.
    """
    _need(codings, ["source", "code"], "codings")
    _need(sources, ["source", "participant", group], "sources")
    people = _people(sources)
    joined = prevalence_codings(codings).merge(people[["source", "person", group]], on="source", how="inner")
    sizes = people.groupby(group)["person"].nunique()
    total = int(people["person"].nunique())
    raised = joined.groupby([group, "code"])["person"].nunique()
    everyone = joined.groupby("code")["person"].nunique()
    rows = []
    for g, n in sizes.items():
        for code in sorted(everyone.index):
            a = int(raised.get((g, code), 0))
            rest_n = total - int(n)
            b = int(everyone[code]) - a
            share, other = a / n, (b / rest_n if rest_n else np.nan)
            log_or = np.log(((a + 0.5) * (rest_n - b + 0.5)) / ((n - a + 0.5) * (b + 0.5)))
            rows.append(
                {
                    group: g,
                    "code": code,
                    "n": int(n),
                    "raised": a,
                    "share": share,
                    "share_others": other,
                    "difference": share - other,
                    "log_odds_ratio": float(log_or),
                }
            )
    table = pd.DataFrame(rows)
    if table.empty:
        return table
    table["distinctive"] = (table["difference"] >= min_difference) & (table["log_odds_ratio"] > 0)
    table = table.sort_values([group, "difference"], ascending=[True, False], ignore_index=True)
    table = suppress(table, n_col="n", by=[group], min_n=min_n, keep=["code"])
    # a theme raised by a handful of people in a large group would still point at them: hide that cell too
    few = table["raised"].notna() & (table["raised"] > 0) & (table["raised"] < min_n) & ~table[SUPPRESSED]
    if few.any():
        stats = ["raised", "share", "share_others", "difference", "log_odds_ratio", "distinctive"]
        for col in stats:  # as suppress() does: nullable types so a blank does not turn numbers into objects
            if table[col].dtype.kind in "iub":
                table[col] = table[col].astype("boolean" if table[col].dtype.kind == "b" else "Float64")
            table.loc[few, col] = pd.NA
        table.loc[few, SUPPRESSED] = True
        table.loc[few, REASON] = HIDDEN
    return table


def theme_map(cooc: pd.DataFrame, counts: pd.Series | None = None, min_c: float = 0.0) -> nx.Graph:
    """Co-occurrence network: codes as nodes (with their codings count), edges weighted by c-coefficient."""
    graph = nx.Graph()
    for row in cooc.itertuples(index=False):
        if row.c_coefficient > min_c:
            graph.add_edge(row.code_a, row.code_b, weight=float(row.c_coefficient), n12=int(row.n12))
            graph.nodes[row.code_a]["codings"] = int(row.n1)
            graph.nodes[row.code_b]["codings"] = int(row.n2)
    for code, n in counts.items() if counts is not None else []:
        graph.add_node(code, codings=int(n))
    return graph


def write_graphml(graph: nx.Graph, path: str | Path) -> Path:
    """Write ``graph`` as GraphML (opens in Gephi, Cytoscape or yEd), atomically; the theme map and networks."""
    from mindthegap.files import atomic_path

    path = Path(path)
    with atomic_path(path) as tmp:
        nx.write_graphml(graph, tmp)
    return path
