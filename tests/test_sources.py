"""Reading sources: text, Word, PDF, WebVTT, SRT and survey free text; damaged files give one clear line."""

from __future__ import annotations

import docx
import pandas as pd
import pytest

from mindthegap.errors import InputError
from mindthegap.io.sources import read_source, read_sources, survey_sources, transcript_turns


def _pdf(text: str) -> bytes:
    """A minimal one-page PDF with a real text layer, written by hand so no PDF library is needed."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_txt_with_bom_and_crlf(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_bytes(b"\xef\xbb\xbfFirst line\r\nSecond line\r\n")
    source = read_source(path, {"level": "local_frontline"})
    assert source.text == "First line\nSecond line\n"
    assert source.metadata == {"level": "local_frontline"}


def test_docx_paragraphs(tmp_path):
    document = docx.Document()
    document.add_paragraph("Interviewer: What helps?")
    document.add_paragraph("Manager: Protected time for supervision.")
    path = tmp_path / "interview.docx"
    document.save(path)
    assert read_source(path).text == "Interviewer: What helps?\n\nManager: Protected time for supervision."


def test_pdf_text_layer(tmp_path):
    path = tmp_path / "minutes.pdf"
    path.write_bytes(_pdf("Board agreed to fund peer workers"))
    assert "Board agreed to fund peer workers" in read_source(path).text


def test_webvtt_voices_and_timestamps(tmp_path):
    path = tmp_path / "meeting.vtt"
    path.write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Asha Patel>We started the huddles in March.\n\n"
        "00:00:04.000 --> 00:00:06.500\n<v Asha Patel>They stuck.\n\n"
        "00:00:07.000 --> 00:00:09.000\n<v Tom>Not on nights, though.\n",
        encoding="utf-8",
    )
    text, turns = transcript_turns(path)
    assert [t.speaker for t in turns] == ["Asha Patel", "Tom"]
    assert turns[0].text == "We started the huddles in March. They stuck."
    assert (turns[0].begins, turns[0].ends) == (1.0, 6.5)
    for turn in turns:
        assert text[turn.start : turn.end] == turn.text


def test_srt_with_name_prefix(tmp_path):
    path = tmp_path / "call.srt"
    path.write_text(
        "1\n00:00:01,000 --> 00:00:02,000\nCarer: It felt rushed.\n\n2\n00:00:02,500 --> 00:00:04,000\n"
        "Nurse: We hear that.\n",
        encoding="utf-8",
    )
    text, turns = transcript_turns(path)
    assert [t.speaker for t in turns] == ["Carer", "Nurse"]
    assert read_source(path).text == text == "Carer: It felt rushed.\nNurse: We hear that.\n"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("broken.docx", b"PK\x03\x04 damaged", "not a readable Word document"),
        ("broken.pdf", b"%PDF-1.4 garbage", "PDF"),
        ("bad.vtt", b"not a transcript", "not a readable .vtt"),
        ("table.xlsx", b"x", "cannot read .xlsx"),
    ],
)
def test_damaged_files_name_the_file(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError, match=message) as info:
        read_source(path)
    assert name in str(info.value)


def test_read_sources_is_all_or_nothing(tmp_path):
    good = tmp_path / "a.txt"
    good.write_text("fine", encoding="utf-8")
    with pytest.raises(InputError):
        read_sources([good, tmp_path / "missing.txt"])


def test_survey_free_text_columns():
    frame = pd.DataFrame(
        {
            "id": ["r1", "r2", "r3"],
            "comment": ["Staff listen", "", None],
            "service": ["forensic", "older", "x"],
        }
    )
    sources = survey_sources(frame, "comment", "id", ["service"], source_name="staff survey")
    assert len(sources) == 1
    assert sources[0].metadata == {"service": "forensic", "participant": "r1"}
    with pytest.raises(InputError, match="no column named 'Comment'"):
        survey_sources(frame, "Comment")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "bad-time.vtt",
            "WEBVTT\n\n00:00:01.000 --> 00:0x:02.000\nAsha: hello there\n",
            "line 3: cue timing '00:00:01.000 --> 00:0x:02.000' is not",
        ),
        ("header-only.vtt", "WEBVTT\n", "has no captions with words"),
        ("arrow.srt", "1\n00:00:01,000 -> 00:00:02,000\nhello\n", "line 2: cue timing"),
        (
            "second-cue.srt",
            "1\n00:00:01,000 --> 00:00:02,000\nhello\n\n2\n00:00:0x,000 --> 00:00:03,000\nworld\n",
            "line 6: cue timing '00:00:0x,000 --> 00:00:03,000' is not 'hh:mm:ss,ttt",
        ),
        (
            "backwards.srt",
            "1\n00:00:05,000 --> 00:00:02,000\nAsha: backwards\n",
            r"line 2: the cue ends \(00:00:02,000\) before it starts \(00:00:05,000\)",
        ),
        ("blank.txt", "  \n\n", "has no text in it"),
    ],
)
def test_empty_and_malformed_transcripts_are_refused_naming_file_and_line(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message) as info:
        read_source(path)
    assert str(info.value).startswith(str(path)) and "\n" not in str(info.value)


def test_a_word_file_that_unpacks_past_the_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    """A 3 MB member (a few KB compressed) against a 1 MB limit: refused on its declared size."""
    import zipfile

    document = docx.Document()
    document.add_paragraph("Interviewer: What helps?")
    path = tmp_path / "interview.docx"
    document.save(path)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/media/padding.bin", b"\0" * (3 * 1024 * 1024))
    assert path.stat().st_size < 100_000
    monkeypatch.setenv("MINDTHEGAP_MAX_MEMBER_MB", "1")
    with pytest.raises(InputError, match=r"'word/media/padding.bin' unpacks to 3 MB, over the 1 MB") as info:
        read_source(path)
    assert "MINDTHEGAP_MAX_MEMBER_MB" in str(info.value)
    monkeypatch.setenv("MINDTHEGAP_MAX_MEMBER_MB", "4")
    assert read_source(path).text == "Interviewer: What helps?"


def test_a_pdf_larger_than_the_limit_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "minutes.pdf"
    path.write_bytes(_pdf("Board agreed") + b"%" + b" " * (2 * 1024 * 1024) + b"\n")
    monkeypatch.setenv("MINDTHEGAP_MAX_UNPACKED_MB", "1")
    with pytest.raises(InputError, match=r"minutes\.pdf: is 2 MB, over the 1 MB allowed for a PDF"):
        read_source(path)


def test_limits_that_are_not_numbers_are_a_configuration_error(tmp_path, monkeypatch):
    from mindthegap.errors import ConfigurationError

    document = docx.Document()
    document.add_paragraph("Hello.")
    document.save(tmp_path / "a.docx")
    monkeypatch.setenv("MINDTHEGAP_MAX_MEMBER_MB", "lots")
    with pytest.raises(ConfigurationError, match="MINDTHEGAP_MAX_MEMBER_MB='lots'"):
        read_source(tmp_path / "a.docx")
