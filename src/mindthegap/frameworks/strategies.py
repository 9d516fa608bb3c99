"""The ERIC implementation strategies and the editable mapping from barriers to them.

``eric.yaml`` lists the 73 strategies of Powell et al. (2015) in the nine clusters of Waltz et al. (2015), with
the project's own one-line descriptions. ``barriers.yaml`` is mindthegap's own mapping from barriers (CFIR 2.0
and NPT constructs, co-production characteristics, pressures, themes) to strategies, each link with a level
(1 first choice, 2 supporting) and a rationale. A user may load their own mapping file in the same format;
every problem in it is one line naming the file, the entry and the field.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from mindthegap.errors import InputError

FRAMEWORKS = ("cfir2", "npt", "coproduction", "pressure", "theme")
COPRODUCTION_KEYS = ("assets", "capabilities", "mutuality", "networks", "blurring_roles", "catalysts")
LEVELS = {1: 1.0, 2: 0.5}
RATIONALE_MAX = (
    100  # one sentence in a table cell; longer text would be taken for people's words in shared copies
)
LINK_COLUMNS = ["framework", "barrier", "strategy", "level", "weight", "rationale"]


def _shipped(name: str) -> str:
    return resources.files("mindthegap.frameworks").joinpath("data", "strategies", name).read_text("utf-8")


@cache
def _eric() -> pd.DataFrame:
    tree = yaml.safe_load(_shipped("eric.yaml"))
    rows = [
        {
            "strategy": s["id"],
            "name": s["name"],
            "cluster": c["name"],
            "cluster_id": c["id"],
            "description": s["description"],
        }
        for c in tree["clusters"]
        for s in c["strategies"]
    ]
    return pd.DataFrame(rows)


def eric_strategies() -> pd.DataFrame:
    """The 73 ERIC strategies: ``strategy`` (id), ``name``, ``cluster``, ``cluster_id``, ``description``."""
    return _eric().copy()


def _construct_names(codebook: str) -> set[str]:
    from mindthegap.frameworks.codebooks import load_codebook

    names: set[str] = set()

    def walk(nodes: list[dict]) -> None:
        for node in nodes:
            names.add(node["name"].casefold())
            walk(node.get("children") or [])

    walk(load_codebook(codebook)["codes"])
    return names


def load_mapping(path: str | Path | None = None) -> pd.DataFrame:
    """The barrier → strategy links (:data:`LINK_COLUMNS`) of the shipped mapping, or of the user's YAML file.

    Raises :class:`~mindthegap.errors.InputError` naming the file, the entry and the field for an unknown
    framework, construct or strategy, a level other than 1 or 2, or a missing rationale.
    """
    where = Path(path) if path is not None else Path("barriers.yaml (shipped)")
    if path is None:
        text = _shipped("barriers.yaml")
    else:
        try:
            text = Path(path).read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot be read ({exc.__class__.__name__})", path=where) from None
    try:
        tree = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        raise InputError("is not valid YAML", path=where, row=None if line is None else line + 1) from None
    if not isinstance(tree, dict) or not isinstance(tree.get("barriers"), list):
        raise InputError("needs a list 'barriers' at the top level", path=where, hint="see docs/methods.md")
    known = set(_eric()["strategy"])
    names = {"cfir2": _construct_names("cfir2"), "npt": _construct_names("npt")}
    rows = []
    for i, entry in enumerate(tree["barriers"]):
        rows += _entry(entry, f"barriers[{i}]", where, known, names)
    return pd.DataFrame(rows, columns=LINK_COLUMNS)


def _fail(where: Path, field: str, message: str, hint: str | None = None) -> InputError:
    return InputError(f"{field}: {message}", path=where, hint=hint)


def _entry(entry: Any, at: str, where: Path, known: set[str], names: dict[str, set[str]]) -> list[dict]:
    if not isinstance(entry, dict):
        raise _fail(where, at, "each barrier is a mapping with framework, barrier and strategies")
    framework = str(entry.get("framework", "")).strip()
    if framework not in FRAMEWORKS:
        raise _fail(where, f"{at}.framework", f"{framework!r} is not one of {', '.join(FRAMEWORKS)}")
    barrier = str(entry.get("barrier", "")).strip()
    if not barrier:
        raise _fail(where, f"{at}.barrier", "is missing")
    if framework in names and barrier.casefold() not in names[framework]:
        raise _fail(
            where,
            f"{at}.barrier",
            f"{barrier!r} is not a {framework} construct",
            "use a name from its codebook",
        )
    if framework == "coproduction" and barrier not in COPRODUCTION_KEYS:
        raise _fail(
            where,
            f"{at}.barrier",
            f"{barrier!r} is not a co-production characteristic",
            f"use one of {', '.join(COPRODUCTION_KEYS)}",
        )
    links = entry.get("strategies")
    if not isinstance(links, list) or not links:
        raise _fail(where, f"{at}.strategies", "needs at least one strategy")
    return [
        _link(link, f"{at}.strategies[{j}]", where, known, framework, barrier) for j, link in enumerate(links)
    ]


def _link(link: Any, here: str, where: Path, known: set[str], framework: str, barrier: str) -> dict:
    if not isinstance(link, dict):
        raise _fail(where, here, "each link is a mapping with strategy, level and rationale")
    strategy = str(link.get("strategy", "")).strip()
    if strategy not in known:
        raise _fail(
            where,
            f"{here}.strategy",
            f"{strategy!r} is not an ERIC strategy id",
            "see 'mindthegap synth strategies --list'",
        )
    level = link.get("level")
    if level not in LEVELS:
        raise _fail(where, f"{here}.level", f"{level!r} is not 1 or 2")
    rationale = str(link.get("rationale") or "").strip()
    if not rationale:
        raise _fail(
            where,
            f"{here}.rationale",
            "is missing",
            "say in a sentence why the strategy answers the barrier",
        )
    if len(rationale) > RATIONALE_MAX:
        raise _fail(
            where,
            f"{here}.rationale",
            f"is {len(rationale)} characters long",
            f"keep it to one sentence of at most {RATIONALE_MAX}",
        )
    return {
        "framework": framework,
        "barrier": barrier,
        "strategy": strategy,
        "level": level,
        "weight": LEVELS[level],
        "rationale": rationale,
    }
