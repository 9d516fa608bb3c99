"""Files for the Spark engine: reading Parquet/CSV as the single-machine reader does, paths on any Hadoop file
system, ordered repartitioning, and joining part files into one file."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from mindthegap.errors import InputError
from mindthegap.io.tables import ChunkedWriter

if TYPE_CHECKING:  # pyspark is an optional extra
    from pyspark.sql import DataFrame as SparkDataFrame
    from pyspark.sql import SparkSession


class HadoopFiles:
    """Hadoop's FileSystem (via the JVM) so that local paths, HDFS, S3 and ABFS are handled alike."""

    def __init__(self, spark: SparkSession, uri: str) -> None:
        jvm = spark.sparkContext._jvm
        self._jvm = jvm
        self._conf = spark.sparkContext._jsc.hadoopConfiguration()
        self.path = jvm.org.apache.hadoop.fs.Path(uri)
        self.fs = self.path.getFileSystem(self._conf)

    def sibling(self, name: str) -> Any:
        return self._jvm.org.apache.hadoop.fs.Path(self.path.getParent(), name)

    def exists(self, p: Any = None) -> bool:
        return bool(self.fs.exists(p if p is not None else self.path))

    def is_dir(self, p: Any = None) -> bool:
        return bool(self.fs.getFileStatus(p if p is not None else self.path).isDirectory())


def as_uri(path: str | Path) -> str:
    """Keep URIs (``s3a://…``) as given; make local paths absolute so every executor reads the same place."""
    text = str(path)
    if "://" in text:
        return text
    return str(Path(text).expanduser().absolute())


def table_kind(uri: str, what: str) -> str:
    suffix = Path(uri.rstrip("/")).suffix.lower()
    if suffix in (".parquet", ".pq"):
        return "parquet"
    if suffix == ".csv":
        return "csv"
    raise InputError(
        f"unsupported {what} type {suffix or '(none)'!r}", path=uri, hint="use a .csv or .parquet name"
    )


def read_input(spark: SparkSession, uri: str) -> SparkDataFrame:
    kind = table_kind(uri, "input")
    fs = HadoopFiles(spark, uri)
    if not fs.exists():
        raise InputError("file not found", path=uri, hint="check the path")
    if kind == "parquet":
        return spark.read.parquet(uri)
    # Match the single-machine reader: UTF-8 with or without BOM, comma or semicolon, quoted line breaks.
    first = spark.read.text(uri).limit(1).collect()
    header = first[0][0] if first else ""
    sep = ";" if header.count(";") > header.count(",") else ","
    sdf = (
        spark.read.option("header", "true")
        .option("sep", sep)
        .option("multiLine", "true")
        .option("escape", '"')
        .option("encoding", "UTF-8")
        .csv(uri)
    )
    renamed = [c.lstrip("\ufeff") for c in sdf.columns]
    if renamed != sdf.columns:
        sdf = sdf.toDF(*renamed)
    return sdf


def write_output(sdf: SparkDataFrame, uri: str, kind: str) -> None:
    writer = sdf.write.mode("errorifexists")
    if kind == "parquet":
        writer.parquet(uri)
    else:
        writer.option("header", "true").option("escape", '"').option("encoding", "UTF-8").csv(uri)


def spread(sdf: SparkDataFrame, partitions: int) -> SparkDataFrame:
    """Repartition into contiguous, ordered slices, so the output keeps the input's row order."""
    from pyspark.sql import functions as F

    row = "__mindthegap_row__"
    return (
        sdf.withColumn(row, F.monotonically_increasing_id())
        .repartitionByRange(partitions, row)
        .sortWithinPartitions(row)
    )


def is_local(uri: str) -> bool:
    return "://" not in uri or uri.startswith("file:")


def local_path(uri: str) -> Path:
    return Path(uri[len("file:") :] if uri.startswith("file:") else uri)


def merge_parts(folder: Path, target: Path, kind: str, columns: list[str]) -> None:
    """Join Spark's part files, in partition order (which is input order), into one file."""
    parts = sorted(p for p in folder.iterdir() if p.name.startswith("part-"))
    if kind == "parquet":
        import pyarrow.parquet as pq

        with ChunkedWriter(target, kind="parquet") as writer:
            for part in parts:
                writer.write(pq.read_table(part))
            if not parts:
                writer.write(pd.DataFrame(columns=columns))
        return
    with target.open("wb") as sink:
        if not parts:
            sink.write((pd.DataFrame(columns=columns).to_csv(index=False)).encode("utf-8"))
        for i, part in enumerate(parts):
            with part.open("rb") as source:
                header = source.readline()
                if i == 0:
                    sink.write(header)
                shutil.copyfileobj(source, sink, 1 << 20)
