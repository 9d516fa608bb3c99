"""The web app: sign-in, per-study access control, dashboards and exports that keep suppression."""

import io

import pandas as pd
import pytest
from django.contrib.auth import get_user_model

from mindthegap.model import Policy, Principle, Study
from mindthegap.store.evidence import save_all
from mindthegap.store.studies.models import StudyAccess, StudyRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored(demo_study):
    save_all(demo_study.study, demo_study.evidence)
    other = Study(
        id="elsewhere", name="Another trust's study", policies=[Policy("p", "Policy", (Principle("a", "A"),))]
    )
    save_all(other, {})
    return StudyRecord.objects.get(slug="northmoor")


@pytest.fixture
def viewer(stored):
    user = get_user_model().objects.create_user("viewer", password="a-long-passphrase-9")
    StudyAccess.objects.create(study=stored, user=user, role=StudyAccess.Role.VIEWER)
    return user


def test_anonymous_people_are_sent_to_sign_in(client, stored):
    response = client.get("/studies/northmoor/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/accounts/login/").status_code == 200


def test_people_see_only_studies_they_were_given(client, viewer):
    client.force_login(viewer)
    listing = client.get("/").content.decode()
    assert "closing the gap" in listing and "Another trust" not in listing
    assert client.get("/studies/elsewhere/").status_code == 404  # not 403: existence is not revealed
    assert client.get("/studies/elsewhere/gap.csv").status_code == 404
    assert client.get("/studies/nope/").status_code == 404


def test_dashboard_shows_the_gap_with_suppressed_cells_marked(client, viewer):
    client.force_login(viewer)
    page = client.get("/studies/northmoor/").content.decode()
    assert "Gap by principle and service" in page
    assert 'class="suppressed"' in page and "<svg" in page
    tables = pd.read_html(io.StringIO(page))
    for table in tables:
        for col in ("n", "Participants", "Pairs"):
            if col in table.columns:
                assert (pd.to_numeric(table[col], errors="coerce").dropna() >= 11).all()


def test_exports_keep_suppression(client, viewer):
    client.force_login(viewer)
    response = client.get("/studies/northmoor/gap.csv")
    assert response["Content-Disposition"].endswith('northmoor-gap.csv"')
    table = pd.read_csv(io.StringIO(response.content.decode()))
    shown = table[~table["suppressed"]]
    assert (shown["n"] >= 11).all()
    assert table.loc[table["suppressed"], "gap"].isna().all()
    report = client.get("/studies/northmoor/report.html")
    assert report.status_code == 200 and b"Importance" in report.content


def test_superusers_see_every_study(client, stored):
    admin = get_user_model().objects.create_superuser("admin", password="another-long-phrase-7")
    client.force_login(admin)
    listing = client.get("/").content.decode()
    assert "closing the gap" in listing and "Another trust" in listing
