"""Shipped codebooks have the published structure (counts from the cited papers) and load into the model."""

from __future__ import annotations

import pytest

from mindthegap.frameworks.codebooks import CODEBOOKS, count_codes, load_codebook, principles_codebook
from mindthegap.model.qualitative import Codebook


def test_cfir2_has_5_domains_48_constructs_19_subconstructs():
    """Reference: Damschroder et al. 2022 (Implement Sci 17:75) — 5 domains, 48 constructs, 19 subconstructs."""
    assert count_codes(load_codebook("cfir2")) == {0: 5, 1: 48, 2: 19}


def test_npt_four_constructs_with_four_components_each():
    """Reference: May & Finch 2009 — four constructs, each with four components."""
    tree = load_codebook("npt")
    assert [c["name"] for c in tree["codes"]] == [
        "Coherence",
        "Cognitive participation",
        "Collective action",
        "Reflexive monitoring",
    ]
    assert all(len(c["children"]) == 4 for c in tree["codes"])


def test_coproduction_and_cqc():
    """Reference: Boyle & Harris 2009 (six characteristics); CQC's five key questions."""
    assert count_codes(load_codebook("coproduction")) == {0: 6}
    assert [c["name"] for c in load_codebook("cqc")["codes"]] == [
        "Safe",
        "Effective",
        "Caring",
        "Responsive",
        "Well-led",
    ]


@pytest.mark.parametrize("name", CODEBOOKS)
def test_every_code_has_a_description_and_loads_into_the_model(name):
    tree = load_codebook(name)
    book = Codebook.from_tree(tree)
    assert len(book.codes) == sum(count_codes(tree).values())
    assert all(code.description for code in book.codes.values())
    assert book.history == []


def test_principles_codebook_and_copies_are_independent():
    tree = principles_codebook([("User-centred", "Care built around the person"), ("Safe", "")])
    book = Codebook.from_tree(tree)
    assert sorted(c.name for c in book.codes.values()) == ["Safe", "User-centred"]
    load_codebook("cqc")["codes"].clear()
    assert len(load_codebook("cqc")["codes"]) == 5
    with pytest.raises(KeyError, match="unknown codebook"):
        load_codebook("nope")


@pytest.mark.parametrize("name", CODEBOOKS)
def test_codes_hold_only_known_keys(name):
    """Guards against YAML flow mappings splitting a description at a comma into a stray key."""

    def walk(nodes):
        for node in nodes:
            assert set(node) <= {"name", "description", "children"}, node
            walk(node.get("children") or [])

    walk(load_codebook(name)["codes"])
