"""Participant ids must be pseudonyms: ids that carry an e-mail address, a phone number, an NHS number, a
postcode or a name are refused, as are ids longer than the store holds, on every path into the store."""

import numpy as np
import pandas as pd
import pytest
from django.db import transaction
from tests.test_study_files import STUDY, people_csv

from mindthegap.errors import InputError, StoreError
from mindthegap.io.study_files import read_participants, read_study_file
from mindthegap.model import Level, Participant, Role, Study
from mindthegap.model.pseudonyms import check_pseudonym, pseudonym_problem

PERSONAL = {
    "jane.smith@nhs.net": "e-mail address",
    "07700 900123": "phone number",
    "+44 7700 900123": "phone number",
    "RV-07700900123": "phone number",
    "450 557 7104": "NHS number",  # passes the modulus-11 check
    "SW1A 1AA": "postcode",
    "Jane Smith": "person's name",
    "Margaret Thompson-Whitfield": "person's name",
    "mary o'neill": "person's name",
    "Dr Patel": "person's name",
}
PSEUDONYMS = ["RV-0001", "p1", "NM-ACM-001", "northmoor-017", "P 01", "Site A 01", "alpha-bravo", "NM-RS28BE"]


@pytest.mark.parametrize(("value", "kind"), PERSONAL.items())
def test_ids_that_look_like_personal_data_are_refused_without_repeating_them(value, kind):
    """The detectors are redaction.py's; the message names the kind of data, never the value."""
    problem = pseudonym_problem(value)
    assert (
        problem == f"looks like a {kind}, not a pseudonym"
        or problem == f"looks like an {kind}, not a pseudonym"
    )
    with pytest.raises(ValueError) as err:
        check_pseudonym(value)
    assert value not in str(err.value)


@pytest.mark.parametrize("value", PSEUDONYMS)
def test_codes_are_accepted(value):
    assert pseudonym_problem(value) is None


def test_random_codes_like_the_demos_are_accepted():
    """Random six-character codes often have a postcode's shape without its space; they are codes, not places."""
    from mindthegap.demo.trust import _pseudonym

    rng, used = np.random.default_rng(7), set()
    codes = [_pseudonym(rng, used) for _ in range(5000)]
    assert [c for c in codes if pseudonym_problem(c)] == []


def test_length_and_control_characters():
    assert pseudonym_problem("P" * 64) is None
    assert pseudonym_problem("P" * 65) == "is 65 characters long; the most is 64"
    assert (
        pseudonym_problem("P-01\n") and pseudonym_problem("P-\x0001") and pseudonym_problem("") == "is empty"
    )


def test_the_model_refuses_a_study_holding_an_e_mail_as_an_id():
    study = Study(
        id="s",
        name="S",
        participants=[Participant("a.person@example.org", Role.CARER, Level.PEOPLE_AND_CARERS)],
    )
    with pytest.raises(ValueError, match="looks like an e-mail address"):
        study.validate()


@pytest.mark.parametrize(
    ("pid", "message"),
    [
        ("jane.smith@nhs.net", "the participant id looks like an e-mail address"),
        ("07700 900123", "the participant id looks like a phone number"),
        ("Jane Smith", "the participant id looks like a person's name"),
        ("RV-" + "9" * 62, "the value is 65 characters long; the most is 64"),
    ],
)
def test_participant_files_name_the_row_and_column(tmp_path, pid, message):
    study = read_study_file(_study(tmp_path))
    path = people_csv(tmp_path, extra=f"{pid},carer,people who use services and carers,,,,yes")
    with pytest.raises(InputError) as err:
        read_participants(path, study)
    text = str(err.value)
    assert "row 33, column 'participant_id'" in text and message in text
    assert pid not in text
    assert "P-0001" in text or "more than the column can hold" in text  # the hint says what to do


@pytest.mark.django_db
@pytest.mark.parametrize(
    "pid", ["x" * 65, "someone@example.org", "Jane Smith"], ids=["65 characters", "e-mail", "name"]
)
def test_the_store_refuses_them_on_every_engine_before_the_database_does(pid):
    """PostgreSQL once raised a driver error past 64 characters while SQLite stored the id silently; both now
    refuse in the store's own words and add nobody."""
    from mindthegap.store.studies.models import ParticipantRecord
    from mindthegap.store.studies.repository import add_participants, save_study

    record = save_study(Study(id="s", name="S"))
    people = [
        Participant("P-0001", Role.CARER, Level.PEOPLE_AND_CARERS),
        Participant(pid, Role.CARER, Level.PEOPLE_AND_CARERS),
    ]
    with pytest.raises(StoreError, match=r"characters long|looks like"), transaction.atomic():
        add_participants(record, people)
    assert ParticipantRecord.objects.filter(study=record).count() == 0
    with pytest.raises(StoreError), transaction.atomic():
        save_study(Study(id="t", name="T", participants=people))


@pytest.mark.django_db
def test_survey_respondents_that_look_like_e_mails_are_described_not_repeated(tmp_path):
    from mindthegap.store.evidence import save_all
    from mindthegap.store.surveys.importing import import_into_study

    study = read_study_file(_study(tmp_path))
    study.participants = read_participants(people_csv(tmp_path), study)
    save_all(study, {})
    answers = tmp_path / "answers.csv"
    pd.DataFrame({"participant_id": ["RV-0001", "jane.smith@nhs.net"], "B1": [4, 5], "B2": [3, 2]}).to_csv(
        answers, index=False
    )
    with pytest.raises(InputError) as err:
        import_into_study("riverside", answers, "nomad", wave="baseline")
    text = str(err.value)
    assert "row 3, column 'participant_id': the respondent id looks like an e-mail address" in text
    assert "jane.smith" not in text


def _study(tmp_path):
    path = tmp_path / "study.yaml"
    path.write_text(STUDY, encoding="utf-8")
    return path
