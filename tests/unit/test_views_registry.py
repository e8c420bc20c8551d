"""One registry of views: `:`, the digits, the palette, the help and `--view` all come from it,
and start imports the start view's screen only."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from gok_tui.cli import build_parser
from gok_tui.commands import Command, parse_command
from gok_tui.config.keymap import DEFAULT_KEYS
from gok_tui.config.views import VIEW_SPECS
from gok_tui.domain.kinds import KINDS
from gok_tui.screens.help import COMMANDS_HELP


@pytest.mark.parametrize("spec", VIEW_SPECS, ids=lambda spec: spec.name)
def test_every_way_to_a_view_reaches_it(spec) -> None:  # type: ignore[no-untyped-def]
    for name in (spec.name, *spec.aliases):
        assert parse_command(f":{name}") == Command("view", spec.name)
    (binding,) = [key for key in DEFAULT_KEYS if key.id == f"app.{spec.name}"]
    assert (binding.key, binding.action) == (spec.key, f"goto('{spec.name}')")
    assert build_parser().parse_args(["--view", spec.name]).view == spec.name
    assert any(meaning == spec.help for _, meaning in COMMANDS_HELP)


def test_view_names_aliases_and_keys_are_unique() -> None:
    names = [name for spec in VIEW_SPECS for name in (spec.name, *spec.aliases)]
    assert len(names) == len(set(names))
    keys = [spec.key for spec in VIEW_SPECS]
    assert len(keys) == len(set(keys))


def test_starting_in_one_view_imports_no_other_views_screen() -> None:
    code = (
        "import asyncio, json, sys\n"
        "from gok_tui.app import GokApp\n"
        "from gok_tui.config.settings import Settings\n"
        "from gok_tui.session import Session\n"
        "async def main():\n"
        "    app = GokApp(Session(settings=Settings(), target=None), start_view='pods')\n"
        "    async with app.run_test() as pilot:\n"
        "        await pilot.pause()\n"
        "asyncio.run(main())\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('gok_tui.screens'))))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(json.loads(done.stdout.strip().splitlines()[-1]))
    others = {f"gok_tui.screens.{spec.screen.partition(':')[0]}" for spec in VIEW_SPECS}
    others.discard("gok_tui.screens.pods")  # the pods screen's own module
    assert loaded & others == set()
    assert "gok_tui.screens.pods" in loaded
    assert "gok_tui.screens.views" not in loaded  # the old home of three views


@pytest.mark.parametrize("spec", VIEW_SPECS, ids=lambda spec: spec.name)
def test_the_list_asked_for_at_start_is_the_one_the_view_shows(spec) -> None:  # type: ignore[no-untyped-def]
    import importlib

    from gok_tui.screens.resource import ResourceScreen

    module, _, name = spec.screen.partition(":")
    screen = getattr(importlib.import_module(f"gok_tui.screens.{module}"), name)
    lists_a_kind = issubclass(screen, ResourceScreen) and screen.PRIMARY in KINDS
    assert spec.first_list == (screen.PRIMARY if lists_a_kind else None)
