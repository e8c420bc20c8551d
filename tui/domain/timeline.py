"""The incident timeline: what changed, when and by whom, merged from every source the cluster
(and gok-tui's audit log) still remembers, newest first.

Pure: raw objects in, entries out. ``Timeline`` keeps entries per object, so a changed object
re-derives only its own entries (and a Deployment's revisions when one of its ReplicaSets
changes)."""

from __future__ import annotations

import base64
import binascii
import difflib
import hashlib
import json
import os
import re
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import yaml
from gok_tui.domain.kinds import KINDS
from gok_tui.domain.relations import ObjectsSource, pod_uses, relations_of
from gok_tui.domain.revisions import Revision, controller_revisions, revisions, template_diff
from gok_tui.domain.timefmt import parse_timestamp

HELM_SECRET_TYPE = "helm.sh/release.v1"
HELM_MAX_BYTES = 16 * 1024 * 1024
SUMMARY_ITEMS = 3  # a one-line summary names this many changes, then "+N more"
FIELD_ITEMS = 6

# kinds of change
REVISION = "revision"
SCALE = "scale"
EDIT = "edit"
CONFIG = "config"
WARNING = "warning"
RESTART = "restart"
HELM = "helm"
AUDIT = "audit"


@dataclass(frozen=True)
class Entry:
    when: float | None  # epoch seconds; None: the source gave no time
    who: str
    what: str
    ref: str  # "kind/namespace/name", the object the entry opens
    change: str  # REVISION, SCALE, EDIT, CONFIG, WARNING, RESTART, HELM, AUDIT
    source: str  # where it was read: revisions, managedFields, events, pods, helm, audit, live
    detail: str = ""
    severity: str = "info"  # info | warning | error
    readable: bool = True
    revision: int = 0  # a Deployment or Helm revision number, else 0

    @property
    def kind(self) -> str:
        return self.ref.split("/", 1)[0]

    @property
    def namespace(self) -> str:
        parts = self.ref.split("/")
        return parts[1] if len(parts) == 3 else ""

    @property
    def name(self) -> str:
        return self.ref.rsplit("/", 1)[-1]

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def _meta(obj: Mapping[str, Any]) -> Mapping[str, Any]:
    meta = obj.get("metadata")
    return meta if isinstance(meta, Mapping) else {}


def object_ref(plural: str, obj: Mapping[str, Any]) -> str:
    meta = _meta(obj)
    return f"{plural}/{meta.get('namespace', '')}/{meta.get('name', '')}"


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _clip(items: list[str], limit: int) -> str:
    shown = ", ".join(items[:limit])
    return f"{shown}, +{len(items) - limit} more" if len(items) > limit else shown


# -- Deployment revisions ----------------------------------------------------------------


def _probes(template: Mapping[str, Any]) -> dict[str, str]:
    found = {}
    for container in (template.get("spec") or {}).get("containers") or []:
        for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
            if probe in container:
                found[f"{container.get('name', '')}: {probe}"] = json.dumps(
                    container[probe], sort_keys=True
                )
    return found


def template_summary(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[str, str]:
    """A one-line summary of what moving from ``before`` to ``after`` changed, and the whole
    diff (one change a line)."""
    lines = []
    short = []
    for change in template_diff(before, after):
        where = f"{change.container}: " if change.container else ""
        lines.append(f"{where}{change.field}: {change.before} -> {change.after}")
        if change.field == "image":
            short.append(f"image {change.after.rsplit('/', 1)[-1]}")
        elif change.field.startswith("env "):
            short.append(change.field)
        elif change.field.startswith("resources"):
            short.append(f"{change.field.removeprefix('resources.')} {change.after}")
        else:
            short.append(change.field)
    old_probes, new_probes = _probes(before), _probes(after)
    for key in sorted(set(old_probes) | set(new_probes)):
        if old_probes.get(key) != new_probes.get(key):
            lines.append(
                f"{key}: {old_probes.get(key, '<none>')} -> {new_probes.get(key, '<none>')}"
            )
            short.append(key.split(": ", 1)[-1])
    if not short:
        return "same pod template", ""
    return _clip(short, SUMMARY_ITEMS), "\n".join(lines)


def revision_entries(
    deployment: Mapping[str, Any], replicasets: Iterable[Mapping[str, Any]]
) -> list[Entry]:
    """One entry per revision the ReplicaSets remember, each saying what it changed against
    the revision before it; the newest says who (the manager that last wrote the template)."""
    return history_entries("deployments", deployment, revisions(deployment, replicasets))


def history_entries(plural: str, owner: Mapping[str, Any], history: list[Revision]) -> list[Entry]:
    """One entry per revision in ``history`` (newest first: a Deployment's from its
    ReplicaSets, a StatefulSet's or DaemonSet's from its ControllerRevisions)."""
    ref = object_ref(plural, owner)
    template_owner = _template_owner(owner)
    entries = []
    for index, revision in enumerate(history):
        older = history[index + 1] if index + 1 < len(history) else None
        if older is None:
            what, detail = f"revision {revision.number}: first revision remembered", ""
        else:
            summary, detail = template_summary(older.template, revision.template)
            what = f"revision {revision.number}: {summary}"
        if revision.change_cause:
            detail = f"change-cause: {revision.change_cause}\n{detail}".rstrip()
        newest = index == 0 and (revision.current or plural != "deployments")
        entries.append(
            Entry(
                when=parse_timestamp(revision.created),
                who=template_owner if newest else "?",
                what=what,
                ref=ref,
                change=REVISION,
                source="revisions",
                detail=detail,
                revision=revision.number,
            )
        )
    return entries


def _template_owner(deployment: Mapping[str, Any]) -> str:
    newest: tuple[float, str] = (-1.0, "?")
    for managed in _meta(deployment).get("managedFields") or []:
        spec = ((managed.get("fieldsV1") or {}).get("f:spec")) or {}
        when = parse_timestamp(managed.get("time")) or 0.0
        if "f:template" in spec and when >= newest[0]:  # a tie: the later entry
            newest = (when, str(managed.get("manager", "?")))
    return newest[1]


def last_writer(obj: Mapping[str, Any]) -> str:
    """Who wrote the object last, from managedFields (status writes left out), as
    ``" (last written by MANAGER at TIME)"``; "" when nothing says."""
    managed = _meta(obj).get("managedFields") or []
    newest = max(
        (m for m in managed if isinstance(m, Mapping) and m.get("subresource") != "status"),
        key=lambda m: parse_timestamp(m.get("time")) or 0.0,
        default=None,
    )
    if newest is None:
        return ""
    return f" (last written by {newest.get('manager', '?')} at {newest.get('time', '?')})"


# -- managedFields ---------------------------------------------------------------------------


def _step(key: str) -> str:
    if key.startswith("k:"):
        try:
            fields = json.loads(key[2:])
        except ValueError:
            return f"[{key[2:]}]"
        if isinstance(fields, dict):
            return "[" + ",".join(f"{k}={v}" for k, v in fields.items()) + "]"
    return key[2:] if key[:2] in ("f:", "v:", "i:") else key


def _field_paths(tree: Mapping[str, Any], prefix: str = "") -> list[str]:
    """fieldsV1 as dotted leaf paths: ``spec.template.spec.containers[name=web].image``."""
    paths = []
    for key, child in tree.items():
        if key == ".":
            continue
        step = _step(key)
        path = f"{prefix}{step}" if step.startswith("[") or not prefix else f"{prefix}.{step}"
        if isinstance(child, Mapping) and set(child) - {"."}:
            paths.extend(_field_paths(child, path))
        else:
            paths.append(path)
    return paths


# written by controllers and by kubectl apply as bookkeeping, not a change anyone asked for
_BOOKKEEPING = frozenset(
    {
        "metadata.annotations.deployment.kubernetes.io/revision",
        "metadata.annotations.kubectl.kubernetes.io/last-applied-configuration",
    }
)


def _fields_summary(paths: list[str]) -> str:
    if len(paths) <= SUMMARY_ITEMS:
        return ", ".join(paths)
    groups = list(dict.fromkeys(".".join(path.split(".")[:2]) for path in paths))
    return _clip(groups, SUMMARY_ITEMS)


def managed_entries(plural: str, obj: Mapping[str, Any]) -> list[Entry]:
    """One entry per (manager, operation) with a time: who last wrote which fields. A
    controller writing status or bookkeeping only is left out (not a change anyone made)."""
    ref = object_ref(plural, obj)
    entries = []
    for managed in _meta(obj).get("managedFields") or []:
        if not isinstance(managed, Mapping) or managed.get("subresource") == "status":
            continue
        fields = managed.get("fieldsV1") or {}
        if not isinstance(fields, Mapping):
            continue
        paths = [p for p in _field_paths(fields) if not p.startswith("status")]
        meaningful = [p for p in paths if p not in _BOOKKEEPING]
        if not meaningful:
            continue
        manager = str(managed.get("manager") or "?")
        operation = str(managed.get("operation") or "Update")
        verb = operation.lower()
        if managed.get("subresource") == "scale" or meaningful == ["spec.replicas"]:
            replicas = (obj.get("spec") or {}).get("replicas")
            what, change = f"scaled (replicas now {replicas})", SCALE
        elif plural in ("configmaps", "secrets"):
            keys = sorted(
                key[2:]
                for section in ("f:data", "f:binaryData", "f:stringData")
                for key in fields.get(section) or {}
                if key != "."
            )
            what = f"{verb} keys {_clip(keys, FIELD_ITEMS)}" if keys else f"{verb} metadata"
            change = CONFIG
        else:
            what, change = f"{verb} {_fields_summary(meaningful)}", EDIT
        entries.append(
            Entry(
                when=parse_timestamp(managed.get("time")),
                who=manager,
                what=what,
                ref=ref,
                change=change,
                source="managedFields",
                detail=f"{operation} by {manager}\n" + "\n".join(meaningful),
            )
        )
    return entries


# -- events ----------------------------------------------------------------------------------


def event_time(event: Mapping[str, Any]) -> float | None:
    series = event.get("series") or {}
    for value in (
        series.get("lastObservedTime") if isinstance(series, Mapping) else None,
        event.get("lastTimestamp"),
        event.get("eventTime"),
        event.get("firstTimestamp"),
        _meta(event).get("creationTimestamp"),
    ):
        stamp = parse_timestamp(value)
        if stamp is not None:
            return stamp
    return None


_PLURAL = {
    "Pod": "pods",
    "Deployment": "deployments",
    "ReplicaSet": "replicasets",
    "StatefulSet": "statefulsets",
    "DaemonSet": "daemonsets",
    "HorizontalPodAutoscaler": "horizontalpodautoscalers",
    "Service": "services",
    "Node": "nodes",
    "Job": "jobs",
    "ConfigMap": "configmaps",
    "Secret": "secrets",
}
_SCALE_REASONS = frozenset({"ScalingReplicaSet", "SuccessfulRescale"})


def event_group_key(event: Mapping[str, Any]) -> str:
    involved = event.get("involvedObject") or event.get("regarding") or {}
    return "|".join(
        str(part)
        for part in (
            involved.get("kind", ""),
            involved.get("namespace", ""),
            involved.get("name", ""),
            event.get("reason", ""),
        )
    )


def event_entry(events: list[Mapping[str, Any]]) -> Entry | None:
    """One entry for a group of events of one object and reason (Warnings; scale events of
    the Deployment controller and the HPA): the count summed, the newest time and message."""
    if not events:
        return None
    newest = max(events, key=lambda e: event_time(e) or 0.0)
    warning = newest.get("type") == "Warning"
    reason = str(newest.get("reason") or "")
    if not warning and reason not in _SCALE_REASONS:
        return None
    involved = newest.get("involvedObject") or newest.get("regarding") or {}
    kind = str(involved.get("kind") or "")
    plural = _PLURAL.get(kind, kind.lower() + "s")
    ref = f"{plural}/{involved.get('namespace', '')}/{involved.get('name', '')}"
    count = sum(int(e.get("count") or (e.get("series") or {}).get("count") or 1) for e in events)
    message = str(newest.get("message") or newest.get("note") or "").strip()
    source = newest.get("source") or {}
    who = str(
        newest.get("reportingComponent")
        or (source.get("component") if isinstance(source, Mapping) else "")
        or "?"
    )
    severity = "error" if reason in ("OOMKilling", "FailedScheduling", "Evicted") else "warning"
    return Entry(
        when=event_time(newest),
        who=who,
        what=f"{reason} x{count}: {message}" if count > 1 else f"{reason}: {message}",
        ref=ref,
        change=WARNING if warning else SCALE,
        source="events",
        detail=message,
        severity=severity if warning else "info",
    )


# -- pods ------------------------------------------------------------------------------------


def pod_entries(pod: Mapping[str, Any]) -> list[Entry]:
    """Restarts (OOMKilled said), an eviction, a pod that cannot be scheduled."""
    ref = object_ref("pods", pod)
    status = pod.get("status") or {}
    entries = []
    for container in status.get("containerStatuses") or []:
        restarts = int(container.get("restartCount") or 0)
        if restarts <= 0:
            continue
        last = (container.get("lastState") or {}).get("terminated") or {}
        reason = str(last.get("reason") or "restarted")
        oom = reason == "OOMKilled"
        entries.append(
            Entry(
                when=parse_timestamp(last.get("finishedAt")),
                who="kubelet",
                what=f"{container.get('name', '')}: {reason}, {_count(restarts, 'restart')}",
                ref=ref,
                change=RESTART,
                source="pods",
                detail=f"exit code {last.get('exitCode', '?')}",
                severity="error" if oom else "warning",
            )
        )
    if status.get("reason") == "Evicted":
        entries.append(
            Entry(
                when=parse_timestamp(status.get("startTime")),
                who="kubelet",
                what=f"Evicted: {status.get('message', '')}",
                ref=ref,
                change=RESTART,
                source="pods",
                severity="error",
            )
        )
    for condition in status.get("conditions") or []:
        if condition.get("type") == "PodScheduled" and condition.get("status") == "False":
            entries.append(
                Entry(
                    when=parse_timestamp(condition.get("lastTransitionTime")),
                    who="scheduler",
                    what=f"FailedScheduling: {condition.get('message', '')}",
                    ref=ref,
                    change=WARNING,
                    source="pods",
                    severity="error",
                )
            )
    return entries


# -- Helm ------------------------------------------------------------------------------------


class HelmDecodeError(ValueError):
    pass


def decode_helm_release(data: str) -> dict[str, Any]:
    """A Helm 3 release as its Secret driver stores it: the Secret's data (base64) holds
    base64 of gzip of JSON. Decompression stops at 16 MiB."""
    try:
        inner = base64.b64decode(data, validate=True)
        packed = base64.b64decode(inner, validate=True)
    except (binascii.Error, ValueError) as error:
        raise HelmDecodeError(f"not base64: {error}") from None
    if packed[:2] == b"\x1f\x8b":
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            raw = inflater.decompress(packed, HELM_MAX_BYTES + 1)
        except zlib.error as error:
            raise HelmDecodeError(f"not gzip: {error}") from None
        if len(raw) > HELM_MAX_BYTES or inflater.unconsumed_tail:
            raise HelmDecodeError("release larger than 16 MiB")
    else:
        raw = packed  # Helm stores uncompressed JSON when it was written that way
    try:
        release = json.loads(raw)
    except ValueError as error:
        raise HelmDecodeError(f"not JSON: {error}") from None
    if not isinstance(release, dict):
        raise HelmDecodeError("not a release object")
    return release


def is_helm_release(secret: Mapping[str, Any]) -> bool:
    return secret.get("type") == HELM_SECRET_TYPE


def helm_entry(secret: Mapping[str, Any]) -> Entry:
    meta = _meta(secret)
    labels = meta.get("labels") or {}
    name = str(labels.get("name") or meta.get("name", ""))
    namespace = str(meta.get("namespace", ""))
    ref = f"helm/{namespace}/{name}"
    try:
        number = int(labels.get("version") or 0)
    except ValueError:
        number = 0
    try:
        release = decode_helm_release(str((secret.get("data") or {}).get("release") or ""))
    except HelmDecodeError as error:
        return Entry(
            when=parse_timestamp(meta.get("creationTimestamp")),
            who="helm",
            what=f"release {name} revision {number}: unreadable ({error})",
            ref=ref,
            change=HELM,
            source="helm",
            severity="warning",
            readable=False,
            revision=number,
        )
    info = release.get("info") or {}
    chart = ((release.get("chart") or {}).get("metadata")) or {}
    number = int(release.get("version") or number)
    status = str(info.get("status") or labels.get("status") or "?")
    what = (
        f"release {name} revision {number} {status}: "
        f"{chart.get('name', '?')}-{chart.get('version', '?')} (app {chart.get('appVersion', '?')})"
    )
    description = str(info.get("description") or "")
    return Entry(
        when=parse_timestamp(info.get("last_deployed"))
        or parse_timestamp(meta.get("creationTimestamp")),
        who="helm",
        what=what,
        ref=ref,
        change=HELM,
        source="helm",
        detail=description,
        severity="error" if status == "failed" else "info",
        revision=number,
    )


def helm_rollback_command(entry: Entry) -> str:
    """The command that goes back to the revision before this Helm entry's."""
    return f"helm rollback {entry.name} {max(1, entry.revision - 1)} -n {entry.namespace}"


def helm_rollback_argv(
    release: str,
    revision: int,
    namespace: str,
    context: str,
    kubeconfig: tuple[str, ...] = (),
    helm: str = "helm",
) -> tuple[str, ...]:
    """``helm rollback`` aimed where gok-tui points: its context, and its kubeconfig when it
    is one file (several are given to helm as KUBECONFIG, see ``helm_environment``)."""
    argv = [helm, "rollback", release, str(revision), "-n", namespace, "--kube-context", context]
    if len(kubeconfig) == 1:
        argv += ["--kubeconfig", kubeconfig[0]]
    return tuple(argv)


def helm_environment(kubeconfig: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    return (("KUBECONFIG", os.pathsep.join(kubeconfig)),) if len(kubeconfig) > 1 else ()


def helm_releases(
    secrets: Iterable[Mapping[str, Any]], release: str
) -> dict[int, dict[str, Any] | str]:
    """The revisions of ``release`` its Secrets hold: revision -> the release, or why it is
    unreadable."""
    found: dict[int, dict[str, Any] | str] = {}
    for secret in secrets:
        labels = _meta(secret).get("labels") or {}
        if not is_helm_release(secret) or labels.get("name") != release:
            continue
        try:
            number = int(labels.get("version") or 0)
        except ValueError:
            continue
        try:
            found[number] = decode_helm_release(str((secret.get("data") or {}).get("release")))
        except HelmDecodeError as error:
            found[number] = str(error)
    return found


# values are shown as digests salted per run: which value changed still shows, and a digest
# on a screenshot cannot be matched against a list of likely passwords
_DIGEST_SALT = os.urandom(16)
_UNREADABLE_SECRET = "<a document that names a Secret and could not be read: hidden>"


def _digest(key: str, value: object) -> str:
    text = json.dumps([key, value], sort_keys=True, default=str)
    return hashlib.sha256(_DIGEST_SALT + text.encode()).hexdigest()[:12]


def _is_secret(obj: object) -> bool:
    return isinstance(obj, dict) and obj.get("kind") == "Secret"


def _holds_secret(obj: object) -> bool:
    """A Secret, or a List whose items hold one."""
    if _is_secret(obj):
        return True
    items = obj.get("items") if isinstance(obj, dict) else None
    return isinstance(items, list) and any(_holds_secret(item) for item in items)


def _values_hidden(obj: Any) -> Any:
    if _is_secret(obj):
        hidden = dict(obj)
        for section in ("data", "stringData"):
            values = obj.get(section)
            if isinstance(values, dict):
                hidden[section] = {
                    key: f"<hidden sha256:{_digest(str(key), value)}>"
                    for key, value in values.items()
                }
            elif values is not None:
                hidden[section] = f"<hidden sha256:{_digest(section, values)}>"
        return hidden
    if isinstance(obj, dict) and isinstance(obj.get("items"), list):
        return {**obj, "items": [_values_hidden(item) for item in obj["items"]]}
    return obj


def _hide_secret_values(document: str) -> list[str]:
    """A manifest document's lines; a Secret's (or a List's Secrets') data and stringData
    values become digests. The document is read as YAML, so no way of writing it (quoted kind,
    flow style, comments, JSON) shows a value; one that cannot be read and names a Secret is
    hidden whole."""
    lines = document.splitlines()
    try:
        parsed = yaml.safe_load(document)
    except yaml.YAMLError:
        return [_UNREADABLE_SECRET] if "Secret" in document else lines
    if not _holds_secret(parsed):
        return lines
    dumped = yaml.safe_dump(_values_hidden(parsed), sort_keys=False, default_flow_style=False)
    return dumped.splitlines()


def _manifest_lines(manifest: str) -> list[str]:
    """A manifest's lines, document by document, Secret values hidden."""
    lines: list[str] = []
    for number, document in enumerate(re.split(r"(?m)^---[^\n]*\n?", manifest)):
        if number:
            lines.append("---")
        lines.extend(_hide_secret_values(document))
    return lines


def manifest_diff(old: str, new: str, limit: int = 400) -> list[str]:
    """A unified diff of two Helm manifests (Secret values hidden), at most ``limit`` lines."""
    lines = list(
        difflib.unified_diff(
            _manifest_lines(old),
            _manifest_lines(new),
            "current",
            "rolled back to",
            n=1,
            lineterm="",
        )
    )
    if len(lines) > limit:
        return [*lines[:limit], f"... {len(lines) - limit} more lines"]
    return lines


# -- gok-tui's audit log -----------------------------------------------------------------


def audit_entries(lines: Iterable[str]) -> list[Entry]:
    """The audit log's entries; a line that is not a JSON object (a torn last write) is an
    unreadable entry, and the rest are read."""
    entries = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            record = None
        if not isinstance(record, dict):
            entries.append(
                Entry(
                    when=None,
                    who="gok-tui",
                    what=f"audit line {number}: unreadable",
                    ref="audit//log",
                    change=AUDIT,
                    source="audit",
                    detail=line[:200],
                    severity="warning",
                    readable=False,
                )
            )
            continue
        ok = bool(record.get("ok"))
        action = record.get("action", "")
        entries.append(
            Entry(
                when=parse_timestamp(str(record.get("time") or "")),
                who=str(record.get("kube_user") or record.get("local_user") or "gok-tui"),
                what=f"{action}: {record.get('from', '')} -> {record.get('to', '')}"
                + ("" if ok else " (FAILED)")
                + (" (dry-run)" if record.get("dry_run") else ""),
                ref="/".join(str(record.get(k, "")) for k in ("kind", "namespace", "name")),
                change=AUDIT,
                source="audit",
                detail=str(record.get("summary") or ""),
                severity="info" if ok else "warning",
            )
        )
    return entries


# -- ConfigMap / Secret changes seen while running -------------------------------------


def data_change(plural: str, before: Mapping[str, Any], after: Mapping[str, Any]) -> str:
    """Which keys a ConfigMap or Secret change added, removed or changed ("" if none). For a
    Secret only key names, never values."""
    old = {**(before.get("data") or {}), **(before.get("binaryData") or {})}
    new = {**(after.get("data") or {}), **(after.get("binaryData") or {})}
    added = sorted(set(new) - set(old))
    removed = sorted(set(old) - set(new))
    changed = sorted(key for key in set(old) & set(new) if old[key] != new[key])
    parts = []
    for label, keys in (("changed", changed), ("added", added), ("removed", removed)):
        if keys:
            parts.append(f"{label} {_clip(keys, FIELD_ITEMS)}")
    return "; ".join(parts)


def config_data(configmap: Mapping[str, Any]) -> ConfigData:
    """A ConfigMap's ``data`` and ``binaryData`` as they are (copies)."""
    return ConfigData(dict(configmap.get("data") or {}), dict(configmap.get("binaryData") or {}))


@dataclass(frozen=True)
class ConfigData:
    data: dict[str, str]
    binary: dict[str, str]


@dataclass(frozen=True)
class ConfigChange:
    """What a ConfigMap held before a change seen while running, and what the change left."""

    before: ConfigData
    left: ConfigData


# where each owner kind keeps its revisions, and the kinds that keep them
HISTORY_OF: dict[str, Callable[[Mapping[str, Any], list[Mapping[str, Any]]], list[Revision]]] = {
    "deployments": revisions,
    "statefulsets": controller_revisions,
    "daemonsets": controller_revisions,
}
OWNER_OF = {
    "replicasets": {"Deployment": "deployments"},
    "controllerrevisions": {"StatefulSet": "statefulsets", "DaemonSet": "daemonsets"},
}


# -- the merged timeline ---------------------------------------------------------------------


def _newest_first(entry: Entry) -> tuple[float, str, int, str]:
    # entries without a time go last (where they belong is unknown); in one second, a
    # Deployment's newer revision first
    when = entry.when if entry.when is not None else float("-inf")
    return (-when, entry.ref, -entry.revision, entry.what)


@dataclass
class Timeline:
    """Entries per object; ``update``/``remove`` re-derive only the object concerned."""

    by_key: dict[str, list[Entry]] = field(default_factory=dict)
    objects: dict[str, dict[str, Mapping[str, Any]]] = field(default_factory=dict)
    event_groups: dict[str, dict[str, Mapping[str, Any]]] = field(default_factory=dict)
    # by owner ("deployments/ns/name"): its ReplicaSets, a StatefulSet's or DaemonSet's
    # ControllerRevisions
    owned: dict[str, dict[str, Mapping[str, Any]]] = field(default_factory=dict)
    # owners whose revisions are re-derived on the next read: a list of 2,000 ReplicaSets
    # derives each Deployment's once, not once per ReplicaSet
    stale_revisions: set[str] = field(default_factory=set)
    stale_groups: set[str] = field(default_factory=set)  # event groups, the same way
    seen_changes: dict[str, list[Entry]] = field(default_factory=dict)
    # a ConfigMap change seen while running: its data before and after (never a Secret's)
    config_changes: dict[Entry, ConfigChange] = field(default_factory=dict)
    _merged: list[Entry] | None = None
    now: float = 0.0  # the clock when a live change is seen

    def _set(self, key: str, entries: list[Entry]) -> None:
        if entries:
            self.by_key[key] = entries
        else:
            self.by_key.pop(key, None)
        self._merged = None

    def update(self, plural: str, obj: Mapping[str, Any]) -> None:
        meta = _meta(obj)
        key = f"{meta.get('namespace', '')}/{meta.get('name', '')}"
        store = self.objects.setdefault(plural, {})
        before = store.get(key)
        store[key] = obj
        if plural == "events":
            self._update_event(key, obj)
        elif plural in HISTORY_OF:
            self._set(f"{plural}/{key}", managed_entries(plural, obj))
            self.stale_revisions.add(f"{plural}/{key}")
        elif plural in OWNER_OF:
            self._revision_changed(plural, obj, gone=False)
        elif plural == "pods":
            self._set(f"{plural}/{key}", pod_entries(obj))
        elif plural == "secrets" and is_helm_release(obj):
            self._set(f"helm/{key}", [helm_entry(obj)])
        elif plural in ("configmaps", "secrets"):
            self._set(f"{plural}/{key}", managed_entries(plural, obj))
            if before is not None:
                self._seen(plural, before, obj)
        else:
            self._set(f"{plural}/{key}", managed_entries(plural, obj))

    def remove(self, plural: str, obj: Mapping[str, Any]) -> None:
        meta = _meta(obj)
        key = f"{meta.get('namespace', '')}/{meta.get('name', '')}"
        removed = self.objects.get(plural, {}).pop(key, None)
        if plural == "events":
            if removed is not None:
                group = event_group_key(removed)
                self.event_groups.get(group, {}).pop(key, None)
                self.stale_groups.add(group)
                self._merged = None
        elif plural in OWNER_OF:
            self._revision_changed(plural, obj, gone=True)
        elif plural == "secrets" and is_helm_release(obj):
            self._set(f"helm/{key}", [])
        else:
            self._set(f"{plural}/{key}", [])
            if plural in HISTORY_OF:
                self._set(f"revisions/{plural}/{key}", [])

    def _owner_key(self, plural: str, revision: Mapping[str, Any]) -> str | None:
        namespace = _meta(revision).get("namespace", "")
        for ref in _meta(revision).get("ownerReferences") or []:
            owner = OWNER_OF[plural].get(str(ref.get("kind", "")))
            if owner is not None:
                return f"{owner}/{namespace}/{ref.get('name')}"
        return None

    def _revision_changed(self, plural: str, revision: Mapping[str, Any], gone: bool) -> None:
        owner = self._owner_key(plural, revision)
        if owner is None:
            return
        name = str(_meta(revision).get("name", ""))
        owned = self.owned.setdefault(owner, {})
        if gone:
            owned.pop(name, None)
        else:
            owned[name] = revision
        self.stale_revisions.add(owner)
        self._merged = None

    def _derive_revisions(self) -> None:
        stale, self.stale_revisions = self.stale_revisions, set()
        for key in stale:
            plural, where = key.split("/", 1)
            owner = self.objects.get(plural, {}).get(where)
            owned = list(self.owned.get(key, {}).values())
            entries = []
            if owner is not None:
                entries = history_entries(plural, owner, HISTORY_OF[plural](owner, owned))
            self._set(f"revisions/{key}", entries)

    def _update_event(self, key: str, event: Mapping[str, Any]) -> None:
        group = event_group_key(event)
        self.event_groups.setdefault(group, {})[key] = event
        self.stale_groups.add(group)
        self._merged = None

    def _group_entries(self, group: str) -> list[Entry]:
        entry = event_entry(list(self.event_groups.get(group, {}).values()))
        return [entry] if entry is not None else []

    def _seen(self, plural: str, before: Mapping[str, Any], after: Mapping[str, Any]) -> None:
        change = data_change(plural, before, after)
        if not change:
            return
        ref = object_ref(plural, after)
        managers = sorted(
            _meta(after).get("managedFields") or [],
            key=lambda m: parse_timestamp(m.get("time")) or 0.0,
        )
        who = str(managers[-1].get("manager", "?")) if managers else "?"
        detail = change
        if plural == "configmaps":
            old, new = before.get("data") or {}, after.get("data") or {}
            detail = "\n".join(
                f"{key}: {old.get(key, '<none>')!s:.200} -> {new.get(key, '<none>')!s:.200}"
                for key in sorted(set(old) | set(new))
                if old.get(key) != new.get(key)
            )
        entry = Entry(
            when=self.now or (parse_timestamp(managers[-1].get("time")) if managers else None),
            who=who,
            what=change,
            ref=ref,
            change=CONFIG,
            source="live",
            detail=detail,
        )
        if plural == "configmaps":
            self.config_changes[entry] = ConfigChange(config_data(before), config_data(after))
        seen = self.seen_changes.setdefault(ref, [])
        seen.append(entry)
        self._set(f"live/{ref}", list(seen))

    def set_audit(self, lines: Iterable[str]) -> None:
        self._set("audit", audit_entries(lines))

    def entries(self) -> list[Entry]:
        """Every entry, newest first (entries without a time last)."""
        if self.stale_revisions:
            self._derive_revisions()
        if self.stale_groups:
            stale, self.stale_groups = self.stale_groups, set()
            for group in stale:
                self._set(f"events/{group}", self._group_entries(group))
        if self._merged is None:
            merged = [entry for entries in self.by_key.values() for entry in entries]
            merged.sort(key=_newest_first)
            self._merged = merged
        return self._merged

    def begins(self) -> dict[str, float]:
        """Where history begins, per source: its oldest entry's time."""
        oldest: dict[str, float] = {}
        for entry in self.entries():
            if entry.when is not None and entry.when < oldest.get(entry.source, float("inf")):
                oldest[entry.source] = entry.when
        return oldest


def about(entries: Iterable[Entry], ref: str, owned: Iterable[str] = ()) -> list[Entry]:
    """The entries of one object (``kind/namespace/name``) and of what it owns."""
    wanted = {ref, *owned}
    return [entry for entry in entries if entry.ref in wanted]


def revision_before(entries: Iterable[Entry], entry: Entry) -> int:
    """The revision an undo from a revision entry goes back to: the newest one of the same
    Deployment below it (0: none remembered)."""
    if entry.change != REVISION:
        return 0
    older = [
        other.revision
        for other in entries
        if other.change == REVISION and other.ref == entry.ref and other.revision < entry.revision
    ]
    return max(older, default=0)


# -- T: one object and what belongs to it ---------------------------------------------------

_WORKLOADS = frozenset({"deployments", "statefulsets", "daemonsets", "replicasets"})
_USED = frozenset({"configmap", "secret"})


def focus_refs(ref: str, objects: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> set[str]:
    """The refs ``T`` on ``ref`` ("kind/namespace/name") shows, by ownerReferences (not by
    name): a workload, what it owns (ReplicaSets, their Pods), the HPAs that scale it and the
    ConfigMaps and Secrets its pod template and pods use; a Pod and its owners; anything else,
    itself. ``objects`` are the ones the timeline follows (plural -> "ns/name" -> object)."""
    plural, namespace, name = [*ref.split("/"), "", ""][:3]
    source = ObjectsSource(
        {kind: [dict(obj) for obj in found.values()] for kind, found in objects.items()}
    )
    refs = {ref}
    if plural not in _WORKLOADS and plural != "pods":
        return refs
    tree = relations_of(source, plural, namespace, name)
    for node in tree.walk():
        if node.plural is None or node is tree:
            continue
        if not node.found and node.relation not in _USED:  # a used one not there: its events
            continue
        if plural == "pods" and node.relation != "owner":
            continue
        if plural != "pods" and node.relation not in ("owns", *_USED):
            continue
        refs.add(f"{node.plural}/{node.namespace or ''}/{node.name}")
    if plural == "pods":
        return refs
    owner = objects.get(plural, {}).get(f"{namespace}/{name}")
    template = ((owner or {}).get("spec") or {}).get("template") or {}
    for link in pod_uses({"spec": template.get("spec") or {}}):
        if link.relation in _USED:
            refs.add(f"{link.kind.lower()}s/{namespace}/{link.name}")
    kind_name = KINDS[plural].name
    for key, hpa in objects.get("horizontalpodautoscalers", {}).items():
        target = (hpa.get("spec") or {}).get("scaleTargetRef") or {}
        if (target.get("kind"), target.get("name")) == (kind_name, name) and key.startswith(
            f"{namespace}/"
        ):
            refs.add(f"horizontalpodautoscalers/{key}")
    return refs
