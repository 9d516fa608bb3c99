"""The events programme: file checks that report every problem by row and column and store nothing, the store's
round trip with withdrawn people left out, and the ``events`` and ``network`` commands on a small study."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from tests.test_study_files import people_csv
from tests.test_survey_study import STUDY

from mindthegap.errors import InputError
from mindthegap.io import events_files as ef

KNOWN = ef.Known(
    events=frozenset({"ev1", "ev2"}),
    participants=frozenset({"P1", "P2", "P3"}),
    principles=frozenset({"safe"}),
    services=frozenset({"s1"}),
    waves=frozenset({"baseline", "follow_up"}),
    feedback_items={"EF1": (1, 5), "EF5": None},
)


def test_attendance_reports_every_problem_with_row_and_column():
    frame = pd.DataFrame(
        {"event_id": ["ev1", "ev9", "ev1", "ev1"], "participant_id": ["P1", "P1", "P1", "X9"],
         "attended": ["yes", "yes", "no", "maybe"]}
    )  # fmt: skip
    with pytest.raises(InputError) as err:
        ef.read_attendance(frame, KNOWN, "att.csv")
    text = str(err.value)
    assert text.startswith("att.csv: 4 problems, nothing was imported")
    assert "row 3, column 'event_id': unknown event 'ev9'" in text
    assert "row 4, column 'participant_id': duplicate attendance: already given on row 2" in text
    assert "row 5, column 'participant_id': unknown participant 'X9'" in text
    assert "row 5, column 'attended': 'maybe' is not yes or no" in text


def test_problems_are_capped_and_counted():
    frame = pd.DataFrame({"event_id": ["nope"] * 50, "participant_id": ["P1"] * 50})
    with pytest.raises(InputError) as err:
        ef.read_attendance(frame, KNOWN, "att.csv")
    assert "50 problems" in str(err.value) and "and 30 more" in str(err.value)


def test_events_bad_dates_levels_and_duplicates():
    frame = pd.DataFrame(
        {"event_id": ["e1", "e1", "e3"], "date": ["2026-01-05", "05/01/2026", "2026-02-30"],
         "topic": ["A", "B", "C"], "levels": ["frontline; national", "moon", ""], "principles": ["safe", "", "nope"]}
    )  # fmt: skip
    with pytest.raises(InputError) as err:
        ef.read_events(frame, KNOWN, "ev.csv")
    text = str(err.value)
    assert "row 3, column 'event_id': event 'e1' appears more than once" in text
    assert "row 3, column 'date': '05/01/2026' is not a date written YYYY-MM-DD" in text
    assert "row 4, column 'date'" in text
    assert "row 3, column 'levels': unknown level 'moon'" in text
    assert "row 4, column 'principles': unknown principle 'nope'" in text
    good = ef.read_events(frame.iloc[:1], KNOWN, "ev.csv")
    assert good.loc[0, "levels"] == ["local_frontline", "national"]


def test_ties_refuse_self_unknown_and_repeated():
    frame = pd.DataFrame(
        {"wave": ["baseline", "baseline", "baseline", "baseline", "later"],
         "participant_id": ["P1", "P1", "P1", "P2", "P1"], "alter_id": ["P1", "Q7", "P2", "", "P2"]}
    )  # fmt: skip
    frame.loc[5] = ["baseline", "P1", "P2"]
    with pytest.raises(InputError) as err:
        ef.read_ties(frame, KNOWN, "ties.csv")
    text = str(err.value)
    assert "row 2, column 'alter_id': a tie to oneself" in text
    assert "row 3, column 'alter_id': unknown participant 'Q7'" in text
    assert "row 6, column 'wave': unknown wave 'later'" in text
    assert "row 7, column 'alter_id': tie given twice: already on row 4" in text
    assert "row 5" not in text  # answered and named no one: an isolate, not an error


def test_feedback_codes_checked_against_the_instrument_scale():
    frame = pd.DataFrame(
        {"event_id": ["ev1", "ev1", "ev1"], "participant_id": ["P1", "P1", "P2"], "item": ["EF1", "EF9", "EF1"],
         "code": ["7", "3", "4"]}
    )  # fmt: skip
    with pytest.raises(InputError) as err:
        ef.read_feedback(frame, KNOWN, "fb.csv")
    assert "row 2, column 'code': '7' is not a code from 1 to 5" in str(err.value)
    assert "row 3, column 'item': unknown event-feedback item 'EF9'" in str(err.value)


@pytest.mark.django_db
def test_demo_events_round_trip_without_withdrawn_people(demo_study):
    from mindthegap.store.evidence import load_all, save_all

    save_all(demo_study.study, demo_study.evidence)
    _, back = load_all(demo_study.study.id)
    consenting = {p.id for p in demo_study.study.participants if p.consent}
    att = demo_study.evidence["event_attendance"]
    assert len(back["events"]) == len(demo_study.evidence["events"]) >= 12
    assert len(back["event_attendance"]) == att["participant_id"].isin(consenting).sum() < len(att)
    ties = demo_study.evidence["network_ties"]
    keep = ties["participant_id"].isin(consenting) & (
        ties["alter_id"].isna() | ties["alter_id"].isin(consenting)
    )
    assert len(back["network_ties"]) == keep.sum() < len(ties)
    assert set(back["network_ties"]["wave"]) == {"baseline", "follow_up"}
    assert len(back["event_notes"]) == 4 and (back["qualitative"] is not None)
    assert back["headcounts"]["headcount"].sum() > 0


@pytest.fixture
def run(cli_here, monkeypatch):
    """The command line in this process, on the test database: ``run(*args) -> (exit code, stdout, stderr)``.
    Opening the store is the test database's job here, so ``open_store`` is stood down (not ``--db``)."""
    from mindthegap.store import database

    monkeypatch.setattr(database, "open_store", lambda db=None, *, migrate=True: "the test database")
    return cli_here


def _ok(run, *args: str) -> str:
    code, out, err = run(*args)
    assert code == 0, (args, err)
    return out


@pytest.fixture
def small_study(tmp_path, run, db):
    """The riverside study (30 staff, one withdrawn carer) with two events and ties at both waves."""
    (tmp_path / "study.yaml").write_text(STUDY, encoding="utf-8")
    _ok(run, "study", "create", str(tmp_path / "study.yaml"))
    _ok(run, "study", "participants", "riverside", str(people_csv(tmp_path)))
    events = tmp_path / "events.csv"
    events.write_text(
        "event_id,date,topic,levels\nev1,2026-03-01,Care plans,frontline\nev2,2026-06-01,Carers,\n"
    )
    _ok(run, "events", "import", str(events), "--study", "riverside")
    return tmp_path, run


def test_events_commands_import_whole_files_and_report_reach(small_study):
    folder, run = small_study
    bad = folder / "attendance_bad.csv"
    bad.write_text("event_id,participant_id\nev1,RV-0001\nev7,RV-0002\nev1,RV-0001\n")
    code, _, err = run("events", "import", str(bad), "--study", "riverside")
    assert code == 2 and "\n" not in err.strip()
    assert "row 3, column 'event_id': unknown event 'ev7'" in err and "row 4" in err
    att = folder / "attendance.csv"
    att.write_text(
        "event_id,participant_id\n" + "".join(f"ev1,RV-{i:04d}\n" for i in range(0, 30, 2))
        + "".join(f"ev2,RV-{i:04d}\n" for i in range(0, 12, 2))
    )  # fmt: skip
    assert "imported 21 attendance rows" in _ok(run, "events", "import", str(att), "--study", "riverside")
    code, _, err = run("events", "import", str(att), "--study", "riverside")
    assert code == 2 and "the study already holds it" in err
    data = json.loads(_ok(run, "events", "reach", "--study", "riverside", "--json"))
    rows = {(r["dimension"], r["discipline"], r["service"], r["level"]): r for r in data["reach"]}
    everyone = rows["all", "All", "All", "All"]
    assert everyone["attended"] == 15 and everyone["participants"] == 30 and everyone["share"] == 0.5
    # even-numbered people are social workers: all 15 came, so no nurse did
    assert rows["discipline", "nursing", "All", "All"]["attended"] == 0
    assert rows["discipline", "social_work", "All", "All"]["attended"] == 15
    # a group under 11 is hidden
    assert all(r["attended"] is None for r in data["reach"] if r["suppressed"])
    assert data["repeat"][0]["people"] is None  # 9 people came once: under 11


def test_network_command_json_and_graphml(small_study):
    folder, run = small_study
    rows = ["wave,participant_id,alter_id"]
    for wave, step in (("baseline", 1), ("follow_up", 2)):
        for i in range(30):
            rows.append(f"{wave},RV-{i:04d},RV-{(i + step) % 30:04d}")
    rows.append("baseline,RV-0001,RV-0001")
    ties = folder / "ties.csv"
    ties.write_text("\n".join(rows) + "\n")
    code, _, err = run("events", "import", str(ties), "--study", "riverside")
    assert code == 2 and "row 62, column 'alter_id': a tie to oneself" in err
    ties.write_text("\n".join(rows[:-1]) + "\n")
    _ok(run, "events", "import", str(ties), "--study", "riverside")
    out = folder / "net.graphml"
    data = json.loads(
        _ok(run, "network", "--study", "riverside", "--json", "--graphml", str(out), "--permutations", "99")
    )
    base = next(r for r in data["waves"] if r["wave"] == "baseline")
    assert base["people"] == 30 and base["ties"] == 30 and base["density"] == pytest.approx(30 / 435)
    # a ring i–(i+1): neighbours always differ in discipline (odd/even), so every tie crosses: E-I = +1
    assert base["ei_discipline"] == 1.0
    import networkx as nx

    graph = nx.read_graphml(out)
    assert graph.number_of_nodes() == 30 and graph.number_of_edges() == 60
    assert {e[2]["wave_baseline"] for e in graph.edges(data=True)} == {True, False}


def test_tie_counts_by_block_import_and_feed_the_network_command(small_study):
    """Hand-worked: everyone names 2 nursing/adult-community and 1 social-work/older colleagues. Nurses (15)
    have 1 external tie on discipline and 2 internal, social workers the reverse: E = I = 45, E-I = 0. On
    service the 20 adult-community staff have 1 external and 2 internal, the 10 older-people staff 2 and 1:
    E = 40, I = 50, E-I = −10/90."""
    folder, run = small_study
    rows = ["respondent,wave,discipline,service,count"]
    for i in range(30):
        rows += [
            f"RV-{i:04d},baseline,nursing,adult_community,2",
            f"RV-{i:04d},baseline,social_work,older_people,1",
        ]
    counts = folder / "counts.csv"
    counts.write_text("\n".join([*rows, "RV-0001,baseline,physio,older_people,1"]) + "\n")
    code, _, err = run("events", "import", str(counts), "--study", "riverside")
    assert code == 2 and "row 62, column 'discipline': unknown discipline 'physio'" in err
    counts.write_text("\n".join(rows) + "\n")
    assert "imported 60 tie_counts rows" in _ok(run, "events", "import", str(counts), "--study", "riverside")
    assert "90 ties counted, E-I discipline +0.00" in _ok(
        run, "network", "--study", "riverside", "--permutations", "99"
    )
    data = json.loads(_ok(run, "network", "--study", "riverside", "--json", "--permutations", "99"))
    everyone = next(r for r in data["count_measures"] if r["group"] == "All")
    assert everyone["respondents"] == 30 and everyone["ties"] == 90
    assert everyone["ei_discipline"] == pytest.approx(0) and everyone["ei_service"] == pytest.approx(-1 / 9)
    assert everyone["share_across_service"] == pytest.approx(40 / 90)
    # each discipline × service block has 5 or 10 respondents, under 11: the block matrix hides them all
    assert len(data["count_blocks"]) == 8 and all(r["suppressed"] for r in data["count_blocks"])
    assert all(r["ties"] is None and r["respondents"] is None for r in data["count_blocks"])
