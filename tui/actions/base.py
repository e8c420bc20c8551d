"""Actions are data before they are effects.

``fetch()`` reads what the action depends on, ``plan()`` is pure and returns the exact request
and a human summary, ``execute()`` (in ``gok_tui.actions.run``) dry-runs then applies it,
retries a 409 (or a failed ``test`` op of a JSON patch) on a fresh object, and records the
outcome in the audit log.
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


def pointer(*parts: str) -> str:
    """A JSON pointer (RFC 6901) to a field: ``pointer("metadata", "annotations", "a/b")``."""
    return "".join("/" + part.replace("~", "~0").replace("/", "~1") for part in parts)


def still(path: str, value: Any) -> dict[str, Any]:
    """A JSON patch ``test`` op: the patch applies only while this field still holds what the
    plan was made from. Plans guard what the user confirmed this way, never with the
    object's resourceVersion: controllers write status all the time, and a status write
    moves the resourceVersion without changing anything the user confirmed. (Values are
    digits, names and label values: the server compares them byte for byte.)"""
    return {"op": "test", "path": path, "value": value}


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
            "nodes": "node",
            "statefulsets": "statefulset",
            "daemonsets": "daemonset",
            "jobs": "job",
            "cronjobs": "cronjob",
            "configmaps": "configmap",
            "helm": "helm release",
        }
        where = f"{self.namespace}/{self.name}" if self.namespace else self.name
        return f"{singular.get(self.kind, self.kind)} {where}"

    @classmethod
    def of(cls, target: Any, obj: dict[str, Any], plural: str) -> ObjectRef:
        """The object ``obj`` of kind ``plural`` as shown in a view of ``target`` (a Target:
        its context and cluster)."""
        meta = obj.get("metadata") or {}
        return cls(
            target.context,
            target.cluster_server,
            plural,
            meta.get("namespace", ""),
            meta.get("name", ""),
        )


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
    # the ``then`` requests are one per object (a drain's evictions): one that fails is said
    # and the others are still sent; one its dry run refuses is not sent for real
    each_on_its_own: bool = False
    # a program to run instead of an HTTP request (helm rollback): its argv, run with
    # ``--dry-run`` first, and what it adds to the environment; ``path`` shows it as a line
    command: tuple[str, ...] = ()
    command_env: tuple[tuple[str, str], ...] = ()

    @property
    def runnable(self) -> bool:
        return not self.refusal and not self.noop


class Action(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def ref(self) -> ObjectRef: ...

    def fetch(self, backend: KubeBackend) -> dict[str, Any]:
        """Read what ``plan`` needs (the object, its ReplicaSets, ...)."""
        ...

    def plan(self, snapshot: dict[str, Any]) -> Plan:
        """Pure: the exact change for this snapshot."""
        ...


class ActionRefused(Exception):
    """The plan says no (e.g. endpoints not ready): nothing was sent."""
