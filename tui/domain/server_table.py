"""Server-side Tables (``as=Table;v=v1;g=meta.k8s.io``): the columns ``kubectl get`` shows for
any kind, CRDs included, turned into rows as kubectl prints them. Pure: stdlib only.

A Table answer is decoded into ``TableEntry`` dicts, one per object: the object as the server
sent it (``includeObject=Object``), its cells, and the columns they line up with. An entry
carries ``metadata`` (the object's), so the store keys it like any object.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from gok_tui.domain.table import NAMESPACE_COLUMN, Column, Row, name_cell, table_row
from gok_tui.domain.text import clean
from gok_tui.domain.timefmt import age

TABLE_ACCEPT = "application/json;as=Table;v=v1;g=meta.k8s.io, application/json"
NONE = "<none>"


@dataclass(frozen=True)
class ServerColumn:
    name: str  # "Ready", "Up-to-date", "Created At"
    type: str  # "string", "integer", "date", ...
    format: str  # "name" for the object's name column
    priority: int  # > 0: shown by ``kubectl get -o wide`` only

    @property
    def key(self) -> str:
        return self.name.lower()


Columns = tuple[ServerColumn, ...]

# What a view shows when the server gives no Table (a 406 from an old aggregated API, or a
# plain list): names and ages read from the objects.
FALLBACK_COLUMNS: Columns = (
    ServerColumn("Name", "string", "name", 0),
    ServerColumn("Age", "string", "", 0),
)


def parse_columns(definitions: Any) -> Columns:
    """The ``columnDefinitions`` of a Table (nameless or malformed ones skipped)."""
    columns: list[ServerColumn] = []
    for item in definitions if isinstance(definitions, list) else ():
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            continue
        priority = item.get("priority")
        columns.append(
            ServerColumn(
                item["name"],
                str(item.get("type") or "string"),
                str(item.get("format") or ""),
                priority if type(priority) is int else 0,
            )
        )
    return tuple(columns)


def is_table(body: Any) -> bool:
    return isinstance(body, dict) and body.get("kind") == "Table"


def entries(table: dict[str, Any], columns: Columns, kind_name: str = "") -> list[dict[str, Any]]:
    """One entry per row of a Table: ``{"metadata", "object", "cells", "columns"}``.

    ``columns`` are the ones the cells line up with (a watch event's Table has none of its
    own after the first). A row without its object (metadata only) keeps what it has."""
    result: list[dict[str, Any]] = []
    for row in table.get("rows") or ():
        if not isinstance(row, dict):
            continue
        obj = row.get("object")
        if not isinstance(obj, dict):
            obj = {}
        if kind_name:
            obj.setdefault("kind", kind_name)
        cells = row.get("cells")
        result.append(
            {
                "metadata": obj.get("metadata") or {},
                "object": obj,
                "cells": cells if isinstance(cells, list) else [],
                "columns": columns,
            }
        )
    return result


def plain_entry(obj: dict[str, Any]) -> dict[str, Any]:
    """An object of a plain (non-Table) answer: shown with the fallback columns."""
    return {"metadata": obj.get("metadata") or {}, "object": obj, "cells": None, "columns": None}


def format_cell(value: Any) -> str:
    """A cell as ``kubectl get`` prints it: text cut at its first line break (with "..."),
    numbers and booleans as Go prints them, nothing as ``<none>``; always terminal-safe."""
    if value is None:
        return NONE
    if type(value) is str:
        for index, char in enumerate(value):
            if char in "\r\n":
                return clean(value[:index] + "...")
        return value if len(value) <= 64 and value.isprintable() else clean(value)
    if value is True or value is False:
        return "true" if value else "false"
    if type(value) is float and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)):
        return str(value)
    return clean(json.dumps(value, separators=(",", ":"), sort_keys=True))


def visible_columns(columns: Columns, wide: bool) -> Columns:
    """Priority-0 columns, and the ``-o wide`` ones when ``wide``."""
    return tuple(c for c in columns if wide or c.priority == 0)


def view_columns(columns: Columns, wide: bool, all_namespaces: bool) -> tuple[Column, ...]:
    """The table's columns: NAMESPACE first across namespaces (as ``kubectl get -A``)."""
    shown = [Column(c.key, c.name.upper(), 40 if c.format == "name" else None) for c in columns]
    shown = [c for c in shown if c.key != NAMESPACE_COLUMN.key] if all_namespaces else shown
    chosen = visible_columns(columns, wide)
    keys = {c.key for c in chosen}
    result = tuple(c for c in shown if c.key in keys)
    return (NAMESPACE_COLUMN, *result) if all_namespaces else result


def entry_row(
    entry: dict[str, Any], shown: Sequence[ServerColumn], now: float, all_namespaces: bool
) -> Row:
    """An entry's row in ``shown`` columns, matched by name (an entry listed under other
    columns, before a CRD's printer columns changed, leaves the new ones empty). An Age
    column is counted again from the object's creationTimestamp, so ages move on."""
    obj = entry.get("object") or {}
    own: Columns | None = entry.get("columns")
    cells_in = entry.get("cells")
    if own is None or cells_in is None:  # a plain answer: names and ages from the object
        by_name = {"name": name_cell(obj), "age": age(obj, now)}
    else:
        by_name = {
            column.key: format_cell(cells_in[i]) if i < len(cells_in) else ""
            for i, column in enumerate(own)
        }
        if "age" in by_name and (obj.get("metadata") or {}).get("creationTimestamp"):
            by_name["age"] = age(obj, now)
    cells = tuple(by_name.get(column.key, "") for column in shown)
    return table_row(obj, cells, "ok", all_namespaces)
