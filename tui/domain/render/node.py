"""Nodes, as ``kubectl get nodes -o wide`` shows them."""

from __future__ import annotations

from typing import Any

from gok_tui.domain.kinds import object_key
from gok_tui.domain.table import NONE, Column, Row, Tone, name_cell
from gok_tui.domain.text import clean
from gok_tui.domain.timefmt import age
from gok_tui.domain.workloads import find_condition

NODE_COLUMNS: tuple[Column, ...] = (
    Column("name", "NAME", 32),
    Column("status", "STATUS", 10),
    Column("roles", "ROLES", 14),
    Column("age", "AGE", 6),
    Column("version", "VERSION", 10),
)


def render_node(obj: dict[str, Any], now: float, all_namespaces: bool = False) -> Row:
    status = obj.get("status") or {}
    spec = obj.get("spec") or {}
    ready = find_condition(status.get("conditions") or (), "Ready")
    if ready is None:
        state = "Unknown"
    else:
        state = {"True": "Ready", "False": "NotReady"}.get(ready.get("status") or "", "Unknown")
    tone: Tone = "ok" if state == "Ready" else "error"
    if spec.get("unschedulable"):
        state += ",SchedulingDisabled"
        if tone == "ok":
            tone = "warning"
    labels = (obj.get("metadata") or {}).get("labels") or {}
    roles = set()
    for key, value in labels.items():
        if key.startswith("node-role.kubernetes.io/"):
            role = key[len("node-role.kubernetes.io/") :]
            if role:
                roles.add(role)
        elif key == "kubernetes.io/role" and value:
            roles.add(value)
    version = (status.get("nodeInfo") or {}).get("kubeletVersion") or ""
    cells = (
        name_cell(obj),
        state,
        clean(",".join(sorted(roles)) or NONE),
        age(obj, now),
        clean(version, 32),
    )
    return Row(object_key(obj), cells, tone)
