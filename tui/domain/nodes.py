"""Node facts read once for every view: readiness, roles, taints, pressure conditions, and
what the pods scheduled on a node request of it (as the scheduler counts it)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from gok_tui.domain.quantity import quantity_or_zero
from gok_tui.domain.workloads import find_condition

PRESSURES = ("MemoryPressure", "DiskPressure", "PIDPressure", "NetworkUnavailable")
TERMINAL_PHASES = frozenset({"Succeeded", "Failed"})
MIRROR_ANNOTATION = "kubernetes.io/config.mirror"
_ROLE_PREFIX = "node-role.kubernetes.io/"
_ZERO = Decimal(0)


@dataclass(frozen=True)
class Usage:
    """What the pods on one node request: CPU in cores, memory in bytes, and how many."""

    cpu: Decimal = _ZERO
    memory: Decimal = _ZERO
    pods: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(self.cpu + other.cpu, self.memory + other.memory, self.pods + other.pods)

    def __sub__(self, other: Usage) -> Usage:
        return Usage(self.cpu - other.cpu, self.memory - other.memory, self.pods - other.pods)


def node_state(node: Mapping[str, Any]) -> str:
    """kubectl's STATUS: Ready / NotReady / Unknown, then ",SchedulingDisabled" when
    cordoned."""
    ready = find_condition((node.get("status") or {}).get("conditions") or (), "Ready")
    if ready is None:
        state = "Unknown"
    else:
        state = {"True": "Ready", "False": "NotReady"}.get(ready.get("status") or "", "Unknown")
    if (node.get("spec") or {}).get("unschedulable"):
        state += ",SchedulingDisabled"
    return state


def node_roles(node: Mapping[str, Any]) -> list[str]:
    labels = (node.get("metadata") or {}).get("labels") or {}
    roles = set()
    for key, value in labels.items():
        if key.startswith(_ROLE_PREFIX):
            if role := key[len(_ROLE_PREFIX) :]:
                roles.add(role)
        elif key == "kubernetes.io/role" and value:
            roles.add(str(value))
    return sorted(roles)


def node_taints(node: Mapping[str, Any]) -> list[str]:
    """Taints as kubectl describe writes them: ``key=value:Effect`` (``key:Effect``)."""
    taints = []
    for taint in (node.get("spec") or {}).get("taints") or ():
        if not isinstance(taint, Mapping):
            continue
        value = taint.get("value")
        text = f"{taint.get('key', '')}={value}" if value else str(taint.get("key", ""))
        taints.append(f"{text}:{taint.get('effect', '')}")
    return taints


def node_pressures(node: Mapping[str, Any]) -> list[str]:
    """The pressure conditions that hold (status True), in kubectl's order."""
    conditions = (node.get("status") or {}).get("conditions") or ()
    held = []
    for name in PRESSURES:
        condition = find_condition(conditions, name)
        if condition is not None and condition.get("status") == "True":
            held.append(name)
    return held


def allocatable(node: Mapping[str, Any]) -> Usage:
    """What the node offers pods (allocatable, else capacity)."""
    status = node.get("status") or {}
    offered = status.get("allocatable") or status.get("capacity") or {}
    return Usage(
        quantity_or_zero(offered.get("cpu")),
        quantity_or_zero(offered.get("memory")),
        int(quantity_or_zero(offered.get("pods"))),
    )


def _sum(containers: Iterable[Any], resource: str) -> Decimal:
    total = _ZERO
    for container in containers:
        if isinstance(container, Mapping):
            requests = (container.get("resources") or {}).get("requests") or {}
            total += quantity_or_zero(requests.get(resource))
    return total


def pod_requests(pod: Mapping[str, Any]) -> Usage:
    """What one pod asks of its node, as the scheduler counts it: the larger of its
    containers' requests summed and its largest init container's (init containers run one
    at a time, before the others), plus the pod's overhead."""
    spec = pod.get("spec") or {}
    containers = spec.get("containers") or ()
    init = [c for c in spec.get("initContainers") or () if isinstance(c, Mapping)]
    overhead = spec.get("overhead") or {}
    amounts = []
    for resource in ("cpu", "memory"):
        running = _sum(containers, resource)
        largest_init = max((_sum((c,), resource) for c in init), default=_ZERO)
        amounts.append(max(running, largest_init) + quantity_or_zero(overhead.get(resource)))
    return Usage(amounts[0], amounts[1], 1)


def occupies_node(pod: Mapping[str, Any]) -> str:
    """The node a pod counts against ("" for none): scheduled there and not finished."""
    node = (pod.get("spec") or {}).get("nodeName") or ""
    if not node or (pod.get("status") or {}).get("phase") in TERMINAL_PHASES:
        return ""
    return str(node)


def usage_by_node(pods: Iterable[Mapping[str, Any]]) -> dict[str, Usage]:
    """The requests of the pods on each node (one pass over the pods)."""
    totals: dict[str, Usage] = {}
    for pod in pods:
        node = occupies_node(pod)
        if node:
            totals[node] = totals.get(node, Usage()) + pod_requests(pod)
    return totals


def daemonset_owned(pod: Mapping[str, Any]) -> bool:
    return any(
        isinstance(ref, Mapping) and ref.get("controller") and ref.get("kind") == "DaemonSet"
        for ref in (pod.get("metadata") or {}).get("ownerReferences") or ()
    )


def mirror_pod(pod: Mapping[str, Any]) -> bool:
    """A static pod's mirror: the kubelet runs it from a file; the API cannot evict it."""
    return MIRROR_ANNOTATION in ((pod.get("metadata") or {}).get("annotations") or {})


PRESSURE_WORDS = {
    "MemoryPressure": "the node is short of memory: the kubelet evicts pods to free some",
    "DiskPressure": "the node is short of disk space: the kubelet evicts pods and removes images",
    "PIDPressure": "the node is short of process ids: new processes may fail to start",
    "NetworkUnavailable": "the node's network is not set up: its pods cannot be reached",
}


def pressure_lines(node: Mapping[str, Any]) -> list[str]:
    """The pressure conditions in words, for describe: each one that holds, with the kubelet's
    reason and message, or one line saying none does."""
    conditions = (node.get("status") or {}).get("conditions") or ()
    lines = []
    for name in node_pressures(node):
        condition = find_condition(conditions, name) or {}
        said = ": ".join(
            str(part) for part in (condition.get("reason"), condition.get("message")) if part
        )
        lines.append(f"{name}: {PRESSURE_WORDS[name]}" + (f" ({said})" if said else ""))
    return lines or ["none: memory, disk and process ids suffice, and the network is up"]
