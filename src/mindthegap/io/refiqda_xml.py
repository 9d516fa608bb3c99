"""XML plumbing shared by the REFI-QDA reader and writer: namespaces, element look-ups, parsing, validation.

Vendors write the project namespace, another one, or none, so elements are matched by local name only.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from mindthegap.errors import InputError

NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
SOURCE_KINDS = {
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
REGION_SOURCES = {"picture": "PictureSelection", "pdf": "PDFSelection", "audio": "AudioSelection"}
REGION_SOURCES["video"] = "VideoSelection"


def local(tag) -> str:
    """An element's name without its namespace ("" for comments and processing instructions)."""
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def children(element, name: str) -> list:
    """The element's children with this local name."""
    return [child for child in element if local(child.tag) == name]


def first(element, name: str):
    """The element's first child with this local name, or None."""
    found = children(element, name)
    return found[0] if found else None


def parse_xml(data: bytes, path: Path, schema: Path | None):
    """Parse project XML without resolving entities or touching the network; validate when given a schema."""
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
