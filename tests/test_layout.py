"""The shape of the package: no import cycles, and a core that knows nothing of the command line."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import replykit

PACKAGE = Path(replykit.__file__).resolve().parent


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = ("replykit", *path.relative_to(PACKAGE).with_suffix("").parts)
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


MODULES = _modules()


def _imports(path: Path) -> set[str]:
    """Every replykit module a file imports anywhere: at the top, inside functions, under TYPE_CHECKING."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


GRAPH = {name: {m for m in _imports(path) if m in MODULES and m != name} for name, path in MODULES.items()}


def _cycle_through(start: str) -> list[str] | None:
    """A path of imports from ``start`` back to itself, or None."""
    stack = [(start, [start])]
    seen: set[str] = set()
    while stack:
        node, path = stack.pop()
        for nxt in GRAPH[node]:
            if nxt == start:
                return [*path, start]
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, [*path, nxt]))
    return None


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_imports_itself_back(module: str) -> None:
    assert _cycle_through(module) is None


# __main__ is an entry point, like the console script: it starts the command line.
CORE = sorted(name for name in MODULES if not name.startswith(("replykit.cli", "replykit.__main__")))


@pytest.mark.parametrize("module", CORE)
def test_the_core_imports_neither_typer_nor_rich_nor_the_cli(module: str) -> None:
    imported = _imports(MODULES[module])
    assert not {m for m in imported if m.split(".")[0] in ("typer", "click", "rich")}
    assert not {m for m in imported if m.startswith("replykit.cli")}


def test_the_layout_has_modules_to_find() -> None:
    assert {"replykit.pipeline", "replykit.cli.console", "replykit.output.eml", "replykit.packs.scenario"} <= set(
        MODULES
    )
