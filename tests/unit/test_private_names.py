"""No module of the package uses another module's private names: what a module keeps behind a
leading underscore can change without a look at its callers. A name another module needs gets a
public name (import-linter checks imports between modules, not the names imported)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE_DIRS = ("tui", "screens", "widgets", "config")  # gok_tui and its mapped subpackages


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _first_party(module: str | None, level: int) -> bool:
    return level > 0 or (module or "").split(".")[0] == "gok_tui"


def violations(source: str, name: str) -> list[str]:
    """``from gok_tui.x import _y``, a ``_private`` module of ours, ``x._y`` on a module of ours."""
    tree = ast.parse(source)
    found = []
    modules: set[str] = set()  # names bound to modules (or names) imported from the package
    reached: list[ast.Attribute] = []  # x._y anywhere, kept when x turns out to be ours
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            if _private(node.attr) and isinstance(node.value, ast.Name):
                reached.append(node)
        elif isinstance(node, ast.ImportFrom) and _first_party(node.module, node.level):
            if any(_private(part) for part in (node.module or "").split(".")):
                found.append(f"{name}:{node.lineno} from {node.module} (a private module)")
            for alias in node.names:
                if _private(alias.name):
                    found.append(f"{name}:{node.lineno} imports {alias.name} from {node.module}")
                modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if _first_party(alias.name, 0):
                    if any(_private(part) for part in alias.name.split(".")):
                        found.append(f"{name}:{node.lineno} import {alias.name} (a private module)")
                    modules.add(alias.asname or alias.name.split(".")[0])
    for attribute in reached:
        owner = attribute.value
        if isinstance(owner, ast.Name) and owner.id in modules:
            found.append(f"{name}:{attribute.lineno} uses {owner.id}.{attribute.attr}")
    return found


def test_no_module_of_the_package_uses_another_modules_private_names() -> None:
    sources = sorted(path for folder in PACKAGE_DIRS for path in (ROOT / folder).rglob("*.py"))
    assert len(sources) > 50
    found = [
        v for path in sources for v in violations(path.read_text(), str(path.relative_to(ROOT)))
    ]
    assert found == []


@pytest.mark.parametrize(
    "source",
    [
        "from gok_tui.domain.timefmt import _parse",
        "from .timefmt import _parse",
        "from gok_tui.domain import timefmt\ntimefmt._parse('x')",
        "import gok_tui.domain.timefmt\ngok_tui._x",
        "from gok_tui.domain._hidden import parse",
    ],
)
def test_the_check_finds_each_way_of_reaching_a_private_name(source: str) -> None:
    assert violations(source, "m.py") != []


@pytest.mark.parametrize(
    "source",
    [
        "from gok_tui import __version__",
        "from gok_tui.domain.timefmt import parse_timestamp",
        "def f(self):\n    self._cache = 1",
        "from textual.app import App\nApp._x",  # another package's business
    ],
)
def test_the_check_leaves_public_names_and_own_attributes_alone(source: str) -> None:
    assert violations(source, "m.py") == []
