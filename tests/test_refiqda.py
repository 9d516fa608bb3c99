"""REFI-QDA import and export against the real ATLAS.ti export and hand-made vendor quirks."""

from __future__ import annotations

import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from tests.conftest import missing_shared_data

from mindthegap.errors import InputError
from mindthegap.io.refiqda import read_codebook, read_project, write_codebook, write_project
from mindthegap.model.qualitative import Code, Codebook, Coding, Memo, QualitativeProject, Source

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "refi-qda"
SCHEMA = DATA / "Project.xsd"
ATLAS = DATA / "atlasti-8.4-sample" / "Project.qde"


def needs_data():
    if not SCHEMA.exists() or not ATLAS.exists():
        missing_shared_data("the shared REFI-QDA data")


def test_atlasti_sample_imports_codebook_and_names_absent_sources():
    needs_data()
    project = read_project(ATLAS, schema=SCHEMA)
    assert len(project.codebook.codes) == 14
    assert len(project.codings) == 16
    assert project.codebook.by_name("Coke::diet Coke").description == "non sucré"
    absent = [n for n in project.notes if "absent" in n]
    assert absent and "Mabel.txt" in absent[0] and "Simon.docx" in absent[0]
    assert {c.coder for c in project.codings} == {"Friedrich Markgraf"}


def _sample_project() -> QualitativeProject:
    book = Codebook(name="NPT")
    top = book.add(Code(name="Coherence", description="making sense of the work", colour="#1F77B4"))
    child = book.add(Code(name="Differentiation", parent=top.guid))
    other = book.add(Code(name="Collective action"))
    text = "Interviewer: How did it go?\nNurse: It felt new 🙂 but we saw why it mattered.\n"
    source = Source(name="Interview 1", text=text)
    codings = [
        Coding(
            source=source.guid,
            code=child.guid,
            start=35,
            end=50,
            coder="Asha",
            created=datetime(2026, 11, 1, 9, 0, tzinfo=UTC),
        ),
        Coding(
            source=source.guid,
            code=other.guid,
            start=35,
            end=50,
            coder="Ben",
            created=datetime(2026, 11, 2, 9, 0, tzinfo=UTC),
        ),
        Coding(
            source=source.guid,
            code=top.guid,
            start=51,
            end=len(text) - 1,
            coder="Asha",
            created=datetime(2026, 11, 1, 9, 5, tzinfo=UTC),
        ),
    ]
    memos = [Memo(text="Good rapport", target=source.guid)]
    return QualitativeProject(name="Demo", codebook=book, sources=[source], codings=codings, memos=memos)


def _key(project: QualitativeProject):
    codes = sorted(
        (c.guid, c.name, c.description, c.colour, c.parent) for c in project.codebook.codes.values()
    )
    sources = sorted((s.guid, s.name, s.text) for s in project.sources)
    codings = sorted((c.guid, c.source, c.code, c.start, c.end, c.coder, c.created) for c in project.codings)
    return codes, sources, codings


def test_export_validates_and_round_trips(tmp_path):
    needs_data()
    project = _sample_project()
    path = write_project(project, tmp_path / "out.qdpx", schema=SCHEMA)
    again = read_project(path, schema=SCHEMA)
    assert _key(again) == _key(project)
    assert again.memos[0].text == "Good rapport"
    assert again.notes == []


def _qdpx(tmp_path, xml: str, files: dict[str, bytes], inner="project.qde", folder="sources") -> Path:
    path = tmp_path / "in.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(inner, xml)
        for name, data in files.items():
            archive.writestr(f"{folder}/{name}", data)
    return path


def _xml(start: int, end: int, code_ref: str = "C1", ns: str = ' xmlns="urn:QDA-XML:project:1.0"') -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Project{ns} name="p"><CodeBook><Codes><Code guid="C1" name="Trust" isCodable="true"/></Codes></CodeBook>
<Sources><TextSource guid="S1" name="notes" plainTextPath="internal://S1.txt">
<PlainTextSelection guid="X1" startPosition="{start}" endPosition="{end}">
<Coding guid="K1"><CodeRef targetGUID="{code_ref}"/></Coding></PlainTextSelection>
</TextSource></Sources></Project>"""


def test_vendor_quirks_bom_crlf_folder_name_and_namespace(tmp_path):
    text = "Line one\r\nTrust grew over time\r\n"
    raw = b"\xef\xbb\xbf" + text.encode("utf-8")
    path = _qdpx(tmp_path, _xml(10, 20, ns=""), {"S1.txt": raw}, inner="My Study.qde", folder="Sources")
    project = read_project(path)
    assert project.sources[0].text == text
    coding = project.codings[0]
    assert project.sources[0].text[coding.start : coding.end] == "Trust grew"
    assert any("My Study.qde" in n for n in project.notes)


def test_utf16_offsets_are_detected_and_converted(tmp_path):
    text = "We 🙂🙂 agreed to try it"  # two astral characters shift later UTF-16 offsets by two
    start16 = len("We 🙂🙂 agreed to ".encode("utf-16-le")) // 2
    end16 = len(text.encode("utf-16-le")) // 2
    project = read_project(_qdpx(tmp_path, _xml(start16, end16), {"S1.txt": text.encode()}))
    coding = project.codings[0]
    assert text[coding.start : coding.end] == "try it"
    assert any("UTF-16" in n for n in project.notes)


@pytest.mark.parametrize(
    ("xml", "message"),
    [
        (_xml(0, 999), "outside its"),
        (_xml(5, 2), "outside its"),
        (_xml(0, 3, code_ref="NOPE"), "not in the codebook"),
        ("<Project><Sources>", "not well formed"),
    ],
)
def test_bad_projects_raise_naming_element(tmp_path, xml, message):
    with pytest.raises(InputError, match=message) as info:
        read_project(_qdpx(tmp_path, xml, {"S1.txt": b"short text"}))
    assert "in.qdpx" in str(info.value)


def test_corrupt_zip_and_schema_failure(tmp_path):
    needs_data()
    bad = tmp_path / "broken.qdpx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(InputError, match="not a readable"):
        read_project(bad)
    invalid = tmp_path / "invalid.qde"
    invalid.write_text(
        '<Project xmlns="urn:QDA-XML:project:1.0" name="p"><Wrong/></Project>', encoding="utf-8"
    )
    with pytest.raises(InputError, match="REFI-QDA schema"):
        read_project(invalid, schema=SCHEMA)


def test_codebook_round_trip(tmp_path):
    book = _sample_project().codebook
    path = write_codebook(book, tmp_path / "npt.qdc")
    again = read_codebook(path)
    assert {c.guid: (c.name, c.parent, c.description) for c in again.codes.values()} == {
        c.guid: (c.name, c.parent, c.description) for c in book.codes.values()
    }


def test_codebook_edits_keep_codings_and_history():
    book = _sample_project().codebook
    coherence = book.by_name("Coherence")
    child = book.by_name("Differentiation")
    book.rename(child.guid, "Telling it apart")
    assert book.path(child.guid) == "Coherence > Telling it apart"
    with pytest.raises(ValueError):
        book.move(coherence.guid, child.guid)
    mapping = book.merge([book.by_name("Collective action").guid], into=coherence.guid)
    codings = [Coding(source="s", code=g, start=0, end=1) for g in mapping]
    moved = [mapping.get(c.code, c.code) for c in codings]
    assert moved == [coherence.guid]
    parts = book.split(coherence.guid, ["Sense", "Purpose"])
    assert {p.parent for p in parts} == {coherence.guid}
    assert [h["action"] for h in book.history][-4:] == ["merge", "add", "add", "split"]


def test_atlasti_sample_re_exports_valid_with_every_coding(tmp_path):
    """All 16 codings survive a re-export, the 7 on picture, PDF and video regions included, and the kinds stay."""
    needs_data()
    project = read_project(ATLAS, schema=SCHEMA)
    again = read_project(write_project(project, tmp_path / "atlas.qdpx", schema=SCHEMA), schema=SCHEMA)
    assert len(again.codebook.codes) == 14
    assert {s.kind for s in again.sources} == {s.kind for s in project.sources}

    def codings(p: QualitativeProject):
        kinds = {s.guid: s.kind for s in p.sources}
        return sorted(
            (c.guid, c.code, kinds[c.source], c.start, c.end, sorted((c.region or {}).items()))
            for c in p.codings
        )

    assert len(again.codings) == 16
    assert codings(again) == codings(project)
    regions = [c.region for c in again.codings if c.region]
    assert len(regions) == 7
    assert {r["element"] for r in regions} == {"PictureSelection", "PDFSelection", "VideoSelection"}
    granola = next(r for r in regions if r.get("name") == "granola")
    assert (granola["page"], granola["firstX"], granola["secondY"]) == ("0", "335", "420")


def test_region_selection_without_its_coordinates_is_refused(tmp_path):
    xml = (
        '<?xml version="1.0" encoding="utf-8"?><Project name="p" xmlns="urn:QDA-XML:project:1.0">'
        '<CodeBook><Codes><Code guid="00000000-0000-4000-8000-00000000000C" name="c" isCodable="true"/>'
        '</Codes></CodeBook><Sources><PictureSource guid="00000000-0000-4000-8000-000000000001" name="photo.jpg">'
        '<PictureSelection guid="00000000-0000-4000-8000-000000000002" firstX="1" firstY="2" secondX="3">'
        '<Coding guid="00000000-0000-4000-8000-000000000003">'
        '<CodeRef targetGUID="00000000-0000-4000-8000-00000000000C"/></Coding>'
        "</PictureSelection></PictureSource></Sources></Project>"
    )
    path = tmp_path / "p.qde"
    path.write_text(xml, encoding="utf-8")
    with pytest.raises(InputError, match=r"PictureSelection .* lacks a whole-number secondY"):
        read_project(path)


def test_participant_attributes_travel_as_variables_and_cases(tmp_path):
    """Who each source came from leaves as REFI-QDA variables and cases, validates, and comes back unchanged."""
    schema = SCHEMA if SCHEMA.exists() else None  # validated where the shared schema is present
    project = _sample_project()
    first = project.sources[0]
    first.metadata = {"participant": "P001", "level": "local_frontline", "role": "nurse", "wave": "baseline"}
    second = Source(
        name="Interview 1 follow-up",
        text="It stuck.",
        metadata={"participant": "P001", "level": "local_frontline", "role": "nurse", "wave": "follow_up"},
    )
    notes = Source(name="Event notes", text="Tables discussed handovers.", kind="event_notes")
    notes.metadata = {"redacted": {"name": 2}, "service": ""}  # counts and blanks are not attributes
    project.sources += [second, notes]
    path = write_project(project, tmp_path / "cases.qdpx", schema=schema)

    with zipfile.ZipFile(path) as archive:
        xml = archive.read("project.qde").decode()
    assert xml.count("<Variable ") == 4  # participant, level, role, wave
    assert xml.count("<Case ") == 1 and 'name="P001"' in xml
    case_xml = xml[xml.index("<Case ") : xml.index("</Case>")]
    assert case_xml.count("<SourceRef") == 2
    assert "nurse" in case_xml and "baseline" not in case_xml  # only what both interviews share

    again = read_project(path, schema=schema)
    by_name = {s.name: s.metadata for s in again.sources}
    assert by_name["Interview 1"] == first.metadata
    assert by_name["Interview 1 follow-up"] == second.metadata
    assert by_name["Event notes"] == {}


def test_cases_from_another_tool_fill_in_participants(tmp_path):
    """An NVivo-style project keeps attributes on cases: its sources take the case's name and values."""
    g = "00000000-0000-4000-8000-0000000000{:02d}".format
    xml = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="p">
<Variables><Variable guid="{g(1)}" name="Service" typeOfVariable="Text"/>
<Variable guid="{g(2)}" name="Years in post" typeOfVariable="Integer"/></Variables>
<Cases><Case guid="{g(3)}" name="Ward manager A">
<VariableValue><VariableRef targetGUID="{g(1)}"/><TextValue>Older people</TextValue></VariableValue>
<VariableValue><VariableRef targetGUID="{g(2)}"/><IntegerValue>7</IntegerValue></VariableValue>
<SourceRef targetGUID="{g(4)}"/></Case></Cases>
<Sources><TextSource guid="{g(4)}" name="interview" plainTextPath="internal://a.txt">
<VariableValue><VariableRef targetGUID="{g(1)}"/><TextValue>Forensic</TextValue></VariableValue>
</TextSource></Sources></Project>"""
    project = read_project(_qdpx(tmp_path, xml, {"a.txt": b"We talked."}))
    assert project.sources[0].metadata == {
        "service": "Forensic",  # the source's own value wins over its case's; known names are folded
        "Years in post": "7",
        "participant": "Ward manager A",
    }


def test_variable_value_naming_an_undefined_variable_is_refused(tmp_path):
    xml = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="p"><Sources>
<TextSource guid="S1" name="notes" plainTextPath="internal://S1.txt">
<VariableValue><VariableRef targetGUID="V9"/><TextValue>x</TextValue></VariableValue>
</TextSource></Sources></Project>"""
    with pytest.raises(InputError, match="variable V9, which the project does not define"):
        read_project(_qdpx(tmp_path, xml, {"S1.txt": b"short text"}))


def _padded_qdpx(tmp_path, size: int, *, extra: dict[str, int] | None = None) -> Path:
    """A project whose one source file unpacks to ``size`` bytes of spaces (a few KB compressed)."""
    path = tmp_path / "padded.qdpx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", _xml(0, 5))
        for name, n in {"S1.txt": size, **(extra or {})}.items():
            with archive.open(f"sources/{name}", "w") as handle:
                handle.write(b"Trust")
                for _ in range((n - 5) // (1 << 20)):
                    handle.write(b" " * (1 << 20))
                handle.write(b" " * ((n - 5) % (1 << 20)))
    return path


def test_a_member_over_the_default_limit_is_refused_before_it_is_read(tmp_path):
    """70 MB unpacked from a small .qdpx: one line naming the member, and the member is never read in."""
    import tracemalloc

    path = _padded_qdpx(tmp_path, 70 * 1024 * 1024)
    assert path.stat().st_size < 1024 * 1024
    tracemalloc.start()
    try:
        with pytest.raises(InputError) as info:
            read_project(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    message = str(info.value)
    assert message.startswith(str(path)) and "'sources/S1.txt' unpacks to 70 MB, over the 64 MB" in message
    assert "MINDTHEGAP_MAX_MEMBER_MB" in message and "\n" not in message
    assert peak < 8 * 1024 * 1024


def test_the_total_unpacked_and_a_forged_size_are_limited_too(tmp_path):
    import struct

    from mindthegap.io.archives import ArchiveLimits

    limits = ArchiveLimits(max_member=600_000, max_total=1_000_000)
    assert read_project(_padded_qdpx(tmp_path, 500_000), limits=limits).sources[0].text.startswith("Trust")
    # sources this project does not refer to (media, say) are never read, so they do not count
    spare = _padded_qdpx(tmp_path, 500_000, extra={"film.mp4": 5_000_000})
    assert len(read_project(spare, limits=ArchiveLimits(max_member=600_000)).codings) == 1
    with pytest.raises(InputError, match="over the 600,000 bytes allowed for one file"):
        read_project(_padded_qdpx(tmp_path, 700_000), limits=ArchiveLimits(max_member=600_000))
    with pytest.raises(InputError, match="over the 1,000 bytes allowed for one archive"):
        read_project(_padded_qdpx(tmp_path, 5_000), limits=ArchiveLimits(max_total=1_000))
    # a member whose header claims 100 bytes but which unpacks to 3 MB is stopped, not trusted
    data = bytearray(_padded_qdpx(tmp_path, 3_000_000).read_bytes())
    local = data.find(b"sources/S1.txt") - 30  # the member's local header; its name starts 30 bytes in
    struct.pack_into("<I", data, local + 22, 100)
    struct.pack_into("<I", data, data.rfind(b"PK\x01\x02") + 24, 100)  # its entry in the central directory
    forged = tmp_path / "forged.qdpx"
    forged.write_bytes(bytes(data))
    with pytest.raises(InputError, match=r"forged\.qdpx: not a readable \.qdpx"):
        read_project(forged, limits=ArchiveLimits(max_member=1_000_000))
