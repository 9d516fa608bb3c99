"""Which coders count: agreement only where two or more people coded, prevalence over everyone, the auto-coder
never a coder. Agreement figures are checked against the independent `krippendorff` package and sklearn on
reliability matrices written out by hand."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest

from mindthegap.analysis.coders import (
    coder_kinds,
    coder_summary,
    double_coded,
    intercoder_agreement,
    machine_agreement,
    prevalence_codings,
)
from mindthegap.analysis.coding import code_frequencies

N = np.nan


def _coding(source, code, start, end, coder="", status="accepted", confidence=None):
    return {
        "source": source,
        "code": code,
        "start": start,
        "end": end,
        "coder": coder,
        "status": status,
        "confidence": confidence,
    }


def test_roles_people_machine_agreed_and_unnamed():
    codings = pd.DataFrame(
        [
            _coding("s1", "a", 0, 5, "Asha"),
            _coding("s1", "a", 0, 5, "auto-coder:1f2e", status="accepted", confidence=0.9),
            _coding("s1", "a", 0, 5, None, status="unreviewed"),  # a suggestion without a name is still one
            _coding("s1", "a", 0, 5, "Consensus"),
            _coding("s1", "a", 0, 5, None),
            _coding("s1", "a", 0, 5, "  "),
        ]
    )
    assert coder_kinds(codings).tolist() == [
        "person",
        "machine",
        "machine",
        "agreed",
        "unattributed",
        "unattributed",
    ]
    summary = coder_summary(codings).set_index(["coder", "kind"])
    assert summary.loc[("Asha", "person"), "counts_as_coder"]
    assert not summary.loc[("auto-coder:1f2e", "machine"), "counts_as_coder"]
    assert summary.loc[("", "unattributed"), "codings"] == 2
    assert summary.loc[("", "machine"), ["codings", "suggestions"]].tolist() == [0, 1]


# three sentences in each of three sources; s1 and s2 coded by Asha and Ben, s3 by Asha alone
UNITS = pd.DataFrame(
    [(s, a, b) for s in ("s1", "s2", "s3") for a, b in ((0, 10), (11, 20), (21, 30))],
    columns=["source", "start", "end"],
)
PEOPLE = [
    _coding("s1", "waits", 0, 10, "Asha"),
    _coding("s1", "waits", 2, 18, "Ben"),  # a wider span: present in sentences 1 and 2
    _coding("s1", "staff", 21, 30, "Asha"),
    _coding("s2", "staff", 11, 20, "Asha"),
    _coding("s2", "staff", 11, 20, "Ben"),
    _coding("s2", "waits", 21, 30, "Ben"),
    _coding("s3", "waits", 0, 30, "Asha"),  # nobody else coded s3: not compared
]


def test_agreement_only_on_units_of_double_coded_sources():
    """Reference: the `krippendorff` package and sklearn's kappa on the units × coders matrices written by hand."""
    krippendorff = pytest.importorskip("krippendorff")
    from sklearn.metrics import cohen_kappa_score

    table = intercoder_agreement(pd.DataFrame(PEOPLE), UNITS, unit="sentence").set_index("code")
    # units s1:0, s1:11, s1:21, s2:0, s2:11, s2:21 (s3 left out); columns Asha, Ben
    waits = np.array([[1, 1], [0, 1], [0, 0], [0, 0], [0, 0], [0, 1]], dtype=float)
    staff = np.array([[0, 0], [0, 0], [1, 0], [0, 0], [1, 1], [0, 0]], dtype=float)
    for code, matrix in (("waits", waits), ("staff", staff)):
        row = table.loc[code]
        assert row["unit"] == "sentence" and row["units"] == 6 and row["coders"] == 2
        expected = krippendorff.alpha(reliability_data=matrix.T, level_of_measurement="nominal")
        assert row["krippendorff_alpha"] == pytest.approx(expected, abs=1e-12)
        assert row["cohen_kappa"] == pytest.approx(cohen_kappa_score(matrix[:, 0], matrix[:, 1]), abs=1e-12)
    pooled = np.vstack([staff, waits])
    assert table.loc["overall", "krippendorff_alpha"] == pytest.approx(
        krippendorff.alpha(reliability_data=pooled.T, level_of_measurement="nominal"), abs=1e-12
    )
    assert (table["sources"] == 2).all()


def test_a_coder_who_never_coded_a_source_is_missing_there_not_absent():
    """Reference: `krippendorff` with NaN for the third coder outside the one source she coded."""
    krippendorff = pytest.importorskip("krippendorff")
    codings = pd.DataFrame(
        [*PEOPLE, _coding("s2", "staff", 11, 20, "Cleo"), _coding("s2", "waits", 21, 30, "Cleo")]
    )
    table = intercoder_agreement(codings, UNITS).set_index("code")
    staff = np.array([[0, 0, N], [0, 0, N], [1, 0, N], [0, 0, 0], [1, 1, 1], [0, 0, 0]])
    expected = krippendorff.alpha(reliability_data=staff.T, level_of_measurement="nominal")
    assert table.loc["staff", "krippendorff_alpha"] == pytest.approx(expected, abs=1e-12)
    assert table.loc["staff", "coders"] == 3
    assert np.isnan(table.loc["staff", "cohen_kappa"])  # kappa is for two coders only


def test_machine_agreed_and_unnamed_codings_never_count_as_coders():
    """An accepted suggestion, an agreed version and unnamed codings leave people's agreement unchanged."""
    before = intercoder_agreement(pd.DataFrame(PEOPLE), UNITS)
    extra = [
        _coding("s1", "waits", 0, 30, "auto-coder:1f2e", confidence=0.8),
        _coding("s3", "staff", 0, 30, "auto-coder:1f2e", confidence=0.7),
        _coding("s1", "staff", 0, 10, "Agreed"),
        _coding("s3", "staff", 0, 10, ""),
    ]
    after = intercoder_agreement(pd.DataFrame(PEOPLE + extra), UNITS)
    pd.testing.assert_frame_equal(before, after)
    assert double_coded(pd.DataFrame(PEOPLE + extra))["source"].tolist() == ["s1", "s2"]


def test_split_coding_has_no_agreement_to_report():
    codings = pd.DataFrame([_coding("s1", "waits", 0, 10, "Asha"), _coding("s2", "waits", 0, 10, "Ben")])
    assert double_coded(codings).empty
    table = intercoder_agreement(codings, UNITS)
    assert table.empty and {"krippendorff_alpha", "unit", "sources"} <= set(table.columns)


def test_prevalence_is_the_union_or_the_agreed_version():
    codings = pd.DataFrame(
        [
            _coding("s1", "waits", 0, 10, "Asha"),
            _coding("s1", "waits", 0, 10, "Ben"),  # the same passage twice: counted once
            _coding("s2", "staff", 0, 10, "Ben"),
            _coding("s3", "waits", 0, 10, "Asha"),
            _coding("s3", "staff", 5, 9, "Ben"),
            _coding("s3", "waits", 0, 12, "agreed"),  # the agreed version replaces both coders in s3
            _coding("s4", "waits", 0, 9, "auto-coder:1f2e", status="accepted", confidence=0.8),
            _coding("s4", "staff", 0, 9, "auto-coder:1f2e", status="rejected", confidence=0.6),
            _coding("s5", "staff", 0, 9, "auto-coder:1f2e", status="unreviewed", confidence=0.9),
        ]
    )
    kept = prevalence_codings(codings)
    assert sorted(zip(kept["source"], kept["code"], kept["coder"], strict=True)) == [
        ("s1", "waits", "Asha"),
        ("s2", "staff", "Ben"),
        ("s3", "waits", "agreed"),
        ("s4", "waits", "auto-coder:1f2e"),
    ]


def test_people_against_the_auto_coder_on_whole_sources():
    """Reference: the `krippendorff` package on the sources × (people, machine) matrix written by hand."""
    krippendorff = pytest.importorskip("krippendorff")
    machine = "auto-coder:1f2e"
    codings = pd.DataFrame(
        [
            *PEOPLE,
            _coding("s1", "waits", 0, 30, machine, status="accepted", confidence=0.9),
            _coding("s2", "waits", 0, 30, machine, status="rejected", confidence=0.6),
            _coding("s3", "staff", 0, 30, machine, status="unreviewed", confidence=0.7),
        ]
    )
    table = machine_agreement(codings).set_index("code")
    # sources s1, s2, s3: people (union of Asha and Ben) against every suggestion made
    waits = np.array([[1, 1], [1, 1], [1, 0]], dtype=float)
    staff = np.array([[1, 0], [1, 0], [0, 1]], dtype=float)
    for code, matrix in (("waits", waits), ("staff", staff)):
        expected = krippendorff.alpha(reliability_data=matrix.T, level_of_measurement="nominal")
        assert table.loc[code, "krippendorff_alpha"] == pytest.approx(expected, abs=1e-12)
        assert table.loc[code, "unit"] == "source" and table.loc[code, "units"] == 3
    assert table.loc["waits", ["suggested", "accepted", "rejected", "unreviewed"]].tolist() == [2, 1, 1, 0]
    assert table.loc["overall", "suggested"] == 3
    assert set(table["machine"]) == {machine}
    assert machine_agreement(pd.DataFrame(PEOPLE)).empty


# --- the report section: what a reader sees ----------------------------------------------------------------


def _section(project, study):
    from mindthegap.report.context import ReportContext
    from mindthegap.report.sections import qualitative

    return qualitative.build(ReportContext(study=study, evidence={"qualitative": project}))


def _table(section, words):
    return next(b for b in section.blocks if words in (getattr(b, "caption", "") or ""))


def test_accepting_one_suggestion_does_not_make_the_auto_coder_a_coder(demo_study):
    from mindthegap.model.qualitative import Coding

    project = demo_study.evidence["qualitative"]
    before = _table(_section(project, demo_study.study), "Intercoder").data
    changed = copy.deepcopy(project)
    source = changed.sources[0]
    code = next(iter(changed.codebook.codes))
    changed.codings.append(
        Coding(source.guid, code, 0, len(source.text), "auto-coder:1f2e", status="accepted", confidence=0.9)
    )
    built = _section(changed, demo_study.study)
    after = _table(built, "Intercoder").data
    assert after.iloc[0]["coders"] == 2
    assert after.iloc[0]["krippendorff_alpha"] == pytest.approx(before.iloc[0]["krippendorff_alpha"])
    assert "unit of analysis: sentence" in _table(built, "Intercoder").caption
    versus = _table(built, "auto-coder")
    assert "unit of analysis: source" in versus.caption and versus.data.iloc[0]["suggested"] == 1


def _split_project(first_coder="Asha", second_coder="Ben"):
    from mindthegap.model.qualitative import Code, Codebook, Coding, QualitativeProject, Source

    book = Codebook()
    code = book.add(Code(name="Staffing"))
    text = "We are short of staff. Nights are the hardest."
    sources, codings = [], []
    for i in range(51):
        meta = {"participant": f"P{i:02d}", "level": "local_frontline"}
        source = Source(name=f"Interview {i}", text=text, metadata=meta)
        sources.append(source)
        coder = first_coder if i < 26 else second_coder
        codings.append(Coding(source.guid, code.guid, 0, 22, coder))
    return QualitativeProject(codebook=book, sources=sources, codings=codings)


def test_coders_who_split_the_interviews_are_both_counted(demo_study):
    built = _section(_split_project(), demo_study.study)
    freq = _table(built, "raised each code").data
    row = freq[(freq["level"] == "Local frontline") & (freq["code"] == "Staffing")].iloc[0]
    assert (row["participants"], row["n"]) == (51, 51)
    assert not any("Intercoder" in (getattr(b, "caption", "") or "") for b in built.blocks)
    assert "no source coded by more than one of them" in built.blocks[0].text
    assert not built.summary  # no alpha reported on segments nobody double-coded


def test_codings_without_a_coder_name_still_count(demo_study):
    built = _section(_split_project(first_coder=None), demo_study.study)
    freq = _table(built, "raised each code").data
    row = freq[(freq["level"] == "Local frontline") & (freq["code"] == "Staffing")].iloc[0]
    assert row["participants"] == 51
    assert "26 codings without a coder name" in built.blocks[0].text


def test_code_frequencies_count_the_union_of_coders():
    """Closed form: 30 people, coder A coded 15 and coder B the other 15, both raised by all 30."""
    sources = pd.DataFrame(
        {"source": [f"s{i}" for i in range(30)], "participant": [f"p{i}" for i in range(30)], "level": "x"}
    )
    codings = pd.DataFrame(
        [_coding(f"s{i}", "waits", 0, 5, "A" if i < 15 else "B") for i in range(30)]
        + [_coding(f"s{i}", "waits", 0, 5, "B") for i in range(5)]  # five double-coded alike
    )
    table = code_frequencies(codings, sources, by="level", min_n=11).set_index("level")
    assert (table.loc["x", "participants"], table.loc["x", "codings"]) == (30, 30)
