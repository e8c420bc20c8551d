"""Server-side Tables (``Accept: application/json;as=Table;v=v1;g=meta.k8s.io``), with the
columns a v1.28 API server gives each kind the fake serves (kubectl get's columns) and rows of
the same form: cells in the columns' types, the object whole (``includeObject=Object``) or as
PartialObjectMetadata (the default). Cell values are close to kubectl's; what is compared of
them with a real server is their number and the name."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

TABLE_ACCEPT = "as=Table"
Cell = str | int
S, INT = "string", "integer"

# (name, type, format, priority) per kind, as answers/10-24 list them
COLUMNS: dict[str, list[tuple[str, str, str, int]]] = {
    "pods": [
        ("Name", S, "name", 0),
        ("Ready", S, "", 0),
        ("Status", S, "", 0),
        ("Restarts", S, "", 0),
        ("Age", S, "", 0),
        ("IP", S, "", 1),
        ("Node", S, "", 1),
        ("Nominated Node", S, "", 1),
        ("Readiness Gates", S, "", 1),
    ],
    "deployments": [
        ("Name", S, "name", 0),
        ("Ready", S, "", 0),
        ("Up-to-date", S, "", 0),
        ("Available", S, "", 0),
        ("Age", S, "", 0),
        ("Containers", S, "", 1),
        ("Images", S, "", 1),
        ("Selector", S, "", 1),
    ],
    "replicasets": [
        ("Name", S, "name", 0),
        ("Desired", INT, "", 0),
        ("Current", INT, "", 0),
        ("Ready", INT, "", 0),
        ("Age", S, "", 0),
        ("Containers", S, "", 1),
        ("Images", S, "", 1),
        ("Selector", S, "", 1),
    ],
    "services": [
        ("Name", S, "name", 0),
        ("Type", S, "", 0),
        ("Cluster-IP", S, "", 0),
        ("External-IP", S, "", 0),
        ("Port(s)", S, "", 0),
        ("Age", S, "", 0),
        ("Selector", S, "", 1),
    ],
    "endpoints": [("Name", S, "name", 0), ("Endpoints", S, "", 0), ("Age", S, "", 0)],
    "ingresses": [
        ("Name", S, "name", 0),
        ("Class", S, "", 0),
        ("Hosts", S, "", 0),
        ("Address", S, "", 0),
        ("Ports", S, "", 0),
        ("Age", S, "", 0),
    ],
    "horizontalpodautoscalers": [
        ("Name", S, "name", 0),
        ("Reference", S, "", 0),
        ("Targets", S, "", 0),
        ("MinPods", S, "", 0),
        ("MaxPods", S, "", 0),
        ("Replicas", S, "", 0),
        ("Age", S, "", 0),
    ],
    "configmaps": [("Name", S, "name", 0), ("Data", S, "", 0), ("Age", S, "", 0)],
    "secrets": [("Name", S, "name", 0), ("Type", S, "", 0), ("Data", S, "", 0), ("Age", S, "", 0)],
    "events": [
        ("Last Seen", S, "", 0),
        ("Type", S, "", 0),
        ("Reason", S, "", 0),
        ("Object", S, "", 0),
        ("Subobject", S, "", 1),
        ("Source", S, "", 1),
        ("Message", S, "", 0),
        ("First Seen", S, "", 1),
        ("Count", S, "", 1),
        ("Name", S, "name", 1),
    ],
    "poddisruptionbudgets": [
        ("Name", S, "name", 0),
        ("Min Available", S, "", 0),
        ("Max Unavailable", S, "", 0),
        ("Allowed Disruptions", INT, "", 0),
        ("Age", S, "", 0),
    ],
    "nodes": [
        ("Name", S, "name", 0),
        ("Status", S, "", 0),
        ("Roles", S, "", 0),
        ("Age", S, "", 0),
        ("Version", S, "", 0),
        ("Internal-IP", S, "", 1),
        ("External-IP", S, "", 1),
        ("OS-Image", S, "", 1),
        ("Kernel-Version", S, "", 1),
        ("Container-Runtime", S, "", 1),
    ],
    "namespaces": [("Name", S, "name", 0), ("Status", S, "", 0), ("Age", S, "", 0)],
    # kubectl's printers (pkg/printers/internalversion) for the other kinds the fake serves
    "serviceaccounts": [("Name", S, "name", 0), ("Secrets", INT, "", 0), ("Age", S, "", 0)],
    "persistentvolumeclaims": [
        ("Name", S, "name", 0),
        ("Status", S, "", 0),
        ("Volume", S, "", 0),
        ("Capacity", S, "", 0),
        ("Access Modes", S, "", 0),
        ("StorageClass", S, "", 0),
        ("Age", S, "", 0),
        ("VolumeMode", S, "", 1),
    ],
    "rolebindings": [
        ("Name", S, "name", 0),
        ("Role", S, "", 0),
        ("Age", S, "", 0),
        ("Users", S, "", 1),
        ("Groups", S, "", 1),
        ("ServiceAccounts", S, "", 1),
    ],
    "clusterrolebindings": [
        ("Name", S, "name", 0),
        ("Role", S, "", 0),
        ("Age", S, "", 0),
        ("Users", S, "", 1),
        ("Groups", S, "", 1),
        ("ServiceAccounts", S, "", 1),
    ],
    # answers/16, 17, 26; daemonsets and jobs as kubectl v1.28 prints them
    "statefulsets": [
        ("Name", S, "name", 0),
        ("Ready", S, "", 0),
        ("Age", S, "", 0),
        ("Containers", S, "", 1),
        ("Images", S, "", 1),
    ],
    "daemonsets": [
        ("Name", S, "name", 0),
        ("Desired", INT, "", 0),
        ("Current", INT, "", 0),
        ("Ready", INT, "", 0),
        ("Up-to-date", INT, "", 0),
        ("Available", INT, "", 0),
        ("Node Selector", S, "", 0),
        ("Age", S, "", 0),
        ("Containers", S, "", 1),
        ("Images", S, "", 1),
        ("Selector", S, "", 1),
    ],
    "jobs": [
        ("Name", S, "name", 0),
        ("Completions", S, "", 0),
        ("Duration", S, "", 0),
        ("Age", S, "", 0),
        ("Containers", S, "", 1),
        ("Images", S, "", 1),
        ("Selector", S, "", 1),
    ],
    "cronjobs": [
        ("Name", S, "name", 0),
        ("Schedule", S, "", 0),
        ("Suspend", "boolean", "", 0),
        ("Active", INT, "", 0),
        ("Last Schedule", S, "", 0),
        ("Age", S, "", 0),
        ("Containers", S, "", 1),
        ("Images", S, "", 1),
        ("Selector", S, "", 1),
    ],
    "controllerrevisions": [
        ("Name", S, "name", 0),
        ("Controller", S, "", 0),
        ("Revision", S, "", 0),
        ("Age", S, "", 0),
    ],
}


def _age(obj: dict[str, Any]) -> str:
    return _since((obj.get("metadata") or {}).get("creationTimestamp"))


def _since(stamp: Any) -> str:
    if not isinstance(stamp, str) or not stamp:
        return "<unknown>"
    then = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp()
    seconds = max(0, int(time.time() - then))
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def _selector(labels: dict[str, Any] | None) -> str:
    return ",".join(f"{k}={v}" for k, v in sorted((labels or {}).items())) or "<none>"


def _template(obj: dict[str, Any]) -> tuple[str, str]:
    containers = (((obj.get("spec") or {}).get("template") or {}).get("spec") or {}).get(
        "containers"
    ) or []
    return (
        ",".join(c.get("name", "") for c in containers),
        ",".join(c.get("image", "") for c in containers),
    )


def _pod(obj: dict[str, Any]) -> list[Cell]:
    status, spec = obj.get("status") or {}, obj.get("spec") or {}
    statuses = status.get("containerStatuses") or []
    total = len(spec.get("containers") or [])
    ready = sum(1 for c in statuses if c.get("ready"))
    restarts = sum(int(c.get("restartCount") or 0) for c in statuses)
    phase = "Terminating" if (obj.get("metadata") or {}).get("deletionTimestamp") else None
    gates = spec.get("readinessGates") or []
    return [
        f"{ready}/{total}",
        phase or status.get("phase", "Pending"),
        str(restarts),
        _age(obj),
        status.get("podIP") or "<none>",
        spec.get("nodeName") or "<none>",
        status.get("nominatedNodeName") or "<none>",
        f"0/{len(gates)}" if gates else "<none>",
    ]


def _deployment(obj: dict[str, Any]) -> list[Cell]:
    status = obj.get("status") or {}
    names, images = _template(obj)
    desired = (obj.get("spec") or {}).get("replicas", 1)
    return [
        f"{status.get('readyReplicas', 0)}/{desired}",
        int(status.get("updatedReplicas", 0)),
        int(status.get("availableReplicas", 0)),
        _age(obj),
        names,
        images,
        _selector(((obj.get("spec") or {}).get("selector") or {}).get("matchLabels")),
    ]


def _replicaset(obj: dict[str, Any]) -> list[Cell]:
    status = obj.get("status") or {}
    names, images = _template(obj)
    return [
        int((obj.get("spec") or {}).get("replicas", 1)),
        int(status.get("replicas", 0)),
        int(status.get("readyReplicas", 0)),
        _age(obj),
        names,
        images,
        _selector(((obj.get("spec") or {}).get("selector") or {}).get("matchLabels")),
    ]


def _service(obj: dict[str, Any]) -> list[Cell]:
    spec = obj.get("spec") or {}
    ports = ",".join(f"{p.get('port')}/{p.get('protocol', 'TCP')}" for p in spec.get("ports") or [])
    return [
        spec.get("type", "ClusterIP"),
        spec.get("clusterIP") or "<none>",
        "<none>",
        ports or "<none>",
        _age(obj),
        _selector(spec.get("selector")),
    ]


def _endpoints(obj: dict[str, Any]) -> list[Cell]:
    addresses = [
        f"{a.get('ip')}:{p.get('port')}"
        for subset in obj.get("subsets") or []
        for a in subset.get("addresses") or []
        for p in subset.get("ports") or [{}]
    ]
    return [",".join(addresses) or "<none>", _age(obj)]


def _ingress(obj: dict[str, Any]) -> list[Cell]:
    spec = obj.get("spec") or {}
    hosts = ",".join(r.get("host", "*") for r in spec.get("rules") or []) or "*"
    return [
        spec.get("ingressClassName") or "<none>",
        hosts,
        "",
        "443" if spec.get("tls") else "80",
        _age(obj),
    ]


_SOURCE = {
    "Resource": "resource",
    "ContainerResource": "containerResource",
    "Pods": "pods",
    "Object": "object",
    "External": "external",
}


def _hpa_metric(spec: dict[str, Any], current: dict[str, Any] | None) -> str:
    """One metric as kubectl v1.28's printer writes it (formatHPAMetrics): the status entry
    at the same index, averageValue before value before utilization."""
    mtype = spec.get("type")
    field = _SOURCE.get(str(mtype))
    if field is None:
        return "<unknown type>"
    target = (spec.get(field) or {}).get("target") or {}
    now = ((current or {}).get(field) or {}).get("current") if current else None
    have = now or {}
    if mtype in ("Object", "External") and "averageValue" in target:
        return f"{have.get('averageValue', '<unknown>')}/{target['averageValue']} (avg)"
    if mtype in ("Object", "External"):
        return f"{have.get('value', '<unknown>')}/{target.get('value')}"
    if mtype == "Pods" or "averageValue" in target:
        return f"{have.get('averageValue', '<unknown>')}/{target.get('averageValue')}"
    used = have.get("averageUtilization")
    want = target.get("averageUtilization")
    return (
        f"{'<unknown>' if used is None else f'{used}%'}/{'<auto>' if want is None else f'{want}%'}"
    )


def _hpa_targets(spec: dict[str, Any], status: dict[str, Any]) -> str:
    metrics = spec.get("metrics") or []
    if not metrics:
        return "<none>"
    current = status.get("currentMetrics") or []
    shown = [
        _hpa_metric(metric, current[i] if i < len(current) else None)
        for i, metric in enumerate(metrics)
    ]
    more = f" + {len(shown) - 2} more..." if len(shown) > 2 else ""
    return ", ".join(shown[:2]) + more


def _hpa(obj: dict[str, Any]) -> list[Cell]:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    ref = spec.get("scaleTargetRef") or {}
    return [
        f"{ref.get('kind')}/{ref.get('name')}",
        _hpa_targets(spec, status),
        str(spec.get("minReplicas", 1)),
        int(spec.get("maxReplicas", 0)),
        int(status.get("currentReplicas", 0)),
        _age(obj),
    ]


def _event(obj: dict[str, Any]) -> list[Cell]:
    involved = obj.get("involvedObject") or {}
    return [
        _age(obj),
        obj.get("type", ""),
        obj.get("reason", ""),
        f"{str(involved.get('kind', '')).lower()}/{involved.get('name', '')}",
        involved.get("fieldPath", ""),
        (obj.get("source") or {}).get("component", ""),
        obj.get("message", ""),
        _age(obj),
        int(obj.get("count") or 1),
        (obj.get("metadata") or {}).get("name", ""),
    ]


def _node(obj: dict[str, Any]) -> list[Cell]:
    ready = any(
        c.get("type") == "Ready" and c.get("status") == "True"
        for c in (obj.get("status") or {}).get("conditions") or []
    )
    info = (obj.get("status") or {}).get("nodeInfo") or {}
    return [
        "Ready" if ready else "NotReady",
        "<none>",
        _age(obj),
        info.get("kubeletVersion", ""),
        "<none>",
        "<none>",
        info.get("osImage", "<unknown>"),
        info.get("kernelVersion", "<unknown>"),
        info.get("containerRuntimeVersion", "<unknown>"),
    ]


def _pvc(obj: dict[str, Any]) -> list[Cell]:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    modes = {"ReadWriteOnce": "RWO", "ReadOnlyMany": "ROX", "ReadWriteMany": "RWX"}
    return [
        status.get("phase", "Pending"),
        spec.get("volumeName", ""),
        (status.get("capacity") or {}).get("storage", ""),
        ",".join(modes.get(m, m) for m in status.get("accessModes") or []),
        spec.get("storageClassName") or "",
        _age(obj),
        spec.get("volumeMode", "Filesystem"),
    ]


def _binding(obj: dict[str, Any]) -> list[Cell]:
    ref = obj.get("roleRef") or {}
    subjects = obj.get("subjects") or []

    def names(kind: str) -> str:
        return ", ".join(
            (f"{s['namespace']}/" if kind == "ServiceAccount" and s.get("namespace") else "")
            + str(s.get("name", ""))
            for s in subjects
            if s.get("kind") == kind
        )

    return [
        f"{ref.get('kind', '')}/{ref.get('name', '')}",
        _age(obj),
        names("User"),
        names("Group"),
        names("ServiceAccount"),
    ]


def _statefulset(obj: dict[str, Any]) -> list[Cell]:
    names, images = _template(obj)
    ready = (obj.get("status") or {}).get("readyReplicas", 0)
    return [f"{ready}/{(obj.get('spec') or {}).get('replicas', 1)}", _age(obj), names, images]


def _daemonset(obj: dict[str, Any]) -> list[Cell]:
    status, spec = obj.get("status") or {}, obj.get("spec") or {}
    names, images = _template(obj)
    node_selector = ((spec.get("template") or {}).get("spec") or {}).get("nodeSelector")
    return [
        int(status.get("desiredNumberScheduled", 0)),
        int(status.get("currentNumberScheduled", 0)),
        int(status.get("numberReady", 0)),
        int(status.get("updatedNumberScheduled", 0)),
        int(status.get("numberAvailable", 0)),
        _selector(node_selector),
        _age(obj),
        names,
        images,
        _selector((spec.get("selector") or {}).get("matchLabels")),
    ]


def _job(obj: dict[str, Any]) -> list[Cell]:
    status, spec = obj.get("status") or {}, obj.get("spec") or {}
    names, images = _template(obj)
    start, end = status.get("startTime"), status.get("completionTime")
    duration = ""
    if start:
        then = datetime.strptime(start, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp()
        until = (
            datetime.strptime(end, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp()
            if end
            else time.time()
        )
        duration = f"{max(0, int(until - then))}s"
    return [
        f"{status.get('succeeded', 0)}/{spec.get('completions', 1)}",
        duration,
        _age(obj),
        names,
        images,
        _selector((spec.get("selector") or {}).get("matchLabels")),
    ]


def _cronjob(obj: dict[str, Any]) -> list[Cell]:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    job_spec = (spec.get("jobTemplate") or {}).get("spec") or {}
    names, images = _template({"spec": job_spec})
    return [
        spec.get("schedule", ""),
        "True" if spec.get("suspend") else "False",
        len(status.get("active") or []),
        _since(status.get("lastScheduleTime")) if status.get("lastScheduleTime") else "<none>",
        _age(obj),
        names,
        images,
        _selector((job_spec.get("selector") or {}).get("matchLabels")),
    ]


def _controllerrevision(obj: dict[str, Any]) -> list[Cell]:
    owner = next(
        (
            r
            for r in (obj.get("metadata") or {}).get("ownerReferences") or []
            if r.get("controller")
        ),
        None,
    )
    controller = "<none>"
    if owner is not None:
        group = str(owner.get("apiVersion", "")).rpartition("/")[0]
        kind = str(owner.get("kind", "")).lower()
        controller = (
            f"{kind}.{group}/{owner.get('name')}" if group else f"{kind}/{owner.get('name')}"
        )
    return [controller, int(obj.get("revision") or 0), _age(obj)]


RENDER: dict[str, Callable[[dict[str, Any]], list[Cell]]] = {
    "pods": _pod,
    "deployments": _deployment,
    "replicasets": _replicaset,
    "services": _service,
    "endpoints": _endpoints,
    "ingresses": _ingress,
    "horizontalpodautoscalers": _hpa,
    "configmaps": lambda o: [len(o.get("data") or {}) + len(o.get("binaryData") or {}), _age(o)],
    "secrets": lambda o: [o.get("type", "Opaque"), len(o.get("data") or {}), _age(o)],
    "events": _event,
    "nodes": _node,
    "poddisruptionbudgets": lambda o: [
        str((o.get("spec") or {}).get("minAvailable", "N/A")),
        str((o.get("spec") or {}).get("maxUnavailable", "N/A")),
        int((o.get("status") or {}).get("disruptionsAllowed") or 0),
        _age(o),
    ],
    "namespaces": lambda o: [(o.get("status") or {}).get("phase", "Active"), _age(o)],
    "serviceaccounts": lambda o: [len(o.get("secrets") or []), _age(o)],
    "persistentvolumeclaims": _pvc,
    "rolebindings": _binding,
    "clusterrolebindings": _binding,
    "statefulsets": _statefulset,
    "daemonsets": _daemonset,
    "jobs": _job,
    "cronjobs": _cronjob,
    "controllerrevisions": _controllerrevision,
}


def _metadata_only(obj: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": "PartialObjectMetadata",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": obj.get("metadata") or {},
    }


# A built-in kind without printers (the apiserver's default table convertor): Name and the
# creation time as RFC 3339 (``kubectl get roles`` shows NAME and CREATED AT).
DEFAULT_COLUMNS = [("Name", S, "name", 0), ("Created At", "date", "", 0)]
# What a v1.28 server answers for a Table a (very old, aggregated) API cannot give
NOT_ACCEPTABLE = (
    "only the following media types are accepted: application/json, application/yaml, "
    "application/vnd.kubernetes.protobuf"
)

ColumnSpec = list[tuple[str, str, str, int]]
Render = Callable[[dict[str, Any]], list[Cell]]


def _created_at(obj: dict[str, Any]) -> list[Cell]:
    return [(obj.get("metadata") or {}).get("creationTimestamp", "")]


def printers(plural: str) -> tuple[ColumnSpec, Render, bool]:
    """A built-in kind's columns, its cells (after the name), and whether the name comes first."""
    return (
        COLUMNS.get(plural, DEFAULT_COLUMNS),
        RENDER.get(plural, _created_at),
        plural != "events",
    )


def _json_path(obj: Any, path: str) -> Any:
    """The subset of JSONPath printer columns use: ``.spec.x``, ``.status.y[0].z``."""
    value = obj
    for part in path.strip().lstrip(".").replace("]", "").replace("[", ".").split("."):
        if not part:
            continue
        if isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        elif isinstance(value, dict) and part in value:
            value = value[part]
        else:
            return None
    return value


def crd_printers(crd: dict[str, Any], version: str) -> tuple[ColumnSpec, Render, bool]:
    """A custom resource's columns, from its CRD's ``additionalPrinterColumns`` for
    ``version`` (none: Name and Age, as a v1.28 server gives; answer 25 shows Size and Age).
    A ``date`` column shows an age, as the server formats it."""
    versions = (crd.get("spec") or {}).get("versions") or []
    chosen = next((v for v in versions if v.get("name") == version), {})
    printer = chosen.get("additionalPrinterColumns") or [
        {"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"}
    ]
    columns: ColumnSpec = [("Name", S, "name", 0)]
    paths: list[tuple[str, str]] = []
    for column in printer:
        kind = str(column.get("type") or "string")
        columns.append(
            (
                str(column.get("name", "")),
                kind,
                str(column.get("format") or ""),
                int(column.get("priority") or 0),
            )
        )
        paths.append((str(column.get("jsonPath", "")), kind))

    def render(obj: dict[str, Any]) -> list[Cell]:
        cells: list[Cell] = []
        for path, kind in paths:
            value = _json_path(obj, path)
            if kind == "date":
                cells.append(_since(value) if value else "<unknown>")
            elif value is None or isinstance(value, (dict, list)):
                cells.append("" if value is None else json.dumps(value, separators=(",", ":")))
            else:
                cells.append(value)
        return cells

    return columns, render, True


def _column_definitions(columns: ColumnSpec) -> list[dict[str, Any]]:
    return [
        {"name": n, "type": t, "format": f, "description": "", "priority": p}
        for n, t, f, p in columns
    ]


def table_row(
    item: dict[str, Any],
    kind: str,
    api_version: str,
    include: str,
    found: tuple[ColumnSpec, Render, bool],
) -> dict[str, Any]:
    _, render, named = found
    cells = render(item)
    if named:
        cells = [(item.get("metadata") or {}).get("name", ""), *cells]
    whole = {"kind": kind, "apiVersion": api_version, **item}
    return {"cells": cells, "object": whole if include == "Object" else _metadata_only(item)}


def table(
    plural: str,
    listed: dict[str, Any],
    include: str,
    found: tuple[ColumnSpec, Render, bool] | None = None,
) -> dict[str, Any]:
    """A list answer as a Table (``found``: the kind's printers, a built-in's by default)."""
    found = found or printers(plural)
    kind = listed["kind"][: -len("List")]
    rows = [
        table_row(item, kind, listed["apiVersion"], include, found)
        for item in listed.get("items") or []
    ]
    return {
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        # a page's continue token and remaining count, as a list's (ListMeta)
        "metadata": {
            k: v
            for k, v in (listed.get("metadata") or {}).items()
            if k in ("resourceVersion", "continue", "remainingItemCount")
        },
        "columnDefinitions": _column_definitions(found[0]),
        "rows": rows,
    }


def watch_table(
    obj: dict[str, Any],
    kind: str,
    api_version: str,
    include: str,
    found: tuple[ColumnSpec, Render, bool],
    first: bool,
) -> dict[str, Any]:
    """A watch event's object as a Table of one row: a v1.28 server gives the column
    definitions in the first event's Table only (null after)."""
    return {
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": {"resourceVersion": (obj.get("metadata") or {}).get("resourceVersion", "")},
        "columnDefinitions": _column_definitions(found[0]) if first else None,
        "rows": [table_row(obj, kind, api_version, include, found)],
    }
