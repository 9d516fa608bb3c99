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
