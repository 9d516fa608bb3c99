"""Survey instruments as data: items, answer scales, constructs and reverse-scored items.

Shipped instruments live in ``data/instruments/*.yaml`` and are checked against ``instrument.schema.json``;
users add their own with :func:`load_instrument_file`. The files carry structure and the project's own short
labels only; :func:`load_wording` attaches the authors' full item wording from a file the user holds.
``values_practice`` is generated from a study's principles (a value and a practice item per principle).
This module imports nothing else from mindthegap (frameworks sit at the bottom of the layers), so it reports
bad files with ``ValueError`` subclasses that carry the path; callers higher up turn them into InputError.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).parent / "data" / "instruments"
SCHEMA = DATA / "instrument.schema.json"


class InstrumentFileError(ValueError):
    """An instrument or wording file is malformed; ``str()`` names the file and the place."""


@dataclass(frozen=True)
class Scale:
    """An ordinal answer scale: integer codes ``min``…``max``, optional text labels and 'missing' answers.

    ``easy_read`` labels (code → short words) and ``symbols`` (code → a symbol character) are shown to a
    respondent who chooses easy-read wording; they never change what is stored.
    """

    id: str
    min: int
    max: int
    labels: dict[int, str] = field(default_factory=dict)
    missing: tuple[str, ...] = ()
    easy_read: dict[int, str] = field(default_factory=dict)
    symbols: dict[int, str] = field(default_factory=dict)

    def code_for(self, text: str) -> int | None:
        """The code for an answer label (case- and space-insensitive); None for a 'missing' answer.

        Raises KeyError when the text is neither a label, a missing answer nor a number on the scale.
        """
        key = " ".join(str(text).split()).casefold()
        for code, label in self.labels.items():
            if " ".join(label.split()).casefold() == key:
                return code
        if key in {" ".join(m.split()).casefold() for m in self.missing}:
            return None
        try:
            number = float(key)
        except ValueError:
            raise KeyError(text) from None
        if number.is_integer() and self.min <= number <= self.max:
            return int(number)
        raise KeyError(text)


@dataclass(frozen=True)
class Item:
    """One question: ``construct`` is None for items outside the construct scores (e.g. NoMAD Part A)."""

    id: str
    label: str
    scale: str | None = None
    construct: str | None = None
    subconstruct: str | None = None
    part: str | None = None
    reverse: bool = False
    type: str = "rating"
    wording: str | None = None
    easy_read: str | None = None


@dataclass(frozen=True)
class Instrument:
    """A questionnaire: items, scales and constructs (construct id → label)."""

    id: str
    name: str
    items: tuple[Item, ...]
    scales: dict[str, Scale]
    constructs: dict[str, str]
    reference: str = ""
    min_items: dict[str, int] = field(default_factory=dict)

    @property
    def rating_items(self) -> list[Item]:
        return [i for i in self.items if i.type == "rating"]

    def item(self, item_id: str) -> Item:
        for it in self.items:
            if it.id == item_id:
                return it
        raise KeyError(item_id)

    def scale_of(self, item: Item) -> Scale:
        return self.scales[item.scale] if item.scale else next(iter(self.scales.values()))

    def construct_items(self) -> dict[str, list[str]]:
        """Construct id → its item ids, in file order."""
        out: dict[str, list[str]] = {c: [] for c in self.constructs}
        for it in self.rating_items:
            if it.construct:
                out.setdefault(it.construct, []).append(it.id)
        return out

    @property
    def reverse_items(self) -> list[str]:
        return [i.id for i in self.items if i.reverse]

    def with_wording(self, wording: dict[str, str]) -> Instrument:
        """A copy with full item wording attached (from the user's own licensed copy)."""
        items = tuple(replace(i, wording=wording.get(i.id, i.wording)) for i in self.items)
        return replace(self, items=items)


def _coded(source: str, sid: str, mapping: dict | None) -> dict[int, str]:
    """A scale's code → text mapping with whole-number keys."""
    out = {}
    for k, v in (mapping or {}).items():
        try:
            out[int(k)] = v
        except ValueError:
            raise InstrumentFileError(
                f"{source}: scale {sid!r} label key {k!r} is not a whole number"
            ) from None
    return out


@cache
def _schema() -> dict[str, Any]:
    return json.loads(SCHEMA.read_text(encoding="utf-8"))


def _check_schema(data: Any, source: str) -> None:
    """Reject anything that is not a mapping or does not match the schema (scale keys read as text first)."""
    import jsonschema

    if not isinstance(data, dict):
        raise InstrumentFileError(
            f"{source}: an instrument file must be a YAML mapping with id, name and items"
        )
    for scale in (data.get("scales") or {}).values():
        for key in ("labels", "easy_read", "symbols"):
            if isinstance(scale, dict) and isinstance(scale.get(key), dict):
                scale[key] = {str(k): v for k, v in scale[key].items()}
    try:
        jsonschema.validate(data, _schema())
    except jsonschema.ValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "top level"
        raise InstrumentFileError(f"{source}: at {where}: {exc.message}") from None


def _scales(data: dict, source: str) -> dict[str, Scale]:
    """The file's answer scales, each with a range that goes upwards and whole-number label keys."""
    scales: dict[str, Scale] = {}
    for sid, s in (data.get("scales") or {}).items():
        if s["min"] >= s["max"]:
            raise InstrumentFileError(f"{source}: scale {sid!r} has min {s['min']} not below max {s['max']}")
        labels, easy, symbols = (
            _coded(source, sid, s.get(key)) for key in ("labels", "easy_read", "symbols")
        )
        scales[sid] = Scale(
            sid, int(s["min"]), int(s["max"]), labels, tuple(s.get("missing") or ()), easy, symbols
        )
    return scales


def _items(data: dict, source: str, scales: dict[str, Scale], constructs: dict[str, str]) -> list[Item]:
    """The file's items, checked against the scales; a construct no one declared is added to ``constructs``."""
    items: list[Item] = []
    seen: set[str] = set()
    for i, raw in enumerate(data["items"], start=1):
        if raw["id"] in seen:
            raise InstrumentFileError(f"{source}: item {i}: id {raw['id']!r} is used twice")
        seen.add(raw["id"])
        kind = raw.get("type", "rating")
        if kind == "rating":
            if not scales:
                raise InstrumentFileError(
                    f"{source}: item {raw['id']!r} is a rating but the file defines no scales"
                )
            if raw.get("scale") and raw["scale"] not in scales:
                raise InstrumentFileError(
                    f"{source}: item {raw['id']!r} uses scale {raw['scale']!r}, which is not defined under scales"
                )
        construct = raw.get("construct")
        if construct and construct not in constructs:
            constructs[construct] = construct.replace("_", " ").capitalize()
        items.append(
            Item(
                id=str(raw["id"]),
                label=raw["label"],
                scale=raw.get("scale"),
                construct=construct,
                subconstruct=raw.get("subconstruct"),
                part=raw.get("part"),
                reverse=bool(raw.get("reverse", False)),
                type=kind,
                easy_read=raw.get("easy_read"),
            )
        )
    return items


def parse_instrument(data: Any, source: str = "<instrument>") -> Instrument:
    """Validate a mapping against the schema and the cross-references, and build an :class:`Instrument`."""
    _check_schema(data, source)
    scales = _scales(data, source)
    constructs = {cid: (c or {}).get("label", cid) for cid, c in (data.get("constructs") or {}).items()}
    min_items = {
        cid: int(c["min_items"])
        for cid, c in (data.get("constructs") or {}).items()
        if c and "min_items" in c
    }
    items = _items(data, source, scales, constructs)
    return Instrument(
        id=data["id"],
        name=data["name"],
        items=tuple(items),
        scales=scales,
        constructs=constructs,
        reference=data.get("reference", ""),
        min_items=min_items,
    )


def instrument_definition(instrument: Instrument) -> dict[str, Any]:
    """The instrument as the mapping an instrument file holds (full item wording left out).

    :func:`parse_instrument` turns it back into an equal instrument, so a study can keep the exact definition
    its answers were scored with, even for a user's own file that is later moved or edited.
    """
    scales = {}
    for sid, scale in instrument.scales.items():
        entry: dict[str, Any] = {"min": scale.min, "max": scale.max}
        if scale.labels:
            entry["labels"] = {str(code): label for code, label in scale.labels.items()}
        if scale.missing:
            entry["missing"] = list(scale.missing)
        for key in ("easy_read", "symbols"):
            if getattr(scale, key):
                entry[key] = {str(code): text for code, text in getattr(scale, key).items()}
        scales[sid] = entry
    items = []
    for item in instrument.items:
        entry = {"id": item.id, "label": item.label}
        for key in ("scale", "construct", "subconstruct", "part", "easy_read"):
            if getattr(item, key):
                entry[key] = getattr(item, key)
        if item.reverse:
            entry["reverse"] = True
        if item.type != "rating":
            entry["type"] = item.type
        items.append(entry)
    constructs: dict[str, Any] = {}
    for cid, label in instrument.constructs.items():
        constructs[cid] = {"label": label}
        if cid in instrument.min_items:
            constructs[cid]["min_items"] = instrument.min_items[cid]
    data: dict[str, Any] = {"id": instrument.id, "name": instrument.name, "items": items}
    if instrument.reference:
        data["reference"] = instrument.reference
    if scales:
        data["scales"] = scales
    if constructs:
        data["constructs"] = constructs
    return data


def load_instrument_file(path: str | Path) -> Instrument:
    """Load a user's own instrument from a YAML file (same format as the shipped ones)."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise InstrumentFileError(f"{path}: file not found") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise InstrumentFileError(f"{path}: is not valid YAML{where}") from None
    return parse_instrument(data, str(path))


def available() -> list[str]:
    """Ids of the shipped instruments (``values_practice`` is generated per study, see :func:`values_practice`)."""
    return [*sorted(p.stem for p in DATA.glob("*.yaml")), "values_practice"]


@cache
def _shipped(instrument_id: str) -> Instrument:
    return load_instrument_file(DATA / f"{instrument_id}.yaml")


def is_instrument_file(key: str | Path) -> bool:
    """Whether ``key`` names an instrument file (a .yaml/.yml path or any existing file) rather than an id."""
    return str(key).endswith((".yaml", ".yml")) or Path(key).exists()


def load_instrument(
    instrument_id_or_path: str | Path, principles: Sequence[tuple[str, str]] = ()
) -> Instrument:
    """A shipped instrument by id, or a user's instrument from a ``.yaml``/``.yml`` path.

    ``principles`` (id, label) pairs are needed only for ``values_practice``.
    """
    key = str(instrument_id_or_path)
    if key == "values_practice":
        return values_practice(principles)
    if is_instrument_file(key):
        return load_instrument_file(key)
    if not (DATA / f"{key}.yaml").exists():
        raise InstrumentFileError(
            f"no instrument {key!r}; known: {', '.join(available())}, or give a YAML file path"
        )
    return _shipped(key)


def values_practice(principles: Iterable[tuple[str, str]]) -> Instrument:
    """The values–practice instrument for a study: per principle a 'value' and a 'practice' item on 1–5.

    Constructs are ``value`` and ``practice`` so that each side can be scored and its reliability checked.
    """
    principles = list(principles)
    if not principles:
        raise InstrumentFileError("values_practice needs the study's principles (id, label)")
    scale = Scale(
        "importance5", 1, 5, {1: "Not at all", 2: "A little", 3: "Somewhat", 4: "Very", 5: "Extremely"}
    )
    items: list[Item] = []
    for pid, label in principles:
        items.append(Item(f"{pid}_value", f"{label}: how much it matters", "importance5", "value"))
        items.append(Item(f"{pid}_practice", f"{label}: how much it happens", "importance5", "practice"))
    return Instrument(
        id="values_practice",
        name="Values and practice",
        items=tuple(items),
        scales={"importance5": scale},
        constructs={"value": "Value", "practice": "Practice"},
        reference="mindthegap",
    )


def load_wording(instrument: Instrument, path: str | Path) -> Instrument:
    """Attach full item wording from the user's own CSV (columns ``item``, ``wording``) or YAML (id: text).

    Unknown item ids are an error so that a wrong file is noticed.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InstrumentFileError(f"{path}: file not found") from None
    if path.suffix.lower() in (".yaml", ".yml"):
        data = yaml.safe_load(text) or {}
        if not isinstance(data, dict):
            raise InstrumentFileError(f"{path}: expected a mapping of item id to wording")
        wording = {str(k): str(v) for k, v in data.items()}
    else:
        reader = csv.DictReader(text.splitlines())
        if not reader.fieldnames or not {"item", "wording"} <= set(reader.fieldnames):
            raise InstrumentFileError(f"{path}: needs the columns 'item' and 'wording'")
        wording = {row["item"].strip(): row["wording"].strip() for row in reader if row.get("item")}
    known = {i.id for i in instrument.items}
    unknown = sorted(set(wording) - known)
    if unknown:
        raise InstrumentFileError(
            f"{path}: item {unknown[0]!r} is not in instrument {instrument.id!r} (items: {', '.join(sorted(known))})"
        )
    return instrument.with_wording(wording)
