"""Delphi rounds answered in the browser: a panel member's personal link, save and resume, one submission into
the Rating table, and the refusals (closed round, no panel, tampered link).

References: stored ratings are compared with the ratings posted (hand-worked: the same statements, wordings and
values); the feedback shown is the printed sheet's (:func:`feedback_rows`), whose group distributions are
checked by hand here: in round 1 every practitioner rated s1 3 and every policymaker 8, so each group shows
100% at its one score and the all-raters row shows 50% at each.
"""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from mindthegap.cli.main import app
from mindthegap.io.delphi_files import check_ratings
from mindthegap.model import Level, Participant, Role, Study
from mindthegap.store.delphi import links
from mindthegap.store.delphi import models as m
from mindthegap.store.delphi import repository as repo
from mindthegap.web.collect import audit_hook

pytestmark = pytest.mark.django_db


@pytest.fixture
def study():
    from mindthegap.store.studies.repository import save_study

    people = [Participant(f"pr{i:02d}", Role.PRACTITIONER, Level.LOCAL_FRONTLINE) for i in range(12)]
    people += [Participant(f"po{i:02d}", Role.POLICYMAKER, Level.NATIONAL) for i in range(12)]
    record = save_study(Study("web-delphi", "Web Delphi", participants=people))
    panels = pd.DataFrame(
        {"rater_id": [p.id for p in people], "group": ["practitioners"] * 12 + ["policymakers"] * 12}
    )
    statements = pd.DataFrame({"statement": ["s1", "s2"], "text": ["Old one.", "Two."]})
    repo.create_delphi(record, statements, panels)
    rows = [[p.id, s, 1, 8 if p.id.startswith("po") else 3, ""] for p in people for s in ("s1", "s2")]
    frame = pd.DataFrame(rows, columns=["rater_id", "statement", "round", "rating", "statement_text"])
    repo.import_ratings(record, check_ratings(frame, need_group=False))
    repo.open_round(record, edits=pd.DataFrame({"statement": ["s1"], "text": ["New one."]}))
    return record


@pytest.fixture
def link_of(study):
    found = {p: f"/delphi/{t}/" for p, _, t in links.invite(m.Round.objects.get(study=study, number=2))}
    return found.__getitem__


def stored(study, rater: str) -> dict[str, tuple]:
    rows = m.Rating.all_objects.filter(round__number=2, participant__pseudonym=rater, round__study=study)
    return {r.version.statement.slug: (r.rating, r.version.version, r.comment) for r in rows}


def test_a_member_sees_wording_feedback_and_completes_the_round(client, study, link_of):
    link = link_of("pr03")
    html = client.get(link).content.decode()
    assert "New one." in html and "Old one." in html  # edited since last round: both wordings
    assert "Your rating last round: 3" in html
    assert html.count("100%") >= 2 and "50%" in html  # each group's distribution, by hand: see docstring
    body = {"r_s1": "7", "c_s1": "Worth doing.", "r_s2": "0", "action": "submit"}
    response = client.post(link, body)
    assert response.status_code == 302 and response["Location"] == f"{link}done/"
    assert "Thank you" in client.get(f"{link}done/").content.decode()
    assert stored(study, "pr03") == {"s1": (7, 2, "Worth doing."), "s2": (None, 1, "")}
    frames = repo.delphi_frames(study)  # what 'delphi results' and the report read
    mine = frames["ratings"].query("round == 2 and rater_id == 'pr03'")
    assert sorted(mine["statement"]) == ["s1", "s2"] and set(mine["group"]) == {"practitioners"}


def test_save_and_resume_then_submit(client, study, link_of):
    link = link_of("po01")
    saved = client.post(link, {"r_s1": "9", "c_s1": "Half way.", "action": "save"})
    assert saved.status_code == 200 and "saved" in saved.content.decode()
    assert stored(study, "po01") == {}  # saving writes no rating
    html = client.get(link).content.decode()
    assert 'value="9" checked' in html and "Half way." in html
    incomplete = client.post(link, {"r_s1": "9", "action": "submit"})
    assert incomplete.status_code == 400 and stored(study, "po01") == {}
    client.post(link, {"r_s1": "9", "c_s1": "Half way.", "r_s2": "4", "action": "submit"})
    assert stored(study, "po01") == {"s1": (9, 2, "Half way."), "s2": (4, 1, "")}


def test_a_double_submit_stores_once(client, study, link_of):
    link, body = link_of("pr05"), {"r_s1": "5", "r_s2": "6", "action": "submit"}
    client.post(link, body)
    again = client.post(link, {**body, "r_s1": "1"})
    assert again.status_code == 200 and "already been sent" in again.content.decode()
    assert stored(study, "pr05") == {"s1": (5, 2, ""), "s2": (6, 1, "")}
    assert links.submit(m.RoundLink.objects.get(participant__pseudonym="pr05")) is False
    assert audit_hook.RECENT[-1]["action"] == "delphi.submit.repeat"


def test_a_closed_round_refuses(client, study, link_of):
    link = link_of("pr06")
    client.post(link, {"r_s1": "5", "action": "save"})
    repo.close_round(study, 2)
    assert client.get(link).status_code == 410
    assert client.post(link, {"r_s1": "5", "r_s2": "5", "action": "submit"}).status_code == 410
    assert stored(study, "pr06") == {} and audit_hook.RECENT[-1]["action"] == "delphi.closed"
    with pytest.raises(links.Refused, match="closed"):
        links.submit(m.RoundLink.objects.get(participant__pseudonym="pr06"))


def test_a_rater_in_no_panel_refuses(client, study, link_of):
    link = link_of("po07")
    m.PanelMember.all_objects.filter(participant__pseudonym="po07").delete()
    assert client.post(link, {"r_s1": "5", "r_s2": "5", "action": "submit"}).status_code == 403
    assert stored(study, "po07") == {} and audit_hook.RECENT[-1]["action"] == "delphi.no_panel"


def test_a_tampered_token_is_refused_and_audited(client, study, link_of):
    from mindthegap.store.audit.models import AuditEvent

    token = link_of("pr08").split("/")[2]
    tampered = ("A" if token[0] != "A" else "B") + token[1:]
    for key in (tampered, "short", token[:-1] + "!"):
        assert client.get(f"/delphi/{key}/").status_code == 404
        assert client.post(f"/delphi/{key}/", {"r_s1": "5", "action": "submit"}).status_code == 404
    assert audit_hook.RECENT[-1]["action"] == "delphi.token.unknown"
    events = [e.detail for e in AuditEvent.objects.all()]
    assert sum(d.get("event") == "delphi.token.unknown" for d in events) == 6
    assert stored(study, "pr08") == {}


def test_links_command_writes_the_mailing_list_with_the_same_links(tmp_path, study, monkeypatch):
    monkeypatch.setattr("mindthegap.store.database.open_study", lambda slug: study)
    out = tmp_path / "links.csv"
    args = ["delphi", "links", "--study", "web-delphi", "--round", "2", "--out", str(out)]
    result = CliRunner().invoke(app, [*args, "--base-url", "https://mtg.example.nhs.uk/"])
    assert result.exit_code == 0, result.output
    first = pd.read_csv(out)
    assert len(first) == 24 and set(first["group"]) == {"practitioners", "policymakers"}
    assert first["link"].str.startswith("https://mtg.example.nhs.uk/delphi/").all()
    CliRunner().invoke(app, [*args, "--base-url", "https://mtg.example.nhs.uk/"])
    assert pd.read_csv(out)["link"].tolist() == first["link"].tolist()  # exported again: the same links
    closed = CliRunner().invoke(
        app, ["delphi", "links", "--study", "web-delphi", "--round", "1", "--out", str(out)]
    )
    assert closed.exit_code != 0 and "round 1 is closed" in str(closed.exception)
