"""Write REFI-QDA projects (``.qdpx``) and codebooks (``.qdc``) for NVivo, ATLAS.ti, MAXQDA and QualCoder.

Positions are written as Unicode code points, as the standard says, unless ``positions="utf16"`` asks for the
UTF-16 code units NVivo counts. The project's ``origin`` names mindthegap and, for UTF-16, says so, so that
mindthegap reads its own exports back exactly whichever unit they use.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from lxml import etree

from mindthegap import __version__
from mindthegap.errors import InputError
from mindthegap.files import atomic_write_bytes
from mindthegap.io.positions import CODEPOINTS, POSITIONS, UTF16, to_utf16
from mindthegap.io.refiqda_attributes import cases_xml, exported_metadata, value_element, variables_xml
from mindthegap.io.refiqda_xml import (
    CODEBOOK_NS,
    NS,
    REGION_ATTRIBUTES,
    REGION_SOURCES,
    SOURCE_KINDS,
    validate,
)
from mindthegap.model.qualitative import Codebook, Coding, QualitativeProject, Source, new_guid

ORIGIN = f"mindthegap {__version__}"
UTF16_ORIGIN = f"{ORIGIN}; positions in UTF-16 code units, as NVivo counts them"


def _code_elements(parent_el, codebook: Codebook, parent: str | None, ns: str) -> None:
    for code in codebook.children(parent):
        attrs = {"guid": code.guid, "name": code.name, "isCodable": "true" if code.codable else "false"}
        if code.colour:
            attrs["color"] = code.colour
        el = etree.SubElement(parent_el, f"{{{ns}}}Code", attrs)
        if code.description:
            etree.SubElement(el, f"{{{ns}}}Description").text = code.description
        _code_elements(el, codebook, code.guid, ns)


def _codebook_xml(codebook: Codebook, ns: str):
    book = etree.Element(f"{{{ns}}}CodeBook", nsmap={None: ns})
    _code_elements(etree.SubElement(book, f"{{{ns}}}Codes"), codebook, None, ns)
    return book


def _check_positions(positions: str) -> None:
    if positions not in POSITIONS:
        raise InputError(
            f"unknown unit for positions {positions!r}", hint=f"choose one of {', '.join(POSITIONS)}"
        )


def project_bytes(
    project: QualitativeProject, *, positions: str = CODEPOINTS
) -> tuple[bytes, dict[str, bytes]]:
    """The project.qde XML and the source files for a .qdpx archive, positions counted in ``positions``."""
    _check_positions(positions)
    origin = UTF16_ORIGIN if positions == UTF16 else ORIGIN
    root = etree.Element(f"{{{NS}}}Project", {"name": project.name, "origin": origin}, nsmap={None: NS})
    user_guids = dict(project.users)
    for coding in project.codings:
        if coding.coder and coding.coder not in user_guids.values():
            user_guids[f"{len(user_guids):08X}-0000-4000-8000-000000000000"] = coding.coder
    by_name = {v: k for k, v in user_guids.items()}
    if user_guids:
        users = etree.SubElement(root, f"{{{NS}}}Users")
        for guid, name in user_guids.items():
            etree.SubElement(users, f"{{{NS}}}User", {"guid": guid, "name": name})
    root.append(_codebook_xml(project.codebook, NS))
    attributes = {source.guid: exported_metadata(source) for source in project.sources}
    variables = variables_xml(root, attributes)
    cases_xml(root, attributes, variables)
    files: dict[str, bytes] = {}
    memos = {m.target: m for m in project.memos if m.target}
    by_source: dict[str, list[Coding]] = {}  # one pass over codings, not one per source
    for coding in project.codings:
        by_source.setdefault(coding.source, []).append(coding)
    if project.sources:
        sources = etree.SubElement(root, f"{{{NS}}}Sources")
        for source in project.sources:
            theirs = by_source.get(source.guid, [])
            el = _source_element(sources, source, theirs, memos, by_name, files, positions)
            for key, value in attributes[source.guid].items():  # last, as the schema orders them
                value_element(el, variables[key], value)
    if project_memos := [x for x in project.memos if not x.target]:
        notes = etree.SubElement(root, f"{{{NS}}}Notes")
        for memo in project_memos:
            note = etree.SubElement(notes, f"{{{NS}}}Note", {"guid": memo.guid, "name": memo.text[:60]})
            etree.SubElement(note, f"{{{NS}}}PlainTextContent").text = memo.text
    xml = etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
    return xml, files


def _source_element(
    parent, source: Source, codings: list[Coding], memos: dict, users: dict, files: dict, positions: str
) -> etree._Element:
    """One source with its selections: text spans, and regions of pictures, PDF pages and recordings."""
    spans = [c for c in codings if c.start is not None]
    regions = [c for c in codings if c.start is None and c.region]
    attrs = {"guid": source.guid, "name": source.name}
    region_element = REGION_SOURCES.get(source.kind)
    # a PDF keeps coded text in its Representation; other media coded as text become text sources
    own_kind = region_element is not None and (source.kind == "pdf" or not spans)
    if own_kind:
        element = {v: k for k, v in SOURCE_KINDS.items()}[source.kind]
        if source.path:
            attrs["path"] = source.path
    else:
        element = "TextSource"
        regions = []  # a text source has no regions to hold them
        if source.text is not None:
            files[f"{source.guid}.txt"] = source.text.encode("utf-8")
            attrs["plainTextPath"] = f"internal://{source.guid}.txt"
    el = etree.SubElement(parent, f"{{{NS}}}{element}", attrs)
    if source.guid in memos:
        etree.SubElement(el, f"{{{NS}}}Description").text = memos[source.guid].text
    _region_selections(el, regions, region_element, memos, users)
    if not spans:
        return el
    holder = el
    if element != "TextSource":  # a PDF's text layer, with the text spans coded on it
        rep_attrs = {"guid": new_guid()}
        if source.text is not None:
            files[f"{source.guid}.txt"] = source.text.encode("utf-8")
            rep_attrs["plainTextPath"] = f"internal://{source.guid}.txt"
        holder = etree.SubElement(el, f"{{{NS}}}Representation", rep_attrs)
    _text_selections(holder, source, spans, memos, users, positions)
    return el


def _region_selections(
    el, regions: list[Coding], region_element: str | None, memos: dict, users: dict
) -> None:
    """The source's regions (picture areas, PDF page areas, stretches of a recording), one per selection."""
    grouped: dict[tuple, list[Coding]] = {}
    for coding in regions:
        if coding.region.get("element") == region_element:
            grouped.setdefault(
                (coding.selection or coding.guid, tuple(sorted(coding.region.items()))), []
            ).append(coding)
    for (sel_guid, _), together in grouped.items():
        region = together[0].region
        sel_attrs = {"guid": sel_guid, **{a: region[a] for a in REGION_ATTRIBUTES[region_element]}}
        if region.get("name"):
            sel_attrs["name"] = region["name"]
        sel = etree.SubElement(el, f"{{{NS}}}{region_element}", sel_attrs)
        if sel_guid in memos:
            etree.SubElement(sel, f"{{{NS}}}Description").text = memos[sel_guid].text
        for coding in together:
            _coding_element(sel, coding, users)


def _text_selections(
    holder, source: Source, spans: list[Coding], memos: dict, users: dict, positions: str
) -> None:
    """The coded text spans, one PlainTextSelection per span, positions counted in ``positions``."""
    by_span: dict[tuple, list[Coding]] = {}
    for coding in spans:
        key = (coding.selection or f"{coding.start}-{coding.end}", coding.start, coding.end)
        by_span.setdefault(key, []).append(coding)
    written = {}  # code point → what the file says, in the unit asked for
    if positions == UTF16 and source.text:
        ends = sorted({o for _, start, end in by_span for o in (start, end)})
        written = dict(zip(ends, to_utf16(source.text, ends), strict=True))
    for (sel_key, start, end), together in by_span.items():
        sel_guid = together[0].selection or together[0].guid
        sel = etree.SubElement(
            holder,
            f"{{{NS}}}PlainTextSelection",
            {
                "guid": sel_guid,
                "name": (source.text or "")[start:end][:100] or sel_key,
                "startPosition": str(written.get(start, start)),
                "endPosition": str(written.get(end, end)),
            },
        )
        if sel_guid in memos:
            etree.SubElement(sel, f"{{{NS}}}Description").text = memos[sel_guid].text
        for coding in together:
            _coding_element(sel, coding, users)


def _coding_element(selection, coding: Coding, users: dict) -> None:
    attrs = {"guid": coding.guid}
    if coding.coder in users:
        attrs["creatingUser"] = users[coding.coder]
    if coding.created:
        attrs["creationDateTime"] = coding.created.strftime("%Y-%m-%dT%H:%M:%SZ")
    c_el = etree.SubElement(selection, f"{{{NS}}}Coding", attrs)
    etree.SubElement(c_el, f"{{{NS}}}CodeRef", {"targetGUID": coding.code})


def write_project(
    project: QualitativeProject,
    path: str | Path,
    *,
    schema: str | Path | None = None,
    positions: str = CODEPOINTS,
) -> Path:
    """Write a ``.qdpx`` archive atomically; validate first when a Project.xsd path is given.

    ``positions`` is ``"codepoints"`` (the standard) or ``"utf16"`` (what NVivo counts).
    """
    path = Path(path)
    xml, files = project_bytes(project, positions=positions)
    if schema is not None:
        validate(etree.fromstring(xml), Path(schema), path)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", xml)
        for name, data in files.items():
            archive.writestr(f"sources/{name}", data)
    atomic_write_bytes(path, buffer.getvalue())
    return path


def write_codebook(codebook: Codebook, path: str | Path) -> Path:
    """Write a ``.qdc`` codebook atomically."""
    path = Path(path)
    root = _codebook_xml(codebook, CODEBOOK_NS)
    root.set("name", codebook.name)
    atomic_write_bytes(path, etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True))
    return path
