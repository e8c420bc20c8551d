"""Table primitives: a Row (key, cells, tone), a Column, and the helpers renderers share to
make one safe, bounded cell."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from gok_tui.domain.kinds import object_key
from gok_tui.domain.text import clean

Tone = Literal["ok", "progressing", "warning", "error", "muted"]


NONE = "<none>"


@dataclass(frozen=True, slots=True)
class Row:
    key: str  # object_key(obj), or "ns/ingress#host#path" for ingress routes
    cells: tuple[str, ...]
    tone: Tone


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    width_hint: int | None = None


NAMESPACE_COLUMN = Column("namespace", "NAMESPACE", 16)


GENERIC_COLUMNS: tuple[Column, ...] = (Column("name", "NAME", 40), Column("age", "AGE", 6))


def table_row(
    obj: dict[str, Any], cells: Sequence[str], tone: Tone, all_namespaces: bool, key: str = ""
) -> Row:
    if all_namespaces:
        ns = (obj.get("metadata") or {}).get("namespace") or ""
        return Row(key or object_key(obj), (clean(ns), *cells), tone)
    return Row(key or object_key(obj), tuple(cells), tone)


def name_cell(obj: dict[str, Any]) -> str:
    return clean((obj.get("metadata") or {}).get("name") or "")


def as_int(value: object, default: int = 0) -> int:
    if type(value) is int:
        return value
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return default


def short(value: object, limit: int = 64) -> str:
    # the common case (a short printable string) without a call to clean()
    if type(value) is str and len(value) <= limit and value.isprintable():
        return value
    return clean(value, limit)


def format_labels(labels: Mapping[str, Any] | None) -> str:
    """``k=v,k2=v2`` sorted by key, or ``<none>`` (kubectl's labels.FormatLabels)."""
    if not labels:
        return NONE
    return ",".join(f"{k}={labels[k]}" for k in sorted(labels))
