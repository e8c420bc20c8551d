"""Deployments, as ``kubectl get deployments -o wide`` shows them, plus strategy and revision."""

from __future__ import annotations

from typing import Any

from gok_tui.domain.table import Column, Row, as_int, name_cell, table_row
from gok_tui.domain.timefmt import age
from gok_tui.domain.workloads import (
    deployment_tone,
    desired_replicas,
    format_images,
    revision_annotation,
    strategy_text,
    template_containers,
)

DEPLOYMENT_COLUMNS: tuple[Column, ...] = (
    Column("name", "NAME", 40),
    Column("ready", "READY", 7),
    Column("up_to_date", "UP-TO-DATE", 10),
    Column("available", "AVAILABLE", 9),
    Column("age", "AGE", 6),
    Column("images", "IMAGES", 40),
    Column("strategy", "STRATEGY", 22),
    Column("revision", "REVISION", 8),
)


def render_deployment(obj: dict[str, Any], now: float, all_namespaces: bool = False) -> Row:
    spec = obj.get("spec") or {}
    status = obj.get("status") or {}
    cells = (
        name_cell(obj),
        f"{as_int(status.get('readyReplicas'))}/{desired_replicas(spec)}",
        str(as_int(status.get("updatedReplicas"))),
        str(as_int(status.get("availableReplicas"))),
        age(obj, now),
        format_images(template_containers(obj)),
        strategy_text(spec),
        revision_annotation(obj),
    )
    return table_row(obj, cells, deployment_tone(obj), all_namespaces)
