"""``mindthegap autocode train`` / ``apply``: round trips, streaming outputs and one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from tests.conftest import missing_shared_data
from tests.test_autocoder import synthetic_corpus
from typer.testing import CliRunner

from mindthegap.cli.main import app
from mindthegap.errors import InputError

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "nhs-patient-feedback"
runner = CliRunner()


@pytest.fixture
def coded_csv(tmp_path):
    texts, Y = synthetic_corpus(200)
    frame = pd.DataFrame({"ID": range(len(texts)), "Comment": texts})
    for j, lab in enumerate(["Staff", "Waiting", "Parking"]):
        frame[lab] = Y[:, j]
    frame.loc[3, "Parking"] = None  # blank means 0
    frame.loc[5, "Comment"] = ""
    path = tmp_path / "coded.csv"
    frame.to_csv(path, index=False)
    labels = tmp_path / "CODES.txt"
    labels.write_text("Staff\nWaiting\nParking\n")
    return path, labels


def _train(path, labels, out):
    return runner.invoke(
        app,
        ["autocode", "train", str(path), "--text", "Comment", "--codes-file", str(labels), "--out", str(out)],
    )


def test_train_apply_round_trip_csv_and_parquet(coded_csv, tmp_path):
    path, labels = coded_csv
    model = tmp_path / "coder.mtgmodel"
    res = _train(path, labels, model)
    assert res.exit_code == 0, res.output
    assert model.is_file()

    new = pd.DataFrame(
        {
            "ID": ["a", "b", "c"],
            "Comment": ["car park was full, call 07700 900123", "the nurse was kind", None],
        }
    )
    new.to_parquet(tmp_path / "new.parquet", index=False)
    new.to_csv(tmp_path / "new.csv", index=False)
    for src, dst in (("new.parquet", "out.parquet"), ("new.csv", "out.csv")):
        res = runner.invoke(
            app,
            ["autocode", "apply", str(model), str(tmp_path / src), "--text", "Comment", "--id", "ID",
             "--out", str(tmp_path / dst), "--redact", "--sentiment"],
        )  # fmt: skip
        assert res.exit_code == 0, res.output
        out = pd.read_parquet(tmp_path / dst) if dst.endswith("parquet") else pd.read_csv(tmp_path / dst)
        assert list(out.columns[:7]) == [
            "ID",
            "Staff",
            "Waiting",
            "Parking",
            "p_Staff",
            "p_Waiting",
            "p_Parking",
        ]
        assert out["ID"].astype(str).tolist() == ["a", "b", "c"]
        assert out[["Staff", "Waiting", "Parking"]].to_numpy().tolist()[:2] == [[0, 0, 1], [1, 0, 0]]
        assert out.loc[0, "redacted_phone"] == 1 and "[PHONE]" in out.loc[0, "redacted_text"]
        assert out.loc[2, ["Staff", "Waiting", "Parking"]].sum() == 0
        assert set(out["sentiment"]) <= {1, 2, 3, 4, 5}
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".part")]


def test_bad_label_value_names_row_and_column(coded_csv, tmp_path):
    path, labels = coded_csv
    frame = pd.read_csv(path)
    frame["Waiting"] = frame["Waiting"].astype(object)
    frame.loc[6, "Waiting"] = "yes"
    frame.to_csv(path, index=False)
    res = _train(path, labels, tmp_path / "m.mtgmodel")
    assert res.exit_code != 0
    assert "row 8" in str(res.exception) and "'Waiting'" in str(res.exception)
    assert not (tmp_path / "m.mtgmodel").exists()


def test_missing_columns_and_mismatched_model(coded_csv, tmp_path):
    path, labels = coded_csv
    res = runner.invoke(
        app,
        [
            "autocode",
            "train",
            str(path),
            "--text",
            "Text",
            "--codes-file",
            str(labels),
            "--out",
            "x.mtgmodel",
        ],
    )
    assert "no column 'Text'" in str(res.exception)
    model = tmp_path / "coder.mtgmodel"
    assert _train(path, labels, model).exit_code == 0
    res = runner.invoke(
        app,
        [
            "code",
            "apply",
            str(model),
            str(path),
            "--text",
            "Body",
            "--id",
            "ID",
            "--out",
            str(tmp_path / "o.csv"),
        ],
    )
    assert "no column 'Body'" in str(res.exception)
    assert not (tmp_path / "o.csv").exists()
    bogus = tmp_path / "bogus.mtgmodel"
    bogus.write_bytes(b"\x00\x01junk")
    res = runner.invoke(
        app,
        [
            "code",
            "apply",
            str(bogus),
            str(path),
            "--text",
            "Comment",
            "--id",
            "ID",
            "--out",
            str(tmp_path / "o.csv"),
        ],
    )
    assert "not a usable mindthegap model file" in str(res.exception)


def test_mixed_encodings_are_read(tmp_path, coded_csv):
    path, labels = coded_csv
    raw = (
        path.read_bytes()
        .replace(b"overall", "café".encode())
        .replace(b"today", "£5 parking".encode("cp1252"))
    )
    path.write_bytes(raw)
    res = _train(path, labels, tmp_path / "m.mtgmodel")
    assert res.exit_code == 0, res.output


def test_cli_exit_code_and_one_line_error(tmp_path):
    """Through the real entry point: a user error prints one line and exits 2."""
    proc = subprocess.run(
        [sys.executable, "-m", "mindthegap.cli.main", "autocode", "apply", str(tmp_path / "none.mtgmodel"),
         str(tmp_path / "in.csv"), "--text", "t", "--id", "i", "--out", str(tmp_path / "o.csv")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1


def test_shared_data_subset(tmp_path):
    """Train on a subset of the real FFT data exactly as the issue writes the command."""
    src = DATA / "fft_v6_multilabel.csv"
    if not src.is_file():
        missing_shared_data("the shared NHS feedback data")
    frame = pd.read_csv(src)
    subset = frame[frame["split"] == "train"].head(800)
    data = tmp_path / "fft.csv"
    subset.to_csv(data, index=False)
    labels = ["Staff manner & personal attributes", "Timeliness of care", "Positive experience & gratitude"]
    (tmp_path / "CODES.txt").write_text("\n".join(labels) + "\n")
    res = runner.invoke(
        app,
        ["autocode", "train", str(data), "--text", "FFT answer", "--codes-file", str(tmp_path / "CODES.txt"),
         "--out", str(tmp_path / "m.mtgmodel")],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    res = runner.invoke(
        app,
        ["autocode", "apply", str(tmp_path / "m.mtgmodel"), str(data), "--text", "FFT answer", "--id", "Comment ID",
         "--out", str(tmp_path / "o.parquet")],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    out = pd.read_parquet(tmp_path / "o.parquet")
    assert len(out) == len(subset)
    assert np.isclose(out["p_Positive experience & gratitude"].between(0, 1).mean(), 1.0)


def test_queue_and_pipeline_chunk_invariance(coded_csv, tmp_path):
    """process_frame gives the same rows whether a corpus is processed whole or in chunks."""
    import json

    from mindthegap.text.autocoder import load_autocoder
    from mindthegap.text.pipeline import process_frame

    path, labels = coded_csv
    model_path = tmp_path / "coder.mtgmodel"
    assert _train(path, labels, model_path).exit_code == 0
    frame = pd.read_csv(path)
    model = load_autocoder(model_path)
    whole = process_frame(frame, model=model, text_col="Comment", id_col="ID", redact=True, sentiment=True)
    parts = pd.concat(
        [
            process_frame(
                frame.iloc[:77], model=model, text_col="Comment", id_col="ID", redact=True, sentiment=True
            ),
            process_frame(
                frame.iloc[77:], model=model, text_col="Comment", id_col="ID", redact=True, sentiment=True
            ),
        ],
        ignore_index=True,
    )
    pd.testing.assert_frame_equal(whole, parts)
    res = runner.invoke(
        app,
        [
            "code",
            "queue",
            str(model_path),
            str(path),
            "--text",
            "Comment",
            "--id",
            "ID",
            "--batch",
            "5",
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    assert len(json.loads(res.stdout)) == 5


def test_themes_command(tmp_path):
    import json

    from tests.test_themes import corpus

    texts, _ = corpus(80)
    path = tmp_path / "uncoded.csv"
    pd.DataFrame({"Comment": texts}).to_csv(path, index=False)
    res = runner.invoke(
        app,
        [
            "code",
            "themes",
            str(path),
            "--text",
            "Comment",
            "--k-min",
            "3",
            "--k-max",
            "5",
            "--n-boot",
            "3",
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["k"] == 4


def test_suggest_then_review_through_the_command_line(coded_csv, tmp_path):
    """Suggestions land unreviewed in a stored study; review lists them most sure first and records decisions
    all-or-nothing, naming the reviewer."""
    import json
    import sqlite3

    from tests.conftest import run_cli
    from tests.test_survey_study import STUDY

    from mindthegap.io.refiqda import write_project
    from mindthegap.model.qualitative import Code, Codebook, QualitativeProject, Source

    path, labels = coded_csv
    model = tmp_path / "coder.mtgmodel"
    assert _train(path, labels, model).exit_code == 0
    book = Codebook(name="FFT")
    for name in ("Staff", "Parking"):
        book.add(Code(name=name))
    texts = {
        "one": "car park was full [again]",
        "two": "the nurse was kind",
        "three": "the car park costs too much",
    }
    project = QualitativeProject(
        name="p", codebook=book, sources=[Source(name=k, text=v) for k, v in texts.items()]
    )
    write_project(project, tmp_path / "p.qdpx")
    (tmp_path / "study.yaml").write_text(STUDY, encoding="utf-8")
    db = str(tmp_path / "s.sqlite3")
    assert run_cli("--db", db, "study", "create", str(tmp_path / "study.yaml")).returncode == 0
    made = run_cli("--db", db, "qual", "import", str(tmp_path / "p.qdpx"), "--study", "riverside")
    assert made.returncode == 0, made.stderr

    done = run_cli("--db", db, "autocode", "suggest", str(model), "--study", "riverside", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"study": "riverside", "stored": 3, "awaiting_review": 3}
    listed = run_cli("--db", db, "autocode", "review", "--study", "riverside", "--json")
    rows = json.loads(listed.stdout)["suggestions"]
    assert {(r["source"], r["code"]) for r in rows} == {
        ("one", "Parking"),
        ("two", "Staff"),
        ("three", "Parking"),
    }
    assert [r["confidence"] for r in rows] == sorted((r["confidence"] for r in rows), reverse=True)
    shown = run_cli("--db", db, "autocode", "review", "--study", "riverside")
    assert "[again]" in shown.stdout  # source text is printed as text, not read as markup

    ids = {r["source"]: r["id"] for r in rows}
    bad = run_cli(
        "--db",
        db,
        "autocode",
        "review",
        "--study",
        "riverside",
        "--accept",
        str(ids["one"]),
        "--reject",
        "99999",
    )
    assert bad.returncode != 0 and "no unreviewed suggestion with id 99999" in bad.stderr
    assert len(bad.stderr.strip().splitlines()) <= 2  # one line and a hint, no traceback
    decided = run_cli(
        "--db", db, "autocode", "review", "--study", "riverside",
        "--accept", str(ids["one"]), "--reject", str(ids["two"]), "--reviewer", "Asha",
    )  # fmt: skip
    assert decided.returncode == 0, decided.stderr
    with sqlite3.connect(db) as con:
        statuses = dict(con.execute("SELECT id, status || '/' || reviewer FROM mtg_qual_coding").fetchall())
    assert statuses == {ids["one"]: "accepted/Asha", ids["two"]: "rejected/Asha", ids["three"]: "unreviewed/"}


def test_old_code_group_and_labels_file_still_work_with_notes(coded_csv, tmp_path):
    """``mindthegap code train --labels-file`` (the old spellings) trains the same model as ``autocode train
    --codes-file``, saying on stderr what each is now called; the JSON summary counts "codes" (and "labels")."""
    path, codes = coded_csv
    old = runner.invoke(
        app,
        ["code", "train", str(path), "--text", "Comment", "--labels-file", str(codes),
         "--out", str(tmp_path / "old.mtgmodel"), "--json"],
    )  # fmt: skip
    assert old.exit_code == 0, old.output
    assert "note: 'mindthegap code' is now called 'mindthegap autocode'" in old.stderr
    assert "note: --labels-file is now called --codes-file" in old.stderr
    summary = json.loads(old.stdout)
    assert summary["codes"] == summary["labels"] == 3
    new = runner.invoke(
        app,
        ["autocode", "train", str(path), "--text", "Comment", "--codes-file", str(codes),
         "--out", str(tmp_path / "new.mtgmodel"), "--json"],
    )  # fmt: skip
    assert new.exit_code == 0 and "note:" not in new.stderr
    assert json.loads(new.stdout)["codebook"] == summary["codebook"]
    missing = runner.invoke(app, ["autocode", "train", str(path), "--text", "Comment", "--out", "x.mtgmodel"])
    assert isinstance(missing.exception, InputError) and "--codes-file" in str(missing.exception)


def test_train_part_weight_default_or_given_and_out_of_range_refused(coded_csv, tmp_path):
    path, labels = coded_csv
    base = ["autocode", "train", str(path), "--text", "Comment", "--codes-file", str(labels), "--json"]
    fixed = runner.invoke(app, [*base, "--out", str(tmp_path / "a.mtgmodel"), "--part-weight", "0"])
    assert fixed.exit_code == 0, fixed.output
    summary = json.loads(fixed.output)
    assert summary["part_weight"] == 0.0 and summary["chosen"]["part_weight"] == 0.0
    default = runner.invoke(app, [*base, "--out", str(tmp_path / "b.mtgmodel")])
    assert json.loads(default.output)["part_weight"] == 0.5
    bad = runner.invoke(app, [*base, "--out", str(tmp_path / "c.mtgmodel"), "--part-weight", "1.5"])
    assert bad.exit_code != 0 and "--part-weight" in bad.output and "Traceback" not in bad.output
    assert not (tmp_path / "c.mtgmodel").exists()
