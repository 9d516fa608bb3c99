"""Every URL that shows study data refuses an anonymous visitor and a person from another study; every
state-changing request without a CSRF token is refused; every refusal is in the audit log.

The URLs are read from the URLconf, so a page added later is covered without touching this file. A page
meant for people without an account (a survey's public link) must be named in ``PUBLIC`` to be let through.
"""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RegexPattern

from mindthegap.model import Participant, Policy, Principle, Service, Study, Wave
from mindthegap.model.levels import Level
from mindthegap.model.study import Role
from mindthegap.store.audit.models import AuditEvent
from mindthegap.store.studies.models import StudyAccess, StudyRecord

pytestmark = pytest.mark.django_db

#: URL names of pages meant for people without an account, which therefore take no sign-in
PUBLIC: set[str] = set()
SAMPLE = {
    "slug": "guarded",
    "int": "1",
    "str": "x",
    "path": "x",
    "uuid": "00000000-0000-0000-0000-000000000000",
}
CONVERTER = re.compile(r"<(?:(?P<kind>\w+):)?(?P<name>\w+)>")


def _routes(patterns=None, prefix: str = ""):
    """(URL with sample values, name, whether it names a study) for every route in the URLconf."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = str(entry.pattern)
        if isinstance(entry.pattern, RegexPattern):  # Django's admin only: no sample can be made generically
            continue
        if isinstance(entry, URLResolver):
            yield from _routes(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern):
            full = prefix + route
            kinds = {m["name"]: m["kind"] or "str" for m in CONVERTER.finditer(full)}
            url = "/" + CONVERTER.sub(lambda m: SAMPLE[m["kind"] or "str"], full)
            yield url, entry.name, "slug" in kinds


def _study(slug: str) -> StudyRecord:
    from mindthegap.store.evidence import save_all

    study = Study(
        id=slug,
        name=slug,
        policies=[Policy("p", "Policy", (Principle("safe", "Safe"),))],
        services=[Service("adults", "Adults")],
        waves=[Wave("w1", "Baseline", 0)],
        participants=[Participant("P-0001", Role.PRACTITIONER, Level.LOCAL_FRONTLINE, service="adults")],
    )
    save_all(study, {})
    return StudyRecord.objects.get(slug=slug)


@pytest.fixture
def studies():
    guarded, other = _study("guarded"), _study("other")
    outsider = get_user_model().objects.create_user("outsider", password="a-long-passphrase-9")
    StudyAccess.objects.create(study=other, user=outsider, role=StudyAccess.Role.OWNER)
    owner = get_user_model().objects.create_user("owner", password="a-long-passphrase-9")
    StudyAccess.objects.create(study=guarded, user=owner, role=StudyAccess.Role.OWNER)
    return guarded, outsider, owner


def _study_urls() -> list[tuple[str, str]]:
    urls = [(url, name) for url, name, study in _routes() if study and name not in PUBLIC]
    assert len(urls) >= 6, urls  # dashboard, report, gap table, suggestions, audit page and its CSV at least
    return urls


def _refusals(path: str, action: str = "refused") -> int:
    return AuditEvent.objects.filter(action=action, detail__path=path).count()


def test_anonymous_visitors_are_refused_every_study_page_and_it_is_recorded(studies):
    client = Client()
    for url, name in _study_urls():
        for method in ("get", "post"):
            before = _refusals(url)
            response = getattr(client, method)(url)
            assert response.status_code in (302, 403, 404, 405), (method, url, name)
            if response.status_code == 302:
                assert response["Location"].startswith("/accounts/login/"), (method, url)
            assert _refusals(url) == before + 1, (method, url)
            assert AuditEvent.objects.filter(detail__path=url).first().actor == "anonymous"


def test_people_from_another_study_are_refused_and_it_is_recorded(studies):
    _, outsider, _ = studies
    client = Client()
    client.force_login(outsider)
    for url, name in _study_urls():
        before = _refusals(url)
        response = client.get(url)
        assert response.status_code in (403, 404), (url, name)
        event = AuditEvent.objects.filter(action="refused", detail__path=url).first()
        assert _refusals(url) == before + 1 and event.actor == "outsider" and event.study == "guarded"


def test_every_post_without_a_csrf_token_is_refused_and_recorded(studies):
    """Every route, study pages or not (sign-in and sign-out included), with the study's owner signed in."""
    _, _, owner = studies
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    urls = [url for url, _, _ in _routes()]
    assert "/accounts/login/" in urls and "/studies/guarded/suggestions/" in urls
    for url in urls:
        logged = resolve_safe(url)
        before = _refusals(logged, "csrf-refused")
        assert client.post(url, {"anything": "1"}).status_code == 403, url
        assert _refusals(logged, "csrf-refused") == before + 1, url


def resolve_safe(url: str) -> str:
    """The path as the audit log keeps it: a credential in a URL (a personal link's key) is never logged."""
    match = resolve(url)
    for name in ("key", "token"):
        if match.kwargs.get(name):
            url = url.replace(f"/{match.kwargs[name]}/", f"/<{name}>/")
    return url


def test_a_personal_links_key_never_reaches_the_log(studies):
    client = Client(enforce_csrf_checks=True)
    client.post("/respond/a-secret-key-1234/", {"anything": "1"})
    assert "a-secret-key-1234" not in json.dumps(list(AuditEvent.objects.values()), default=str)
    assert AuditEvent.objects.filter(action="csrf-refused", detail__path="/respond/<key>/").exists()
