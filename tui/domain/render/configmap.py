"""ConfigMaps, as ``kubectl get configmaps`` shows them."""

from __future__ import annotations

from typing import Any

from gok_tui.domain.table import Column, Row, name_cell, table_row
from gok_tui.domain.timefmt import age

CONFIGMAP_COLUMNS: tuple[Column, ...] = (
    Column("name", "NAME", 40),
    Column("data", "DATA", 4),
    Column("age", "AGE", 6),
)


def render_configmap(obj: dict[str, Any], now: float, all_namespaces: bool = False) -> Row:
    count = len(obj.get("data") or {}) + len(obj.get("binaryData") or {})
    return table_row(obj, (name_cell(obj), str(count), age(obj, now)), "ok", all_namespaces)
