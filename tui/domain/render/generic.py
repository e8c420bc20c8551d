"""Any other kind: NAME and AGE."""

from __future__ import annotations

from typing import Any

from gok_tui.domain.table import Row, name_cell, table_row
from gok_tui.domain.timefmt import age


def render_generic(obj: dict[str, Any], now: float, all_namespaces: bool = False) -> Row:
    return table_row(obj, (name_cell(obj), age(obj, now)), "ok", all_namespaces)
