"""Services, as ``kubectl get services -o wide`` shows them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from gok_tui.domain.table import (
    NONE,
    Column,
    Row,
    Tone,
    as_int,
    format_labels,
    name_cell,
    table_row,
)
from gok_tui.domain.text import clean
from gok_tui.domain.timefmt import age

SERVICE_COLUMNS: tuple[Column, ...] = (
    Column("name", "NAME", 32),
    Column("type", "TYPE", 12),
    Column("cluster_ip", "CLUSTER-IP", 15),
    Column("ports", "PORTS", 20),
    Column("selector", "SELECTOR", 30),
    Column("age", "AGE", 6),
)


def _service_ports(ports: Iterable[Mapping[str, Any]]) -> str:
    pieces = []
    for p in ports:
        proto = p.get("protocol") or "TCP"
        node_port = as_int(p.get("nodePort"))
        if node_port > 0:
            pieces.append(f"{p.get('port')}:{node_port}/{proto}")
        else:
            pieces.append(f"{p.get('port')}/{proto}")
    return ",".join(pieces) or NONE


def render_service(obj: dict[str, Any], now: float, all_namespaces: bool = False) -> Row:
    spec = obj.get("spec") or {}
    stype = spec.get("type") or "ClusterIP"
    cluster_ips = spec.get("clusterIPs")
    cluster_ip = (cluster_ips[0] if cluster_ips else None) or spec.get("clusterIP") or NONE
    tone: Tone = "ok"
    if stype == "LoadBalancer":
        lb = ((obj.get("status") or {}).get("loadBalancer") or {}).get("ingress")
        if not lb:
            tone = "progressing"
    cells = (
        name_cell(obj),
        clean(stype, 16),
        clean(cluster_ip, 48),
        clean(_service_ports(spec.get("ports") or ())),
        clean(format_labels(spec.get("selector"))),
        age(obj, now),
    )
    return table_row(obj, cells, tone, all_namespaces)
