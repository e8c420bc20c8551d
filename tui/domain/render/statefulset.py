"""StatefulSets, as ``kubectl get statefulsets -o wide`` shows them."""

from __future__ import annotations

from typing import Any

from gok_tui.domain.table import Column, Row, Tone, as_int, name_cell, table_row
from gok_tui.domain.text import clean
from gok_tui.domain.timefmt import age
from gok_tui.domain.workloads import desired_replicas, format_images, template_containers

STATEFULSET_COLUMNS: tuple[Column, ...] = (
    Column("name", "NAME", 40),
    Column("ready", "READY", 7),
    Column("age", "AGE", 6),
    Column("containers", "CONTAINERS", 20),
    Column("images", "IMAGES", 40),
)


def container_names(containers: Any) -> str:
    return clean(",".join(str(c.get("name") or "") for c in containers), 80)


def statefulset_tone(obj: dict[str, Any]) -> Tone:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    desired = desired_replicas(spec)
    ready = as_int(status.get("readyReplicas"))
    if desired == 0 and as_int(status.get("replicas")) == 0:
        return "muted"
    generation = as_int((obj.get("metadata") or {}).get("generation"))
    behind = as_int(status.get("observedGeneration")) < generation
    updating = status.get("updateRevision") != status.get("currentRevision")
    if behind or updating or ready < desired or as_int(status.get("replicas")) != desired:
        return "progressing"
    return "ok"


def render_statefulset(obj: dict[str, Any], now: float, all_namespaces: bool = False) -> Row:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    containers = template_containers(obj)
    cells = (
        name_cell(obj),
        f"{as_int(status.get('readyReplicas'))}/{desired_replicas(spec)}",
        age(obj, now),
        container_names(containers),
        format_images(containers),
    )
    return table_row(obj, cells, statefulset_tone(obj), all_namespaces)
