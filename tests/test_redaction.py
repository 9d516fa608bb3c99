"""Redaction of personal data: each type, the NHS modulus-11 check, offsets, and the labelled gold set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mindthegap.redaction import Redactor, nhs_number_valid, redact

GOLD = Path(__file__).resolve().parent / "data" / "redaction_gold.jsonl"


def test_nhs_number_check_digit():
    """Reference: the NHS Data Dictionary's worked example 943 476 5919 is valid; changing the last digit is not."""
    assert nhs_number_valid("9434765919")
    assert nhs_number_valid("943 476 5919")
    assert not nhs_number_valid("9434765918")
    assert not nhs_number_valid("123456789")


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Dr Patel was great", "NAME"),
        ("ask Nurse Jane please", "NAME"),
        ("my number 943 476 5919 was lost", "NHS_NUMBER"),
        ("ring 07700 900123 today", "PHONE"),
        ("ring +44 20 7946 0999 today", "PHONE"),
        ("write to a.b@example.org now", "EMAIL"),
        ("we are in NE1 4LP", "POSTCODE"),
        ("DOB: 01/02/1950", "DOB"),
        ("born on 3rd March 1961", "DOB"),
        ("at 12 Acacia Avenue", "ADDRESS"),
    ],
)
def test_each_type(text, kind):
    result = redact(text)
    assert result.counts == {kind: 1}
    assert f"[{kind}]" in result.text


def test_ordinary_text_untouched():
    for text in [
        "Waited 4 hours on 12/03/2024",
        "The nurse was lovely",
        "Number 1234567890 was wrong",
        "M1 closed",
    ]:
        assert redact(text).text == text


def test_roster_names_and_offsets():
    r = Redactor(["Aisha Begum"])
    text = "Aisha was brilliant and so was Dr Ahmed Khan; begum family thanks you"
    out = r(text)
    assert out.text == "[NAME] was brilliant and so was [NAME]; [NAME] family thanks you"
    assert out.counts == {"NAME": 3}
    # an offset after the tags maps back to the same word in the original text
    i = out.text.index("family")
    assert text[out.to_original(i) :].startswith("family")
    assert out.to_original(0) == 0


def test_gold_set_precision_recall():
    """Reference: hand-labelled synthetic gold spans (tests/data/redaction_gold.jsonl)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "bench_redaction", Path(__file__).resolve().parents[1] / "benchmarks" / "redaction.py"
    )
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    result = mod.evaluate(GOLD)
    assert result["texts"] == len(GOLD.read_text().splitlines()) - 1
    for kind, s in result["by_type"].items():
        assert s["recall"] >= 0.95, kind
        assert s["precision"] >= 0.95, kind
    assert json.loads(GOLD.read_text().splitlines()[0])["roster"]
