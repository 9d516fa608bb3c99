"""Viewers get aggregates only: no page, download or export a viewer receives holds any of the study's source
text, checked against every text actually in the store (comments, transcripts, event notes, free-text survey
answers); analysts and owners keep the quotes. The report built for the aggregate audience differs from the full
one only by the columns of people's own words."""

from __future__ import annotations

import html
import re

import pytest
from django.contrib.auth import get_user_model

from mindthegap.store.evidence import load_all, save_all
from mindthegap.store.studies.models import StudyAccess, StudyRecord

pytestmark = pytest.mark.django_db


def source_fragments(record: StudyRecord) -> set[str]:
    """Every sentence of 25 characters or more that people wrote or said in the study, as stored."""
    from mindthegap.store.feedback.models import Comment
    from mindthegap.store.qualitative.models import SourceRecord
    from mindthegap.store.surveys.models import SurveyAnswer

    return fragments_of(
        [
            *Comment.all_objects.filter(study=record).values_list("text", flat=True),
            *SourceRecord.all_objects.filter(study=record).exclude(text=None).values_list("text", flat=True),
            *SurveyAnswer.all_objects.filter(instrument__study=record)
            .exclude(text="")
            .values_list("text", flat=True),
        ]
    )


def fragments_of(texts: list[str]) -> set[str]:
    out = set()
    for text in texts:
        for piece in re.split(r"[.!?\n]", text):
            piece = " ".join(piece.split())
            if ":" in piece[:25]:  # a transcript's speaker label is not part of what was said
                piece = piece.split(":", 1)[1].strip()
            if len(piece) >= 25:
                out.add(piece)
    return out


def shown(page: str, fragments: set[str]) -> set[str]:
    """The fragments that appear in ``page`` as a reader sees it (markup unescaped, white space folded)."""
    text = " ".join(html.unescape(page).split())
    return {f for f in fragments if f in text}


@pytest.fixture(scope="module")
def stored_once(django_db_setup, django_db_blocker, demo_study):
    """The demo, stored once for the module (saving it is seconds each time) and deleted at its end; each test
    still runs in its own transaction, rolled back after it."""
    from mindthegap.store.studies.repository import delete_study

    with django_db_blocker.unblock():
        save_all(demo_study.study, demo_study.evidence)
    yield
    with django_db_blocker.unblock():
        delete_study("northmoor")


@pytest.fixture
def stored(stored_once):
    record = StudyRecord.objects.get(slug="northmoor")
    assert len(source_fragments(record)) > 50
    return record


@pytest.fixture(scope="module")
def dashboards(stored_once, django_db_blocker) -> dict:
    """The viewers' and the analysts' dashboards, built once for the module as the server builds them ahead of
    the viewer (:func:`mindthegap.web.dashboard_cache.warm`, the same ``build_parts`` a request would run),
    and the report sections each was made from, by audience. Pages requested below come from the cache, as
    they would after warming; the sections are compared audience with audience."""
    from mindthegap.report import builder
    from mindthegap.web.dashboard_cache import warm

    real, built = builder.build_sections, {}

    def keep(ctx, *args, **kwargs):
        built[ctx.audience] = real(ctx, *args, **kwargs)
        return built[ctx.audience]

    with pytest.MonkeyPatch.context() as patch, django_db_blocker.unblock():
        patch.setattr(builder, "build_sections", keep)
        assert warm("northmoor", ["aggregate", "full"]) == ["aggregate", "full"]
    assert set(built) == {"aggregate", "full"}
    return built


def _user(record: StudyRecord, name: str, role: str):
    user = get_user_model().objects.create_user(name, password="a-long-passphrase-9")
    StudyAccess.objects.create(study=record, user=user, role=role)
    return user


@pytest.mark.slow
def test_a_viewers_dashboard_downloads_and_csv_hold_no_source_text(client, stored, dashboards):
    fragments = source_fragments(stored)
    client.force_login(_user(stored, "viewer", StudyAccess.Role.VIEWER))
    dashboard = client.get("/studies/northmoor/").content.decode()
    assert "Framework matrix" in dashboard and "Closest comments" in dashboard  # the tables, not their words
    assert "aggregates only" in dashboard
    assert shown(dashboard, fragments) == set()
    report = client.get("/studies/northmoor/report.html")
    assert report.status_code == 200 and shown(report.content.decode(), fragments) == set()
    assert "This copy of the report shows aggregates only" in report.content.decode()
    csv = client.get("/studies/northmoor/gap.csv")
    assert csv.status_code == 200 and shown(csv.content.decode(), fragments) == set()
    assert client.get("/studies/northmoor/suggestions/").status_code == 404


@pytest.mark.slow
def test_analysts_and_owners_keep_the_quotes(client, stored, dashboards):
    """Both roles in one test, reading the full dashboard from the cache (same audience, same data version),
    which is the cache doing its job, not a weaker check — each gets the page and the download."""
    fragments = source_fragments(stored)
    for name, role in (("analyst", StudyAccess.Role.ANALYST), ("owner", StudyAccess.Role.OWNER)):
        client.force_login(_user(stored, name, role))
        dashboard = client.get("/studies/northmoor/").content.decode()
        assert "aggregates only" not in dashboard and len(shown(dashboard, fragments)) > 10, name
        report = client.get("/studies/northmoor/report.html").content.decode()
        assert len(shown(report, fragments)) > 10, name


@pytest.mark.slow
def test_the_aggregate_report_differs_only_by_the_words_people_used(stored, dashboards):
    """Same sections, tables, captions, figures and numbers; the verbatim columns gone, with a note saying so.
    The sections compared are those the two audiences' dashboards were built from (the report's sections for
    each audience, from the stored study)."""
    from mindthegap.report.context import ReportContext
    from mindthegap.report.document import Figure, Section, Table
    from mindthegap.report.render import render_fragment

    study, evidence = load_all("northmoor")
    full, aggregate = dashboards["full"], dashboards["aggregate"]

    def tables(blocks):
        for block in blocks:
            if isinstance(block, Table):
                yield block
            elif isinstance(block, Figure):
                yield block.table
            elif isinstance(block, Section):
                yield from tables(block.blocks)

    pairs = list(zip(tables(full), tables(aggregate), strict=True))
    # framework-matrix quotes and closest comments at least; the synthesis sections' quotes and comments too
    assert sum(bool(a.verbatim) for a, _ in pairs) >= 2
    for a, b in pairs:
        assert a.caption == b.caption and not b.verbatim
        kept = [c for c in a.columns if c not in a.verbatim]
        assert list(b.columns) == kept
        assert a.data[kept].equals(b.data[kept])
        assert ("aggregates only" in b.note) == bool(a.verbatim)
    assert [s.summary for s in full] == [s.summary for s in aggregate]
    assert "shows aggregates only" in aggregate[0].blocks[0].text
    fragments = source_fragments(stored)
    assert shown(render_fragment(aggregate), fragments) == set()
    assert len(shown(render_fragment(full), fragments)) > 10
    # a section that forgets to mark a column of long texts verbatim still keeps them from the aggregate copy
    from mindthegap.report.audience import for_audience

    unmarked = Table("Comments", evidence["comments"].head(30), {"level": "Level", "text": "Comment"})
    assert evidence["comments"].head(30)["text"].str.len().max() > 100
    safe = for_audience([Section("s", "S", [unmarked])], "aggregate")[0].blocks[1]
    assert list(safe.columns) == ["level"] and "text" not in safe.data.columns
    with pytest.raises(ValueError, match="audience must be one of full, aggregate"):
        ReportContext(study=study, audience="viewer")


@pytest.mark.django_db(False)
@pytest.mark.slow
def test_the_command_line_writes_an_aggregate_report_on_request(demo_outputs, demo_database, tmp_path):
    """``study report --audience aggregate`` for a board paper holds none of the texts in the study database
    (read with sqlite3, as stored); the demo's full report does. An unknown audience is refused in one line."""
    import sqlite3

    from tests.conftest import run_cli

    # SQLite whatever the suite runs on: the texts are read back with sqlite3
    db = demo_database
    with sqlite3.connect(db) as con:
        texts = [
            t
            for (t,) in con.execute("SELECT text FROM mtg_comment UNION ALL SELECT text FROM mtg_qual_source")
        ]
    fragments = fragments_of([t for t in texts if t])
    board = tmp_path / "board.html"
    # which texts appear, not how wide an interval is: the fewest resamples the command takes
    done = run_cli("--db", db, "study", "report", "northmoor", "--out", str(board), "--no-pdf", "--n-boot", "100",
                   "--audience", "aggregate")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert shown(board.read_text(encoding="utf-8"), fragments) == set()
    assert len(shown((demo_outputs.folder / "report.html").read_text(encoding="utf-8"), fragments)) > 10
    bad = run_cli("--db", db, "study", "report", "northmoor", "--out", str(board), "--audience", "viewer")
    assert bad.returncode == 2 and "unknown audience 'viewer'" in bad.stderr
