"""Shipped lists for conversations between levels: policy levers and the local-pressures codebook.

Both are YAML in ``frameworks/data/conversations`` with the project's own labels and descriptions. A lever's
``keywords`` map the free wording of a study file's levers ("funding tied to transformation plans") onto it; a
pressure's ``keywords`` are the lexicon :mod:`mindthegap.text.pressures` matches in free text.
"""

from __future__ import annotations

import copy
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml


@cache
def _shipped(name: str) -> dict[str, Any]:
    path = resources.files("mindthegap.frameworks").joinpath("data", "conversations", f"{name}.yaml")
    return yaml.safe_load(path.read_text("utf-8"))


def _checked(tree: dict[str, Any], key: str, where: str) -> list[dict[str, Any]]:
    items = tree.get(key) if isinstance(tree, dict) else None
    if not isinstance(items, list) or not items:
        raise ValueError(f"{where}: expected a list under {key!r}")
    seen = set()
    for i, item in enumerate(items):
        if not isinstance(item, dict) or not item.get("id") or not item.get("label"):
            raise ValueError(f"{where}: {key}[{i}] needs an id and a label")
        if item["id"] in seen:
            raise ValueError(f"{where}: {key}[{i}] repeats the id {item['id']!r}")
        if not [k for k in item.get("keywords") or [] if str(k).strip()]:
            raise ValueError(f"{where}: {key}[{i}] ({item['id']}) has no keywords")
        seen.add(item["id"])
    return copy.deepcopy(items)


def load_levers() -> list[dict[str, Any]]:
    """The eight policy levers: ``id``, ``label``, ``description``, ``keywords``."""
    return _checked(_shipped("levers"), "levers", "levers.yaml")


def load_pressures(path: str | Path | None = None) -> list[dict[str, Any]]:
    """The local-pressures codebook (shipped, or a YAML file of the same shape): ``id``, ``label``,
    ``description``, ``keywords`` and optionally ``lacking`` (keywords whose absence is the pressure)."""
    if path is None:
        return _lacking_checked(
            _checked(_shipped("pressures"), "pressures", "pressures.yaml"), "pressures.yaml"
        )
    tree = yaml.safe_load(Path(path).read_text("utf-8"))
    return _lacking_checked(_checked(tree, "pressures", str(path)), str(path))


def _lacking_checked(items: list[dict[str, Any]], where: str) -> list[dict[str, Any]]:
    """Each ``lacking`` entry must be one of the pressure's own keywords."""
    for i, item in enumerate(items):
        lacking = item.get("lacking") or []
        if not isinstance(lacking, list):
            raise ValueError(f"{where}: pressures[{i}] ({item['id']}) lacking must be a list of its keywords")
        unknown = [k for k in lacking if k not in item["keywords"]]
        if unknown:
            raise ValueError(
                f"{where}: pressures[{i}] ({item['id']}) lacking names {unknown[0]!r}, which is not one of its "
                "keywords; add it to keywords or remove it from lacking"
            )
    return items


def lever_for(wording: str) -> str | None:
    """The shipped lever a study file's lever wording names (first keyword match), or None."""
    text = wording.lower()
    for lever in load_levers():
        if any(k in text for k in lever["keywords"]):
            return lever["id"]
    return None
