"""What a screen declares it can do is what it does: a view with its own watches shows their
state, a view whose rows have logs answers `l`."""

from __future__ import annotations

import importlib

from gok_tui.config.views import VIEW_SPECS
from gok_tui.screens.base import BaseScreen
from gok_tui.screens.resource import ResourceScreen
from gok_tui.screens.revisions import RevisionScreen
from gok_tui.screens.rollout import RolloutScreen


def screens() -> list[type[BaseScreen]]:
    found: list[type[BaseScreen]] = [RolloutScreen, RevisionScreen]
    for spec in VIEW_SPECS:
        module, _, name = spec.screen.partition(":")
        found.append(getattr(importlib.import_module(f"gok_tui.screens.{module}"), name))
    return found


def test_declared_capabilities_match_the_code() -> None:
    for screen in screens():
        watches = screen.connection_state is not BaseScreen.connection_state
        assert watches == screen.HAS_OWN_WATCHES, screen.__name__
        if issubclass(screen, ResourceScreen):
            logs = screen.log_request is not ResourceScreen.log_request
            assert logs == screen.HAS_LOGS, screen.__name__
