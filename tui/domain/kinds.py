"""The Kubernetes kinds the console knows, their REST paths and short names."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

__all__ = ["KINDS", "Kind", "kind_for", "object_key"]


def _segment(value: str) -> str:
    # Names are DNS-ish, but RBAC names carry ":" and nothing may smuggle in a "/".
    return quote(value, safe=":@")


@dataclass(frozen=True)
class Kind:
    name: str  # "Deployment"
    plural: str  # "deployments"
    group: str  # "" for core, "apps", "networking.k8s.io"
    version: str  # "v1"
    namespaced: bool
    aliases: tuple[str, ...]  # ("deploy", "deployments", "dp")
    # What discovery says besides (domain/discovery.py). Not compared: the same kind found by
    # discovery equals (and hashes as) its hand-listed entry, so feeds and modes keyed by it
    # are shared.
    singular: str = field(default="", compare=False)
    short_names: tuple[str, ...] = field(default=(), compare=False)
    categories: tuple[str, ...] = field(default=(), compare=False)
    verbs: tuple[str, ...] = field(default=(), compare=False)

    @property
    def listable(self) -> bool:
        """A table can show it: the server lists and watches it (hand-listed kinds can)."""
        return not self.verbs or {"list", "watch"} <= set(self.verbs)

    @property
    def full_name(self) -> str:
        """``plural.group`` as kubectl prints it ("deployments.apps"; "pods" for core)."""
        return f"{self.plural}.{self.group}" if self.group else self.plural

    @property
    def api_prefix(self) -> str:
        """``/api/v1`` for the core group, ``/apis/<group>/<version>`` otherwise."""
        if not self.group:
            return f"/api/{self.version}"
        return f"/apis/{self.group}/{self.version}"

    @property
    def api_version(self) -> str:
        """The ``apiVersion`` field objects of this kind carry ("v1", "apps/v1")."""
        return f"{self.group}/{self.version}" if self.group else self.version

    def collection_path(self, namespace: str | None) -> str:
        """List/watch path; across namespaces when ``namespace`` is falsy or the kind is global."""
        if self.namespaced and namespace:
            return f"{self.api_prefix}/namespaces/{_segment(namespace)}/{self.plural}"
        return f"{self.api_prefix}/{self.plural}"

    def object_path(self, namespace: str | None, name: str) -> str:
        """Path of one object.  A namespaced kind needs a namespace (``ValueError`` otherwise)."""
        if not name:
            raise ValueError(f"{self.name}: an object path needs a name")
        if self.namespaced:
            if not namespace:
                raise ValueError(f"{self.name} {name!r} is namespaced: give its namespace")
            return (
                f"{self.api_prefix}/namespaces/{_segment(namespace)}/{self.plural}/{_segment(name)}"
            )
        return f"{self.api_prefix}/{self.plural}/{_segment(name)}"


def _kind(name: str, plural: str, group: str, version: str, namespaced: bool, *short: str) -> Kind:
    singular = name.lower()
    aliases = tuple(dict.fromkeys((*short, singular, plural)))
    return Kind(name, plural, group, version, namespaced, aliases)


KINDS: dict[str, Kind] = {
    k.plural: k
    for k in (
        _kind("Pod", "pods", "", "v1", True, "po"),
        _kind("Deployment", "deployments", "apps", "v1", True, "deploy", "dp"),
        _kind("ReplicaSet", "replicasets", "apps", "v1", True, "rs"),
        _kind("Service", "services", "", "v1", True, "svc"),
        _kind("Endpoints", "endpoints", "", "v1", True, "ep"),
        _kind("Ingress", "ingresses", "networking.k8s.io", "v1", True, "ing"),
        _kind("Event", "events", "", "v1", True, "ev"),
        _kind("ConfigMap", "configmaps", "", "v1", True, "cm"),
        _kind("Secret", "secrets", "", "v1", True),
        _kind("Namespace", "namespaces", "", "v1", False, "ns"),
        _kind("Node", "nodes", "", "v1", False, "no"),
        _kind("PersistentVolumeClaim", "persistentvolumeclaims", "", "v1", True, "pvc"),
        _kind(
            "HorizontalPodAutoscaler",
            "horizontalpodautoscalers",
            "autoscaling",
            "v2",
            True,
            "hpa",
        ),
    )
}

_BY_ALIAS: dict[str, Kind] = {}
for _k in KINDS.values():
    for _alias in (*_k.aliases, _k.name.lower()):
        _BY_ALIAS.setdefault(_alias, _k)
        # kubectl also takes "deployments.apps", "deploy.apps", "ingress.networking.k8s.io"
        if _k.group:
            _BY_ALIAS.setdefault(f"{_alias}.{_k.group}", _k)
            _BY_ALIAS.setdefault(f"{_alias}.{_k.version}.{_k.group}", _k)
del _k, _alias


def kind_for(alias: str) -> Kind | None:
    """Resolve "po", "Pod", "pods", "deploy", "deployments.apps", ... (case-insensitive)."""
    if not alias:
        return None
    return _BY_ALIAS.get(alias.strip().lower())


def object_key(obj: dict[str, Any]) -> str:
    """``"namespace/name"``, or ``"name"`` for a cluster-scoped object."""
    meta = obj.get("metadata") or {}
    name = meta.get("name") or ""
    namespace = meta.get("namespace")
    return f"{namespace}/{name}" if namespace else name
