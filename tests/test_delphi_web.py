"""The consensus page of the web app: same sections, same plan and access rules as the dashboard."""

import pytest
from django.contrib.auth import get_user_model

from mindthegap.store.evidence import save_all
from mindthegap.store.studies.models import StudyAccess, StudyRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer(demo_study):
    evidence = {k: demo_study.evidence[k] for k in ("delphi", "comments")}
    save_all(demo_study.study, evidence)
    user = get_user_model().objects.create_user("viewer", password="a-long-passphrase-9")
    StudyAccess.objects.create(study=StudyRecord.objects.get(slug="northmoor"), user=user, role="viewer")
    return user


def test_the_consensus_page_shows_groups_levers_and_pressures(client, viewer):
    assert client.get("/studies/northmoor/consensus/").status_code == 302  # sign in first
    client.force_login(viewer)
    page = client.get("/studies/northmoor/consensus/").content.decode()
    assert "Consensus by stakeholder group" in page and "Where the stakeholder groups part" in page
    assert "Lever × group matrix" in page and "Pressures by level of the system" in page
    assert "Payment: " in page  # policymakers and practitioners part on the payment lever
    assert client.get("/studies/elsewhere/consensus/").status_code == 404
