"""Workload facts shared by Deployments, ReplicaSets and the rollout panel: images, strategy,
revision, desired replicas, conditions, and the tone of a Deployment row."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from gok_tui.domain.table import NONE, Tone, as_int
from gok_tui.domain.text import clean

MAX_IMAGES = 80  # image lists are cut here


_LIBRARY = "docker.io/library/"


def format_images(containers: Iterable[Mapping[str, Any]], limit: int = MAX_IMAGES) -> str:
    """Comma-joined images without the "docker.io/library/" prefix, cut at ``limit``."""
    images = []
    for c in containers:
        image = c.get("image") or ""
        if image.startswith(_LIBRARY):
            image = image[len(_LIBRARY) :]
        images.append(image)
    return clean(",".join(images), limit) if images else NONE


def template_containers(obj: Mapping[str, Any]) -> Sequence[Mapping[str, Any]]:
    template = (obj.get("spec") or {}).get("template") or {}
    return (template.get("spec") or {}).get("containers") or ()


def _intstr(value: object, default: str) -> str:
    if value is None or value == "":
        return default
    return str(value)


def strategy_text(spec: Mapping[str, Any]) -> str:
    strategy = spec.get("strategy") or {}
    stype = strategy.get("type") or "RollingUpdate"
    if stype != "RollingUpdate":
        return clean(stype, 32)
    ru = strategy.get("rollingUpdate") or {}
    surge = _intstr(ru.get("maxSurge"), "25%")
    unavailable = _intstr(ru.get("maxUnavailable"), "25%")
    return clean(f"RollingUpdate {surge}/{unavailable}", 40)


def revision_annotation(obj: Mapping[str, Any]) -> str:
    annotations = (obj.get("metadata") or {}).get("annotations") or {}
    rev = annotations.get("deployment.kubernetes.io/revision")
    return clean(rev, 16) if rev else NONE


def find_condition(conditions: Iterable[Mapping[str, Any]], ctype: str) -> Mapping[str, Any] | None:
    for cond in conditions:
        if cond.get("type") == ctype:
            return cond
    return None


def desired_replicas(spec: Mapping[str, Any]) -> int:
    # spec.replicas is defaulted to 1 by the API server
    replicas = spec.get("replicas")
    return 1 if replicas is None else as_int(replicas, 1)


def deployment_tone(obj: dict[str, Any]) -> Tone:
    """error: rollout failed; muted: scaled to zero; progressing: rollout under way; else ok."""
    spec = obj.get("spec") or {}
    status = obj.get("status") or {}
    conditions = status.get("conditions") or ()
    progressing = find_condition(conditions, "Progressing")
    if progressing is not None and progressing.get("reason") == "ProgressDeadlineExceeded":
        return "error"
    failure = find_condition(conditions, "ReplicaFailure")
    if failure is not None and failure.get("status") == "True":
        return "error"
    desired = desired_replicas(spec)
    current = as_int(status.get("replicas"))
    if desired == 0:
        return "muted" if current == 0 else "progressing"
    generation = as_int((obj.get("metadata") or {}).get("generation"))
    observed = as_int(status.get("observedGeneration"))
    updated = as_int(status.get("updatedReplicas"))
    available = as_int(status.get("availableReplicas"))
    if observed < generation or updated < desired or available < desired or current > updated:
        return "progressing"
    return "ok"
