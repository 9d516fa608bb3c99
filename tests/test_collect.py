"""Web collection: the form engine's pages, a respondent's way through them, and answers landing in the
survey tables that every analysis reads.

References: the stored answers are compared with the answers posted (hand-worked: the same codes, items and
participant), and the NoMAD construct scores computed from them with scoring done by hand on the same codes.
"""

from __future__ import annotations

import pytest

from collect_fixtures import CONSENT, nomad_answers, small_study, token_of
from mindthegap.frameworks.instruments import load_instrument
from mindthegap.store.collection.pages import pages

pytestmark = pytest.mark.django_db


@pytest.fixture
def study():
    from mindthegap.store.evidence import save_all
    from mindthegap.store.studies.models import StudyRecord

    save_all(small_study(), {})
    return StudyRecord.objects.get(slug="pilot")


@pytest.fixture
def nomad(study):
    from mindthegap.store.collection.setup import create_survey

    return create_survey(study, slug="nomad-w1", instrument="nomad", consent_text=CONSENT, wave="w1")


def links(survey) -> dict[str, str]:
    from mindthegap.store.collection.responses import invite

    return {pid: f"/respond/{token}/" for pid, token in invite(survey)}


def test_nomad_has_a_page_per_section_and_part_a_first():
    nomad = load_instrument("nomad")
    found = pages(nomad)
    assert [p.title for p in found] == [
        "Part A", "Coherence", "Cognitive participation", "Collective action", "Reflexive monitoring",
    ]  # fmt: skip
    assert [len(p.items) for p in found] == [3, 4, 4, 7, 5]
    assert [i.id for p in found for i in p.items] == [i.id for i in nomad.items]


def test_a_respondent_answers_every_page_and_the_answers_land_in_the_survey_tables(client, nomad):
    from mindthegap.store.surveys.repository import answers_frame

    link = links(nomad)["P-001"]
    page = client.get(link)
    assert page.status_code == 200 and CONSENT in page.content.decode()
    assert client.post(link, {"consent": "yes"})["Location"] == f"{link}1/"
    body = nomad_answers()
    for number in range(1, 5):
        response = client.post(f"{link}{number}/", {**body, "action": "next"})
        assert response.status_code == 302 and response["Location"] == f"{link}{number + 1}/"
    response = client.post(f"{link}5/", {**body, "action": "submit"})
    assert response["Location"] == f"{link}done/"
    assert "Thank you" in client.get(f"{link}done/").content.decode()
    stored = answers_frame(nomad.study)
    assert len(stored) == 23 and set(stored["participant_id"]) == {"P-001"} and set(stored["wave"]) == {"w1"}
    codes = stored.set_index("item")["code"]
    assert codes["A1"] == 7 and codes["B10"] == 4 and (codes.drop(["A1", "A2", "A3"]) == 4).all()


def test_reverse_keyed_items_and_constructs_are_not_revealed_to_respondents(client, nomad):
    link = links(nomad)["P-002"]
    client.post(link, {"consent": "yes"})
    html = client.get(f"{link}4/").content.decode()
    assert "Upsets working relationships" in html  # the reversed item is asked like any other
    for secret in ("reverse", "B10", "collective_action", "relational"):
        assert secret not in html


def test_save_and_resume_from_another_device_with_the_personal_link(client, nomad):
    from django.test import Client

    link = links(nomad)["P-003"]
    client.post(link, {"consent": "yes"})
    client.post(f"{link}1/", {"q1": "3", "q2": "5", "q3": "8", "action": "next"})
    saved = client.post(f"{link}2/", {"q4": "2", "action": "save"})
    assert "Your answers are saved" in saved.content.decode()
    other = Client()
    assert other.get(link)["Location"] == f"{link}2/"  # the first page not finished
    page = other.get(f"{link}2/").content.decode()
    assert 'id="q4-1" name="q4" value="2" checked' in page
    assert 'value="3" checked' in other.get(f"{link}1/").content.decode()
    response = other.post(f"{link}2/", {"action": "next"})  # nothing chosen on a page that needs answers
    assert response.status_code == 400 and "There is a problem" in response.content.decode()


def test_submitting_with_a_page_unanswered_returns_to_that_page(client, nomad):
    link = links(nomad)["P-004"]
    client.post(link, {"consent": "yes"})
    client.post(f"{link}1/", {**nomad_answers(), "action": "next"})
    response = client.post(f"{link}5/", {**nomad_answers(), "action": "submit"})
    assert response["Location"] == f"{link}2/"
    from mindthegap.store.surveys.models import SurveyAnswer

    assert SurveyAnswer.all_objects.count() == 0


def test_not_relevant_answers_are_stored_as_missing_never_as_a_score(client, nomad):
    from mindthegap.store.surveys.repository import answers_frame

    link = links(nomad)["P-005"]
    client.post(link, {"consent": "yes"})
    for number in range(1, 5):
        client.post(f"{link}{number}/", {**nomad_answers(choice="m1"), "action": "next"})
    client.post(f"{link}5/", {**nomad_answers(choice="m1"), "action": "submit"})
    stored = answers_frame(nomad.study).set_index("item")["code"]
    assert stored[["A1", "A2", "A3"]].tolist() == [7, 7, 7] and stored.drop(["A1", "A2", "A3"]).isna().all()


def test_easy_read_wording_and_symbols_can_be_switched_on(client, study):
    from mindthegap.store.collection.setup import create_survey

    survey = create_survey(study, slug="copro", instrument="coproduction", consent_text=CONSENT, mode="open")
    link = f"/open/{survey.public_key}/"
    client.post(link, {"consent": "yes"})
    standard = client.get(f"{link}1/").content.decode()
    assert "People&#x27;s skills are valued" in standard and "Strongly agree" in standard
    easy = client.get(f"{link}1/?easy=1").content.decode()
    assert "Staff think my skills are useful." in easy and "✓✓ Yes, a lot" in easy
    assert "Staff think my skills" in client.get(f"{link}1/").content.decode()  # the choice is remembered


def test_a_values_practice_survey_feeds_the_gap_analysis(client, study):
    from mindthegap.store.collection.setup import create_survey
    from mindthegap.store.studies.repository import values_practice_frame

    survey = create_survey(study, slug="vp", instrument="values_practice", consent_text=CONSENT, wave="w1")
    link = links(survey)["P-006"]
    client.post(link, {"consent": "yes"})
    client.post(f"{link}1/", {"q1": "5", "q2": "2", "action": "next"})
    client.post(f"{link}2/", {"q3": "4", "q4": "na", "action": "submit"})
    frame = values_practice_frame(study).set_index("principle")
    assert frame.loc["safe", ["value", "practice"]].tolist() == [5, 2]
    assert frame.loc["kind", "value"] == 4 and frame.loc["kind"].isna()["practice"]


def _respond(survey, pids):
    from django.test import Client

    for pid, link in links(survey).items():
        if pid not in pids:
            continue
        c = Client()
        c.post(link, {"consent": "yes"})
        for number in range(1, 5):
            c.post(f"{link}{number}/", {**nomad_answers(), "action": "next"})
        c.post(f"{link}5/", {**nomad_answers(), "action": "submit"})


def test_tracking_shows_response_rates_with_small_groups_suppressed(client, nomad):
    """Hand-worked: 40 invited (30 adult, 10 older; 20 nursing, 20 OT); the 32 whose number is not a multiple
    of 5 answer (24 adult, 8 older; 16 nursing, 16 OT)."""
    from mindthegap.store.collection.tracking import response_rates, study_plan

    _respond(nomad, {f"P-{i:03d}" for i in range(40) if i % 5})
    plan = study_plan(nomad)
    service = response_rates(nomad, plan, "service").set_index("service")
    assert service.loc["All", ["invited", "responded"]].tolist() == [40, 32]
    assert service.loc["All", "rate"] == pytest.approx(0.8)
    # older people: 10 invited, fewer than 11, so hidden, and adult with it (All − adult would give it away)
    assert service.loc["older", "suppressed"] and service.loc["adult", "suppressed"]
    discipline = response_rates(nomad, plan, "discipline").set_index("discipline")
    assert discipline.loc["nursing", ["invited", "responded"]].tolist() == [20, 16]
    assert discipline.loc["ot", "rate"] == pytest.approx(16 / 20)
    from django.contrib.auth import get_user_model

    from mindthegap.store.studies.models import StudyAccess

    owner = get_user_model().objects.create_user("owner", password="a-long-passphrase-9")
    StudyAccess.objects.create(study=nomad.study, user=owner, role="owner")
    client.force_login(owner)
    html = client.get("/studies/pilot/surveys/nomad-w1/").content.decode()
    assert "80%" in html and 'class="suppressed"' in html and "Mailing list" in html


def test_exports_carry_every_answer_and_spss_value_labels(client, nomad, tmp_path):
    import pyreadstat

    from mindthegap.store.collection.exports import export_responses

    _respond(nomad, {"P-010", "P-011"})
    path = tmp_path / "r.sav"
    path.write_bytes(export_responses(nomad, "sav"))
    frame, meta = pyreadstat.read_sav(path)
    assert frame["participant_id"].tolist() == ["P-010", "P-011"] and (frame["B10"] == 4).all()
    assert meta.variable_value_labels["B10"][5.0] == "Strongly agree"
    assert meta.column_names_to_labels["B10"] == "Upsets working relationships"
    import io

    import pandas as pd

    xlsx = pd.read_excel(io.BytesIO(export_responses(nomad, "xlsx")))
    assert xlsx.shape == (2, 6 + 23) and (xlsx["A1"] == 7).all()


def test_mailing_list_links_are_stable_and_reminders_list_who_has_not_answered(client, nomad):
    from django.contrib.auth import get_user_model

    from mindthegap.store.studies.models import StudyAccess

    owner = get_user_model().objects.create_user("owner", password="a-long-passphrase-9")
    StudyAccess.objects.create(study=nomad.study, user=owner, role="owner")
    client.force_login(owner)
    first = client.get("/studies/pilot/surveys/nomad-w1/mailing-list.csv").content.decode()
    assert first == client.get("/studies/pilot/surveys/nomad-w1/mailing-list.csv").content.decode()
    rows = first.strip().splitlines()
    assert rows[0] == "participant_id,link" and len(rows) == 41 and "http://testserver/respond/" in rows[1]
    _respond(nomad, {"P-000", "P-001"})
    reminders = client.get("/studies/pilot/surveys/nomad-w1/reminders.csv").content.decode().splitlines()
    assert len(reminders) == 39 and not any(r.startswith(("P-000,", "P-001,")) for r in reminders)
    assert token_of(rows[3]) in "".join(reminders)


def test_the_command_line_creates_a_survey_and_writes_its_lists(tmp_path, monkeypatch, study):
    from typer.testing import CliRunner

    from mindthegap.cli.main import app
    from mindthegap.store.collection.models import Survey

    consent = tmp_path / "consent.txt"
    consent.write_text(CONSENT, encoding="utf-8")
    monkeypatch.setenv("MINDTHEGAP_SECRET_KEY", "test-secret")
    monkeypatch.setattr("mindthegap.store.database.open_store", lambda: "test database")
    runner = CliRunner()
    made = runner.invoke(app, ["collect", "create", "pilot", "nomad-w2", "--instrument", "nomad",
                               "--consent", str(consent), "--wave", "w2", "--closes", "2099-01-31"])  # fmt: skip
    assert made.exit_code == 0, made.output
    survey = Survey.objects.get(slug="nomad-w2")
    assert survey.wave.slug == "w2" and survey.closes_at.year == 2099
    out = tmp_path / "links.csv"
    listed = runner.invoke(app, ["collect", "links", "pilot", "nomad-w2", "--base-url", "https://s.example/",
                                 "--out", str(out)])  # fmt: skip
    assert listed.exit_code == 0, listed.output
    lines = out.read_text().splitlines()
    assert len(lines) == 41 and lines[1].startswith("P-000,https://s.example/respond/")
    bad = runner.invoke(app, ["collect", "responses", "pilot", "nomad-w2", "--out", str(tmp_path / "r.pdf")])
    assert bad.exit_code != 0


def test_deleting_a_study_deletes_its_surveys_and_sessions(client, nomad):
    from mindthegap.store.collection.models import Invitation, ResponseSession, Survey
    from mindthegap.store.studies.repository import delete_study

    _respond(nomad, {"P-001"})
    delete_study("pilot")
    assert not Survey.objects.exists() and not Invitation.objects.exists()
    assert not ResponseSession.objects.exists()


def test_an_owner_puts_a_survey_on_the_web_from_the_browser(client, study):
    from django.contrib.auth import get_user_model

    from mindthegap.store.collection.models import Survey
    from mindthegap.store.studies.models import StudyAccess

    owner = get_user_model().objects.create_user("owner", password="a-long-passphrase-9")
    StudyAccess.objects.create(study=study, user=owner, role="owner")
    analyst = get_user_model().objects.create_user("analyst", password="a-long-passphrase-9")
    StudyAccess.objects.create(study=study, user=analyst, role="analyst")
    form = {"slug": "vp-w2", "instrument": "values_practice", "wave": "", "mode": "open",
            "consent_text": CONSENT, "open_level": "people_and_carers", "open_role": "service_user"}  # fmt: skip
    client.force_login(analyst)
    assert client.post("/studies/pilot/surveys/new/", form).status_code == 404  # owners only
    client.force_login(owner)
    assert "Put a new survey on the web" in client.get("/studies/pilot/surveys/").content.decode()
    refused = client.post("/studies/pilot/surveys/new/", form)  # values–practice needs a wave
    assert refused.status_code == 400 and "needs a wave" in refused.content.decode()
    made = client.post("/studies/pilot/surveys/new/", {**form, "wave": "w2"})
    assert made["Location"] == "/studies/pilot/surveys/vp-w2/"
    survey = Survey.objects.get(slug="vp-w2")
    assert survey.mode == "open" and survey.open_level == "people_and_carers" and survey.wave.slug == "w2"


def test_easy_read_wording_survives_the_definition_a_study_stores():
    from mindthegap.frameworks.instruments import instrument_definition, parse_instrument

    copro = load_instrument("coproduction")
    again = parse_instrument(instrument_definition(copro))
    assert again == copro and again.item("CP1").easy_read == "Staff think my skills are useful."
    assert again.scales["agree5"].symbols[5] == "✓✓"


def test_one_participant_answers_both_waves_and_the_answers_pair_up(nomad):
    from mindthegap.store.collection.exports import responses_table
    from mindthegap.store.collection.setup import create_survey
    from mindthegap.store.surveys.repository import answers_frame

    follow_up = create_survey(
        nomad.study, slug="nomad-w2", instrument="nomad", consent_text=CONSENT, wave="w2"
    )
    _respond(nomad, {"P-008"})
    _respond(follow_up, {"P-008"})
    stored = answers_frame(nomad.study)
    assert stored.groupby("wave")["participant_id"].unique().map(list).to_dict() == {
        "w1": ["P-008"],
        "w2": ["P-008"],
    }
    assert len(stored) == 46
    assert responses_table(follow_up)["wave"].tolist() == ["w2"]  # each survey exports its own wave only


def test_no_nomad_barrier_when_every_construct_is_high():
    """A pilot whose NoMAD answers are all high (as web respondents' may be) has no barrier, and the dashboard's
    strategies section must not fail on the empty table (hand-worked: every mean ≥ 3.5)."""
    import pandas as pd

    from mindthegap.analysis.strategies import BARRIER_COLUMNS, barriers_from_nomad

    means = pd.DataFrame({"service": ["adult", "older"], "construct": ["coherence"] * 2, "mean": [4.0, 3.5]})
    means["construct"] = means["construct"].astype("string[pyarrow]")
    found = barriers_from_nomad(means, case="service")
    assert found.empty and list(found.columns) == BARRIER_COLUMNS
    low = barriers_from_nomad(means.assign(mean=[2.5, 3.2]), case="service")
    assert low["severity"].tolist() == [2, 1] and low["evidence"].iloc[0] == "NoMAD coherence mean 2.50"
