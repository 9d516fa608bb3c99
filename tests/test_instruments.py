"""Instrument files: shipped structure matches the published designs, user files load, bad files name the place."""

import pytest

from mindthegap.frameworks.instruments import (
    InstrumentFileError,
    available,
    load_instrument,
    load_instrument_file,
    load_wording,
    values_practice,
)


def test_nomad_structure_follows_finch_2018():
    """Reference: GUIDE.md §NoMAD (Finch et al. 2018): Part A 3 items 0–10; Part B 20 items, 4/4/7/5, B10 reversed."""
    nomad = load_instrument("nomad")
    parts = {i.id: i.part for i in nomad.items}
    assert [i for i, p in parts.items() if p == "A"] == ["A1", "A2", "A3"]
    assert all(nomad.scale_of(nomad.item(i)).max == 10 for i in ("A1", "A2", "A3"))
    counts = {c: len(v) for c, v in nomad.construct_items().items()}
    assert counts == {
        "coherence": 4,
        "cognitive_participation": 4,
        "collective_action": 7,
        "reflexive_monitoring": 5,
    }
    assert nomad.reverse_items == ["B10"]
    assert nomad.item("B10").subconstruct == "relational integration"
    agree = nomad.scales["agree5"]
    assert (agree.min, agree.max) == (1, 5)
    assert len(agree.missing) == 3
    assert agree.code_for("Not relevant to my role") is None
    assert agree.code_for("  strongly   AGREE ") == 5
    assert agree.code_for("4") == 4
    with pytest.raises(KeyError):
        agree.code_for("6")
    with pytest.raises(KeyError):
        agree.code_for("maybe")


def test_every_shipped_instrument_loads():
    for ident in available():
        if ident == "values_practice":
            continue
        ins = load_instrument(ident)
        assert ins.id == ident and ins.items
    cop = load_instrument("coproduction")
    assert len(cop.constructs) == 6 and all(len(v) == 2 for v in cop.construct_items().values())
    ef = load_instrument("event_feedback")
    assert ef.item("EF5").type == "text" and ef.item("EF5") not in ef.rating_items


def test_values_practice_is_generated_from_principles():
    ins = values_practice([("p1", "Dignity"), ("p2", "Choice")])
    assert [i.id for i in ins.items] == ["p1_value", "p1_practice", "p2_value", "p2_practice"]
    assert ins.construct_items() == {
        "value": ["p1_value", "p2_value"],
        "practice": ["p1_practice", "p2_practice"],
    }
    with pytest.raises(InstrumentFileError):
        values_practice([])


def test_user_instrument_file(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text(
        "id: mine\nname: My survey\nscales:\n  s: {min: 0, max: 4}\nitems:\n"
        "  - {id: Q1, label: One, construct: trust, scale: s}\n"
        "  - {id: Q2, label: Two, construct: trust, scale: s, reverse: true}\n",
        encoding="utf-8",
    )
    ins = load_instrument(str(path))
    assert ins.construct_items() == {"trust": ["Q1", "Q2"]} and ins.reverse_items == ["Q2"]


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("id: x\nname: X\nitems: []\n", "items"),
        ("id: x\nname: X\nscales:\n  s: {min: 1, max: 5}\nitems:\n  - {id: Q1}\n", "label"),
        ("id: x\nname: X\nscales:\n  s: {min: 1, max: 5}\nitems:\n  - {id: Q1, label: A, scale: t}\n", "'t'"),
        ("id: x\nname: X\nscales:\n  s: {min: 5, max: 1}\nitems:\n  - {id: Q1, label: A}\n", "min 5"),
        (
            "id: x\nname: X\nscales:\n  s: {min: 1, max: 5}\nitems:\n  - {id: Q1, label: A}\n  - {id: Q1, label: B}\n",
            "twice",
        ),
        ("id: [unclosed\n", "not valid YAML at line"),
    ],
)
def test_bad_instrument_files_say_where(tmp_path, text, needle):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InstrumentFileError) as err:
        load_instrument_file(path)
    assert needle in str(err.value) and str(path) in str(err.value)
    assert "\n" not in str(err.value)


def test_unknown_instrument_lists_known_ones():
    with pytest.raises(InstrumentFileError, match="nomad"):
        load_instrument("nomadic")


def test_full_wording_is_loaded_from_the_users_file(tmp_path):
    nomad = load_instrument("nomad")
    csv = tmp_path / "wording.csv"
    csv.write_text("item,wording\nB1,My own long wording for B1\n", encoding="utf-8-sig")
    assert load_wording(nomad, csv).item("B1").wording == "My own long wording for B1"
    yml = tmp_path / "wording.yaml"
    yml.write_text("B99: nope\n", encoding="utf-8")
    with pytest.raises(InstrumentFileError, match="'B99'"):
        load_wording(nomad, yml)


@pytest.mark.parametrize("ident", available())
def test_definition_rebuilds_the_same_instrument(ident):
    """What a study stores with its answers (the definition) parses back to an equal instrument."""
    from mindthegap.frameworks.instruments import instrument_definition, parse_instrument

    ins = load_instrument(ident, [("safety", "Safe care"), ("voice", "Voice")])
    assert parse_instrument(instrument_definition(ins), "stored") == ins
