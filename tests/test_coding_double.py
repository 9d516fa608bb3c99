"""Double coding: blind coding, the comparison, agreement as disagreements are resolved, the agreed version,
and views for analysis (segments, framework matrix, CSV and DOCX exports, text-free views for viewers).

Agreement figures are checked against hand-worked values: with lines as units, two coders and one code, the
2 × 2 table gives Cohen's kappa in closed form, (p_o − p_e) / (1 − p_e).
"""

from __future__ import annotations

import io
import json

import pytest
from tests.test_coding_workspace import TEXT, make_study, person, post

from mindthegap.errors import StoreError
from mindthegap.store.audit.models import AuditEvent
from mindthegap.store.coding import double
from mindthegap.store.coding.models import AgreedVersion
from mindthegap.store.qualitative import models as q
from mindthegap.store.studies.models import StudyAccess

pytestmark = pytest.mark.django_db
API = "/studies/dbl/coding/source/S1/codings"


def span(word: str) -> dict:
    start = TEXT.index(word)
    return {"start": start, "end": start + len(word), "quote": word}


@pytest.fixture
def pair():
    study = make_study("dbl")
    q.SourceRecord.objects.create(study=study, guid="S1", name="Interview 1", text=TEXT, participant="P-0001",
                                  level="local_frontline", service="adults", wave="w1")  # fmt: skip
    q.SourceRecord.objects.create(study=study, guid="S2", name="Interview 2", text="Short one.")
    q.CodeRecord.objects.create(study=study, guid="C1", name="Workload")
    q.CodeRecord.objects.create(study=study, guid="C2", name="Training")
    alex, bea = person("alex", study), person("bea", study)
    owner = person("oona", study, StudyAccess.Role.OWNER)
    viewer = person("vic", study, StudyAccess.Role.VIEWER)
    made = double.assign(study, "Round 1", ["alex", "bea"], sources=["S1"], by="oona")
    return {"study": study, "alex": alex, "bea": bea, "owner": owner, "viewer": viewer, "round": made}


def test_assignments_are_checked(pair):
    study = pair["study"]
    with pytest.raises(StoreError, match="two coders"):
        double.assign(study, "x", ["alex", "alex"], sources=["S1"])
    with pytest.raises(StoreError, match="cannot code"):
        double.assign(study, "x", ["alex", "vic"], sources=["S1"])  # a viewer never reads text
    a = double.assign(study, "s", ["alex", "bea"], sample=1, seed=3)
    b = double.assign(study, "t", ["alex", "bea"], sample=1, seed=3)
    assert {x.source_id for x in a.assignments.all()} == {x.source_id for x in b.assignments.all()}
    assert AuditEvent.objects.filter(action="double-coding-assigned").count() == 3


def test_blind_until_both_finish_then_compare_resolve_and_agree(pair):
    alex, bea, rid = pair["alex"], pair["bea"], pair["round"].pk
    assert post(alex, API, {"code": "C1", **span("it felt rushed"), "version": 0}).status_code == 201
    assert post(alex, API, {"code": "C2", **span("training"), "version": 1}).status_code == 201
    assert post(bea, API, {"code": "C1", **span("felt rushed"), "version": 0}).status_code == 201
    # blind: bea sees only her own coding
    assert [c["coder"] for c in bea.get(API).json()["codings"]] == ["bea"]
    compare = f"/studies/dbl/coding/double/{rid}/S1/"
    assert "Waiting for alex, bea" in bea.get(compare).content.decode()
    bea.post(f"/studies/dbl/coding/double/{rid}/S1/finish")
    assert [c["coder"] for c in bea.get(API).json()["codings"]] == ["bea"]  # alex has not finished
    alex.post(f"/studies/dbl/coding/double/{rid}/S1/finish")
    assert {c["coder"] for c in bea.get(API).json()["codings"]} == {"alex", "bea"}

    source = q.SourceRecord.objects.get(guid="S1")
    found = double.disagreements(pair["round"], source)
    assert [(d["name"], d["have"], d["lack"]) for d in found] == [("Training", ["alex"], ["bea"])]
    table = double.agreement(pair["round"], source).set_index("name")
    # 4 lines: Workload agreed on line 2, absent elsewhere → kappa 1; Training on line 3 by alex only:
    # p_o = 3/4, p_e = (3/4)(1) + (1/4)(0) = 3/4 → kappa 0 (closed form)
    assert table.loc["Workload", "cohen_kappa"] == pytest.approx(1.0)
    assert table.loc["Training", "cohen_kappa"] == pytest.approx(0.0)
    kept = type(pair["round"]).objects.get(pk=rid).independent["S1"]["rows"]
    independent = {r["code"]: r["cohen_kappa"] for r in kept}
    assert independent["C2"] == pytest.approx(0.0)

    # the agreed version is refused while a disagreement remains
    page = bea.post(compare, {"action": "agree"}, follow=True).content.decode()
    assert "disagreement(s) remain" in page and not AgreedVersion.objects.exists()
    # bea adopts alex's coding: the disagreement goes, kappa for Training becomes 1, independent stays 0
    theirs = q.CodingRecord.objects.get(coder="alex", code__guid="C2")
    page = bea.post(
        compare, {"action": "adopt", "coding": theirs.id, "version": 1}, follow=True
    ).content.decode()
    assert "No disagreements remain" in page
    table = double.agreement(pair["round"], source).set_index("name")
    assert table.loc["Training", "cohen_kappa"] == pytest.approx(1.0)
    # a stale form (version 1 again) is refused and changes nothing
    mine = q.CodingRecord.objects.get(coder="bea", code__guid="C2")
    page = bea.post(
        compare, {"action": "drop", "coding": mine.id, "version": 1}, follow=True
    ).content.decode()
    assert "changed elsewhere" in page and q.CodingRecord.objects.filter(pk=mine.pk).exists()
    bea.post(compare, {"action": "agree"})
    agreed = q.CodingRecord.objects.filter(coder="agreed").order_by("start")
    # Workload: alex's "it felt rushed" ∪ bea's "felt rushed" = "it felt rushed"; Training: "training"
    assert [TEXT[c.start : c.end] for c in agreed] == ["it felt rushed", "training"]
    assert AgreedVersion.objects.get().codings == 2
    assert AuditEvent.objects.filter(action="agreed-version").count() == 1
    # recorded once only
    with pytest.raises(StoreError, match="already recorded"):
        double.record_agreed(pair["study"], rid, "S1", by="alex")


def test_the_auto_coder_is_reported_apart_and_never_as_a_coder(pair):
    alex, bea, rid = pair["alex"], pair["bea"], pair["round"].pk
    source = q.SourceRecord.objects.get(guid="S1")
    q.CodingRecord.objects.create(source=source, code=q.CodeRecord.objects.get(guid="C2"), guid="M1", start=0,
                                  end=len(TEXT), coder="auto-coder:x", status="accepted", confidence=0.9)  # fmt: skip
    post(alex, API, {"code": "C1", **span("Honestly"), "version": 0})
    post(bea, API, {"code": "C1", **span("Honestly"), "version": 0})
    for who in (alex, bea):
        who.post(f"/studies/dbl/coding/double/{rid}/S1/finish")
    # the accepted suggestion is in neither coder's column and makes no disagreement
    assert double.disagreements(pair["round"], source) == []
    assert set(double.agreement(pair["round"], source)["name"]) == {"All codes", "Workload"}
    page = alex.get("/studies/dbl/coding/double/").content.decode()
    assert "auto-coder:x" in page.split('id="machine"')[1]


def test_segments_views_and_exports(pair):
    alex, viewer = pair["alex"], pair["viewer"]
    post(alex, API, {"code": "C1", **span("it felt rushed"), "version": 0})
    post(alex, "/studies/dbl/coding/source/S2/codings",
         {"code": "C1", "start": 0, "end": 5, "quote": "Short", "version": 0})  # fmt: skip
    q.CodeRecord.objects.filter(guid="C1").update(name='=HYPERLINK("x")')
    page = alex.get("/studies/dbl/coding/segments/?code=C1&level=local_frontline").content.decode()
    assert "it felt rushed" in page and "Short" not in page  # filtered by level
    csv = alex.get("/studies/dbl/coding/segments.csv?code=C1").content.decode()
    assert "it felt rushed" in csv and "'=HYPERLINK" in csv  # formula neutralised
    import docx

    word = alex.get("/studies/dbl/coding/segments.docx?code=C1")
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(word.content)).paragraphs)
    assert "it felt rushed" in text and "Short" in text
    matrix = alex.get("/studies/dbl/coding/matrix/?by=level").content.decode()
    assert "it felt rushed" in matrix
    # viewers: no text anywhere, and the one participant is a group below 11 → suppressed
    for url in ("/studies/dbl/coding/segments/?code=C1", "/studies/dbl/coding/matrix/",
                "/studies/dbl/coding/segments.csv?code=C1"):  # fmt: skip
        body = viewer.get(url).content.decode()
        assert "rushed" not in body and "Short" not in body, url
    assert "suppressed" in viewer.get("/studies/dbl/coding/segments/?code=C1").content.decode()
    assert viewer.get("/studies/dbl/coding/segments.docx?code=C1").status_code == 404
    assert AuditEvent.objects.filter(action="exported", detail__what="coded segments").count() == 3


def test_owners_edit_the_codebook_with_history(pair):
    owner, alex = pair["owner"], pair["alex"]
    url = "/studies/dbl/coding/codebook/"
    assert alex.get(url).status_code == 404  # analysts code; owners edit the codebook
    owner.post(url, {"action": "add", "name": "<b>Pressure</b>"})
    made = q.CodeRecord.objects.get(name="<b>Pressure</b>")
    assert "<b>Pressure</b>" not in owner.get(url).content.decode()  # escaped
    owner.post(url, {"action": "describe", "code": made.guid, "description": "d", "inclusion": "when staff",
                     "exclusion": "not patients"})  # fmt: skip
    owner.post(url, {"action": "rename", "code": made.guid, "name": "Pressure"})
    owner.post(url, {"action": "move", "code": made.guid, "parent": "C1"})
    owner.post(url, {"action": "split", "code": made.guid, "names": "Time, Money"})
    post(alex, API, {"code": made.guid, **span("Honestly"), "version": 0})
    owner.post(url, {"action": "merge", "code": made.guid, "into": "C2"})
    assert q.CodingRecord.objects.get().code.guid == "C2"  # no coding lost
    actions = list(q.CodeEvent.objects.filter(code=made).values_list("action", flat=True))
    assert actions == ["add", "describe", "rename", "move", "split", "merge"]
    page = alex.get("/studies/dbl/coding/source/S1/").content.decode()
    state = json.loads(page.split('<script id="state" type="application/json">')[1].split("</script>")[0])
    assert "Time" in {c["name"] for c in state["codes"]}
