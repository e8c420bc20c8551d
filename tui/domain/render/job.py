"""Jobs, as ``kubectl get jobs -o wide`` (v1.28) shows them, plus what state each is in."""

from __future__ import annotations

from typing import Any

from gok_tui.domain.render.statefulset import container_names
from gok_tui.domain.table import Column, Row, Tone, as_int, name_cell, table_row
from gok_tui.domain.timefmt import age, human_duration, parse_timestamp
from gok_tui.domain.workloads import find_condition, format_images, template_containers

JOB_COLUMNS: tuple[Column, ...] = (
    Column("name", "NAME", 40),
    Column("status", "STATUS", 9),
    Column("completions", "COMPLETIONS", 11),
    Column("duration", "DURATION", 8),
    Column("age", "AGE", 6),
    Column("containers", "CONTAINERS", 20),
    Column("images", "IMAGES", 40),
)


def job_state(obj: dict[str, Any]) -> str:
    """Complete, Failed, Suspended or Running (kubectl 1.30's STATUS words)."""
    status = obj.get("status") or {}
    conditions = status.get("conditions") or ()
    for kind, word in (("Complete", "Complete"), ("Failed", "Failed"), ("Suspended", "Suspended")):
        condition = find_condition(conditions, kind)
        if condition is not None and condition.get("status") == "True":
            return word
    return "Running"


_TONES: dict[str, Tone] = {
    "Complete": "ok",
    "Failed": "error",
    "Suspended": "muted",
    "Running": "progressing",
}


def completions_text(spec: dict[str, Any], status: dict[str, Any]) -> str:
    succeeded = as_int(status.get("succeeded"))
    completions = spec.get("completions")
    if completions is not None:
        return f"{succeeded}/{as_int(completions)}"
    # a work queue: kubectl shows "N/1 of P" for parallelism P
    parallelism = as_int(spec.get("parallelism"), 1)
    return f"{succeeded}/1 of {parallelism}" if parallelism > 1 else f"{succeeded}/1"


def duration_text(status: dict[str, Any], now: float) -> str:
    start = parse_timestamp(status.get("startTime"))
    if start is None:
        return ""
    end = parse_timestamp(status.get("completionTime"))
    return human_duration((end if end is not None else now) - start)


def render_job(obj: dict[str, Any], now: float, all_namespaces: bool = False) -> Row:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    state = job_state(obj)
    containers = template_containers(obj)
    cells = (
        name_cell(obj),
        state,
        completions_text(spec, status),
        duration_text(status, now),
        age(obj, now),
        container_names(containers),
        format_images(containers),
    )
    return table_row(obj, cells, _TONES[state], all_namespaces)
