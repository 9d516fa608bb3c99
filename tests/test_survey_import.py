"""Each survey export format, written the way the tool writes it, imports to the same coded responses."""

import json

import numpy as np
import pandas as pd
import pytest

from mindthegap.errors import InputError
from mindthegap.frameworks.instruments import load_instrument
from mindthegap.io.surveys import import_survey, read_raw

NOMAD = load_instrument("nomad")
LABELS = {
    1: "Strongly disagree",
    2: "Disagree",
    3: "Neither agree nor disagree",
    4: "Agree",
    5: "Strongly agree",
}
CODES = {"B1": [5, 4, np.nan], "B2": [1, 2, 3], "B10": [2, np.nan, 4]}


def _check(result, ids=("r1", "r2", "r3")):
    got = result.responses
    assert list(got["respondent"]) == list(ids)
    for item, codes in CODES.items():
        assert got[item].tolist() == pytest.approx(codes, nan_ok=True)


def _label(code):
    return "" if np.isnan(code) else LABELS[int(code)]


def test_plain_csv_any_order_codes_labels_bom_semicolon_blank_rows(tmp_path):
    path = tmp_path / "answers.csv"
    # Excel's "CSV UTF-8" with semicolons (continental locales), headers by label, answers as text, blank rows
    lines = ["B10;id;Differs from usual ways;B2"]
    for i in range(3):
        b10 = _label(CODES["B10"][i]) if i != 1 else "Not relevant to my role"
        lines.append(f"{b10};r{i + 1};{_label(CODES['B1'][i])};{int(CODES['B2'][i])}")
    path.write_bytes(("\n".join(lines) + "\n;;;\n\n").encode("utf-8-sig"))
    result = import_survey(path, NOMAD, id_column="id")
    _check(result)


def test_cp1252_csv(tmp_path):
    path = tmp_path / "answers.csv"
    frame = pd.DataFrame(
        {"respondent": ["r1", "r2", "r3"], **{k: v for k, v in CODES.items()}, "team": ["Café"] * 3}
    )
    path.write_bytes(frame.to_csv(index=False).encode("cp1252"))
    result = import_survey(path, NOMAD, attributes={"team": ["Café", "Ward"]})
    _check(result)
    assert result.responses["team"].tolist() == ["Café"] * 3


def test_xlsx(tmp_path):
    path = tmp_path / "answers.xlsx"
    pd.DataFrame({"ID": ["r1", "r2", "r3"], **CODES}).to_excel(path, index=False)
    _check(import_survey(path, NOMAD))


def test_qualtrics_three_header_rows(tmp_path):
    path = tmp_path / "qualtrics.csv"
    head = [
        "StartDate,ResponseId,Q1,Q2,Q3",
        'Start Date,Response ID,"B1 text","B2 text","B10 text"',
        '"{""ImportId"":""startDate""}","{""ImportId"":""_recordId""}","{""ImportId"":""QID1""}",'
        '"{""ImportId"":""QID2""}","{""ImportId"":""QID3""}"',
    ]
    body = [
        f"2026-11-01,r{i + 1},{_label(CODES['B1'][i])},{_label(CODES['B2'][i])},{_label(CODES['B10'][i])}"
        for i in range(3)
    ]
    path.write_text("\n".join(head + body) + "\n", encoding="utf-8-sig")
    _frame, rows, _ = read_raw(path)
    assert rows == [4, 5, 6]
    result = import_survey(path, NOMAD, columns={"Q1": "B1", "Q2": "B2", "Q3": "B10"})
    _check(result)
    bad = path.read_text(encoding="utf-8-sig").replace("r2,Agree", "r2,Agreed")
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(InputError, match=r"row 5, column 'Q1': 'Agreed' is not an answer on the 1–5 scale"):
        import_survey(path, NOMAD, columns={"Q1": "B1", "Q2": "B2", "Q3": "B10"})


def test_redcap_raw_and_labels_with_dictionary(tmp_path):
    dictionary = tmp_path / "dictionary.csv"
    choices = (
        "0, Strongly disagree | 1, Disagree | 2, Neither agree nor disagree | 3, Agree | 4, Strongly agree"
    )
    pd.DataFrame(
        {
            "Variable / Field Name": ["record_id", "b1", "b2", "b10"],
            "Form Name": ["nomad"] * 4,
            "Field Type": ["text", "radio", "radio", "radio"],
            "Field Label": ["Record ID", "Differs", "Shared purpose", "Upsets"],
            "Choices, Calculations, OR Slider Labels": ["", choices, choices, choices],
        }
    ).to_csv(dictionary, index=False)
    raw = tmp_path / "raw.csv"
    # REDCap numbers these answers 0–4: the dictionary's labels decide the code
    pd.DataFrame(
        {"record_id": ["r1", "r2", "r3"], "b1": ["4", "3", ""], "b2": ["0", "1", "2"], "b10": ["1", "", "3"]}
    ).to_csv(raw, index=False)
    columns = {"b1": "B1", "b2": "B2", "b10": "B10"}
    _check(import_survey(raw, NOMAD, fmt="redcap", dictionary=dictionary, columns=columns))
    labelled = tmp_path / "labels.csv"
    pd.DataFrame(
        {
            "Record ID": ["r1", "r2", "r3"],
            "Differs": [_label(v) for v in CODES["B1"]],
            "Shared purpose": [_label(v) for v in CODES["B2"]],
            "Upsets": [_label(v) for v in CODES["B10"]],
        }
    ).to_csv(labelled, index=False)
    _check(
        import_survey(
            labelled, NOMAD, fmt="redcap", dictionary=dictionary, columns=columns, id_column="record_id"
        )
    )


def test_microsoft_forms_drops_names_and_emails(tmp_path):
    path = tmp_path / "forms.xlsx"
    pd.DataFrame(
        {
            "ID": ["r1", "r2", "r3"],
            "Start time": ["11/1/26 9:00:00"] * 3,
            "Completion time": ["11/1/26 9:05:00"] * 3,
            "Email": ["anonymous"] * 3,
            "Name": ["A Person", "B Person", ""],
            "Differs from usual ways": [_label(v) for v in CODES["B1"]],
            "Shared understanding of purpose": [_label(v) for v in CODES["B2"]],
            "Upsets working relationships": [_label(v) for v in CODES["B10"]],
        }
    ).to_excel(path, index=False)
    result = import_survey(path, NOMAD)
    _check(result)
    assert "Name" not in result.responses.columns and "Name" not in result.ignored_columns


def test_spss_sav_with_value_labels(tmp_path):
    import pyreadstat

    path = tmp_path / "answers.sav"
    frame = pd.DataFrame(
        {"resp": ["r1", "r2", "r3"], "B1": CODES["B1"], "B2": CODES["B2"], "B10": CODES["B10"]}
    )
    labels = {k: {float(c): t for c, t in LABELS.items()} for k in CODES}
    pyreadstat.write_sav(frame, str(path), variable_value_labels=labels)
    _check(import_survey(path, NOMAD, id_column="resp"))


def test_parquet(tmp_path):
    path = tmp_path / "answers.parquet"
    pd.DataFrame({"id": ["r1", "r2", "r3"], **CODES}).to_parquet(path)
    _check(import_survey(path, NOMAD))


def test_attributes_report_unmatched_values(tmp_path):
    path = tmp_path / "answers.csv"
    pd.DataFrame(
        {"id": ["r1", "r2", "r3"], **CODES, "service": ["Adult community", "forensic", "Pharmacy"]}
    ).to_csv(path, index=False)
    services = {"adult_community": "Adult community", "forensic": "Forensic"}
    result = import_survey(path, NOMAD, attributes={"service": services})
    assert result.responses["service"].tolist()[:2] == ["adult_community", "forensic"]
    assert pd.isna(result.responses["service"].iloc[2])
    assert result.unmatched == {"service": {"Pharmacy": 1}}
    json.dumps(result.report())


def test_all_or_nothing_unless_skipping_bad_rows(tmp_path):
    path = tmp_path / "answers.csv"
    pd.DataFrame(
        {"id": ["r1", "r2", "r3", "r4"], "B1": ["5", "9", "3", "Sometimes"], "B2": ["1", "2", "3", "x"]}
    ).to_csv(path, index=False)
    with pytest.raises(InputError) as err:
        import_survey(path, NOMAD)
    text = str(err.value)
    assert "row 3, column 'B1': '9' is not an answer" in text and "3 problem(s) in 2 row(s)" in text
    assert "\n" not in text
    result = import_survey(path, NOMAD, skip_bad_rows=True)
    assert result.skipped_rows == [3, 5]
    assert [(p.row, p.column) for p in result.problems] == [(3, "B1"), (5, "B1"), (5, "B2")]
    assert result.responses["respondent"].tolist() == ["r1", "r3"]


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("a,b\n1,2\n", "no column matches an item of 'nomad'"),
        ("id,B1\nr1,4\nr1,5\n", "respondent 'r1' appears twice"),
        ("", "is empty"),
    ],
)
def test_bad_files(tmp_path, content, needle):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=needle):
        import_survey(path, NOMAD, id_column="id" if "B1" in content else None)


def test_missing_file_and_unknown_format(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        import_survey(tmp_path / "nope.csv", NOMAD)
    path = tmp_path / "a.csv"
    path.write_text("B1\n1\n", encoding="utf-8")
    with pytest.raises(InputError, match="unknown format"):
        import_survey(path, NOMAD, fmt="sas")


def test_aggregated_distributions(tmp_path):
    """Reference: closed form — the mean code is Σ code × percent / Σ percent."""
    from mindthegap.io.surveys.distributions import read_distributions

    path = tmp_path / "dist.csv"
    path.write_text(
        "ORG_CODE,YEAR,7a_SD,7a_D,7a_NAND,7a_A,7a_SA,7a_N\nAAA,2024,10,20,30,30,10,200\nBBB,2024,0,0,50,50,0,10\n",
        encoding="utf-8-sig",
    )
    table = read_distributions(path, groups=["ORG_CODE", "YEAR"]).set_index("ORG_CODE")
    assert table.loc["AAA", "mean"] == pytest.approx((10 + 40 + 90 + 120 + 50) / 100)
    assert table.loc["BBB", "suppressed"] and pd.isna(table.loc["BBB", "mean"])
    with pytest.raises(InputError, match="no group column 'TRUST'"):
        read_distributions(path, groups=["TRUST"])


def test_nhs_staff_survey_distributions(shared_data):
    from mindthegap.io.surveys.distributions import read_distributions

    table = read_distributions(
        shared_data / "cqc-mental-health" / "NHS_SS_management.csv", groups=["ORG_CODE", "YEAR"]
    )
    shown = table[~table["suppressed"].astype(bool)]
    assert {"7a", "8d"} <= set(table["item"]) and (shown["n"] >= 11).all()
    assert shown["mean"].between(1, 5).all()


def test_an_item_left_blank_by_everyone_imports_as_missing():
    """A column nobody answered (all blank) is all missing, not an error."""
    from mindthegap.frameworks.instruments import load_instrument
    from mindthegap.io.surveys import map_responses

    raw = pd.DataFrame({"B1": [4, 5], "B2": [np.nan, np.nan]})
    out = map_responses(raw, load_instrument("nomad")).responses
    assert out["B1"].tolist() == [4, 5] and out["B2"].isna().all()


@pytest.mark.parametrize("fmt", ["csv", "qualtrics", "xlsx"])
def test_a_header_without_responses_is_refused(tmp_path, fmt):
    if fmt == "qualtrics":
        path = tmp_path / "qualtrics.csv"
        path.write_text(
            'StartDate,ResponseId,B1\nStart Date,Response ID,B1 text\n"{""ImportId"":""startDate""}",'
            '"{""ImportId"":""_recordId""}","{""ImportId"":""QID1""}"\n',
            encoding="utf-8-sig",
        )
    elif fmt == "xlsx":
        path = tmp_path / "forms.xlsx"
        pd.DataFrame(columns=["ID", "B1", "B2"]).to_excel(path, index=False)
    else:
        path = tmp_path / "answers.csv"
        path.write_text("id,B1,B2\n", encoding="utf-8")
    with pytest.raises(InputError, match="has column headings but no responses under them") as err:
        import_survey(path, NOMAD)
    assert str(err.value).startswith(str(path))


def test_skipping_bad_rows_that_leaves_no_row_is_refused(tmp_path):
    path = tmp_path / "answers.csv"
    path.write_text("id,B1\nr1,9\nr2,Often\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"row 2, column 'B1': '9' is not an answer.*every one of the 2 row"):
        import_survey(path, NOMAD, skip_bad_rows=True)
