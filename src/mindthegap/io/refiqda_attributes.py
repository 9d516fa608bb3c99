"""REFI-QDA variables and cases: who a source came from, as NVivo, ATLAS.ti and MAXQDA keep attributes.

Each metadata key (participant, level, role, service, wave …) becomes a project variable with a value on each
source, and each participant becomes a case holding the attributes their sources share and referring to those
sources. On import, a source's own variable values come first; a case fills in what its sources lack, and a
source in exactly one case takes that case's name as its participant when it has none.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from mindthegap.errors import InputError
from mindthegap.io.refiqda_xml import NS, children, first, local
from mindthegap.model.qualitative import Source, new_guid

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


def parse_variables(root, path: Path) -> dict[str, str]:
    """The project's variables: guid → attribute name (known names folded to mindthegap's spelling)."""
    variables: dict[str, str] = {}
    if (variables_el := first(root, "Variables")) is not None:
        for variable in children(variables_el, "Variable"):
            guid, name = variable.get("guid"), variable.get("name")
            if not guid or not name:
                raise InputError(
                    "a <Variable> lacks its guid or name", path=path, hint="re-export the project"
                )
            variables[guid] = _attribute_name(name)
    return variables


def variable_values(element, variables: dict[str, str], path: Path, owner: str) -> dict[str, str]:
    """The ``<VariableValue>`` children of a source or case, as name → text."""
    values: dict[str, str] = {}
    for value_el in children(element, "VariableValue"):
        ref = first(value_el, "VariableRef")
        target = ref.get("targetGUID") if ref is not None else None
        if target not in variables:
            raise InputError(
                f"a variable value on {owner} points at variable {target}, which the project does not define",
                path=path,
                hint="re-export the project with its variables",
            )
        held = [child for child in value_el if local(child.tag).endswith("Value")]
        if held and held[0].text is not None and held[0].text.strip():
            values[variables[target]] = held[0].text.strip()
    return values


def apply_cases(root, sources: list[Source], variables: dict[str, str], path: Path) -> None:
    """Fill sources' metadata from the cases they belong to, without overriding the sources' own values."""
    cases_el = first(root, "Cases")
    if cases_el is None:
        return
    by_guid = {source.guid: source for source in sources}
    membership: dict[str, list[str]] = {}
    for case in children(cases_el, "Case"):
        name = case.get("name") or case.get("guid") or ""
        values = variable_values(case, variables, path, f"case {name!r}")
        for ref in children(case, "SourceRef"):
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


def exported_metadata(source: Source) -> dict[str, object]:
    """The metadata a source exports: plain values only (not, say, redaction counts), blanks left out."""
    return {
        key: value
        for key, value in source.metadata.items()
        if key != "path" and isinstance(value, (str, int, float, bool)) and str(value).strip() != ""
    }


def variables_xml(root, attributes: dict[str, dict[str, object]]) -> dict[str, tuple[str, str]]:
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


def value_element(parent, variable: tuple[str, str], value) -> None:
    guid, kind = variable
    value_el = etree.SubElement(parent, f"{{{NS}}}VariableValue")
    etree.SubElement(value_el, f"{{{NS}}}VariableRef", {"targetGUID": guid})
    etree.SubElement(value_el, f"{{{NS}}}{_VALUE_ELEMENTS[kind]}").text = _value_text(value)


def cases_xml(root, attributes: dict[str, dict[str, object]], variables: dict[str, tuple[str, str]]) -> None:
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
                value_element(case, variables[key], value)
        for guid in theirs:
            etree.SubElement(case, f"{{{NS}}}SourceRef", {"targetGUID": guid})
