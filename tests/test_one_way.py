"""One way per concern: the shared helpers the code now uses everywhere (hand-worked examples as reference)."""

from __future__ import annotations

import inspect

import pytest

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


# ---------------------------------------------------------------------------------------- guards over src

SRC = __import__("pathlib").Path(__import__("mindthegap").__file__).parent


def _calls(dotted: set[str]) -> list[str]:
    """``module.py:line name`` for every call of one of ``dotted`` (e.g. ``os.replace``) in src (no migrations)."""
    import ast

    found = []
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                owner = node.func.value
                name = f"{owner.id}.{node.func.attr}" if isinstance(owner, ast.Name) else None
                if name in dotted:
                    found.append(f"{path.relative_to(SRC).as_posix()}:{node.lineno} {name}")
    return found


def test_files_are_moved_into_place_only_by_the_atomic_helper():
    """A finished file is renamed onto its destination in one place, ``mindthegap.files``; everything else
    writes through ``atomic_path``/``atomic_write_bytes``. Temporary files elsewhere are scratch files that are
    never a destination (listed with the reason)."""
    moves = [c for c in _calls({"os.replace", "os.rename", "shutil.move"}) if not c.startswith("files.py:")]
    assert moves == []
    scratch = {
        "scale/spark.py": "a worker's copy of the model bytes, loaded then deleted",
        "store/collection/exports.py": "pyreadstat writes .sav only to a path; read back into memory",
    }
    temps = [
        c
        for c in _calls({"tempfile.mkstemp", "tempfile.NamedTemporaryFile", "tempfile.mktemp"})
        if c.split(":")[0] not in {"files.py", *scratch}
    ]
    assert temps == []


def test_atomic_path_leaves_the_old_file_when_writing_fails(tmp_path):
    """By hand: a failed write keeps 'old' and leaves no temporary file; a finished one replaces it."""
    from mindthegap.files import atomic_path, atomic_write_text

    target = tmp_path / "out.txt"
    atomic_write_text(target, "old")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("stopped")
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["out.txt"]
    with atomic_path(target) as tmp:
        assert tmp.parent == tmp_path and tmp.exists()
        tmp.write_text("new")
    assert target.read_text() == "new" and [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_the_store_is_set_up_only_by_open_store():
    """Django is configured in one function, ``store.database.open_store`` (the WSGI entry point calls it
    too); no other module calls ``django.setup``/``settings.configure`` or names the settings module."""
    calls = _calls({"django.setup", "settings.configure"})
    assert [c for c in calls if not c.startswith("store/database.py:")] == []
    naming = [
        p.relative_to(SRC).as_posix()
        for p in SRC.rglob("*.py")
        if "DJANGO_SETTINGS_MODULE" in p.read_text(encoding="utf-8")
        or "get_wsgi_application" in p.read_text()
    ]
    assert naming == ["store/database.py"]
    wsgi = (SRC / "web" / "wsgi.py").read_text(encoding="utf-8")
    assert "open_store(migrate=False)" in wsgi


def test_suggestion_excerpt_by_hand():
    """By hand: 'a  b\\nc' from 2 to 7 of 'xxa  b\\nczz' is 'a b c'; cut to 4 it is 'a b…' (Django's rule,
    checked against ``truncatechars``, which the review page used before)."""
    from django.template.defaultfilters import truncatechars

    from mindthegap.store.feedback.suggestions import suggestion_excerpt

    assert suggestion_excerpt("xxa  b\nczz", 2, 8) == "a b c"
    assert suggestion_excerpt("xxa  b\nczz", 2, 8, limit=4) == "a b…" == truncatechars("a b c", 4)
    assert suggestion_excerpt("xxa  b\nczz", 2, 8, limit=5) == "a b c"
    assert suggestion_excerpt(None) == "" and suggestion_excerpt("whole text") == "whole text"
    long = "word " * 200
    assert suggestion_excerpt(long, limit=400) == truncatechars(" ".join(long.split()), 400)


def test_no_copy_of_the_suggestion_excerpt():
    """The excerpt's expression (a span of a text with its whitespace collapsed) is written once."""
    import re

    span = re.compile(r'" "\.join\(\(?.*\)?\[[^]]*:[^]]*\]\.split\(\)\)')
    hits = [
        f"{p.relative_to(SRC).as_posix()}:{i}"
        for p in sorted(SRC.rglob("*.py"))
        for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if span.search(line)
    ]
    assert len(hits) == 1 and hits[0].startswith("store/feedback/suggestions.py:")


@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_chunked_writer_fixes_the_schema_at_the_first_chunk(tmp_path, kind):
    """By hand: chunks (1, '=x') and (2, 'y') give a file with ids 1, 2 and text "'=x" (CSV, neutralised) or
    '=x' (Parquet, kept exactly); the second chunk's int32 id is cast to the first chunk's int64."""
    import pandas as pd
    import pyarrow as pa

    from mindthegap.io.tables import ChunkedWriter

    path = tmp_path / f"out.{kind}"
    with ChunkedWriter(path, kind=kind) as writer:
        assert not writer.started
        writer.write(pd.DataFrame({"id": [1], "text": ["=x"]}))
        writer.write(pa.table({"id": pa.array([2], pa.int32()), "text": ["y"]}))
        assert writer.started
    got = pd.read_csv(path) if kind == "csv" else pd.read_parquet(path)
    assert got["id"].tolist() == [1, 2]
    assert got["text"].tolist() == (["'=x", "y"] if kind == "csv" else ["=x", "y"])


def test_parquet_is_written_in_chunks_only_by_the_chunked_writer():
    """One chunked Arrow writer: ``pq.ParquetWriter``/``CSVWriter`` are constructed in ``io/tables.py`` only."""
    import ast

    where = []
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in {"ParquetWriter", "CSVWriter"}:
                where.append(path.relative_to(SRC).as_posix())
    assert sorted(set(where)) == ["io/tables.py"]


def test_env_int_is_the_one_reader_of_whole_number_settings(monkeypatch):
    """By hand: unset or blank gives the default; ' 7 ' gives 7; 'lots', 0 (minimum 1) and -1 (minimum 0) are
    refused naming the variable; every whole-number setting in src is read through it."""
    from mindthegap.errors import ConfigurationError, env_int

    monkeypatch.delenv("MTG_TEST_N", raising=False)
    assert env_int("MTG_TEST_N", 5) == 5
    monkeypatch.setenv("MTG_TEST_N", "  ")
    assert env_int("MTG_TEST_N", 5) == 5
    monkeypatch.setenv("MTG_TEST_N", " 7 ")
    assert env_int("MTG_TEST_N", 5) == 7
    monkeypatch.setenv("MTG_TEST_N", "0")
    assert env_int("MTG_TEST_N", 5, minimum=0) == 0
    for raw, minimum, said in [("lots", 1, "a whole number of megabytes, at least 1"), ("0", 1, "at least 1"),
                               ("-1", 0, "at least 0"), ("2", 3, "at least 3")]:  # fmt: skip
        monkeypatch.setenv("MTG_TEST_N", raw)
        with pytest.raises(ConfigurationError, match=f"MTG_TEST_N={raw!r} is not") as caught:
            env_int("MTG_TEST_N", 5, minimum=minimum, unit="megabytes")
        assert said in str(caught.value)
    readers = [
        p.relative_to(SRC).as_posix()
        for p in sorted(SRC.rglob("*.py"))
        if "int(raw)" in (text := p.read_text(encoding="utf-8")) and "os.environ" in text
    ]
    assert readers == ["errors.py"]


@pytest.mark.django_db
def test_values_frame_by_hand():
    """By hand: three participants stored as p3, p1, p2 come back ordered by pseudonym with renamed columns;
    an empty queryset gives the columns and no rows (chunked or not, the same table)."""
    from mindthegap.model import Level, Participant, Role, Study
    from mindthegap.store.frames import values_frame
    from mindthegap.store.studies.models import ParticipantRecord
    from mindthegap.store.studies.repository import save_study

    people = [Participant(p, Role.PRACTITIONER, Level.LOCAL_FRONTLINE) for p in ("p3", "p1", "p2")]
    save_study(Study("frames", "Frames", participants=people))
    rows = ParticipantRecord.objects.filter(study__slug="frames").order_by("pseudonym")
    got = values_frame(rows, ("pseudonym", "role"), ["participant_id", "role"])
    assert got.to_dict("list") == {"participant_id": ["p1", "p2", "p3"], "role": ["practitioner"] * 3}
    assert values_frame(rows, ("pseudonym", "role"), ["participant_id", "role"], chunk_size=2).equals(got)
    empty = values_frame(rows.none(), ("pseudonym",), ["participant_id"])
    assert list(empty.columns) == ["participant_id"] and empty.empty


def test_stored_rows_become_tables_only_through_values_frame():
    """No store or web module builds a DataFrame from a list of query rows itself."""
    import re

    built = re.compile(r"DataFrame(\.from_records)?\(\s*list\(")
    hits = [
        p.relative_to(SRC).as_posix()
        for layer in ("store", "web")
        for p in sorted((SRC / layer).rglob("*.py"))
        if "migrations" not in p.parts and built.search(p.read_text(encoding="utf-8"))
    ]
    assert hits == ["store/frames.py"]


def test_interval_chart_by_hand():
    """By hand: rows a (0, −1 to 1) and b (1, 0.5 to 2) give two labelled dots, a above b, with the x label;
    every forest plot of the report draws through it (``errorbar`` elsewhere only in the grouped gap chart)."""
    from mindthegap.report.charts import interval_chart

    svg = interval_chart(["row a", "row b"], [0, 1], [-1, 0.5], [1, 2], xlabel="effect (95% CI)")
    assert svg.count("row a") >= 1 and "row b" in svg and "effect (95% CI)" in svg
    drawers = sorted(
        p.relative_to(SRC).as_posix()
        for p in SRC.rglob("*.py")
        if ".errorbar(" in p.read_text(encoding="utf-8")
    )
    assert drawers == ["report/charts.py", "report/sections/values_practice.py"]
