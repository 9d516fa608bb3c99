"""The coding workspace's store and JSON API: coding by hand, bad input and attack, memos, suggestions.

Spans are checked against Python's own ``str`` slicing (code points) as the reference: the text an API call
names must be exactly ``text[start:end]``, emoji included.
"""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from mindthegap.model import Participant, Policy, Principle, Service, Study, Wave
from mindthegap.model.levels import Level
from mindthegap.model.study import Role
from mindthegap.store.audit.models import AuditEvent
from mindthegap.store.qualitative import models as q
from mindthegap.store.studies.models import StudyAccess, StudyRecord

pytestmark = pytest.mark.django_db

TEXT = (
    "Interviewer: How did the new rota land? 😀\n"
    "[00:01:05] Sam: Honestly 👩🏽‍⚕️ it felt rushed, but the team pulled together.\n"
    "\n"
    "Interviewer: And the training?\n"
    "Sam: Useful — we used it the next week."
)
PASSWORD = "a-long-passphrase-9"


def make_study(slug: str) -> StudyRecord:
    from mindthegap.store.evidence import save_all

    study = Study(
        id=slug, name=slug, policies=[Policy("p", "Policy", (Principle("safe", "Safe"),))],
        services=[Service("adults", "Adults")], waves=[Wave("w1", "Baseline", 0)],
        participants=[Participant("P-0001", Role.PRACTITIONER, Level.LOCAL_FRONTLINE, service="adults")],
    )  # fmt: skip
    save_all(study, {})
    return StudyRecord.objects.get(slug=slug)


def person(name: str, study: StudyRecord, role=StudyAccess.Role.ANALYST):
    user = get_user_model().objects.create_user(
        name
    )  # no password: hashing one is slow, force_login needs none
    StudyAccess.objects.create(study=study, user=user, role=role)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def setup():
    study = make_study("coding")
    other = make_study("elsewhere")
    source = q.SourceRecord.objects.create(
        study=study, guid="S1", name="Interview 1", kind="transcript", text=TEXT, participant="P-0001",
        level="local_frontline", service="adults", wave="w1",
    )  # fmt: skip
    parent = q.CodeRecord.objects.create(study=study, guid="C0", name="Coherence")
    code = q.CodeRecord.objects.create(study=study, guid="C1", name="Differentiation", parent=parent)
    other_code = q.CodeRecord.objects.create(study=other, guid="X1", name="Elsewhere")
    return {
        "study": study, "source": source, "code": code, "parent": parent, "other_code": other_code,
        "alex": person("alex", study), "bea": person("bea", study),
        "viewer": person("vic", study, StudyAccess.Role.VIEWER), "outsider": person("olu", other),
    }  # fmt: skip


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


API = "/studies/coding/coding/source/S1/codings"


def span(word: str) -> dict:
    start = TEXT.index(word)
    return {"start": start, "end": start + len(word), "quote": word}


def test_a_coding_after_emoji_stores_exactly_the_selected_text(setup):
    word = "it felt rushed"
    response = post(setup["alex"], API, {"code": "C1", **span(word), "version": 0})
    assert response.status_code == 201, response.content
    row = q.CodingRecord.objects.get(guid=response.json()["coding"]["guid"])
    assert TEXT[row.start : row.end] == word and row.coder == "alex" and row.status == "accepted"
    # in UTF-16 the same words start later: two emoji before them add three units
    assert len(TEXT[: row.start].encode("utf-16-le")) // 2 == row.start + 3
    event = AuditEvent.objects.get(action="coding-added")
    assert event.actor == "alex" and event.detail["start"] == row.start and "quote" not in event.detail


def test_bad_spans_are_refused_and_nothing_is_stored(setup):
    alex = setup["alex"]
    start = TEXT.index("rushed")
    cases = [
        {"start": start, "end": start, "quote": ""},  # zero-length
        {"start": len(TEXT) - 2, "end": len(TEXT) + 5, "quote": "k."},  # past the end
        {"start": -1, "end": 3, "quote": TEXT[:3]},
        {"start": start, "end": start + 6, "quote": "rusher"},  # not the text there (a bad conversion)
        {"start": start + 1, "end": start + 7, "quote": "rushed"},  # off by one, as a UTF-16 slip would be
        {"start": "x", "end": 3, "quote": "Int"},
    ]
    for case in cases:
        response = post(alex, API, {"code": "C1", **case, "version": 0})
        assert response.status_code == 400, case
        assert "error" in response.json()
    assert not q.CodingRecord.objects.exists()
    assert AuditEvent.objects.filter(action="refused", detail__status=400).count() == len(cases)


def test_overlapping_the_same_code_is_refused_but_another_code_may_overlap(setup):
    alex = setup["alex"]
    first = post(alex, API, {"code": "C1", **span("it felt rushed"), "version": 0})
    assert first.status_code == 201
    again = post(alex, API, {"code": "C1", **span("felt rushed, but"), "version": 1})
    assert again.status_code == 400 and "overlaps" in again.json()["error"]
    other = post(alex, API, {"code": "C0", **span("felt rushed, but"), "version": 1})
    assert other.status_code == 201
    # another coder may code the same words with the same code
    assert post(setup["bea"], API, {"code": "C1", **span("it felt rushed"), "version": 0}).status_code == 201
    assert q.CodingRecord.objects.count() == 3


def test_a_stale_version_is_refused_and_the_current_codings_survive(setup):
    alex = setup["alex"]
    assert post(alex, API, {"code": "C1", **span("Honestly"), "version": 0}).status_code == 201
    # a second tab still thinks the version is 0
    stale = post(alex, API, {"code": "C0", **span("training"), "version": 0})
    assert stale.status_code == 409 and stale.json()["stale"]
    current = alex.get(API).json()
    assert current["version"] == 1 and [c["start"] for c in current["codings"]] == [TEXT.index("Honestly")]


def test_change_and_remove_only_your_own(setup):
    alex, bea = setup["alex"], setup["bea"]
    made = post(alex, API, {"code": "C1", **span("Honestly"), "version": 0}).json()["coding"]
    url = f"/studies/coding/coding/codings/{made['id']}"
    assert post(bea, url, {"action": "remove", "version": 0}).status_code == 400
    moved = post(alex, url, {"action": "change", **span("the team pulled together"), "version": 1})
    assert moved.status_code == 200
    row = q.CodingRecord.objects.get(pk=made["id"])
    assert TEXT[row.start : row.end] == "the team pulled together"
    recoded = post(alex, url, {"action": "change", "code": "C0", "version": 2})
    assert recoded.status_code == 200 and q.CodingRecord.objects.get(pk=made["id"]).code.guid == "C0"
    assert post(alex, url, {"action": "remove", "version": 3}).status_code == 200
    assert not q.CodingRecord.objects.exists()
    actions = list(
        AuditEvent.objects.filter(object_id=made["guid"]).order_by("id").values_list("action", flat=True)
    )
    assert actions == ["coding-added", "coding-changed", "coding-changed", "coding-removed"]
    removed = AuditEvent.objects.get(action="coding-removed")
    assert removed.detail["start"] == row.start  # what was removed stays in the log


def test_another_studys_coder_gets_404_for_everything(setup):
    outsider = setup["outsider"]
    assert post(outsider, API, {"code": "C1", **span("Honestly"), "version": 0}).status_code == 404
    assert outsider.get("/studies/coding/coding/source/S1/").status_code == 404
    # nor can a member of this study use a code of the other study
    assert post(setup["alex"], API, {"code": "X1", **span("Honestly"), "version": 0}).status_code == 404
    # nor reach the other study's source through this study's URL
    q.SourceRecord.objects.create(study=setup["other_code"].study, guid="S9", name="x", text="secret words")
    bad = post(setup["alex"], "/studies/coding/coding/source/S9/codings",
               {"code": "C1", "start": 0, "end": 6, "quote": "secret", "version": 0})  # fmt: skip
    assert bad.status_code == 404 and not q.CodingRecord.objects.exists()
    # viewers never see source text
    assert setup["viewer"].get("/studies/coding/coding/source/S1/").status_code == 404
    assert AuditEvent.objects.filter(action="refused", actor="olu").count() == 2


def test_script_in_a_memo_or_code_name_stays_text(setup):
    alex = setup["alex"]
    q.CodeRecord.objects.filter(guid="C1").update(name="<script>alert(1)</script>")
    memo = post(alex, "/studies/coding/coding/memos",
                {"on": "source", "target": "S1", "text": "<img src=x onerror=alert(2)>"})  # fmt: skip
    assert memo.status_code == 201
    page = alex.get("/studies/coding/coding/source/S1/").content.decode()
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert "\\u003Cscript\\u003E" in page  # json_script escapes it; the page's script writes it as text
    assert q.MemoRecord.objects.get().text == "<img src=x onerror=alert(2)>"  # nothing lost
    assert AuditEvent.objects.filter(action="memo-written").count() == 1
    for body in ({"on": "source", "target": "S1", "text": "  "}, {"on": "study", "target": "S1", "text": "x"},
                 {"on": "coding", "target": "nope", "text": "x"}):  # fmt: skip
        assert post(alex, "/studies/coding/coding/memos", body).status_code in (400, 404)


def test_the_page_shows_turns_with_exact_offsets(setup):
    from mindthegap.text.lines import lines

    found = lines(TEXT)
    assert [TEXT[x.start : x.end] for x in found] == [x.text for x in found]
    assert found[1].time == "[00:01:05] " and found[1].speaker == "Sam:" and len(found) == 4
    page = setup["alex"].get("/studies/coding/coding/source/S1/").content.decode()
    assert f'data-start="{found[1].start}"' in page and '<span class="speaker">Sam:</span>' in page


def test_suggestions_are_reviewed_in_place_and_never_count_as_a_coder(setup):
    suggestion = q.CodingRecord.objects.create(
        source=setup["source"], code=setup["code"], guid="M1", start=0, end=len(TEXT),
        coder="auto-coder:abc", status="unreviewed", confidence=0.8,
    )  # fmt: skip
    codings = setup["alex"].get(API).json()["codings"]
    assert codings[0]["status"] == "unreviewed" and codings[0]["confidence"] == 0.8
    url = f"/studies/coding/coding/suggestions/{suggestion.id}"
    assert post(setup["outsider"], f"/studies/elsewhere/coding/suggestions/{suggestion.id}",
                {"decision": "accept"}).status_code in (404,)  # fmt: skip
    assert post(setup["alex"], url, {"decision": "maybe"}).status_code == 400
    assert post(setup["alex"], url, {"decision": "accept"}).status_code == 200
    assert post(setup["alex"], url, {"decision": "accept"}).status_code == 404  # already reviewed
    row = q.CodingRecord.objects.get(pk=suggestion.id)
    assert (row.status, row.reviewer, row.coder) == ("accepted", "alex", "auto-coder:abc")
    # a person cannot code as the machine or as the agreed version
    from mindthegap.errors import StoreError
    from mindthegap.store.coding.workspace import add_coding

    for name in ("auto-coder:abc", "Agreed"):
        with pytest.raises(StoreError):
            add_coding(setup["study"], "S1", "C1", 0, 5, TEXT[:5], coder=name, version=None)


def test_malformed_requests_change_nothing(setup):
    alex = setup["alex"]
    assert alex.post(API, "not json", content_type="application/json").status_code == 400
    assert alex.post(API, "[1, 2]", content_type="application/json").status_code == 400
    assert post(alex, API, {"code": "C1", **span("Honestly")}).status_code == 400  # no version
    assert post(alex, API, {"code": "C1", **span("Honestly"), "version": "v"}).status_code == 400
    assert not q.CodingRecord.objects.exists()
