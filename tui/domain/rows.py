"""Raw Kubernetes JSON dicts to table rows.

Headless: stdlib only, and inputs are the API server's JSON (camelCase dicts),
never the kubernetes client's typed models.  Every cell is terminal-safe: no
newlines, tabs, escape sequences or other control characters, and bounded in
length.  Status logic follows kubectl's printers (``printPod`` etc.) so the
console and ``kubectl get`` agree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from .kinds import kind_for, object_key
from .text import MAX_CELL, clean
from .timefmt import UNKNOWN, _parse, age, human_duration, since

__all__ = [
    "CONFIGMAP_COLUMNS",
    "DEPLOYMENT_COLUMNS",
    "ENDPOINTS_COLUMNS",
    "EVENT_COLUMNS",
    "GENERIC_COLUMNS",
    "HPA_COLUMNS",
    "INGRESS_ROUTE_COLUMNS",
    "MAX_IMAGES",
    "NAMESPACE_COLUMN",
    "NAMESPACE_COLUMNS",
    "NODE_COLUMNS",
    "POD_COLUMNS",
    "PVC_COLUMNS",
    "REPLICASET_COLUMNS",
    "SECRET_COLUMNS",
    "SERVICE_COLUMNS",
    "Column",
    "Row",
    "Tone",
    "columns_for",
    "deployment_tone",
    "format_endpoint_addresses",
    "format_images",
    "format_labels",
    "pod_ready",
    "pod_status",
    "pod_tone",
    "render_configmap",
    "render_deployment",
    "render_endpoints",
    "render_event",
    "render_generic",
    "render_hpa",
    "render_ingress_routes",
    "render_namespace",
    "render_node",
    "render_pod",
    "render_pvc",
    "render_replicaset",
    "render_secret",
    "render_service",
    "rows_for",
]

Tone = Literal["ok", "progressing", "warning", "error", "muted"]

MAX_IMAGES = 80  # image lists are cut here
NONE = "<none>"


@dataclass(frozen=True, slots=True)
class Row:
    key: str  # object_key(obj), or "ns/ingress#host#path" for ingress routes
    cells: tuple[str, ...]
    tone: Tone


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    width_hint: int | None = None


def _int(value: object, default: int = 0) -> int:
    if type(value) is int:
        return value
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return default


# --------------------------------------------------------------------------- columns

NAMESPACE_COLUMN = Column("namespace", "NAMESPACE", 16)
GENERIC_COLUMNS: tuple[Column, ...] = (Column("name", "NAME", 40), Column("age", "AGE", 6))

DEPLOYMENT_COLUMNS: tuple[Column, ...] = (
    Column("name", "NAME", 40),
    Column("ready", "READY", 7),
    Column("up_to_date", "UP-TO-DATE", 10),
    Column("available", "AVAILABLE", 9),
    Column("age", "AGE", 6),
    Column("images", "IMAGES", 40),
    Column("strategy", "STRATEGY", 22),
    Column("revision", "REVISION", 8),
)
POD_COLUMNS: tuple[Column, ...] = (
    Column("name", "NAME", 48),
    Column("ready", "READY", 7),
    Column("status", "STATUS", 20),
    Column("restarts", "RESTARTS", 12),
    Column("age", "AGE", 6),
    Column("node", "NODE", 24),
    Column("ip", "IP", 15),
)
INGRESS_ROUTE_COLUMNS: tuple[Column, ...] = (
    Column("name", "NAME", 24),
    Column("host", "HOST", 32),
    Column("path", "PATH", 20),
    Column("backend", "BACKEND", 24),
    Column("tls", "TLS", 3),
    Column("endpoints", "ENDPOINTS", 14),
    Column("age", "AGE", 6),
)
REPLICASET_COLUMNS: tuple[Column, ...] = (
    Column("name", "NAME", 48),
    Column("desired", "DESIRED", 7),
    Column("current", "CURRENT", 7),
    Column("ready", "READY", 5),
    Column("age", "AGE", 6),
    Column("revision", "REVISION", 8),
    Column("images", "IMAGES", 40),
)
SERVICE_COLUMNS: tuple[Column, ...] = (
    Column("name", "NAME", 32),
    Column("type", "TYPE", 12),
    Column("cluster_ip", "CLUSTER-IP", 15),
    Column("ports", "PORTS", 20),
    Column("selector", "SELECTOR", 30),
    Column("age", "AGE", 6),
)
EVENT_COLUMNS: tuple[Column, ...] = (
    Column("last_seen", "LAST SEEN", 9),
    Column("type", "TYPE", 7),
    Column("reason", "REASON", 20),
    Column("object", "OBJECT", 40),
    Column("message", "MESSAGE", 80),
)
NAMESPACE_COLUMNS: tuple[Column, ...] = (
    Column("name", "NAME", 32),
    Column("status", "STATUS", 11),
    Column("age", "AGE", 6),
)
CONFIGMAP_COLUMNS: tuple[Column, ...] = (
    Column("name", "NAME", 40),
    Column("data", "DATA", 4),
    Column("age", "AGE", 6),
)
SECRET_COLUMNS: tuple[Column, ...] = (
    Column("name", "NAME", 40),
    Column("type", "TYPE", 36),
    Column("data", "DATA", 4),
    Column("age", "AGE", 6),
)
NODE_COLUMNS: tuple[Column, ...] = (
    Column("name", "NAME", 32),
    Column("status", "STATUS", 10),
    Column("roles", "ROLES", 14),
    Column("age", "AGE", 6),
    Column("version", "VERSION", 10),
)
PVC_COLUMNS: tuple[Column, ...] = (
    Column("name", "NAME", 32),
    Column("status", "STATUS", 8),
    Column("volume", "VOLUME", 40),
    Column("capacity", "CAPACITY", 8),
    Column("access_modes", "ACCESS MODES", 12),
    Column("storageclass", "STORAGECLASS", 14),
    Column("age", "AGE", 6),
)
HPA_COLUMNS: tuple[Column, ...] = (
    Column("name", "NAME", 32),
    Column("reference", "REFERENCE", 32),
    Column("targets", "TARGETS", 24),
    Column("minpods", "MINPODS", 7),
    Column("maxpods", "MAXPODS", 7),
    Column("replicas", "REPLICAS", 8),
    Column("age", "AGE", 6),
)
ENDPOINTS_COLUMNS: tuple[Column, ...] = (
    Column("name", "NAME", 32),
    Column("endpoints", "ENDPOINTS", 48),
    Column("age", "AGE", 6),
)

_COLUMNS: dict[str, tuple[Column, ...]] = {
    "pods": POD_COLUMNS,
    "deployments": DEPLOYMENT_COLUMNS,
    "replicasets": REPLICASET_COLUMNS,
    "services": SERVICE_COLUMNS,
    "endpoints": ENDPOINTS_COLUMNS,
    "ingresses": INGRESS_ROUTE_COLUMNS,
    "events": EVENT_COLUMNS,
    "configmaps": CONFIGMAP_COLUMNS,
    "secrets": SECRET_COLUMNS,
    "namespaces": NAMESPACE_COLUMNS,
    "nodes": NODE_COLUMNS,
    "persistentvolumeclaims": PVC_COLUMNS,
    "horizontalpodautoscalers": HPA_COLUMNS,
}
_CLUSTER_SCOPED = frozenset({"namespaces", "nodes"})
_WITH_NS: dict[str, tuple[Column, ...]] = {
    plural: (NAMESPACE_COLUMN, *cols) for plural, cols in _COLUMNS.items()
}


def _plural(kind: str) -> str:
    plural = kind.lower()
    if plural in _COLUMNS:
        return plural
    resolved = kind_for(plural)
    return resolved.plural if resolved is not None else plural


def columns_for(kind_plural: str, all_namespaces: bool) -> tuple[Column, ...]:
    """Columns for a kind; NAMESPACE first when listing all namespaces.

    Takes the plural or any alias kind_for knows.  Cluster-scoped kinds never
    get a NAMESPACE column.  Unknown kinds get NAME, AGE.
    """
    plural = _plural(kind_plural)
    if all_namespaces and plural not in _CLUSTER_SCOPED:
        return _WITH_NS.get(plural) or (NAMESPACE_COLUMN, *GENERIC_COLUMNS)
    return _COLUMNS.get(plural, GENERIC_COLUMNS)


def _row(
    obj: dict[str, Any], cells: Sequence[str], tone: Tone, all_namespaces: bool, key: str = ""
) -> Row:
    if all_namespaces:
        ns = (obj.get("metadata") or {}).get("namespace") or ""
        return Row(key or object_key(obj), (clean(ns), *cells), tone)
    return Row(key or object_key(obj), tuple(cells), tone)


def _name(obj: dict[str, Any]) -> str:
    return clean((obj.get("metadata") or {}).get("name") or "")


# --------------------------------------------------------------------------- pods

_POD_ERROR = frozenset(
    {
        "CrashLoopBackOff",
        "ImagePullBackOff",
        "ErrImagePull",
        "ErrImageNeverPull",
        "InvalidImageName",
        "ImageInspectError",
        "RegistryUnavailable",
        "CreateContainerConfigError",
        "CreateContainerError",
        "PreCreateHookError",
        "PreStartHookError",
        "PostStartHookError",
        "RunContainerError",
        "StartError",
        "ContainerCannotRun",
        "OOMKilled",
        "Error",
        "Failed",
        "Evicted",
        "DeadlineExceeded",
        "ContainerStatusUnknown",
        "NodeAffinity",
        "OutOfcpu",
        "OutOfmemory",
        "UnexpectedAdmissionError",
    }
)
_POD_PROGRESSING = frozenset({"Pending", "ContainerCreating", "PodInitializing"})
_POD_MUTED = frozenset({"Completed", "Succeeded", "Terminating"})
_POD_WARNING = frozenset({"NotReady", "Unknown", "SchedulingGated", "Shutdown", "Terminated"})

_PodSummary = tuple[str, int, int, int, float | None]
_EMPTY: Mapping[str, Any] = {}


def _is_restartable(spec: Mapping[str, Any] | None) -> bool:
    return spec is not None and spec.get("restartPolicy") == "Always"


def _count(value: object) -> int:
    return value if type(value) is int else _int(value)


def _finished_at(cstatus: Mapping[str, Any]) -> float | None:
    last = cstatus.get("lastState")
    if not last:
        return None
    term = last.get("terminated")
    if term is None:
        return None
    finished = term.get("finishedAt")
    return _parse(finished) if finished and type(finished) is str else None


def _pod_summary(
    meta: Mapping[str, Any], spec: Mapping[str, Any], status: Mapping[str, Any]
) -> _PodSummary:
    """(status, ready, total, restarts, last restart epoch) following kubectl's printPod."""
    containers = spec.get("containers") or ()
    init_specs = spec.get("initContainers") or ()

    total = len(containers)
    ready = 0
    restarts = 0
    last_restart: float | None = None
    sidecar_restarts = 0
    sidecar_last: float | None = None

    phase = status.get("phase") or ""
    reason = status.get("reason") or phase
    # kubectl reads each condition type from its first occurrence
    initialized: bool | None = None
    pod_ready: bool | None = None
    for cond in status.get("conditions") or ():
        ctype = cond.get("type")
        if ctype == "PodScheduled":
            if cond.get("reason") == "SchedulingGated":
                reason = "SchedulingGated"
        elif ctype == "Initialized":
            if initialized is None:
                initialized = cond.get("status") == "True"
        elif ctype == "Ready" and pod_ready is None:
            pod_ready = cond.get("status") == "True"

    initializing = False
    if init_specs:
        init_by_name: dict[str, Mapping[str, Any]] = {}
        for ic in init_specs:
            init_by_name[ic.get("name") or ""] = ic
            if _is_restartable(ic):
                total += 1
        for index, cs in enumerate(status.get("initContainerStatuses") or ()):
            count = _count(cs.get("restartCount") or 0)
            restarts += count
            finished = _finished_at(cs)
            if finished is not None and (last_restart is None or finished > last_restart):
                last_restart = finished
            sidecar = _is_restartable(init_by_name.get(cs.get("name") or ""))
            if sidecar:
                sidecar_restarts += count
                if finished is not None and (sidecar_last is None or finished > sidecar_last):
                    sidecar_last = finished
            state = cs.get("state") or _EMPTY
            term = state.get("terminated")
            waiting = state.get("waiting")
            if term is not None and _count(term.get("exitCode") or 0) == 0:
                continue
            if sidecar and cs.get("started") is True:
                if cs.get("ready"):
                    ready += 1
                continue
            if term is not None:
                signal = _count(term.get("signal") or 0)
                if term.get("reason"):
                    reason = f"Init:{term['reason']}"
                elif signal:
                    reason = f"Init:Signal:{signal}"
                else:
                    reason = f"Init:ExitCode:{_count(term.get('exitCode') or 0)}"
            elif (
                waiting is not None
                and waiting.get("reason")
                and waiting["reason"] != "PodInitializing"
            ):
                reason = f"Init:{waiting['reason']}"
            else:
                reason = f"Init:{index}/{len(init_specs)}"
            initializing = True
            break

    if not initializing or initialized:
        restarts = sidecar_restarts
        last_restart = sidecar_last
        has_running = False
        for cs in reversed(status.get("containerStatuses") or ()):
            count = cs.get("restartCount")
            if count:
                restarts += _count(count)
            if cs.get("lastState"):
                finished = _finished_at(cs)
                if finished is not None and (last_restart is None or finished > last_restart):
                    last_restart = finished
            state = cs.get("state") or _EMPTY
            waiting = state.get("waiting")
            if waiting is not None and waiting.get("reason"):
                reason = waiting["reason"]
                continue
            term = state.get("terminated")
            if term is not None:
                if term.get("reason"):
                    reason = term["reason"]
                else:
                    signal = _count(term.get("signal") or 0)
                    exit_code = _count(term.get("exitCode") or 0)
                    reason = f"Signal:{signal}" if signal else f"ExitCode:{exit_code}"
            elif cs.get("ready") and state.get("running") is not None:
                has_running = True
                ready += 1
        if reason == "Completed" and has_running:
            reason = "Running" if pod_ready else "NotReady"

    if meta.get("deletionTimestamp"):
        if status.get("reason") == "NodeLost":
            reason = "Unknown"
        elif phase not in ("Succeeded", "Failed"):
            reason = "Terminating"

    if type(reason) is not str:
        reason = str(reason)
    return reason, ready, total, restarts, last_restart


def _summary_of(obj: Mapping[str, Any]) -> _PodSummary:
    return _pod_summary(
        obj.get("metadata") or _EMPTY, obj.get("spec") or _EMPTY, obj.get("status") or _EMPTY
    )


def pod_status(obj: dict[str, Any]) -> str:
    """The STATUS column of ``kubectl get pods`` (kubectl's printPod), unsanitised."""
    return _summary_of(obj)[0]


def pod_ready(obj: dict[str, Any]) -> tuple[int, int]:
    """(ready, total) containers as kubectl's READY column counts them (sidecars included)."""
    summary = _summary_of(obj)
    return summary[1], summary[2]


def pod_tone(status: str, ready: int, total: int) -> Tone:
    """Colour class for a pod row from its STATUS and READY counts."""
    if status == "Running":
        return "ok" if ready >= total else "progressing"
    if status in _POD_ERROR:
        return "error"
    if status in _POD_MUTED:
        return "muted"
    if status in _POD_PROGRESSING:
        return "progressing"
    if status in _POD_WARNING:
        return "warning"
    if status.startswith("Init:"):
        rest = status[5:]
        head, sep, tail = rest.partition("/")
        if sep and head.isdigit() and tail.isdigit():
            return "progressing"
        return "error"
    if status.startswith(("ExitCode:", "Signal:")):
        return "error"
    return "warning"


def _short(value: object, limit: int = 64) -> str:
    # the common case (a short printable string) without a call to clean()
    if type(value) is str and len(value) <= limit and value.isprintable():
        return value
    return clean(value, limit)


def render_pod(obj: dict[str, Any], now: float, all_namespaces: bool = False) -> Row:
    meta = obj.get("metadata") or _EMPTY
    spec = obj.get("spec") or _EMPTY
    status = obj.get("status") or _EMPTY
    reason, ready, total, restarts, last_restart = _pod_summary(meta, spec, status)
    if restarts and last_restart is not None:
        restarts_cell = f"{restarts} ({human_duration(now - last_restart)} ago)"
    else:
        restarts_cell = str(restarts)
    pod_ips = status.get("podIPs")
    ip = (pod_ips[0].get("ip") if pod_ips else None) or status.get("podIP") or NONE
    created = meta.get("creationTimestamp")
    ts = _parse(created) if created and type(created) is str else None
    cells = (
        _short(meta.get("name") or "", MAX_CELL),
        f"{ready}/{total}",
        _short(reason),
        restarts_cell,
        UNKNOWN if ts is None else human_duration(now - ts),
        _short(spec.get("nodeName") or NONE, MAX_CELL),
        _short(ip),
    )
    tone = pod_tone(reason, ready, total)
    name = meta.get("name") or ""
    namespace = meta.get("namespace")
    key = f"{namespace}/{name}" if namespace else name
    if all_namespaces:
        return Row(key, (_short(namespace or "", MAX_CELL), *cells), tone)
    return Row(key, cells, tone)


# --------------------------------------------------------------------------- workloads

_LIBRARY = "docker.io/library/"


def format_images(containers: Iterable[Mapping[str, Any]], limit: int = MAX_IMAGES) -> str:
    """Comma-joined images without the "docker.io/library/" prefix, cut at ``limit``."""
    images = []
    for c in containers:
        image = c.get("image") or ""
        if image.startswith(_LIBRARY):
            image = image[len(_LIBRARY) :]
        images.append(image)
    return clean(",".join(images), limit) if images else NONE


def _template_containers(obj: Mapping[str, Any]) -> Sequence[Mapping[str, Any]]:
    template = (obj.get("spec") or {}).get("template") or {}
    return (template.get("spec") or {}).get("containers") or ()


def _intstr(value: object, default: str) -> str:
    if value is None or value == "":
        return default
    return str(value)


def strategy_text(spec: Mapping[str, Any]) -> str:
    strategy = spec.get("strategy") or {}
    stype = strategy.get("type") or "RollingUpdate"
    if stype != "RollingUpdate":
        return clean(stype, 32)
    ru = strategy.get("rollingUpdate") or {}
    surge = _intstr(ru.get("maxSurge"), "25%")
    unavailable = _intstr(ru.get("maxUnavailable"), "25%")
    return clean(f"RollingUpdate {surge}/{unavailable}", 40)


def _revision(obj: Mapping[str, Any]) -> str:
    annotations = (obj.get("metadata") or {}).get("annotations") or {}
    rev = annotations.get("deployment.kubernetes.io/revision")
    return clean(rev, 16) if rev else NONE


def _find_condition(
    conditions: Iterable[Mapping[str, Any]], ctype: str
) -> Mapping[str, Any] | None:
    for cond in conditions:
        if cond.get("type") == ctype:
            return cond
    return None


def _desired(spec: Mapping[str, Any]) -> int:
    # spec.replicas is defaulted to 1 by the API server
    replicas = spec.get("replicas")
    return 1 if replicas is None else _int(replicas, 1)


def deployment_tone(obj: dict[str, Any]) -> Tone:
    """error: rollout failed; muted: scaled to zero; progressing: rollout under way; else ok."""
    spec = obj.get("spec") or {}
    status = obj.get("status") or {}
    conditions = status.get("conditions") or ()
    progressing = _find_condition(conditions, "Progressing")
    if progressing is not None and progressing.get("reason") == "ProgressDeadlineExceeded":
        return "error"
    failure = _find_condition(conditions, "ReplicaFailure")
    if failure is not None and failure.get("status") == "True":
        return "error"
    desired = _desired(spec)
    current = _int(status.get("replicas"))
    if desired == 0:
        return "muted" if current == 0 else "progressing"
    generation = _int((obj.get("metadata") or {}).get("generation"))
    observed = _int(status.get("observedGeneration"))
    updated = _int(status.get("updatedReplicas"))
    available = _int(status.get("availableReplicas"))
    if observed < generation or updated < desired or available < desired or current > updated:
        return "progressing"
    return "ok"


def render_deployment(obj: dict[str, Any], now: float, all_namespaces: bool = False) -> Row:
    spec = obj.get("spec") or {}
    status = obj.get("status") or {}
    cells = (
        _name(obj),
        f"{_int(status.get('readyReplicas'))}/{_desired(spec)}",
        str(_int(status.get("updatedReplicas"))),
        str(_int(status.get("availableReplicas"))),
        age(obj, now),
        format_images(_template_containers(obj)),
        strategy_text(spec),
        _revision(obj),
    )
    return _row(obj, cells, deployment_tone(obj), all_namespaces)


def render_replicaset(obj: dict[str, Any], now: float, all_namespaces: bool = False) -> Row:
    spec = obj.get("spec") or {}
    status = obj.get("status") or {}
    desired = _desired(spec)
    current = _int(status.get("replicas"))
    ready = _int(status.get("readyReplicas"))
    failure = _find_condition(status.get("conditions") or (), "ReplicaFailure")
    tone: Tone
    if failure is not None and failure.get("status") == "True":
        tone = "error"
    elif desired == 0 and current == 0:
        tone = "muted"
    elif ready < desired or current != desired:
        tone = "progressing"
    else:
        tone = "ok"
    cells = (
        _name(obj),
        str(desired),
        str(current),
        str(ready),
        age(obj, now),
        _revision(obj),
        format_images(_template_containers(obj)),
    )
    return _row(obj, cells, tone, all_namespaces)


# --------------------------------------------------------------------------- services & co


def format_labels(labels: Mapping[str, Any] | None) -> str:
    """``k=v,k2=v2`` sorted by key, or ``<none>`` (kubectl's labels.FormatLabels)."""
    if not labels:
        return NONE
    return ",".join(f"{k}={labels[k]}" for k in sorted(labels))


def _service_ports(ports: Iterable[Mapping[str, Any]]) -> str:
    pieces = []
    for p in ports:
        proto = p.get("protocol") or "TCP"
        node_port = _int(p.get("nodePort"))
        if node_port > 0:
            pieces.append(f"{p.get('port')}:{node_port}/{proto}")
        else:
            pieces.append(f"{p.get('port')}/{proto}")
    return ",".join(pieces) or NONE


def render_service(obj: dict[str, Any], now: float, all_namespaces: bool = False) -> Row:
    spec = obj.get("spec") or {}
    stype = spec.get("type") or "ClusterIP"
    cluster_ips = spec.get("clusterIPs")
    cluster_ip = (cluster_ips[0] if cluster_ips else None) or spec.get("clusterIP") or NONE
    tone: Tone = "ok"
    if stype == "LoadBalancer":
        lb = ((obj.get("status") or {}).get("loadBalancer") or {}).get("ingress")
        if not lb:
            tone = "progressing"
    cells = (
        _name(obj),
        clean(stype, 16),
        clean(cluster_ip, 48),
        clean(_service_ports(spec.get("ports") or ())),
        clean(format_labels(spec.get("selector"))),
        age(obj, now),
    )
    return _row(obj, cells, tone, all_namespaces)


def format_endpoint_addresses(
    endpoints: Mapping[str, Any] | None, port_name: str | None = None, limit: int = 3
) -> str:
    """Ready ``ip:port`` pairs of an Endpoints object, first ``limit`` then ``+ N more...``.

    kubectl's formatting; ``port_name`` keeps only that (service) port's pairs.
    """
    shown: list[str] = []
    count = 0
    for subset in (endpoints or _EMPTY).get("subsets") or ():
        ports = subset.get("ports") or ()
        for addr in subset.get("addresses") or ():
            ip = addr.get("ip") or ""
            if not ports:
                count += 1
                if len(shown) < limit:
                    shown.append(ip)
                continue
            for port in ports:
                if port_name is not None and (port.get("name") or "") != port_name:
                    continue
                count += 1
                if len(shown) < limit:
                    host = f"[{ip}]" if ":" in ip else ip
                    shown.append(f"{host}:{port.get('port')}")
    if not count:
        return NONE
    text = ",".join(shown)
    return f"{text} + {count - limit} more..." if count > limit else text


def render_endpoints(obj: dict[str, Any], now: float, all_namespaces: bool = False) -> Row:
    text = format_endpoint_addresses(obj)
    tone: Tone = "warning" if text == NONE else "ok"
    cells = (_name(obj), clean(text), age(obj, now))
    return _row(obj, cells, tone, all_namespaces)


def render_event(obj: dict[str, Any], now: float, all_namespaces: bool = False) -> Row:
    """kubectl's printEvent: LAST SEEN, TYPE, REASON, OBJECT, MESSAGE."""
    first = obj.get("firstTimestamp")
    first_seen = since(first, now) if first else since(obj.get("eventTime"), now)
    last = obj.get("lastTimestamp")
    last_seen = since(last, now) if last else first_seen
    series = obj.get("series")
    if series:
        last_seen = since(series.get("lastObservedTime"), now)
    involved = obj.get("involvedObject") or {}
    kind = (involved.get("kind") or "").lower()
    target = f"{kind}/{involved['name']}" if involved.get("name") else kind
    etype = obj.get("type") or ""
    tone: Tone = "warning" if etype == "Warning" else "ok"
    cells = (
        last_seen,
        clean(etype, 16),
        clean(obj.get("reason") or "", 48),
        clean(target),
        clean((obj.get("message") or "").strip()),
    )
    return _row(obj, cells, tone, all_namespaces)


def render_namespace(obj: dict[str, Any], now: float, all_namespaces: bool = False) -> Row:
    phase = (obj.get("status") or {}).get("phase") or "Active"
    tone: Tone = "ok" if phase == "Active" else "muted"
    return Row(object_key(obj), (_name(obj), clean(phase, 16), age(obj, now)), tone)


def render_configmap(obj: dict[str, Any], now: float, all_namespaces: bool = False) -> Row:
    count = len(obj.get("data") or {}) + len(obj.get("binaryData") or {})
    return _row(obj, (_name(obj), str(count), age(obj, now)), "ok", all_namespaces)


def render_secret(obj: dict[str, Any], now: float, all_namespaces: bool = False) -> Row:
    """NAME, TYPE, DATA (key count), AGE: never any value."""
    count = len(obj.get("data") or {})
    cells = (_name(obj), clean(obj.get("type") or "Opaque", 48), str(count), age(obj, now))
    return _row(obj, cells, "ok", all_namespaces)


def render_node(obj: dict[str, Any], now: float, all_namespaces: bool = False) -> Row:
    status = obj.get("status") or {}
    spec = obj.get("spec") or {}
    ready = _find_condition(status.get("conditions") or (), "Ready")
    if ready is None:
        state = "Unknown"
    else:
        state = {"True": "Ready", "False": "NotReady"}.get(ready.get("status") or "", "Unknown")
    tone: Tone = "ok" if state == "Ready" else "error"
    if spec.get("unschedulable"):
        state += ",SchedulingDisabled"
        if tone == "ok":
            tone = "warning"
    labels = (obj.get("metadata") or {}).get("labels") or {}
    roles = set()
    for key, value in labels.items():
        if key.startswith("node-role.kubernetes.io/"):
            role = key[len("node-role.kubernetes.io/") :]
            if role:
                roles.add(role)
        elif key == "kubernetes.io/role" and value:
            roles.add(value)
    version = (status.get("nodeInfo") or {}).get("kubeletVersion") or ""
    cells = (
        _name(obj),
        state,
        clean(",".join(sorted(roles)) or NONE),
        age(obj, now),
        clean(version, 32),
    )
    return Row(object_key(obj), cells, tone)


_ACCESS_MODES = (
    ("ReadWriteOnce", "RWO"),
    ("ReadOnlyMany", "ROX"),
    ("ReadWriteMany", "RWX"),
    ("ReadWriteOncePod", "RWOP"),
)


def render_pvc(obj: dict[str, Any], now: float, all_namespaces: bool = False) -> Row:
    spec = obj.get("spec") or {}
    status = obj.get("status") or {}
    phase = status.get("phase") or "Pending"
    volume = spec.get("volumeName") or ""
    capacity = modes = ""
    if volume:
        capacity = (status.get("capacity") or {}).get("storage") or ""
        have = status.get("accessModes") or ()
        modes = ",".join(short for mode, short in _ACCESS_MODES if mode in have)
    annotations = (obj.get("metadata") or {}).get("annotations") or {}
    klass = spec.get("storageClassName") or annotations.get(
        "volume.beta.kubernetes.io/storage-class", ""
    )
    tone: Tone = {"Bound": "ok", "Pending": "progressing", "Lost": "error"}.get(phase, "warning")
    cells = (
        _name(obj),
        clean(phase, 16),
        clean(volume),
        clean(capacity, 16),
        modes,
        clean(klass),
        age(obj, now),
    )
    return _row(obj, cells, tone, all_namespaces)


def _hpa_targets(spec: Mapping[str, Any], status: Mapping[str, Any]) -> str:
    current_by_name: dict[str, Mapping[str, Any]] = {}
    for cm in status.get("currentMetrics") or ():
        if cm.get("type") == "Resource":
            res = cm.get("resource") or {}
            current_by_name[res.get("name") or ""] = res.get("current") or {}
    parts = []
    for metric in spec.get("metrics") or ():
        mtype = metric.get("type") or ""
        if mtype == "Resource":
            res = metric.get("resource") or {}
            name = res.get("name") or ""
            target = res.get("target") or {}
            current = current_by_name.get(name)
            if "averageUtilization" in target:
                cur = (
                    f"{current['averageUtilization']}%"
                    if current and "averageUtilization" in current
                    else UNKNOWN
                )
                parts.append(f"{name}: {cur}/{target['averageUtilization']}%")
            else:
                want = target.get("averageValue") or target.get("value") or "?"
                cur = (current or {}).get("averageValue") or UNKNOWN
                parts.append(f"{name}: {cur}/{want}")
        else:
            parts.append(f"{mtype or 'metric'}: ...")
    return ", ".join(parts) or NONE


def render_hpa(obj: dict[str, Any], now: float, all_namespaces: bool = False) -> Row:
    spec = obj.get("spec") or {}
    status = obj.get("status") or {}
    ref = spec.get("scaleTargetRef") or {}
    min_pods = spec.get("minReplicas")
    max_pods = _int(spec.get("maxReplicas"))
    current = _int(status.get("currentReplicas"))
    able = _find_condition(status.get("conditions") or (), "ScalingActive")
    tone: Tone = "ok"
    inactive = able is not None and able.get("status") == "False"
    if inactive or (max_pods and current >= max_pods):
        tone = "warning"
    cells = (
        _name(obj),
        clean(f"{ref.get('kind', '')}/{ref.get('name', '')}"),
        clean(_hpa_targets(spec, status)),
        "1" if min_pods is None else str(_int(min_pods, 1)),
        str(max_pods),
        str(current),
        age(obj, now),
    )
    return _row(obj, cells, tone, all_namespaces)


def render_generic(obj: dict[str, Any], now: float, all_namespaces: bool = False) -> Row:
    return _row(obj, (_name(obj), age(obj, now)), "ok", all_namespaces)


# --------------------------------------------------------------------------- ingress routes


def _backend_label(backend: Mapping[str, Any]) -> str:
    svc = backend.get("service")
    if svc:
        port = svc.get("port") or {}
        number = port.get("number")
        return f"{svc.get('name', '')}:{number if number else port.get('name', '')}"
    resource = backend.get("resource")
    if resource:
        return f"{resource.get('kind', '')}/{resource.get('name', '')}"
    return NONE


def _tls_covers(host: str, tls: Sequence[Mapping[str, Any]]) -> bool:
    for entry in tls:
        hosts = entry.get("hosts") or ()
        if not hosts:
            return True  # TLS for every host the controller serves
        if not host:
            continue
        for tls_host in hosts:
            if tls_host == host:
                return True
            if tls_host.startswith("*.") and not host.startswith("*."):
                # a wildcard certificate name covers exactly one more label
                head, dot, rest = host.partition(".")
                if dot and head and rest == tls_host[2:]:
                    return True
    return False


def _service_port_name(service: Mapping[str, Any], port: Mapping[str, Any]) -> str | None:
    """The service port's name for a backend port, or None when the service has no such port."""
    number = port.get("number")
    name = port.get("name")
    for sp in (service.get("spec") or {}).get("ports") or ():
        if (number and sp.get("port") == number) or (name and sp.get("name") == name):
            return sp.get("name") or ""
    return None


def _endpoint_counts(endpoints: Mapping[str, Any], port_name: str) -> tuple[int, int]:
    ready = not_ready = 0
    for subset in endpoints.get("subsets") or ():
        ports = subset.get("ports") or ()
        if ports and not any((p.get("name") or "") == port_name for p in ports):
            continue
        ready += len(subset.get("addresses") or ())
        not_ready += len(subset.get("notReadyAddresses") or ())
    return ready, ready + not_ready


def _route_endpoints(
    namespace: str,
    backend: Mapping[str, Any],
    services: Mapping[str, dict[str, Any]] | None,
    endpoints: Mapping[str, dict[str, Any]] | None,
) -> tuple[str, Tone]:
    svc_ref = backend.get("service")
    if not svc_ref:
        return ("n/a", "muted") if backend.get("resource") else ("no backend", "error")
    if services is None:
        return "-", "muted"
    key = f"{namespace}/{svc_ref.get('name', '')}"
    service = services.get(key)
    if service is None:
        return "no service", "error"
    if (service.get("spec") or {}).get("type") == "ExternalName":
        return "external", "ok"
    port_name = _service_port_name(service, svc_ref.get("port") or {})
    if port_name is None:
        return "no such port", "error"
    ep = endpoints.get(key) if endpoints is not None else None
    if ep is None:
        return "no endpoints", "error"
    ready, total = _endpoint_counts(ep, port_name)
    if total == 0:
        return "no endpoints", "error"
    tone: Tone = "ok" if ready == total else ("warning" if ready else "error")
    return f"{ready}/{total} ready", tone


def _path_label(path: Mapping[str, Any]) -> str:
    text = path.get("path") or "/"
    ptype = path.get("pathType") or "Prefix"
    return text if ptype == "Prefix" else f"{text} ({ptype})"


def render_ingress_routes(
    ingress: dict[str, Any],
    services: Mapping[str, dict[str, Any]] | None,
    endpoints: Mapping[str, dict[str, Any]] | None,
    now: float,
    all_namespaces: bool = False,
) -> list[Row]:
    """One row per rule host + path, plus one for ``spec.defaultBackend``.

    ``services`` / ``endpoints`` are keyed "ns/name".  Passing ``None`` for
    ``services`` means "not known": the ENDPOINTS cell then reads "-".
    A rule with a host but no ``http`` paths is served by the default backend
    and gets one row with PATH "*".
    """
    meta = ingress.get("metadata") or {}
    namespace = meta.get("namespace") or ""
    base_key = object_key(ingress)
    spec = ingress.get("spec") or {}
    tls = spec.get("tls") or ()
    name = _name(ingress)
    created = age(ingress, now)
    default_backend = spec.get("defaultBackend")
    rows: list[Row] = []
    seen: dict[str, int] = {}

    def add(
        host: str, path_cell: str, path_key: str, backend: Mapping[str, Any] | None, label: str
    ):
        key = f"{base_key}#{host or '*'}#{path_key}"
        n = seen.get(key, 0) + 1
        seen[key] = n
        if n > 1:
            key = f"{key}#{n}"
        if backend is None:  # the controller's own default backend
            ep_text, tone = "-", "muted"
        else:
            ep_text, tone = _route_endpoints(namespace, backend, services, endpoints)
        cells = (
            name,
            clean(host or "*"),
            clean(path_cell),
            clean(label),
            "yes" if _tls_covers(host, tls) else "no",
            ep_text,
            created,
        )
        rows.append(_row(ingress, cells, tone, all_namespaces, key))

    for rule in spec.get("rules") or ():
        host = rule.get("host") or ""
        paths = (rule.get("http") or {}).get("paths")
        if not paths:
            if default_backend:
                add(
                    host,
                    "*",
                    "*",
                    default_backend,
                    "default-backend " + _backend_label(default_backend),
                )
            else:
                add(host, "*", "*", None, "default-backend")
            continue
        for path in paths:
            backend = path.get("backend") or {}
            add(host, _path_label(path), path.get("path") or "/", backend, _backend_label(backend))
    if default_backend:
        add(
            "",
            "*",
            "<default>",
            default_backend,
            "default-backend " + _backend_label(default_backend),
        )
    return rows


# --------------------------------------------------------------------------- dispatch

_Renderer = Callable[[dict[str, Any], float, bool], Row]
_RENDERERS: dict[str, _Renderer] = {
    "pods": render_pod,
    "deployments": render_deployment,
    "replicasets": render_replicaset,
    "services": render_service,
    "endpoints": render_endpoints,
    "events": render_event,
    "namespaces": render_namespace,
    "configmaps": render_configmap,
    "secrets": render_secret,
    "nodes": render_node,
    "persistentvolumeclaims": render_pvc,
    "horizontalpodautoscalers": render_hpa,
}


def rows_for(
    kind_plural: str,
    obj: dict[str, Any],
    now: float,
    all_namespaces: bool,
    *,
    services: Mapping[str, dict[str, Any]] | None = None,
    endpoints: Mapping[str, dict[str, Any]] | None = None,
) -> list[Row]:
    """Rows for one object of ``kind_plural``; cells line up with ``columns_for``.

    Ingresses yield one row per route; give ``services``/``endpoints`` (keyed
    "ns/name") to fill the ENDPOINTS column.  Unknown kinds get NAME, AGE.
    """
    plural = _plural(kind_plural)
    if plural == "ingresses":
        return render_ingress_routes(obj, services, endpoints, now, all_namespaces)
    renderer = _RENDERERS.get(plural, render_generic)
    if plural in _CLUSTER_SCOPED:
        all_namespaces = False
    return [renderer(obj, now, all_namespaces)]
