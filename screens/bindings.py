"""Textual bindings built from the keymap data in ``gok_tui.config.keymap``."""

from __future__ import annotations

from gok_tui.config.keymap import keys_for
from textual.binding import Binding, BindingType


def bindings_for(scope: str) -> list[BindingType]:
    return [
        Binding(spec.key, spec.action, spec.description, show=spec.show, id=spec.id)
        for spec in keys_for(scope)
    ]
