"""One way per concern: the shared helpers the code now uses everywhere (hand-worked examples as reference)."""

from __future__ import annotations

import inspect

from mindthegap.analysis import bootstrap
from mindthegap.defaults import DEFAULT_N_BOOT, DEFAULT_SEED
from mindthegap.io import tables
from mindthegap.io.surveys import formats
from mindthegap.model.study import Study, Wave
from mindthegap.report.context import ReportContext


def test_waves_in_order_follows_order_not_listing():
    """Listed follow-up first; by hand the order is baseline (0), mid (1), follow-up (2), ties by id."""
    study = Study(
        id="s",
        name="S",
        waves=[Wave("follow", "Follow-up", 2), Wave("zmid", "Mid", 1), Wave("base", "Baseline", 0),
               Wave("amid", "Mid too", 1)],
    )  # fmt: skip
    assert [w.id for w in study.waves_in_order()] == ["base", "amid", "zmid", "follow"]
    assert [w.id for w in study.waves] == ["follow", "zmid", "base", "amid"]  # the listing is untouched


def test_defaults_are_named_once():
    assert (
        (bootstrap.DEFAULT_SEED, bootstrap.DEFAULT_N_BOOT)
        == (DEFAULT_SEED, DEFAULT_N_BOOT)
        == (20261122, 2000)
    )
    fields = inspect.signature(ReportContext).parameters
    assert fields["seed"].default == DEFAULT_SEED and fields["n_boot"].default == DEFAULT_N_BOOT
    assert formats.ENCODINGS is tables.ENCODINGS


def test_require_columns_names_the_first_missing_and_lists_the_rest():
    """By hand: of (a, z, y) in a table with a, b the first missing is z; 40 columns are listed as 30."""
    import pytest

    from mindthegap.errors import InputError, require_columns

    require_columns(["a", "b"], ["a"])  # all present: no error
    with pytest.raises(InputError) as caught:
        require_columns(["a", "b"], ["a", "z", "y"], path="f.csv", name_column=True)
    assert caught.value.detail == "no column 'z'" and caught.value.column == "z"
    assert caught.value.hint == "columns are: a, b"
    with pytest.raises(InputError) as many:
        require_columns([f"c{i}" for i in range(40)], ["x"])
    assert many.value.hint.count(",") == 29 and many.value.column is None
