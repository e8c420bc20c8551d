"""Namespaces, as ``kubectl get namespaces`` shows them."""

from __future__ import annotations

from typing import Any

from gok_tui.domain.kinds import object_key
from gok_tui.domain.table import Column, Row, Tone, name_cell
from gok_tui.domain.text import clean
from gok_tui.domain.timefmt import age

NAMESPACE_COLUMNS: tuple[Column, ...] = (
    Column("name", "NAME", 32),
    Column("status", "STATUS", 11),
    Column("age", "AGE", 6),
)


def render_namespace(obj: dict[str, Any], now: float, all_namespaces: bool = False) -> Row:
    phase = (obj.get("status") or {}).get("phase") or "Active"
    tone: Tone = "ok" if phase == "Active" else "muted"
    return Row(object_key(obj), (name_cell(obj), clean(phase, 16), age(obj, now)), tone)
