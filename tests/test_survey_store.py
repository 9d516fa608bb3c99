"""The surveys app: demo answers round-trip through the store and score, all-or-nothing on bad input."""

from __future__ import annotations

import pandas as pd
import pytest

from mindthegap.demo import build_demo_study
from mindthegap.errors import StoreError


@pytest.fixture(scope="module")
def demo():
    return build_demo_study()


def test_demo_has_nomad_at_both_waves_with_variation_by_service(demo):
    from mindthegap.analysis.scoring import score_instrument
    from mindthegap.frameworks.instruments import load_instrument
    from mindthegap.store.surveys.repository import wide_responses

    answers = demo.evidence["surveys"]
    assert set(answers["instrument"]) == {"nomad", "coproduction", "event_feedback"}
    wide = wide_responses(answers, "nomad")
    assert set(wide["wave"]) == {"baseline", "follow_up"}
    scores = score_instrument(wide, load_instrument("nomad"), keep=["participant_id", "wave"])
    services = {p.id: p.service for p in demo.study.participants}
    scores["service"] = scores["participant_id"].map(services)
    means = scores[scores.wave == "baseline"].groupby("service")["collective_action"].mean()
    assert means["adult_community"] - means["forensic"] > 0.3


@pytest.mark.django_db
def test_answers_round_trip_and_unknown_participant_is_refused(demo):
    from mindthegap.store.evidence import load_all, save_all
    from mindthegap.store.studies.models import StudyRecord
    from mindthegap.store.surveys.models import SurveyAnswer
    from mindthegap.store.surveys.repository import instruments_used, save_answers

    save_all(demo.study, demo.evidence)
    _, evidence = load_all(demo.study.id)
    back = evidence["surveys"]
    sent = demo.evidence["surveys"]
    assert len(back) == len(sent)
    key = ["instrument", "participant_id", "wave", "item"]
    merged = sent.merge(back, on=key, suffixes=("", "_back"))
    assert len(merged) == len(sent)
    assert merged["code"].fillna(-1).tolist() == merged["code_back"].fillna(-1).tolist()
    record = StudyRecord.objects.get(slug=demo.study.id)
    assert instruments_used(record)["nomad"]["reverse"] == ["B10"]
    before = SurveyAnswer.objects.count()
    bad = pd.DataFrame(
        [{"instrument": "nomad", "participant_id": "nobody", "wave": "baseline", "item": "B1", "code": 3}]
    )
    with pytest.raises(StoreError, match="unknown participant 'nobody'"):
        save_answers(record, bad)
    assert SurveyAnswer.objects.count() == before


def test_report_section_has_radar_forest_and_reliability(demo):
    from mindthegap.report.context import ReportContext
    from mindthegap.report.document import Figure, Table
    from mindthegap.report.sections import surveys

    section = surveys.build(ReportContext(study=demo.study, evidence=demo.evidence, n_boot=100))
    figures = [b for b in section.blocks if isinstance(b, Figure)]
    assert [f.title for f in figures] == [
        "NoMAD constructs by service",
        "How each service differs from the rest of the trust",
    ]
    assert all("<svg" in f.svg and f.alt and isinstance(f.table, Table) for f in figures)
    tables = [f.table for f in figures] + [b for b in section.blocks if isinstance(b, Table)]
    for table in tables:
        shown = table.data[~table.data["suppressed"].astype(bool)]
        assert (shown["n"] >= 11).all()
    reliability = tables[-1].data
    assert set(reliability["construct"]) >= {"Coherence", "Collective action"}
    assert surveys.build(ReportContext(study=demo.study, evidence={})) is None
