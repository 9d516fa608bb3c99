"""Coding outputs checked against closed forms on small hand-built data."""

from __future__ import annotations

import networkx as nx
import pandas as pd
import pytest

from mindthegap.analysis.coding import (
    code_frequencies,
    cooccurrence,
    distinctive_themes,
    framework_counts,
    framework_matrix,
    theme_map,
    write_graphml,
)


def _data():
    texts = {
        f"s{i}": f"Participant {i} said staffing was short and supervision helped a lot." for i in range(40)
    }
    sources = pd.DataFrame(
        {
            "source": list(texts),
            "participant": [f"p{i}" for i in range(40)],
            "level": ["local_frontline"] * 25 + ["local_strategic"] * 12 + ["national"] * 3,
            "text": list(texts.values()),
        }
    )
    rows = []
    for i in range(40):
        rows.append({"source": f"s{i}", "code": "staffing", "start": 14, "end": 36, "status": "accepted"})
        if i < 25:  # only frontline staff talk about supervision
            rows.append(
                {"source": f"s{i}", "code": "supervision", "start": 25, "end": 60, "status": "accepted"}
            )
    rows.append({"source": "s0", "code": "machine", "start": 0, "end": 5, "status": "unreviewed"})
    return pd.DataFrame(rows), sources


def test_frequencies_by_level_suppress_small_groups():
    """Reference: closed form — proportions are participants raising a code over group size."""
    codings, sources = _data()
    table = code_frequencies(codings, sources, by="level", min_n=11)
    front = table[(table["level"] == "local_frontline") & (table["code"] == "supervision")].iloc[0]
    assert (front["n"], front["participants"], front["proportion"]) == (25, 25, 1.0)
    national = table[table["level"] == "national"]
    assert national["suppressed"].all() and national["proportion"].isna().all()
    assert "machine" not in set(table["code"])  # unreviewed suggestions are not findings


def test_cooccurrence_c_coefficient():
    """Reference: closed form c = n12 / (n1 + n2 - n12) = 25 / (40 + 25 - 25)."""
    codings, _ = _data()
    table = cooccurrence(codings)
    row = table.iloc[0]
    assert (row["code_a"], row["code_b"], row["n12"]) == ("staffing", "supervision", 25)
    assert row["c_coefficient"] == pytest.approx(25 / 40)


def test_framework_matrix_counts_and_quotes():
    codings, sources = _data()
    matrix = framework_matrix(codings, sources, case="level")
    cell = matrix[(matrix["level"] == "local_frontline") & (matrix["theme"] == "supervision")].iloc[0]
    assert cell["count"] == 25
    assert cell["quote"] == sources["text"].iloc[0][25:60].strip()
    grid = framework_counts(matrix, case="level")
    assert grid.loc["national", "supervision"] == 0


def test_distinctive_themes_flag_frontline_supervision():
    """Reference: closed form shares (25/25 vs 0/15) and the Haldane–Anscombe log odds ratio."""
    import math

    codings, sources = _data()
    table = distinctive_themes(codings, sources, group="level", min_n=11)
    row = table[(table["level"] == "local_frontline") & (table["code"] == "supervision")].iloc[0]
    assert row["difference"] == pytest.approx(1.0)
    assert row["log_odds_ratio"] == pytest.approx(math.log((25.5 * 15.5) / (0.5 * 0.5)))
    assert row["distinctive"]
    assert not table[table["code"] == "staffing"]["distinctive"].fillna(False).any()


def test_theme_map_graphml_round_trip(tmp_path):
    codings, _ = _data()
    graph = theme_map(cooccurrence(codings))
    path = write_graphml(graph, tmp_path / "themes.graphml")
    again = nx.read_graphml(path)
    assert again["staffing"]["supervision"]["weight"] == pytest.approx(25 / 40)


def _raised_by(people_per_level: dict[str, tuple[int, int]], notes: int = 0):
    """Sources for levels of (group size, people who raise 'waits'), plus event notes raising it."""
    sources, codings = [], []
    for level, (size, raising) in people_per_level.items():
        for i in range(size):
            sid = f"{level}-{i}"
            sources.append({"source": sid, "participant": sid, "level": level, "kind": "text"})
            codings.append({"source": sid, "code": "staffing", "start": 0, "end": 5})
            if i < raising:
                # two codings from one person: the cell counts people, not codings
                codings += [{"source": sid, "code": "waits", "start": a, "end": a + 5} for a in (0, 6)]
    for j in range(notes):
        level = next(iter(people_per_level))
        sources.append({"source": f"note-{j}", "participant": "", "level": level, "kind": "event_notes"})
        codings.append({"source": f"note-{j}", "code": "waits", "start": 0, "end": 5})
    return pd.DataFrame(codings), pd.DataFrame(sources)


@pytest.mark.parametrize(("raising", "shown"), [(10, False), (11, True)])
def test_a_code_shows_only_when_enough_people_raised_it(raising, shown):
    """Reference: the NHS Staff Survey rule (no cell under 11) applied per level × code, by hand."""
    from mindthegap.analysis.disclosure import assert_table_protected

    codings, sources = _raised_by({"local_frontline": (40, raising), "local_strategic": (30, 0)}, notes=3)
    table = code_frequencies(codings, sources, by="level", min_n=11)
    cell = table[(table["level"] == "local_frontline") & (table["code"] == "waits")].iloc[0]
    assert bool(cell["suppressed"]) is not shown
    if shown:
        # event notes neither count as people raising it nor swell the head count
        assert (cell["n"], cell["participants"], cell["codings"]) == (40, 11, 22)
    else:
        assert pd.isna(cell["participants"])
    everyone = code_frequencies(codings, sources, by="level", min_n=1)
    assert_table_protected(everyone, table, n_col="participants", by=["level", "code"], min_n=11)


def test_totals_do_not_give_away_a_hidden_cell():
    """Reference: closed form — All minus the shown parts must not leave a group of 1 to 10 people."""
    from mindthegap.analysis.disclosure import assert_table_protected
    from mindthegap.analysis.suppression import ALL

    codings, sources = _raised_by({"a": (40, 20), "b": (40, 15), "c": (20, 4)})
    table = code_frequencies(codings, sources, by="level", min_n=11).set_index(["level", "code"])
    assert table.loc[("c", "waits"), "suppressed"]  # 4 people: primary
    assert table.loc[("b", "waits"), "suppressed"]  # 15: hidden so that 39 − 20 does not reveal 4
    assert not table.loc[("a", "waits"), "suppressed"] and table.loc[(ALL, "waits"), "participants"] == 39
    assert table.loc[(ALL, "staffing"), "n"] == 100
    everyone = code_frequencies(codings, sources, by="level", min_n=1)
    assert_table_protected(
        everyone, table.reset_index(), n_col="participants", by=["level", "code"], min_n=11
    )


def test_distinctive_themes_hide_a_theme_raised_by_few_people_in_a_large_group():
    """Reference: by hand — 10 of 40 frontline staff raise 'waits', so that cell is not shown; 11 of 40 is."""
    for raising, hidden in ((10, True), (11, False)):
        codings, sources = _raised_by({"local_frontline": (40, raising), "local_strategic": (30, 0)}, notes=2)
        table = distinctive_themes(codings, sources, group="level", min_n=11)
        cell = table[(table["level"] == "local_frontline") & (table["code"] == "waits")].iloc[0]
        assert bool(cell["suppressed"]) is hidden
        assert cell["n"] == 40  # the event notes are not people
        if not hidden:
            assert cell["raised"] == 11 and cell["share"] == pytest.approx(11 / 40)


def test_framework_matrix_hides_cells_from_fewer_than_min_n_people_quotes_included():
    """A quote from a group of ten could identify its speaker: the cell is suppressed; eleven people show."""
    import pandas as pd

    from mindthegap.analysis.coding import framework_matrix

    sources, codings = [], []
    for level, people in (("national", 10), ("local_frontline", 11)):
        for i in range(people):
            sid = f"{level}-{i}"
            sources.append(
                {"source": sid, "participant": f"P-{sid}", "level": level, "text": "We share the plan now."}
            )
            codings.append({"source": sid, "code": "Collective action", "start": 0, "end": 22, "coder": "A"})
    matrix = framework_matrix(pd.DataFrame(codings), pd.DataFrame(sources), case="level", min_n=11)
    national = matrix[matrix["level"] == "national"].iloc[0]
    frontline = matrix[matrix["level"] == "local_frontline"].iloc[0]
    assert national["suppressed"] and pd.isna(national["quote"]) and pd.isna(national["count"])
    assert not frontline["suppressed"] and frontline["people"] == 11
    assert frontline["quote"] == "We share the plan now."
