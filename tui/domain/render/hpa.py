"""HorizontalPodAutoscalers: what they scale, between which bounds, how many replicas they see
and want, and each metric current against target (``domain.autoscaling`` reads them)."""

from __future__ import annotations

from typing import Any

from gok_tui.domain.autoscaling import autoscaler
from gok_tui.domain.table import NONE, Column, Row, Tone, table_row
from gok_tui.domain.text import clean
from gok_tui.domain.timefmt import UNKNOWN, age

HPA_COLUMNS: tuple[Column, ...] = (
    Column("name", "NAME", 24),
    Column("reference", "REFERENCE", 28),
    Column("minmax", "MIN/MAX", 7),
    Column("replicas", "REPLICAS", 8),  # current/desired
    Column("targets", "TARGETS", 32),
    Column("age", "AGE", 6),
)


def _number(value: int | None) -> str:
    return UNKNOWN if value is None else str(value)


def render_hpa(obj: dict[str, Any], now: float, all_namespaces: bool = False) -> Row:
    hpa = autoscaler(obj)
    tone: Tone = "ok"
    if hpa.trouble is not None:
        tone = "warning"
    elif hpa.desired is not None and hpa.current is not None and hpa.desired != hpa.current:
        tone = "progressing"
    cells = (
        hpa.name,
        hpa.reference,
        f"{hpa.min_replicas}/{_number(hpa.max_replicas)}",
        f"{_number(hpa.current)}/{_number(hpa.desired)}",
        clean(", ".join(str(metric) for metric in hpa.metrics)) or NONE,
        age(obj, now),
    )
    return table_row(obj, cells, tone, all_namespaces)
