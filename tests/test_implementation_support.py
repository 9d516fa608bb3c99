"""Implementation support (issue 15 item 6): the study file lists supports, an import file records use and
helpfulness (checked whole, errors by row and column, nothing half-written), the store leaves out withdrawn
participants, and the report section keeps to the publication plan and shows comments to analysts only."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from mindthegap.analysis.support import support_direction, support_reach
from mindthegap.analysis.suppression import ALL
from mindthegap.errors import InputError, InputErrors
from mindthegap.io.study_files import study_from_mapping, study_to_mapping
from mindthegap.io.support_files import read_support_uses
from mindthegap.model import Level, Participant, Role

SUPPORTS = [{"id": "toolkit", "name": "Toolkit", "kind": "tools"}, {"id": "webinars", "name": "Webinars"}]


def _study(n_front: int = 24, n_strategic: int = 12):
    study = study_from_mapping({"id": "sup", "name": "Support study", "supports": SUPPORTS})
    people = [Participant(f"F{i:03d}", Role.PRACTITIONER, Level.LOCAL_FRONTLINE) for i in range(n_front)]
    people += [Participant(f"S{i:03d}", Role.MANAGER, Level.LOCAL_STRATEGIC) for i in range(n_strategic)]
    study.participants = people
    return study


def _write(tmp_path: Path, rows: list[dict]) -> Path:
    path = tmp_path / "support.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def test_study_file_lists_supports_and_round_trips():
    study = _study()
    assert [s.id for s in study.supports] == ["toolkit", "webinars"]
    again = study_from_mapping(study_to_mapping(study))
    assert again.supports == study.supports


@pytest.mark.parametrize(
    ("supports", "says"),
    [
        ([{"id": "a", "name": "A"}, {"id": "a", "name": "B"}], "support id 'a' appears more than once"),
        ([{"id": "a"}], "supports[1]: 'name' is required"),
        ("toolkit", "supports: must be a list"),
    ],
)
def test_study_file_support_errors_are_one_line(supports, says):
    with pytest.raises(InputError) as err:
        study_from_mapping({"id": "sup", "name": "S", "supports": supports})
    assert says in str(err.value) and "\n" not in str(err.value)


def test_import_file_reads_ids_names_and_unnamed_respondents(tmp_path):
    path = _write(
        tmp_path,
        [
            {
                "participant": "F000",
                "level": "",
                "support": "Toolkit",
                "used": "yes",
                "helpfulness": 4,
                "comment": "Handy",
            },
            {
                "participant": "",
                "level": "regional",
                "support": "webinars",
                "used": "no",
                "helpfulness": "",
                "comment": "",
            },
        ],
    )
    out = read_support_uses(path, _study())
    assert out["support"].tolist() == ["toolkit", "webinars"]
    assert out["level"].tolist() == ["local_frontline", "regional"]
    assert out["used"].tolist() == [True, False] and out["helpfulness"].iloc[0] == 4


def test_import_file_reports_every_problem_by_row_and_column(tmp_path):
    path = _write(
        tmp_path,
        [
            {"participant": "NOBODY", "level": "", "support": "toolkit", "used": "yes", "helpfulness": 3},
            {"participant": "F001", "level": "", "support": "leaflet", "used": "yes", "helpfulness": 3},
            {"participant": "F002", "level": "", "support": "toolkit", "used": "maybe", "helpfulness": ""},
            {"participant": "F003", "level": "", "support": "toolkit", "used": "yes", "helpfulness": 7},
            {"participant": "F004", "level": "", "support": "toolkit", "used": "no", "helpfulness": 2},
            {
                "participant": "F005",
                "level": "regional",
                "support": "toolkit",
                "used": "no",
                "helpfulness": "",
            },
            {"participant": "F006", "level": "", "support": "toolkit", "used": "yes", "helpfulness": ""},
            {"participant": "F006", "level": "", "support": "toolkit", "used": "no", "helpfulness": ""},
        ],
    )
    with pytest.raises(InputErrors) as err:
        read_support_uses(path, _study())
    places = [(p.row, p.column) for p in err.value.problems]
    assert places == [
        (2, "participant"),
        (3, "support"),
        (4, "used"),
        (5, "helpfulness"),
        (6, "helpfulness"),
        (7, "level"),
        (9, "support"),
    ]
    assert all("\n" not in line for line in err.value.lines())


def test_reach_and_helpfulness_by_hand():
    """Hand-worked: 4 frontline asked, 3 used (ratings 2, 4, missing); 2 strategic asked, 0 used. With
    min_n 2: frontline share 3/4, helpfulness (2+4)/2 = 3.0; strategic share 0, no helpfulness; all levels
    3/6 used, helpfulness 3.0."""
    uses = pd.DataFrame(
        [
            ("a", "local_frontline", "t", True, 2),
            ("b", "local_frontline", "t", True, 4),
            ("c", "local_frontline", "t", True, None),
            ("d", "local_frontline", "t", False, None),
            ("e", "local_strategic", "t", False, None),
            ("f", "local_strategic", "t", False, None),
        ],
        columns=["person", "level", "support", "used", "helpfulness"],
    )
    out = support_reach(uses, min_n=2).set_index("level")
    assert out.loc["local_frontline", ["asked", "used", "rated"]].tolist() == [4, 3, 2]
    assert out.loc["local_frontline", "share"] == pytest.approx(0.75)
    assert out.loc["local_frontline", "helpfulness"] == pytest.approx(3.0)
    assert out.loc["local_strategic", "share"] == 0 and pd.isna(out.loc["local_strategic", "helpfulness"])
    assert out.loc[ALL, ["asked", "used"]].tolist() == [6, 3] and out.loc[ALL, "share"] == 0.5
    assert pd.isna(support_reach(uses, min_n=3).set_index("level").loc["local_frontline", "helpfulness"])


@pytest.mark.parametrize(
    ("share", "helpful", "direction"),
    [
        (0.6, 4.0, 1),
        (0.5, 3.5, 1),
        (0.6, None, 0),
        (0.4, 4.5, 0),
        (0.2, 4.5, -1),
        (0.8, 2.4, -1),
        (0.3, 3.0, 0),
    ],
)
def test_support_direction_rules(share, helpful, direction):
    """The rules in docs/methods.md: reach ≥ 50% and helpfulness ≥ 3.5 → +1; reach < 25% or < 2.5 → −1."""
    assert support_direction(share, float("nan") if helpful is None else helpful) == direction


@pytest.mark.django_db
def test_import_command_stores_whole_file_and_withdrawal_hides_rows(tmp_path, monkeypatch):
    from mindthegap.cli.main import app
    from mindthegap.store import database
    from mindthegap.store.studies.models import ParticipantRecord
    from mindthegap.store.studies.repository import get_record, load_study, save_study
    from mindthegap.store.synthesis.repository import uses_frame

    monkeypatch.setattr(database, "open_store", lambda db=None, **kw: "test database")
    save_study(_study())
    assert [s.id for s in load_study("sup").supports] == ["toolkit", "webinars"]
    good = [
        {"participant": f"F{i:03d}", "support": "toolkit", "used": "yes", "helpfulness": 4} for i in range(3)
    ]
    runner = CliRunner()
    result = runner.invoke(app, ["synth", "support", "import", str(_write(tmp_path, good)), "--study", "sup"])
    assert result.exit_code == 0 and "3 support-use rows" in result.output, result.output
    bad = [*good, {"participant": "F009", "support": "toolkit", "used": "perhaps"}]
    result = runner.invoke(app, ["synth", "support", "import", str(_write(tmp_path, bad)), "--study", "sup"])
    assert result.exit_code != 0
    record = get_record("sup")
    assert len(uses_frame(record)) == 3  # nothing half-written: the earlier record stands
    rated = runner.invoke(app, ["synth", "requirements", "sup", "--json"])
    assert rated.exit_code == 0, rated.output
    ratings = {r["requirement"]: r["rating"] for r in json.loads(rated.output)}
    assert ratings["skills-tools"] == "no evidence"  # three toolkit users: too few to show, never a pass
    ParticipantRecord.objects.filter(study=record, pseudonym="F000").update(consent=False)
    assert "F000" not in set(uses_frame(record)["participant_id"])


def test_section_keeps_to_the_plan_and_hides_comments_from_viewers(demo_study):
    from mindthegap.report.audience import for_audience
    from mindthegap.report.context import ReportContext
    from mindthegap.report.sections import support

    ctx = ReportContext(study=demo_study.study, evidence=copy.copy(demo_study.evidence), n_boot=50)
    section = support.build(ctx)
    reach = support.reach(ctx)
    for col in ("asked", "used"):
        shown = reach[col].dropna()
        assert (shown >= ctx.min_n).all()
    assert reach["suppressed"].any() and not reach["suppressed"].all()
    tables = [b for b in section.blocks if hasattr(b, "data")]
    assert any("comment" in t.verbatim for t in tables) and section.summary
    viewer = for_audience([section], "aggregate")[0]
    assert all("comment" not in t.columns for t in viewer.blocks if hasattr(t, "columns"))
