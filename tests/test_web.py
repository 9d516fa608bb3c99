"""The web app: sign-in, per-study access control, dashboards and exports that keep suppression."""

import base64
import hashlib
import io
import re

import pandas as pd
import pytest
from django.contrib.auth import get_user_model

from mindthegap.model import Policy, Principle, Study
from mindthegap.store.evidence import save_all
from mindthegap.store.studies.models import StudyAccess, StudyRecord

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def stored_once(django_db_setup, django_db_blocker, demo_study):
    """The demo study and another trust's, stored once for the module (saving the demo is seconds each time),
    deleted at its end. Each test still runs in its own transaction, rolled back after it. A dashboard or
    download built by one test is read from the cache by a later one asking for the same audience at the same
    data version, as the web app itself would serve it."""
    from mindthegap.store.studies.repository import delete_study

    with django_db_blocker.unblock():
        save_all(demo_study.study, demo_study.evidence)
        other = Study(
            id="elsewhere",
            name="Another trust's study",
            policies=[Policy("p", "Policy", (Principle("a", "A"),))],
        )
        save_all(other, {})
    yield
    with django_db_blocker.unblock():
        delete_study("northmoor")
        delete_study("elsewhere")


@pytest.fixture
def stored(stored_once):
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


@pytest.mark.slow
def test_pages_carry_no_inline_script_and_only_the_charts_hashed_style(client, viewer):
    """Every <style> element on the dashboard (matplotlib's rule inside each chart) matches a hash in the
    policy; no page has a <script> element or an event-handler attribute. The dashboard is the one served to
    viewers (from the cache when a test above built it: what the server sends either way)."""
    from tests.test_web_security import _policy

    client.force_login(viewer)
    for url in ("/accounts/login/", "/", "/studies/northmoor/"):
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert "<script" not in html and not re.search(r"\son[a-z]+\s*=", html)
        allowed = _policy(response)["style-src"]
        for css in re.findall(r"<style[^>]*>(.*?)</style>", html, re.S):
            digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
            assert f"'sha256-{digest}'" in allowed, css
    assert "<style" in html  # the dashboard does have charts, so the check above checked something


@pytest.mark.slow
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


def _suggest(study: StudyRecord, n: int = 30) -> list[int]:
    """Unreviewed machine suggestions on the study's qualitative sources."""
    from mindthegap.store.qualitative import models as q

    sources = list(q.SourceRecord.objects.filter(study=study).exclude(text=None)[:n])
    code = q.CodeRecord.objects.filter(study=study, active=True).first()
    made = q.CodingRecord.objects.bulk_create(
        q.CodingRecord(source=s, code=code, guid=f"SUG-{i}", start=0, end=len(s.text), coder="auto-coder:npt",
                       status="unreviewed", confidence=0.5 + i / 100)
        for i, s in enumerate(sources)
    )  # fmt: skip
    return [c.id for c in made]


def _interviewed(slug: str = "review", people: int = 30) -> StudyRecord:
    """A small study of ``people`` interviews (one code, no codings yet): the review flow needs sources with
    text and a code, and a dashboard; not the whole demo, whose dashboards take seconds to build."""
    from mindthegap.model import Level, Participant, Role, Service, Wave
    from mindthegap.model.qualitative import Code, Codebook, QualitativeProject, Source

    book = Codebook(name="NPT")
    book.add(Code(name="Coherence"))
    ids = [f"P-{i:04d}" for i in range(people)]
    study = Study(
        id=slug,
        name="Interviews about the huddles",
        policies=[Policy("p", "Policy", (Principle("safe", "Safe"),))],
        services=[Service("adults", "Adults")],
        waves=[Wave("w1", "Baseline", 0)],
        participants=[
            Participant(p, Role.PRACTITIONER, Level.LOCAL_FRONTLINE, service="adults") for p in ids
        ],
    )
    sources = [
        Source(name=f"interview {i}", text=f"Interviewer: How were the huddles? {p}: They made sense in week {i}.",
               metadata={"participant": p, "level": "local_frontline"})
        for i, p in enumerate(ids)
    ]  # fmt: skip
    save_all(study, {"qualitative": QualitativeProject(codebook=book, sources=sources)})
    return StudyRecord.objects.get(slug=slug)


@pytest.mark.slow
def test_suggestions_are_reviewed_by_analysts_only_and_the_decision_is_recorded(client):
    from mindthegap.store.qualitative import models as q

    study = _interviewed()
    ids = _suggest(study)
    assert len(ids) == 30
    viewer = get_user_model().objects.create_user("viewer", password="a-long-passphrase-9")
    StudyAccess.objects.create(study=study, user=viewer, role=StudyAccess.Role.VIEWER)
    client.force_login(viewer)
    assert "coding suggestion" not in client.get("/studies/review/").content.decode()
    assert client.get("/studies/review/suggestions/").status_code == 404  # viewers see no source text
    assert (
        client.post("/studies/review/suggestions/", {"suggestion": ids[0], "decision": "accept"}).status_code
        == 404
    )

    analyst = get_user_model().objects.create_user("analyst", password="a-long-passphrase-9")
    StudyAccess.objects.create(study=study, user=analyst, role=StudyAccess.Role.ANALYST)
    client.force_login(analyst)
    assert f"Review {len(ids)} coding suggestions" in client.get("/studies/review/").content.decode()
    page = client.get("/studies/review/suggestions/").content.decode()
    assert f"{len(ids)} suggestions awaiting review" in page and "Page 1 of 2" in page
    assert page.index(f'id="suggestion-{ids[-1]}"') < page.index(
        f'id="suggestion-{ids[-2]}"'
    )  # most sure first

    done = client.post(
        "/studies/review/suggestions/", {"suggestion": ids[0], "decision": "accept"}, follow=True
    )
    assert f"Suggestion {ids[0]} accepted." in done.content.decode()
    client.post("/studies/review/suggestions/", {"suggestion": ids[1], "decision": "reject"})
    again = client.post(
        "/studies/review/suggestions/", {"suggestion": ids[0], "decision": "reject"}, follow=True
    )
    assert "already reviewed" in again.content.decode()
    first, second = q.CodingRecord.objects.get(id=ids[0]), q.CodingRecord.objects.get(id=ids[1])
    assert (first.status, first.reviewer) == ("accepted", "analyst") and first.reviewed_at is not None
    assert (second.status, second.reviewer) == ("rejected", "analyst")
    assert q.CodingRecord.objects.filter(id__in=ids, status="unreviewed").count() == len(ids) - 2


def test_a_suggestion_from_another_study_cannot_be_reviewed_through_this_one(client, stored):
    from mindthegap.store.qualitative import models as q

    elsewhere = StudyRecord.objects.get(slug="elsewhere")
    source = q.SourceRecord.objects.create(study=elsewhere, guid="E1", name="notes", text="private words")
    code = q.CodeRecord.objects.create(study=elsewhere, guid="EC", name="Trust")
    foreign = q.CodingRecord.objects.create(source=source, code=code, guid="EG", start=0, end=7,
                                            status="unreviewed", confidence=0.9)  # fmt: skip
    owner = get_user_model().objects.create_user("owner", password="a-long-passphrase-9")
    StudyAccess.objects.create(study=stored, user=owner, role=StudyAccess.Role.OWNER)
    client.force_login(owner)
    client.post("/studies/northmoor/suggestions/", {"suggestion": foreign.id, "decision": "accept"})
    assert q.CodingRecord.objects.get(id=foreign.id).status == "unreviewed"
    assert "private words" not in client.get("/studies/northmoor/suggestions/").content.decode()
