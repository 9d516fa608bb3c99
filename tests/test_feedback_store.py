"""The feedback app: comments stored redacted, read back as a frame, and carried through the demo report."""

from __future__ import annotations

import pandas as pd
import pytest


@pytest.mark.django_db
def test_demo_comments_round_trip_redacted(demo_study):
    from mindthegap.store.evidence import load_all, save_all
    from mindthegap.store.feedback.repository import save_comments
    from mindthegap.store.studies.models import StudyRecord

    demo = demo_study
    comments = demo.evidence["comments"]
    assert {"local_frontline", "people_and_carers", "national"} <= set(comments["level"])
    assert comments["redactions"].sum() > 0
    assert not comments["text"].str.contains("07700|943 476 5919|@example.org|Dr Patel").any()
    save_all(demo.study, {"comments": comments})  # the study and its people, and the comments
    _, evidence = load_all(demo.study.id)
    back = evidence["comments"]
    consenting = comments[
        comments["participant_id"].isin({p.id for p in demo.study.participants if p.consent})
    ]
    assert len(consenting) < len(comments)  # the demo has comments from people who withdrew: they stay out
    assert back["text"].tolist() == consenting["text"].tolist()

    record = StudyRecord.objects.get(slug=demo.study.id)
    raw = pd.DataFrame(
        [{"participant_id": None, "level": "people_and_carers", "text": "Call 07700 900123 please"}]
    )
    assert save_comments(record, raw) == 1
    from mindthegap.store.feedback.models import Comment

    last = Comment.objects.filter(study=record).order_by("-id").first()
    assert last.text == "Call [PHONE] please" and last.redactions == 1


def test_report_section_has_divergence_and_alignment(demo_study):
    from mindthegap.report.context import ReportContext
    from mindthegap.report.document import Figure
    from mindthegap.report.sections import text

    demo = demo_study
    section = text.build(ReportContext(study=demo.study, evidence=demo.evidence, n_boot=100))
    assert any(isinstance(b, Figure) for b in section.blocks)
    captions = " ".join(getattr(b, "caption", "") for b in section.blocks)
    assert "Jensen–Shannon" in captions and "Policy alignment" in captions
    assert any("Policymakers talk most distinctively about" in s and "data" in s for s in section.summary)
    assert any("Prevention" in s for s in section.summary)


@pytest.mark.django_db
def test_suggestions_stored_unreviewed_then_reviewed():
    from tests.test_autocoder import synthetic_corpus

    from mindthegap.store.feedback.suggestions import review_suggestion, store_suggestions
    from mindthegap.store.qualitative import models as q
    from mindthegap.store.studies.models import StudyRecord
    from mindthegap.text.autocoder import AutoCoder

    texts, Y = synthetic_corpus()
    model = AutoCoder(cv=4).fit(texts, Y, codes=["Staff", "Waiting", "Parking"])
    record = StudyRecord.objects.create(slug="s1", name="S1")
    for i, name in enumerate(["Staff", "Parking"]):
        q.CodeRecord.objects.create(study=record, guid=f"C{i}", name=name)
    q.SourceRecord.objects.create(study=record, guid="S1", name="one", text="car park was full")
    q.SourceRecord.objects.create(study=record, guid="S2", name="two", text="the nurse was kind")
    assert store_suggestions(record, model) == 2
    assert store_suggestions(record, model) == 0  # idempotent
    codings = q.CodingRecord.objects.filter(source__study=record).order_by("source__guid")
    assert [(c.source.guid, c.code.name, c.status) for c in codings] == [
        ("S1", "Parking", "unreviewed"),
        ("S2", "Staff", "unreviewed"),
    ]
    assert all(0.5 < c.confidence <= 1 for c in codings)
    review_suggestion(codings[0].id, accept=True)
    review_suggestion(codings[1].id, accept=False)
    assert sorted(q.CodingRecord.objects.values_list("status", flat=True)) == ["accepted", "rejected"]


@pytest.mark.django_db
def test_a_suggestion_points_at_the_sentence_that_raises_its_code():
    """In a source of several sentences each suggestion spans the sentence scoring its code highest; in a source
    of one sentence, the whole source."""
    from tests.test_autocoder import synthetic_corpus

    from mindthegap.store.feedback.suggestions import store_suggestions
    from mindthegap.store.qualitative import models as q
    from mindthegap.store.studies.models import StudyRecord
    from mindthegap.text.autocoder import AutoCoder

    texts, Y = synthetic_corpus()
    model = AutoCoder(cv=4).fit(texts, Y, codes=["Staff", "Waiting", "Parking"])
    record = StudyRecord.objects.create(slug="spans", name="Spans")
    for i, name in enumerate(["Staff", "Waiting", "Parking"]):
        q.CodeRecord.objects.create(study=record, guid=f"C{i}", name=name)
    long = "Interviewer: how was it?\n\nThe nurse was kind.  But we waited four hours.\nNo parking spaces at all!"
    q.SourceRecord.objects.create(study=record, guid="S1", name="long", text=long)
    q.SourceRecord.objects.create(study=record, guid="S2", name="short", text="  car park was full ")
    assert store_suggestions(record, model) == 4
    spans = {
        (c.source.guid, c.code.name): c.source.text[c.start : c.end]
        for c in q.CodingRecord.objects.filter(source__study=record)
    }
    assert spans == {
        ("S1", "Staff"): "The nurse was kind.",
        ("S1", "Waiting"): "But we waited four hours.",  # after a sentence end "But" stays with its clause
        ("S1", "Parking"): "No parking spaces at all!",
        ("S2", "Parking"): "car park was full",
    }
