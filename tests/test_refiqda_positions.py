"""Positions in REFI-QDA projects: code points (the standard) or UTF-16 code units (NVivo), read and written.

The reference for every offset is Python's own UTF-16 encoder: ``len(text[:i].encode("utf-16-le")) // 2`` is
the UTF-16 position of code point ``i``.
"""

from __future__ import annotations

import zipfile

import pytest
from lxml import etree

from mindthegap.errors import InputError
from mindthegap.io.positions import CODEPOINTS, UTF16, choose_positions, on_word_boundary
from mindthegap.io.refiqda import read_project, write_project
from mindthegap.model.qualitative import Code, Codebook, Coding, QualitativeProject, Source

# a long interview with emoji early on and none of the coded passages reaching the end of it
OPENING = "Interviewer: Thanks for joining 🙂 shall we start? 👍\nNurse: Yes. "
BODY = " ".join(
    f"On ward {i} the huddle helped us plan discharges and the rota felt fairer to everyone."
    for i in range(40)
)
TEXT = OPENING + BODY + "\nInterviewer: Anything else to add before we stop?\n"
PHRASES = ["huddle helped us", "plan discharges", "rota felt fairer", "ward 17", "Anything else"]


def _utf16(text: str, index: int) -> int:
    return len(text[:index].encode("utf-16-le")) // 2


def _spans(unit: str) -> list[tuple[str, int, int]]:
    spans, at = [], 0
    for phrase in PHRASES:
        start = TEXT.index(phrase, at)
        end = start + len(phrase)
        if unit == UTF16:
            start, end = _utf16(TEXT, start), _utf16(TEXT, end)
        spans.append((phrase, start, end))
        at = TEXT.index(phrase, at) + 1
    return spans


def _project_xml(unit: str, origin: str | None) -> str:
    origin_attr = f' origin="{origin}"' if origin else ""
    selections = "".join(
        f'<PlainTextSelection guid="X{i}" startPosition="{s}" endPosition="{e}">'
        f'<Coding guid="K{i}"><CodeRef targetGUID="C1"/></Coding></PlainTextSelection>'
        for i, (_, s, e) in enumerate(_spans(unit))
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" name="p"{origin_attr}>'
        '<CodeBook><Codes><Code guid="C1" name="Teamwork" isCodable="true"/></Codes></CodeBook>'
        f'<Sources><TextSource guid="S1" name="Interview 7" plainTextPath="internal://S1.txt">{selections}'
        "</TextSource></Sources></Project>"
    )


def _qdpx(tmp_path, xml: str, text: str = TEXT):
    path = tmp_path / "nvivo.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", xml)
        archive.writestr("sources/S1.txt", text.encode("utf-8"))
    return path


def test_the_generated_project_defeats_a_rule_that_waits_for_a_selection_past_the_end():
    """The UTF-16 positions all fit inside the text read as characters, yet mean other words."""
    spans = _spans(UTF16)
    assert max(end for _, _, end in spans) < len(TEXT)
    assert all(TEXT[s:e] != phrase for phrase, s, e in spans)


@pytest.mark.parametrize("origin", ["NVivo 12 (12.6.1.970) for Windows", "QSR NVivo 14"])
def test_nvivo_projects_are_read_in_utf16_code_units(tmp_path, origin):
    project = read_project(_qdpx(tmp_path, _project_xml(UTF16, origin)))
    text = project.sources[0].text
    assert [text[c.start : c.end] for c in project.codings] == PHRASES
    assert any("UTF-16" in n and "NVivo" in n and "Interview 7" in n for n in project.notes)


@pytest.mark.parametrize("unit", [CODEPOINTS, UTF16])
@pytest.mark.parametrize("origin", [None, "MAXQDA 2022", "ATLAS.ti 23.1.0"])
def test_without_nvivo_word_boundaries_decide_the_unit(tmp_path, unit, origin):
    project = read_project(_qdpx(tmp_path, _project_xml(unit, origin)))
    text = project.sources[0].text
    assert [text[c.start : c.end] for c in project.codings] == PHRASES
    assert any("UTF-16" in n for n in project.notes) == (unit == UTF16)


def test_the_unit_can_be_given_outright(tmp_path):
    path = _qdpx(tmp_path, _project_xml(UTF16, "ATLAS.ti 23.1.0"))
    project = read_project(path, positions="utf16")
    assert [project.sources[0].text[c.start : c.end] for c in project.codings] == PHRASES
    with pytest.raises(InputError, match="unknown unit for positions 'bytes'"):
        read_project(path, positions="bytes")


def _sample() -> QualitativeProject:
    book = Codebook()
    code = book.add(Code(name="Teamwork"))
    source = Source(name="Interview 7", text=TEXT)
    codings = [
        Coding(source.guid, code.guid, s, e, coder="Asha", guid=f"G{i}")
        for i, (_, s, e) in enumerate(_spans(CODEPOINTS))
    ]
    return QualitativeProject(name="p", codebook=book, sources=[source], codings=codings)


def _written_positions(path) -> list[tuple[int, int]]:
    with zipfile.ZipFile(path) as archive:
        root = etree.fromstring(archive.read("project.qde"))
    return [
        (int(el.get("startPosition")), int(el.get("endPosition")))
        for el in root.iter("{urn:QDA-XML:project:1.0}PlainTextSelection")
    ]


@pytest.mark.parametrize("unit", [CODEPOINTS, UTF16])
def test_exports_write_the_unit_asked_for_and_read_back_exactly(tmp_path, unit):
    project = _sample()
    path = write_project(project, tmp_path / f"{unit}.qdpx", positions=unit)
    assert _written_positions(path) == [(s, e) for _, s, e in _spans(unit)]
    again = read_project(path)
    key = sorted((c.guid, c.start, c.end, c.coder) for c in again.codings)
    assert key == sorted((c.guid, c.start, c.end, c.coder) for c in project.codings)


def test_an_export_for_nvivo_reads_back_exactly(tmp_path):
    """Positions word boundaries would misread still come back exactly: the origin says the unit."""
    book = Codebook()
    code = book.add(Code(name="x"))
    text = "🙂🙂ab cd"
    source = Source(name="s", text=text)
    codings = [Coding(source.guid, code.guid, 2, 3), Coding(source.guid, code.guid, 3, 4)]  # single letters
    project = QualitativeProject(codebook=book, sources=[source], codings=codings)
    for unit in (CODEPOINTS, UTF16):
        path = write_project(project, tmp_path / f"{unit}.qdpx", positions=unit)
        if unit == UTF16:  # read by word boundaries alone, these would be taken for code points
            written = [o for pair in _written_positions(path) for o in pair]
            assert choose_positions([(text, written)])[0] == CODEPOINTS
        again = read_project(path)
        assert [(c.start, c.end) for c in again.codings] == [(2, 3), (3, 4)]


def test_a_position_that_is_not_a_number_names_the_file_and_selection(tmp_path):
    xml = _project_xml(CODEPOINTS, None).replace('startPosition="', 'startPosition="abc', 1)
    with pytest.raises(InputError) as info:
        read_project(_qdpx(tmp_path, xml))
    message = str(info.value)
    assert "nvivo.qdpx" in message and "selection X0" in message and "Interview 7" in message
    assert "startPosition='abc" in message and "\n" not in message


def test_choose_positions_prefers_the_standard_on_a_tie_and_refuses_impossible_readings():
    assert choose_positions([("plain text only", [0, 5])])[0] == CODEPOINTS
    # one boundary between words in each reading: the standard wins the tie
    assert choose_positions([("🙂 ab cd", [4, 6])])[0] == CODEPOINTS
    # UTF-16 position 1 falls between the halves of the emoji, so only code points are possible
    assert choose_positions([("🙂 a", [1, 3])])[0] == CODEPOINTS
    assert choose_positions([("a 🙂 bc", [0, 7])])[0] == UTF16  # 7 is past the 6 characters
    assert on_word_boundary("ab cd", 2) and not on_word_boundary("ab cd", 1)
