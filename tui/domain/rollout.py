"""Where a Deployment's rollout stands, as ``kubectl rollout status`` judges it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from gok_tui.domain.revisions import REVISION_ANNOTATION

RolloutPhase = Literal["waiting", "progressing", "complete", "failed"]


@dataclass(frozen=True)
class ReplicaSetCount:
    name: str
    revision: str
    replicas: int
    ready: int
    images: tuple[str, ...]


@dataclass(frozen=True)
class RolloutState:
    phase: RolloutPhase
    message: str
    desired: int
    updated: int
    ready: int
    available: int
    new: ReplicaSetCount | None = None
    old: tuple[ReplicaSetCount, ...] = ()

    @property
    def finished(self) -> bool:
        return self.phase in ("complete", "failed")


def _int(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def _count(rs: Mapping[str, Any]) -> ReplicaSetCount:
    meta = rs.get("metadata") or {}
    containers = ((rs.get("spec") or {}).get("template") or {}).get("spec", {}).get(
        "containers"
    ) or []
    return ReplicaSetCount(
        name=str(meta.get("name", "")),
        revision=str((meta.get("annotations") or {}).get(REVISION_ANNOTATION, "")),
        replicas=_int((rs.get("status") or {}).get("replicas")),
        ready=_int((rs.get("status") or {}).get("readyReplicas")),
        images=tuple(str(c.get("image", "")) for c in containers),
    )


def rollout_state(
    deployment: Mapping[str, Any], replicasets: Sequence[Mapping[str, Any]] = ()
) -> RolloutState:
    meta, spec, status = (
        deployment.get("metadata") or {},
        deployment.get("spec") or {},
        deployment.get("status") or {},
    )
    desired = _int(spec.get("replicas", 1) if spec.get("replicas") is not None else 1)
    updated = _int(status.get("updatedReplicas"))
    ready = _int(status.get("readyReplicas"))
    available = _int(status.get("availableReplicas"))
    total = _int(status.get("replicas"))
    revision = str((meta.get("annotations") or {}).get(REVISION_ANNOTATION, ""))
    uid = meta.get("uid")
    owned = [
        rs
        for rs in replicasets
        if not uid
        or any(o.get("uid") == uid for o in (rs.get("metadata") or {}).get("ownerReferences") or [])
    ]
    counts = [_count(rs) for rs in owned]
    new = next((c for c in counts if revision and c.revision == revision), None)
    old = tuple(c for c in counts if c is not new and c.replicas > 0)

    def state(phase: RolloutPhase, message: str) -> RolloutState:
        return RolloutState(phase, message, desired, updated, ready, available, new, old)

    if _int(meta.get("generation")) > _int(status.get("observedGeneration")):
        return state("waiting", "waiting for the deployment spec update to be observed")
    for condition in status.get("conditions") or []:
        if condition.get("type") == "Progressing" and (
            condition.get("reason") == "ProgressDeadlineExceeded"
        ):
            seconds = spec.get("progressDeadlineSeconds", 600)
            return state("failed", f"exceeded its progress deadline ({seconds} s)")
    if updated < desired:
        return state("progressing", f"{updated} of {desired} new replicas updated")
    if total > updated:
        return state("progressing", f"{total - updated} old replicas pending termination")
    if available < updated:
        return state("progressing", f"{available} of {updated} updated replicas available")
    return state("complete", f"successfully rolled out ({desired} of {desired} ready)")
