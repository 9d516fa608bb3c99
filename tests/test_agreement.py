"""Intercoder agreement against Krippendorff's published example, the krippendorff package and sklearn."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mindthegap.analysis.agreement import (
    agreement_by_code,
    agreement_table,
    character_units,
    cohen_kappa,
    krippendorff_alpha,
    percent_agreement,
)
from mindthegap.errors import InputError

N = np.nan
# Krippendorff (2011) "Computing Krippendorff's alpha-reliability", section C: 4 coders x 12 units with gaps
EXAMPLE = np.array(
    [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
        [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
    ]
).T


@pytest.mark.parametrize(
    ("level", "expected"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_published_example(level, expected):
    """Reference: Krippendorff's own worked example (published alphas to three decimals)."""
    assert round(krippendorff_alpha(EXAMPLE, level), 3) == expected


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_matches_krippendorff_package_with_missing(level, seed):
    """Reference: the independent `krippendorff` package on random data with 30% missing values."""
    krippendorff = pytest.importorskip("krippendorff")
    rng = np.random.default_rng(seed)
    data = rng.integers(1, 6, size=(200, 4)).astype(float)
    data[:, 1] = np.where(rng.random(200) < 0.6, data[:, 0], data[:, 1])  # some real agreement
    data[rng.random(data.shape) < 0.3] = np.nan
    expected = krippendorff.alpha(reliability_data=data.T, level_of_measurement=level)
    assert krippendorff_alpha(data, level) == pytest.approx(expected, abs=1e-10)


def test_measurement_keyword_and_its_old_name_level():
    """Reference: Krippendorff's published ordinal alpha (0.815) through the keyword ``measurement=``; the old
    keyword ``level=`` gives the same value with a DeprecationWarning, and the table names the column
    ``measurement`` (the word "level" is kept for the level of the system)."""
    assert round(krippendorff_alpha(EXAMPLE, measurement="ordinal"), 3) == 0.815
    with pytest.warns(DeprecationWarning, match="level= is now called measurement="):
        assert round(krippendorff_alpha(EXAMPLE, level="ordinal"), 3) == 0.815
    with pytest.warns(DeprecationWarning):
        table = agreement_table(pd.DataFrame(EXAMPLE), level="interval")
    assert table.loc[0, "measurement"] == "interval" and "level" not in table.columns
    assert round(table.loc[0, "krippendorff_alpha"], 3) == 0.849
    with pytest.raises(InputError, match="give measurement= only"):
        krippendorff_alpha(EXAMPLE, "nominal", level="ordinal")
    with pytest.raises(InputError, match="unknown level of measurement"):
        krippendorff_alpha(EXAMPLE, "circular")


def test_cohen_kappa_matches_sklearn():
    """Reference: sklearn.metrics.cohen_kappa_score."""
    from sklearn.metrics import cohen_kappa_score

    rng = np.random.default_rng(7)
    a = rng.choice(list("abcd"), 300)
    b = np.where(rng.random(300) < 0.5, a, rng.choice(list("abcd"), 300))
    assert cohen_kappa(a, b) == pytest.approx(cohen_kappa_score(a, b), abs=1e-12)


def test_percent_agreement_closed_form():
    """Reference: closed form — two coders agreeing on 3 of 4 units give 75%."""
    data = pd.DataFrame({"a": [1, 2, 3, 4], "b": [1, 2, 3, 1]})
    assert percent_agreement(data) == pytest.approx(0.75)


def test_table_states_unit_and_rejects_bad_values():
    table = agreement_table(pd.DataFrame(EXAMPLE), "interval", unit="sentence")
    assert table.loc[0, "unit"] == "sentence"
    assert table.loc[0, "pairable_units"] == 11
    with pytest.raises(InputError, match="not a number"):
        krippendorff_alpha(pd.DataFrame({"a": ["x", "y"], "b": ["x", "z"]}), "interval")
    with pytest.raises(InputError, match="unit of analysis"):
        agreement_table(pd.DataFrame(EXAMPLE), unit="page")


def test_by_code_counts_absence_as_judgement():
    """Reference: closed form — per-code presence tables checked against krippendorff_alpha directly."""
    codings = pd.DataFrame(
        {
            "unit_id": [1, 1, 2, 3, 3, 4],
            "coder": ["A", "B", "A", "A", "B", "B"],
            "code": ["trust", "trust", "trust", "time", "time", "trust"],
        }
    )
    table = agreement_by_code(codings, unit="segment", units=[1, 2, 3, 4])
    trust = table.set_index("code").loc["trust"]
    expected = krippendorff_alpha(pd.DataFrame({"A": [1, 1, 0, 0], "B": [1, 0, 0, 1]}))
    assert trust["krippendorff_alpha"] == pytest.approx(expected)
    assert set(table["code"]) == {"overall", "trust", "time"}
    assert (table["unit"] == "segment").all()


def test_character_units_expand_spans():
    spans = pd.DataFrame(
        {"source": ["s1", "s1"], "start": [0, 2], "end": [4, 4], "coder": ["A", "B"], "code": ["x", "x"]}
    )
    chars = character_units(spans, {"s1": 6})
    table = agreement_by_code(chars, unit="character", units=chars.attrs["units"])
    row = table.set_index("code").loc["x"]
    assert row["units"] == 6
    assert row["percent_agreement"] == pytest.approx(4 / 6)


def test_span_units_at_sentence_level():
    """Reference: closed form — coder B misses one of two sentences coded by A: 1 of 2 units agree."""
    from mindthegap.analysis.agreement import span_units
    from mindthegap.text.segmentation import sentences

    text = "Staff were kind. Nobody called back."
    units = pd.DataFrame(
        [(s.source, s.start, s.end) for s in sentences(text, "s1")], columns=["source", "start", "end"]
    )
    spans = pd.DataFrame(
        {
            "source": ["s1", "s1"],
            "start": [0, 3],
            "end": [36, 10],
            "coder": ["A", "B"],
            "code": ["care", "care"],
        }
    )
    coded = span_units(spans, units)
    table = agreement_by_code(coded, unit="sentence", units=coded.attrs["units"])
    row = table.set_index("code").loc["care"]
    assert row["units"] == 2 and row["unit"] == "sentence"
    assert row["percent_agreement"] == pytest.approx(0.5)


def test_cohen_kappa_compares_values_not_spellings():
    """Reference: sklearn.metrics.cohen_kappa_score on the same codes as numbers; 1.0 and 1 are one category."""
    from sklearn.metrics import cohen_kappa_score

    a = [1.0, 2.0, 3.0, 1.0, 2.0, 2.0, 3.0, 1.0]
    b = [1, 2, 3, 1, 2, 3, 3, 2]
    assert cohen_kappa(a, [float(v) for v in a]) == 1.0
    assert cohen_kappa(a, [int(v) for v in a]) == 1.0
    assert cohen_kappa(a, [str(int(v)) for v in a]) == 1.0
    assert cohen_kappa(a, b) == pytest.approx(cohen_kappa_score([int(v) for v in a], b), abs=1e-12)
    assert cohen_kappa(["yes", " no", "yes"], ["yes", "no", "no"]) == pytest.approx(
        cohen_kappa_score(["yes", "no", "yes"], ["yes", "no", "no"])
    )


def test_percent_agreement_with_three_coders_is_pairwise():
    """Closed form: a unit coded a, a, b by three coders has 6 ordered pairs of values, 2 of them agreeing; a
    unit coded c, c, c has 6 of 6. Pairwise agreement is 8/12, not the 1/2 of units on which all agree."""
    data = pd.DataFrame({"x": ["a", "c"], "y": ["a", "c"], "z": ["b", "c"]})
    assert percent_agreement(data) == pytest.approx(8 / 12)
