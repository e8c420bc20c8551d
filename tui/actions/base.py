"""Actions are data before they are effects.

``fetch()`` reads what the action depends on, ``plan()`` is pure and returns the exact request
and a human summary, ``execute()`` (in ``gok_tui.actions.run``) dry-runs then applies it,
retries on 409 with a fresh object, and records the outcome in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from gok_tui.backends.kube import KubeBackend

JSON_PATCH = "application/json-patch+json"
MERGE_PATCH = "application/merge-patch+json"
STRATEGIC_PATCH = "application/strategic-merge-patch+json"
APPLY_PATCH = "application/apply-patch+yaml"  # server-side apply; JSON is valid YAML


def resource_version(obj: dict[str, Any]) -> str:
    """The version a patch is made against (sent back so a concurrent change gives a 409)."""
    return (obj.get("metadata") or {}).get("resourceVersion", "")


@dataclass(frozen=True)
class ObjectRef:
    """Which object, on which cluster: always shown before a confirm."""

    context: str
    server: str
    kind: str  # plural: "deployments"
    namespace: str
    name: str

    def __str__(self) -> str:
        singular = {
            "deployments": "deployment",
            "services": "service",
            "ingresses": "ingress",
            "pods": "pod",
        }
        return f"{singular.get(self.kind, self.kind)} {self.namespace}/{self.name}"


@dataclass(frozen=True)
class Request:
    """A further request of a plan that needs more than one (e.g. scale two Deployments)."""

    method: str
    path: str
    body: Any
    content_type: str
    summary: str


@dataclass(frozen=True)
class Plan:
    action: str  # "scale", "undo", ...
    ref: ObjectRef
    summary: str  # one line: "scale deployment default/web from 2 to 5 replicas"
    before: str
    after: str
    method: str
    path: str
    body: Any
    content_type: str
    dangerous: bool = False
    warnings: tuple[str, ...] = ()
    refusal: str = ""  # non-empty: this plan must not run, and says why
    noop: bool = False  # nothing would change
    inverse: Action | None = field(default=None, compare=False)
    query: tuple[tuple[str, str], ...] = ()  # e.g. fieldManager for server-side apply
    then: tuple[Request, ...] = ()  # sent in order after the first; all dry-run first

    @property
    def runnable(self) -> bool:
        return not self.refusal and not self.noop


class Action(Protocol):
    name: str
    ref: ObjectRef

    def fetch(self, backend: KubeBackend) -> dict[str, Any]:
        """Read what ``plan`` needs (the object, its ReplicaSets, ...)."""
        ...

    def plan(self, snapshot: dict[str, Any]) -> Plan:
        """Pure: the exact change for this snapshot."""
        ...


class ActionRefused(Exception):
    """The plan says no (e.g. endpoints not ready): nothing was sent."""
