"""The study store: round trips, transactions and schema-version checks, on SQLite and PostgreSQL alike."""

import pandas as pd
import pytest
from django.db import connection, transaction

from mindthegap.errors import StoreError
from mindthegap.store.evidence import load_all, save_all
from mindthegap.store.studies import models as m
from mindthegap.store.studies.repository import load_study, save_study

pytestmark = pytest.mark.django_db(transaction=True)


def test_study_round_trip(demo_study):
    save_all(demo_study.study, demo_study.evidence)
    study, evidence = load_all(demo_study.study.id)
    original = demo_study.study
    assert [p.id for p in study.principles] == [p.id for p in original.principles]
    assert {s.id for s in study.services} == {s.id for s in original.services}
    assert {t.id: t.service_id for t in study.teams} == {t.id: t.service_id for t in original.teams}
    consenting = {p.id for p in original.participants if p.consent}
    assert {p.id for p in study.participants} == consenting  # people who withdrew reach no output
    everyone = load_study(original.id, include_withdrawn=True).participants
    assert sorted(p.id for p in everyone) == sorted(p.id for p in original.participants)
    by_id = {p.id: p for p in original.participants}
    for p in everyone:
        assert p == by_id[p.id]
    stored = evidence["values_practice"]
    expected = demo_study.evidence["values_practice"]
    expected = expected[expected["participant_id"].isin(consenting)]
    assert len(stored) == len(expected)
    merged = stored.merge(expected, on=["participant_id", "wave", "principle"], suffixes=("", "_x"))
    assert (merged["practice"].astype(float) == merged["practice_x"]).all()
    assert merged["value"].isna().sum() == expected["value"].isna().sum()
    # participants without consent never reach an analysis
    assert not set(stored["participant_id"]) - consenting


def test_failed_import_leaves_the_database_as_it_was(demo_study):
    bad = demo_study.evidence["values_practice"].copy()
    bad.loc[5, "principle"] = "not_a_principle"
    with pytest.raises(StoreError, match="unknown principle"):
        save_all(demo_study.study, {"values_practice": bad})
    assert m.StudyRecord.objects.count() == 0
    assert m.ParticipantRecord.objects.count() == 0


def test_database_constraint_failure_rolls_back(demo_study):
    bad = demo_study.evidence["values_practice"].copy()
    bad.loc[7, "practice"] = 9  # outside 1–5: the database itself refuses it
    with pytest.raises(Exception):  # noqa: B017 - IntegrityError from either engine
        save_all(demo_study.study, {"values_practice": bad})
    assert m.StudyRecord.objects.count() == 0


def test_duplicate_study_is_refused_unless_replaced(demo_study):
    save_study(demo_study.study)
    with pytest.raises(StoreError, match="already exists"):
        save_study(demo_study.study)
    save_study(demo_study.study, replace=True)
    assert m.StudyRecord.objects.count() == 1
    assert len(load_study(demo_study.study.id, include_withdrawn=True).participants) == len(
        demo_study.study.participants
    )


def test_unknown_study_names_the_known_ones(demo_study):
    save_study(demo_study.study)
    with pytest.raises(StoreError, match="northmoor"):
        load_study("nope")


def test_newer_schema_is_refused():
    from mindthegap.store.database import check_schema_not_newer

    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            "INSERT INTO django_migrations (app, name, applied) VALUES (%s, %s, %s)",
            ["studies", "9999_from_the_future", pd.Timestamp.now(tz="UTC").to_pydatetime()],
        )
    try:
        with pytest.raises(StoreError, match="newer version of mindthegap"):
            check_schema_not_newer()
    finally:  # a test that commits (transactional) would otherwise leave the row for every later test
        with connection.cursor() as cur:
            cur.execute("DELETE FROM django_migrations WHERE name = %s", ["9999_from_the_future"])
