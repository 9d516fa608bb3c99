"""Shipped codebooks (NPT, CFIR 2.0, co-production, CQC key questions) and codebooks built from principles.

A codebook here is a plain tree: ``{"id", "name", "citation", "colour", "codes": [{"name", "description",
"children": [...]}]}``. :meth:`mindthegap.model.qualitative.Codebook.from_tree` turns it into the model.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import Any

import yaml

CODEBOOKS: tuple[str, ...] = ("npt", "cfir2", "coproduction", "cqc")


def _check(node: dict, where: str) -> None:
    if not isinstance(node, dict) or not str(node.get("name", "")).strip():
        raise ValueError(f"{where}: every code needs a name")
    for i, child in enumerate(node.get("children") or []):
        _check(child, f"{where} > {node['name']}[{i}]")


@cache
def _load(name: str) -> dict[str, Any]:
    text = (
        resources.files("mindthegap.frameworks")
        .joinpath("data", "codebooks", f"{name}.yaml")
        .read_text("utf-8")
    )
    tree = yaml.safe_load(text)
    for i, code in enumerate(tree.get("codes") or []):
        _check(code, f"{name}.yaml codes[{i}]")
    return tree


def load_codebook(name: str) -> dict[str, Any]:
    """A shipped codebook as a tree (a fresh copy each time, so callers may edit it)."""
    if name not in CODEBOOKS:
        raise KeyError(f"unknown codebook {name!r}; choose one of {', '.join(CODEBOOKS)}")
    import copy

    return copy.deepcopy(_load(name))


def principles_codebook(
    principles: Iterable[tuple[str, str]], name: str = "Study principles"
) -> dict[str, Any]:
    """A codebook with one code per policy principle, from ``(name, description)`` pairs."""
    codes = [{"name": n, "description": d or ""} for n, d in principles]
    return {"id": "principles", "name": name, "citation": "", "colour": "#FF7F0E", "codes": codes}


def count_codes(tree: dict[str, Any]) -> dict[int, int]:
    """How many codes sit at each depth (0 = top level)."""
    counts: dict[int, int] = {}

    def walk(nodes: list[dict], depth: int) -> None:
        for node in nodes:
            counts[depth] = counts.get(depth, 0) + 1
            walk(node.get("children") or [], depth + 1)

    walk(tree.get("codes") or [], 0)
    return counts
