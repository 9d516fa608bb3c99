"""The feedback app: comments stored redacted, read back as a frame, and carried through the demo report."""

from __future__ import annotations

import pandas as pd
import pytest

from mindthegap.demo import build_demo_study


@pytest.mark.django_db
def test_demo_comments_round_trip_redacted():
    from mindthegap.store.evidence import load_all, save_all
    from mindthegap.store.feedback.repository import save_comments
    from mindthegap.store.studies.models import StudyRecord

    demo = build_demo_study()
    comments = demo.evidence["comments"]
    assert {"local_frontline", "people_and_carers", "national"} <= set(comments["level"])
    assert comments["redactions"].sum() > 0
    assert not comments["text"].str.contains("07700|943 476 5919|@example.org|Dr Patel").any()
    save_all(demo.study, demo.evidence)
    _, evidence = load_all(demo.study.id)
    back = evidence["comments"]
    assert len(back) == len(comments)
    assert back["text"].tolist() == comments["text"].tolist()

    record = StudyRecord.objects.get(slug=demo.study.id)
    raw = pd.DataFrame(
        [{"participant_id": None, "level": "people_and_carers", "text": "Call 07700 900123 please"}]
    )
    assert save_comments(record, raw) == 1
    from mindthegap.store.feedback.models import Comment

    last = Comment.objects.filter(study=record).order_by("-id").first()
    assert last.text == "Call [PHONE] please" and last.redactions == 1


def test_report_section_has_divergence_and_alignment():
    from mindthegap.report.context import ReportContext
    from mindthegap.report.document import Figure
    from mindthegap.report.sections import text

    demo = build_demo_study()
    section = text.build(ReportContext(study=demo.study, evidence=demo.evidence, n_boot=100))
    assert any(isinstance(b, Figure) for b in section.blocks)
    captions = " ".join(getattr(b, "caption", "") for b in section.blocks)
    assert "Jensen–Shannon" in captions and "Policy alignment" in captions
    assert any("Policymakers talk most distinctively about" in s and "data" in s for s in section.summary)
    assert any("Prevention" in s for s in section.summary)
