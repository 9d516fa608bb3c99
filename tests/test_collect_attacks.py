"""Bad input and attack on web collection: tampered, revoked and reused links, double submission, a closed
survey, tampered answers, script in free text, other studies' links, requests without a CSRF token. Each is
refused (or made inert), stores nothing twice, and is recorded through the audit hook."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from collect_fixtures import CONSENT, nomad_answers, small_study
from mindthegap.web.collect import audit_hook

pytestmark = pytest.mark.django_db


@pytest.fixture
def study():
    from mindthegap.store.evidence import save_all
    from mindthegap.store.studies.models import StudyRecord

    save_all(small_study(), {})
    save_all(small_study("other", n=12), {})
    return StudyRecord.objects.get(slug="pilot")


def _survey(study, slug="nomad-w1", instrument="nomad", **kw):
    from mindthegap.store.collection.setup import create_survey

    return create_survey(study, slug=slug, instrument=instrument, consent_text=CONSENT, wave="w1", **kw)


def _links(survey):
    from mindthegap.store.collection.responses import invite

    return {pid: f"/respond/{token}/" for pid, token in invite(survey)}


def _answer_all(client, link, *, last="submit"):
    client.post(link, {"consent": "yes"})
    for number in range(1, 5):
        client.post(f"{link}{number}/", {**nomad_answers(), "action": "next"})
    return client.post(f"{link}5/", {**nomad_answers(), "action": last})


def _refused(action: str) -> bool:
    return any(e["action"] == action and e["outcome"] == "refused" for e in audit_hook.RECENT)


def _stored(study) -> int:
    from mindthegap.store.surveys.models import SurveyAnswer

    return SurveyAnswer.all_objects.filter(instrument__study=study).count()


def test_tampered_guessed_and_revoked_tokens_are_not_found_and_logged(client, study):
    from mindthegap.store.collection.models import Invitation

    link = _links(_survey(study))["P-001"]
    token = link.split("/")[2]
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    audit_hook.RECENT.clear()
    assert client.get(f"/respond/{tampered}/").status_code == 404
    assert client.get("/respond/short/").status_code == 404
    assert client.post(f"/respond/{tampered}/1/", nomad_answers()).status_code == 404
    assert _refused("collect.token.unknown")
    Invitation.objects.update(revoked=True)
    assert client.get(link).status_code == 404 and _refused("collect.token.revoked")


def test_a_submitted_link_cannot_store_again_by_retry_back_button_or_second_tab(study):
    from mindthegap.store.collection import responses
    from mindthegap.store.collection.models import ResponseSession

    survey = _survey(study)
    link = _links(survey)["P-002"]
    first, second = Client(), Client()
    assert _answer_all(first, link).status_code == 302
    stored = _stored(study)
    assert stored == 23
    audit_hook.RECENT.clear()
    retried = first.post(f"{link}5/", {**nomad_answers(), "action": "submit"})  # a retried POST
    assert retried.status_code == 200 and "already been sent" in retried.content.decode()
    assert second.post(f"{link}3/", {**nomad_answers(), "action": "next"}).status_code == 200  # second tab
    assert second.get(link).status_code == 200 and _refused("collect.link.reused")
    assert _refused("collect.submit.repeat")
    session = ResponseSession.objects.get(survey=survey, invitation__participant__pseudonym="P-002")
    assert responses.submit(session) is False  # the library refuses too, whatever the view does
    assert _stored(study) == stored


def test_a_closed_or_not_yet_open_survey_refuses_and_stores_nothing(client, study):
    survey = _survey(study)
    link = _links(survey)["P-003"]
    client.post(link, {"consent": "yes"})
    client.post(f"{link}1/", {**nomad_answers(), "action": "next"})
    survey.closes_at = timezone.now() - dt.timedelta(minutes=1)
    survey.save()
    audit_hook.RECENT.clear()
    assert client.get(link).status_code == 410
    assert client.post(f"{link}5/", {**nomad_answers(), "action": "submit"}).status_code == 410
    assert _refused("collect.closed") and _stored(study) == 0
    survey.closes_at, survey.opens_at = None, timezone.now() + dt.timedelta(days=1)
    survey.save()
    assert client.get(link).status_code == 410


def test_answers_not_offered_are_refused_with_an_error_summary_linking_to_each_field(client, study):
    link = _links(_survey(study))["P-004"]
    client.post(link, {"consent": "yes"})
    page = client.post(f"{link}1/", {"q1": "11", "q2": "<script>", "action": "next"})
    html = page.content.decode()
    assert page.status_code == 400 and "There is a problem" in html
    for field in ("q1", "q2", "q3"):
        assert f'href="#{field}-0"' in html and f'id="{field}-0"' in html
    assert "<script>" not in html
    assert _refused("collect.page.invalid")


def test_script_and_formulas_in_free_text_are_inert_on_the_page_and_in_exports(study):
    import pandas as pd

    from mindthegap.store.collection.exports import export_responses

    survey = _survey(study, slug="feedback", instrument="event_feedback")
    link = _links(survey)["P-005"]
    client = Client()
    client.post(link, {"consent": "yes"})
    evil = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    client.post(f"{link}1/", {"q1": "4", "q2": "4", "q3": "4", "action": "next"})
    client.post(f"{link}2/", {"q4": "5", "action": "next"})
    page = client.post(f"{link}3/", {"q5": evil, "action": "back"})
    html = client.get(f"{link}3/").content.decode()
    assert page.status_code == 302 and "<script>alert" not in html and "&lt;script&gt;alert(1)" in html
    client.post(f"{link}3/", {"q5": '=HYPERLINK("http://x","click")', "action": "submit"})
    frame = pd.read_csv(__import__("io").BytesIO(export_responses(survey, "csv")))
    assert frame.loc[0, "EF5"].startswith("'=HYPERLINK")


def test_other_studies_and_anonymous_people_cannot_reach_a_survey_s_pages(client, study):
    from django.contrib.auth import get_user_model

    from mindthegap.store.studies.models import StudyAccess, StudyRecord

    _survey(study)
    urls = [
        "/studies/pilot/surveys/", "/studies/pilot/surveys/new/", "/studies/pilot/surveys/nomad-w1/",
        "/studies/pilot/surveys/nomad-w1/mailing-list.csv", "/studies/pilot/surveys/nomad-w1/reminders.csv",
        *(f"/studies/pilot/surveys/nomad-w1/responses.{fmt}" for fmt in ("csv", "xlsx", "sav")),
    ]  # fmt: skip
    for url in urls:
        assert client.get(url).status_code == 302  # to sign-in
    outsider = get_user_model().objects.create_user("outsider", password="a-long-passphrase-9")
    StudyAccess.objects.create(study=StudyRecord.objects.get(slug="other"), user=outsider, role="owner")
    client.force_login(outsider)
    audit_hook.RECENT.clear()
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert client.get("/studies/other/surveys/nomad-w1/").status_code == 404  # the survey is not the other's
    assert sum(e["action"] == "collect.owner.denied" for e in audit_hook.RECENT) == len(urls) + 1
    viewer = get_user_model().objects.create_user("viewer", password="a-long-passphrase-9")
    StudyAccess.objects.create(study=study, user=viewer, role="viewer")
    client.force_login(viewer)
    assert client.get(urls[2]).status_code == 404  # viewers read aggregates in reports, not respondents' rows


def test_posts_without_a_csrf_token_are_refused(study):
    from django.contrib.auth import get_user_model

    from mindthegap.store.collection.models import Survey
    from mindthegap.store.studies.models import StudyAccess

    link = _links(_survey(study))["P-006"]
    strict = Client(enforce_csrf_checks=True)
    assert strict.get(link).status_code == 200
    assert strict.post(link, {"consent": "yes"}).status_code == 403
    assert strict.post(f"{link}1/", {**nomad_answers(), "action": "next"}).status_code == 403
    assert _stored(study) == 0
    owner = get_user_model().objects.create_user("owner", password="a-long-passphrase-9")
    StudyAccess.objects.create(study=study, user=owner, role="owner")
    strict.force_login(owner)
    form = {"slug": "x", "instrument": "nomad", "mode": "open", "consent_text": CONSENT,
            "open_level": "local_frontline", "open_role": "other"}  # fmt: skip
    assert strict.post("/studies/pilot/surveys/new/", form).status_code == 403
    assert not Survey.objects.filter(slug="x").exists()


def test_an_open_link_takes_one_response_per_browser_and_is_rate_limited(settings, study):
    from mindthegap.store.collection.models import ResponseSession

    survey = _survey(study, slug="open", mode="open", open_service="adult")
    link = f"/open/{survey.public_key}/"
    browser = Client()
    assert _answer_all(browser, link).status_code == 302
    assert "already been sent" in browser.get(link).content.decode()
    assert _stored(study) == 23
    settings.COLLECT_OPEN_STARTS_PER_HOUR = ResponseSession.objects.filter(survey=survey).count() + 1
    assert Client().post(link, {"consent": "yes"}).status_code == 302
    audit_hook.RECENT.clear()
    assert Client().post(link, {"consent": "yes"}).status_code == 429 and _refused(
        "collect.open.rate_limited"
    )
    assert Client().get(f"/open/{survey.public_key[:-2]}xx/").status_code == 404
    personal = _survey(study, slug="personal")
    assert (
        Client().get(f"/open/{personal.public_key}/").status_code == 404
    )  # personal surveys have no open link


def test_neutralise_formulas_prefixes_only_text_a_spreadsheet_would_run():
    """Hand-worked: each formula-starting character of OWASP's list is prefixed; numbers and other text are not."""
    import pandas as pd

    from mindthegap.io.tables import neutralise_formulas

    frame = pd.DataFrame(
        {"text": ["=1+1", "+44 20", "-x", "@SUM(A1)", "\tcmd", "plain", None], "n": range(-3, 4)}
    )
    out = neutralise_formulas(frame)
    assert out["text"].tolist()[:6] == ["'=1+1", "'+44 20", "'-x", "'@SUM(A1)", "'\tcmd", "plain"]
    assert out["text"].isna().iloc[-1] and out["n"].tolist() == list(range(-3, 4))
    assert frame["text"].iloc[0] == "=1+1"  # a copy: the caller's frame is unchanged


def test_a_withdrawn_participant_s_link_no_longer_opens(client, study):
    from mindthegap.store.studies.models import ParticipantRecord

    link = _links(_survey(study))["P-007"]
    ParticipantRecord.all_objects.filter(study=study, pseudonym="P-007").update(consent=False)
    audit_hook.RECENT.clear()
    assert client.get(link).status_code == 404 and _refused("collect.token.withdrawn")
