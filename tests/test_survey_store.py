"""The surveys app: demo answers round-trip through the store and score, all-or-nothing on bad input."""

from __future__ import annotations

import pandas as pd
import pytest

from mindthegap.errors import StoreError


@pytest.fixture
def demo(demo_study):
    return demo_study  # built once for the whole session (tests/conftest.py)


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

    save_all(demo.study, {"surveys": demo.evidence["surveys"]})  # the study, its people and the answers
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


@pytest.mark.slow
def test_report_section_has_radar_forest_and_reliability(demo):
    from mindthegap.report.context import ReportContext
    from mindthegap.report.document import Figure, Table
    from mindthegap.report.sections import surveys

    section = surveys.build(ReportContext(study=demo.study, evidence=demo.evidence, n_boot=100))
    figures = [b for b in section.blocks if isinstance(b, Figure)]
    assert [f.title for f in figures] == [
        "NoMAD constructs by service",
        "How each service differs from the rest of the trust",
        "Change in NoMAD scores, Baseline (spring) to Follow-up (autumn)",
        "Reliability of the NoMAD constructs within each service",
    ]
    assert all("<svg" in f.svg and f.alt and isinstance(f.table, Table) for f in figures)
    tables = [f.table for f in figures] + [b for b in section.blocks if isinstance(b, Table)]
    for table in tables:
        shown = table.data[~table.data["suppressed"].astype(bool)]
        assert (shown["n"] >= 11).all()
    reliability = tables[-1].data
    assert set(reliability["construct"]) >= {"Coherence", "Collective action"}
    by_service = figures[3].table.data
    # raise the threshold so that the smallest service must be hidden (the others still show)
    threshold = int(by_service["n"].min()) + 1
    strict = surveys.build(
        ReportContext(study=demo.study, evidence=demo.evidence, n_boot=100, min_n=threshold)
    )
    per_service = next(
        b for b in strict.blocks if isinstance(b, Figure) and "within each" in b.title
    ).table.data
    assert per_service["suppressed"].any() and per_service["alpha"].notna().any()
    assert (per_service.loc[~per_service["suppressed"], "n"] >= threshold).all()


def test_report_prepost_panel_is_the_paired_change_of_people_in_both_waves(demo):
    """Reference: closed form — mean of each person's follow-up minus baseline coherence score, computed here
    from the stored answers by hand (mean of answered B1–B4), over people who have both scores."""
    from mindthegap.report.context import ReportContext
    from mindthegap.report.document import Figure
    from mindthegap.report.sections import surveys

    section = surveys.build(ReportContext(study=demo.study, evidence=demo.evidence, n_boot=100))
    panel = next(b for b in section.blocks if isinstance(b, Figure) and b.title.startswith("Change"))
    row = panel.table.data.set_index("construct_label").loc["Coherence"]
    answers = demo.evidence["surveys"]
    nomad = answers[(answers.instrument == "nomad") & answers["item"].isin(["B1", "B2", "B3", "B4"])]
    per_person = nomad.groupby(["participant_id", "wave"])["code"].agg(["mean", "count"]).reset_index()
    per_person = per_person[per_person["count"] >= 2].pivot(
        index="participant_id", columns="wave", values="mean"
    )
    change = (per_person["follow_up"] - per_person["baseline"]).dropna()
    assert row["n"] == len(change) and row["mean_change"] == pytest.approx(change.mean(), abs=1e-9)
    assert row["n"] >= 11 and panel.alt and "<svg" in panel.svg
    assert surveys.build(ReportContext(study=demo.study, evidence={})) is None
