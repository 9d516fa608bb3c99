"""Field lengths on import: names, labels, ids and free text are refused past a sensible maximum with one
line naming the row and column (or the field), before PostgreSQL refuses them and SQLite stores them."""

import pandas as pd
import pytest
from django.db import transaction
from tests.test_study_files import STUDY, people_csv

from mindthegap.errors import ConfigurationError, InputError, StoreError
from mindthegap.frameworks.instruments import load_instrument
from mindthegap.io.study_files import read_participants, read_ratings, read_study_file
from mindthegap.io.surveys import import_survey
from mindthegap.model import Policy, Principle, Study
from mindthegap.model.limits import DEFAULT_TEXT_MAX, text_max


def _write(tmp_path, text: str, name: str = "study.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("name: Promoting wellbeing", "name: " + "W" * 201),
            "principle 'wellbeing' name is 201 characters long",
        ),
        (
            ("Care Act 2014: the wellbeing duty", "T" * 301),
            "policy 'care_act_wellbeing' title is 301 characters",
        ),
        (("name: Older people", "name: " + "O" * 250), "service 'older_people' name is 250 characters long"),
        (("id: follow_up", "id: f" + "u" * 64), "wave id 'fuuuuuuuuuuuuuuuuuuu…' is 65 characters long"),
        (("name: Riverside Partnership Trust", "name: " + "R" * 201), "study 'riverside' name is 201"),
    ],
)
def test_study_file_names_and_ids_have_limits(tmp_path, change, message):
    path = _write(tmp_path, STUDY.replace(*change))
    with pytest.raises(InputError) as err:
        read_study_file(path)
    assert message in str(err.value) and str(path) in str(err.value)
    assert len(str(err.value)) < 400


def test_a_huge_study_file_is_refused_before_it_is_parsed(tmp_path):
    path = _write(tmp_path, STUDY + "# " + "x" * 6_000_000 + "\n")
    with pytest.raises(InputError, match="is 6 MB; a study definition is a few kilobytes"):
        read_study_file(path)


def test_participant_cells_name_row_and_column(tmp_path):
    study = read_study_file(_write(tmp_path, STUDY))
    path = people_csv(
        tmp_path, extra="RV-7777,carer,people who use services and carers,,," + "t" * 201 + ",yes"
    )
    with pytest.raises(InputError) as err:
        read_participants(path, study)
    assert "row 33, column 'team': the value is 201 characters long; the most is 200" in str(err.value)
    assert "ttttt" not in str(err.value)


def test_rating_ids_have_the_store_s_width(tmp_path):
    study = read_study_file(_write(tmp_path, STUDY))
    study.participants = read_participants(people_csv(tmp_path), study)
    path = _write(
        tmp_path,
        "participant_id,wave,principle,value,practice\nRV-0001,baseline,wellbeing,4,3\n"
        f"RV-0002,{'b' * 65},wellbeing,4,3\n",
        "ratings.csv",
    )
    with pytest.raises(
        InputError, match=r"row 3, column 'wave': the value is 65 characters long; the most is 64"
    ):
        read_ratings(path, study)


def test_a_header_longer_than_any_question_is_refused(tmp_path):
    study = read_study_file(_write(tmp_path, STUDY))
    path = people_csv(tmp_path)
    frame = pd.read_csv(path, encoding="cp1252")
    frame["h" * 1001] = ""
    frame.to_csv(path, index=False)
    with pytest.raises(InputError, match="a column header is 1,001 characters long; the most is 1,000"):
        read_participants(path, study)


def test_survey_labels_ids_and_free_text_have_limits_and_bad_rows_can_be_skipped(tmp_path, monkeypatch):
    monkeypatch.setenv("MINDTHEGAP_MAX_TEXT_CHARS", "50")
    path = tmp_path / "feedback.csv"
    pd.DataFrame(
        {
            "id": ["r1", "r2", "r" * 65, "r4"],
            "service": ["Adults", "A" * 201, "Adults", "Adults"],
            "EF5": ["fine", "good", "ok", "z" * 51],
        }
    ).to_csv(path, index=False)
    instrument = load_instrument("event_feedback")
    with pytest.raises(InputError) as err:
        import_survey(path, instrument, attributes={"service": None})
    assert "row 3, column 'service': the value is 201 characters long; the most is 200" in str(err.value)
    assert "3 problem(s) in 3 row(s)" in str(err.value)
    result = import_survey(path, instrument, attributes={"service": None}, skip_bad_rows=True)
    assert result.skipped_rows == [3, 4, 5]
    assert [(p.row, p.column) for p in result.problems] == [(3, "service"), (4, "id"), (5, "EF5")]
    assert result.responses["respondent"].tolist() == ["r1"]
    assert all(len(str(v)) < 100 for v in result.report()["unmatched_attribute_values"])


def test_a_long_unknown_answer_is_cut_in_the_skipped_rows_report(tmp_path):
    path = tmp_path / "answers.csv"
    pd.DataFrame({"id": ["r1", "r2"], "B1": ["4", "9" * 150], "B2": ["3", "2"]}).to_csv(path, index=False)
    result = import_survey(path, load_instrument("nomad"), skip_bad_rows=True)
    (problem,) = result.problems
    assert (
        (problem.row, problem.column) == (3, "B1")
        and "'999" in problem.message
        and len(problem.message) < 300
    )


def test_the_free_text_limit_is_configurable_and_checked(monkeypatch):
    monkeypatch.delenv("MINDTHEGAP_MAX_TEXT_CHARS", raising=False)
    assert text_max() == DEFAULT_TEXT_MAX
    monkeypatch.setenv("MINDTHEGAP_MAX_TEXT_CHARS", "2500")
    assert text_max() == 2500
    monkeypatch.setenv("MINDTHEGAP_MAX_TEXT_CHARS", "lots")
    with pytest.raises(
        ConfigurationError, match="MINDTHEGAP_MAX_TEXT_CHARS='lots' is not a whole number of at least 1"
    ):
        text_max()


@pytest.mark.django_db
def test_the_store_refuses_a_name_too_wide_for_its_column_on_every_engine():
    """PostgreSQL raised a driver error for a 201-character principle name; SQLite kept it. Now both refuse."""
    from mindthegap.store.studies.models import StudyRecord
    from mindthegap.store.studies.repository import save_study

    study = Study(id="s", name="S", policies=[Policy("p", "P", (Principle("a", "A" * 201),))])
    with pytest.raises(StoreError, match="principle 'a' name is 201 characters long"), transaction.atomic():
        save_study(study)
    assert not StudyRecord.objects.filter(slug="s").exists()
