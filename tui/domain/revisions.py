"""A Deployment's revision history, from its ReplicaSets, and diffs between pod templates."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

REVISION_ANNOTATION = "deployment.kubernetes.io/revision"
CHANGE_CAUSE_ANNOTATION = "kubernetes.io/change-cause"
TEMPLATE_HASH_LABEL = "pod-template-hash"


@dataclass(frozen=True)
class Revision:
    number: int
    replicaset: str
    images: tuple[str, ...]
    change_cause: str
    replicas: int
    ready: int
    created: str
    template: Mapping[str, Any]
    current: bool


def revision_of(obj: Mapping[str, Any]) -> int:
    annotations = (obj.get("metadata") or {}).get("annotations") or {}
    try:
        return int(annotations.get(REVISION_ANNOTATION, "0"))
    except ValueError:
        return 0


def workload_revision(obj: Mapping[str, Any]) -> str:
    """What a workload runs now: a Deployment's revision number, a StatefulSet's update
    revision, else its spec's generation."""
    number = revision_of(obj)
    if number:
        return str(number)
    status = obj.get("status") or {}
    if status.get("updateRevision"):
        return str(status["updateRevision"])
    return f"of generation {(obj.get('metadata') or {}).get('generation', '?')}"


def owned_by(replicaset: Mapping[str, Any], deployment: Mapping[str, Any]) -> bool:
    uid = (deployment.get("metadata") or {}).get("uid")
    refs = (replicaset.get("metadata") or {}).get("ownerReferences") or []
    return any(ref.get("uid") == uid and ref.get("controller", True) for ref in refs)


def template_without_hash(template: Mapping[str, Any]) -> dict[str, Any]:
    """A pod template as a Deployment would carry it: no ``pod-template-hash`` label."""
    clean = copy.deepcopy(dict(template))
    labels = (clean.get("metadata") or {}).get("labels")
    if isinstance(labels, dict):
        labels.pop(TEMPLATE_HASH_LABEL, None)
    return clean


def same_template(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    return template_without_hash(a) == template_without_hash(b)


def revisions(
    deployment: Mapping[str, Any], replicasets: Iterable[Mapping[str, Any]]
) -> list[Revision]:
    """Every revision the Deployment can go back to, newest first."""
    current = revision_of(deployment)
    result = []
    for rs in replicasets:
        if not owned_by(rs, deployment):
            continue
        number = revision_of(rs)
        if number <= 0:
            continue
        meta = rs.get("metadata") or {}
        template = (rs.get("spec") or {}).get("template") or {}
        containers = (template.get("spec") or {}).get("containers") or []
        status = rs.get("status") or {}
        result.append(
            Revision(
                number=number,
                replicaset=meta.get("name", ""),
                images=tuple(c.get("image", "") for c in containers),
                change_cause=(meta.get("annotations") or {}).get(CHANGE_CAUSE_ANNOTATION, ""),
                replicas=int(status.get("replicas") or 0),
                ready=int(status.get("readyReplicas") or 0),
                created=meta.get("creationTimestamp", ""),
                template=template,
                current=number == current,
            )
        )
    result.sort(key=lambda revision: revision.number, reverse=True)
    return result


def previous_revision(history: list[Revision]) -> Revision | None:
    """kubectl's choice for a bare ``rollout undo``: the newest revision below the newest."""
    return history[1] if len(history) > 1 else None


@dataclass(frozen=True)
class TemplateChange:
    container: str  # "" for pod-level changes
    field: str  # "image", "env FOO", "args", "resources.limits.memory", "configMap", ...
    before: str
    after: str


def _env_entries(container: Mapping[str, Any]) -> dict[str, str]:
    entries = {}
    for env in container.get("env") or []:
        name = env.get("name", "")
        if "value" in env:
            entries[name] = str(env["value"])
        else:
            source = env.get("valueFrom") or {}
            if "secretKeyRef" in source:
                ref = source["secretKeyRef"]
                entries[name] = f"secret {ref.get('name')}/{ref.get('key')}"
            elif "configMapKeyRef" in source:
                ref = source["configMapKeyRef"]
                entries[name] = f"configmap {ref.get('name')}/{ref.get('key')}"
            else:
                entries[name] = "(from field)"
    for source in container.get("envFrom") or []:
        if "configMapRef" in source:
            entries[f"envFrom configmap {source['configMapRef'].get('name')}"] = "all keys"
        if "secretRef" in source:
            entries[f"envFrom secret {source['secretRef'].get('name')}"] = "all keys"
    return entries


def _flatten(value: Any, prefix: str) -> dict[str, str]:
    if isinstance(value, Mapping):
        out: dict[str, str] = {}
        for key, inner in value.items():
            out.update(_flatten(inner, f"{prefix}.{key}" if prefix else str(key)))
        return out
    return {prefix: str(value)}


def _volume_refs(pod_spec: Mapping[str, Any]) -> dict[str, str]:
    refs = {}
    for volume in pod_spec.get("volumes") or []:
        name = volume.get("name", "")
        if "configMap" in volume:
            refs[f"volume {name}"] = f"configmap {volume['configMap'].get('name')}"
        elif "secret" in volume:
            refs[f"volume {name}"] = f"secret {volume['secret'].get('secretName')}"
    return refs


def _diff_maps(
    container: str, field: str, a: Mapping[str, str], b: Mapping[str, str]
) -> list[TemplateChange]:
    changes = []
    for key in sorted(set(a) | set(b)):
        before, after = a.get(key, "<none>"), b.get(key, "<none>")
        if before != after:
            label = f"{field} {key}".strip() if field else key
            changes.append(TemplateChange(container, label, before, after))
    return changes


def template_diff(current: Mapping[str, Any], other: Mapping[str, Any]) -> list[TemplateChange]:
    """What moving from ``current`` to ``other`` changes, in the terms an operator checks."""
    a_spec = current.get("spec") or {}
    b_spec = other.get("spec") or {}
    a_containers = {c.get("name", ""): c for c in a_spec.get("containers") or []}
    b_containers = {c.get("name", ""): c for c in b_spec.get("containers") or []}
    changes: list[TemplateChange] = []
    for name in sorted(set(a_containers) | set(b_containers)):
        a, b = a_containers.get(name), b_containers.get(name)
        if a is None or b is None:
            changes.append(
                TemplateChange(
                    name, "container", "present" if a else "absent", "present" if b else "absent"
                )
            )
            continue
        for field in ("image", "command", "args"):
            before, after = str(a.get(field, "<none>")), str(b.get(field, "<none>"))
            if before != after:
                changes.append(TemplateChange(name, field, before, after))
        changes += _diff_maps(name, "env", _env_entries(a), _env_entries(b))
        changes += _diff_maps(
            name,
            "",
            _flatten(a.get("resources") or {}, "resources"),
            _flatten(b.get("resources") or {}, "resources"),
        )
    changes += _diff_maps("", "", _volume_refs(a_spec), _volume_refs(b_spec))
    return changes


# -- StatefulSets and DaemonSets: their history is in ControllerRevisions ------------------
REVISION_HASH_LABEL = "controller-revision-hash"  # on their pods
CONTROLLER_HASH_LABEL = "controller.kubernetes.io/hash"  # on a ControllerRevision


def controller_revision_template(revision: Mapping[str, Any]) -> dict[str, Any]:
    """The pod template a ControllerRevision keeps (its ``data``, a strategic merge patch of
    the owner's spec whose template replaces the owner's whole)."""
    template = ((revision.get("data") or {}).get("spec") or {}).get("template") or {}
    return {k: copy.deepcopy(v) for k, v in template.items() if k != "$patch"}


def _runs_revision(pod: Mapping[str, Any], revision: Mapping[str, Any]) -> bool:
    """A StatefulSet's pods name their ControllerRevision, a DaemonSet's its hash."""
    meta = revision.get("metadata") or {}
    label = ((pod.get("metadata") or {}).get("labels") or {}).get(REVISION_HASH_LABEL)
    return label is not None and label in (
        meta.get("name"),
        (meta.get("labels") or {}).get(CONTROLLER_HASH_LABEL),
    )


def controller_revisions(
    owner: Mapping[str, Any],
    revisions_seen: Iterable[Mapping[str, Any]],
    pods: Iterable[Mapping[str, Any]] = (),
) -> list[Revision]:
    """A StatefulSet's or DaemonSet's revisions, newest first; the newest is the one its
    controller rolls out (the current template's), as ``kubectl rollout history`` counts."""
    live_pods = [
        pod
        for pod in pods
        if owned_by(pod, owner) and not (pod.get("metadata") or {}).get("deletionTimestamp")
    ]
    result = []
    for item in revisions_seen:
        if not owned_by(item, owner):
            continue
        meta = item.get("metadata") or {}
        try:
            number = int(item.get("revision") or 0)
        except (TypeError, ValueError):
            continue
        template = controller_revision_template(item)
        containers = (template.get("spec") or {}).get("containers") or []
        running = [pod for pod in live_pods if _runs_revision(pod, item)]
        ready = sum(
            1
            for pod in running
            if any(
                c.get("type") == "Ready" and c.get("status") == "True"
                for c in (pod.get("status") or {}).get("conditions") or []
            )
        )
        result.append(
            Revision(
                number=number,
                replicaset=str(meta.get("name", "")),
                images=tuple(str(c.get("image", "")) for c in containers),
                change_cause=str((meta.get("annotations") or {}).get(CHANGE_CAUSE_ANNOTATION, "")),
                replicas=len(running),
                ready=ready,
                created=str(meta.get("creationTimestamp", "")),
                template=template,
                current=False,
            )
        )
    result.sort(key=lambda revision: revision.number, reverse=True)
    if result:
        result[0] = dataclasses.replace(result[0], current=True)
    return result
