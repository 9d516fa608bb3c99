"""Run the text pipeline over a Spark DataFrame: the same ``process_frame`` as the single-machine engine.

Two entry points:

- :func:`apply_model_spark` — file in, file out (Parquet or CSV), as ``mindthegap autocode apply --engine spark``
  uses it: checks the input, the columns and the model *before* any work, writes to a hidden sibling folder and
  renames it into place, so a failed run never leaves partial output at the destination;
- :func:`code_dataframe` — Spark DataFrame in, Spark DataFrame out, for use inside an existing session (a notebook
  on a managed Spark platform).

Each batch of rows goes through ``mindthegap.text.pipeline.process_frame`` inside ``mapInPandas``. The model
file's bytes (a zip of JSON and NumPy arrays, never a pickle: see :mod:`mindthegap.text.modelfile`) are broadcast
once; each Python worker checks and loads them once and keeps the loaded model for every later
batch. The pipeline works row by row with a fitted model, so how Spark cuts the data into batches cannot change
a prediction: the results equal the single-machine engine's for the same model and input.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import tempfile
import time
import uuid
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow as pa

from mindthegap.errors import ConfigurationError, InputError, MindTheGapError
from mindthegap.files import atomic_path, atomic_write_text
from mindthegap.io.tables import ChunkedWriter, neutralise_formulas
from mindthegap.scale.sparkfiles import (
    HadoopFiles,
    as_uri,
    is_local,
    local_path,
    merge_parts,
    read_input,
    spread,
    table_kind,
    write_output,
)

if TYPE_CHECKING:  # pyspark is an optional extra
    from pyspark.sql import DataFrame as SparkDataFrame
    from pyspark.sql import SparkSession

#: Rows per Arrow batch handed to the pipeline: large enough that per-batch overhead vanishes, small enough
#: that a batch of long comments stays well inside a worker's memory.
DEFAULT_BATCH_ROWS = 10_000

# Marks an error raised inside a Spark task so the driver can turn it back into a one-line message.
_ERROR_MARK = "MINDTHEGAP-ERROR::"
_LOAD_MARK = "MINDTHEGAP-MODEL-LOAD::"

_PANDAS_WARNING = "PySpark does not yet fully support pandas"

_LOG4J2 = """\
status = error
rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n
"""


# --------------------------------------------------------------------------------------------- session


def _require_pyspark() -> None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise ConfigurationError(
            "the Spark engine needs pyspark, which is not installed",
            hint='install it with: pip install "mindthegap[spark]" (Java 17 or later is also needed)',
        ) from None


def _quiet_log4j_file() -> str:
    """A log4j2 file that shows errors only, so a run prints our progress rather than Spark's chatter."""
    path = Path(tempfile.gettempdir()) / "mindthegap-spark-log4j2.properties"
    if not path.exists() or path.read_text() != _LOG4J2:
        atomic_write_text(path, _LOG4J2)  # sessions starting together never read half a file
    return str(path)


def spark_session(
    master: str | None = None,
    *,
    app_name: str = "mindthegap",
    driver_memory: str | None = None,
    conf: Mapping[str, str] | None = None,
) -> SparkSession:
    """Return the active Spark session, or start one on ``master`` (``local[*]`` when not given).

    ``master`` takes ``local[N]``, ``local[*]``, ``spark://host:7077``, ``yarn`` or ``k8s://…``. An already running
    session (for example a notebook's) is reused when ``master`` is not given or matches it. ``driver_memory``
    (e.g. ``"4g"``) matters in local mode, where the driver does all the work; it defaults to the environment
    variable ``MINDTHEGAP_SPARK_DRIVER_MEMORY`` or 2g.
    """
    _require_pyspark()
    from pyspark.sql import SparkSession

    warnings.filterwarnings("ignore", message=_PANDAS_WARNING, category=FutureWarning)
    active = SparkSession.getActiveSession()
    if active is not None:
        running = active.conf.get("spark.master", None)
        if master is not None and running is not None and running != master:
            raise ConfigurationError(
                f"a Spark session is already running on {running}, not {master}",
                hint="leave out --master to use the running session, or stop it first",
            )
        return active
    log4j = f"-Dlog4j2.configurationFile=file:{_quiet_log4j_file()}"
    builder = (
        SparkSession.builder.appName(app_name)
        .master(master or "local[*]")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config(
            "spark.driver.memory", driver_memory or os.environ.get("MINDTHEGAP_SPARK_DRIVER_MEMORY", "2g")
        )
        .config("spark.driver.extraJavaOptions", log4j)
        .config("spark.executor.extraJavaOptions", log4j)
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", str(DEFAULT_BATCH_ROWS))
        .config("spark.sql.session.timeZone", "UTC")
        # Python workers stay alive between tasks, so each loads the model once, not once per task
        .config("spark.python.worker.reuse", "true")
        .config("spark.executorEnv.PYTHONWARNINGS", f"ignore:{_PANDAS_WARNING}:FutureWarning")
    )
    for key, value in (conf or {}).items():
        builder = builder.config(key, value)
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # Java missing or the master unreachable: both are the user's to fix
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ConfigurationError(
            f"cannot start Spark on {master or 'local[*]'} ({first})",
            hint="check that Java 17 or later is installed (java -version) and the --master URL is right",
        ) from None
    spark.sparkContext.setLogLevel("ERROR")
    return spark


# --------------------------------------------------------------------------------------------- pipeline hooks


@dataclass(frozen=True)
class Pipeline:
    """The two functions the engine needs from ``mindthegap.text``: how to code a frame, how to load a model.

    ``process(frame, *, model, text_col, id_col, redact, sentiment) -> DataFrame`` and ``load(path) -> model``;
    optionally ``from_bytes(file bytes) -> model`` (else the bytes go through a temporary file and ``load``) and
    ``to_bytes(model) -> file bytes``, which lets :func:`code_dataframe` take a model already in memory.
    All must be importable on the executors (module-level functions of an installed package).
    """

    process: Callable[..., pd.DataFrame]
    load: Callable[[Path], Any]
    from_bytes: Callable[[bytes], Any] | None = None
    to_bytes: Callable[[Any], bytes] | None = None

    def loader(self) -> Callable[[bytes], Any]:
        """How a worker turns the broadcast bytes into a model."""
        return self.from_bytes or functools.partial(_load_from_bytes, load=self.load)


def default_pipeline() -> Pipeline:
    """The real text pipeline: ``text.pipeline.process_frame`` and the auto-coder's model loader."""
    from mindthegap.text import autocoder_file, pipeline

    return Pipeline(
        process=pipeline.process_frame,
        load=autocoder_file.load_autocoder,
        from_bytes=autocoder_file.autocoder_from_bytes,
        to_bytes=autocoder_file.autocoder_bytes,
    )


def _load_from_bytes(payload: bytes, load: Callable[[Path], Any]) -> Any:
    """Load a model from its file's bytes with the usual loader (which checks version and codebook)."""
    fd, tmp = tempfile.mkstemp(prefix="mindthegap-model-", suffix=".mtgmodel")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
        return load(Path(tmp))
    finally:
        Path(tmp).unlink(missing_ok=True)


# One loaded model per Python worker process, kept across tasks (workers are reused); keyed by the digest of
# the model bytes so a new model in the same session is loaded afresh.
_WORKER_MODELS: dict[str, Any] = {}


@dataclass
class _CodeBatches:
    """The function ``mapInPandas`` runs on each partition. Picklable: it travels to every executor."""

    token: str
    payload: Any  # a Broadcast of the model bytes, or the bytes themselves where broadcasting is unavailable
    from_bytes: Callable[[bytes], Any]
    process: Callable[..., pd.DataFrame]
    text_col: str
    id_col: str
    redact: bool
    sentiment: bool
    columns: list[str]
    dtypes: dict[str, str]
    rows: Any = None  # accumulator counting coded rows, when the session has one
    neutralise: bool = False  # CSV output: text a spreadsheet would run as a formula gets a leading quote

    def model(self) -> Any:
        model = _WORKER_MODELS.get(self.token)
        if model is None:
            payload = self.payload if isinstance(self.payload, bytes) else self.payload.value
            try:
                model = self.from_bytes(payload)
            except Exception as exc:
                raise RuntimeError(f"{_LOAD_MARK}{type(exc).__name__}: {exc}".replace("\n", " ")) from exc
            _WORKER_MODELS.clear()  # keep one model: a worker's memory is for data
            _WORKER_MODELS[self.token] = model
        return model

    def coded(self, batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        model = self.model()
        for batch in batches:
            try:
                out = self.process(
                    batch,
                    model=model,
                    text_col=self.text_col,
                    id_col=self.id_col,
                    redact=self.redact,
                    sentiment=self.sentiment,
                )
            except MindTheGapError as exc:
                raise RuntimeError(f"{_ERROR_MARK}{exc}".replace("\n", " ")) from exc
            if self.neutralise:
                out = neutralise_formulas(out)
            out = out[self.columns]
            for name, dtype in self.dtypes.items():
                if str(out[name].dtype) != dtype:
                    out[name] = out[name].astype(dtype)
            if self.rows is not None:
                self.rows.add(len(out))
            yield out

    def __call__(self, batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        yield from self.coded(batches)


_PART_SCHEMA = "file string, rows long"


@dataclass
class _WriteParts(_CodeBatches):
    """Local mode: each task writes its own part file with Arrow and hands Spark only the file name and count.

    Turning ~80 output columns into JVM rows and writing them through Spark's Parquet writer cost as much as the
    model itself; writing from Python, as the single-machine engine does, removes that. The driver keeps only the
    files named by successful tasks, so a retried task cannot leave a duplicate.
    """

    folder: str = ""
    kind: str = "parquet"

    def __call__(self, batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        from pyspark import TaskContext

        ctx = TaskContext.get()
        part = ctx.partitionId() if ctx is not None else 0
        path = Path(self.folder) / f"part-{part:05d}-{uuid.uuid4().hex[:8]}.{self.kind}"
        rows = 0
        try:
            # a CSV part is pandas' text appended chunk by chunk; the Parquet writer then writes nothing
            with path.open("wb") as fh, ChunkedWriter(fh, kind="parquet") as parquet:
                for out in self.coded(batches):
                    if self.kind == "parquet":
                        parquet.write(out)
                    else:
                        fh.write(out.to_csv(index=False, header=rows == 0).encode("utf-8"))
                    rows += len(out)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        if rows == 0:
            path.unlink(missing_ok=True)
            return
        yield pd.DataFrame({"file": [path.name], "rows": [rows]})


# --------------------------------------------------------------------------------------------- checks


def _column_list(names: list[str]) -> str:
    shown = ", ".join(repr(n) for n in names[:12])
    return shown + (f" and {len(names) - 12} more" if len(names) > 12 else "")


def _check_columns(
    sdf: SparkDataFrame, text_col: str, id_col: str, where: str | None, context: list[str] | None = None
) -> None:
    """Missing columns (the model's ``context`` columns too) and non-text text columns are caught here, before
    Spark does any work."""
    from pyspark.sql import types as T

    fields = {f.name: f for f in sdf.schema.fields}
    missing = [c for c in context or [] if c not in fields]
    if missing:
        from mindthegap.text.autocoder_context import missing_context_error

        raise missing_context_error(context, missing, path=where)
    for role, name in (("text", text_col), ("id", id_col)):
        if name not in fields:
            raise InputError(
                f"has no {role} column {name!r}",
                path=where,
                hint=f"the columns are {_column_list(list(fields))}; give the right one with --{role}",
            )
    text_type = fields[text_col].dataType
    if not isinstance(text_type, (T.StringType, T.NullType)):
        raise InputError(
            f"the text column holds {text_type.simpleString()} values, not text",
            path=where,
            column=text_col,
            hint="choose the column of free-text comments, or store it as text (string) in the file",
        )


def _spark_schema(frame: pd.DataFrame):
    """The Spark schema of a pipeline output, read off a small sample processed on the driver."""
    from pyspark.sql.pandas.types import from_arrow_schema

    schema = pa.Schema.from_pandas(frame, preserve_index=False)
    fields = [
        pa.field(f.name, pa.string()) if pa.types.is_null(f.type) else f.remove_metadata() for f in schema
    ]
    return from_arrow_schema(pa.schema(fields), prefer_timestamp_ntz=False)


def _probe_frame(
    sdf: SparkDataFrame, text_col: str, id_col: str, rows: int = 200, *, context: list[str] | None = None
) -> pd.DataFrame:
    extra = [c for c in context or [] if c not in (id_col, text_col)]
    sample = sdf.select(id_col, text_col, *extra).limit(rows).toPandas()
    if len(sample) == 0:  # an empty input still needs an output schema
        id_type = sdf.schema[id_col].dataType.simpleString()
        ids = (
            pd.Series([0], dtype="int64") if id_type in ("bigint", "int") else pd.Series(["x"], dtype=object)
        )
        sample = pd.DataFrame({id_col: ids, text_col: pd.Series([""], dtype=object)})
        for c in extra:
            sample[c] = pd.Series([""], dtype=object)
    return sample


def _error_from_task(exc: Exception, where: str | None) -> MindTheGapError | None:
    """Turn a failure raised inside a Spark task back into our one-line message, if it is one of ours."""
    text = str(exc)
    for mark in (_LOAD_MARK, _ERROR_MARK):
        at = text.find(mark)
        if at < 0:
            continue
        message = text[at + len(mark) :].splitlines()[0].strip()
        if mark == _LOAD_MARK:
            return ConfigurationError(
                f"the model could not be loaded on the Spark executors ({message})",
                hint="install the same mindthegap and scikit-learn versions on the cluster as on this machine",
            )
        return InputError(message, path=where)
    return None


# --------------------------------------------------------------------------------------------- DataFrame API


def _prepare(
    sdf: SparkDataFrame,
    payload: bytes,
    from_bytes: Callable[[bytes], Any],
    model: Any,
    pipe: Pipeline,
    *,
    text_col: str,
    id_col: str,
    redact: bool,
    sentiment: bool,
    where: str | None,
    rows_accumulator: bool,
    write_parts: tuple[str, str] | None = None,
    neutralise: bool = False,
) -> tuple[SparkDataFrame, Any, list[str]]:
    """Check, probe the output's schema, and build the lazy coded DataFrame (or, with ``write_parts``
    = (folder, kind), the DataFrame of part files written by the workers)."""
    context = list(getattr(model, "context_columns_", []))  # a context model reads them by the same names
    _check_columns(sdf, text_col, id_col, where, context)
    read = [id_col, text_col, *(c for c in context if c not in (id_col, text_col))]
    probe = _probe_output(
        sdf, model, pipe, context, text_col=text_col, id_col=id_col, redact=redact, sentiment=sentiment,
        neutralise=neutralise,
    )  # fmt: skip
    schema = _spark_schema(probe)
    token = hashlib.sha256(payload).hexdigest()
    shipped, counter = _ship(sdf.sparkSession, payload, rows_accumulator)
    kind = _WriteParts if write_parts else _CodeBatches
    extra = {"folder": write_parts[0], "kind": write_parts[1]} if write_parts else {}
    fn = kind(
        **extra,
        token=token,
        payload=shipped,
        from_bytes=from_bytes,
        process=pipe.process,
        text_col=text_col,
        id_col=id_col,
        redact=redact,
        sentiment=sentiment,
        columns=list(probe.columns),
        dtypes={c: str(t) for c, t in probe.dtypes.items()},
        rows=counter,
        neutralise=neutralise,
    )
    columns = list(probe.columns)
    return (
        sdf.select(*read).mapInPandas(fn, _PART_SCHEMA if write_parts else schema),
        counter,
        columns,
    )


def _probe_output(
    sdf: SparkDataFrame,
    model: Any,
    pipe: Pipeline,
    context: list[str],
    *,
    text_col: str,
    id_col: str,
    redact: bool,
    sentiment: bool,
    neutralise: bool,
) -> pd.DataFrame:
    """A small sample run through the pipeline on the driver, to learn the output's columns and types."""
    probe = pipe.process(
        _probe_frame(sdf, text_col, id_col, context=context),
        model=model,
        text_col=text_col,
        id_col=id_col,
        redact=redact,
        sentiment=sentiment,
    )
    if neutralise:
        probe = neutralise_formulas(probe)
    return probe


def _ship(spark: SparkSession, payload: bytes, rows_accumulator: bool) -> tuple[Any, Any]:
    """The model bytes as the tasks receive them, and a row counter when one is asked for and possible."""
    try:  # classic Spark: broadcast the bytes once per executor
        sc = spark.sparkContext
        shipped: Any = sc.broadcast(payload)
        counter = sc.accumulator(0) if rows_accumulator else None
    except Exception:  # Spark Connect has no SparkContext: the bytes travel inside the task instead
        shipped, counter = payload, None
    return shipped, counter


def code_dataframe(
    sdf: SparkDataFrame,
    model: Any,
    *,
    text_col: str,
    id_col: str,
    redact: bool = False,
    sentiment: bool = False,
    pipeline: Pipeline | None = None,
) -> SparkDataFrame:
    """Code a Spark DataFrame of comments inside an existing session; returns a Spark DataFrame (lazy).

    ``model`` is a loaded auto-coder or the path of a saved one. The result has the columns the single-machine
    engine writes: the id, one 0/1 column per label, ``p_<label>`` probabilities, and the redaction and sentiment
    columns when asked. Example (in a notebook)::

        from mindthegap.scale.spark import code_dataframe
        coded = code_dataframe(spark.table("fft.comments"), "/dbfs/models/fft.mtgmodel", text_col="answer", id_col="id")
        coded.write.mode("overwrite").saveAsTable("fft.coded")
    """
    pipe = pipeline or default_pipeline()
    if isinstance(model, (str, Path)):
        path = Path(model)
        loaded = _load_model_on_driver(path, pipe)
        result, _, _ = _prepare(
            sdf, path.read_bytes(), pipe.loader(), loaded, pipe, text_col=text_col, id_col=id_col, redact=redact,
            sentiment=sentiment, where=None, rows_accumulator=False,
        )  # fmt: skip
        return result
    if pipe.to_bytes is None:
        raise ConfigurationError(
            "this pipeline cannot ship a model held in memory", hint="pass the model file's path instead"
        )
    result, _, _ = _prepare(
        sdf, pipe.to_bytes(model), pipe.loader(), model, pipe, text_col=text_col, id_col=id_col,
        redact=redact, sentiment=sentiment, where=None, rows_accumulator=False,
    )  # fmt: skip
    return result


def _load_model_on_driver(path: Path, pipe: Pipeline) -> Any:
    if not path.is_file():
        raise InputError(
            "model file not found", path=path, hint="give the file written by `mindthegap autocode train`"
        )
    try:
        return pipe.load(path)
    except MindTheGapError:
        raise
    except Exception as exc:
        raise InputError(
            f"cannot be loaded as a mindthegap model ({type(exc).__name__}: {exc})".splitlines()[0],
            path=path,
            hint="give the file written by `mindthegap autocode train`",
        ) from None


def apply_model_spark(
    model_path: Path,
    input_path: Path,
    output_path: Path,
    *,
    text_col: str,
    id_col: str,
    redact: bool = False,
    sentiment: bool = False,
    master: str | None = None,
    single_file: bool | None = None,
    pipeline: Pipeline | None = None,
    min_partitions: int | None = None,
) -> dict:
    """Code every comment in ``input_path`` with the model at ``model_path`` on Spark; write ``output_path``.

    Input and output are Parquet or CSV, chosen by the name's suffix (a folder of part files, as Spark writes,
    may stand in for the input). The output is one file, rows in input order, when ``single_file`` is true — the
    default for local mode writing to a local disk, as the single-machine engine does — and otherwise Spark's
    folder of part files (readable by pandas, Spark, DuckDB and Arrow), which is what a cluster should write.
    Everything that can be checked first is — the model loads, the columns exist and hold text, the output does
    not exist yet — and the output is written under a hidden sibling name and renamed into place only when
    complete, so a failure never leaves partial output at the destination. Returns counts and timings. Example::

        apply_model_spark(Path("fft.mtgmodel"), Path("comments.parquet"), Path("coded.parquet"),
                          text_col="answer", id_col="comment_id", master="local[*]")
    """
    started = time.perf_counter()
    pipe = pipeline or default_pipeline()
    model_file = Path(model_path)
    model = _load_model_on_driver(model_file, pipe)  # fail before Spark starts if the model is unusable
    payload = model_file.read_bytes()
    in_uri, out_uri = as_uri(input_path), as_uri(output_path)
    out_kind = table_kind(out_uri, "output")
    _check_single_file(single_file, out_uri)  # before Spark starts, like every check that needs no Spark
    spark = spark_session(master)
    sc = spark.sparkContext
    out = _plan_output(spark, out_uri, out_kind, single_file)
    sdf = _read_spread(spark, in_uri, min_partitions or sc.defaultParallelism)
    from_bytes = pipe.loader()
    coded, counter, columns = _prepare(
        sdf, payload, from_bytes, model, pipe, text_col=text_col, id_col=id_col, redact=redact,
        sentiment=sentiment, where=in_uri, rows_accumulator=not out.direct,
        write_parts=(str(out.folder), out_kind) if out.direct else None, neutralise=out_kind == "csv",
    )  # fmt: skip
    partitions = coded.rdd.getNumPartitions()
    checked = time.perf_counter()
    rows = _code_into_place(coded, counter, columns, out, in_uri)
    finished = time.perf_counter()
    return _run_report(sc.master, in_uri, out, rows, len(columns), partitions, (started, checked, finished))


def _run_report(
    master: str,
    in_uri: str,
    out: _Output,
    rows: int | None,
    columns: int,
    partitions: int,
    times: tuple[float, float, float],
) -> dict:
    """What a file-to-file run did: where, how many rows, columns and partitions, and how long each part took
    (``times``: when the run started, when the checks were done, when the output was in place)."""
    started, checked, finished = times
    return {
        "engine": "spark",
        "master": master,
        "input": in_uri,
        "output": out.uri,
        "layout": "file" if out.single else "folder of part files",
        "rows": rows,
        "columns": columns,
        "partitions": partitions,
        "seconds_checks": round(checked - started, 3),
        "seconds_coding": round(finished - checked, 3),
        "seconds_total": round(finished - started, 3),
        "rows_per_second": round(rows / (finished - checked), 1) if rows and finished > checked else None,
    }


@dataclass(frozen=True)
class _Output:
    """Where a file-to-file run writes: the destination, and the hidden partial output it is renamed from."""

    uri: str
    kind: str
    fs: HadoopFiles
    single: bool  # join the parts into one file
    direct: bool  # the Python workers write the part files themselves
    partial: Any  # the hidden sibling (a Hadoop path) Spark's writer fills
    folder: Path  # the same hidden sibling on the local disk, for the workers' own part files


def _check_single_file(single_file: bool | None, out_uri: str) -> None:
    """Only a local disk can take the one joined file."""
    if single_file and not is_local(out_uri):
        raise ConfigurationError(
            "a single output file can only be written to a local disk",
            hint="leave out the single-file option",
        )


def _plan_output(spark: SparkSession, out_uri: str, out_kind: str, single_file: bool | None) -> _Output:
    """Decide how the output is written, refusing an output that exists already."""
    sc = spark.sparkContext
    single = single_file if single_file is not None else (sc.master.startswith("local") and is_local(out_uri))
    out_fs = HadoopFiles(spark, out_uri)
    if out_fs.exists():
        raise InputError(
            "already exists", path=out_uri, hint="choose a new output name, or delete the old output first"
        )
    partial_name = f".{out_fs.path.getName()}.{uuid.uuid4().hex[:12]}.partial"
    partial = out_fs.sibling(partial_name)
    # In local mode the Python workers write the part files themselves (see _WriteParts); a cluster uses
    # Spark's writer, whose commit protocol suits HDFS and object stores.
    direct = sc.master.startswith("local") and is_local(out_uri)
    folder = local_path(out_uri).parent / partial_name
    return _Output(out_uri, out_kind, out_fs, single, direct, partial, folder)


def _read_spread(spark: SparkSession, in_uri: str, wanted: int) -> SparkDataFrame:
    """The input, spread over at least ``wanted`` partitions."""
    sdf = read_input(spark, in_uri)
    if sdf.rdd.getNumPartitions() < wanted:  # one big CSV arrives as one partition: spread it over the cores
        sdf = spread(sdf, wanted)
    return sdf


def _code_into_place(
    coded: SparkDataFrame, counter: Any, columns: list[str], out: _Output, in_uri: str
) -> int | None:
    """Run the coding into the hidden partial output, then move it into place; on any failure the partial
    output is deleted. Returns the rows written, when known."""
    try:
        if out.direct:
            out.folder.mkdir()
            written = coded.collect()
            keep = {r["file"] for r in written}
            for leftover in (p for p in out.folder.iterdir() if p.name not in keep):  # from retried tasks
                leftover.unlink()
            rows: int | None = sum(int(r["rows"]) for r in written)
        else:
            write_output(coded, out.partial.toString(), out.kind)
            rows = int(counter.value) if counter is not None else None
        if out.fs.exists():  # someone else wrote it meanwhile: never overwrite
            raise InputError("appeared while coding; nothing was overwritten", path=out.uri)
        if out.single:
            with atomic_path(local_path(out.uri)) as joined:
                merge_parts(out.folder, joined, out.kind, columns)
            shutil.rmtree(out.folder, ignore_errors=True)
        elif not out.fs.fs.rename(out.partial, out.fs.path):
            raise InputError("cannot move the finished output into place", path=out.uri)
    except Exception as exc:
        out.fs.fs.delete(out.partial, True)
        if isinstance(exc, MindTheGapError):
            raise
        ours = _error_from_task(exc, in_uri)
        if ours is not None:
            raise ours from None
        raise
    return rows
