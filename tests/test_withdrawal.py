"""Withdrawn consent in every output: a study where people withdrew after their data were stored must give
exactly the outputs of a twin study that never held their data (report sections, dashboard, report download,
CSV, REFI-QDA export, code suggestions, codebook counts); and consent changes and erasure are atomic."""

from __future__ import annotations

import dataclasses
import io
import zipfile

import pandas as pd
import pytest
from django.contrib.auth import get_user_model
from django.db.models import Q

from mindthegap.errors import StoreError
from mindthegap.store.evidence import load_all, save_all
from mindthegap.store.studies.models import StudyAccess, StudyRecord

pytestmark = pytest.mark.django_db

TWIN = "northmoor-twin"


def _leavers(demo) -> set[str]:
    """Twelve frontline staff who were interviewed (and answered NoMAD), plus everyone who never consented."""
    interviewed = [
        s.metadata["participant"]
        for s in demo.evidence["qualitative"].sources
        if s.metadata.get("level") == "local_frontline" and s.kind == "text"
    ]
    never = {p.id for p in demo.study.participants if not p.consent}
    return set(interviewed[:12]) | never


def _without(evidence: dict, gone: set[str]) -> dict:
    """The demo's evidence as if ``gone`` had never taken part."""
    out = {}
    for kind in ("values_practice", "comments", "surveys", "event_attendance", "event_feedback"):
        frame = evidence[kind]
        out[kind] = frame[~frame["participant_id"].isin(gone)].reset_index(drop=True)
    ties = evidence["network_ties"]
    out["network_ties"] = ties[~ties["participant_id"].isin(gone) & ~ties["alter_id"].isin(gone)]
    if "network_tie_counts" in evidence:  # counts by block name no one: only the leavers' own answers go
        counts = evidence["network_tie_counts"]
        out["network_tie_counts"] = counts[~counts["participant_id"].isin(gone)].reset_index(drop=True)
    for kind in ("events", "event_notes", "headcounts"):  # about events and groups, not people
        out[kind] = evidence[kind]
    project = evidence["qualitative"]
    sources = [s for s in project.sources if s.metadata.get("participant") not in gone]
    kept = {s.guid for s in sources}
    out["qualitative"] = dataclasses.replace(
        project, sources=sources, codings=[c for c in project.codings if c.source in kept]
    )
    delphi = evidence["delphi"]
    out["delphi"] = {
        **delphi,
        **{part: delphi[part][~delphi[part]["rater_id"].isin(gone)] for part in ("panels", "ratings")},
    }
    if (
        "support_use" in evidence
    ):  # unnamed respondents (no participant) stay: they never consented or withdrew
        use = evidence["support_use"]
        out["support_use"] = use[~use["participant_id"].isin(gone)].reset_index(drop=True)
    if "organisations" in evidence:  # facts about organisations, not anyone's evidence: the twin has them too
        out["organisations"] = evidence["organisations"]
    return out


@pytest.fixture(scope="module")
def stored_twins(django_db_setup, django_db_blocker, demo_study):
    """``northmoor``: everything stored, then the leavers withdraw. ``northmoor-twin``: their data never stored.

    Stored once for the module (saving the demo twice is most of these tests' cost); each test runs in its own
    transaction, rolled back after it, so one test's consent changes or erasure never reach the next."""
    from mindthegap.store.studies.consent import set_consent
    from mindthegap.store.studies.repository import delete_study

    gone = _leavers(demo_study)
    with django_db_blocker.unblock():
        save_all(demo_study.study, demo_study.evidence)
        record = StudyRecord.objects.get(slug="northmoor")
        assert set_consent(record, sorted(gone), consent=False) == 12  # the rest had already withdrawn
        twin = dataclasses.replace(
            demo_study.study,
            id=TWIN,
            participants=[
                dataclasses.replace(p, consent=p.id not in gone) for p in demo_study.study.participants
            ],
        )
        save_all(twin, _without(demo_study.evidence, gone))
    yield gone
    with django_db_blocker.unblock():
        delete_study("northmoor")
        delete_study(TWIN)


@pytest.fixture
def twins(stored_twins):
    return StudyRecord.objects.get(slug="northmoor"), StudyRecord.objects.get(slug=TWIN), stored_twins


def _ctx(slug: str, audience: str = "full"):
    from mindthegap.report.context import ReportContext

    study, evidence = load_all(slug)
    # only equality of the two studies' outputs is checked: the fewest resamples the tool takes will do
    return ReportContext(study=study, evidence=evidence, min_n=study.privacy.min_n, n_boot=100)


def test_the_loaders_hand_over_nothing_of_people_who_withdrew(twins):
    _, _, gone = twins
    study, evidence = load_all("northmoor")
    _, twin = load_all(TWIN)
    assert not {p.id for p in study.participants} & gone

    def same(ours: pd.DataFrame, theirs: pd.DataFrame) -> None:  # rows in any order: SQL promises none
        keys = list(ours.columns)
        pd.testing.assert_frame_equal(
            ours.sort_values(keys, ignore_index=True), theirs.sort_values(keys, ignore_index=True)
        )

    for kind in ("participants", "values_practice", "surveys"):
        same(evidence[kind], twin[kind])
    drop = ["comment_id"]  # database ids differ between the two studies
    same(evidence["comments"].drop(columns=drop), twin["comments"].drop(columns=drop))
    for part in ("sources", "codings"):
        same(evidence["qualitative"][part], twin["qualitative"][part])
    assert not set(evidence["qualitative"]["sources"]["participant"]) & gone


def test_the_refi_qda_export_leaves_out_their_transcripts_codings_and_attributes(twins, tmp_path):
    from mindthegap.io.refiqda import write_project
    from mindthegap.store.qualitative.models import SourceRecord
    from mindthegap.store.qualitative.repository import load_project

    record, twin_record, gone = twins
    project, twin = load_project(record), load_project(twin_record)
    assert [s.guid for s in project.sources] == [s.guid for s in twin.sources]
    assert [(c.source, c.code, c.start, c.end, c.coder) for c in project.codings] == [
        (c.source, c.code, c.start, c.end, c.coder) for c in twin.codings
    ]
    write_project(project, tmp_path / "out.qdpx")
    with zipfile.ZipFile(tmp_path / "out.qdpx") as archive:
        exported = " ".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    hidden = SourceRecord.all_objects.filter(study=record, participant__in=gone)
    assert hidden.count() == 12  # still in the database, for a restored consent or an erasure
    for source in hidden:
        assert source.guid not in exported and source.name not in exported
    for pseudonym in gone:
        assert pseudonym not in exported  # not as a case or variable either


def test_codebook_counts_and_code_suggestions_skip_their_sources(twins):
    import numpy as np

    from mindthegap.store.feedback.suggestions import pending_suggestions, store_suggestions
    from mindthegap.store.qualitative.models import CodeRecord
    from mindthegap.store.qualitative.repository import codebook_frame

    record, twin_record, _ = twins
    assert codebook_frame(record)["codings"].tolist() == codebook_frame(twin_record)["codings"].tolist()

    class EveryCode:
        """A model that suggests every code for every text, as sure as the text is long."""

        codebook_ = "test"

        def __init__(self, labels):
            self.labels_ = labels

        def predict_proba(self, texts):
            return np.array([[min(len(t) / 1e4, 1.0)] * len(self.labels_) for t in texts])

        def predict_from_proba(self, proba, texts):
            return proba > 0

    labels = sorted(set(CodeRecord.objects.filter(study=record).values_list("name", flat=True)))[:2]
    stored = store_suggestions(record, EveryCode(labels))
    assert stored == store_suggestions(twin_record, EveryCode(labels)) > 0
    assert pending_suggestions(record).count() == pending_suggestions(twin_record).count() == stored


def test_withdrawn_data_stay_stored_and_a_restored_consent_brings_them_back(twins):
    from mindthegap.store.qualitative.models import CodeRecord, CodingRecord
    from mindthegap.store.qualitative.repository import load_qualitative, merge_codes
    from mindthegap.store.studies.consent import set_consent

    record, _, gone = twins
    before = len(load_qualitative(record)["codings"])
    hidden = CodingRecord.all_objects.filter(source__study=record, source__participant__in=gone)
    assert hidden.count() > 0 and not CodingRecord.objects.filter(pk__in=hidden.values("pk")).exists()
    # a code merge while they are withdrawn moves their codings too, so nothing dangles on a retired code
    first, second = CodeRecord.objects.filter(study=record, parent=None, active=True).order_by("id")[:2]
    merge_codes(record, [first.guid], into=second.guid)
    assert not CodingRecord.all_objects.filter(code=first).exists()
    interviewed = sorted(set(hidden.values_list("source__participant", flat=True)))
    assert set_consent(record, interviewed, consent=True) == 12
    assert len(load_qualitative(record)["codings"]) == before + len(hidden)
    with pytest.raises(StoreError, match="no participant 'NM-NOBODY'"):
        set_consent(record, [interviewed[0], "NM-NOBODY"], consent=False)
    assert CodingRecord.objects.filter(source__participant=interviewed[0]).exists()  # nothing changed


def test_erasing_a_person_deletes_everything_from_them_and_nothing_else(twins):
    from mindthegap.store.feedback.models import Comment
    from mindthegap.store.qualitative.models import CodingRecord, MemoRecord, SourceRecord
    from mindthegap.store.studies.consent import erase_participant
    from mindthegap.store.studies.models import ParticipantRecord, ValuesPracticeRating
    from mindthegap.store.surveys.models import SurveyAnswer

    record, _, gone = twins
    person = next(
        p
        for p in sorted(gone)
        if SourceRecord.all_objects.filter(study=record, participant=p).exists()
        and SurveyAnswer.all_objects.filter(participant__pseudonym=p).exists()
    )
    source = SourceRecord.all_objects.get(study=record, participant=person)
    coding = CodingRecord.all_objects.filter(source=source).first()
    MemoRecord.objects.create(study=record, target=source.guid, text="she said her manager …")
    MemoRecord.objects.create(study=record, target=coding.guid, text="a telling passage")
    MemoRecord.objects.create(study=record, target="", text="a note on the project")
    totals = {
        model: model.all_objects.count()
        for model in (
            ParticipantRecord,
            ValuesPracticeRating,
            SurveyAnswer,
            Comment,
            SourceRecord,
            CodingRecord,
        )
    }
    mine = {"participant__study": record, "participant__pseudonym": person}
    theirs = {
        ValuesPracticeRating: ValuesPracticeRating.all_objects.filter(**mine).count(),
        SurveyAnswer: SurveyAnswer.all_objects.filter(**mine).count(),
        SourceRecord: 1,
        CodingRecord: CodingRecord.all_objects.filter(source=source).count(),
        ParticipantRecord: 1,
        Comment: Comment.all_objects.filter(**mine).count(),
    }
    # memos on their source are hidden while they are withdrawn, the project memo is not
    assert list(MemoRecord.objects.filter(study=record).values_list("text", flat=True)) == [
        "a note on the project"
    ]
    counts = erase_participant(record, person)
    assert counts["memos"] == 2 and counts["sources"] == 1 and counts["participants"] == 1
    for model, n in theirs.items():
        assert model.all_objects.count() == totals[model] - n
    assert not ParticipantRecord.all_objects.filter(study=record, pseudonym=person).exists()
    assert MemoRecord.all_objects.filter(study=record).count() == 1
    with pytest.raises(StoreError, match="nothing was erased"):
        erase_participant(record, person)


def test_an_update_that_changes_more_than_consent_changes_nothing(twins):
    from mindthegap.store.studies.consent import update_participants
    from mindthegap.store.studies.models import ParticipantRecord
    from mindthegap.store.studies.repository import load_study

    record, _, gone = twins
    everyone = {p.id: p for p in load_study("northmoor", include_withdrawn=True).participants}
    back = everyone[sorted(gone)[0]]
    moved = next(p for p in everyone.values() if p.consent and p.service and p.id != back.id)
    other = next(s.id for s in load_study("northmoor").services if s.id != moved.service)
    people = [dataclasses.replace(back, consent=True), dataclasses.replace(moved, service=other, team=None)]
    with pytest.raises(StoreError, match=f"participant {moved.id!r} is stored with"):
        update_participants(record, people)
    assert not ParticipantRecord.all_objects.get(study=record, pseudonym=back.id).consent
    from mindthegap.model import Level, Participant, Role

    new = Participant(id="NM-NEWONE", role=Role.CARER, level=Level.PEOPLE_AND_CARERS, consent=False)
    counts = update_participants(record, [dataclasses.replace(back, consent=True), everyone[moved.id], new])
    assert counts == {"added": 1, "withdrawn": 0, "restored": 1, "unchanged": 1}
    assert ParticipantRecord.objects.filter(study=record, pseudonym=back.id).exists()
    assert not ParticipantRecord.objects.filter(study=record, pseudonym="NM-NEWONE").exists()


@pytest.fixture
def analyst(twins):
    record, twin, _ = twins
    user = get_user_model().objects.create_user("analyst", password="a-long-passphrase-9")
    for study in (record, twin):
        StudyAccess.objects.create(study=study, user=user, role=StudyAccess.Role.ANALYST)
    return user


@pytest.mark.slow
def test_every_report_section_on_the_web_and_in_the_download_is_as_if_they_had_never_taken_part(
    client, analyst
):
    """The dashboard is every report section rendered (code counts — "raised each code" —, framework quotes,
    NoMAD reliability n and Hedges' g n, comment counts, the participation table …) with its summary lines:
    compared whole with the twin's, then the gap CSV and the downloadable report's body (executive summary and
    methods too). Built with the suite's fewer resamples (tests/conftest.py): equality does not need more."""
    client.force_login(analyst)
    ours, theirs = client.get("/studies/northmoor/"), client.get(f"/studies/{TWIN}/")
    assert ours.context["contents"] == theirs.context["contents"]
    assert {"qualitative", "surveys", "text", "consensus", "pressures"} <= {
        i for i, _ in ours.context["contents"]
    }
    assert ours.context["summary"] == theirs.context["summary"]
    assert str(ours.context["fragment"]) == str(theirs.context["fragment"])
    csv = client.get("/studies/northmoor/gap.csv").content
    assert csv == client.get(f"/studies/{TWIN}/gap.csv").content
    assert len(pd.read_csv(io.BytesIO(csv))) > 0

    def body(slug: str) -> str:  # the report's generation time is the only thing allowed to differ
        html = client.get(f"/studies/{slug}/report.html").content.decode()
        return html[html.index("<main") :]

    assert body("northmoor") == body(TWIN)


def test_erasing_a_person_counts_all_that_went_with_them(twins):
    """The erasure's summary (printed, and in the audit log) names everything deleted with the person, not only
    ratings and answers. Reference: rows counted directly before, and none left after."""
    from mindthegap.store.delphi.models import Rating
    from mindthegap.store.events.models import Attendance, NetworkTie, NetworkTieCount
    from mindthegap.store.studies.consent import erase_participant

    record, _, gone = twins
    mine = {"participant__study": record}
    person = next(
        p
        for p in sorted(gone)
        if NetworkTieCount.all_objects.filter(**mine, participant__pseudonym=p).exists()
        and Attendance._base_manager.filter(**mine, participant__pseudonym=p).exists()
    )
    who = {**mine, "participant__pseudonym": person}
    ties = NetworkTie.all_objects.filter(study=record).filter(
        Q(participant__pseudonym=person) | Q(alter__pseudonym=person)
    )
    before = {
        "event_attendance": Attendance._base_manager.filter(**who).count(),
        "network_ties": ties.count(),
        "network_tie_counts": NetworkTieCount.all_objects.filter(**who).count(),
        "delphi_ratings": Rating._base_manager.filter(**who).count(),
    }
    assert before["network_tie_counts"] > 0 and before["event_attendance"] > 0
    counts = erase_participant(record, person)
    assert {k: counts[k] for k in before} == before
    assert {"event_feedback", "support_uses"} <= set(counts)
    assert not NetworkTieCount.all_objects.filter(**who).exists() and not ties.exists()
