"""kubectl-describe-like text and kubectl-like YAML for raw API objects.

Headless: stdlib + PyYAML.  Layout follows kubectl's describers (the same
labels, order and Go ``text/tabwriter`` column alignment), with two differences
that matter in a terminal: every interpolated value is sanitised (no control
characters, no stray tabs or newlines), and Secret values never appear, not
even the service-account token kubectl itself prints.
"""

from __future__ import annotations

import base64
import binascii
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import yaml
from gok_tui.domain.pods import controller_of
from gok_tui.domain.render.endpoints import format_endpoint_addresses
from gok_tui.domain.table import NONE

from .kinds import kind_for
from .selectors import selector_string
from .text import clean
from .timefmt import format_rfc1123z, parse_timestamp, since

__all__ = [
    "describe",
    "describe_probe",
    "is_secret",
    "redact_secret",
    "related_events",
    "to_yaml",
]

_LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
_MAX_VALUE = 4096
_MAX_ANNOTATION = 140

Obj = Mapping[str, Any]


def _d(value: object) -> str:
    """A value as one safe line of describe output."""
    return clean(value, _MAX_VALUE)


def _b(value: object) -> str:
    """Go's ``%t``/printBool spelling of a boolean."""
    return "True" if value else "False"


def _t(value: object) -> str:
    return "true" if value else "false"


# --------------------------------------------------------------------------- kinds, secrets


def _kind_name(obj: Obj, kind: str | None) -> str:
    if kind:
        k = kind_for(kind)
        return k.name if k else kind
    return obj.get("kind") or ""


def is_secret(obj: Obj, kind: str | None = None) -> bool:
    """True for a Secret: by its ``kind``, the ``kind`` the caller names, or its shape.

    Objects from list responses carry no ``kind``; one with a string ``type``
    and ``data``/``stringData`` and no ``spec`` is taken for a Secret whatever
    the caller says, so a mislabelled Secret is still redacted.
    """
    own = obj.get("kind")
    if own == "Secret":
        return True
    if kind:
        named = kind_for(kind)
        if (named.name if named else kind) == "Secret":
            return True
    if own:
        return False
    return (
        isinstance(obj.get("type"), str)
        and ("data" in obj or "stringData" in obj)
        and "spec" not in obj
    )


def _decoded_len(value: object) -> int:
    if not isinstance(value, str):
        return 0
    try:
        return len(base64.b64decode(value, validate=False))
    except (binascii.Error, ValueError):
        stripped = value.rstrip("=")
        return len(stripped) * 3 // 4


def redact_secret(obj: Obj) -> dict[str, Any]:
    """A copy of a Secret whose values read ``<redacted: N bytes>``.

    Also blanks the last-applied-configuration annotation, which carries the
    Secret as it was applied, values included.
    """
    out = dict(obj)
    if isinstance(obj.get("data"), Mapping):
        out["data"] = {k: f"<redacted: {_decoded_len(v)} bytes>" for k, v in obj["data"].items()}
    if isinstance(obj.get("stringData"), Mapping):
        out["stringData"] = {
            k: f"<redacted: {len(str(v).encode())} bytes>" for k, v in obj["stringData"].items()
        }
    meta = obj.get("metadata")
    if isinstance(meta, Mapping) and isinstance(meta.get("annotations"), Mapping):
        annotations = meta["annotations"]
        if _LAST_APPLIED in annotations:
            new_meta = dict(meta)
            new_meta["annotations"] = {**annotations, _LAST_APPLIED: "<redacted>"}
            out["metadata"] = new_meta
    return out


def _safe(obj: Obj, kind: str | None) -> Obj:
    """Redact Secrets, including Secrets inside a list object."""
    if is_secret(obj, kind):
        return redact_secret(obj)
    items = obj.get("items")
    if isinstance(items, list):
        list_kind = _kind_name(obj, kind)
        item_kind = list_kind[:-4] if list_kind.endswith("List") and list_kind != "List" else None
        out = dict(obj)
        out["items"] = [
            _safe(item, item_kind) if isinstance(item, Mapping) else item for item in items
        ]
        return out
    return obj


# --------------------------------------------------------------------------- YAML


class _Dumper(yaml.SafeDumper):
    def choose_scalar_style(self) -> str:
        # kubectl (sigs.k8s.io/yaml) quotes with double quotes, never single ones
        style = super().choose_scalar_style()
        return '"' if style == "'" else style


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    style = None
    if not data.replace("\n", "").isprintable():
        style = '"'  # PyYAML escapes controls there; see _escape_yaml for the rest
    elif "\n" in data:
        style = "|"
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _represent_str)


def _escape_yaml(text: str) -> str:
    # Only double-quoted scalars can hold these (see _represent_str), where a
    # \u escape means the same character: format characters (bidi, zero-width)
    # and odd spaces that PyYAML writes raw.
    if text.replace("\n", "").isprintable():
        return text
    out = []
    for ch in text:
        if ch == "\n" or ch.isprintable():
            out.append(ch)
        else:
            code = ord(ch)
            out.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
    return "".join(out)


def _sorted_tree(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _sorted_tree(value[k]) for k in sorted(value, key=str)}
    if isinstance(value, list | tuple):
        return [_sorted_tree(v) for v in value]
    return value


def _dump(value: Any) -> str:
    text = yaml.dump(
        value,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=1 << 30,
    )
    return _escape_yaml(text)


_TOP_ORDER = ("apiVersion", "kind", "metadata", "spec", "status")


def to_yaml(
    obj: dict[str, Any], *, show_managed_fields: bool = False, kind: str | None = None
) -> str:
    """YAML like ``kubectl get -o yaml``.

    apiVersion, kind, metadata, spec, status come first, then the other
    top-level keys; nested keys are sorted as kubectl sorts them.
    ``metadata.managedFields`` is dropped unless asked for.  Secret values are
    replaced by ``<redacted: N bytes>``.  ``kind`` (a kind name or alias) fills
    in apiVersion/kind for list items, which the API server sends without them.
    """
    data = dict(_safe(obj, kind))
    k = kind_for(kind) if kind else None
    if k is not None:
        data.setdefault("apiVersion", k.api_version)
        data.setdefault("kind", k.name)
    meta = data.get("metadata")
    if not show_managed_fields and isinstance(meta, Mapping) and "managedFields" in meta:
        data["metadata"] = {mk: mv for mk, mv in meta.items() if mk != "managedFields"}
    ordered: dict[str, Any] = {}
    for key in _TOP_ORDER:
        if key in data:
            ordered[key] = _sorted_tree(data[key])
    for key in sorted(data, key=str):
        if key not in ordered:
            ordered[str(key)] = _sorted_tree(data[key])
    return _dump(ordered)


# --------------------------------------------------------------------------- tabwriter


def _tabify(lines: Sequence[str], padding: int = 2) -> str:
    """Align tab-separated cells the way Go's text/tabwriter does for kubectl.

    A column block is a run of consecutive lines whose cell in that column is
    tab-terminated; the last cell of a line never counts.  Trailing blanks are
    dropped.
    """
    rows = [line.split("\t") for line in lines]
    widths = [[0] * (len(r) - 1) for r in rows]
    n = len(rows)
    columns = max((len(r) for r in rows), default=1) - 1
    for col in range(columns):
        i = 0
        while i < n:
            if len(rows[i]) - 1 <= col:
                i += 1
                continue
            start = i
            width = 0
            while i < n and len(rows[i]) - 1 > col:
                width = max(width, len(rows[i][col]))
                i += 1
            for j in range(start, i):
                widths[j][col] = width + padding
    out = []
    for cells, ws in zip(rows, widths, strict=True):
        text = "".join(cell.ljust(w) for cell, w in zip(cells, ws, strict=False)) + cells[-1]
        out.append(text.rstrip())
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- shared pieces


def _labels(w: list[str], title: str, labels: Mapping[str, Any] | None, indent: str = "") -> None:
    keys = sorted(labels or ())
    if not keys:
        w.append(f"{indent}{title}:\t{NONE}")
        return
    assert labels is not None
    for i, key in enumerate(keys):
        head = f"{indent}{title}:\t" if i == 0 else f"{indent}\t"
        w.append(f"{head}{_d(key)}={_d(labels[key])}")


def _shorten(text: str, limit: int) -> str:
    return text[:limit] + "..." if len(text) > limit else text


def _annotations(w: list[str], title: str, annotations: Mapping[str, Any] | None) -> None:
    keys = sorted(k for k in (annotations or ()) if k != _LAST_APPLIED)
    if not keys:
        w.append(f"{title}:\t{NONE}")
        return
    assert annotations is not None
    for i, key in enumerate(keys):
        head = f"{title}:\t" if i == 0 else "\t"
        value = str(annotations[key])
        value = value.removesuffix("\n")
        if len(value) + len(key) + 2 > _MAX_ANNOTATION or "\n" in value:
            w.append(f"{head}{_d(key)}:")
            for part in value.split("\n"):
                w.append(f"\t  {_d(_shorten(part, _MAX_ANNOTATION - 2))}")
        else:
            w.append(f"{head}{_d(key)}: {_d(value)}")


def _selector_requirements(selector: Mapping[str, Any] | None) -> str:
    """metav1.LabelSelectorAsSelector(...).String(): sorted requirements."""
    return (selector_string(selector) or "") if selector else ""


def _format_label_selector(selector: Mapping[str, Any] | None) -> str:
    return _selector_requirements(selector) or NONE


def _controller(meta: Mapping[str, Any]) -> str:
    ref = controller_of({"metadata": meta})
    return f"{ref.get('kind', '')}/{ref.get('name', '')}" if ref else ""


def _event_sort_key(event: Mapping[str, Any]) -> float:
    series = event.get("series") or {}
    for value in (
        event.get("lastTimestamp"),
        series.get("lastObservedTime"),
        event.get("eventTime"),
        event.get("firstTimestamp"),
        (event.get("metadata") or {}).get("creationTimestamp"),
    ):
        ts = parse_timestamp(value)
        if ts is not None:
            return ts
    return 0.0


def _events(w: list[str], events: Sequence[Mapping[str, Any]], now: float) -> None:
    if not events:
        w.append(f"Events:\t{NONE}")
        return
    w.append("Events:")
    w.append("  Type\tReason\tAge\tFrom\tMessage")
    w.append("  ----\t------\t----\t----\t-------")
    for e in sorted(events, key=_event_sort_key):
        event_time = e.get("eventTime")
        first = since(event_time, now) if event_time else since(e.get("firstTimestamp"), now)
        series = e.get("series")
        count = e.get("count") or 0
        if series:
            seen = since(series.get("lastObservedTime"), now)
            interval = f"{seen} (x{series.get('count', 0)} over {first})"
        elif isinstance(count, int) and count > 1:
            interval = f"{since(e.get('lastTimestamp'), now)} (x{count} over {first})"
        else:
            interval = first
        source = (e.get("source") or {}).get("component") or e.get("reportingComponent") or ""
        message = str(e.get("message") or "").strip()
        field_path = (e.get("involvedObject") or {}).get("fieldPath")
        if field_path:
            message = f"{field_path}: {message}"
        w.append(
            f"  {_d(e.get('type') or '')}\t{_d(e.get('reason') or '')}\t{interval}"
            f"\t{_d(source)}\t{_d(message)}"
        )


def related_events(obj: Obj, events: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The events whose involvedObject is ``obj`` (by uid, else kind + namespace + name)."""
    meta = obj.get("metadata") or {}
    uid = meta.get("uid")
    name = meta.get("name")
    namespace = meta.get("namespace") or ""
    kind = obj.get("kind")
    out = []
    for e in events:
        inv = e.get("involvedObject") or {}
        if uid and inv.get("uid"):
            if inv["uid"] == uid:
                out.append(e)
            continue
        if (
            inv.get("name") == name
            and (inv.get("namespace") or "") == namespace
            and (not kind or not inv.get("kind") or inv.get("kind") == kind)
        ):
            out.append(e)
    return out


def _conditions_table(w: list[str], conditions: Sequence[Mapping[str, Any]]) -> None:
    if not conditions:
        return
    w.append("Conditions:")
    w.append("  Type\tStatus\tReason")
    w.append("  ----\t------\t------")
    for c in conditions:
        w.append(f"  {_d(c.get('type'))} \t{_d(c.get('status'))}\t{_d(c.get('reason') or '')}")


# --------------------------------------------------------------------------- containers

_PROBE_DEFAULTS = (
    ("initialDelaySeconds", 0),
    ("timeoutSeconds", 1),
    ("periodSeconds", 10),
    ("successThreshold", 1),
    ("failureThreshold", 3),
)


def _join_host_port(host: str, port: object) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def describe_probe(probe: Mapping[str, Any]) -> str:
    """kubectl's DescribeProbe ("http-get http://:8080/healthz delay=0s timeout=1s ...")."""
    v = {key: probe.get(key, default) for key, default in _PROBE_DEFAULTS}
    attrs = (
        f"delay={v['initialDelaySeconds']}s timeout={v['timeoutSeconds']}s "
        f"period={v['periodSeconds']}s successThreshold={v['successThreshold']} "
        f"failureThreshold={v['failureThreshold']}"
    )
    if probe.get("exec") is not None:
        command = " ".join(str(c) for c in probe["exec"].get("command") or ())
        return f"exec [{command}] {attrs}"
    if probe.get("httpGet") is not None:
        get = probe["httpGet"]
        scheme = str(get.get("scheme") or "HTTP").lower()
        host = get.get("host") or ""
        port = get.get("port")
        netloc = _join_host_port(host, port) if port not in (None, "") else host
        path = get.get("path") or ""
        if path and not path.startswith("/") and netloc:
            path = "/" + path
        return f"http-get {scheme}://{netloc}{path} {attrs}"
    if probe.get("tcpSocket") is not None:
        sock = probe["tcpSocket"]
        return f"tcp-socket {sock.get('host') or ''}:{sock.get('port', '')} {attrs}"
    if probe.get("grpc") is not None:
        grpc = probe["grpc"]
        return f"grpc <pod>:{grpc.get('port', '')} {grpc.get('service') or ''} {attrs}"
    return f"unknown {attrs}"


def _ports(ports: Sequence[Mapping[str, Any]], field: str) -> str:
    pieces = []
    for p in ports:
        text = f"{p.get(field) or 0}/{p.get('protocol') or 'TCP'}"
        if p.get("name"):
            text += f" ({p['name']})"
        pieces.append(text)
    return ", ".join(pieces)


def _state(w: list[str], title: str, state: Mapping[str, Any]) -> None:
    if state.get("running") is not None:
        w.append(f"    {title}:\tRunning")
        w.append(f"      Started:\t{format_rfc1123z(state['running'].get('startedAt'))}")
    elif state.get("waiting") is not None:
        waiting = state["waiting"]
        w.append(f"    {title}:\tWaiting")
        if waiting.get("reason"):
            w.append(f"      Reason:\t{_d(waiting['reason'])}")
        if waiting.get("message"):
            w.append(f"      Message:\t{_d(waiting['message'])}")
    elif state.get("terminated") is not None:
        term = state["terminated"]
        w.append(f"    {title}:\tTerminated")
        if term.get("reason"):
            w.append(f"      Reason:\t{_d(term['reason'])}")
        if term.get("message"):
            w.append(f"      Message:\t{_d(term['message'])}")
        w.append(f"      Exit Code:\t{_d(term.get('exitCode', 0))}")
        if term.get("signal"):
            w.append(f"      Signal:\t{_d(term['signal'])}")
        w.append(f"      Started:\t{format_rfc1123z(term.get('startedAt'))}")
        w.append(f"      Finished:\t{format_rfc1123z(term.get('finishedAt'))}")
    else:
        w.append(f"    {title}:\tWaiting")


def _resources(w: list[str], resources: Mapping[str, Any] | None, indent: str) -> None:
    for section, title in (("limits", "Limits"), ("requests", "Requests")):
        values = (resources or {}).get(section) or {}
        if values:
            w.append(f"{indent}{title}:")
            for name in sorted(values):
                w.append(f"{indent}  {_d(name)}:\t{_d(values[name])}")


def _field_value(pod: Obj | None, path: str) -> str:
    """The few downward-API field paths describe can resolve from the pod itself."""
    if pod is None:
        return ""
    meta = pod.get("metadata") or {}
    spec = pod.get("spec") or {}
    status = pod.get("status") or {}
    simple = {
        "metadata.name": meta.get("name"),
        "metadata.namespace": meta.get("namespace"),
        "metadata.uid": meta.get("uid"),
        "spec.nodeName": spec.get("nodeName"),
        "spec.serviceAccountName": spec.get("serviceAccountName"),
        "status.podIP": status.get("podIP"),
        "status.hostIP": status.get("hostIP"),
    }
    if path in simple:
        return str(simple[path] or "")
    for prefix, source in (
        ("metadata.labels['", meta.get("labels")),
        ("metadata.annotations['", meta.get("annotations")),
    ):
        if path.startswith(prefix) and path.endswith("']"):
            return str((source or {}).get(path[len(prefix) : -2], ""))
    return ""


def _env(w: list[str], container: Mapping[str, Any], pod: Obj | None) -> None:
    env_from = container.get("envFrom") or ()
    if env_from:
        w.append("    Environment Variables from:")
        for e in env_from:
            if e.get("configMapRef") is not None:
                ref, source = e["configMapRef"], "ConfigMap"
            elif e.get("secretRef") is not None:
                ref, source = e["secretRef"], "Secret"
            else:
                ref, source = {}, ""
            optional = _t(ref.get("optional"))
            prefix = e.get("prefix")
            what = f"{source} with prefix '{_d(prefix)}'" if prefix else source
            w.append(f"      {_d(ref.get('name') or '')}\t{what}\tOptional: {optional}")
    env = container.get("env") or ()
    if not env:
        w.append(f"    Environment:\t{NONE}")
        return
    w.append("    Environment:")
    for e in env:
        name = _d(e.get("name") or "")
        value_from = e.get("valueFrom")
        if value_from is None:
            for i, part in enumerate(str(e.get("value") or "").split("\n")):
                w.append(f"      {name}:\t{_d(part)}" if i == 0 else f"      \t{_d(part)}")
            continue
        if value_from.get("fieldRef") is not None:
            ref = value_from["fieldRef"]
            path = ref.get("fieldPath") or ""
            value = _field_value(pod, path)
            w.append(f"      {name}:\t{_d(value)} ({_d(ref.get('apiVersion') or 'v1')}:{_d(path)})")
        elif value_from.get("resourceFieldRef") is not None:
            ref = value_from["resourceFieldRef"]
            resource = ref.get("resource") or ""
            section, _, res_name = resource.partition(".")
            value = ((container.get("resources") or {}).get(section) or {}).get(res_name, "")
            if not value and resource in ("limits.cpu", "limits.memory"):
                value = "node allocatable"
            w.append(f"      {name}:\t{_d(value)} ({_d(resource)})")
        elif value_from.get("secretKeyRef") is not None:
            ref = value_from["secretKeyRef"]
            w.append(
                f"      {name}:\t<set to the key '{_d(ref.get('key') or '')}' in secret "
                f"'{_d(ref.get('name') or '')}'>\tOptional: {_t(ref.get('optional'))}"
            )
        elif value_from.get("configMapKeyRef") is not None:
            ref = value_from["configMapKeyRef"]
            w.append(
                f"      {name}:\t<set to the key '{_d(ref.get('key') or '')}' of config map "
                f"'{_d(ref.get('name') or '')}'>\tOptional: {_t(ref.get('optional'))}"
            )
        else:
            w.append(f"      {name}:\t<set from {_d(', '.join(sorted(value_from)))}>")


def _mounts(w: list[str], container: Mapping[str, Any]) -> None:
    mounts = container.get("volumeMounts") or ()
    if not mounts:
        w.append(f"    Mounts:\t{NONE}")
    else:
        w.append("    Mounts:")
        for m in sorted(mounts, key=lambda m: m.get("mountPath") or ""):
            flags = ["ro" if m.get("readOnly") else "rw"]
            if m.get("subPath"):
                flags.append(f'path="{_d(m["subPath"])}"')
            w.append(
                f"      {_d(m.get('mountPath') or '')} from {_d(m.get('name') or '')}"
                f" ({','.join(flags)})"
            )
    devices = container.get("volumeDevices") or ()
    if devices:
        w.append("    Devices:")
        for dev in sorted(devices, key=lambda d: d.get("devicePath") or ""):
            w.append(f"      {_d(dev.get('devicePath') or '')} from {_d(dev.get('name') or '')}")


def _containers(
    w: list[str],
    label: str,
    containers: Sequence[Mapping[str, Any]],
    statuses: Sequence[Mapping[str, Any]] | None,
    space: str,
    pod: Obj | None,
) -> None:
    by_name = {s.get("name"): s for s in statuses or ()}
    w.append(f"{space}{label}:" + ("" if containers else f" {NONE}"))
    name_indent = " " if space else ""
    for c in containers:
        status = by_name.get(c.get("name")) if statuses is not None else None
        w.append(f"  {name_indent}{_d(c.get('name') or '')}:")
        if status is not None:
            w.append(f"    Container ID:\t{_d(status.get('containerID') or '')}")
        w.append(f"    Image:\t{_d(c.get('image') or '')}")
        if status is not None:
            w.append(f"    Image ID:\t{_d(status.get('imageID') or '')}")
        ports = c.get("ports") or ()
        port_text = _ports(ports, "containerPort")
        host_text = _ports(ports, "hostPort")
        w.append(f"    {'Ports' if ',' in port_text else 'Port'}:\t{_d(port_text or NONE)}")
        w.append(
            f"    {'Host Ports' if ',' in host_text else 'Host Port'}:\t{_d(host_text or NONE)}"
        )
        for key, title in (("command", "Command"), ("args", "Args")):
            values = c.get(key) or ()
            if values:
                w.append(f"    {title}:")
                for value in values:
                    for part in str(value).split("\n"):
                        w.append(f"      {_d(part)}")
        if status is not None:
            _state(w, "State", status.get("state") or {})
            last = status.get("lastState") or {}
            if last.get("terminated") is not None:
                _state(w, "Last State", last)
            w.append(f"    Ready:\t{_b(status.get('ready'))}")
            w.append(f"    Restart Count:\t{_d(status.get('restartCount', 0))}")
        _resources(w, c.get("resources"), "    ")
        for key, title in (
            ("livenessProbe", "Liveness"),
            ("readinessProbe", "Readiness"),
            ("startupProbe", "Startup"),
        ):
            if c.get(key) is not None:
                w.append(f"    {title}:\t{_d(describe_probe(c[key]))}")
        _env(w, c, pod)
        _mounts(w, c)


_VOLUME_TYPES = {
    "emptyDir": "EmptyDir (a temporary directory that shares a pod's lifetime)",
    "hostPath": "HostPath (bare host directory volume)",
    "secret": "Secret (a volume populated by a Secret)",
    "configMap": "ConfigMap (a volume populated by a ConfigMap)",
    "persistentVolumeClaim": (
        "PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)"
    ),
    "projected": "Projected (a volume that contains injected data from multiple sources)",
    "downwardAPI": "DownwardAPI (a volume populated by information about the pod)",
    "ephemeral": (
        "EphemeralVolume (an inline specification for a volume that gets created and "
        "deleted with the pod)"
    ),
    "csi": "CSI (a Container Storage Interface (CSI) volume source)",
    "nfs": "NFS (an NFS mount that lasts the lifetime of a pod)",
}


def _volume(w: list[str], volume: Mapping[str, Any]) -> None:
    source_key = next((k for k in volume if k != "name"), "")
    source = volume.get(source_key) or {}
    w.append(f"    Type:\t{_d(_VOLUME_TYPES.get(source_key, source_key or '<unknown>'))}")
    if source_key == "emptyDir":
        w.append(f"    Medium:\t{_d(source.get('medium') or '')}")
        w.append(f"    SizeLimit:\t{_d(source.get('sizeLimit') or '<unset>')}")
    elif source_key == "hostPath":
        w.append(f"    Path:\t{_d(source.get('path') or '')}")
        w.append(f"    HostPathType:\t{_d(source.get('type') or NONE)}")
    elif source_key == "secret":
        w.append(f"    SecretName:\t{_d(source.get('secretName') or '')}")
        w.append(f"    Optional:\t{_t(source.get('optional'))}")
    elif source_key == "configMap":
        w.append(f"    Name:\t{_d(source.get('name') or '')}")
        w.append(f"    Optional:\t{_t(source.get('optional'))}")
    elif source_key == "persistentVolumeClaim":
        w.append(f"    ClaimName:\t{_d(source.get('claimName') or '')}")
        w.append(f"    ReadOnly:\t{_t(source.get('readOnly'))}")
    elif source_key == "projected":
        for src in source.get("sources") or ():
            if src.get("secret") is not None:
                w.append(f"    SecretName:\t{_d(src['secret'].get('name') or '')}")
                w.append(f"    Optional:\t{_t(src['secret'].get('optional'))}")
            elif src.get("downwardAPI") is not None:
                w.append("    DownwardAPI:\ttrue")
            elif src.get("configMap") is not None:
                w.append(f"    ConfigMapName:\t{_d(src['configMap'].get('name') or '')}")
                w.append(f"    Optional:\t{_t(src['configMap'].get('optional'))}")
            elif src.get("serviceAccountToken") is not None:
                seconds = src["serviceAccountToken"].get("expirationSeconds", 3600)
                w.append(f"    TokenExpirationSeconds:\t{_d(seconds)}")
    elif source_key == "downwardAPI":
        w.append("    Items:")
        for item in source.get("items") or ():
            ref = item.get("fieldRef") or item.get("resourceFieldRef") or {}
            what = ref.get("fieldPath") or ref.get("resource") or ""
            w.append(f"      {_d(what)} -> {_d(item.get('path') or '')}")
    elif source_key == "csi":
        w.append(f"    Driver:\t{_d(source.get('driver') or '')}")
        w.append(f"    FSType:\t{_d(source.get('fsType') or '')}")
        w.append(f"    ReadOnly:\t{_t(source.get('readOnly'))}")
    elif source_key == "nfs":
        w.append(f"    Server:\t{_d(source.get('server') or '')}")
        w.append(f"    Path:\t{_d(source.get('path') or '')}")
        w.append(f"    ReadOnly:\t{_t(source.get('readOnly'))}")


def _volumes(w: list[str], volumes: Sequence[Mapping[str, Any]], space: str) -> None:
    if not volumes:
        w.append(f"{space}Volumes:\t{NONE}")
        return
    w.append(f"{space}Volumes:")
    name_indent = " " if space else ""
    for volume in volumes:
        w.append(f"  {name_indent}{_d(volume.get('name') or '')}:")
        _volume(w, volume)


def _tolerations(w: list[str], title: str, tolerations: Sequence[Mapping[str, Any]]) -> None:
    if not tolerations:
        w.append(f"{title}:\t{NONE}")
        return
    for i, t in enumerate(sorted(tolerations, key=lambda t: t.get("key") or "")):
        text = t.get("key") or ""
        if t.get("value"):
            text += f"={t['value']}"
        if t.get("effect"):
            text += f":{t['effect']}"
        if t.get("operator") == "Exists" and not t.get("value"):
            text += " op=Exists" if (t.get("key") or t.get("effect")) else "op=Exists"
        if t.get("tolerationSeconds") is not None:
            text += f" for {t['tolerationSeconds']}s"
        head = f"{title}:\t" if i == 0 else "\t"
        w.append(f"{head}{_d(text)}")


def _pod_template(w: list[str], template: Mapping[str, Any] | None) -> None:
    w.append("Pod Template:")
    if template is None:
        w.append(f"  {'<unset>'}")
        return
    meta = template.get("metadata") or {}
    spec = template.get("spec") or {}
    _labels(w, "  Labels", meta.get("labels"))
    if meta.get("annotations"):
        _annotations(w, "  Annotations", meta.get("annotations"))
    if spec.get("serviceAccountName"):
        w.append(f"  Service Account:\t{_d(spec['serviceAccountName'])}")
    if spec.get("initContainers"):
        _containers(w, "Init Containers", spec["initContainers"], None, "  ", None)
    _containers(w, "Containers", spec.get("containers") or (), None, "  ", None)
    _volumes(w, spec.get("volumes") or (), "  ")
    if spec.get("priorityClassName"):
        w.append(f"  Priority Class Name:\t{_d(spec['priorityClassName'])}")
    _labels(w, "  Node-Selectors", spec.get("nodeSelector"))
    _tolerations(w, "  Tolerations", spec.get("tolerations") or ())


def _qos_class(pod: Obj) -> str:
    qos = (pod.get("status") or {}).get("qosClass")
    if qos:
        return str(qos)
    spec = pod.get("spec") or {}
    containers = [*(spec.get("initContainers") or ()), *(spec.get("containers") or ())]
    any_set = False
    guaranteed = bool(containers)
    for c in containers:
        res = c.get("resources") or {}
        limits = res.get("limits") or {}
        requests = res.get("requests") or {}
        if limits or requests:
            any_set = True
        for name in ("cpu", "memory"):
            if name not in limits or requests.get(name, limits[name]) != limits[name]:
                guaranteed = False
    if not any_set:
        return "BestEffort"
    return "Guaranteed" if guaranteed else "Burstable"


# --------------------------------------------------------------------------- describers


def _describe_pod(pod: Obj, events: Sequence[Obj], now: float) -> list[str]:
    meta = pod.get("metadata") or {}
    spec = pod.get("spec") or {}
    status = pod.get("status") or {}
    w: list[str] = [f"Name:\t{_d(meta.get('name'))}", f"Namespace:\t{_d(meta.get('namespace'))}"]
    if spec.get("priority") is not None:
        w.append(f"Priority:\t{_d(spec['priority'])}")
    if spec.get("priorityClassName"):
        w.append(f"Priority Class Name:\t{_d(spec['priorityClassName'])}")
    if spec.get("runtimeClassName"):
        w.append(f"Runtime Class Name:\t{_d(spec['runtimeClassName'])}")
    if spec.get("serviceAccountName"):
        w.append(f"Service Account:\t{_d(spec['serviceAccountName'])}")
    if spec.get("nodeName"):
        w.append(f"Node:\t{_d(spec['nodeName'])}/{_d(status.get('hostIP') or '')}")
    else:
        w.append(f"Node:\t{NONE}")
    if status.get("startTime"):
        w.append(f"Start Time:\t{format_rfc1123z(status['startTime'])}")
    _labels(w, "Labels", meta.get("labels"))
    _annotations(w, "Annotations", meta.get("annotations"))
    phase = status.get("phase") or ""
    if meta.get("deletionTimestamp") and phase not in ("Failed", "Succeeded"):
        w.append(f"Status:\tTerminating (lasts {since(meta['deletionTimestamp'], now)})")
        grace = meta.get("deletionGracePeriodSeconds")
        if grace is not None:
            w.append(f"Termination Grace Period:\t{_d(grace)}s")
    else:
        w.append(f"Status:\t{_d(phase)}")
    if status.get("reason"):
        w.append(f"Reason:\t{_d(status['reason'])}")
    if status.get("message"):
        w.append(f"Message:\t{_d(status['message'])}")
    w.append(f"IP:\t{_d(status.get('podIP') or '')}")
    pod_ips = status.get("podIPs") or ()
    if pod_ips:
        w.append("IPs:")
        for ip in pod_ips:
            w.append(f"  IP:\t{_d(ip.get('ip') or '')}")
    else:
        w.append(f"IPs:\t{NONE}")
    controlled_by = _controller(meta)
    if controlled_by:
        w.append(f"Controlled By:\t{_d(controlled_by)}")
    if status.get("nominatedNodeName"):
        w.append(f"NominatedNodeName:\t{_d(status['nominatedNodeName'])}")
    if spec.get("initContainers"):
        _containers(
            w,
            "Init Containers",
            spec["initContainers"],
            status.get("initContainerStatuses") or (),
            "",
            pod,
        )
    _containers(
        w,
        "Containers",
        spec.get("containers") or (),
        status.get("containerStatuses") or (),
        "",
        pod,
    )
    gates = spec.get("readinessGates") or ()
    conditions = status.get("conditions") or ()
    if gates:
        w.append("Readiness Gates:")
        w.append("  Type\tStatus")
        for gate in gates:
            ctype = gate.get("conditionType")
            found = next((c.get("status") for c in conditions if c.get("type") == ctype), NONE)
            w.append(f"  {_d(ctype)} \t{_d(found)}")
    if conditions:
        w.append("Conditions:")
        w.append("  Type\tStatus")
        for c in conditions:
            w.append(f"  {_d(c.get('type'))} \t{_d(c.get('status'))}")
    _volumes(w, spec.get("volumes") or (), "")
    w.append(f"QoS Class:\t{_d(_qos_class(pod))}")
    _labels(w, "Node-Selectors", spec.get("nodeSelector"))
    _tolerations(w, "Tolerations", spec.get("tolerations") or ())
    _events(w, events, now)
    return w


def _describe_deployment(d: Obj, events: Sequence[Obj], now: float) -> list[str]:
    meta = d.get("metadata") or {}
    spec = d.get("spec") or {}
    status = d.get("status") or {}
    replicas = spec.get("replicas", 1)
    w = [
        f"Name:\t{_d(meta.get('name'))}",
        f"Namespace:\t{_d(meta.get('namespace'))}",
        f"CreationTimestamp:\t{format_rfc1123z(meta.get('creationTimestamp'))}",
    ]
    _labels(w, "Labels", meta.get("labels"))
    _annotations(w, "Annotations", meta.get("annotations"))
    w.append(f"Selector:\t{_d(_selector_requirements(spec.get('selector')))}")
    w.append(
        f"Replicas:\t{_d(replicas)} desired | {_d(status.get('updatedReplicas', 0))} updated | "
        f"{_d(status.get('replicas', 0))} total | {_d(status.get('availableReplicas', 0))} "
        f"available | {_d(status.get('unavailableReplicas', 0))} unavailable"
    )
    strategy = spec.get("strategy") or {}
    w.append(f"StrategyType:\t{_d(strategy.get('type') or 'RollingUpdate')}")
    w.append(f"MinReadySeconds:\t{_d(spec.get('minReadySeconds', 0))}")
    rolling = strategy.get("rollingUpdate")
    if rolling is not None:
        w.append(
            f"RollingUpdateStrategy:\t{_d(rolling.get('maxUnavailable', '25%'))} max unavailable, "
            f"{_d(rolling.get('maxSurge', '25%'))} max surge"
        )
    _pod_template(w, spec.get("template"))
    _conditions_table(w, status.get("conditions") or ())
    _events(w, events, now)
    return w


def _describe_replicaset(rs: Obj, events: Sequence[Obj], now: float) -> list[str]:
    meta = rs.get("metadata") or {}
    spec = rs.get("spec") or {}
    status = rs.get("status") or {}
    w = [
        f"Name:\t{_d(meta.get('name'))}",
        f"Namespace:\t{_d(meta.get('namespace'))}",
        f"Selector:\t{_d(_format_label_selector(spec.get('selector')))}",
    ]
    _labels(w, "Labels", meta.get("labels"))
    _annotations(w, "Annotations", meta.get("annotations"))
    controlled_by = _controller(meta)
    if controlled_by:
        w.append(f"Controlled By:\t{_d(controlled_by)}")
    current, desired = _d(status.get("replicas", 0)), _d(spec.get("replicas", 1))
    w.append(f"Replicas:\t{current} current / {desired} desired")
    w.append(
        f"Pods Status:\t{_d(status.get('readyReplicas', 0))} Ready / "
        f"{_d(status.get('availableReplicas', 0))} Available"
    )
    _pod_template(w, spec.get("template"))
    _conditions_table(w, status.get("conditions") or ())
    _events(w, events, now)
    return w


def _describe_service(
    svc: Obj, events: Sequence[Obj], now: float, endpoints: Mapping[str, Obj] | None
) -> list[str]:
    meta = svc.get("metadata") or {}
    spec = svc.get("spec") or {}
    status = svc.get("status") or {}
    key = f"{meta.get('namespace') or ''}/{meta.get('name') or ''}"
    w = [f"Name:\t{_d(meta.get('name'))}", f"Namespace:\t{_d(meta.get('namespace'))}"]
    _labels(w, "Labels", meta.get("labels"))
    _annotations(w, "Annotations", meta.get("annotations"))
    selector = spec.get("selector") or {}
    w.append(f"Selector:\t{_d(','.join(f'{k}={selector[k]}' for k in sorted(selector)))}")
    w.append(f"Type:\t{_d(spec.get('type') or 'ClusterIP')}")
    if spec.get("ipFamilyPolicy"):
        w.append(f"IP Family Policy:\t{_d(spec['ipFamilyPolicy'])}")
    families = spec.get("ipFamilies") or ()
    w.append(f"IP Families:\t{_d(','.join(families) or NONE)}")
    w.append(f"IP:\t{_d(spec.get('clusterIP') or '')}")
    w.append(f"IPs:\t{_d(','.join(spec.get('clusterIPs') or ()) or NONE)}")
    if spec.get("externalIPs"):
        w.append(f"External IPs:\t{_d(','.join(spec['externalIPs']))}")
    if spec.get("loadBalancerIP"):
        w.append(f"Desired LoadBalancer IP:\t{_d(spec['loadBalancerIP'])}")
    if spec.get("externalName"):
        w.append(f"External Name:\t{_d(spec['externalName'])}")
    lb = (status.get("loadBalancer") or {}).get("ingress") or ()
    if lb:
        text = ", ".join(
            (i.get("ip") + (f" ({i['ipMode']})" if i.get("ipMode") else ""))
            if i.get("ip")
            else (i.get("hostname") or "")
            for i in lb
        )
        w.append(f"LoadBalancer Ingress:\t{_d(text)}")
    ep = endpoints.get(key) if endpoints is not None else None
    for p in spec.get("ports") or ():
        name = p.get("name") or "<unset>"
        proto = p.get("protocol") or "TCP"
        w.append(f"Port:\t{_d(name)}\t{_d(p.get('port'))}/{_d(proto)}")
        target = p.get("targetPort", p.get("port"))
        w.append(f"TargetPort:\t{_d(target)}/{_d(proto)}")
        if p.get("appProtocol"):
            w.append(f"AppProtocol:\t{_d(p['appProtocol'])}")
        if p.get("nodePort"):
            w.append(f"NodePort:\t{_d(name)}\t{_d(p['nodePort'])}/{_d(proto)}")
        if endpoints is not None:
            w.append(f"Endpoints:\t{_d(format_endpoint_addresses(ep, p.get('name') or ''))}")
    w.append(f"Session Affinity:\t{_d(spec.get('sessionAffinity') or 'None')}")
    if spec.get("externalTrafficPolicy"):
        w.append(f"External Traffic Policy:\t{_d(spec['externalTrafficPolicy'])}")
    if spec.get("internalTrafficPolicy"):
        w.append(f"Internal Traffic Policy:\t{_d(spec['internalTrafficPolicy'])}")
    if spec.get("healthCheckNodePort"):
        w.append(f"HealthCheck NodePort:\t{_d(spec['healthCheckNodePort'])}")
    if spec.get("loadBalancerSourceRanges"):
        w.append(f"LoadBalancer Source Ranges:\t{_d(','.join(spec['loadBalancerSourceRanges']))}")
    _events(w, events, now)
    return w


def _ingress_backend(
    namespace: str,
    backend: Obj,
    services: Mapping[str, Obj] | None,
    endpoints: Mapping[str, Obj] | None,
) -> str:
    svc_ref = backend.get("service")
    if svc_ref is not None:
        port = svc_ref.get("port") or {}
        svc_name = svc_ref.get("name") or ""
        label = f"{svc_name}:{port.get('number') or port.get('name') or ''}"
        if services is None:
            return label
        service = services.get(f"{namespace}/{svc_name}")
        if service is None:
            return f'{label} (<error: services "{svc_name}" not found>)'
        port_name = ""
        for sp in (service.get("spec") or {}).get("ports") or ():
            if (port.get("number") and sp.get("port") == port.get("number")) or (
                port.get("name") and sp.get("name") == port.get("name")
            ):
                port_name = sp.get("name") or ""
        ep = endpoints.get(f"{namespace}/{svc_name}") if endpoints is not None else None
        return f"{label} ({format_endpoint_addresses(ep, port_name)})"
    resource = backend.get("resource")
    if resource is not None:
        group = resource.get("apiGroup") or NONE
        return (
            f"APIGroup: {group}, Kind: {resource.get('kind', '')}, Name: {resource.get('name', '')}"
        )
    return ""


def _describe_ingress(
    ing: Obj,
    events: Sequence[Obj],
    now: float,
    services: Mapping[str, Obj] | None,
    endpoints: Mapping[str, Obj] | None,
) -> list[str]:
    meta = ing.get("metadata") or {}
    spec = ing.get("spec") or {}
    status = ing.get("status") or {}
    namespace = meta.get("namespace") or ""
    w = [f"Name:\t{_d(meta.get('name'))}"]
    _labels(w, "Labels", meta.get("labels"))
    w.append(f"Namespace:\t{_d(namespace)}")
    addresses = sorted(
        {
            i.get("ip") or i.get("hostname") or ""
            for i in (status.get("loadBalancer") or {}).get("ingress") or ()
        }
        - {""}
    )
    w.append(f"Address:\t{_d(','.join(addresses))}")
    w.append(f"Ingress Class:\t{_d(spec.get('ingressClassName') or NONE)}")
    default = spec.get("defaultBackend")
    default_text = (
        _ingress_backend(namespace, default, services, endpoints) if default else "<default>"
    )
    w.append(f"Default backend:\t{_d(default_text)}")
    tls = spec.get("tls") or ()
    if tls:
        w.append("TLS:")
        for t in tls:
            hosts = ",".join(t.get("hosts") or ())
            if t.get("secretName"):
                w.append(f"  {_d(t['secretName'])} terminates {_d(hosts)}")
            else:
                w.append(f"  SNI routes {_d(hosts)}")
    w.append("Rules:")
    w.append("  Host\tPath\tBackends")
    w.append("  ----\t----\t--------")
    count = 0
    for rule in spec.get("rules") or ():
        http = rule.get("http")
        if http is None:
            continue
        count += 1
        w.append(f"  {_d(rule.get('host') or '*')}\t")
        for path in http.get("paths") or ():
            backend_text = _ingress_backend(
                namespace, path.get("backend") or {}, services, endpoints
            )
            w.append(f"    \t{_d(path.get('path') or '')} \t{_d(backend_text)}")
    if count == 0:
        w.append(f"  *\t*\t{_d(default_text)}")
    _annotations(w, "Annotations", meta.get("annotations"))
    _events(w, events, now)
    return w


def _describe_secret(secret: Obj, events: Sequence[Obj], now: float) -> list[str]:
    meta = secret.get("metadata") or {}
    w = [f"Name:\t{_d(meta.get('name'))}", f"Namespace:\t{_d(meta.get('namespace'))}"]
    _labels(w, "Labels", meta.get("labels"))
    _annotations(w, "Annotations", meta.get("annotations"))
    w.append("")
    w.append(f"Type:\t{_d(secret.get('type') or 'Opaque')}")
    w.append("")
    w.append("Data")
    w.append("====")
    data = secret.get("data") or {}
    for key in sorted(data):
        w.append(f"{_d(key)}:\t{_decoded_len(data[key])} bytes")
    string_data = secret.get("stringData") or {}
    for key in sorted(string_data):
        w.append(f"{_d(key)}:\t{len(str(string_data[key]).encode())} bytes")
    if events:
        _events(w, events, now)
    return w


def _describe_generic(obj: Obj, events: Sequence[Obj], now: float, kind: str | None) -> list[str]:
    meta = obj.get("metadata") or {}
    w = [f"Name:\t{_d(meta.get('name'))}"]
    if meta.get("namespace"):
        w.append(f"Namespace:\t{_d(meta['namespace'])}")
    _labels(w, "Labels", meta.get("labels"))
    _annotations(w, "Annotations", meta.get("annotations"))
    k = kind_for(kind) if kind else None
    api_version = obj.get("apiVersion") or (k.api_version if k else "")
    kind_name = obj.get("kind") or (k.name if k else "")
    if api_version:
        w.append(f"API Version:\t{_d(api_version)}")
    if kind_name:
        w.append(f"Kind:\t{_d(kind_name)}")
    w.append(f"CreationTimestamp:\t{format_rfc1123z(meta.get('creationTimestamp'))}")
    rest = [key for key in obj if key not in ("apiVersion", "kind", "metadata")]
    order = {"spec": 0, "status": 2}
    rest.sort(key=lambda key: (order.get(key, 1), str(key)))
    for key in rest:
        value = obj[key]
        title = _d(str(key)[:1].upper() + str(key)[1:])
        if isinstance(value, Mapping | list) and value:
            w.append(f"{title}:")
            for line in _dump(_sorted_tree(value)).splitlines():
                w.append(f"  {line}")
        elif isinstance(value, Mapping | list):
            w.append(f"{title}:\t{NONE}")
        else:
            w.append(f"{title}:\t{_d(value)}")
    _events(w, events, now)
    return w


def describe(
    obj: dict[str, Any],
    events: Sequence[dict[str, Any]] = (),
    now: float | None = None,
    *,
    kind: str | None = None,
    services: Mapping[str, dict[str, Any]] | None = None,
    endpoints: Mapping[str, dict[str, Any]] | None = None,
) -> str:
    """kubectl-describe-like text for Pod, Deployment, ReplicaSet, Service, Ingress, Secret.

    Other kinds get metadata plus their remaining fields as YAML.  ``events``
    are shown as given (see ``related_events`` to filter a namespace's events),
    oldest first.  ``kind`` names the kind for objects from list responses,
    which carry no ``kind``.  ``services``/``endpoints`` (keyed "ns/name")
    let Service and Ingress show endpoint addresses as kubectl does.
    Secret values never appear: keys and byte sizes only.
    """
    when = time.time() if now is None else now
    name = _kind_name(obj, kind)
    if is_secret(obj, kind):
        lines = _describe_secret(obj, events, when)
    elif name == "Pod":
        lines = _describe_pod(obj, events, when)
    elif name == "Deployment":
        lines = _describe_deployment(obj, events, when)
    elif name == "ReplicaSet":
        lines = _describe_replicaset(obj, events, when)
    elif name == "Service":
        lines = _describe_service(obj, events, when, endpoints)
    elif name == "Ingress":
        lines = _describe_ingress(obj, events, when, services, endpoints)
    else:
        lines = _describe_generic(_safe(obj, kind), events, when, kind)
    return _tabify(lines)
