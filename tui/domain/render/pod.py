"""Pods, as ``kubectl get pods`` (wide) shows them."""

from __future__ import annotations

from typing import Any

from gok_tui.domain.pods import EMPTY, pod_facts, pod_tone
from gok_tui.domain.table import NONE, Column, Row, short
from gok_tui.domain.text import MAX_CELL
from gok_tui.domain.timefmt import UNKNOWN, human_duration, parse_timestamp

POD_COLUMNS: tuple[Column, ...] = (
    Column("name", "NAME", 48),
    Column("ready", "READY", 7),
    Column("status", "STATUS", 20),
    Column("restarts", "RESTARTS", 12),
    Column("age", "AGE", 6),
    Column("node", "NODE", 24),
    Column("ip", "IP", 15),
)


def render_pod(obj: dict[str, Any], now: float, all_namespaces: bool = False) -> Row:
    meta = obj.get("metadata") or EMPTY
    spec = obj.get("spec") or EMPTY
    status = obj.get("status") or EMPTY
    reason, ready, total, restarts, last_restart = pod_facts(obj)
    if restarts and last_restart is not None:
        restarts_cell = f"{restarts} ({human_duration(now - last_restart)} ago)"
    else:
        restarts_cell = str(restarts)
    pod_ips = status.get("podIPs")
    ip = (pod_ips[0].get("ip") if pod_ips else None) or status.get("podIP") or NONE
    created = meta.get("creationTimestamp")
    ts = parse_timestamp(created) if created and type(created) is str else None
    cells = (
        short(meta.get("name") or "", MAX_CELL),
        f"{ready}/{total}",
        short(reason),
        restarts_cell,
        UNKNOWN if ts is None else human_duration(now - ts),
        short(spec.get("nodeName") or NONE, MAX_CELL),
        short(ip),
    )
    tone = pod_tone(reason, ready, total)
    name = meta.get("name") or ""
    namespace = meta.get("namespace")
    key = f"{namespace}/{name}" if namespace else name
    if all_namespaces:
        return Row(key, (short(namespace or "", MAX_CELL), *cells), tone)
    return Row(key, cells, tone)
