"""Guarded layers: every import in ``src/mindthegap`` follows the table in docs/ARCHITECTURE.md.

The reference is the table below, written by hand from the documented layer rule (not derived from the code); the
test walks each module's syntax tree (``ast``), so imports inside functions count too, and names the offending
module and import. It fails today if, say, ``text`` imports ``report`` again.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

import mindthegap

ROOT = Path(mindthegap.__file__).parent

SHARED = {"errors", "privacy", "redaction", "defaults", "files"}
#: layer -> the packages of ours it may import (besides itself). Mirrors docs/ARCHITECTURE.md, "Layers".
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "defaults": set(),
    "files": {"errors"},
    "privacy": {"errors"},
    "redaction": {"errors"},
    "model": SHARED,
    "frameworks": SHARED | {"model"},
    "analysis": SHARED | {"model", "frameworks"},
    "text": SHARED | {"model", "frameworks", "analysis"},
    "io": SHARED | {"model", "frameworks", "analysis", "text"},
    "scale": SHARED | {"text", "io"},
    "demo": SHARED | {"model", "frameworks", "analysis", "text", "io"},
    "store": SHARED | {"model", "frameworks", "analysis", "text", "io"},
    "report": SHARED | {"model", "frameworks", "analysis", "text", "io", "store"},
    "web": SHARED | {"model", "frameworks", "analysis", "text", "io", "store", "report"},
    "cli": SHARED
    | {"model", "frameworks", "analysis", "text", "io", "scale", "demo", "store", "report", "web"},
}
#: the layers that may import Django; everyone else reaches the database through ``store`` functions.
DJANGO = {"store", "web"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[str]:
    """Every module ``path`` imports, relative imports resolved to absolute names."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                found.append(".".join(base + ([node.module] if node.module else [])))
            else:
                found.append(node.module or "")
    return found


def _modules() -> list[Path]:
    return [p for p in sorted(ROOT.rglob("*.py")) if "migrations" not in p.parts]


def violations(rule) -> list[str]:
    out = []
    for path in _modules():
        module = _module_name(path)
        layer = module.split(".")[1] if "." in module else "__init__"
        for target in _imports(path):
            problem = rule(layer, module, target)
            if problem:
                out.append(f"{module} imports {target}: {problem}")
    return out


def _layer_rule(layer: str, module: str, target: str) -> str | None:
    parts = target.split(".")
    if parts[0] == "django" and layer not in DJANGO:
        return f"only {sorted(DJANGO)} import Django"
    if parts[0] != "mindthegap" or len(parts) < 2 or layer == "__init__" or parts[1] == layer:
        return None
    if parts[1] not in ALLOWED[layer]:
        return f"{layer} may import only {sorted(ALLOWED[layer])}"
    return None


def _cli_rule(layer: str, module: str, target: str) -> str | None:
    if layer == "cli" and target.startswith("mindthegap.store.") and target.split(".")[-1] == "models":
        return "the command line calls store functions and repositories, never models"
    return None


def test_every_layer_is_in_the_table():
    layers = {p.stem if p.suffix else p.name for p in ROOT.iterdir() if not p.name.startswith("_")}
    layers -= {"__pycache__", "py", "static", "templates"}
    assert layers - {"__init__"} <= set(ALLOWED), layers - set(ALLOWED)


@pytest.mark.parametrize("rule", [_layer_rule, _cli_rule], ids=["layers", "cli-no-models"])
def test_imports_follow_the_layer_table(rule):
    assert violations(rule) == []


def test_no_cycles_between_packages():
    """The table itself is acyclic (depth-first search), so code that follows it has no package cycles."""
    state: dict[str, int] = {}

    def visit(layer: str, path: list[str]) -> None:
        assert state.get(layer) != 1, f"import cycle: {' -> '.join([*path, layer])}"
        if state.get(layer) == 2:
            return
        state[layer] = 1
        for nxt in ALLOWED[layer]:
            visit(nxt, [*path, layer])
        state[layer] = 2

    for layer in ALLOWED:
        visit(layer, [])


def test_the_walk_sees_an_offending_import(tmp_path, monkeypatch):
    """The check can fail: a planted ``text`` module drawing with ``report`` is reported by name."""
    fake = tmp_path / "mindthegap"
    (fake / "text").mkdir(parents=True)
    (fake / "__init__.py").write_text("")
    (fake / "text" / "__init__.py").write_text("")
    (fake / "text" / "bad.py").write_text("def f():\n    from ..report import charts\n    import django\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", fake)
    found = violations(_layer_rule)
    assert any(v.startswith("mindthegap.text.bad imports mindthegap.report:") for v in found), found
    assert any("imports django" in v for v in found), found


def test_the_command_line_is_thin():
    """No CLI module over 250 lines and no CLI function over 60 (docs/ARCHITECTURE.md, 'A thin command line')."""
    long = []
    for path in sorted((ROOT / "cli").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        if len(text.splitlines()) > 250:
            long.append(f"{path.name}: {len(text.splitlines())} lines")
        for node in ast.walk(ast.parse(text)):
            if (
                isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
                and node.end_lineno - node.lineno >= 60
            ):
                long.append(
                    f"{path.name}:{node.lineno} {node.name}: {node.end_lineno - node.lineno + 1} lines"
                )
    assert long == []


def test_no_function_is_over_60_lines():
    """No function or method in the package (migrations aside) spans more than 60 lines, docstring included
    (docs/ARCHITECTURE.md, 'Small functions'); the reference is Python's own syntax tree of each module."""
    long = []
    for path in sorted(ROOT.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = node.end_lineno - node.lineno + 1
                if lines > 60:
                    long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}: {lines} lines")
    assert long == []
