"""The single-machine engine (``scale/local.py``): Arrow CSV and Parquet in and out, chunked, same results.

Reference: ``process_frame`` run on the whole input at once in memory (the definition of the output), compared
value for value with what the engine writes for every format pair and for tiny chunks.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from tests.test_autocoder import synthetic_corpus

from mindthegap.errors import InputError
from mindthegap.scale.local import apply_model_local, read_chunks
from mindthegap.text.autocoder import AutoCoder
from mindthegap.text.pipeline import process_frame


@pytest.fixture(scope="module")
def model():
    texts, Y = synthetic_corpus(160)
    return AutoCoder(cv=3).fit(texts, Y, codes=["Staff", "Waiting", "Parking"])


@pytest.fixture
def comments():
    texts, _ = synthetic_corpus(57, seed=9)
    texts[3] = "car park was full,\nthen the nurse was kind"  # a quoted line break
    texts[4] = ""
    texts[5] = "café: “waited” four hours"
    return pd.DataFrame({"ID": [f"id{i}" for i in range(len(texts))], "Comment": texts})


def _read(path):
    return pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path, keep_default_na=False)


@pytest.mark.parametrize("src", ["csv", "parquet", "tsv"])
@pytest.mark.parametrize("dst", ["csv", "parquet"])
def test_every_format_pair_equals_the_in_memory_pipeline(model, comments, tmp_path, src, dst):
    path = tmp_path / f"in.{src}"
    if src == "parquet":
        comments.to_parquet(path, index=False)
    else:
        comments.to_csv(
            path, index=False, sep="\t" if src == "tsv" else ",", encoding="utf-8-sig"
        )  # with a BOM
    out = tmp_path / f"out.{dst}"
    summary = apply_model_local(model, path, out, text_col="Comment", id_col="ID", chunk_rows=10)
    assert summary["rows"] == len(comments) and summary["rows_empty"] == 1
    want = process_frame(comments, model=model, text_col="Comment", id_col="ID")
    got = _read(out)
    assert got["ID"].tolist() == want["ID"].tolist()
    for label in model.labels_:
        np.testing.assert_array_equal(got[label].to_numpy(), want[label].to_numpy())
        np.testing.assert_array_equal(got[f"p_{label}"].to_numpy(), want[f"p_{label}"].to_numpy())


def test_windows_1252_bytes_fall_back_to_the_slower_reader(tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_bytes("ID,Comment\n1,caf\u00e9 ok\n".encode() + b"2,cost \xa35 to park\n")
    frames = [f for f, _, _ in read_chunks(path, ["ID", "Comment"])]
    assert pd.concat(frames)["Comment"].tolist() == ["café ok", "cost £5 to park"]


def test_empty_input_still_writes_a_valid_output(model, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("ID,Comment\n", encoding="utf-8")
    for dst in ("csv", "parquet"):
        out = tmp_path / f"o.{dst}"
        assert apply_model_local(model, path, out, text_col="Comment", id_col="ID")["rows"] == 0
        assert list(_read(out).columns)[:2] == ["ID", "Staff"]


def test_bad_inputs_leave_no_output(model, tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("ID,Comment\n1,fine\n", encoding="utf-8")
    out = tmp_path / "o.csv"
    with pytest.raises(InputError, match="no column 'Text'"):
        apply_model_local(model, path, out, text_col="Text", id_col="ID")
    with pytest.raises(InputError, match=r"\.csv or \.parquet"):
        apply_model_local(model, path, tmp_path / "o.xlsx", text_col="Comment", id_col="ID")
    path.write_text("ID,Comment\n1,fine\n2,one,field too many\n", encoding="utf-8")
    with pytest.raises(InputError, match="cannot read as CSV"):
        apply_model_local(model, path, out, text_col="Comment", id_col="ID")
    assert not out.exists() and not list(tmp_path.glob(".o.csv*"))
