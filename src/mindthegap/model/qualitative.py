"""Qualitative evidence as plain dataclasses: sources, segments, codes, codebooks, codings and memos.

Offsets are Unicode code points into ``Source.text`` (what Python's ``str`` indexes), the unit the REFI-QDA
standard uses. Codebook edits (rename, move, merge, split) are recorded in ``Codebook.history`` and never drop
a coding: a merge returns the mapping that callers apply to their codings.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

CodingStatus = Literal["accepted", "unreviewed", "rejected"]


def new_guid() -> str:
    """A fresh identifier in the upper-case form REFI-QDA tools write."""
    return str(uuid.uuid4()).upper()


@dataclass
class Source:
    """A transcript, document or set of notes, with who it came from."""

    name: str
    text: str | None
    guid: str = field(default_factory=new_guid)
    kind: str = "text"  # text, event_notes (a group's notes: no one person), pdf, picture, audio, video
    path: str | None = None  # where the original lived (e.g. internal://….txt in a REFI-QDA project)
    metadata: dict[str, str] = field(default_factory=dict)  # participant, level, role, service, wave …


@dataclass(frozen=True)
class Segment:
    """A stretch of a source between code-point offsets ``start`` (inclusive) and ``end`` (exclusive)."""

    source: str
    start: int
    end: int
    text: str
    kind: str = "paragraph"  # speaker_turn, paragraph, sentence
    speaker: str | None = None
    begins: float | None = None  # seconds into a recording, for transcripts
    ends: float | None = None


@dataclass
class Code:
    """A code in a codebook; ``parent`` is the guid of the code above it (None at the top)."""

    name: str
    guid: str = field(default_factory=new_guid)
    description: str = ""
    colour: str | None = None
    parent: str | None = None
    codable: bool = True


@dataclass
class Coding:
    """One coder applying one code to a span of a source (span None for non-text selections)."""

    source: str
    code: str
    start: int | None
    end: int | None
    coder: str | None = None
    status: CodingStatus = "accepted"
    confidence: float | None = None
    created: datetime | None = None
    guid: str = field(default_factory=new_guid)
    selection: str | None = None  # the selection's guid when imported from a REFI-QDA project
    # a region of a picture, PDF page or recording, as REFI-QDA describes it: {"element": "PDFSelection",
    # "page": "0", "firstX": …} or {"element": "VideoSelection", "begin": …, "end": …}; None for text spans
    region: dict[str, str] | None = None


@dataclass
class Memo:
    """A note on a source, code or coding (``target`` is its guid; None for a project memo)."""

    text: str
    target: str | None = None
    author: str | None = None
    guid: str = field(default_factory=new_guid)


@dataclass
class Codebook:
    """Hierarchical codes keyed by guid, with a history of edits."""

    name: str = "Codebook"
    codes: dict[str, Code] = field(default_factory=dict)
    history: list[dict] = field(default_factory=list)

    @classmethod
    def from_tree(cls, tree: dict) -> Codebook:
        """Build from a framework tree (see :mod:`mindthegap.frameworks.codebooks`)."""
        book = cls(name=tree.get("name", "Codebook"))
        colour = tree.get("colour")

        def walk(nodes: list[dict], parent: str | None) -> None:
            for node in nodes:
                code = book.add(
                    Code(
                        name=node["name"],
                        description=node.get("description", ""),
                        colour=node.get("colour", colour),
                        parent=parent,
                    )
                )
                walk(node.get("children") or [], code.guid)

        walk(tree.get("codes") or [], None)
        book.history.clear()  # loading a framework is not an edit
        return book

    def add(self, code: Code) -> Code:
        """Add a code (inductive codes created during analysis arrive this way)."""
        if code.parent is not None and code.parent not in self.codes:
            raise KeyError(f"parent code {code.parent} is not in the codebook")
        self.codes[code.guid] = code
        self._log("add", code.guid, name=code.name)
        return code

    def by_name(self, name: str) -> Code:
        """The code with this name (first match)."""
        for code in self.codes.values():
            if code.name == name:
                return code
        raise KeyError(name)

    def children(self, guid: str | None) -> list[Code]:
        """Codes directly below ``guid`` (top-level codes for None)."""
        return [c for c in self.codes.values() if c.parent == guid]

    def path(self, guid: str) -> str:
        """The code's full name from the top, joined with ' > '."""
        names = []
        current: str | None = guid
        while current is not None:
            names.append(self.codes[current].name)
            current = self.codes[current].parent
        return " > ".join(reversed(names))

    def rename(self, guid: str, name: str) -> None:
        """Rename a code; its guid, and so its codings, stay the same."""
        old = self.codes[guid].name
        self.codes[guid].name = name
        self._log("rename", guid, old=old, new=name)

    def move(self, guid: str, parent: str | None) -> None:
        """Move a code under another (None for the top level), refusing to create a loop."""
        current = parent
        while current is not None:
            if current == guid:
                raise ValueError("a code cannot be moved under itself")
            current = self.codes[current].parent
        old = self.codes[guid].parent
        self.codes[guid].parent = parent
        self._log("move", guid, old=old, new=parent)

    def merge(self, sources: list[str], into: str) -> dict[str, str]:
        """Merge codes into ``into``; returns {old guid: new guid} to re-point codings, so none is lost."""
        mapping = {}
        for guid in sources:
            if guid == into:
                continue
            for child in self.children(guid):
                child.parent = into
            removed = self.codes.pop(guid)
            mapping[guid] = into
            self._log("merge", guid, into=into, name=removed.name)
        return mapping

    def split(self, guid: str, names: list[str]) -> list[Code]:
        """Create new codes under ``guid`` for a split; codings stay on the original until recoded."""
        made = [self.add(Code(name=n, parent=guid, colour=self.codes[guid].colour)) for n in names]
        self._log("split", guid, into=[c.guid for c in made])
        return made

    def _log(self, action: str, guid: str, **details) -> None:
        self.history.append({"action": action, "code": guid, "at": datetime.now(UTC).isoformat(), **details})


@dataclass
class QualitativeProject:
    """Everything in one exchange file: codebook, sources, codings, memos and coders (guid → name)."""

    name: str = "Project"
    codebook: Codebook = field(default_factory=Codebook)
    sources: list[Source] = field(default_factory=list)
    codings: list[Coding] = field(default_factory=list)
    memos: list[Memo] = field(default_factory=list)
    users: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what the importer had to do or could not find
