"""Textual bindings built from the keymap data in ``gok_tui.config.keymap``."""

from __future__ import annotations

from gok_tui.config.keymap import MUTATING_ACTIONS, keys_for
from textual.binding import Binding, BindingType


def bindings_for(scope: str) -> list[BindingType]:
    return [
        Binding(spec.key, spec.action, spec.description, show=spec.show, id=spec.id)
        for spec in keys_for(scope)
    ]


def key_state(action: str, readonly: bool) -> bool | None:
    """Textual's check_action answer, for the app and every screen: a key that changes
    something is shown disabled when read-only (pressed, GokApp.run_action says why, and the
    backend refuses such requests anyway)."""
    return None if readonly and action in MUTATING_ACTIONS else True
