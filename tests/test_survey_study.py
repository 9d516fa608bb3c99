"""Survey answers stored in a study, through the real command line on a SQLite file: import (all or nothing,
skipped rows, unmatched values), then score, reliability and compare on what was stored."""

import json

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from scipy import stats
from tests.conftest import run_cli
from tests.test_study_files import people_csv

STUDY = """\
id: riverside
name: Riverside Partnership Trust
privacy: {min_n: 11}
policies:
  - id: care_act_wellbeing
    title: "Care Act 2014: the wellbeing duty"
    principles:
      - {id: wellbeing, name: Promoting wellbeing}
      - {id: co_production, name: Co-production}
      - {id: safety, name: Safe care}
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
ITEMS = [f"B{j}" for j in range(1, 21)]


def nomad_answers(seed: int, shift: float = 0.0) -> pd.DataFrame:
    """30 consenting staff plus RV-9001 (no consent), one factor behind all 20 items, B10 negatively worded."""
    rng = np.random.default_rng(seed)
    f = rng.normal(size=31)
    frame = pd.DataFrame(
        {b: np.clip(np.round(3 + shift + f + rng.normal(size=31)), 1, 5).astype(int) for b in ITEMS}
    )
    frame["B10"] = 6 - frame["B10"]
    frame.insert(0, "participant_id", [f"RV-{i:04d}" for i in range(30)] + ["RV-9001"])
    frame.insert(1, "service", ["Older people" if i % 3 == 0 else "adult_community" for i in range(31)])
    return frame


@pytest.fixture
def study_db(tmp_path):
    (tmp_path / "study.yaml").write_text(STUDY, encoding="utf-8")
    db = str(tmp_path / "riverside.sqlite3")
    assert run_cli("--db", db, "study", "create", str(tmp_path / "study.yaml")).returncode == 0
    added = run_cli("--db", db, "study", "participants", "riverside", str(people_csv(tmp_path)))
    assert added.returncode == 0, added.stderr
    return db


def test_import_is_all_or_nothing_and_skipping_says_what_was_left_out(tmp_path, study_db):
    db = study_db
    frame = nomad_answers(1)
    frame.loc[4, "service"] = "Forensic"  # not a service of this study: reported, the stored one is used
    frame.loc[len(frame)] = ["RV-7777", "older_people", *[3] * 20]  # nobody of that pseudonym in the study
    frame.loc[7, "B3"] = 7  # off the 1–5 scale
    path = tmp_path / "nomad.csv"
    frame.to_csv(path, index=False)
    refused = run_cli(
        "--db", db, "survey", "import", str(path), "-i", "nomad", "--study", "riverside", "--wave", "baseline"
    )
    assert refused.returncode == 2
    assert "row 9, column 'B3'" in refused.stderr and "nothing was imported" in refused.stderr
    nothing = run_cli("--db", db, "survey", "score", "--study", "riverside", "--out", str(tmp_path / "s.csv"))
    assert nothing.returncode == 2 and "no survey answers yet" in nothing.stderr
    frame.loc[7, "B3"] = 3
    frame.to_csv(path, index=False)
    refused = run_cli(
        "--db", db, "survey", "import", str(path), "-i", "nomad", "--study", "riverside", "--wave", "baseline"
    )
    assert refused.returncode == 2 and "'RV-7777' is not a participant of study 'riverside'" in refused.stderr
    done = run_cli(
        "--db", db, "survey", "import", str(path), "-i", "nomad", "--study", "riverside",
        "--wave", "Baseline", "--skip-bad-rows", "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["skipped_rows"] == [33] and report["respondents"] == 31 and report["answers"] == 31 * 20
    assert report["problems"][0]["column"] == "participant_id"
    assert report["unmatched_attribute_values"] == {"service": {"Forensic": 1}}
    assert report["waves"] == {"baseline": 31}
    again = run_cli(
        "--db", db, "survey", "import", str(path), "-i", "nomad", "--study", "riverside", "--wave", "baseline"
    )
    assert again.returncode == 2 and "already has nomad answers in wave 'baseline'" in again.stderr


def test_score_reliability_and_compare_work_on_stored_answers(tmp_path, study_db):
    db = study_db
    base, follow = nomad_answers(2), nomad_answers(3, shift=0.6)
    follow["wave"] = "Follow-up"  # a wave column, written as its name
    for name, frame, extra in (("b.csv", base, ["--wave", "baseline"]), ("f.csv", follow, [])):
        frame.to_csv(tmp_path / name, index=False)
        done = run_cli(
            "--db",
            db,
            "survey",
            "import",
            str(tmp_path / name),
            "-i",
            "nomad",
            "--study",
            "riverside",
            *extra,
        )
        assert done.returncode == 0, done.stderr

    out = tmp_path / "scores.csv"
    scored = run_cli("--db", db, "survey", "score", "--study", "riverside", "--out", str(out), "--json")
    assert scored.returncode == 0, scored.stderr
    scores = pd.read_csv(out)
    assert len(scores) == 60 and "RV-9001" not in set(scores["participant_id"])  # no consent: left out
    assert {"service", "discipline", "level", "wave", "coherence"} <= set(scores.columns)

    rel = run_cli("--db", db, "survey", "reliability", "--study", "riverside", "--by", "service", "--json")
    assert rel.returncode == 0, rel.stderr
    rows = json.loads(rel.stdout)["constructs"]
    older = [r for r in rows if r["service"] == "older_people"]  # 10 consenting people: under the study's 11
    assert older and all(r["suppressed"] and r["alpha"] is None for r in older)
    # the study's 30 (printed without --by) less the 20 adults would give the 10 away: the adults are hidden too
    adults = [r for r in rows if r["service"] == "adult_community"]
    assert adults and all(r["suppressed"] and r["n"] is None for r in adults)
    whole = run_cli("--db", db, "survey", "reliability", "--study", "riverside", "--json")
    everyone = next(
        r
        for r in json.loads(whole.stdout)["constructs"]
        if r["wave"] == "baseline" and r["construct"] == "coherence"
    )
    consenting = base[base.participant_id != "RV-9001"]
    # Reference: pingouin.cronbach_alpha on the same 30 people's coherence items
    expected = consenting[["B1", "B2", "B3", "B4"]]
    assert everyone["n"] == 30 and everyone["alpha"] == pytest.approx(
        pg.cronbach_alpha(expected)[0], abs=1e-6
    )

    paired = run_cli(
        "--db",
        db,
        "survey",
        "compare",
        "--study",
        "riverside",
        "--score",
        "coherence",
        "--wave",
        "wave",
        "--json",
    )
    assert paired.returncode == 0, paired.stderr
    row = json.loads(paired.stdout)["paired"][0]
    before = scores[scores.wave == "baseline"].set_index("participant_id")["coherence"]
    after = scores[scores.wave == "follow_up"].set_index("participant_id")["coherence"]
    # Reference: closed form mean of paired differences, and scipy's Wilcoxon signed-rank test
    assert row["n"] == 30 and row["mean_change"] == pytest.approx((after - before).mean(), abs=1e-9)
    assert row["p_wilcoxon"] == pytest.approx(stats.wilcoxon(after - before).pvalue, rel=1e-6)

    groups = run_cli(
        "--db",
        db,
        "survey",
        "compare",
        "--study",
        "riverside",
        "--score",
        "coherence",
        "--group",
        "service",
        "--json",
    )
    assert groups.returncode == 0, groups.stderr
    data = json.loads(groups.stdout)
    assert data["wave"] == "follow_up"
    shown = {g["service"]: g for g in data["groups"]}
    assert shown["older_people"]["suppressed"] and shown["adult_community"]["suppressed"]


def test_values_practice_export_lands_in_the_gap_analysis(tmp_path, study_db):
    """A wide values–practice export (a value and a practice column per principle) becomes the study's
    values–practice ratings, so the study report shows the gap. Reference: closed form, value minus practice."""
    db = study_db
    rows = []
    for i in range(30):
        rows.append(
            {
                "participant_id": f"RV-{i:04d}",
                "wellbeing_value": 5,
                "wellbeing_practice": 2 + i % 2,
                "co_production_value": "Very",  # an answer label, mapped through the instrument's scale
                "co_production_practice": 4,
                "safety_value": 5,
                "safety_practice": "",  # left blank: stored as missing, never as a rating
            }
        )
    path = tmp_path / "vp.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    done = run_cli(
        "--db", db, "survey", "import", str(path), "-i", "values_practice", "--study", "riverside",
        "--wave", "baseline", "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["values_practice_ratings"] == 90

    report = tmp_path / "report.html"
    made = run_cli(
        "--db", db, "study", "report", "riverside", "--out", str(report), "--n-boot", "200", "--no-pdf"
    )
    assert made.returncode == 0, made.stderr
    html = report.read_text(encoding="utf-8")
    assert "Gap by principle and service" in html
    assert "Promoting wellbeing has the widest gap (2.50)" in html  # 5 − mean(2, 3)


TEAM_CLIMATE = """\
id: team_climate
name: Team climate check
scales:
  agree5: {min: 1, max: 5, labels: {1: Strongly disagree, 5: Strongly agree}}
items:
  - {id: TC1, label: We talk about what matters to people, construct: voice, scale: agree5}
  - {id: TC2, label: Ideas from anyone are taken up, construct: voice, scale: agree5}
  - {id: TC3, label: Nobody listens to suggestions, construct: voice, scale: agree5, reverse: true}
  - {id: TC4, label: We have time to reflect, construct: space, scale: agree5}
  - {id: TC5, label: Supervision happens as planned, construct: space, scale: agree5}
"""


def test_a_users_own_instrument_needs_its_file_only_once(tmp_path, study_db):
    """After import the study keeps the instrument's definition: reliability and the report work without
    the YAML file, and reverse keying is applied as the file said."""
    db = study_db
    rng = np.random.default_rng(7)
    f = rng.normal(size=31)
    frame = pd.DataFrame(
        {f"TC{j}": np.clip(np.round(3 + f + rng.normal(size=31)), 1, 5).astype(int) for j in range(1, 6)}
    )
    frame["TC3"] = 6 - frame["TC3"]
    frame.insert(0, "participant_id", [f"RV-{i:04d}" for i in range(30)] + ["RV-9001"])
    yaml_path = tmp_path / "team_climate.yaml"
    yaml_path.write_text(TEAM_CLIMATE, encoding="utf-8")
    frame.to_csv(tmp_path / "tc.csv", index=False)
    done = run_cli(
        "--db", db, "survey", "import", str(tmp_path / "tc.csv"), "-i", str(yaml_path),
        "--study", "riverside", "--wave", "baseline",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    yaml_path.unlink()  # the file has gone; the study still knows the instrument

    rel = run_cli(
        "--db", db, "survey", "reliability", "--study", "riverside", "-i", "team_climate", "--json"
    )  # fmt: skip
    assert rel.returncode == 0, rel.stderr
    voice = next(r for r in json.loads(rel.stdout)["constructs"] if r["construct"] == "voice")
    consenting = frame[frame.participant_id != "RV-9001"][["TC1", "TC2", "TC3"]].copy()
    consenting["TC3"] = 6 - consenting["TC3"]
    # Reference: pingouin.cronbach_alpha on the 30 consenting people's voice items, TC3 reversed by hand
    assert voice["n"] == 30 and voice["alpha"] == pytest.approx(pg.cronbach_alpha(consenting)[0], abs=1e-6)

    report = tmp_path / "report.html"
    made = run_cli(
        "--db", db, "study", "report", "riverside", "--out", str(report), "--n-boot", "200", "--no-pdf"
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    html = report.read_text(encoding="utf-8")
    assert "Survey instruments" in html and "Team climate check" in html


def test_paired_wilcoxon_p_is_scipys_for_small_groups_with_ties_and_zeros():
    """The paired change's Wilcoxon p counts the sign flips of a small group (13 or fewer differences with ties
    or zeros) at once rather than through scipy's permutation test one flip at a time. Reference:
    ``scipy.stats.wilcoxon(d, zero_method="pratt")``, equal to the last bit, on seeded differences of 1–5
    ratings (ties and zeros), halves, continuous values (scipy's exact path) and more than 13 differences."""
    from mindthegap.analysis.comparison import wilcoxon_pratt_p

    rng = np.random.default_rng(12)
    cases = [rng.integers(-4, 5, size=n).astype(float) for n in [*range(2, 12), 13]]
    cases += [rng.integers(-2, 3, size=n) / 2 for n in (3, 6, 9)]
    cases += [rng.normal(size=8), rng.integers(-4, 5, size=20).astype(float), np.array([0.0, 0.0, 2.0])]
    for d in cases:
        if np.any(d != 0):
            assert wilcoxon_pratt_p(d) == float(stats.wilcoxon(d, zero_method="pratt").pvalue), d
