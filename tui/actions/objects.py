"""Actions on an object of any kind (the generic views): delete, with the confirm path."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gok_tui.actions.base import ObjectRef, Plan
from gok_tui.domain.kinds import Kind

if TYPE_CHECKING:
    from gok_tui.backends.kube import KubeBackend


@dataclass(frozen=True)
class DeleteObject:
    """Delete one object of any kind, the one confirmed (a UID precondition), with background
    propagation as kubectl's default: its dependents are collected after it is gone."""

    ref: ObjectRef
    kind: Kind
    name: str = "delete"

    def fetch(self, backend: KubeBackend) -> dict[str, Any]:
        namespace = self.ref.namespace if self.kind.namespaced else None
        return {"object": backend.get(self.kind, namespace, self.ref.name)}

    def plan(self, snapshot: dict[str, Any]) -> Plan:
        obj = snapshot["object"]
        meta = obj.get("metadata") or {}
        uid = str(meta.get("uid", ""))
        warnings: list[str] = []
        if meta.get("deletionTimestamp"):
            warnings.append(f"already being deleted since {meta['deletionTimestamp']}")
        if meta.get("finalizers"):
            finalizers = ", ".join(str(f) for f in meta["finalizers"])
            warnings.append(f"finalizers hold it until they finish: {finalizers}")
        namespace = self.ref.namespace if self.kind.namespaced else None
        where = f"{self.ref.namespace}/" if namespace else ""
        return Plan(
            action=self.name,
            ref=self.ref,
            summary=f"delete {self.kind.name} {where}{self.ref.name}",
            before=f"{self.kind.name.lower()} uid {uid}",
            after="deleted; what it owns is removed in the background",
            method="DELETE",
            path=self.kind.object_path(namespace, self.ref.name),
            body={
                "apiVersion": "v1",
                "kind": "DeleteOptions",
                "propagationPolicy": "Background",
                "preconditions": {"uid": uid},
            },
            content_type="application/json",
            dangerous=True,
            warnings=tuple(warnings),
        )
