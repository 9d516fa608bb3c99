"""Model files that cannot run code (issue 10 item 6): JSON + arrays in a zip, everything else refused unopened.

Reference for "never executes": a pickle payload whose ``__reduce__`` creates a marker file. The test first shows
the payload is live (``pickle.loads`` on it does create a marker), then hands it to every loader in every disguise
— a plain pickle, the old joblib format with one extra key, an extra member in a real model file, an object array
declared in a real model's manifest — and asserts the marker never appears and the file is refused in one line.
Reference for the round trip: the fitted estimator's own predictions, compared exactly.
"""

from __future__ import annotations

import io
import json
import pickle
import zipfile
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import pytest
from tests.test_autocoder import synthetic_corpus
from typer.testing import CliRunner

from mindthegap.cli.main import app
from mindthegap.errors import InputError
from mindthegap.text.autocoder import AutoCoder, load_autocoder
from mindthegap.text.autocoder_file import autocoder_bytes, autocoder_from_bytes
from mindthegap.text.sentiment import SentimentModel

LABELS = ["Staff", "Waiting", "Parking"]
runner = CliRunner()


class Payload:
    """Unpickling this touches ``marker``: what an attacker's model file would do, harmlessly."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (Path(self.marker),))


@pytest.fixture(scope="module")
def fitted():
    texts, Y = synthetic_corpus(240)
    moods = (np.arange(len(texts)) % 5) + 1
    model = AutoCoder(cv=4, sentiment=SentimentModel()).fit(texts, Y, codes=LABELS, sentiment_labels=moods)
    return model, texts


@pytest.fixture
def model_file(fitted, tmp_path) -> Path:
    return fitted[0].save(tmp_path / "coder.mtgmodel")


def test_round_trip_predicts_identically(fitted, model_file):
    model, texts = fitted
    again = load_autocoder(model_file)
    np.testing.assert_array_equal(again.predict_proba(texts), model.predict_proba(texts))
    np.testing.assert_array_equal(again.predict(texts), model.predict(texts))
    np.testing.assert_array_equal(
        again.sentiment_model_.predict_proba(texts), model.sentiment_model_.predict_proba(texts)
    )
    assert again.labels_ == LABELS and again.codebook_ == model.codebook_
    # the sentiment parameter is a recipe; the file keeps the fitted sentiment_model_ instead
    assert again.get_params() == {**model.get_params(deep=False), "sentiment": None}
    from_bytes = autocoder_from_bytes(autocoder_bytes(model))
    np.testing.assert_array_equal(from_bytes.predict(texts), model.predict(texts))
    with zipfile.ZipFile(model_file) as zf:  # nothing but JSON and .npy members
        assert all(n == "manifest.json" or n.endswith(".npy") for n in zf.namelist())


def test_the_payload_is_live(tmp_path):
    """Guard for the tests below: unpickling the payload really does create the marker."""
    marker = tmp_path / "ran"
    pickle.loads(pickle.dumps(Payload(marker)))
    assert marker.exists()


def _crafted(kind: str, model_file: Path, marker: Path, tmp_path: Path) -> Path:
    path = tmp_path / f"{kind}.mtgmodel"
    if kind == "plain-pickle":
        path.write_bytes(pickle.dumps(Payload(marker)))
    elif kind == "old-joblib-with-extra-key":  # the old format: a real model and one extra key
        model = load_autocoder(model_file)
        joblib.dump(
            {"format": "mindthegap-autocoder/1", "model": model, "extra": Payload(marker)}, path, compress=3
        )
    elif kind == "extra-member":
        with zipfile.ZipFile(model_file) as src, zipfile.ZipFile(path, "w") as dst:
            for info in src.infolist():
                dst.writestr(info, src.read(info))
            dst.writestr("extra.pkl", pickle.dumps(Payload(marker)))
    elif kind == "object-array":
        with zipfile.ZipFile(model_file) as src, zipfile.ZipFile(path, "w") as dst:
            manifest = json.loads(src.read("manifest.json"))
            manifest["arrays"]["extra"] = {"dtype": "|O", "shape": [1]}
            for info in src.infolist():
                if info.filename != "manifest.json":
                    dst.writestr(info, src.read(info))
            dst.writestr("manifest.json", json.dumps(manifest))
            buf = io.BytesIO()
            arr = np.empty(1, dtype=object)
            arr[0] = Payload(marker)
            np.save(buf, arr, allow_pickle=True)
            dst.writestr("extra.npy", buf.getvalue())
    return path


@pytest.mark.parametrize(
    "kind", ["plain-pickle", "old-joblib-with-extra-key", "extra-member", "object-array"]
)
def test_crafted_files_never_execute_and_are_refused(kind, model_file, tmp_path):
    marker = tmp_path / "ran"
    crafted = _crafted(kind, model_file, marker, tmp_path)
    with pytest.raises(InputError, match="retrain") as info:
        load_autocoder(crafted)
    assert "\n" not in str(info.value)
    with pytest.raises(InputError, match="retrain"):
        autocoder_from_bytes(crafted.read_bytes())  # the Spark workers' loader
    assert not marker.exists()


@pytest.mark.parametrize("command", ["apply", "queue", "suggest"])
def test_every_command_refuses_a_crafted_file_without_running_it(command, model_file, tmp_path):
    marker = tmp_path / "ran"
    crafted = _crafted("old-joblib-with-extra-key", model_file, marker, tmp_path)
    comments = tmp_path / "c.csv"
    pd.DataFrame({"ID": [1, 2], "Comment": ["car park was full", "kind nurse"]}).to_csv(comments, index=False)
    cols = ["--text", "Comment", "--id", "ID"]
    args = {
        "apply": ["apply", str(crafted), str(comments), *cols, "--out", str(tmp_path / "o.csv")],
        "queue": ["queue", str(crafted), str(comments), *cols],
        "suggest": ["suggest", str(crafted), "--study", "nowhere"],
    }[command]
    res = runner.invoke(app, ["code", *args])
    assert res.exit_code != 0
    assert "pickle" in str(res.exception) and "retrain" in str(res.exception)
    assert not marker.exists()
    assert not (tmp_path / "o.csv").exists()


def _rewrite(model_file: Path, tmp_path: Path, change) -> Path:
    """A copy of a real model file with its manifest and arrays changed by ``change(manifest, arrays)``."""
    with zipfile.ZipFile(model_file) as src:
        manifest = json.loads(src.read("manifest.json"))
        arrays = {n[:-4]: np.load(io.BytesIO(src.read(n))) for n in src.namelist() if n.endswith(".npy")}
    change(manifest, arrays)
    path = tmp_path / "changed.mtgmodel"
    with zipfile.ZipFile(path, "w") as dst:
        dst.writestr("manifest.json", json.dumps(manifest))
        for name, arr in arrays.items():
            buf = io.BytesIO()
            np.save(buf, arr)
            dst.writestr(f"{name}.npy", buf.getvalue())
    return path


def _set(manifest, arrays, name, arr):
    arrays[name] = arr
    manifest["arrays"][name] = {"dtype": arr.dtype.str, "shape": list(arr.shape)}


CHANGES = {
    "unchanged": lambda m, a: None,
    "extra manifest key": lambda m, a: m.update(note="hello"),
    "extra parameter": lambda m, a: m["params"].update(evil=1),
    "missing key": lambda m, a: m.pop("fallback"),
    "wrong type": lambda m, a: m["params"].update(C="16"),
    "bool for int": lambda m, a: m["params"].update(cv=True),
    "other format version": lambda m, a: m.update(format_version=1),
    "labels not the codebook's": lambda m, a: m.update(labels=["Staff", "Waiting", "Cars"]),
    "coef as float64": lambda m, a: _set(m, a, "coef", a["coef"].astype(np.float64)),
    "coef wrong shape": lambda m, a: _set(m, a, "coef", a["coef"][:-1]),
    "idf not finite": lambda m, a: a["word_idf"].__setitem__(0, np.inf),
    "extra array": lambda m, a: _set(m, a, "bonus", np.zeros(3, dtype=np.float32)),
    "declared dtype differs": lambda m, a: m["arrays"]["intercept"].update(dtype="<f8"),
    "vocabulary repeats a term": lambda m, a: m["features"]["word_vocabulary"].insert(0, "staff"),
    "unknown learner": lambda m, a: m["params"].update(learner="forest"),
    "C grid not a list": lambda m, a: m["params"].update(C_grid=0.1),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_manifest_and_arrays_are_checked_strictly(change, fitted, model_file, tmp_path):
    path = _rewrite(model_file, tmp_path, CHANGES[change])
    if change == "unchanged":  # the rewriting itself keeps a usable file
        model, texts = fitted
        np.testing.assert_array_equal(load_autocoder(path).predict(texts), model.predict(texts))
        return
    with pytest.raises(InputError, match="retrain"):
        load_autocoder(path)


def test_json_with_duplicate_keys_or_nan_is_refused(model_file, tmp_path):
    with zipfile.ZipFile(model_file) as src:
        text = src.read("manifest.json").decode()
        members = {n: src.read(n) for n in src.namelist() if n != "manifest.json"}
    for bad in (
        text[:-1] + ', "fallback": true}',
        text.replace('"oof_macro_f1": ', '"oof_macro_f1": NaN, "x": '),
    ):
        path = tmp_path / "dup.mtgmodel"
        with zipfile.ZipFile(path, "w") as dst:
            dst.writestr("manifest.json", bad)
            for name, data in members.items():
                dst.writestr(name, data)
        with pytest.raises(InputError, match="retrain"):
            load_autocoder(path)


def test_other_files_are_refused_in_one_line(tmp_path):
    for name, data in {"text": b"not a model", "empty": b"", "zip-no-manifest": None}.items():
        path = tmp_path / f"{name}.mtgmodel"
        if data is None:
            with zipfile.ZipFile(path, "w") as zf:
                zf.writestr("readme.txt", "hello")
        else:
            path.write_bytes(data)
        with pytest.raises(InputError, match="not a usable mindthegap model file"):
            load_autocoder(path)
    with pytest.raises(InputError, match="not found"):
        load_autocoder(tmp_path / "missing.mtgmodel")


def test_files_from_before_the_choice_of_learner_still_load(fitted, model_file, tmp_path):
    """A file written before ``learner`` existed (no such parameter, an explicit C grid) loads as logistic.

    Reference: the weights stored in the file, which prediction uses whatever the learner was.
    """
    model, texts = fitted

    def older(manifest, arrays):
        manifest["params"].pop("learner")
        manifest["params"]["C_grid"] = [4.0, 16.0]

    again = load_autocoder(_rewrite(model_file, tmp_path, older))
    assert again.learner == "logistic" and again.C_grid == (4.0, 16.0)
    np.testing.assert_array_equal(again.predict(texts), model.predict(texts))
