"""Node actions: cordon and uncordon (``spec.unschedulable``), and drain: cordon, then evict
every pod on the node through the Eviction API, so PodDisruptionBudgets are honoured. An
eviction a budget refuses (429) is said ("blocked by PDB web-pdb") and never forced: no pod
is deleted around the API's answer.

As ``kubectl drain`` does, DaemonSet pods (their controller ignores the cordon and would start
them again at once) and mirror pods (the kubelet runs them from a file) are left alone, and
the plan says so."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gok_tui.actions.base import MERGE_PATCH, ObjectRef, Plan, Request
from gok_tui.domain.kinds import KINDS
from gok_tui.domain.nodes import daemonset_owned, mirror_pod, occupies_node
from gok_tui.domain.pods import controller_of

if TYPE_CHECKING:
    from gok_tui.backends.kube import KubeBackend, KubeError

EVICTION_SUMMARY = "evict pod {namespace}/{name}"
# the API server's words when a budget refuses an eviction (pkg/registry/core/pod/storage/
# eviction.go): "The disruption budget web needs 2 healthy pods and has 2 currently"
_BUDGET = re.compile(r"disruption budget (?P<name>[a-z0-9]([-a-z0-9.]*[a-z0-9])?)")


def node_ref(context: str, server: str, name: str) -> ObjectRef:
    return ObjectRef(context, server, "nodes", "", name)


def _unschedulable(node: dict[str, Any]) -> bool:
    return bool((node.get("spec") or {}).get("unschedulable"))


def _cordon_plan(action: str, ref: ObjectRef, node: dict[str, Any], cordon: bool) -> Plan:
    before = "unschedulable" if _unschedulable(node) else "schedulable"
    after = "unschedulable" if cordon else "schedulable"
    verb = "cordon" if cordon else "uncordon"
    return Plan(
        action=action,
        ref=ref,
        summary=f"{verb} {ref}: new pods {'are not' if cordon else 'may be'} scheduled there",
        before=before,
        after=after,
        method="PATCH",
        path=KINDS["nodes"].object_path(None, ref.name),
        # kubectl's patch: false is the field's default, so uncordon removes it (null)
        body={"spec": {"unschedulable": True if cordon else None}},
        content_type=MERGE_PATCH,
        noop=before == after,
        inverse=(Uncordon(ref) if cordon else Cordon(ref)),
    )


@dataclass(frozen=True)
class Cordon:
    """Mark a node unschedulable: what runs there stays, nothing new is placed there."""

    ref: ObjectRef
    name: str = "cordon"

    def fetch(self, backend: KubeBackend) -> dict[str, Any]:
        return {"node": backend.get(KINDS["nodes"], None, self.ref.name)}

    def plan(self, snapshot: dict[str, Any]) -> Plan:
        return _cordon_plan(self.name, self.ref, snapshot["node"], cordon=True)


@dataclass(frozen=True)
class Uncordon:
    """Let the scheduler place pods on a node again."""

    ref: ObjectRef
    name: str = "uncordon"

    def fetch(self, backend: KubeBackend) -> dict[str, Any]:
        return {"node": backend.get(KINDS["nodes"], None, self.ref.name)}

    def plan(self, snapshot: dict[str, Any]) -> Plan:
        return _cordon_plan(self.name, self.ref, snapshot["node"], cordon=False)


def _pod_name(pod: dict[str, Any]) -> str:
    meta = pod.get("metadata") or {}
    return f"{meta.get('namespace', '')}/{meta.get('name', '')}"


def eviction_request(pod: dict[str, Any]) -> Request:
    meta = pod.get("metadata") or {}
    namespace, name = str(meta.get("namespace", "")), str(meta.get("name", ""))
    return Request(
        "POST",
        KINDS["pods"].object_path(namespace, name) + "/eviction",
        {
            "apiVersion": "policy/v1",
            "kind": "Eviction",
            "metadata": {"name": name, "namespace": namespace},
            # the pod that was planned and no other (a StatefulSet recreates the same name)
            "deleteOptions": {"preconditions": {"uid": str(meta.get("uid", ""))}},
        },
        "application/json",
        EVICTION_SUMMARY.format(namespace=namespace, name=name),
    )


@dataclass(frozen=True)
class DrainPlanParts:
    """Which pods on the node a drain evicts, and which it leaves, with why."""

    evict: tuple[dict[str, Any], ...]
    left: tuple[tuple[str, str], ...]  # (namespace/name, why)


def split_pods(node_name: str, pods: list[dict[str, Any]]) -> DrainPlanParts:
    """The pods on ``node_name`` that a drain evicts, in name order, and those it leaves."""
    evict, left = [], []
    for pod in sorted(pods, key=_pod_name):
        if (pod.get("spec") or {}).get("nodeName") != node_name:
            continue
        if mirror_pod(pod):
            left.append((_pod_name(pod), "mirror pod (static: the kubelet runs it)"))
        elif daemonset_owned(pod):
            left.append((_pod_name(pod), "DaemonSet pod (its controller ignores the cordon)"))
        elif (pod.get("metadata") or {}).get("deletionTimestamp"):
            left.append((_pod_name(pod), "already terminating"))
        else:
            evict.append(pod)
    return DrainPlanParts(tuple(evict), tuple(left))


@dataclass(frozen=True)
class Drain:
    """Cordon a node, then evict its pods one by one through the Eviction API."""

    ref: ObjectRef
    name: str = "drain"

    def fetch(self, backend: KubeBackend) -> dict[str, Any]:
        node = backend.get(KINDS["nodes"], None, self.ref.name)
        listed = backend.list(KINDS["pods"], None, field_selector=f"spec.nodeName={self.ref.name}")
        return {"node": node, "pods": listed.items}

    def plan(self, snapshot: dict[str, Any]) -> Plan:
        node, pods = snapshot["node"], snapshot["pods"]
        parts = split_pods(self.ref.name, pods)
        warnings = [f"left alone: {name}: {why}" for name, why in parts.left]
        for pod in parts.evict:
            if controller_of(pod) is None and occupies_node(pod):
                warnings.append(f"{_pod_name(pod)}: no controller owns it: nothing recreates it")
            volumes = (pod.get("spec") or {}).get("volumes") or ()
            if any(isinstance(v, dict) and "emptyDir" in v for v in volumes):
                warnings.append(f"{_pod_name(pod)}: its emptyDir data is lost")
        cordon = _cordon_plan(self.name, self.ref, node, cordon=True)
        evicted = ", ".join(_pod_name(pod) for pod in parts.evict) or "no pods"
        count = len(parts.evict)
        return Plan(
            action=self.name,
            ref=self.ref,
            summary=(
                f"drain {self.ref}: cordon, then evict {count} pod{'s' * (count != 1)}"
                f" ({evicted}); PodDisruptionBudgets are honoured, never forced"
            ),
            before=f"{cordon.before}, {count} pod{'s' * (count != 1)} to evict",
            after="unschedulable, its pods evicted (each PDB permitting)",
            method=cordon.method,
            path=cordon.path,
            body=cordon.body,
            content_type=cordon.content_type,
            dangerous=bool(parts.evict),
            warnings=tuple(warnings),
            then=tuple(eviction_request(pod) for pod in parts.evict),
            each_on_its_own=True,
        )


def blocking_budget(error: KubeError) -> str | None:
    """The PodDisruptionBudget a 429 from the eviction subresource names, if any."""
    if error.status != 429:
        return None
    for text in (*error.causes, error.server_message):
        match = _BUDGET.search(text)
        if match:
            return match["name"]
    return None


def eviction_failure(error: KubeError) -> str:
    """Why one pod was not evicted, in a few words."""
    budget = blocking_budget(error)
    if budget is not None:
        return f"blocked by PDB {budget}"
    if error.status == 429:  # not a budget's: the server is throttling (API fairness)
        return f"refused for now (429): {error.server_message or 'too many requests'}"
    if error.status == 404:
        return "already gone"
    return error.message
