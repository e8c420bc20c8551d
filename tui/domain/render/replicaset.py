"""ReplicaSets, as ``kubectl get replicasets -o wide`` shows them, plus the revision."""

from __future__ import annotations

from typing import Any

from gok_tui.domain.table import Column, Row, Tone, as_int, name_cell, table_row
from gok_tui.domain.timefmt import age
from gok_tui.domain.workloads import (
    desired_replicas,
    find_condition,
    format_images,
    revision_annotation,
    template_containers,
)

REPLICASET_COLUMNS: tuple[Column, ...] = (
    Column("name", "NAME", 48),
    Column("desired", "DESIRED", 7),
    Column("current", "CURRENT", 7),
    Column("ready", "READY", 5),
    Column("age", "AGE", 6),
    Column("revision", "REVISION", 8),
    Column("images", "IMAGES", 40),
)


def render_replicaset(obj: dict[str, Any], now: float, all_namespaces: bool = False) -> Row:
    spec = obj.get("spec") or {}
    status = obj.get("status") or {}
    desired = desired_replicas(spec)
    current = as_int(status.get("replicas"))
    ready = as_int(status.get("readyReplicas"))
    failure = find_condition(status.get("conditions") or (), "ReplicaFailure")
    tone: Tone
    if failure is not None and failure.get("status") == "True":
        tone = "error"
    elif desired == 0 and current == 0:
        tone = "muted"
    elif ready < desired or current != desired:
        tone = "progressing"
    else:
        tone = "ok"
    cells = (
        name_cell(obj),
        str(desired),
        str(current),
        str(ready),
        age(obj, now),
        revision_annotation(obj),
        format_images(template_containers(obj)),
    )
    return table_row(obj, cells, tone, all_namespaces)
