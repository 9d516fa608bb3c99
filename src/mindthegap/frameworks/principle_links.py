"""Which qualitative codes and CQC key questions speak to a policy principle (shipped, editable YAML).

The shipped links (``frameworks/data/synthesis/principle_links.yaml``) are the project's own judgement. A study
principle takes the links of the entry with its id, else of the first entry one of whose keywords appears in
its id or name; a study may hand over its own links as a frame (``principle, codes, cqc``).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from mindthegap.model import Principle


@cache
def _shipped() -> tuple[dict[str, Any], ...]:
    path = resources.files("mindthegap.frameworks").joinpath("data", "synthesis", "principle_links.yaml")
    return tuple(_checked(yaml.safe_load(path.read_text("utf-8")), "principle_links.yaml"))


def load_links(path: Path | None = None) -> list[dict[str, Any]]:
    """The shipped links, or those in ``path`` (the same layout); a bad file names the entry at fault."""
    if path is None:
        return [dict(item) for item in _shipped()]
    return _checked(yaml.safe_load(Path(path).read_text("utf-8")), str(path))


def _checked(tree: Any, where: str) -> list[dict[str, Any]]:
    items = tree.get("links") if isinstance(tree, dict) else None
    if not isinstance(items, list):
        raise ValueError(f"{where}: expected a list under 'links'")
    for i, item in enumerate(items):
        if not isinstance(item, dict) or not item.get("id"):
            raise ValueError(f"{where}: links[{i}] needs an id")
        for key in ("keywords", "codes", "cqc"):
            if not isinstance(item.get(key) or [], list):
                raise ValueError(f"{where}: links[{i}] ({item['id']}): {key} must be a list")
    return items


def principle_links(
    principles: Iterable[Principle], links: list[dict[str, Any]] | None = None
) -> pd.DataFrame:
    """One row per study principle: ``principle``, ``matched`` (the entry's id or ""), ``codes``, ``cqc``."""
    links = load_links() if links is None else links
    rows = []
    for p in principles:
        entry = next((e for e in links if e["id"] == p.id), None)
        if entry is None:
            words = f"{p.id} {p.name}".casefold()
            entry = next(
                (e for e in links if any(str(k).casefold() in words for k in e.get("keywords") or [])), None
            )
        rows.append(
            {
                "principle": p.id,
                "matched": entry["id"] if entry else "",
                "codes": list(entry.get("codes") or []) if entry else [],
                "cqc": list(entry.get("cqc") or []) if entry else [],
            }
        )
    return pd.DataFrame(rows, columns=["principle", "matched", "codes", "cqc"])
