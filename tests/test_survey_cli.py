"""``mindthegap survey`` as a user meets it: reliability with ad-hoc constructs or an instrument, scores, errors."""

import json

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from tests.conftest import completed, run_cli


@pytest.fixture(autouse=True)
def _in_this_process(cli_here, monkeypatch):
    """Every command here reads files only: run them in this process, much faster than a fresh one each."""
    monkeypatch.setitem(globals(), "run_cli", completed(cli_here))


@pytest.fixture
def answers(tmp_path):
    rng = np.random.default_rng(3)
    f = rng.normal(size=120)
    frame = pd.DataFrame(
        {f"B{j}": np.clip(np.round(3 + f + rng.normal(size=120)), 1, 5) for j in range(1, 21)}
    )
    frame["B10"] = 6 - frame["B10"]  # negatively worded in NoMAD
    frame.insert(0, "id", range(1, 121))
    frame["team"] = ["small"] * 10 + ["eleven"] * 11 + ["rest"] * 99
    path = tmp_path / "answers.csv"
    frame.to_csv(path, index=False)
    return path, frame


def test_reliability_with_constructs_matches_pingouin(answers):
    """Reference: pingouin.cronbach_alpha on the same columns."""
    path, frame = answers
    result = run_cli(
        "survey", "reliability", str(path), "--construct", "a=B1,B2,B3", "--construct", "b=B4,B5", "--json"
    )
    assert result.returncode == 0, result.stderr
    rows = {r["construct"]: r for r in json.loads(result.stdout)["constructs"]}
    assert rows["a"]["alpha"] == pytest.approx(pg.cronbach_alpha(frame[["B1", "B2", "B3"]])[0], abs=1e-6)
    assert rows["a"]["n"] == 120 and rows["b"]["k"] == 2


def test_reliability_with_instrument_reverses_b10_and_suppresses_small_groups(answers):
    path, frame = answers
    result = run_cli(
        "survey", "reliability", str(path), "--instrument", "nomad", "--by", "team", "--items", "--json"
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    rows = [r for r in data["constructs"] if r["construct"] == "collective_action"]
    by_team = {r["team"]: r for r in rows}
    assert (
        by_team["small"]["alpha"] is None and by_team["small"]["n"] is None and by_team["small"]["suppressed"]
    )
    # the whole file's n (120, printed without --by) less 'rest' (99) and 'eleven' would give 'small' away
    assert by_team["eleven"]["suppressed"] and by_team["eleven"]["n"] is None
    assert by_team["rest"]["n"] == 99
    fixed = frame[frame.team == "rest"][[f"B{j}" for j in range(9, 16)]].copy()
    fixed["B10"] = 6 - fixed["B10"]
    assert by_team["rest"]["alpha"] == pytest.approx(pg.cronbach_alpha(fixed)[0], abs=1e-6)
    assert any(r["item"] == "B10" and r["reversed"] for r in data["items"])


def test_reliability_table_output(answers):
    path, _ = answers
    result = run_cli("survey", "reliability", str(path), "--construct", "a=B1,B2,B3", "--reverse", "B2")
    assert result.returncode == 0, result.stderr
    assert "alpha" in result.stdout and "omega" in result.stdout


def test_score_writes_a_file(answers, tmp_path):
    path, _ = answers
    out = tmp_path / "scores.csv"
    result = run_cli(
        "survey",
        "score",
        str(path),
        "--instrument",
        "nomad",
        "--keep",
        "id,team",
        "--out",
        str(out),
        "--json",
    )
    assert result.returncode == 0, result.stderr
    scores = pd.read_csv(out)
    assert {"id", "team", "coherence", "reflexive_monitoring"} <= set(scores.columns)
    assert json.loads(result.stdout)["respondents"] == 120


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--construct", "a=B1,ZZ"], "'ZZ', which is not in the file"),
        (["--construct", "B1,B2"], "NAME=COL1"),
        (["--construct", "a=B1,B2", "--scale-max", "3"], "outside the scale 1–3"),
        (["--construct", "a=B1,B2", "--reverse", "B7"], "--reverse 'B7'"),
        (["--instrument", "nomadic"], "no instrument 'nomadic'"),
        ([], "give either --instrument"),
        (["--construct", "a=B1,B2", "--by", "ward"], "no column 'ward'"),
    ],
)
def test_bad_input_gives_one_line_and_exit_2(answers, args, needle):
    path, _ = answers
    result = run_cli("survey", "reliability", str(path), *args)
    assert result.returncode == 2, result.stdout + result.stderr
    assert needle in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_file(tmp_path):
    result = run_cli("survey", "reliability", str(tmp_path / "nope.csv"), "--construct", "a=B1,B2")
    assert result.returncode == 2 and "file not found" in result.stderr


def test_compare_groups_and_waves(tmp_path):
    rng = np.random.default_rng(8)
    n = 90
    frame = pd.DataFrame(
        {
            "id": np.tile(np.arange(n), 2),
            "wave": np.repeat(["baseline", "follow_up"], n),
            "service": np.tile(["ten"] * 10 + ["eleven"] * 11 + ["rest"] * 69, 2),
            "coherence": rng.normal(3.5, 0.6, 2 * n),
        }
    )
    path = tmp_path / "scores.csv"
    frame.to_csv(path, index=False)
    one_wave = tmp_path / "baseline.csv"
    frame[frame.wave == "baseline"].to_csv(one_wave, index=False)
    result = run_cli(
        "survey",
        "compare",
        str(one_wave),
        "--score",
        "coherence",
        "--group",
        "service",
        "--n-boot",
        "200",
        "--json",
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    # the 90 people less 'rest' (69) and 'eleven' would give 'ten' away, so 'eleven' is not shown either
    assert "ten" not in json.dumps(data["pairs"]) and data["omnibus"]["omitted_small_groups"] == 2
    assert {g["service"] for g in data["groups"] if not g["suppressed"]} == {"rest"}
    result = run_cli("survey", "compare", str(path), "--score", "coherence", "--wave", "wave", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["paired"][0]["n"] == n
    # the waves are named --baseline and --follow-up; the old --before and --after still work, with a note
    # (reference for the means: pandas' mean of each wave, every person being in both)
    means = frame.groupby("wave")["coherence"].mean()
    named = ("--baseline", "baseline", "--follow-up", "follow_up")
    for flags, noted in ((named, False), (("--before", "baseline", "--after", "follow_up"), True)):
        result = run_cli(
            "survey", "compare", str(path), "--score", "coherence", "--wave", "wave", *flags, "--json"
        )
        assert result.returncode == 0, result.stderr
        row = json.loads(result.stdout)["paired"][0]
        assert row["mean_baseline"] == pytest.approx(means["baseline"], abs=1e-9)
        assert row["mean_follow_up"] == pytest.approx(means["follow_up"], abs=1e-9)
        assert ("note: --before is now called --baseline" in result.stderr) is noted
        assert ("note: --after is now called --follow-up" in result.stderr) is noted
    result = run_cli("survey", "compare", str(path), "--score", "coherence")
    assert result.returncode == 2 and "--group" in result.stderr
    result = run_cli("survey", "compare", str(one_wave), "--score", "coherence", "--group", "service")
    assert result.returncode == 0 and "Kruskal" in result.stdout
    # both waves left in the file would count every person twice in each group
    result = run_cli("survey", "compare", str(path), "--score", "coherence", "--group", "service")
    assert result.returncode == 2
    assert "scores.csv: person '0' has more than one row in service" in result.stderr
    assert "one wave at a time" in result.stderr


def test_import_command(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(
        "ID,service,B1,B2\nr1,Forensic,Agree,Strongly agree\nr2,Forensic,Not relevant to my role,2\nr3,x,Maybe,3\n",
        encoding="utf-8",
    )
    out = tmp_path / "coded.csv"
    args = [
        "survey",
        "import",
        str(path),
        "--instrument",
        "nomad",
        "--out",
        str(out),
        "--attribute",
        "service",
    ]
    result = run_cli(*args)
    assert result.returncode == 2 and "row 4, column 'B1'" in result.stderr and not out.exists()
    result = run_cli(*args, "--skip-bad-rows", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["skipped_rows"] == [4]
    coded = pd.read_csv(out)
    assert (
        coded["B1"].tolist()[0] == 4
        and pd.isna(coded["B1"].iloc[1])
        and coded["service"].tolist() == ["Forensic"] * 2
    )


def test_reliability_warns_of_negative_alpha_with_a_hint(answers):
    """B10 is negatively worded: left unreversed beside B9 the pair's alpha is negative, and the command says
    what to do; reversing it clears the warning."""
    path, _ = answers
    result = run_cli("survey", "reliability", str(path), "--construct", "pair=B9,B10")
    assert result.returncode == 0, result.stderr
    assert "warning: pair: alpha is negative" in result.stderr
    assert "--reverse ITEM" in result.stderr and "--items" in result.stderr
    fixed = run_cli("survey", "reliability", str(path), "--construct", "pair=B9,B10", "--reverse", "B10")
    assert fixed.returncode == 0 and "warning" not in fixed.stderr


MIXED = """id: mixed
name: Mixed scales
scales:
  seven: {min: 1, max: 7}
  five: {min: 1, max: 5}
items:
  - {id: q1, label: On seven points, construct: trust, scale: seven}
  - {id: q2, label: On five points, construct: trust, scale: five}
  - {id: q3, label: Negatively worded on five points, construct: trust, scale: five, reverse: true}
"""


def test_instrument_items_are_reverse_scored_on_their_own_scale(tmp_path):
    """Closed form: q3 = 1 on a 1–5 scale reverses to 5 (not to 7, as on the construct's widest scale), so
    the person answering 7, 5, 1 scores (7 + 5 + 5) / 3 = 5.67, not 6.33. Alpha is computed on the same
    reversal: reference pingouin on hand-reversed items."""
    instrument = tmp_path / "mixed.yaml"
    instrument.write_text(MIXED, encoding="utf-8")
    rng = np.random.default_rng(6)
    f = rng.normal(size=60)
    frame = pd.DataFrame(
        {
            "id": range(60),
            "q1": np.clip(np.round(4 + 1.5 * f + rng.normal(size=60)), 1, 7),
            "q2": np.clip(np.round(3 + f + rng.normal(size=60)), 1, 5),
            "q3": np.clip(np.round(3 - f + rng.normal(size=60)), 1, 5),
        }
    )
    frame.loc[0, ["q1", "q2", "q3"]] = [7, 5, 1]
    answers = tmp_path / "mixed.csv"
    frame.to_csv(answers, index=False)
    out = tmp_path / "scores.csv"
    result = run_cli(
        "survey", "score", str(answers), "--instrument", str(instrument), "--keep", "id", "--out", str(out)
    )
    assert result.returncode == 0, result.stderr
    assert pd.read_csv(out).loc[0, "trust"] == pytest.approx(17 / 3)
    result = run_cli("survey", "reliability", str(answers), "--instrument", str(instrument), "--json")
    assert result.returncode == 0, result.stderr
    by_hand = frame[["q1", "q2", "q3"]].assign(q3=6 - frame["q3"])
    alpha = json.loads(result.stdout)["constructs"][0]["alpha"]
    assert alpha == pytest.approx(pg.cronbach_alpha(by_hand)[0], abs=1e-9)
