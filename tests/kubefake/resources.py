"""The kinds the fake serves, selectors, and the patch types the real API server accepts."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any

VERBS = ("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")
STATUS_VERBS = ("get", "patch", "update")


@dataclass(frozen=True)
class Sub:
    """A subresource as discovery lists it; ``group``/``version`` when its kind lives elsewhere
    (a Deployment's scale is an autoscaling/v1 Scale)."""

    name: str
    kind: str
    verbs: tuple[str, ...] = STATUS_VERBS
    group: str = ""
    version: str = ""


@dataclass(frozen=True)
class Resource:
    plural: str
    kind: str
    group: str
    version: str
    namespaced: bool
    subs: tuple[Sub, ...] = ()
    short_names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    verbs: tuple[str, ...] = VERBS

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def subresources(self) -> tuple[str, ...]:
        return tuple(sub.name for sub in self.subs)


def _status(kind: str) -> Sub:
    return Sub("status", kind)


_SCALE = Sub("scale", "Scale", group="autoscaling", version="v1")
_RBAC = "rbac.authorization.k8s.io"

# The kinds the fake serves, with what a v1.28 API server's discovery says of them
# (tests/conformance/answers 04, 05, 07, 08); their other subresources are not served.
RESOURCES: dict[tuple[str, str], Resource] = {
    (r.group, r.plural): r
    for r in (
        Resource(
            "namespaces",
            "Namespace",
            "",
            "v1",
            False,
            (_status("Namespace"),),
            ("ns",),
            verbs=tuple(v for v in VERBS if v != "deletecollection"),
        ),
        Resource("nodes", "Node", "", "v1", False, (_status("Node"),), ("no",)),
        Resource(
            "pods",
            "Pod",
            "",
            "v1",
            True,
            (
                Sub("eviction", "Eviction", ("create",), "policy", "v1"),
                Sub("exec", "PodExecOptions", ("create", "get")),
                Sub("log", "Pod", ("get",)),
                Sub("portforward", "PodPortForwardOptions", ("create", "get")),
                _status("Pod"),
            ),
            ("po",),
            ("all",),
        ),
        Resource("services", "Service", "", "v1", True, (_status("Service"),), ("svc",), ("all",)),
        Resource("endpoints", "Endpoints", "", "v1", True, (), ("ep",)),
        Resource("configmaps", "ConfigMap", "", "v1", True, (), ("cm",)),
        Resource("secrets", "Secret", "", "v1", True),
        Resource("events", "Event", "", "v1", True, (), ("ev",)),
        Resource(
            "persistentvolumeclaims",
            "PersistentVolumeClaim",
            "",
            "v1",
            True,
            (_status("PersistentVolumeClaim"),),
            ("pvc",),
        ),
        Resource(
            "serviceaccounts",
            "ServiceAccount",
            "",
            "v1",
            True,
            (Sub("token", "TokenRequest", ("create",), "authentication.k8s.io", "v1"),),
            ("sa",),
        ),
        Resource(
            "deployments",
            "Deployment",
            "apps",
            "v1",
            True,
            (_SCALE, _status("Deployment")),
            ("deploy",),
            ("all",),
        ),
        Resource(
            "replicasets",
            "ReplicaSet",
            "apps",
            "v1",
            True,
            (_SCALE, _status("ReplicaSet")),
            ("rs",),
            ("all",),
        ),
        Resource(
            "ingresses",
            "Ingress",
            "networking.k8s.io",
            "v1",
            True,
            (_status("Ingress"),),
            ("ing",),
        ),
        Resource(
            "horizontalpodautoscalers",
            "HorizontalPodAutoscaler",
            "autoscaling",
            "v2",
            True,
            (_status("HorizontalPodAutoscaler"),),
            ("hpa",),
            ("all",),
        ),
        Resource(
            "poddisruptionbudgets",
            "PodDisruptionBudget",
            "policy",
            "v1",
            True,
            (_status("PodDisruptionBudget"),),
            ("pdb",),
        ),
        Resource("roles", "Role", _RBAC, "v1", True),
        Resource("rolebindings", "RoleBinding", _RBAC, "v1", True),
        Resource("clusterroles", "ClusterRole", _RBAC, "v1", False),
        Resource("clusterrolebindings", "ClusterRoleBinding", _RBAC, "v1", False),
        Resource(
            "selfsubjectaccessreviews",
            "SelfSubjectAccessReview",
            "authorization.k8s.io",
            "v1",
            False,
            verbs=("create",),
        ),
        Resource(
            "customresourcedefinitions",
            "CustomResourceDefinition",
            "apiextensions.k8s.io",
            "v1",
            False,
            (_status("CustomResourceDefinition"),),
            ("crd", "crds"),
            ("api-extensions",),
        ),
        Resource("endpointslices", "EndpointSlice", "discovery.k8s.io", "v1", True),
        # workloads (tests/kubefake/workloads.py runs them)
        Resource(
            "statefulsets",
            "StatefulSet",
            "apps",
            "v1",
            True,
            (_SCALE, _status("StatefulSet")),
            ("sts",),
            ("all",),
        ),
        Resource(
            "daemonsets",
            "DaemonSet",
            "apps",
            "v1",
            True,
            (_status("DaemonSet"),),
            ("ds",),
            ("all",),
        ),
        Resource("controllerrevisions", "ControllerRevision", "apps", "v1", True),
        Resource("jobs", "Job", "batch", "v1", True, (_status("Job"),), (), ("all",)),
        Resource(
            "cronjobs", "CronJob", "batch", "v1", True, (_status("CronJob"),), ("cj",), ("all",)
        ),
    )
}
BY_PLURAL = {r.plural: r for r in RESOURCES.values()}
BY_KIND = {r.kind: r for r in RESOURCES.values()}
GROUP_VERSIONS = sorted({(r.group, r.version) for r in RESOURCES.values() if r.group})


# -- selectors ---------------------------------------------------------------------------
_REQUIREMENT = re.compile(
    r"\s*(?P<neg>!)?\s*(?P<key>[A-Za-z0-9_./-]+)\s*"
    r"(?:(?P<op>==|=|!=)\s*(?P<value>[A-Za-z0-9_.-]*)|\s+(?P<setop>in|notin)\s*\((?P<values>[^)]*)\))?\s*"
)


def _split_requirements(text: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    if current.strip():
        parts.append(current)
    return parts


def label_matcher(selector: str | None):
    if not selector:
        return lambda labels: True
    checks = []
    for part in _split_requirements(selector):
        match = _REQUIREMENT.fullmatch(part)
        if not match:
            raise ValueError(f"unable to parse requirement: {part!r}")
        key = match["key"]
        if match["neg"]:
            checks.append(lambda labels, k=key: k not in labels)
        elif match["op"] in ("=", "=="):
            checks.append(lambda labels, k=key, v=match["value"]: labels.get(k) == v)
        elif match["op"] == "!=":
            checks.append(lambda labels, k=key, v=match["value"]: labels.get(k) != v)
        elif match["setop"]:
            values = {v.strip() for v in match["values"].split(",") if v.strip()}
            if match["setop"] == "in":
                checks.append(lambda labels, k=key, vs=values: labels.get(k) in vs)
            else:
                checks.append(lambda labels, k=key, vs=values: labels.get(k) not in vs)
        else:
            checks.append(lambda labels, k=key: k in labels)
    return lambda labels: all(check(labels) for check in checks)


# The fields each kind can be selected by (the registries' GetAttrs/field label conversions);
# metadata.name and metadata.namespace work for every kind.
FIELD_LABELS: dict[str, tuple[str, ...]] = {
    "pods": (
        "spec.nodeName",
        "spec.restartPolicy",
        "spec.schedulerName",
        "spec.serviceAccountName",
        "spec.hostNetwork",
        "status.phase",
        "status.podIP",
        "status.nominatedNodeName",
    ),
    "events": (
        "involvedObject.kind",
        "involvedObject.namespace",
        "involvedObject.name",
        "involvedObject.uid",
        "involvedObject.apiVersion",
        "involvedObject.resourceVersion",
        "involvedObject.fieldPath",
        "reason",
        "reportingComponent",
        "source",
        "type",
    ),
    "secrets": ("type",),
    "namespaces": ("status.phase",),
    "nodes": ("spec.unschedulable",),
    "replicasets": ("status.replicas",),
}


def field_matcher(selector: str | None, plural: str = ""):
    if not selector:
        return lambda obj: True
    checks = []
    allowed = ("metadata.name", "metadata.namespace", *FIELD_LABELS.get(plural, ()))
    for part in selector.split(","):
        negate = "!=" in part
        key, _, value = part.partition("!=" if negate else "=")
        key = key.strip().rstrip("=")
        value = value.lstrip("=").strip()
        if key not in allowed:
            raise ValueError(f"field label not supported: {key}")
        path = ("source", "component") if (plural, key) == ("events", "source") else key.split(".")

        def check(obj: dict[str, Any], path=path, value=value, negate=negate) -> bool:
            current: Any = obj
            for step in path:
                current = (current or {}).get(step) if isinstance(current, dict) else None
            text = str(current).lower() if isinstance(current, bool) else str(current or "")
            return (text == value) != negate

        checks.append(check)
    return lambda obj: all(check(obj) for check in checks)


# -- patches -----------------------------------------------------------------------------
MERGE_KEYS = {
    "containers": "name",
    "initContainers": "name",
    "ephemeralContainers": "name",
    "env": "name",
    "volumes": "name",
    "volumeMounts": "mountPath",
    "ports": "containerPort",
    "imagePullSecrets": "name",
    "tolerations": None,
    "conditions": "type",
}


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def strategic_merge(target: Any, patch: Any, field: str = "") -> Any:
    """Kubernetes strategic merge: lists with a merge key are merged entry by entry."""
    if isinstance(patch, dict):
        if patch.get("$patch") == "replace":
            return {k: copy.deepcopy(v) for k, v in patch.items() if k != "$patch"}
        if patch.get("$patch") == "delete":
            return None
        result = copy.deepcopy(target) if isinstance(target, dict) else {}
        for key, value in patch.items():
            if key.startswith("$"):
                continue
            if value is None:
                result.pop(key, None)
            else:
                merged = strategic_merge(result.get(key), value, key)
                if merged is None:
                    result.pop(key, None)
                else:
                    result[key] = merged
        return result
    if isinstance(patch, list):
        merge_key = MERGE_KEYS.get(field)
        if merge_key and isinstance(target, list) and all(isinstance(x, dict) for x in patch):
            result = copy.deepcopy(target)
            for entry in patch:
                key_value = entry.get(merge_key)
                index = next(
                    (
                        i
                        for i, existing in enumerate(result)
                        if isinstance(existing, dict) and existing.get(merge_key) == key_value
                    ),
                    None,
                )
                if entry.get("$patch") == "delete":
                    if index is not None:
                        result.pop(index)
                elif index is None:
                    result.append({k: v for k, v in entry.items() if not k.startswith("$")})
                else:
                    result[index] = strategic_merge(result[index], entry)
            return result
        return copy.deepcopy(patch)
    return copy.deepcopy(patch)


class PatchError(ValueError):
    pass


def _pointer(path: str) -> list[str]:
    if path == "":
        return []
    if not path.startswith("/"):
        raise PatchError(f"invalid JSON pointer {path!r}")
    return [p.replace("~1", "/").replace("~0", "~") for p in path[1:].split("/")]


def _parent(doc: Any, parts: list[str]) -> tuple[Any, str]:
    current = doc
    for part in parts[:-1]:
        if isinstance(current, list):
            current = current[int(part)]
        elif isinstance(current, dict) and part in current:
            current = current[part]
        else:
            raise PatchError(f"path not found: /{'/'.join(parts)}")
    return current, parts[-1]


def json_patch(doc: Any, operations: list[dict[str, Any]]) -> Any:
    """RFC 6902 (add, remove, replace, move, copy, test)."""
    doc = copy.deepcopy(doc)
    for op in operations:
        kind, parts = op.get("op"), _pointer(op.get("path", ""))
        if kind == "test":
            parent, last = _parent(doc, parts)
            actual = parent[int(last)] if isinstance(parent, list) else parent.get(last)
            if actual != op.get("value"):
                raise PatchError(
                    f"the server rejected our request due to an error in our request: "
                    f"test operation failed at {op.get('path')}"
                )
            continue
        if kind in ("move", "copy"):
            src_parent, src_last = _parent(doc, _pointer(op["from"]))
            value = (
                src_parent[int(src_last)] if isinstance(src_parent, list) else src_parent[src_last]
            )
            if kind == "move":
                if isinstance(src_parent, list):
                    src_parent.pop(int(src_last))
                else:
                    del src_parent[src_last]
            kind, op = "add", {"value": copy.deepcopy(value)}
        if not parts:
            doc = copy.deepcopy(op.get("value"))
            continue
        parent, last = _parent(doc, parts)
        if kind == "add":
            if isinstance(parent, list):
                parent.insert(len(parent) if last == "-" else int(last), copy.deepcopy(op["value"]))
            else:
                parent[last] = copy.deepcopy(op["value"])
        elif kind == "replace":
            if isinstance(parent, list):
                parent[int(last)] = copy.deepcopy(op["value"])
            elif last in parent:
                parent[last] = copy.deepcopy(op["value"])
            else:
                raise PatchError(
                    f"replace operation does not apply: doc is missing path {op.get('path')}"
                )
        elif kind == "remove":
            if isinstance(parent, list):
                parent.pop(int(last))
            elif last in parent:
                del parent[last]
            else:
                raise PatchError(
                    f"remove operation does not apply: doc is missing path {op.get('path')}"
                )
        else:
            raise PatchError(f"unknown JSON patch op {kind!r}")
    return doc
