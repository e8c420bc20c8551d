"""DaemonSets, as ``kubectl get daemonsets -o wide`` shows them."""

from __future__ import annotations

from typing import Any

from gok_tui.domain.render.statefulset import container_names
from gok_tui.domain.table import Column, Row, Tone, as_int, format_labels, name_cell, table_row
from gok_tui.domain.text import clean
from gok_tui.domain.timefmt import age
from gok_tui.domain.workloads import format_images, template_containers

DAEMONSET_COLUMNS: tuple[Column, ...] = (
    Column("name", "NAME", 32),
    Column("desired", "DESIRED", 7),
    Column("current", "CURRENT", 7),
    Column("ready", "READY", 5),
    Column("up_to_date", "UP-TO-DATE", 10),
    Column("available", "AVAILABLE", 9),
    Column("node_selector", "NODE SELECTOR", 20),
    Column("age", "AGE", 6),
    Column("containers", "CONTAINERS", 20),
    Column("images", "IMAGES", 40),
)


def daemonset_tone(status: dict[str, Any]) -> Tone:
    desired = as_int(status.get("desiredNumberScheduled"))
    if desired == 0:
        return "muted"
    counts = (
        as_int(status.get("numberReady")),
        as_int(status.get("updatedNumberScheduled")),
        as_int(status.get("numberAvailable")),
    )
    return "ok" if all(count >= desired for count in counts) else "progressing"


def render_daemonset(obj: dict[str, Any], now: float, all_namespaces: bool = False) -> Row:
    status = obj.get("status") or {}
    template_spec = (((obj.get("spec") or {}).get("template") or {}).get("spec")) or {}
    containers = template_containers(obj)
    cells = (
        name_cell(obj),
        str(as_int(status.get("desiredNumberScheduled"))),
        str(as_int(status.get("currentNumberScheduled"))),
        str(as_int(status.get("numberReady"))),
        str(as_int(status.get("updatedNumberScheduled"))),
        str(as_int(status.get("numberAvailable"))),
        clean(format_labels(template_spec.get("nodeSelector"))),
        age(obj, now),
        container_names(containers),
        format_images(containers),
    )
    return table_row(obj, cells, daemonset_tone(status), all_namespaces)
