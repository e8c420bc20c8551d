"""The keymap's conflict check knows which bindings are live together: every screen's."""

from __future__ import annotations

import pytest
from gok_tui.config.keymap import DEFAULT_KEYS, SCOPES_LIVE_TOGETHER, validate_keymap
from gok_tui.screens.audit import AuditScreen
from gok_tui.screens.build import BuildScreen
from gok_tui.screens.deployments import DeploymentsScreen
from gok_tui.screens.detail import DetailScreen
from gok_tui.screens.generic import TableKindScreen
from gok_tui.screens.images import ImagesScreen
from gok_tui.screens.ingress import IngressScreen
from gok_tui.screens.logs import LogsScreen
from gok_tui.screens.messages import MessagesScreen
from gok_tui.screens.pods import PodsScreen
from gok_tui.screens.problems import ProblemsScreen
from gok_tui.screens.relations import RelationsScreen
from gok_tui.screens.revisions import RevisionScreen
from gok_tui.screens.rollout import RolloutScreen
from gok_tui.screens.traffic import TrafficScreen
from textual.binding import Binding
from textual.screen import Screen

SCOPE_OF = {spec.id: spec.scope for spec in DEFAULT_KEYS}


def live_scopes(screen: type[Screen[None]]) -> set[str]:
    scopes = {"app"}
    for cls in screen.__mro__:
        for binding in cls.__dict__.get("BINDINGS", []):
            if isinstance(binding, Binding) and binding.id in SCOPE_OF:
                scopes.add(SCOPE_OF[binding.id])
    return scopes


@pytest.mark.parametrize(
    "screen",
    [
        AuditScreen,
        BuildScreen,
        DeploymentsScreen,
        DetailScreen,
        ImagesScreen,
        IngressScreen,
        LogsScreen,
        MessagesScreen,
        PodsScreen,
        ProblemsScreen,
        RelationsScreen,
        RevisionScreen,
        RolloutScreen,
        TrafficScreen,
        TableKindScreen,
    ],
)
def test_every_screens_bindings_are_one_group_of_the_conflict_check(
    screen: type[Screen[None]],
) -> None:
    scopes = live_scopes(screen)
    assert len(scopes) > 1, "the screen binds no keymap keys"
    assert any(scopes <= group for group in SCOPES_LIVE_TOGETHER), scopes


def test_swapping_two_keys_is_no_conflict() -> None:
    assert validate_keymap({"table.down": "k", "table.up": "j"}, None) == {
        "table.down": "k",
        "table.up": "j",
    }
