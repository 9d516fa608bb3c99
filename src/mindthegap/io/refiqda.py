"""Import and export REFI-QDA projects (``.qdpx``/``.qde``) and codebooks (``.qdc``).

Real exports differ from the standard in small ways, so the importer is forgiving where it can be and explicit
where it cannot: it accepts ``sources/`` or ``Sources/``, any ``.qde`` inside the zip, any namespace (or none),
and text files with a UTF-8 byte-order mark. Positions may count Unicode code points (the standard) or UTF-16
code units (NVivo): :mod:`mindthegap.io.positions` decides which from the project's ``origin`` and, failing
that, from where the selections fall, and the decision is noted in ``project.notes`` whenever it mattered.
Missing source files do not stop an import: the codebook and codings arrive and the absent files are named.
Anything that would corrupt the project (a selection outside its text or with a position that is not a number,
a coding naming a code that does not exist, a member too large to unpack) raises one
:class:`~mindthegap.errors.InputError` naming the file and element, before anything is returned.

Who a source came from travels as REFI-QDA *variables* and *cases* (:mod:`mindthegap.io.refiqda_attributes`);
writing lives in :mod:`mindthegap.io.refiqda_export` and is re-exported here.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath

from mindthegap.errors import InputError
from mindthegap.io.archives import ArchiveLimits, read_member
from mindthegap.io.positions import CODEPOINTS, POSITIONS, UTF16, choose_positions, codepoint_offsets, is_wide
from mindthegap.io.refiqda_attributes import apply_cases, parse_variables, variable_values
from mindthegap.io.refiqda_export import ORIGIN, project_bytes, write_codebook, write_project
from mindthegap.io.refiqda_xml import (
    REGION_ATTRIBUTES,
    SOURCE_KINDS,
    children,
    first,
    local,
    parse_xml,
    validate,
)
from mindthegap.model.qualitative import Code, Codebook, Coding, Memo, QualitativeProject, Source

__all__ = [
    "project_bytes",
    "read_codebook",
    "read_project",
    "validate",
    "write_codebook",
    "write_project",
]
READ_POSITIONS: tuple[str, ...] = ("auto", *POSITIONS)


class _Container:
    """A .qdpx archive (or a bare .qde/.qdc) opened for reading: its project XML and, on demand, its sources."""

    def __init__(self, path: Path, limits: ArchiveLimits) -> None:
        self.path, self.limits = path, limits
        self.notes: list[str] = []
        self._archive: zipfile.ZipFile | None = None
        self._sources: dict[str, zipfile.ZipInfo] = {}

    def __enter__(self) -> _Container:
        path = self.path
        if not path.exists():
            raise InputError("file not found", path=path)
        if path.suffix.lower() in {".qde", ".qdc", ".xml"}:
            self.xml = path.read_bytes()
            return self
        try:
            self._archive = zipfile.ZipFile(path)
            infos = [i for i in self._archive.infolist() if not i.is_dir()]
            qde = sorted((i for i in infos if i.filename.lower().endswith(".qde")), key=lambda i: i.filename)
            if not qde:
                raise InputError(
                    "no .qde project file inside the archive", path=path, hint="is this a .qdpx export?"
                )
            chosen = next((i for i in qde if PurePosixPath(i.filename).name.lower() == "project.qde"), qde[0])
            if PurePosixPath(chosen.filename).name.lower() != "project.qde":
                self.notes.append(f"project XML was named {chosen.filename!r}, not project.qde")
            self.xml = self._read(chosen)
            for info in infos:
                parts = PurePosixPath(info.filename).parts
                if len(parts) >= 2 and parts[-2].lower() == "sources":
                    self._sources[parts[-1].lower()] = info
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
            self.__exit__()
            raise InputError(
                f"not a readable .qdpx zip archive ({exc})", path=path, hint="re-export the project"
            ) from exc
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *_) -> None:
        if self._archive is not None:
            self._archive.close()

    def _read(self, info: zipfile.ZipInfo) -> bytes:
        try:
            return read_member(self._archive, info, self.limits, self.path)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
            raise InputError(
                f"not a readable .qdpx zip archive ({exc})", path=self.path, hint="re-export the project"
            ) from exc

    def text(self, ref: str) -> str | None:
        """The text of an ``internal://`` or ``relative://`` source file; None when the export left it out."""
        name = PurePosixPath(ref.replace("internal://", "").replace("relative://", "")).name.lower()
        info = self._sources.get(name)
        return _decode_text(self._read(info), name, self.path) if info is not None else None


def _decode_text(raw: bytes, name: str, path: Path) -> str:
    try:
        return raw.decode("utf-8-sig")  # drop a byte-order mark: offsets start after it
    except UnicodeDecodeError:
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(f"source file {name!r} is not UTF-8 text", path=path) from exc


def _codes(element, codebook: Codebook, parent: str | None) -> None:
    for node in children(element, "Code"):
        guid = node.get("guid") or ""
        description = first(node, "Description")
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
    book = first(root, "CodeBook") if local(root.tag) != "CodeBook" else root
    codebook = Codebook(name=root.get("name", "Codebook"))
    if book is not None and (codes := first(book, "Codes")) is not None:
        _codes(codes, codebook, None)
    return codebook


def _when(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


@dataclass
class _Selection:
    """A selection as the file writes it: positions in the file's own unit, or a region of a medium."""

    element: object
    guid: str
    start: int | None
    end: int | None
    region: dict[str, str] | None = None


@dataclass
class _Read:
    """A source read from the project with its selections, waiting for the positions' unit to be decided."""

    source: Source
    selections: list[_Selection] = field(default_factory=list)
    description: str | None = None


def _position(selection, attribute: str, guid: str, source: str, path: Path) -> int | None:
    raw = selection.get(attribute)
    if raw is None:
        return None
    try:
        return int(raw.strip())
    except ValueError:
        raise InputError(
            f"selection {guid} in source {source!r} has {attribute}={raw!r}, which is not a whole number",
            path=path,
            hint="the export may be damaged; re-export the project",
        ) from None


def _region(selection, element_name: str, guid: str, source: str, path: Path) -> dict[str, str]:
    region = {"element": element_name}
    for attribute in REGION_ATTRIBUTES[element_name]:
        value = selection.get(attribute)
        if value is None or not value.strip().lstrip("-").isdigit():
            raise InputError(
                f"{element_name} {guid} in source {source!r} lacks a whole-number {attribute}",
                path=path,
                hint="the export may be damaged; re-export the project",
            )
        region[attribute] = value.strip()
    if selection.get("name"):
        region["name"] = selection.get("name")
    return region


def _selections(element, name: str, path: Path) -> list[_Selection]:
    # audio and video transcripts hold their text selections inside <Representation>
    holders = [element, *children(element, "Representation")]
    out = []
    for selection in (s for h in holders for s in h if local(s.tag).endswith("Selection")):
        guid = selection.get("guid") or ""
        start = _position(selection, "startPosition", guid, name, path)
        end = _position(selection, "endPosition", guid, name, path)
        region = None
        if (element_name := local(selection.tag)) in REGION_ATTRIBUTES and start is None:
            region = _region(selection, element_name, guid, name, path)
        out.append(_Selection(selection, guid, start, end if start is not None else None, region))
    return out


def _read_source(element, kind: str, container: _Container, variables: dict, missing: list[str]) -> _Read:
    path = container.path
    guid = element.get("guid") or ""
    name = element.get("name", guid)
    ref = element.get("plainTextPath") or element.get("path")
    text = None
    if kind == "text" and ref:
        text = container.text(ref)
        if text is None:
            missing.append(name)
    elif kind == "text" and (content := first(element, "PlainTextContent")) is not None:
        text = content.text or ""
    elif kind == "pdf" and (rep := first(element, "Representation")) is not None and rep.get("plainTextPath"):
        text = container.text(rep.get("plainTextPath"))  # a PDF's text layer: spans count from its start
    metadata = variable_values(element, variables, path, f"source {name!r}")
    source = Source(name=name, text=text, guid=guid, kind=kind, path=ref, metadata=metadata)
    description = first(element, "Description")
    return _Read(
        source, _selections(element, name, path), description.text if description is not None else None
    )


def _unit(read: list[_Read], origin: str, positions: str) -> tuple[str, str]:
    """The unit the file's positions count, and why."""
    if positions != "auto":
        return positions, "as asked"
    if origin.startswith(ORIGIN.split()[0] + " "):  # our own export says which unit it wrote
        return (UTF16, "the project says so") if "UTF-16" in origin else (CODEPOINTS, "the project says so")
    evidence = [
        (r.source.text, [o for s in r.selections if s.start is not None for o in (s.start, s.end)])
        for r in read
        if r.source.text is not None
    ]
    return choose_positions(evidence, origin)


def _to_codepoints(mapping, offset: int) -> int:
    """A UTF-16 offset as a code point (inside a character: the next one); −1 when outside the text."""
    if not 0 <= offset < len(mapping):
        return -1
    point = int(mapping[offset])
    return point if point >= 0 else int(mapping[offset + 1])


def _add_codings(project: QualitativeProject, read: _Read, mapping, path: Path) -> None:
    source, text = read.source, read.source.text
    for sel in read.selections:
        span: tuple[int | None, int | None] = (None, None)
        if sel.start is not None and sel.end is not None:
            s, e = sel.start, sel.end
            if mapping is not None:
                s, e = _to_codepoints(mapping, s), _to_codepoints(mapping, e)
            if s < 0 or e < s or (text is not None and e > len(text)):
                raise InputError(
                    f"selection {sel.guid} in source {source.name!r} runs from {sel.start} to {sel.end}, outside "
                    f"its {len(text) if text is not None else '?'} characters",
                    path=path,
                    hint="the export may be damaged; re-export the project",
                )
            span = (s, e)
        if (note := first(sel.element, "Description")) is not None and note.text:
            project.memos.append(Memo(text=note.text, target=sel.guid))
        for coding in children(sel.element, "Coding"):
            ref_el = first(coding, "CodeRef")
            target = ref_el.get("targetGUID") if ref_el is not None else None
            if target not in project.codebook.codes:
                raise InputError(
                    f"coding {coding.get('guid')} in source {source.name!r} points at code {target}, "
                    "which is not in the codebook",
                    path=path,
                    hint="re-export the project with its codebook",
                )
            creator = coding.get("creatingUser")
            project.codings.append(
                Coding(
                    source=source.guid,
                    code=target,
                    start=span[0],
                    end=span[1],
                    coder=project.users.get(creator, creator),
                    created=_when(coding.get("creationDateTime")),
                    guid=coding.get("guid") or "",
                    selection=sel.guid,
                    region=dict(sel.region) if sel.region else None,
                )
            )


def read_project(
    path: str | Path,
    *,
    schema: str | Path | None = None,
    positions: str = "auto",
    limits: ArchiveLimits | None = None,
) -> QualitativeProject:
    """Read a ``.qdpx`` (or bare ``.qde``) project; ``schema`` is an optional path to Project.xsd.

    ``positions`` is ``"auto"`` (decide from the project), ``"codepoints"`` or ``"utf16"``; ``limits`` caps
    what may be unpacked (default: :meth:`ArchiveLimits.from_environment`).
    """
    if positions not in READ_POSITIONS:
        raise InputError(
            f"unknown unit for positions {positions!r}", hint=f"choose one of {', '.join(READ_POSITIONS)}"
        )
    path = Path(path)
    missing: list[str] = []
    with _Container(path, limits or ArchiveLimits.from_environment()) as container:
        root = parse_xml(container.xml, path, Path(schema) if schema else None)
        if local(root.tag) != "Project":
            raise InputError(f"expected a <Project> element, found <{local(root.tag)}>", path=path)
        project = QualitativeProject(name=root.get("name", path.stem), notes=container.notes)
        if (users := first(root, "Users")) is not None:
            project.users = {u.get("guid"): u.get("name", "") for u in children(users, "User")}
        project.codebook = _parse_codebook(root)
        variables = parse_variables(root, path)
        read = []
        sources_el = first(root, "Sources")
        for element in list(sources_el) if sources_el is not None else []:
            if (kind := SOURCE_KINDS.get(local(element.tag))) is not None:
                read.append(_read_source(element, kind, container, variables, missing))
    unit, reason = _unit(read, root.get("origin") or "", positions)
    converted = []
    for item in read:
        project.sources.append(item.source)
        if item.description:
            project.memos.append(Memo(text=item.description, target=item.source.guid))
        text = item.source.text
        spanned = any(s.start is not None for s in item.selections)
        mapping = codepoint_offsets(text) if unit == UTF16 and text and is_wide(text) and spanned else None
        if mapping is not None:
            converted.append(item.source.name)
        _add_codings(project, item, mapping, path)
    apply_cases(root, project.sources, variables, path)
    _project_notes(root, project)
    if converted:
        project.notes.append(
            f"positions were read as UTF-16 code units ({reason}) and converted to characters in: "
            + ", ".join(converted)
        )
    if missing:
        project.notes.append(f"{len(missing)} source file(s) absent from the export: {', '.join(missing)}")
    return project


def _project_notes(root, project: QualitativeProject) -> None:
    if (notes_el := first(root, "Notes")) is not None:
        for note in children(notes_el, "Note"):
            content = first(note, "PlainTextContent")
            if content is not None and content.text:
                project.memos.append(Memo(text=content.text, guid=note.get("guid") or ""))


def read_codebook(path: str | Path, *, limits: ArchiveLimits | None = None) -> Codebook:
    """Read a ``.qdc`` codebook (any namespace) or the codebook of a ``.qde``/``.qdpx`` project."""
    path = Path(path)
    with _Container(path, limits or ArchiveLimits.from_environment()) as container:
        return _parse_codebook(parse_xml(container.xml, path, None))
