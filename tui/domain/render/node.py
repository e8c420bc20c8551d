"""Nodes: kubectl's columns (STATUS, ROLES, VERSION, AGE) and what an incident asks first:
pressure, taints, and how full each node is (pods, CPU and memory requested of what it
offers). The columns come in the order they matter: at 80 columns the tail is off-screen."""

from __future__ import annotations

from typing import Any

from gok_tui.domain.kinds import object_key
from gok_tui.domain.nodes import (
    Usage,
    allocatable,
    node_pressures,
    node_roles,
    node_state,
    node_taints,
)
from gok_tui.domain.quantity import format_cpu, format_memory, percent
from gok_tui.domain.table import NONE, Column, Row, Tone, name_cell
from gok_tui.domain.text import clean
from gok_tui.domain.timefmt import age

NODE_COLUMNS: tuple[Column, ...] = (
    Column("name", "NAME", 32),
    Column("status", "STATUS", 10),
    Column("pods", "PODS", 7),
    Column("cpu", "CPU", 12),
    Column("memory", "MEMORY", 16),
    Column("pressure", "PRESSURE", 10),
    Column("taints", "TAINTS", 6),
    Column("roles", "ROLES", 14),
    Column("version", "VERSION", 10),
    Column("age", "AGE", 6),
)
UNKNOWN_USAGE = "-"  # the pods on the node are not known (yet)
_SHORT_PRESSURE = {
    "MemoryPressure": "Memory",
    "DiskPressure": "Disk",
    "PIDPressure": "PID",
    "NetworkUnavailable": "Network",
}


def _share(used: str, offered: str, share: int | None) -> str:
    return f"{used}/{offered}" + (f" ({share}%)" if share is not None else "")


def usage_cells(usage: Usage | None, offered: Usage) -> tuple[str, str, str]:
    """PODS, CPU and MEMORY: "12/110", "1.2/4 (30%)", "1.5Gi/8Gi (18%)"."""
    if usage is None:
        return UNKNOWN_USAGE, UNKNOWN_USAGE, UNKNOWN_USAGE
    return (
        f"{usage.pods}/{offered.pods}",
        _share(format_cpu(usage.cpu), format_cpu(offered.cpu), percent(usage.cpu, offered.cpu)),
        _share(
            format_memory(usage.memory),
            format_memory(offered.memory),
            percent(usage.memory, offered.memory),
        ),
    )


def render_node(
    obj: dict[str, Any], now: float, all_namespaces: bool = False, usage: Usage | None = None
) -> Row:
    """One node; ``usage`` is what the pods on it request (None: not known)."""
    state = node_state(obj)
    pressures = node_pressures(obj)
    tone: Tone = "ok"
    if not state.startswith("Ready"):
        tone = "error"
    elif pressures or "SchedulingDisabled" in state:
        tone = "warning"
    taints = node_taints(obj)
    version = ((obj.get("status") or {}).get("nodeInfo") or {}).get("kubeletVersion") or ""
    cells = (
        name_cell(obj),
        state,
        *usage_cells(usage, allocatable(obj)),
        ",".join(_SHORT_PRESSURE[p] for p in pressures) or NONE,
        str(len(taints)) if taints else NONE,
        clean(",".join(node_roles(obj)) or NONE),
        clean(version, 32),
        age(obj, now),
    )
    return Row(object_key(obj), cells, tone)
