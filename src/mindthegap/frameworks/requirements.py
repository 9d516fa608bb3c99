"""The requirements framework: the conditions a successful implementation programme needs (shipped, editable
YAML in ``frameworks/data/synthesis/requirements.yaml``, or a study's own file of the same layout), each linked
to the evidence that can rate it. See docs/methods.md, "Requirements framework"."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from mindthegap.errors import InputError

LINKS = ("nomad", "cfir", "coproduction", "support")
NOMAD_CONSTRUCTS = ("coherence", "cognitive_participation", "collective_action", "reflexive_monitoring")
COLUMNS = ["requirement", "name", "description", "basis", *LINKS]


def load_requirements(path: Path | None = None) -> pd.DataFrame:
    """One row per requirement (:data:`COLUMNS`; each link column a list). A bad file raises a one-line
    :class:`InputError` naming the file and the entry at fault."""
    if path is None:
        source = resources.files("mindthegap.frameworks").joinpath("data", "synthesis", "requirements.yaml")
        text = source.read_text("utf-8")
    else:
        path = Path(path)
        if not path.is_file():
            raise InputError("file not found", path=path, hint="check the path to the requirements file")
        text = path.read_text("utf-8")
    try:
        tree = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InputError(f"is not valid YAML ({getattr(exc, 'problem', exc)})", path=path) from None
    return pd.DataFrame(_checked(tree, path), columns=COLUMNS)


def _checked(tree: Any, path: Path | None) -> list[dict]:
    items = tree.get("requirements") if isinstance(tree, dict) else None
    if not isinstance(items, list) or not items:
        raise InputError("expected a list under 'requirements'", path=path, hint="see requirements.yaml")
    rows, seen = [], set()
    for i, item in enumerate(items, start=1):
        at = f"requirements[{i}]"
        if not isinstance(item, dict) or not item.get("id") or not item.get("name"):
            raise InputError(f"{at} needs an id and a name", path=path)
        rid = str(item["id"])
        if rid in seen:
            raise InputError(f"{at}: id {rid!r} appears more than once", path=path)
        seen.add(rid)
        links = {}
        for key in LINKS:
            value = item.get(key) or []
            if not isinstance(value, list):
                raise InputError(f"{at} ({rid}): {key} must be a list", path=path)
            links[key] = [str(v) for v in value]
        unknown = [c for c in links["nomad"] if c not in NOMAD_CONSTRUCTS]
        if unknown:
            raise InputError(
                f"{at} ({rid}): {unknown[0]!r} is not a NoMAD construct",
                path=path,
                hint=f"use {', '.join(NOMAD_CONSTRUCTS)}",
            )
        if not any(links.values()):
            raise InputError(
                f"{at} ({rid}) links to no evidence",
                path=path,
                hint=f"give at least one of {', '.join(LINKS)}",
            )
        rows.append(
            {
                "requirement": rid,
                "name": str(item["name"]),
                "description": " ".join(str(item.get("description", "")).split()),
                "basis": str(item.get("basis", "")),
                **links,
            }
        )
    return rows
