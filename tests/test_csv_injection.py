"""Exports that cannot attack a spreadsheet (issue 10 item 8): formula-like text is neutralised in every CSV.

Reference: OWASP's "CSV Injection" advice — a cell starting with =, +, -, @, tab or carriage return is prefixed
with a single quote so a spreadsheet shows it as text — worked by hand for each value below; genuine numbers
(numeric columns, and text that is just a number such as "-3") must come out unchanged. Each export is then
checked end to end: the file is read back and every formula-like cell must start with the quote.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from tests.test_autocoder import synthetic_corpus
from tests.test_web import stored, stored_once, viewer  # noqa: F401  (fixtures)
from typer.testing import CliRunner

from mindthegap.cli.main import app
from mindthegap.io.tables import neutralise_formulas, neutralise_value

runner = CliRunner()
ATTACKS = ['=HYPERLINK("http://example.org/x","click")', "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0",
           "-2+3+cmd|' /C calc'!A0", "＝1+1"]  # fmt: skip


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+cmd|x", "'+cmd|x"),
        ("-cmd|x", "'-cmd|x"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("＝1+1", "'＝1+1"),
        ("-3", "-3"),
        ("+44", "+44"),
        ("-1.5e3", "-1.5e3"),
        ("-", "'-"),
        ("a=1", "a=1"),
        ("", ""),
        (-3, -3),
        (None, None),
    ],
)
def test_neutralise_value_by_hand(value, expected):
    assert neutralise_value(value) == expected


def test_frames_keep_numbers_numeric_and_are_not_changed_in_place():
    frame = pd.DataFrame({"=name": ["=1+1", "ok", None, "-7"], "n": [-1, 2, 3, 4], "x": [-1.5, 0, 1, 2]})
    out = neutralise_formulas(frame)
    assert list(out.columns) == ["'=name", "n", "x"]
    assert out["'=name"].tolist()[:2] == ["'=1+1", "ok"] and pd.isna(out["'=name"].iloc[2])
    assert out["'=name"].iloc[3] == "-7"
    assert out["n"].dtype == frame["n"].dtype and out["x"].dtype == frame["x"].dtype
    assert frame.iloc[0, 0] == "=1+1"  # the caller's frame is untouched


def _assert_neutral(path_or_text, column: str) -> pd.Series:
    text = path_or_text.read_text(encoding="utf-8") if hasattr(path_or_text, "read_text") else path_or_text
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    values = frame[column]
    starts = values.str.slice(0, 1)
    live = values[starts.isin(list("=+-@\t\r＝＋－＠")) & ~values.str.fullmatch(r"[+-]?[\d.]+(e[+-]?\d+)?")]
    assert live.empty, live.tolist()  # nothing a spreadsheet would run
    return values


def test_survey_import_out(tmp_path):
    src = tmp_path / "export.csv"
    pd.DataFrame(
        {"ID": [f"r{i}" for i in range(len(ATTACKS))], "service": ATTACKS, "B1": ["Agree"] * len(ATTACKS)}
    ).to_csv(src, index=False)
    out = tmp_path / "coded.csv"
    res = runner.invoke(
        app,
        ["survey", "import", str(src), "--instrument", "nomad", "--out", str(out), "--attribute", "service"],
    )
    assert res.exit_code == 0, res.output
    assert _assert_neutral(out, "service").tolist() == ["'" + a for a in ATTACKS]
    assert pd.read_csv(out)["B1"].tolist() == [4] * len(ATTACKS)  # numbers stay numbers


def test_survey_score_out(tmp_path):
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({f"B{j}": rng.integers(1, 6, size=20) for j in range(1, 21)})
    frame.insert(0, "id", range(20))
    frame["team"] = (ATTACKS * 4)[:20]
    src = tmp_path / "answers.csv"
    frame.to_csv(src, index=False)
    out = tmp_path / "scores.csv"
    args = ["survey", "score", str(src), "--instrument", "nomad", "--keep", "id,team", "--out", str(out)]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    assert _assert_neutral(out, "team").str.startswith("'").all()


def test_gap_out(tmp_path):
    rows = ["participant_id,principle,service,value,practice"]
    for i in range(40):
        service = "@SUM(A1)" if i < 18 else "=1+1"
        rows.append(f"p{i},safe,{service},{4 + i % 2},{2 + i % 3}")
    src = tmp_path / "r.csv"
    src.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "gap.csv"
    res = runner.invoke(
        app, ["gap", str(src), "--by", "principle,service", "--n-boot", "200", "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    services = _assert_neutral(out, "service")
    assert {"'@SUM(A1)", "'=1+1"} <= set(services)
    assert pd.to_numeric(pd.read_csv(out)["n"], errors="coerce").dropna().ge(11).all()


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_code_apply_out(tmp_path, suffix):
    texts, Y = synthetic_corpus(120)
    train = pd.DataFrame({"ID": range(len(texts)), "Comment": texts, "Staff": Y[:, 0], "Waiting": Y[:, 1]})
    train.to_csv(tmp_path / "coded.csv", index=False)
    (tmp_path / "L.txt").write_text("Staff\n=Waiting\n".replace("=", ""))
    model = tmp_path / "m.mtgmodel"
    args = ["autocode", "train", str(tmp_path / "coded.csv"), "--text", "Comment", "--codes-file"]
    assert runner.invoke(app, [*args, str(tmp_path / "L.txt"), "--out", str(model)]).exit_code == 0
    new = pd.DataFrame({"ID": ATTACKS, "Comment": ['=HYPERLINK("x") the nurse was kind'] * len(ATTACKS)})
    new.to_csv(tmp_path / "new.csv", index=False)
    out = tmp_path / f"out{suffix}"
    res = runner.invoke(
        app,
        ["autocode", "apply", str(model), str(tmp_path / "new.csv"), "--text", "Comment", "--id", "ID",
         "--out", str(out), "--redact"],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    if suffix == ".parquet":  # no spreadsheet evaluates Parquet: the data are kept exactly
        assert pd.read_parquet(out)["ID"].tolist() == ATTACKS
        return
    assert _assert_neutral(out, "ID").tolist() == ["'" + a for a in ATTACKS]
    _assert_neutral(out, "redacted_text")
    assert set(pd.read_csv(out)["Staff"]) <= {0, 1}


@pytest.mark.django_db
def test_web_gap_download(client, viewer, monkeypatch):  # noqa: F811
    import mindthegap.analysis.gap as gap

    real = gap.values_practice_gap

    def with_attack(*args, **kwargs):
        table = real(*args, **kwargs)
        return table.assign(principle='=HYPERLINK("http://example.org")')

    monkeypatch.setattr(gap, "values_practice_gap", with_attack)
    client.force_login(viewer)
    response = client.get("/studies/northmoor/gap.csv")
    assert response.status_code == 200
    _assert_neutral(response.content.decode(), "principle")
    numbers = pd.read_csv(io.StringIO(response.content.decode()))["n"]
    assert pd.api.types.is_numeric_dtype(numbers)
