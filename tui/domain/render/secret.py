"""Secrets, as ``kubectl get secrets`` shows them (the keys are counted, values never read)."""

from __future__ import annotations

from typing import Any

from gok_tui.domain.table import Column, Row, name_cell, table_row
from gok_tui.domain.text import clean
from gok_tui.domain.timefmt import age

SECRET_COLUMNS: tuple[Column, ...] = (
    Column("name", "NAME", 40),
    Column("type", "TYPE", 36),
    Column("data", "DATA", 4),
    Column("age", "AGE", 6),
)


def render_secret(obj: dict[str, Any], now: float, all_namespaces: bool = False) -> Row:
    """NAME, TYPE, DATA (key count), AGE: never any value."""
    count = len(obj.get("data") or {})
    cells = (name_cell(obj), clean(obj.get("type") or "Opaque", 48), str(count), age(obj, now))
    return table_row(obj, cells, "ok", all_namespaces)
