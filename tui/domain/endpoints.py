"""Would a pod be a Ready endpoint of a Service that selects it? Decided as the endpoints
controller decides it (kubernetes pkg/controller/endpoint: ShouldPodBeInEndpoints, IsPodReady):
by the pod's ``Ready`` condition, which the kubelet sets only when every container is ready and
every readiness gate is met, never by counting ready containers (kubectl's READY column), which
can say otherwise for a moment."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

Obj = Mapping[str, Any]


def leaving(pod: Obj) -> bool:
    """Terminating or finished: no endpoint at all, Ready or not."""
    if (pod.get("metadata") or {}).get("deletionTimestamp"):
        return True
    policy = (pod.get("spec") or {}).get("restartPolicy") or "Always"
    phase = (pod.get("status") or {}).get("phase")
    return (policy == "Never" and phase in ("Failed", "Succeeded")) or (
        policy == "OnFailure" and phase == "Succeeded"
    )


def ready_endpoint(pod: Obj) -> bool:
    """A Ready address: the pod has an IP, is not leaving, and its Ready condition is True."""
    status = pod.get("status") or {}
    if leaving(pod) or not status.get("podIP"):
        return False
    return any(
        c.get("type") == "Ready" and c.get("status") == "True"
        for c in status.get("conditions") or []
    )
