"""The demo report's events, network and did-it-help sections: reach by discipline and service with a
discipline never reached, the network before and after as blocks (no individual), and association wording."""

from __future__ import annotations

import pytest

from mindthegap.report.context import ReportContext


@pytest.fixture(scope="module")
def sections(demo_study):
    from mindthegap.report.sections import did_it_help, events, network

    ctx = ReportContext(demo_study.study, dict(demo_study.evidence), n_boot=199, audience="aggregate")
    return {m.__name__.rsplit(".", 1)[1]: m.build(ctx) for m in (events, network, did_it_help)}


def test_reach_section_shows_disciplines_and_services_and_who_never_came(sections):
    reach = sections["events"]
    figure = next(b for b in reach.blocks if hasattr(b, "svg"))
    table = figure.table.data
    assert {"discipline", "service", "level"} <= set(table["dimension"])
    psychiatry = table[table["group_label"] == "Psychiatry"].iloc[0]
    assert psychiatry["attended"] == 0 and psychiatry["share"] == 0
    assert "Psychiatry" in figure.alt and any("never reached" in s for s in reach.summary)
    shown = table[~table["suppressed"].astype(bool)]
    assert (shown["attended"].dropna().isin([0]) | (shown["attended"].dropna() >= 11)).all()
    assert any("all five levels" in s for s in reach.summary)


def test_network_section_compares_waves_without_individuals(sections):
    net = sections["network"]
    figure = next(b for b in net.blocks if hasattr(b, "svg"))
    assert "No individual is shown" in figure.alt and "NM-" not in figure.svg
    assert figure.table.caption.startswith("The block matrix")  # the chart's lines as its data table
    per_block = next(
        b for b in net.blocks if getattr(b, "caption", "").startswith("Discipline × service blocks")
    )
    blocks = per_block.data
    assert {"Baseline (spring)", "Follow-up (autumn)"} == set(blocks["wave"])
    assert (blocks.loc[~blocks["suppressed"].astype(bool), "people"] >= 11).all()
    assert blocks.loc[blocks["suppressed"].astype(bool), "people"].isna().all()
    change = next(b for b in net.blocks if getattr(b, "caption", "").startswith("Change between"))
    assert set(change.data["measure"]) == {"density", "ei_discipline", "ei_service"}


def test_did_it_help_is_worded_as_association(sections):
    did = sections["did-it-help"] if "did-it-help" in sections else sections["did_it_help"]
    text = " ".join(b.text for b in did.blocks if hasattr(b, "text"))
    assert "association, not proof" in text
    figure = next(b for b in did.blocks if hasattr(b, "svg"))
    degree = figure.table.data.set_index("outcome").loc["degree"]
    assert degree["did"] > 0 and degree["ci_low"] > 0  # the demo's attendees gained cross-discipline ties
