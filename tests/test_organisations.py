"""Organisation data: CQC and Staff Survey layouts, peer placement, the store and the ``org`` commands."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from mindthegap.analysis.benchmark import compare_ratings, compare_staff_survey, position
from mindthegap.errors import InputError
from mindthegap.io.organisations import read_cqc_ratings, read_providers, read_staff_survey

TIDY = """\ufeffORG_CODE,DATE,POPULATION,QUESTION,RATING_SCORE
AAA,01/02/2016,Overall,Safe,1
AAA,01/03/2018,Overall,Safe,2
AAA,01/03/2018,Forensic inpatient/secure wards,Well-led,3
BBB,05/05/2017,Overall,Safe,2
CCC,05/05/2017,Overall,Safe,0
DDD,05/05/2017,Overall,Safe,3
EEE,05/05/2017,Overall,Safe,1
BBB,05/05/2017,Forensic inpatient/secure wards,Well-led,2
"""
PROVIDERS = """ORG_CODE,ORG_NAME,ORG_TYPE,HEE_REGION_CODE
AAA ,Alpha Trust ,Mental Health,R1
BBB,Beta Trust,Mental Health,R1
CCC,Gamma Trust,Mental Health,R2
DDD,Delta Trust,Mental Health,R2
EEE,Epsilon Trust,Acute,R2
"""
OFFICIAL = """Provider ID,Provider ODS Code,Provider Name,Provider Type,Provider Region,Service / Population Group,\
Domain,Latest Rating,Publication Date
1-1,AAA,Alpha Trust,NHS Healthcare Organisation,London,Overall,Safe,Good,01/03/2018
1-1,AAA,Alpha Trust,NHS Healthcare Organisation,London,Overall,Well-led,Outstanding,01/03/2018
1-2,,Beta Trust,NHS Healthcare Organisation,London,Overall,Safe,Requires improvement,02/03/2018
1-3,CCC,Gamma Trust,NHS Healthcare Organisation,London,Overall,Safe,No published rating,02/03/2018
"""
WIDE = """ORG_CODE,YEAR,7a_SD,7a_D,7a_NAND,7a_A,7a_SA,7a_N
AAA,2017,5,5,10,50,30,200
BBB,2017,10,10,20,40,20,150
CCC,2017,0,0,10,60,30,9
DDD,2017,20,20,20,20,20,300
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_position_by_hand():
    """Hand-worked: scores 3, 2, 2, 1 and the provider's 2 → one better, two the same (itself included), one
    worse: rank 2, percentile 100 × (1 + ½·2) / 4 = 50."""
    assert position(pd.Series([3, 2, 2, 1]), 2.0) == (2, 50.0, 1, 2, 1)
    assert position(pd.Series([1]), 1.0)[:2] == (1, 50.0)


def test_tidy_cqc_latest_rating_placed_among_peers_of_the_same_type(tmp_path):
    """Hand-worked: AAA's latest Overall/Safe is Good (2, the 2016 rating is superseded); its mental-health
    peers are BBB 2, CCC 0, DDD 3 (EEE is acute and left out): rank 2 of 4, percentile (1 + 1) / 4 = 50."""
    ratings = read_cqc_ratings(_write(tmp_path, "r.csv", TIDY))
    providers = read_providers(_write(tmp_path, "p.csv", PROVIDERS))
    assert providers["provider_id"].tolist()[0] == "AAA"  # trailing spaces trimmed
    out = compare_ratings(ratings, "AAA", providers=providers)
    safe = out[(out.service == "Overall") & (out.key_question == "Safe")].iloc[0]
    assert (safe.rating, safe.peers_rated, safe["rank"], safe.percentile) == ("Good", 4, 2, 50.0)
    assert (safe.peer_outstanding, safe.peer_good, safe.peer_inadequate) == (1, 2, 1)
    forensic = out[out.service != "Overall"].iloc[0]
    assert (forensic["rank"], forensic.percentile) == (1, 75.0)  # 3 against BBB's 2
    everyone = compare_ratings(ratings, "AAA")  # without a provider list every provider is a peer
    assert everyone[everyone.key_question == "Safe"].iloc[0].peers_rated == 5


def test_official_layout_uses_ods_codes_and_skips_unrated(tmp_path):
    ratings = read_cqc_ratings(_write(tmp_path, "latest.csv", OFFICIAL))
    assert sorted(ratings["provider_id"].unique()) == ["1-2", "AAA"]
    assert ratings.set_index(["provider_id", "key_question"]).loc[("AAA", "Well-led"), "score"] == 3
    assert ratings["provider_name"].iloc[0] == "Alpha Trust"


@pytest.mark.parametrize(
    ("text", "column"),
    [
        (TIDY.replace("RATING_SCORE", "SCORE"), "RATING_SCORE"),
        (OFFICIAL.replace("Latest Rating", "Rating"), "Latest Rating"),
        (TIDY.replace("Well-led,3", "Kindness,3"), "QUESTION"),
        (TIDY.replace("Safe,0", "Safe,7"), "RATING_SCORE"),
    ],
)
def test_wrong_layout_is_one_line_naming_the_column(tmp_path, text, column):
    with pytest.raises(InputError) as caught:
        read_cqc_ratings(_write(tmp_path, "bad.csv", text))
    message = str(caught.value)
    assert f"column '{column}'" in message and "\n" not in message


def test_staff_survey_wide_and_tidy_agree_and_small_results_are_suppressed(tmp_path):
    """Hand-worked: % positive AAA 80, BBB 60, DDD 40; CCC (n = 9 < 11) is not used. AAA ranks 1 of 3,
    percentile (2 + ½) / 3 × 100 = 83.3; the peer median is 60."""
    wide = read_staff_survey(_write(tmp_path, "ss.csv", WIDE))
    tidy_path = tmp_path / "tidy.csv"
    wide.to_csv(tidy_path, index=False)
    tidy = read_staff_survey(tidy_path)
    pd.testing.assert_frame_equal(wide, tidy)
    out = compare_staff_survey(wide, "AAA").iloc[0]
    assert (out.positive, out.peers, out["rank"], out.peer_median) == (80.0, 3, 1, 60.0)
    assert out.percentile == pytest.approx(250 / 3)
    small = compare_staff_survey(wide, "CCC").iloc[0]
    assert bool(small.suppressed) and pd.isna(small.positive)
    with pytest.raises(InputError, match="'7a_SA'"):
        read_staff_survey(_write(tmp_path, "bad.csv", WIDE.replace("7a_SA", "7a_XX")))


@pytest.mark.django_db
def test_cli_import_and_compare_round_trip(tmp_path, monkeypatch):
    """The commands run in-process on the test database: import both kinds into a study, then compare as text
    and JSON."""
    import json

    from mindthegap.store import database

    monkeypatch.setattr(database, "open_store", lambda db=None, **kw: "test database")

    from mindthegap.cli.main import app
    from mindthegap.model import Policy, Principle, Study
    from mindthegap.store.studies.repository import save_study

    save_study(Study(id="orgs", name="Orgs", policies=[Policy("p", "P", principles=(Principle("a", "A"),))]))
    runner = CliRunner()
    ratings, providers = _write(tmp_path, "r.csv", TIDY), _write(tmp_path, "p.csv", PROVIDERS)
    args = ["org", "import", str(ratings), "--study", "orgs", "--kind", "cqc", "--providers", str(providers)]
    result = runner.invoke(app, [*args, "--home", "AAA"])
    assert result.exit_code == 0, result.output
    survey = _write(tmp_path, "ss.csv", WIDE)
    result = runner.invoke(app, ["org", "import", str(survey), "--study", "orgs", "--kind", "staff-survey"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["org", "compare", "--provider", "AAA", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["cqc"][0]["percentile"] == 50.0 and data["staff_survey"][0]["rank"] == 1
    result = runner.invoke(app, ["org", "compare", "--provider", "AAA"])
    assert result.exit_code == 0 and "Forensic" in result.output and "Requires" not in result.output
    from mindthegap.store.organisations.repository import load_organisations
    from mindthegap.store.studies.models import StudyRecord

    loaded = load_organisations(StudyRecord.objects.get(slug="orgs"))
    assert loaded["home"] == "AAA" and len(loaded["cqc"]) == 8
    assert loaded["providers"].set_index("provider_id").loc["BBB", "org_type"] == "Mental Health"


def test_shared_cqc_data_for_mental_health_trusts(shared_data):
    """On the real ratings: the 52 mental-health trusts are RGD's peers for its Overall ratings, and the rank
    and percentile follow from the peer counts shown."""
    folder = shared_data / "cqc-mental-health"
    ratings = read_cqc_ratings(folder / "CQC_ratings.csv")
    providers = read_providers(folder / "nhs_provider.csv")
    out = compare_ratings(ratings, "RGD", providers=providers)
    overall = out[out.service == "Overall"]
    assert set(overall["peers_rated"]) == {52}
    for r in out.itertuples():
        assert r.better + r.same + r.worse == r.peers_rated
        assert r.rank == r.better + 1
        assert r.percentile == pytest.approx(100 * (r.worse + r.same / 2) / r.peers_rated)
    staff = compare_staff_survey(
        read_staff_survey(folder / "NHS_SS_management.csv"), "RGD", providers=providers
    )
    assert len(staff) == 11 and staff["peers"].max() <= 52
