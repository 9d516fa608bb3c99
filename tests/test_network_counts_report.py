"""Network tie counts ("how many colleagues do you work with in each discipline and service", where names are
not collected) in the report's network section and the dashboard built from it: measures on blocks, and the
discipline × service block chart with the block matrix as its table, through the publication plan.

References: hand-worked small cases. Block A (nursing, adult) has 12 respondents who each count 2 colleagues in
A, 1 in B and 1 in C; block B (OT, adult) 12 respondents who each count 3 in B and 1 in A; block C (psychiatry,
older) is hidden. The chart joins A and B with 12 × 1 + 12 × 1 = 24 colleagues; the table lists A → A 24,
A → B 12, A's 12 colleagues in C pooled with other small blocks, B → A 12, B → B 36, and C with no counts. The
demo is checked against an independent count of respondents per block from its counts file and roster.
"""

from __future__ import annotations

import pandas as pd
import pytest

from mindthegap.report import charts
from mindthegap.report.sections.network_counts import OTHER, chart_inputs, matrix_table

A, B, C = ("nursing", "adult"), ("ot", "adult"), ("psychiatry", "older")


def _matrix() -> pd.DataFrame:
    rows = [
        ("w1", *A, *A, 12, 24, False),
        ("w1", *A, *B, 12, 12, False),
        ("w1", *A, *C, 12, 12, False),
        ("w1", *B, *A, 12, 12, False),
        ("w1", *B, *B, 12, 36, False),
        ("w1", *C, *A, None, None, True),
    ]
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


def test_chart_inputs_worked_by_hand():
    blocks, edges = chart_inputs(_matrix(), ["w1", "w2"])
    assert blocks[["discipline", "service", "suppressed"]].values.tolist() == [
        ["nursing", "adult", False],
        ["ot", "adult", False],
        ["psychiatry", "older", True],
    ]
    assert list(edges) == ["w1"]
    assert edges["w1"].to_dict("records") == [{"a": A, "b": B, "ties": 24}]  # hidden C takes no part


def test_block_matrix_table_worked_by_hand():
    table = matrix_table(_matrix(), {"nursing": "Nursing"}, visible={A, B})
    shown = table[~table["suppressed"]]
    got = [(r.from_discipline, r.to_discipline, r.to_service, int(r.ties)) for r in shown.itertuples()]
    assert got == [
        ("Nursing", "Nursing", "adult", 24),
        ("Nursing", "ot", "adult", 12),
        ("Nursing", OTHER, "", 12),
        ("ot", "Nursing", "adult", 12),
        ("ot", "ot", "adult", 36),
    ]
    (hidden,) = table[table["suppressed"]].itertuples()
    assert (hidden.from_discipline, hidden.to_discipline, hidden.respondents, hidden.ties) == (
        "psychiatry",
        "",
        None,
        None,
    )


@pytest.fixture(scope="module")
def section(demo_study):
    from mindthegap.report.context import ReportContext
    from mindthegap.report.sections import network

    ctx = ReportContext(demo_study.study, dict(demo_study.evidence), n_boot=50, audience="full")
    return ctx, network.build(ctx)


def test_demo_counts_figure_never_shows_a_block_under_the_threshold(section, demo_study):
    ctx, built = section
    figure = next(b for b in built.blocks if getattr(b, "title", "").startswith("Colleagues counted between"))
    table = figure.table.data
    names = {**{d.id: d.name for d in ctx.study.disciplines}, **{s.id: s.name for s in ctx.study.services}}
    wave_names = {w.id: w.name for w in ctx.study.waves}
    roster = ctx.roster()
    counts = demo_study.evidence["network_tie_counts"].merge(
        roster, on="participant_id", suffixes=("", "_own")
    )
    respondents = counts.groupby(["wave", "discipline_own", "service_own"])["participant_id"].nunique()
    small = respondents[respondents < ctx.min_n]
    assert len(small) and len(respondents[respondents >= ctx.min_n])  # both exist: the test can fail
    for wave, d, s in small.index:
        rows = table[(table["wave"] == wave_names[wave]) & (table["from_discipline"] == names[d])
                     & (table["from_service"] == names[s])]  # fmt: skip
        assert rows["ties"].isna().all() and (rows["to_discipline"] == "").all()
    shown = table[~table["suppressed"].astype(bool)]
    assert len(shown) and (pd.to_numeric(shown["respondents"]) >= ctx.min_n).all()
    block_size = roster.groupby(["discipline", "service"]).size()
    sizes = {(names[d], names[s]): n for (d, s), n in block_size.items()}
    named = shown[shown["to_discipline"] != OTHER]
    assert all(
        sizes[(d, s)] >= ctx.min_n for d, s in zip(named["to_discipline"], named["to_service"], strict=True)
    )
    assert (shown["to_discipline"] == OTHER).any()  # small blocks named by respondents are pooled
    assert "No individual is shown" in figure.alt and "<svg" in figure.svg


def test_demo_counts_measures_and_summary(section):
    _, built = section
    table = next(b for b in built.blocks if getattr(b, "caption", "").startswith("Colleagues counted across"))
    everyone = table.data[table.data["attribute"] == "All"]
    assert len(everyone) == 2 and (everyone["respondents"] >= 11).all()
    assert any(s.startswith("Counting colleagues by discipline and service") for s in built.summary)


def test_block_chart_text_stays_inside_the_figure(section, monkeypatch):
    from mindthegap.report.sections.network import _block_chart

    clipped: list[str] = []
    keep = charts.to_svg

    def measuring(fig):
        clipped.extend(charts.outside(fig))
        return keep(fig)

    monkeypatch.setattr(charts, "to_svg", measuring)
    blocks, edges = chart_inputs(_matrix(), ["w1"])
    _block_chart(blocks, edges, ["nursing", "ot", "psychiatry"], {"adult": "Working-age adults: community"})
    assert clipped == []


@pytest.mark.django_db
def test_tie_counts_are_stored_and_read_back_with_the_study():
    from collect_fixtures import small_study
    from mindthegap.store.evidence import load_all, save_all

    study = small_study("counts")
    counts = pd.DataFrame(
        [
            {
                "wave": "w1",
                "participant_id": "P-001",
                "discipline": "nursing",
                "service": "adult",
                "count": 3,
            },
            {"wave": "w2", "participant_id": "P-002", "discipline": "ot", "service": "older", "count": 1},
        ]
    )
    save_all(study, {"network_tie_counts": counts})
    _, evidence = load_all("counts")
    assert evidence["network_tie_counts"].to_dict("records") == counts.to_dict("records")


def test_demo_named_ties_figure_holds_the_block_matrix(section, demo_study):
    """The named-ties chart's data table is its block matrix: the ties between each pair of shown blocks (and
    within each), counted again here independently from the raw nominations with NetworkX (an undirected tie
    between two consenting people, counted once); no hidden block appears in it."""
    import networkx as nx

    ctx, built = section
    figure = next(b for b in built.blocks if getattr(b, "title", "").startswith("Ties between discipline"))
    table = figure.table.data
    assert list(table.columns[:6]) == [
        "wave",
        "a_discipline",
        "a_service",
        "b_discipline",
        "b_service",
        "ties",
    ]
    roster = ctx.roster().set_index("participant_id")
    names = {**{d.id: d.name for d in ctx.study.disciplines}, **{s.id: s.name for s in ctx.study.services}}
    wave = ctx.study.waves_in_order()[0]
    ties = demo_study.evidence["network_ties"]
    ties = ties[(ties["wave"] == wave.id) & ties["alter_id"].notna()]
    graph = nx.Graph(list(zip(ties["participant_id"], ties["alter_id"], strict=True)))
    block = {p: (names[roster.at[p, "discipline"]], names[roster.at[p, "service"]])
             for p in graph.nodes if p in roster.index}  # fmt: skip
    expected: dict[tuple, int] = {}
    for a, b in graph.edges():
        if a not in block or b not in block:  # someone not in the roster: in no block the chart shows
            continue
        key = tuple(sorted((block[a], block[b])))
        expected[key] = expected.get(key, 0) + 1
    rows = table[table["wave"] == wave.name]
    assert len(rows) >= 5  # the test can fail: the matrix is not empty
    for r in rows.itertuples():
        key = tuple(sorted(((r.a_discipline, r.a_service), (r.b_discipline, r.b_service))))
        assert r.ties == expected[key], key
    size = roster.groupby(["discipline", "service"]).size()
    small = {(names[d], names[s]) for (d, s), n in size.items() if n < ctx.min_n}
    listed = set(zip(rows["a_discipline"], rows["a_service"], strict=True)) | set(
        zip(rows["b_discipline"], rows["b_service"], strict=True)
    )
    assert not listed & small
    per_block = [
        b for b in built.blocks if getattr(b, "caption", "").startswith("Discipline × service blocks")
    ]
    assert per_block  # the per-block table follows the figure
