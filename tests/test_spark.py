"""The Spark engine (issue 6) in local mode: same results as the single-machine engine, and clear bad-input errors.

Reference for "identical": the single-machine path itself — the same ``process_frame`` run on the whole frame in
one process — compared value for value (exact equality, no tolerance) after matching rows on the id.
Skips cleanly where pyspark is not importable or ``java -version`` fails.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import pytest

pyspark = pytest.importorskip("pyspark")


def _java_works() -> bool:
    java = shutil.which("java")
    if java is None:
        return False
    try:
        return subprocess.run([java, "-version"], capture_output=True, timeout=60).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


pytestmark = [
    pytest.mark.spark,
    # pyspark 4.x warns about pandas 3 on every conversion; the results are checked exactly below
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
    pytest.mark.skipif(not _java_works(), reason="Java is not available (java -version failed)"),
]

from tests.conftest import run_cli  # noqa: E402
from tests.test_autocoder_context import make_context_files  # noqa: E402

from mindthegap.errors import ConfigurationError, InputError  # noqa: E402
from mindthegap.scale import spark as engine  # noqa: E402

# ---------------------------------------------------------------------------------------------- stand-in pipeline
# A small pipeline with the same contract as mindthegap.text.pipeline.process_frame, so the engine is tested on its
# own terms (batching, broadcasting, files, errors) whatever model the text layer ships.

WORDS = {
    "staff": "kind friendly caring helpful nurse staff lovely polite",
    "waiting": "wait waiting delay late hours queue slow appointment",
    "food": "food meal dinner tea breakfast cold tasty menu",
}
FILLER = ["the", "was", "and", "very", "a", "it", "I", "we", "ward", "visit", "service", "today", "my"]


def make_comments(n: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    vocab = np.array(sorted({w for ws in WORDS.values() for w in ws.split()} | set(FILLER)))
    lengths = rng.integers(3, 25, size=n)
    tokens = rng.choice(vocab, size=int(lengths.sum()))
    cuts = np.cumsum(lengths)[:-1]
    texts = [" ".join(chunk) for chunk in np.split(tokens, cuts)]
    return pd.DataFrame({"comment_id": np.arange(1, n + 1, dtype="int64"), "answer": texts})


def train_model():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import make_pipeline

    frame = make_comments(600, seed=7)
    y = np.column_stack([frame["answer"].str.contains("|".join(ws.split())) for ws in WORDS.values()]).astype(
        int
    )
    model = make_pipeline(TfidfVectorizer(), OneVsRestClassifier(LogisticRegression(max_iter=200)))
    model.fit(frame["answer"], y)
    model.labels_ = list(WORDS)
    return model


def stand_in_process(frame, *, model, text_col, id_col, redact, sentiment):
    text = frame[text_col]
    if not (text.isna() | text.map(lambda v: isinstance(v, str))).all():
        raise InputError("holds values that are not text", column=text_col)
    text = text.fillna("").astype(str)
    if redact:
        text = text.str.replace(r"\d", "#", regex=True)
    proba = model.predict_proba(text)
    out = pd.DataFrame({id_col: frame[id_col].to_numpy()})
    for j, label in enumerate(model.labels_):
        out[label] = (proba[:, j] >= 0.5).astype("int64")
    for j, label in enumerate(model.labels_):
        out[f"p_{label}"] = proba[:, j]
    if redact:
        out[text_col] = text.to_numpy()
    if sentiment:
        out["sentiment"] = np.where(text.str.contains("kind|lovely|tasty"), "positive", "neutral")
    return out


def stand_in_load(path: Path):
    model = joblib.load(path)
    if not hasattr(model, "labels_"):
        raise InputError("is not a coding model", path=path)
    return model


def stand_in_dump(model) -> bytes:
    # the stand-in is the test's own trusted model; the real pipeline never pickles (see test_model_files.py)
    import io

    buf = io.BytesIO()
    joblib.dump(model, buf)
    return buf.getvalue()


PIPE = engine.Pipeline(process=stand_in_process, load=stand_in_load, to_bytes=stand_in_dump)


# ---------------------------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def spark():
    # This test module is not importable on Spark's Python workers: ship its functions by value.
    from pyspark import cloudpickle

    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    session = engine.spark_session("local[2]", conf={"spark.sql.shuffle.partitions": "4"})
    yield session
    session.stop()


@pytest.fixture(scope="module")
def model_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("model") / "model.joblib"
    joblib.dump(train_model(), path)
    return path


def _apply(model_file, src, out, **kw):
    kw.setdefault("text_col", "answer")
    kw.setdefault("id_col", "comment_id")
    return engine.apply_model_spark(model_file, src, out, pipeline=PIPE, **kw)


def _local(model_file, frame, **kw):
    return stand_in_process(
        frame, model=stand_in_load(model_file), text_col="answer", id_col="comment_id",
        redact=kw.get("redact", False), sentiment=kw.get("sentiment", False),
    )  # fmt: skip


# ---------------------------------------------------------------------------------------------- identical results


@pytest.fixture(scope="module")
def real_model_file(tmp_path_factory) -> Path:
    """A real auto-coder (mindthegap.text.autocoder), trained small and fast on the synthetic comments."""
    autocoder = pytest.importorskip("mindthegap.text.autocoder")
    frame = make_comments(800, seed=11)
    labels = pd.DataFrame(
        {k: frame["answer"].str.contains("|".join(ws.split())).astype(int) for k, ws in WORDS.items()}
    )
    path = tmp_path_factory.mktemp("real") / "coder.mtgmodel"
    autocoder.AutoCoder(cv=3).fit(frame["answer"].tolist(), labels).save(path)
    return path


def with_personal_data(frame: pd.DataFrame) -> pd.DataFrame:
    """Sprinkle names, phone numbers and e-mail addresses so redaction has something to do."""
    frame = frame.copy()
    frame.loc[::7, "answer"] = frame.loc[::7, "answer"] + " thanks to Dr Patel"
    frame.loc[::11, "answer"] = "call me on 07700 900123 " + frame.loc[::11, "answer"]
    frame.loc[::13, "answer"] = frame.loc[::13, "answer"] + " jo.bloggs@example.org"
    frame.loc[::101, "answer"] = None
    return frame


#: the size of the engines' comparison, and the cuts it must cross: with 1,000-row Arrow batches (Spark) and
#: 3,000-row chunks (local), 8,000 rows make several local chunks (the last one short), two or more Spark
#: partitions and several Arrow batches in each, as 50,000 rows do at the engines' default sizes (10,000-row
#: batches, 50,000-row chunks) for Spark but not for the local engine, which reads them as one chunk
ENGINE_ROWS, ARROW_BATCH_ROWS, LOCAL_CHUNK_ROWS = 8_000, 1_000, 3_000


def test_cli_engines_local_and_spark_identical_across_chunks_batches_and_partitions(
    spark, real_model_file, tmp_path, monkeypatch
):
    """Must show (issue 6): `autocode apply --engine local` and `--engine spark` give identical output, however
    each engine cuts the file: several Parquet row groups, local chunks, Spark partitions and Arrow batches per
    partition (smaller cuts than the defaults, so 8,000 rows cross every kind of boundary 50,000 rows would).

    Reference: the single-machine engine's own output; every id, code, probability, redaction count and
    sentiment is compared exactly, row by row.
    """
    code_cli = pytest.importorskip("mindthegap.cli.autocode")
    from typer.testing import CliRunner

    from mindthegap.scale import local as local_engine

    chunks = []
    read_chunks = local_engine.read_chunks

    def small_chunks(path, columns, **kw):
        for chunk in read_chunks(path, columns, **{**kw, "chunk_rows": LOCAL_CHUNK_ROWS}):
            chunks.append(len(chunk[0]))
            yield chunk

    monkeypatch.setattr(local_engine, "read_chunks", small_chunks)
    batch_key = "spark.sql.execution.arrow.maxRecordsPerBatch"
    default_batch = spark.conf.get(batch_key)
    spark.conf.set(batch_key, str(ARROW_BATCH_ROWS))
    src = tmp_path / "comments.parquet"
    with_personal_data(make_comments(ENGINE_ROWS)).to_parquet(src, row_group_size=ENGINE_ROWS // 8)
    outputs, summaries = {}, {}
    try:
        for engine_name in ("local", "spark"):
            out = tmp_path / f"coded-{engine_name}.parquet"
            args = ["apply", str(real_model_file), str(src), "--text", "answer", "--id", "comment_id"]
            args += ["--out", str(out), "--redact", "--sentiment", "--engine", engine_name, "--json"]
            result = CliRunner().invoke(code_cli.app, args)
            assert result.exit_code == 0, (result.output, result.exception)
            outputs[engine_name] = pd.read_parquet(out)
            summaries[engine_name] = json.loads(result.stdout)
    finally:
        spark.conf.set(batch_key, default_batch)
    assert chunks == [3_000, 3_000, 2_000]  # the local engine crossed two chunk boundaries
    partitions = summaries["spark"]["partitions"]
    assert partitions >= 2 and ENGINE_ROWS / partitions > 2 * ARROW_BATCH_ROWS  # batches within partitions
    local, spark_out = outputs["local"], outputs["spark"]
    assert len(spark_out) == ENGINE_ROWS == summaries["local"]["rows"] == summaries["spark"]["rows"]
    assert list(spark_out["comment_id"]) == list(local["comment_id"])  # same order too
    pd.testing.assert_frame_equal(spark_out, local, check_exact=True, check_dtype=False)
    assert local["redacted_text"].str.contains("07700").sum() == 0
    assert not [p for p in tmp_path.iterdir() if ".partial" in p.name]


def test_csv_in_and_out_with_quoted_line_breaks(spark, model_file, tmp_path):
    """CSV with a BOM, quoted line breaks and a missing comment: same codes as the single-machine path."""
    frame = make_comments(300)
    frame.loc[5, "answer"] = "kind nurse,\nlovely staff"
    frame.loc[9, "answer"] = None
    src = tmp_path / "comments.csv"
    src.write_text(frame.to_csv(index=False), encoding="utf-8-sig")
    out = tmp_path / "coded.csv"
    summary = _apply(model_file, src, out, single_file=False)
    assert summary["rows"] == 300
    assert summary["layout"] == "folder of part files"
    parts = [pd.read_csv(p) for p in sorted(out.glob("part-*.csv"))]
    got = pd.concat(parts).sort_values("comment_id").reset_index(drop=True)
    want = _local(model_file, frame)
    for label in WORDS:
        assert (got[label].to_numpy() == want[label].to_numpy()).all()
        np.testing.assert_allclose(got[f"p_{label}"], want[f"p_{label}"], rtol=1e-15)
    # and as one CSV file, rows in input order, as the single-machine engine writes it
    one = tmp_path / "one.csv"
    assert _apply(model_file, src, one)["layout"] == "file"
    got_one = pd.read_csv(one)
    assert list(got_one["comment_id"]) == list(frame["comment_id"])
    assert (got_one["staff"].to_numpy() == want["staff"].to_numpy()).all()


def test_csv_output_is_neutralised_against_spreadsheet_formulas(spark, model_file, tmp_path):
    """Formula-like ids leave Spark's CSV with a leading quote, as the single-machine CSV does (issue 10 item 8);
    Parquet keeps them exactly."""
    frame = make_comments(40)
    frame["comment_id"] = [f'=HYPERLINK("x{i}")' if i % 2 else f"+{i}" for i in range(40)]
    src = tmp_path / "comments.parquet"
    frame.to_parquet(src, index=False)
    for kw in ({}, {"single_file": False}):
        out = tmp_path / f"coded{len(kw)}.csv"
        _apply(model_file, src, out, **kw)
        files = [out] if out.is_file() else sorted(out.glob("part-*.csv"))
        ids = pd.concat([pd.read_csv(f, dtype=str) for f in files])["comment_id"]
        expected = ["'" + v if v.startswith("=") else v for v in frame["comment_id"]]  # "+3" is a number
        assert sorted(ids) == sorted(expected)
    pq_out = tmp_path / "coded.parquet"
    _apply(model_file, src, pq_out)
    assert sorted(pd.read_parquet(pq_out)["comment_id"]) == sorted(frame["comment_id"])


def test_stand_in_parquet_round_trip_is_exact(spark, model_file, tmp_path):
    """Several partitions and batches: every value equals the single-machine value exactly."""
    frame = make_comments(20_000)
    src = tmp_path / "comments.parquet"
    frame.to_parquet(src, row_group_size=2_000)
    out = tmp_path / "coded.parquet"
    summary = _apply(model_file, src, out, redact=True, sentiment=True)
    assert summary["rows"] == 20_000
    got = pd.read_parquet(out)
    want = _local(model_file, frame, redact=True, sentiment=True)
    pd.testing.assert_frame_equal(got, want, check_exact=True, check_dtype=False)


def test_code_dataframe_inside_an_existing_session(spark, model_file):
    """The DataFrame API returns a lazy Spark DataFrame with the single-machine values."""
    frame = make_comments(2_000, seed=3)
    sdf = spark.createDataFrame(frame).repartition(3)
    coded = engine.code_dataframe(
        sdf, stand_in_load(model_file), text_col="answer", id_col="comment_id", pipeline=PIPE
    )
    got = coded.toPandas().sort_values("comment_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(got, _local(model_file, frame), check_exact=True, check_dtype=False)
    by_path = engine.code_dataframe(sdf, model_file, text_col="answer", id_col="comment_id", pipeline=PIPE)
    assert by_path.count() == 2_000


# ---------------------------------------------------------------------------------------------- bad input


@pytest.fixture
def small_input(tmp_path) -> Path:
    src = tmp_path / "small.parquet"
    make_comments(50).to_parquet(src)
    return src


@pytest.mark.parametrize(("kw", "expected"), [({"text_col": "comment"}, "no text column 'comment'"),
                                              ({"id_col": "ref"}, "no id column 'ref'")])  # fmt: skip
def test_missing_column_is_named_before_any_work(spark, model_file, small_input, tmp_path, kw, expected):
    out = tmp_path / "out.parquet"
    with pytest.raises(InputError, match=expected) as info:
        _apply(model_file, small_input, out, **kw)
    assert "'answer'" in str(info.value)  # the message lists the columns there are
    assert not out.exists()


def test_non_string_text_column_is_refused(spark, model_file, tmp_path):
    src = tmp_path / "numbers.parquet"
    pd.DataFrame({"comment_id": [1, 2, 3], "answer": [1.5, 2.0, 3.0]}).to_parquet(src)
    out = tmp_path / "out.parquet"
    with pytest.raises(InputError, match="holds double values, not text"):
        _apply(model_file, src, out)
    assert not out.exists()


def test_existing_output_is_never_overwritten(spark, model_file, small_input, tmp_path):
    out = tmp_path / "out.parquet"
    out.write_text("keep me")
    with pytest.raises(InputError, match="already exists"):
        _apply(model_file, small_input, out)
    assert out.read_text() == "keep me"


def test_model_that_cannot_be_loaded(spark, small_input, tmp_path):
    broken = tmp_path / "broken.joblib"
    broken.write_bytes(b"not a model at all")
    with pytest.raises(InputError, match="cannot be loaded as a mindthegap model"):
        _apply(broken, small_input, tmp_path / "out.parquet")
    with pytest.raises(InputError, match="model file not found"):
        _apply(tmp_path / "absent.joblib", small_input, tmp_path / "out.parquet")


def _fails_on_executors(payload: bytes):
    """A loader that works on the driver but not inside a Spark task, as a cluster missing a package would."""
    from pyspark import TaskContext

    if TaskContext.get() is not None:
        raise ImportError("no module named 'mindthegap' on this worker")
    from mindthegap.text.autocoder_file import autocoder_from_bytes

    return autocoder_from_bytes(payload)


def test_model_that_fails_on_the_executors_leaves_no_output(spark, real_model_file, small_input, tmp_path):
    """A model the driver loads but the workers cannot: a one-line error and no partial output."""
    real = engine.default_pipeline()
    pipe = engine.Pipeline(process=real.process, load=real.load, from_bytes=_fails_on_executors)
    out = tmp_path / "out.parquet"
    with pytest.raises(ConfigurationError, match="could not be loaded on the Spark executors") as info:
        engine.apply_model_spark(
            real_model_file, small_input, out, text_col="answer", id_col="comment_id", pipeline=pipe
        )
    assert "\n" not in str(info.value)
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if ".partial" in p.name]


def test_real_model_file_that_is_not_a_model(spark, small_input, tmp_path):
    pytest.importorskip("mindthegap.text.autocoder")
    broken = tmp_path / "broken.mtgmodel"
    broken.write_bytes(b"not a model at all")
    with pytest.raises(InputError, match="not a usable mindthegap model file"):
        engine.apply_model_spark(
            broken, small_input, tmp_path / "o.parquet", text_col="answer", id_col="comment_id"
        )


def test_a_crafted_pickle_never_runs_on_the_driver_or_the_workers(
    spark, real_model_file, small_input, tmp_path
):
    """The real pipeline refuses a pickle payload before Spark starts work; the marker never appears."""
    import pickle

    from tests.test_model_files import Payload

    marker = tmp_path / "ran"
    crafted = tmp_path / "crafted.mtgmodel"
    crafted.write_bytes(pickle.dumps(Payload(marker)))
    with pytest.raises(InputError, match="pickle"):
        engine.apply_model_spark(
            crafted, small_input, tmp_path / "o.parquet", text_col="answer", id_col="comment_id"
        )
    from mindthegap.text.autocoder_file import autocoder_from_bytes

    with pytest.raises(InputError, match="pickle"):  # what each worker would run on the broadcast bytes
        autocoder_from_bytes(crafted.read_bytes())
    assert not marker.exists()


def test_real_model_in_memory_travels_as_arrays(spark, real_model_file):
    """code_dataframe with a loaded auto-coder ships its model file's bytes; results equal the local engine's."""
    from mindthegap.text.autocoder import load_autocoder
    from mindthegap.text.pipeline import process_frame

    model = load_autocoder(real_model_file)
    frame = make_comments(300, seed=5)
    coded = engine.code_dataframe(spark.createDataFrame(frame), model, text_col="answer", id_col="comment_id")
    got = coded.toPandas().sort_values("comment_id").reset_index(drop=True)
    want = process_frame(frame, model=model, text_col="answer", id_col="comment_id")
    pd.testing.assert_frame_equal(got, want, check_exact=True, check_dtype=False)


def test_missing_input_and_unknown_types(spark, model_file, tmp_path):
    with pytest.raises(InputError, match="file not found"):
        _apply(model_file, tmp_path / "nowhere.parquet", tmp_path / "out.parquet")
    with pytest.raises(InputError, match="unsupported output type"):
        _apply(model_file, tmp_path / "nowhere.parquet", tmp_path / "out.xlsx")


@pytest.fixture(scope="module")
def context_files(tmp_path_factory):
    return make_context_files(tmp_path_factory.mktemp("context-cli"))


def test_spark_engine_gives_the_local_engine_s_result_with_context(context_files, tmp_path):
    """A model trained with context columns (tests/test_autocoder_context.py) codes a file alike on both engines.
    Reference: the local engine's own output, compared exactly (CSV in, so every context value is text). Here,
    beside the other Spark tests, so that one worker starts Spark's JVM for all of them."""
    folder, model_path, _new, _ = context_files
    outs = {}
    for which in ("local", "spark"):
        out = tmp_path / f"coded-{which}.csv"
        args = [
            "autocode",
            "apply",
            str(model_path),
            str(folder / "new.csv"),
            "--text",
            "Comment",
            "--id",
            "ID",
        ]
        args += ["--out", str(out), "--engine", which]
        done = run_cli(*args)
        assert done.returncode == 0, done.stderr
        outs[which] = pd.read_csv(out)
    pd.testing.assert_frame_equal(outs["spark"], outs["local"], check_exact=True)
