"""The store's newer tables in the admin: readable, never changeable; secrets never shown; personal fields
only to superusers."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from collect_fixtures import CONSENT, small_study

pytestmark = pytest.mark.django_db


@pytest.fixture
def session():
    from mindthegap.store.collection.models import ResponseSession
    from mindthegap.store.collection.responses import invite
    from mindthegap.store.collection.setup import create_survey
    from mindthegap.store.evidence import save_all
    from mindthegap.store.studies.models import ParticipantRecord, StudyRecord

    save_all(small_study(), {})
    study = StudyRecord.objects.get(slug="pilot")
    survey = create_survey(study, slug="nomad-w1", instrument="nomad", consent_text=CONSENT, wave="w1")
    invite(survey)
    participant = ParticipantRecord.objects.filter(study=study).first()
    return ResponseSession.objects.create(
        survey=survey, key="secret-session-key-123", participant=participant,
        answers={"A1": "an answer only superusers read"}, client="hashed-address-456",
    )  # fmt: skip


def _staff(name: str, *perms: str):
    user = get_user_model().objects.create_user(name, password="x-long-passphrase-1", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=perms))
    return user


def test_every_newer_store_table_is_in_the_admin():
    from django.apps import apps
    from django.contrib import admin

    from mindthegap.web.admin_store import APPS

    missing = [m.__name__ for label in APPS for m in apps.get_app_config(label).get_models()
               if not admin.site.is_registered(m)]  # fmt: skip
    assert missing == []


def test_superusers_read_a_response_but_never_its_secrets_and_nobody_changes_it(client, session):
    admin_user = get_user_model().objects.create_superuser("root", password="x-long-passphrase-1")
    client.force_login(admin_user)
    listing = client.get("/admin/collection/responsesession/")
    assert listing.status_code == 200
    page = client.get(f"/admin/collection/responsesession/{session.pk}/change/")
    body = page.content.decode()
    assert page.status_code == 200 and "an answer only superusers read" in body
    assert "secret-session-key-123" not in body and "hashed-address-456" not in body
    invitation = session.survey.invitations.first()
    shown = client.get(f"/admin/collection/invitation/{invitation.pk}/change/").content.decode()
    assert invitation.token_hash not in shown and invitation.nonce not in shown
    # read-only: no saving, adding or deleting, even for a superuser
    assert (
        client.post(f"/admin/collection/responsesession/{session.pk}/change/", {"page": 9}).status_code == 403
    )
    assert client.get("/admin/collection/responsesession/add/").status_code == 403
    assert (
        client.post(f"/admin/collection/responsesession/{session.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    session.refresh_from_db()
    assert session.page == 0


def test_staff_with_view_permission_read_without_personal_fields(client, session):
    client.force_login(_staff("clerk", "view_responsesession"))
    page = client.get(f"/admin/collection/responsesession/{session.pk}/change/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "an answer only superusers read" not in body and "secret-session-key-123" not in body
    assert "Easy read" in body  # the non-personal fields are there
    assert client.get("/admin/collection/invitation/").status_code == 403  # no permission for that table
