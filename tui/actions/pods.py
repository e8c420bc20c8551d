"""Pod actions: delete one pod (k9s ctrl+d), so its controller starts a fresh one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gok_tui.actions.base import ObjectRef, Plan
from gok_tui.backends.kube import KubeError
from gok_tui.domain.kinds import KINDS
from gok_tui.domain.pods import controller_of, pod_facts, pod_ready

if TYPE_CHECKING:
    from gok_tui.backends.kube import KubeBackend


@dataclass(frozen=True)
class DeletePod:
    """Delete one pod with a UID precondition: a pod recreated under the same name (as a
    StatefulSet does) after the confirm is never the one deleted."""

    ref: ObjectRef
    name: str = "delete"

    def fetch(self, backend: KubeBackend) -> dict[str, Any]:
        pod = backend.get(KINDS["pods"], self.ref.namespace, self.ref.name)
        owner = controller_of(pod)
        replicaset = None
        if owner is not None and owner.get("kind") == "ReplicaSet":
            try:
                replicaset = backend.get(KINDS["replicasets"], self.ref.namespace, owner["name"])
            except KubeError:
                replicaset = None  # the warning about the last Ready pod is then not given
        return {"pod": pod, "replicaset": replicaset}

    def plan(self, snapshot: dict[str, Any]) -> Plan:
        pod = snapshot["pod"]
        meta = pod.get("metadata") or {}
        uid = str(meta.get("uid", ""))
        phase = (pod.get("status") or {}).get("phase", "Unknown")
        ready, total = pod_ready(pod)
        restarts = pod_facts(pod).restarts
        owner = controller_of(pod)
        warnings: list[str] = []
        if owner is None:
            after = "deleted for good"
            warnings.append("no controller owns this pod: nothing will recreate it")
        else:
            after = f"deleted; {owner.get('kind')} {owner.get('name')} starts a replacement"
            if owner.get("kind") in ("Job", "CronJob"):
                warnings.append("a Job's pod: the Job may count it as failed")
        replicaset = snapshot.get("replicaset")
        if replicaset is not None and total and ready == total:
            ready_pods = int((replicaset.get("status") or {}).get("readyReplicas") or 0)
            if ready_pods <= 1:
                warnings.append(
                    f"the only Ready pod of ReplicaSet {owner and owner.get('name')}: "
                    "nothing serves until its replacement is Ready"
                )
        if meta.get("deletionTimestamp"):
            warnings.append(f"already terminating since {meta['deletionTimestamp']}")
        return Plan(
            action=self.name,
            ref=self.ref,
            summary=f"delete {self.ref} ({phase}, {ready}/{total} ready, {restarts} restarts)",
            # only the identity, whole: the confirmed pod and no other (a crash-looping pod's
            # status moves between confirm and send; its UID does not)
            before=f"pod uid {uid}",
            after=after,
            method="DELETE",
            path=KINDS["pods"].object_path(self.ref.namespace, self.ref.name),
            body={
                "apiVersion": "v1",
                "kind": "DeleteOptions",
                "preconditions": {"uid": uid},
            },
            content_type="application/json",
            dangerous=owner is None,
            warnings=tuple(warnings),
        )
