"""CronJobs, as ``kubectl get cronjobs -o wide`` shows them."""

from __future__ import annotations

from typing import Any

from gok_tui.domain.render.statefulset import container_names
from gok_tui.domain.table import NONE, Column, Row, Tone, name_cell, table_row
from gok_tui.domain.text import clean
from gok_tui.domain.timefmt import age, since
from gok_tui.domain.workloads import format_images

CRONJOB_COLUMNS: tuple[Column, ...] = (
    Column("name", "NAME", 32),
    Column("schedule", "SCHEDULE", 16),
    Column("suspend", "SUSPEND", 7),
    Column("active", "ACTIVE", 6),
    Column("last_schedule", "LAST SCHEDULE", 13),
    Column("age", "AGE", 6),
    Column("containers", "CONTAINERS", 20),
    Column("images", "IMAGES", 40),
)


def jobtemplate_containers(obj: dict[str, Any]) -> Any:
    job_spec = (((obj.get("spec") or {}).get("jobTemplate") or {}).get("spec")) or {}
    return ((job_spec.get("template") or {}).get("spec") or {}).get("containers") or ()


def render_cronjob(obj: dict[str, Any], now: float, all_namespaces: bool = False) -> Row:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    suspended = bool(spec.get("suspend"))
    active = len(status.get("active") or ())
    last = status.get("lastScheduleTime")
    containers = jobtemplate_containers(obj)
    cells = (
        name_cell(obj),
        clean(spec.get("schedule") or "", 32),
        "True" if suspended else "False",
        str(active),
        since(last, now) if last else NONE,
        age(obj, now),
        container_names(containers),
        format_images(containers),
    )
    tone: Tone = "muted" if suspended else ("progressing" if active else "ok")
    return table_row(obj, cells, tone, all_namespaces)
