"""The Delphi store: the demo's round trip, and bad files refused whole with row and column named."""

from __future__ import annotations

import pandas as pd
import pytest

from mindthegap.errors import InputError, StoreError
from mindthegap.io.delphi_files import check_ratings
from mindthegap.model import Level, Participant, Role, Study
from mindthegap.store.delphi import models as m
from mindthegap.store.delphi import repository as repo
from mindthegap.store.evidence import load_all, save_all
from mindthegap.store.studies.repository import save_study

pytestmark = pytest.mark.django_db(transaction=True)


def test_demo_delphi_round_trip(demo_study):
    save_all(demo_study.study, {"delphi": demo_study.evidence["delphi"]})
    _, evidence = load_all(demo_study.study.id)
    stored, original = evidence["delphi"], demo_study.evidence["delphi"]
    consenting = {p.id for p in demo_study.study.participants if p.consent}
    expected = original["ratings"][original["ratings"]["rater_id"].isin(consenting)]
    assert len(stored["ratings"]) == len(expected)
    assert set(stored["ratings"]["rater_id"]) <= consenting  # withdrawn raters reach no output
    edited = stored["ratings"][stored["ratings"]["statement"] == "publish_gaps"]
    assert set(edited.loc[edited["round"] == 2, "version"]) == {2}
    assert set(edited.loc[edited["round"] == 1, "version"]) == {1}
    wordings = stored["statements"][stored["statements"]["statement"] == "publish_gaps"]
    assert len(wordings) == 2  # the old wording is kept
    assert list(stored["rounds"]["status"]) == ["closed"] * 3


@pytest.fixture
def small_delphi():
    people = [Participant(f"p{i:02d}", Role.PRACTITIONER, Level.LOCAL_FRONTLINE) for i in range(6)]
    study = Study("tiny", "Tiny study", participants=people)
    record = save_study(study)
    statements = pd.DataFrame({"statement": ["s1", "s2"], "text": ["First.", "Second."]})
    panels = pd.DataFrame({"rater_id": ["p00", "p01", "p02", "p03"], "group": "practitioners"})
    repo.create_delphi(record, statements, panels)
    return record


def ratings(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["rater_id", "statement", "round", "rating", "statement_text"])


def test_import_and_next_round_with_an_edit(small_delphi):
    good = check_ratings(ratings([["p00", "s1", 1, 8, ""], ["p01", "s1", 1, "", ""]]), need_group=False)
    assert repo.import_ratings(small_delphi, good) == 2
    number = repo.open_round(
        small_delphi, edits=pd.DataFrame({"statement": ["s1"], "text": ["First, reworded."]})
    )
    assert number == 2 and m.Round.objects.get(number=1).status == "closed"
    old = check_ratings(ratings([["p00", "s1", 2, 7, "First."]]), need_group=False)
    with pytest.raises(InputError, match=r"row 2, column 'statement_text': statement 's1' was edited"):
        repo.import_ratings(small_delphi, old)
    new = check_ratings(ratings([["p00", "s1", 2, 7, "First, reworded."]]), need_group=False)
    assert repo.import_ratings(small_delphi, new) == 1
    frames = repo.delphi_frames(small_delphi)
    assert list(frames["ratings"]["version"]) == [1, 1, 2]


@pytest.mark.parametrize(
    ("rows", "where", "what"),
    [
        ([["p00", "s1", 1, 8, ""], ["p04", "s1", 1, 8, ""]], "row 3, column 'rater_id'", "is on no panel"),
        ([["p00", "s1", 1, 8, ""], ["zz", "s1", 1, 8, ""]], "row 3, column 'rater_id'", "not a participant"),
        (
            [["p00", "s1", 1, 8, ""], ["p00", "s9", 1, 8, ""]],
            "row 3, column 'statement'",
            "not rated in round",
        ),
        ([["p00", "s1", 2, 8, ""]], "row 2, column 'round'", "has not been opened"),
        ([["p00", "s1", 1, 8, "Other words."]], "row 2, column 'statement_text'", "was edited"),
    ],
)
def test_bad_ratings_are_refused_whole(small_delphi, rows, where, what):
    checked = check_ratings(ratings(rows), need_group=False)
    with pytest.raises(InputError, match=what) as caught:
        repo.import_ratings(small_delphi, checked)
    assert where in str(caught.value)
    assert m.Rating.all_objects.count() == 0  # nothing half-written


def test_a_closed_round_takes_no_more_ratings(small_delphi):
    repo.close_round(small_delphi, 1)
    late = check_ratings(ratings([["p00", "s1", 1, 8, ""]]), need_group=False)
    with pytest.raises(InputError, match=r"row 2, column 'round': round 1 is closed"):
        repo.import_ratings(small_delphi, late)
    with pytest.raises(StoreError, match="already closed"):
        repo.close_round(small_delphi, 1)


def test_rating_twice_in_a_round_across_imports_is_refused(small_delphi):
    first = check_ratings(ratings([["p00", "s1", 1, 8, ""]]), need_group=False)
    repo.import_ratings(small_delphi, first)
    with pytest.raises(InputError, match="has already rated 's1' in round 1"):
        repo.import_ratings(small_delphi, first)
    assert m.Rating.all_objects.count() == 1
