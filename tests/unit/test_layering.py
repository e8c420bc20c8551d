"""The headless core never imports the UI, and heavy clients load only when first used."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import gok_tui

CORE_PACKAGES = ("backends", "store", "actions", "devloop", "domain")
ROOT = Path(gok_tui.__file__).parent


def core_modules() -> list[str]:
    names = ["gok_tui.config", "gok_tui.commands", "gok_tui.session", "gok_tui.cluster_health"]
    for package in CORE_PACKAGES:
        names.append(f"gok_tui.{package}")
        for info in pkgutil.iter_modules([str(ROOT / package)]):
            names.append(f"gok_tui.{package}.{info.name}")
    for info in pkgutil.iter_modules([str(Path(gok_tui.config.__file__).parent)]):
        names.append(f"gok_tui.config.{info.name}")
    return names


def imported_after(modules: list[str]) -> set[str]:
    code = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return set(json.loads(out.stdout))


import gok_tui.config  # noqa: E402


def test_core_never_imports_textual_screens_or_widgets() -> None:
    loaded = imported_after(core_modules())
    forbidden = {m for m in loaded if m == "textual" or m.startswith("textual.")}
    forbidden |= {m for m in loaded if m.startswith(("gok_tui.screens", "gok_tui.widgets"))}
    assert not forbidden, f"core imports UI modules: {sorted(forbidden)[:5]}"


def test_core_import_does_not_load_the_kubernetes_or_docker_clients() -> None:
    loaded = imported_after(core_modules())
    heavy = {m for m in loaded if m.split(".")[0] in ("kubernetes", "docker")}
    assert not heavy, f"heavy clients imported eagerly: {sorted(heavy)[:5]}"
