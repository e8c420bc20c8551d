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
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import yaml
from gok_tui.domain.autoscaling import autoscaler
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


class DescribeWriter:
    """Lines of describe output, as kubectl's prefix writer writes them: each at the indent of
    the section it is in, its cells separated by tabs (``text`` aligns them as tabwriter does).

    ``field`` makes its value safe; text given to ``line`` must be safe already.
    """

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._indent = ""

    @property
    def indented(self) -> bool:
        return bool(self._indent)

    def line(self, *cells: str) -> None:
        """One line at the current indent, its cells tab-separated."""
        self.lines.append(self._indent + "\t".join(cells))

    def field(self, label: str, value: object, *, sanitised: bool = False) -> None:
        """``Label:`` and its value in the next cell."""
        self.line(f"{label}:", value if sanitised and isinstance(value, str) else _d(value))

    def listing(self, label: str, values: Sequence[str]) -> None:
        """``Label:`` beside the first of ``values`` (safe already), the rest under it;
        ``<none>`` when there are none."""
        if not values:
            self.field(label, NONE)
        for i, value in enumerate(values):
            self.line(f"{label}:" if i == 0 else "", value)

    @contextmanager
    def nested(self, spaces: int = 2) -> Iterator[None]:
        """What is written inside is indented ``spaces`` further."""
        outer = self._indent
        self._indent = outer + " " * spaces
        try:
            yield
        finally:
            self._indent = outer

    @contextmanager
    def section(self, label: str) -> Iterator[None]:
        """``Label:`` on its own line, what is written inside indented under it."""
        self.line(f"{label}:")
        with self.nested():
            yield

    def text(self) -> str:
        return _tabify(self.lines)


# --------------------------------------------------------------------------- shared pieces


def _labels(w: DescribeWriter, title: str, labels: Mapping[str, Any] | None) -> None:
    values = labels or {}
    w.listing(title, [f"{_d(key)}={_d(values[key])}" for key in sorted(values)])


def _shorten(text: str, limit: int) -> str:
    return text[:limit] + "..." if len(text) > limit else text


def _annotations(w: DescribeWriter, title: str, annotations: Mapping[str, Any] | None) -> None:
    keys = sorted(k for k in (annotations or ()) if k != _LAST_APPLIED)
    if not keys:
        w.field(title, NONE)
        return
    assert annotations is not None
    for i, key in enumerate(keys):
        head = f"{title}:" if i == 0 else ""
        value = str(annotations[key])
        value = value.removesuffix("\n")
        if len(value) + len(key) + 2 > _MAX_ANNOTATION or "\n" in value:
            w.line(head, f"{_d(key)}:")
            for part in value.split("\n"):
                w.line("", f"  {_d(_shorten(part, _MAX_ANNOTATION - 2))}")
        else:
            w.line(head, f"{_d(key)}: {_d(value)}")


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


def _events(w: DescribeWriter, events: Sequence[Mapping[str, Any]], now: float) -> None:
    if not events:
        w.field("Events", NONE)
        return
    with w.section("Events"):
        w.line("Type", "Reason", "Age", "From", "Message")
        w.line("----", "------", "----", "----", "-------")
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
            w.line(
                _d(e.get("type") or ""),
                _d(e.get("reason") or ""),
                interval,
                _d(source),
                _d(message),
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


def _conditions_table(
    w: DescribeWriter, conditions: Sequence[Mapping[str, Any]], *, reasons: bool = True
) -> None:
    if not conditions:
        return
    headings = ("Type", "Status", "Reason")[: 3 if reasons else 2]
    with w.section("Conditions"):
        w.line(*headings)
        if reasons:
            w.line("----", "------", "------")
        for c in conditions:
            cells = [f"{_d(c.get('type'))} ", _d(c.get("status"))]
            if reasons:
                cells.append(_d(c.get("reason") or ""))
            w.line(*cells)


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


_REASON_AND_MESSAGE = (("Reason", "reason"), ("Message", "message"))


def _optional_fields(
    w: DescribeWriter, source: Mapping[str, Any], fields: Sequence[tuple[str, str]]
) -> None:
    """``Label: value`` for each (label, key) whose value is set."""
    for label, key in fields:
        if source.get(key):
            w.field(label, source[key])


def _state(w: DescribeWriter, title: str, state: Mapping[str, Any]) -> None:
    if state.get("running") is not None:
        w.line(f"{title}:", "Running")
        with w.nested():
            w.field("Started", format_rfc1123z(state["running"].get("startedAt")))
    elif state.get("waiting") is not None:
        w.line(f"{title}:", "Waiting")
        with w.nested():
            _optional_fields(w, state["waiting"], _REASON_AND_MESSAGE)
    elif state.get("terminated") is not None:
        term = state["terminated"]
        w.line(f"{title}:", "Terminated")
        with w.nested():
            _optional_fields(w, term, _REASON_AND_MESSAGE)
            w.field("Exit Code", term.get("exitCode", 0))
            if term.get("signal"):
                w.field("Signal", term["signal"])
            w.field("Started", format_rfc1123z(term.get("startedAt")))
            w.field("Finished", format_rfc1123z(term.get("finishedAt")))
    else:
        w.line(f"{title}:", "Waiting")


def _resources(w: DescribeWriter, resources: Mapping[str, Any] | None) -> None:
    for section, title in (("limits", "Limits"), ("requests", "Requests")):
        values = (resources or {}).get(section) or {}
        if values:
            with w.section(title):
                for name in sorted(values):
                    w.field(_d(name), values[name])


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


def _env_from(w: DescribeWriter, env_from: Sequence[Mapping[str, Any]]) -> None:
    with w.section("Environment Variables from"):
        for e in env_from:
            if e.get("configMapRef") is not None:
                ref, source = e["configMapRef"], "ConfigMap"
            elif e.get("secretRef") is not None:
                ref, source = e["secretRef"], "Secret"
            else:
                ref, source = {}, ""
            prefix = e.get("prefix")
            what = f"{source} with prefix '{_d(prefix)}'" if prefix else source
            w.line(_d(ref.get("name") or ""), what, f"Optional: {_t(ref.get('optional'))}")


def _env_value_from(
    container: Mapping[str, Any], pod: Obj | None, value_from: Mapping[str, Any]
) -> list[str]:
    """The cells after an env var's name when its value comes from somewhere else."""
    if value_from.get("fieldRef") is not None:
        ref = value_from["fieldRef"]
        path = ref.get("fieldPath") or ""
        value = _field_value(pod, path)
        return [f"{_d(value)} ({_d(ref.get('apiVersion') or 'v1')}:{_d(path)})"]
    if value_from.get("resourceFieldRef") is not None:
        ref = value_from["resourceFieldRef"]
        resource = ref.get("resource") or ""
        section, _, res_name = resource.partition(".")
        value = ((container.get("resources") or {}).get(section) or {}).get(res_name, "")
        if not value and resource in ("limits.cpu", "limits.memory"):
            value = "node allocatable"
        return [f"{_d(value)} ({_d(resource)})"]
    for key, where in (("secretKeyRef", "in secret"), ("configMapKeyRef", "of config map")):
        if value_from.get(key) is not None:
            ref = value_from[key]
            return [
                f"<set to the key '{_d(ref.get('key') or '')}' {where} "
                f"'{_d(ref.get('name') or '')}'>",
                f"Optional: {_t(ref.get('optional'))}",
            ]
    return [f"<set from {_d(', '.join(sorted(value_from)))}>"]


def _env(w: DescribeWriter, container: Mapping[str, Any], pod: Obj | None) -> None:
    env_from = container.get("envFrom") or ()
    if env_from:
        _env_from(w, env_from)
    env = container.get("env") or ()
    if not env:
        w.field("Environment", NONE)
        return
    with w.section("Environment"):
        for e in env:
            name = _d(e.get("name") or "")
            value_from = e.get("valueFrom")
            if value_from is None:
                parts = [_d(part) for part in str(e.get("value") or "").split("\n")]
                w.listing(name, parts)
            else:
                w.line(f"{name}:", *_env_value_from(container, pod, value_from))


def _mounts(w: DescribeWriter, container: Mapping[str, Any]) -> None:
    mounts = container.get("volumeMounts") or ()
    if not mounts:
        w.field("Mounts", NONE)
    else:
        with w.section("Mounts"):
            for m in sorted(mounts, key=lambda m: m.get("mountPath") or ""):
                flags = ["ro" if m.get("readOnly") else "rw"]
                if m.get("subPath"):
                    flags.append(f'path="{_d(m["subPath"])}"')
                w.line(
                    f"{_d(m.get('mountPath') or '')} from {_d(m.get('name') or '')}"
                    f" ({','.join(flags)})"
                )
    devices = container.get("volumeDevices") or ()
    if devices:
        with w.section("Devices"):
            for dev in sorted(devices, key=lambda d: d.get("devicePath") or ""):
                w.line(f"{_d(dev.get('devicePath') or '')} from {_d(dev.get('name') or '')}")


@contextmanager
def _named_entry(w: DescribeWriter, name: str) -> Iterator[None]:
    """A container's or a volume's name under its section, its fields under it. kubectl puts
    the name one space in under a pod template's section, two under a pod's, and the fields
    four in from the left either way."""
    step = 1 if w.indented else 2
    with w.nested(step):
        w.line(f"{name}:")
        with w.nested(step):
            yield


def _container(
    w: DescribeWriter, c: Mapping[str, Any], status: Mapping[str, Any] | None, pod: Obj | None
) -> None:
    if status is not None:
        w.field("Container ID", status.get("containerID") or "")
    w.field("Image", c.get("image") or "")
    if status is not None:
        w.field("Image ID", status.get("imageID") or "")
    ports = c.get("ports") or ()
    port_text = _ports(ports, "containerPort")
    host_text = _ports(ports, "hostPort")
    w.field("Ports" if "," in port_text else "Port", port_text or NONE)
    w.field("Host Ports" if "," in host_text else "Host Port", host_text or NONE)
    for key, title in (("command", "Command"), ("args", "Args")):
        values = c.get(key) or ()
        if values:
            with w.section(title):
                for value in values:
                    for part in str(value).split("\n"):
                        w.line(_d(part))
    if status is not None:
        _state(w, "State", status.get("state") or {})
        last = status.get("lastState") or {}
        if last.get("terminated") is not None:
            _state(w, "Last State", last)
        w.field("Ready", _b(status.get("ready")))
        w.field("Restart Count", status.get("restartCount", 0))
    _resources(w, c.get("resources"))
    for key, title in (
        ("livenessProbe", "Liveness"),
        ("readinessProbe", "Readiness"),
        ("startupProbe", "Startup"),
    ):
        if c.get(key) is not None:
            w.field(title, describe_probe(c[key]))
    _env(w, c, pod)
    _mounts(w, c)


def _containers(
    w: DescribeWriter,
    label: str,
    containers: Sequence[Mapping[str, Any]],
    statuses: Sequence[Mapping[str, Any]] | None,
    pod: Obj | None,
) -> None:
    by_name = {s.get("name"): s for s in statuses or ()}
    w.line(f"{label}:" + ("" if containers else f" {NONE}"))
    for c in containers:
        status = by_name.get(c.get("name")) if statuses is not None else None
        with _named_entry(w, _d(c.get("name") or "")):
            _container(w, c, status, pod)


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

# the fields each volume source shows: (label, field, default, as a true/false)
_VOLUME_FIELDS: dict[str, tuple[tuple[str, str, str, bool], ...]] = {
    "emptyDir": (("Medium", "medium", "", False), ("SizeLimit", "sizeLimit", "<unset>", False)),
    "hostPath": (("Path", "path", "", False), ("HostPathType", "type", NONE, False)),
    "secret": (("SecretName", "secretName", "", False), ("Optional", "optional", "", True)),
    "configMap": (("Name", "name", "", False), ("Optional", "optional", "", True)),
    "persistentVolumeClaim": (
        ("ClaimName", "claimName", "", False),
        ("ReadOnly", "readOnly", "", True),
    ),
    "csi": (
        ("Driver", "driver", "", False),
        ("FSType", "fsType", "", False),
        ("ReadOnly", "readOnly", "", True),
    ),
    "nfs": (
        ("Server", "server", "", False),
        ("Path", "path", "", False),
        ("ReadOnly", "readOnly", "", True),
    ),
}


def _projected(w: DescribeWriter, sources: Sequence[Mapping[str, Any]]) -> None:
    for src in sources:
        if src.get("secret") is not None:
            w.field("SecretName", src["secret"].get("name") or "")
            w.field("Optional", _t(src["secret"].get("optional")))
        elif src.get("downwardAPI") is not None:
            w.field("DownwardAPI", "true")
        elif src.get("configMap") is not None:
            w.field("ConfigMapName", src["configMap"].get("name") or "")
            w.field("Optional", _t(src["configMap"].get("optional")))
        elif src.get("serviceAccountToken") is not None:
            seconds = src["serviceAccountToken"].get("expirationSeconds", 3600)
            w.field("TokenExpirationSeconds", seconds)


def _volume(w: DescribeWriter, volume: Mapping[str, Any]) -> None:
    source_key = next((k for k in volume if k != "name"), "")
    source = volume.get(source_key) or {}
    w.field("Type", _VOLUME_TYPES.get(source_key, source_key or "<unknown>"))
    for label, field, default, as_bool in _VOLUME_FIELDS.get(source_key, ()):
        w.field(label, _t(source.get(field)) if as_bool else source.get(field) or default)
    if source_key == "projected":
        _projected(w, source.get("sources") or ())
    elif source_key == "downwardAPI":
        with w.section("Items"):
            for item in source.get("items") or ():
                ref = item.get("fieldRef") or item.get("resourceFieldRef") or {}
                what = ref.get("fieldPath") or ref.get("resource") or ""
                w.line(f"{_d(what)} -> {_d(item.get('path') or '')}")


def _volumes(w: DescribeWriter, volumes: Sequence[Mapping[str, Any]]) -> None:
    if not volumes:
        w.field("Volumes", NONE)
        return
    w.line("Volumes:")
    for volume in volumes:
        with _named_entry(w, _d(volume.get("name") or "")):
            _volume(w, volume)


def _tolerations(w: DescribeWriter, title: str, tolerations: Sequence[Mapping[str, Any]]) -> None:
    texts = []
    for t in sorted(tolerations, key=lambda t: t.get("key") or ""):
        text = t.get("key") or ""
        if t.get("value"):
            text += f"={t['value']}"
        if t.get("effect"):
            text += f":{t['effect']}"
        if t.get("operator") == "Exists" and not t.get("value"):
            text += " op=Exists" if (t.get("key") or t.get("effect")) else "op=Exists"
        if t.get("tolerationSeconds") is not None:
            text += f" for {t['tolerationSeconds']}s"
        texts.append(_d(text))
    w.listing(title, texts)


def _pod_template(w: DescribeWriter, template: Mapping[str, Any] | None) -> None:
    with w.section("Pod Template"):
        if template is None:
            w.line("<unset>")
            return
        meta = template.get("metadata") or {}
        spec = template.get("spec") or {}
        _labels(w, "Labels", meta.get("labels"))
        if meta.get("annotations"):
            _annotations(w, "Annotations", meta.get("annotations"))
        if spec.get("serviceAccountName"):
            w.field("Service Account", spec["serviceAccountName"])
        if spec.get("initContainers"):
            _containers(w, "Init Containers", spec["initContainers"], None, None)
        _containers(w, "Containers", spec.get("containers") or (), None, None)
        _volumes(w, spec.get("volumes") or ())
        if spec.get("priorityClassName"):
            w.field("Priority Class Name", spec["priorityClassName"])
        _labels(w, "Node-Selectors", spec.get("nodeSelector"))
        _tolerations(w, "Tolerations", spec.get("tolerations") or ())


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


def _name_and_namespace(w: DescribeWriter, meta: Mapping[str, Any]) -> None:
    w.field("Name", meta.get("name"))
    w.field("Namespace", meta.get("namespace"))


def _labels_and_annotations(w: DescribeWriter, meta: Mapping[str, Any]) -> None:
    _labels(w, "Labels", meta.get("labels"))
    _annotations(w, "Annotations", meta.get("annotations"))


def _pod_status(w: DescribeWriter, meta: Mapping[str, Any], status: Obj, now: float) -> None:
    phase = status.get("phase") or ""
    if meta.get("deletionTimestamp") and phase not in ("Failed", "Succeeded"):
        w.field("Status", f"Terminating (lasts {since(meta['deletionTimestamp'], now)})")
        grace = meta.get("deletionGracePeriodSeconds")
        if grace is not None:
            w.field("Termination Grace Period", f"{_d(grace)}s", sanitised=True)
    else:
        w.field("Status", phase)
    _optional_fields(w, status, _REASON_AND_MESSAGE)
    w.field("IP", status.get("podIP") or "")
    pod_ips = status.get("podIPs") or ()
    if pod_ips:
        with w.section("IPs"):
            for ip in pod_ips:
                w.field("IP", ip.get("ip") or "")
    else:
        w.field("IPs", NONE)


def _describe_pod(pod: Obj, events: Sequence[Obj], now: float) -> DescribeWriter:
    meta = pod.get("metadata") or {}
    spec = pod.get("spec") or {}
    status = pod.get("status") or {}
    w = DescribeWriter()
    _name_and_namespace(w, meta)
    if spec.get("priority") is not None:
        w.field("Priority", spec["priority"])
    _optional_fields(
        w,
        spec,
        (
            ("Priority Class Name", "priorityClassName"),
            ("Runtime Class Name", "runtimeClassName"),
            ("Service Account", "serviceAccountName"),
        ),
    )
    if spec.get("nodeName"):
        node = f"{_d(spec['nodeName'])}/{_d(status.get('hostIP') or '')}"
        w.field("Node", node, sanitised=True)
    else:
        w.field("Node", NONE)
    if status.get("startTime"):
        w.field("Start Time", format_rfc1123z(status["startTime"]))
    _labels_and_annotations(w, meta)
    _pod_status(w, meta, status, now)
    controlled_by = _controller(meta)
    if controlled_by:
        w.field("Controlled By", controlled_by)
    if status.get("nominatedNodeName"):
        w.field("NominatedNodeName", status["nominatedNodeName"])
    if spec.get("initContainers"):
        init_statuses = status.get("initContainerStatuses") or ()
        _containers(w, "Init Containers", spec["initContainers"], init_statuses, pod)
    statuses = status.get("containerStatuses") or ()
    _containers(w, "Containers", spec.get("containers") or (), statuses, pod)
    gates = spec.get("readinessGates") or ()
    conditions = status.get("conditions") or ()
    if gates:
        with w.section("Readiness Gates"):
            w.line("Type", "Status")
            for gate in gates:
                ctype = gate.get("conditionType")
                found = next((c.get("status") for c in conditions if c.get("type") == ctype), NONE)
                w.line(f"{_d(ctype)} ", _d(found))
    _conditions_table(w, conditions, reasons=False)
    _volumes(w, spec.get("volumes") or ())
    w.field("QoS Class", _qos_class(pod))
    _labels(w, "Node-Selectors", spec.get("nodeSelector"))
    _tolerations(w, "Tolerations", spec.get("tolerations") or ())
    _events(w, events, now)
    return w


def _describe_deployment(d: Obj, events: Sequence[Obj], now: float) -> DescribeWriter:
    meta = d.get("metadata") or {}
    spec = d.get("spec") or {}
    status = d.get("status") or {}
    replicas = spec.get("replicas", 1)
    w = DescribeWriter()
    _name_and_namespace(w, meta)
    w.field("CreationTimestamp", format_rfc1123z(meta.get("creationTimestamp")))
    _labels_and_annotations(w, meta)
    w.field("Selector", _selector_requirements(spec.get("selector")))
    w.field(
        "Replicas",
        f"{_d(replicas)} desired | {_d(status.get('updatedReplicas', 0))} updated | "
        f"{_d(status.get('replicas', 0))} total | {_d(status.get('availableReplicas', 0))} "
        f"available | {_d(status.get('unavailableReplicas', 0))} unavailable",
        sanitised=True,
    )
    strategy = spec.get("strategy") or {}
    w.field("StrategyType", strategy.get("type") or "RollingUpdate")
    w.field("MinReadySeconds", spec.get("minReadySeconds", 0))
    rolling = strategy.get("rollingUpdate")
    if rolling is not None:
        w.field(
            "RollingUpdateStrategy",
            f"{_d(rolling.get('maxUnavailable', '25%'))} max unavailable, "
            f"{_d(rolling.get('maxSurge', '25%'))} max surge",
            sanitised=True,
        )
    _pod_template(w, spec.get("template"))
    _conditions_table(w, status.get("conditions") or ())
    _events(w, events, now)
    return w


def _describe_replicaset(rs: Obj, events: Sequence[Obj], now: float) -> DescribeWriter:
    meta = rs.get("metadata") or {}
    spec = rs.get("spec") or {}
    status = rs.get("status") or {}
    w = DescribeWriter()
    _name_and_namespace(w, meta)
    w.field("Selector", _format_label_selector(spec.get("selector")))
    _labels_and_annotations(w, meta)
    controlled_by = _controller(meta)
    if controlled_by:
        w.field("Controlled By", controlled_by)
    current, desired = _d(status.get("replicas", 0)), _d(spec.get("replicas", 1))
    w.field("Replicas", f"{current} current / {desired} desired", sanitised=True)
    w.field(
        "Pods Status",
        f"{_d(status.get('readyReplicas', 0))} Ready / "
        f"{_d(status.get('availableReplicas', 0))} Available",
        sanitised=True,
    )
    _pod_template(w, spec.get("template"))
    _conditions_table(w, status.get("conditions") or ())
    _events(w, events, now)
    return w


def _service_ports(
    w: DescribeWriter, ports: Sequence[Mapping[str, Any]], endpoints: Obj | None, listed: bool
) -> None:
    for p in ports:
        name = p.get("name") or "<unset>"
        proto = p.get("protocol") or "TCP"
        w.line("Port:", _d(name), f"{_d(p.get('port'))}/{_d(proto)}")
        target = p.get("targetPort", p.get("port"))
        w.field("TargetPort", f"{_d(target)}/{_d(proto)}", sanitised=True)
        if p.get("appProtocol"):
            w.field("AppProtocol", p["appProtocol"])
        if p.get("nodePort"):
            w.line("NodePort:", _d(name), f"{_d(p['nodePort'])}/{_d(proto)}")
        if listed:
            w.field("Endpoints", format_endpoint_addresses(endpoints, p.get("name") or ""))


def _describe_service(
    svc: Obj, events: Sequence[Obj], now: float, endpoints: Mapping[str, Obj] | None
) -> DescribeWriter:
    meta = svc.get("metadata") or {}
    spec = svc.get("spec") or {}
    status = svc.get("status") or {}
    key = f"{meta.get('namespace') or ''}/{meta.get('name') or ''}"
    w = DescribeWriter()
    _name_and_namespace(w, meta)
    _labels_and_annotations(w, meta)
    selector = spec.get("selector") or {}
    w.field("Selector", ",".join(f"{k}={selector[k]}" for k in sorted(selector)))
    w.field("Type", spec.get("type") or "ClusterIP")
    if spec.get("ipFamilyPolicy"):
        w.field("IP Family Policy", spec["ipFamilyPolicy"])
    families = spec.get("ipFamilies") or ()
    w.field("IP Families", ",".join(families) or NONE)
    w.field("IP", spec.get("clusterIP") or "")
    w.field("IPs", ",".join(spec.get("clusterIPs") or ()) or NONE)
    if spec.get("externalIPs"):
        w.field("External IPs", ",".join(spec["externalIPs"]))
    _optional_fields(
        w,
        spec,
        (("Desired LoadBalancer IP", "loadBalancerIP"), ("External Name", "externalName")),
    )
    lb = (status.get("loadBalancer") or {}).get("ingress") or ()
    if lb:
        text = ", ".join(
            (i.get("ip") + (f" ({i['ipMode']})" if i.get("ipMode") else ""))
            if i.get("ip")
            else (i.get("hostname") or "")
            for i in lb
        )
        w.field("LoadBalancer Ingress", text)
    ep = endpoints.get(key) if endpoints is not None else None
    _service_ports(w, spec.get("ports") or (), ep, endpoints is not None)
    w.field("Session Affinity", spec.get("sessionAffinity") or "None")
    _optional_fields(
        w,
        spec,
        (
            ("External Traffic Policy", "externalTrafficPolicy"),
            ("Internal Traffic Policy", "internalTrafficPolicy"),
            ("HealthCheck NodePort", "healthCheckNodePort"),
        ),
    )
    if spec.get("loadBalancerSourceRanges"):
        w.field("LoadBalancer Source Ranges", ",".join(spec["loadBalancerSourceRanges"]))
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


def _ingress_rules(
    w: DescribeWriter,
    spec: Obj,
    namespace: str,
    default_text: str,
    services: Mapping[str, Obj] | None,
    endpoints: Mapping[str, Obj] | None,
) -> None:
    with w.section("Rules"):
        w.line("Host", "Path", "Backends")
        w.line("----", "----", "--------")
        count = 0
        for rule in spec.get("rules") or ():
            http = rule.get("http")
            if http is None:
                continue
            count += 1
            w.line(_d(rule.get("host") or "*"), "")
            with w.nested():
                for path in http.get("paths") or ():
                    backend_text = _ingress_backend(
                        namespace, path.get("backend") or {}, services, endpoints
                    )
                    w.line("", f"{_d(path.get('path') or '')} ", _d(backend_text))
        if count == 0:
            w.line("*", "*", _d(default_text))


def _describe_ingress(
    ing: Obj,
    events: Sequence[Obj],
    now: float,
    services: Mapping[str, Obj] | None,
    endpoints: Mapping[str, Obj] | None,
) -> DescribeWriter:
    meta = ing.get("metadata") or {}
    spec = ing.get("spec") or {}
    status = ing.get("status") or {}
    namespace = meta.get("namespace") or ""
    w = DescribeWriter()
    w.field("Name", meta.get("name"))
    _labels(w, "Labels", meta.get("labels"))
    w.field("Namespace", namespace)
    addresses = sorted(
        {
            i.get("ip") or i.get("hostname") or ""
            for i in (status.get("loadBalancer") or {}).get("ingress") or ()
        }
        - {""}
    )
    w.field("Address", ",".join(addresses))
    w.field("Ingress Class", spec.get("ingressClassName") or NONE)
    default = spec.get("defaultBackend")
    default_text = (
        _ingress_backend(namespace, default, services, endpoints) if default else "<default>"
    )
    w.field("Default backend", default_text)
    tls = spec.get("tls") or ()
    if tls:
        with w.section("TLS"):
            for t in tls:
                hosts = ",".join(t.get("hosts") or ())
                if t.get("secretName"):
                    w.line(f"{_d(t['secretName'])} terminates {_d(hosts)}")
                else:
                    w.line(f"SNI routes {_d(hosts)}")
    _ingress_rules(w, spec, namespace, default_text, services, endpoints)
    _annotations(w, "Annotations", meta.get("annotations"))
    _events(w, events, now)
    return w


def _describe_secret(secret: Obj, events: Sequence[Obj], now: float) -> DescribeWriter:
    meta = secret.get("metadata") or {}
    w = DescribeWriter()
    _name_and_namespace(w, meta)
    _labels_and_annotations(w, meta)
    w.line()
    w.field("Type", secret.get("type") or "Opaque")
    w.line()
    w.line("Data")
    w.line("====")
    data = secret.get("data") or {}
    for key in sorted(data):
        w.field(_d(key), f"{_decoded_len(data[key])} bytes")
    string_data = secret.get("stringData") or {}
    for key in sorted(string_data):
        w.field(_d(key), f"{len(str(string_data[key]).encode())} bytes")
    if events:
        _events(w, events, now)
    return w


def _describe_hpa(hpa: Obj, events: Sequence[Obj], now: float) -> DescribeWriter:
    """kubectl describe hpa's fields; the conditions in words (``domain.autoscaling``)."""
    meta = hpa.get("metadata") or {}
    read = autoscaler(hpa)
    w = DescribeWriter()
    _name_and_namespace(w, meta)
    _labels_and_annotations(w, meta)
    w.field("CreationTimestamp", format_rfc1123z(meta.get("creationTimestamp")))
    w.field("Reference", read.reference, sanitised=True)
    if read.metrics:
        w.field("Metrics", "( current / target )")
        with w.nested():
            for metric in read.metrics:
                # one cell: a long metric name must not push every field's value aside
                w.line(f"{metric.name}: {metric.current} / {metric.target}")
    else:
        w.field("Metrics", NONE)
    w.field("Min replicas", read.min_replicas)
    w.field("Max replicas", "<unset>" if read.max_replicas is None else read.max_replicas)
    current = "<unknown>" if read.current is None else read.current
    desired = "<unknown>" if read.desired is None else read.desired
    w.field(f"{read.target_kind} pods", f"{current} current / {desired} desired", sanitised=True)
    if read.conditions:
        with w.section("Conditions"):
            for condition in read.conditions:
                w.line(condition.line)
    else:
        w.field("Conditions", NONE)
    _events(w, events, now)
    return w


def _describe_generic(
    obj: Obj, events: Sequence[Obj], now: float, kind: str | None
) -> DescribeWriter:
    meta = obj.get("metadata") or {}
    w = DescribeWriter()
    w.field("Name", meta.get("name"))
    if meta.get("namespace"):
        w.field("Namespace", meta["namespace"])
    _labels_and_annotations(w, meta)
    k = kind_for(kind) if kind else None
    api_version = obj.get("apiVersion") or (k.api_version if k else "")
    kind_name = obj.get("kind") or (k.name if k else "")
    if api_version:
        w.field("API Version", api_version)
    if kind_name:
        w.field("Kind", kind_name)
    w.field("CreationTimestamp", format_rfc1123z(meta.get("creationTimestamp")))
    rest = [key for key in obj if key not in ("apiVersion", "kind", "metadata")]
    order = {"spec": 0, "status": 2}
    rest.sort(key=lambda key: (order.get(key, 1), str(key)))
    for key in rest:
        value = obj[key]
        title = _d(str(key)[:1].upper() + str(key)[1:])
        if isinstance(value, Mapping | list) and value:
            with w.section(title):
                for line in _dump(_sorted_tree(value)).splitlines():
                    w.line(line)
        elif isinstance(value, Mapping | list):
            w.field(title, NONE)
        else:
            w.field(title, value)
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
    """kubectl-describe-like text for Pod, Deployment, ReplicaSet, Service, Ingress, Secret,
    HorizontalPodAutoscaler.

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
        written = _describe_secret(obj, events, when)
    elif name == "Pod":
        written = _describe_pod(obj, events, when)
    elif name == "Deployment":
        written = _describe_deployment(obj, events, when)
    elif name == "ReplicaSet":
        written = _describe_replicaset(obj, events, when)
    elif name == "Service":
        written = _describe_service(obj, events, when, endpoints)
    elif name == "Ingress":
        written = _describe_ingress(obj, events, when, services, endpoints)
    elif name == "HorizontalPodAutoscaler":
        written = _describe_hpa(obj, events, when)
    else:
        written = _describe_generic(_safe(obj, kind), events, when, kind)
    return written.text()
