"""Creating a study from its files: definition, participants and ratings, with row-and-column errors."""

import re
import textwrap

import pytest
from tests.conftest import run_cli

from mindthegap.errors import InputError
from mindthegap.io.study_files import read_participants, read_ratings, read_study_file
from mindthegap.model import Level, Role

STUDY = textwrap.dedent(
    """\
    id: riverside
    name: Riverside Partnership Trust
    privacy: {min_n: 11}
    policies:
      - id: care_act_wellbeing
        title: "Care Act 2014: the wellbeing duty"
        principles:
          - {id: wellbeing, name: Promoting wellbeing}
          - {id: co_production, name: Co-production}
    services:
      - id: adult_community
        name: "Working-age adults: community"
        teams:
          - {id: north, name: North community team}
      - {id: older_people, name: Older people}
    disciplines:
      - {id: nursing, name: Nursing}
      - {id: social_work, name: Social work}
    waves:
      - {id: baseline, name: Baseline, order: 0}
      - {id: follow_up, name: Follow-up, order: 1}
    """
)


@pytest.fixture
def study_file(tmp_path):
    path = tmp_path / "study.yaml"
    path.write_text(STUDY, encoding="utf-8")
    return path


def people_csv(tmp_path, extra: str = "", n: int = 30):
    lines = ["participant_id,role,level,discipline,service,team,consent"]
    for i in range(n):
        service = "Working-age adults: community" if i % 3 else "older_people"
        team = "north" if i % 3 else ""
        lines.append(
            f"RV-{i:04d},practitioner,local frontline,{'Nursing' if i % 2 else 'social_work'},{service},{team},yes"
        )
    lines.append("RV-9001,carer,people who use services and carers,,Older people,,no")
    if extra:
        lines.append(extra)
    path = tmp_path / "people.csv"
    path.write_text("\n".join(lines) + "\n", encoding="cp1252")  # as Excel on Windows saves it
    return path


def test_study_file_round_trip(study_file):
    study = read_study_file(study_file)
    assert study.id == "riverside"
    assert [p.id for p in study.principles] == ["wellbeing", "co_production"]
    assert {t.id: t.service_id for t in study.teams} == {"north": "adult_community"}
    assert [w.order for w in study.waves] == [0, 1]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("name: Riverside Partnership Trust\n", ""), "'name' is required"),
        (
            ("{id: wellbeing, name: Promoting wellbeing}", "{id: wellbeing}"),
            r"principles\[1\]: 'name' is required",
        ),
        (("id: riverside", "id: River Side"), "lower-case"),
        (("privacy: {min_n: 11}", "privacy: {min_n: 0}"), "1 or more"),
        (("  - {id: older_people", " - {id: older_people"), "not valid YAML"),
    ],
)
def test_study_file_errors_name_the_field(tmp_path, change, message):
    path = tmp_path / "bad.yaml"
    path.write_text(STUDY.replace(*change), encoding="utf-8")
    with pytest.raises(Exception, match=message) as info:
        read_study_file(path)
    assert "bad.yaml" in str(info.value) or "min_n" in str(info.value)


def test_participants_accept_ids_or_names_and_cp1252(tmp_path, study_file):
    study = read_study_file(study_file)
    people = read_participants(people_csv(tmp_path), study)
    assert len(people) == 31
    first = people[1]
    assert first.service == "adult_community" and first.team == "north" and first.discipline == "nursing"
    assert first.level is Level.LOCAL_FRONTLINE and first.role is Role.PRACTITIONER
    carer = people[-1]
    assert carer.role is Role.CARER and carer.level is Level.PEOPLE_AND_CARERS and carer.consent is False


@pytest.mark.parametrize(
    ("extra", "pattern"),
    [
        (
            "RV-0001,practitioner,local frontline,Nursing,older_people,,yes",
            r"row 33, column 'participant_id'.*again",
        ),
        ("RV-5000,wizard,local frontline,,,,yes", r"row 33, column 'role'.*unknown role 'wizard'"),
        ("RV-5000,practitioner,galactic,,,,yes", r"row 33, column 'level'"),
        ("RV-5000,practitioner,local frontline,Dentistry,,,yes", r"row 33, column 'discipline'.*Dentistry"),
        ("RV-5000,practitioner,local frontline,,older_people,north,yes", r"team 'north' is not in service"),
        ("RV-5000,practitioner,local frontline,,,,maybe", r"row 33, column 'consent'"),
    ],
)
def test_participant_errors_name_row_and_column(tmp_path, study_file, extra, pattern):
    with pytest.raises(InputError, match=pattern):
        read_participants(people_csv(tmp_path, extra), read_study_file(study_file))


def test_cli_creates_a_study_adds_people_and_ratings_and_reports(tmp_path, study_file):
    db = str(tmp_path / "riverside.sqlite3")
    assert run_cli("--db", db, "study", "create", str(study_file)).returncode == 0
    added = run_cli("--db", db, "study", "participants", "riverside", str(people_csv(tmp_path)))
    assert added.returncode == 0 and "Added 31 participants" in added.stdout, added.stderr
    rows = ["participant_id;wave;principle;value;practice"]  # semicolons, as European Excel writes CSV
    for i in range(30):
        for principle in ("wellbeing", "co_production"):
            rows.append(f"RV-{i:04d};baseline;{principle};{4 + i % 2};{1 + i % 4}")
    ratings = tmp_path / "ratings.csv"
    ratings.write_text("\n".join(rows) + "\n", encoding="utf-8-sig")
    result = run_cli("--db", db, "study", "ratings", "riverside", str(ratings))
    assert result.returncode == 0 and "Added 60 ratings" in result.stdout, result.stderr
    again = run_cli("--db", db, "study", "ratings", "riverside", str(ratings))
    assert again.returncode == 2 and "already has" in again.stderr
    report = tmp_path / "out" / "report.html"
    made = run_cli("--db", db, "study", "report", "riverside", "--out", str(report), "--n-boot", "200")
    assert made.returncode == 0, made.stderr
    html = report.read_text(encoding="utf-8")
    assert "Riverside Partnership Trust" in html and "Gap by principle and service" in html
    # a threshold above everyone's numbers hides every group, and the report still comes out whole
    hidden = run_cli(
        "--db",
        db,
        "study",
        "report",
        "riverside",
        "--out",
        str(report),
        "--min-n",
        "1000",
        "--n-boot",
        "200",
        "--no-pdf",
    )
    assert hidden.returncode == 0, hidden.stderr
    assert "Every service is suppressed" in report.read_text(encoding="utf-8")
    listed = run_cli("--db", db, "study", "list")
    assert "riverside" in listed.stdout


def test_cli_bad_rating_is_refused_whole(tmp_path, study_file):
    db = str(tmp_path / "r.sqlite3")
    run_cli("--db", db, "study", "create", str(study_file))
    run_cli("--db", db, "study", "participants", "riverside", str(people_csv(tmp_path)))
    ratings = tmp_path / "ratings.csv"
    ratings.write_text(
        "participant_id,wave,principle,value,practice\nRV-0001,baseline,wellbeing,4,2\n"
        "RV-0002,baseline,wellbeing,4.5,2\n",
        encoding="utf-8",
    )
    result = run_cli("--db", db, "study", "ratings", "riverside", str(ratings))
    assert result.returncode == 2
    assert re.search(r"row 3, column 'value'.*whole number", result.stderr)
    study = read_study_file(study_file)
    study.participants = read_participants(people_csv(tmp_path), study)
    with pytest.raises(InputError, match="unknown principle 'kindness'"):
        bad = tmp_path / "b.csv"
        bad.write_text("participant_id,wave,principle,value,practice\nRV-0001,baseline,kindness,4,2\n")
        read_ratings(bad, study)


def test_header_only_files_are_refused_by_the_command_line(tmp_path, study_file):
    """Participants, ratings, a survey export and the gap command's ratings: exit 2 with one line, not '0 added'."""
    db = str(tmp_path / "r.sqlite3")
    assert run_cli("--db", db, "study", "create", str(study_file)).returncode == 0
    people = tmp_path / "people.csv"
    people.write_text("participant_id,role,level\n", encoding="utf-8")
    ratings = tmp_path / "ratings.csv"
    ratings.write_text("participant_id,wave,principle,value,practice\n", encoding="utf-8")
    survey = tmp_path / "nomad.csv"
    survey.write_text("participant_id,B1,B2\n", encoding="utf-8")
    for args, name in (
        (["study", "participants", "riverside", str(people)], "people.csv"),
        (["study", "ratings", "riverside", str(ratings)], "ratings.csv"),
        (["survey", "import", str(survey), "--instrument", "nomad", "--study", "riverside"], "nomad.csv"),
        (["gap", str(ratings)], "ratings.csv"),
    ):
        result = run_cli("--db", db, *args)
        assert result.returncode == 2, (args, result.stdout)
        assert f"{name}: has column headings but no" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
