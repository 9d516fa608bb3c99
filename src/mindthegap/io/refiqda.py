"""Import and export REFI-QDA projects (``.qdpx``/``.qde``) and codebooks (``.qdc``).

Real exports differ from the standard in small ways, so the importer is forgiving where it can be and explicit
where it cannot: it accepts ``sources/`` or ``Sources/``, any ``.qde`` inside the zip, any namespace (or none),
text files with a UTF-8 byte-order mark, and positions counted in UTF-16 code units (as some NVivo versions
write), which it converts to code points and says so in ``project.notes``. Missing source files do not stop an
import: the codebook and codings arrive and the absent files are named. Anything that would corrupt the
project (a selection outside its text, a coding naming a code that does not exist) raises one
:class:`~mindthegap.errors.InputError` naming the file and element, before anything is returned.

Who a source came from travels as REFI-QDA *variables* and *cases*, the way NVivo, ATLAS.ti and MAXQDA keep
attributes: each metadata key (participant, level, role, service, wave …) becomes a project variable with a value
on each source, and each participant becomes a case holding the attributes their sources share and referring to
those sources. On import, a source's own variable values come first; a case fills in what its sources lack, and a
source in exactly one case takes that case's name as its participant when it has none.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path, PurePosixPath

from lxml import etree

from mindthegap.errors import InputError
from mindthegap.io.files import atomic_write_bytes
from mindthegap.model.qualitative import Code, Codebook, Coding, Memo, QualitativeProject, Source, new_guid

NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
_SOURCE_KINDS = {
    "TextSource": "text",
    "PDFSource": "pdf",
    "PictureSource": "picture",
    "AudioSource": "audio",
    "VideoSource": "video",
}


# where on a picture, PDF page or recording a selection lies: the attributes each element requires
REGION_ATTRIBUTES = {
    "PictureSelection": ("firstX", "firstY", "secondX", "secondY"),
    "PDFSelection": ("page", "firstX", "firstY", "secondX", "secondY"),
    "AudioSelection": ("begin", "end"),
    "VideoSelection": ("begin", "end"),
}
_REGION_SOURCES = {"picture": "PictureSelection", "pdf": "PDFSelection", "audio": "AudioSelection"}
_REGION_SOURCES["video"] = "VideoSelection"


def _local(tag) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _children(element, name: str) -> list:
    return [child for child in element if _local(child.tag) == name]


def _first(element, name: str):
    found = _children(element, name)
    return found[0] if found else None


def _parse_xml(data: bytes, path: Path, schema: Path | None):
    try:
        root = etree.fromstring(
            data, parser=etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
        )
    except etree.XMLSyntaxError as exc:
        raise InputError(
            f"the XML is not well formed ({exc.msg})", path=path, hint="re-export the project"
        ) from exc
    if schema is not None:
        validate(root, schema, path)
    return root


def validate(root, schema: Path, path: Path | str = "project") -> None:
    """Check a parsed project against the REFI-QDA Project.xsd the user supplies; raise naming the element."""
    try:
        xsd = etree.XMLSchema(etree.parse(str(schema)))
    except (OSError, etree.XMLSchemaParseError, etree.XMLSyntaxError) as exc:
        raise InputError(f"cannot read the schema ({exc})", path=schema) from exc
    if not xsd.validate(root):
        error = xsd.error_log.last_error
        raise InputError(
            f"does not match the REFI-QDA schema at line {error.line}: {error.message}",
            path=path,
            hint="re-export from your QDA tool, or import without --schema to skip the check",
        )


def _read_container(path: Path) -> tuple[bytes, dict[str, bytes], list[str]]:
    """(qde bytes, source files keyed by lower-case name without folder, notes) from a .qdpx, .qde or .qdc."""
    if not path.exists():
        raise InputError("file not found", path=path)
    notes: list[str] = []
    if path.suffix.lower() in {".qde", ".qdc", ".xml"}:
        return path.read_bytes(), {}, notes
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            qde = [n for n in names if n.lower().endswith(".qde")]
            if not qde:
                raise InputError(
                    "no .qde project file inside the archive", path=path, hint="is this a .qdpx export?"
                )
            preferred = [n for n in qde if PurePosixPath(n).name.lower() == "project.qde"] or sorted(qde)
            if PurePosixPath(preferred[0]).name.lower() != "project.qde":
                notes.append(f"project XML was named {preferred[0]!r}, not project.qde")
            data = archive.read(preferred[0])
            files = {}
            for name in names:
                parts = PurePosixPath(name).parts
                if len(parts) >= 2 and parts[-2].lower() == "sources" and not name.endswith("/"):
                    files[parts[-1].lower()] = archive.read(name)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError) as exc:
        raise InputError(
            f"not a readable .qdpx zip archive ({exc})", path=path, hint="re-export the project"
        ) from exc
    return data, files, notes


def _decode_text(raw: bytes, name: str, path: Path) -> str:
    try:
        return raw.decode("utf-8-sig")  # drop a byte-order mark: offsets start after it
    except UnicodeDecodeError:
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(f"source file {name!r} is not UTF-8 text", path=path) from exc


def _utf16_to_codepoints(text: str) -> list[int]:
    """Map each UTF-16 code-unit offset to its code-point offset."""
    mapping = []
    for i, char in enumerate(text):
        mapping.append(i)
        if ord(char) > 0xFFFF:
            mapping.append(i + 1)  # the low surrogate: a position inside a character rounds forward
    mapping.append(len(text))
    return mapping


def _codes(element, codebook: Codebook, parent: str | None) -> None:
    for node in _children(element, "Code"):
        guid = node.get("guid") or ""
        description = _first(node, "Description")
        codebook.codes[guid] = Code(
            name=node.get("name", ""),
            guid=guid,
            description=(description.text or "") if description is not None else "",
            colour=node.get("color"),
            parent=parent,
            codable=node.get("isCodable", "true") == "true",
        )
        _codes(node, codebook, guid)


def _parse_codebook(root) -> Codebook:
    book = _first(root, "CodeBook") if _local(root.tag) != "CodeBook" else root
    codebook = Codebook(name=root.get("name", "Codebook"))
    if book is not None and (codes := _first(book, "Codes")) is not None:
        _codes(codes, codebook, None)
    return codebook


def _when(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


_VALUE_ELEMENTS = {
    "Text": "TextValue",
    "Boolean": "BooleanValue",
    "Integer": "IntegerValue",
    "Float": "FloatValue",
    "Date": "DateValue",
    "DateTime": "DateTimeValue",
}


# attribute names mindthegap knows; another tool's "Service" or "Wave" lands on these
KNOWN_ATTRIBUTES = ("participant", "level", "role", "discipline", "service", "team", "wave")


def _attribute_name(name: str) -> str:
    key = "_".join(name.strip().lower().split())
    return key if key in KNOWN_ATTRIBUTES else name


def _parse_variables(root, path: Path) -> dict[str, str]:
    """The project's variables: guid → attribute name (known names folded to mindthegap's spelling)."""
    variables: dict[str, str] = {}
    if (variables_el := _first(root, "Variables")) is not None:
        for variable in _children(variables_el, "Variable"):
            guid, name = variable.get("guid"), variable.get("name")
            if not guid or not name:
                raise InputError(
                    "a <Variable> lacks its guid or name", path=path, hint="re-export the project"
                )
            variables[guid] = _attribute_name(name)
    return variables


def _variable_values(element, variables: dict[str, str], path: Path, owner: str) -> dict[str, str]:
    """The ``<VariableValue>`` children of a source or case, as name → text."""
    values: dict[str, str] = {}
    for value_el in _children(element, "VariableValue"):
        ref = _first(value_el, "VariableRef")
        target = ref.get("targetGUID") if ref is not None else None
        if target not in variables:
            raise InputError(
                f"a variable value on {owner} points at variable {target}, which the project does not define",
                path=path,
                hint="re-export the project with its variables",
            )
        held = [child for child in value_el if _local(child.tag).endswith("Value")]
        if held and held[0].text is not None and held[0].text.strip():
            values[variables[target]] = held[0].text.strip()
    return values


def _apply_cases(root, sources: list[Source], variables: dict[str, str], path: Path) -> None:
    """Fill sources' metadata from the cases they belong to, without overriding the sources' own values."""
    cases_el = _first(root, "Cases")
    if cases_el is None:
        return
    by_guid = {source.guid: source for source in sources}
    membership: dict[str, list[str]] = {}
    for case in _children(cases_el, "Case"):
        name = case.get("name") or case.get("guid") or ""
        values = _variable_values(case, variables, path, f"case {name!r}")
        for ref in _children(case, "SourceRef"):
            source = by_guid.get(ref.get("targetGUID") or "")
            if source is None:
                continue  # a case may name sources the export left out
            membership.setdefault(source.guid, []).append(name)
            for key, value in values.items():
                source.metadata.setdefault(key, value)
    for guid, names in membership.items():
        if len(names) == 1 and names[0]:
            by_guid[guid].metadata.setdefault("participant", names[0])


def _variable_type(values: list) -> str:
    if all(isinstance(v, bool) for v in values):
        return "Boolean"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "Integer"
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return "Float"
    return "Text"


def _value_text(value) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def _exported_metadata(source: Source) -> dict[str, object]:
    """The metadata a source exports: plain values only (not, say, redaction counts), blanks left out."""
    return {
        key: value
        for key, value in source.metadata.items()
        if key != "path" and isinstance(value, (str, int, float, bool)) and str(value).strip() != ""
    }


def _variables_xml(root, attributes: dict[str, dict[str, object]]) -> dict[str, tuple[str, str]]:
    """Write ``<Variables>`` for the sources' attributes (source guid → name → value); returns name →
    (guid, type)."""
    seen: dict[str, list] = {}
    for values in attributes.values():
        for key, value in values.items():
            seen.setdefault(key, []).append(value)
    if not seen:
        return {}
    variables_el = etree.SubElement(root, f"{{{NS}}}Variables")
    out: dict[str, tuple[str, str]] = {}
    for name, values in seen.items():
        guid, kind = new_guid(), _variable_type(values)
        etree.SubElement(
            variables_el, f"{{{NS}}}Variable", {"guid": guid, "name": name, "typeOfVariable": kind}
        )
        out[name] = (guid, kind)
    return out


def _value_element(parent, variable: tuple[str, str], value) -> None:
    guid, kind = variable
    value_el = etree.SubElement(parent, f"{{{NS}}}VariableValue")
    etree.SubElement(value_el, f"{{{NS}}}VariableRef", {"targetGUID": guid})
    etree.SubElement(value_el, f"{{{NS}}}{_VALUE_ELEMENTS[kind]}").text = _value_text(value)


def _cases_xml(root, attributes: dict[str, dict[str, object]], variables: dict[str, tuple[str, str]]) -> None:
    """One case per participant: the attributes all their sources share, and references to those sources."""
    by_participant: dict[str, list[str]] = {}
    for guid, values in attributes.items():
        if participant := str(values.get("participant", "")).strip():
            by_participant.setdefault(participant, []).append(guid)
    if not by_participant:
        return
    cases_el = etree.SubElement(root, f"{{{NS}}}Cases")
    for participant, theirs in by_participant.items():
        case = etree.SubElement(cases_el, f"{{{NS}}}Case", {"guid": new_guid(), "name": participant})
        shared = attributes[theirs[0]]
        for guid in theirs[1:]:
            shared = {k: v for k, v in shared.items() if attributes[guid].get(k) == v}
        for key, value in shared.items():
            if key != "participant":
                _value_element(case, variables[key], value)
        for guid in theirs:
            etree.SubElement(case, f"{{{NS}}}SourceRef", {"targetGUID": guid})


def read_project(path: str | Path, *, schema: str | Path | None = None) -> QualitativeProject:
    """Read a ``.qdpx`` (or bare ``.qde``) project; ``schema`` is an optional path to Project.xsd."""
    path = Path(path)
    data, files, notes = _read_container(path)
    root = _parse_xml(data, path, Path(schema) if schema else None)
    if _local(root.tag) != "Project":
        raise InputError(f"expected a <Project> element, found <{_local(root.tag)}>", path=path)
    project = QualitativeProject(name=root.get("name", path.stem), notes=notes)
    if (users := _first(root, "Users")) is not None:
        project.users = {u.get("guid"): u.get("name", "") for u in _children(users, "User")}
    project.codebook = _parse_codebook(root)
    variables = _parse_variables(root, path)
    missing: list[str] = []
    utf16_sources: list[str] = []
    sources_el = _first(root, "Sources")
    for element in list(sources_el) if sources_el is not None else []:
        kind = _SOURCE_KINDS.get(_local(element.tag))
        if kind is None:
            continue
        guid = element.get("guid") or ""
        name = element.get("name", guid)
        ref = element.get("plainTextPath") or element.get("path")
        text = None
        if kind == "text" and ref:
            filename = PurePosixPath(ref.replace("internal://", "").replace("relative://", "")).name.lower()
            if filename in files:
                text = _decode_text(files[filename], filename, path)
            else:
                missing.append(name)
        elif kind == "text" and (content := _first(element, "PlainTextContent")) is not None:
            text = content.text or ""
        elif kind == "pdf" and (rep := _first(element, "Representation")) is not None:
            # a PDF's text layer: its text spans count from the start of it
            rep_ref = rep.get("plainTextPath") or ""
            rep_name = PurePosixPath(
                rep_ref.replace("internal://", "").replace("relative://", "")
            ).name.lower()
            if rep_name and rep_name in files:
                text = _decode_text(files[rep_name], rep_name, path)
        metadata = _variable_values(element, variables, path, f"source {name!r}")
        project.sources.append(
            Source(name=name, text=text, guid=guid, kind=kind, path=ref, metadata=metadata)
        )
        if (description := _first(element, "Description")) is not None and description.text:
            project.memos.append(Memo(text=description.text, target=guid))
        # audio and video transcripts hold their text selections inside <Representation>
        holders = [element, *_children(element, "Representation")]
        selections = [s for h in holders for s in h if _local(s.tag).endswith("Selection")]
        spans = [
            (s, int(s.get("startPosition")), int(s.get("endPosition")))
            for s in selections
            if s.get("startPosition") is not None and s.get("endPosition") is not None
        ]
        mapping = None
        if text is not None and spans:
            longest = max(end for _, _, end in spans)
            wide = len(text.encode("utf-16-le")) // 2
            if longest > len(text) and longest <= wide:
                mapping = _utf16_to_codepoints(text)
                utf16_sources.append(name)
        for selection in selections:
            sel_guid = selection.get("guid") or ""
            start = selection.get("startPosition")
            end = selection.get("endPosition")
            span: tuple[int | None, int | None] = (None, None)
            region = None
            if (element_name := _local(selection.tag)) in REGION_ATTRIBUTES and start is None:
                region = {"element": element_name}
                for attribute in REGION_ATTRIBUTES[element_name]:
                    value = selection.get(attribute)
                    if value is None or not value.strip().lstrip("-").isdigit():
                        raise InputError(
                            f"{element_name} {sel_guid} in source {name!r} lacks a whole-number {attribute}",
                            path=path,
                            hint="the export may be damaged; re-export the project",
                        )
                    region[attribute] = value.strip()
                if selection.get("name"):
                    region["name"] = selection.get("name")
            if start is not None and end is not None:
                try:
                    s, e = int(start), int(end)
                except ValueError as exc:
                    raise InputError(f"selection {sel_guid} has a non-numeric position", path=path) from exc
                if mapping is not None:
                    s, e = mapping[s], mapping[e]
                if s < 0 or e < s or (text is not None and e > len(text)):
                    raise InputError(
                        f"selection {sel_guid} in source {name!r} runs from {start} to {end}, outside its "
                        f"{len(text) if text is not None else '?'} characters",
                        path=path,
                        hint="the export may be damaged; re-export the project",
                    )
                span = (s, e)
            if (note := _first(selection, "Description")) is not None and note.text:
                project.memos.append(Memo(text=note.text, target=sel_guid))
            for coding in _children(selection, "Coding"):
                ref_el = _first(coding, "CodeRef")
                target = ref_el.get("targetGUID") if ref_el is not None else None
                if target not in project.codebook.codes:
                    raise InputError(
                        f"coding {coding.get('guid')} in source {name!r} points at code {target}, "
                        "which is not in the codebook",
                        path=path,
                        hint="re-export the project with its codebook",
                    )
                creator = coding.get("creatingUser")
                project.codings.append(
                    Coding(
                        source=guid,
                        code=target,
                        start=span[0],
                        end=span[1],
                        coder=project.users.get(creator, creator),
                        created=_when(coding.get("creationDateTime")),
                        guid=coding.get("guid") or "",
                        selection=sel_guid,
                        region=dict(region) if region else None,
                    )
                )
    _apply_cases(root, project.sources, variables, path)
    if (notes_el := _first(root, "Notes")) is not None:
        for note in _children(notes_el, "Note"):
            content = _first(note, "PlainTextContent")
            if content is not None and content.text:
                project.memos.append(Memo(text=content.text, guid=note.get("guid") or ""))
    if utf16_sources:
        project.notes.append(
            "positions were counted in UTF-16 code units (as some NVivo versions write) and were converted "
            f"to characters in: {', '.join(utf16_sources)}"
        )
    if missing:
        project.notes.append(f"{len(missing)} source file(s) absent from the export: {', '.join(missing)}")
    return project


def read_codebook(path: str | Path) -> Codebook:
    """Read a ``.qdc`` codebook (any namespace) or the codebook of a ``.qde``/``.qdpx`` project."""
    path = Path(path)
    data, _, _ = _read_container(path)
    return _parse_codebook(_parse_xml(data, path, None))


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


def project_bytes(project: QualitativeProject) -> tuple[bytes, dict[str, bytes]]:
    """The project.qde XML and the source files for a .qdpx archive."""
    root = etree.Element(f"{{{NS}}}Project", {"name": project.name}, nsmap={None: NS})
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
    attributes = {source.guid: _exported_metadata(source) for source in project.sources}
    variables = _variables_xml(root, attributes)
    _cases_xml(root, attributes, variables)
    files: dict[str, bytes] = {}
    memos = {m.target: m for m in project.memos if m.target}
    by_source: dict[str, list[Coding]] = {}  # one pass over codings, not one per source
    for coding in project.codings:
        by_source.setdefault(coding.source, []).append(coding)
    if project.sources:
        sources = etree.SubElement(root, f"{{{NS}}}Sources")
        for source in project.sources:
            el = _source_element(sources, source, by_source.get(source.guid, []), memos, by_name, files)
            for key, value in attributes[source.guid].items():  # last, as the schema orders them
                _value_element(el, variables[key], value)
    if project_memos := [x for x in project.memos if not x.target]:
        notes = etree.SubElement(root, f"{{{NS}}}Notes")
        for memo in project_memos:
            note = etree.SubElement(notes, f"{{{NS}}}Note", {"guid": memo.guid, "name": memo.text[:60]})
            etree.SubElement(note, f"{{{NS}}}PlainTextContent").text = memo.text
    xml = etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
    return xml, files


def _source_element(
    parent, source: Source, codings: list[Coding], memos: dict, users: dict, files: dict
) -> etree._Element:
    """One source with its selections: text spans, and regions of pictures, PDF pages and recordings."""
    spans = [c for c in codings if c.start is not None]
    regions = [c for c in codings if c.start is None and c.region]
    attrs = {"guid": source.guid, "name": source.name}
    region_element = _REGION_SOURCES.get(source.kind)
    # a PDF keeps coded text in its Representation; other media coded as text become text sources
    own_kind = region_element is not None and (source.kind == "pdf" or not spans)
    if own_kind:
        element = {v: k for k, v in _SOURCE_KINDS.items()}[source.kind]
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
    if not spans:
        return el
    holder = el
    if element != "TextSource":  # a PDF's text layer, with the text spans coded on it
        rep_attrs = {"guid": new_guid()}
        if source.text is not None:
            files[f"{source.guid}.txt"] = source.text.encode("utf-8")
            rep_attrs["plainTextPath"] = f"internal://{source.guid}.txt"
        holder = etree.SubElement(el, f"{{{NS}}}Representation", rep_attrs)
    by_span: dict[tuple, list[Coding]] = {}
    for coding in spans:
        key = (coding.selection or f"{coding.start}-{coding.end}", coding.start, coding.end)
        by_span.setdefault(key, []).append(coding)
    for (sel_key, start, end), together in by_span.items():
        sel_guid = together[0].selection or together[0].guid
        sel = etree.SubElement(
            holder,
            f"{{{NS}}}PlainTextSelection",
            {
                "guid": sel_guid,
                "name": (source.text or "")[start:end][:100] or sel_key,
                "startPosition": str(start),
                "endPosition": str(end),
            },
        )
        if sel_guid in memos:
            etree.SubElement(sel, f"{{{NS}}}Description").text = memos[sel_guid].text
        for coding in together:
            _coding_element(sel, coding, users)
    return el


def _coding_element(selection, coding: Coding, users: dict) -> None:
    attrs = {"guid": coding.guid}
    if coding.coder in users:
        attrs["creatingUser"] = users[coding.coder]
    if coding.created:
        attrs["creationDateTime"] = coding.created.strftime("%Y-%m-%dT%H:%M:%SZ")
    c_el = etree.SubElement(selection, f"{{{NS}}}Coding", attrs)
    etree.SubElement(c_el, f"{{{NS}}}CodeRef", {"targetGUID": coding.code})


def write_project(project: QualitativeProject, path: str | Path, *, schema: str | Path | None = None) -> Path:
    """Write a ``.qdpx`` archive atomically; validate first when a Project.xsd path is given."""
    path = Path(path)
    xml, files = project_bytes(project)
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
