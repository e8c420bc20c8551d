"""HorizontalPodAutoscalers, as ``kubectl get hpa`` shows them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gok_tui.domain.table import NONE, Column, Row, Tone, as_int, name_cell, table_row
from gok_tui.domain.text import clean
from gok_tui.domain.timefmt import UNKNOWN, age
from gok_tui.domain.workloads import find_condition

HPA_COLUMNS: tuple[Column, ...] = (
    Column("name", "NAME", 32),
    Column("reference", "REFERENCE", 32),
    Column("targets", "TARGETS", 24),
    Column("minpods", "MINPODS", 7),
    Column("maxpods", "MAXPODS", 7),
    Column("replicas", "REPLICAS", 8),
    Column("age", "AGE", 6),
)


def _hpa_targets(spec: Mapping[str, Any], status: Mapping[str, Any]) -> str:
    current_by_name: dict[str, Mapping[str, Any]] = {}
    for cm in status.get("currentMetrics") or ():
        if cm.get("type") == "Resource":
            res = cm.get("resource") or {}
            current_by_name[res.get("name") or ""] = res.get("current") or {}
    parts = []
    for metric in spec.get("metrics") or ():
        mtype = metric.get("type") or ""
        if mtype == "Resource":
            res = metric.get("resource") or {}
            name = res.get("name") or ""
            target = res.get("target") or {}
            current = current_by_name.get(name)
            if "averageUtilization" in target:
                cur = (
                    f"{current['averageUtilization']}%"
                    if current and "averageUtilization" in current
                    else UNKNOWN
                )
                parts.append(f"{name}: {cur}/{target['averageUtilization']}%")
            else:
                want = target.get("averageValue") or target.get("value") or "?"
                cur = (current or {}).get("averageValue") or UNKNOWN
                parts.append(f"{name}: {cur}/{want}")
        else:
            parts.append(f"{mtype or 'metric'}: ...")
    return ", ".join(parts) or NONE


def render_hpa(obj: dict[str, Any], now: float, all_namespaces: bool = False) -> Row:
    spec = obj.get("spec") or {}
    status = obj.get("status") or {}
    ref = spec.get("scaleTargetRef") or {}
    min_pods = spec.get("minReplicas")
    max_pods = as_int(spec.get("maxReplicas"))
    current = as_int(status.get("currentReplicas"))
    able = find_condition(status.get("conditions") or (), "ScalingActive")
    tone: Tone = "ok"
    inactive = able is not None and able.get("status") == "False"
    if inactive or (max_pods and current >= max_pods):
        tone = "warning"
    cells = (
        name_cell(obj),
        clean(f"{ref.get('kind', '')}/{ref.get('name', '')}"),
        clean(_hpa_targets(spec, status)),
        "1" if min_pods is None else str(as_int(min_pods, 1)),
        str(max_pods),
        str(current),
        age(obj, now),
    )
    return table_row(obj, cells, tone, all_namespaces)
