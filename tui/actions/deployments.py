"""Deployment actions: scale, restart, pause/resume, set image, undo (as kubectl does them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gok_tui.actions.base import (
    JSON_PATCH,
    MERGE_PATCH,
    STRATEGIC_PATCH,
    ObjectRef,
    Plan,
    pointer,
    still,
)
from gok_tui.domain.autoscaling import autoscalers_of
from gok_tui.domain.kinds import KINDS
from gok_tui.domain.revisions import (
    CHANGE_CAUSE_ANNOTATION,
    REVISION_ANNOTATION,
    previous_revision,
    revision_of,
    revisions,
    same_template,
    template_diff,
    template_without_hash,
    workload_revision,
)
from gok_tui.domain.selectors import selector_string

if TYPE_CHECKING:
    from gok_tui.backends.kube import KubeBackend

RESTARTED_AT = "kubectl.kubernetes.io/restartedAt"

# kubectl rollout undo leaves these Deployment annotations alone (rollback.go annotationsToSkip)
_UNDO_SKIP_ANNOTATIONS = frozenset(
    {
        "kubectl.kubernetes.io/last-applied-configuration",
        REVISION_ANNOTATION,
        "deployment.kubernetes.io/revision-history",
        "deployment.kubernetes.io/desired-replicas",
        "deployment.kubernetes.io/max-replicas",
        "deprecated.deployment.rollback.to",
    }
)


def _deployment_path(ref: ObjectRef) -> str:
    """The object's path; Scale and Restart also act on the other workloads (ref.kind)."""
    return KINDS[ref.kind].object_path(ref.namespace, ref.name)


def _fetch_deployment(backend: KubeBackend, ref: ObjectRef) -> dict[str, Any]:
    return backend.get(KINDS[ref.kind], ref.namespace, ref.name)


def _containers(deployment: dict[str, Any]) -> list[dict[str, Any]]:
    return (((deployment.get("spec") or {}).get("template") or {}).get("spec") or {}).get(
        "containers"
    ) or []


def readable_hpas(backend: KubeBackend, namespace: str) -> list[dict[str, Any]]:
    """The HorizontalPodAutoscalers a plan warns about; none when the user may not list them
    (a warning is no reason to refuse a change the user may make)."""
    from gok_tui.backends.kube import KubeError

    try:
        return backend.list(KINDS["horizontalpodautoscalers"], namespace).items
    except KubeError as error:
        if error.status == 403:
            return []
        raise


def hpas_targeting(name: str, hpas: list[dict[str, Any]], kind: str = "Deployment") -> list[str]:
    """The names of the HPAs that scale ``kind``/``name``."""
    return [hpa.name or "?" for hpa in autoscalers_of(kind, name, hpas)]


@dataclass(frozen=True)
class Scale:
    """Through the /scale subresource: a Deployment's or a StatefulSet's (``ref.kind``); the
    snapshot's ``deployment`` is that object, its ``hpas`` the namespace's HPAs (an HPA that
    scales the object is named in a warning, with what it will do to the new count)."""

    ref: ObjectRef
    replicas: int
    name: str = "scale"

    def fetch(self, backend: KubeBackend) -> dict[str, Any]:
        hpas = readable_hpas(backend, self.ref.namespace)
        return {"deployment": _fetch_deployment(backend, self.ref), "hpas": hpas}

    def plan(self, snapshot: dict[str, Any]) -> Plan:
        deployment = snapshot["deployment"]
        current = int((deployment.get("spec") or {}).get("replicas", 1))
        kind = KINDS[self.ref.kind].name
        warnings = tuple(
            hpa.scale_warning(self.replicas, kind)
            for hpa in autoscalers_of(kind, self.ref.name, snapshot.get("hpas", []))
        )
        refusal = "replicas cannot be negative" if self.replicas < 0 else ""
        return Plan(
            action=self.name,
            ref=self.ref,
            summary=f"scale {self.ref} from {current} to {self.replicas} replicas",
            before=f"{current} replicas",
            after=f"{self.replicas} replicas",
            method="PATCH",
            path=_deployment_path(self.ref) + "/scale",
            body=[
                # the Scale's spec as it stands: autoscaling/v1 leaves out replicas: 0
                still("/spec", {"replicas": current} if current else {}),
                {"op": "add", "path": "/spec/replicas", "value": self.replicas},
            ],
            content_type=JSON_PATCH,
            dangerous=self.replicas == 0 and current > 0,
            warnings=warnings,
            refusal=refusal,
            noop=current == self.replicas,
            inverse=Scale(self.ref, current),
        )


@dataclass(frozen=True)
class Restart:
    """``kubectl rollout restart``: a new template annotation makes a new ReplicaSet (or
    ControllerRevision: StatefulSets and DaemonSets restart the same way, ``ref.kind``)."""

    ref: ObjectRef
    at: str  # RFC3339 timestamp, chosen when the key is pressed
    name: str = "restart"

    def fetch(self, backend: KubeBackend) -> dict[str, Any]:
        return {"deployment": _fetch_deployment(backend, self.ref)}

    def plan(self, snapshot: dict[str, Any]) -> Plan:
        deployment = snapshot["deployment"]
        paused = bool((deployment.get("spec") or {}).get("paused"))
        return Plan(
            action=self.name,
            ref=self.ref,
            summary=f"restart every pod of {self.ref} (rolling, as kubectl rollout restart)",
            before=f"revision {workload_revision(deployment)}",
            after=f"new revision, restartedAt {self.at}",
            method="PATCH",
            path=_deployment_path(self.ref),
            body={"spec": {"template": {"metadata": {"annotations": {RESTARTED_AT: self.at}}}}},
            content_type=STRATEGIC_PATCH,
            refusal="the Deployment is paused: resume it first" if paused else "",
        )


@dataclass(frozen=True)
class SetPaused:
    ref: ObjectRef
    paused: bool

    @property
    def name(self) -> str:
        return "pause" if self.paused else "resume"

    def fetch(self, backend: KubeBackend) -> dict[str, Any]:
        return {"deployment": _fetch_deployment(backend, self.ref)}

    def plan(self, snapshot: dict[str, Any]) -> Plan:
        current = bool((snapshot["deployment"].get("spec") or {}).get("paused"))
        state = {True: "paused", False: "progressing"}
        return Plan(
            action=self.name,
            ref=self.ref,
            summary=f"{self.name} the rollout of {self.ref}",
            before=state[current],
            after=state[self.paused],
            method="PATCH",
            path=_deployment_path(self.ref),
            body={"spec": {"paused": self.paused}},
            content_type=MERGE_PATCH,
            noop=current == self.paused,
            inverse=SetPaused(self.ref, current),
        )


@dataclass(frozen=True)
class SetImage:
    """Roll out an image on one container, recording why in the change-cause annotation."""

    ref: ObjectRef
    container: str
    image: str
    cause: str
    name: str = "rollout"

    def fetch(self, backend: KubeBackend) -> dict[str, Any]:
        return {"deployment": _fetch_deployment(backend, self.ref)}

    def plan(self, snapshot: dict[str, Any]) -> Plan:
        deployment = snapshot["deployment"]
        in_order = _containers(deployment)
        containers = {c.get("name"): c for c in in_order}
        name = self.container
        if not name and in_order:  # no container named (gok.toml may leave it out): the first
            name = str(in_order[0].get("name", ""))
        container = containers.get(name)
        refusal = ""
        current = ""
        if container is None:
            names = ", ".join(sorted(str(n) for n in containers)) or "none"
            refusal = f"{self.ref} has no container {name!r} (it has: {names})"
        else:
            current = container.get("image", "")
        return Plan(
            action=self.name,
            ref=self.ref,
            summary=f"set image of {self.ref} container {name} to {self.image}",
            before=current,
            after=self.image,
            method="PATCH",
            path=_deployment_path(self.ref),
            body={
                "metadata": {"annotations": {CHANGE_CAUSE_ANNOTATION: self.cause}},
                "spec": {
                    "template": {"spec": {"containers": [{"name": name, "image": self.image}]}}
                },
            },
            content_type=STRATEGIC_PATCH,
            refusal=refusal,
            noop=not refusal and current == self.image,
            inverse=(
                SetImage(self.ref, name, current, f"revert to {current}") if current else None
            ),
        )


@dataclass(frozen=True)
class Undo:
    """``kubectl rollout undo [--to-revision=N]``: copy that ReplicaSet's template back."""

    ref: ObjectRef
    to_revision: int | None = None  # None: the previous revision
    name: str = "undo"

    def fetch(self, backend: KubeBackend) -> dict[str, Any]:
        deployment = _fetch_deployment(backend, self.ref)
        selector = selector_string((deployment.get("spec") or {}).get("selector"))
        replicasets = backend.list(
            KINDS["replicasets"], self.ref.namespace, label_selector=selector or None
        ).items
        return {"deployment": deployment, "replicasets": replicasets}

    def plan(self, snapshot: dict[str, Any]) -> Plan:
        deployment = snapshot["deployment"]
        history = revisions(deployment, snapshot.get("replicasets", []))
        current_number = revision_of(deployment)
        if self.to_revision is None:
            target = previous_revision(history)
            missing = "no previous revision to go back to"
        else:
            target = next((r for r in history if r.number == self.to_revision), None)
            missing = (
                f"revision {self.to_revision} not found (have: "
                + (", ".join(str(r.number) for r in history) or "none")
                + ")"
            )
        base: dict[str, Any] = {
            "action": self.name,
            "ref": self.ref,
            "method": "PATCH",
            "path": _deployment_path(self.ref),
            "content_type": JSON_PATCH,
            "before": f"revision {current_number}",
        }
        if target is None:
            return Plan(summary=f"undo {self.ref}", after="?", body=[], refusal=missing, **base)
        if (deployment.get("spec") or {}).get("paused"):
            return Plan(
                summary=f"undo {self.ref}",
                after=f"revision {target.number}",
                body=[],
                refusal="you cannot roll back a paused Deployment; resume it first",
                **base,
            )
        current_template = (deployment.get("spec") or {}).get("template") or {}
        if same_template(current_template, target.template):
            return Plan(
                summary=f"undo {self.ref} to revision {target.number}",
                after=f"revision {target.number}",
                body=[],
                noop=True,
                **base,
            )
        annotations = {
            k: v
            for k, v in ((deployment.get("metadata") or {}).get("annotations") or {}).items()
            if k not in _UNDO_SKIP_ANNOTATIONS
        }
        rs_annotations = next(
            (
                (rs.get("metadata") or {}).get("annotations") or {}
                for rs in snapshot.get("replicasets", [])
                if (rs.get("metadata") or {}).get("name") == target.replicaset
            ),
            {},
        )
        annotations.update(
            {k: v for k, v in rs_annotations.items() if k not in _UNDO_SKIP_ANNOTATIONS}
        )
        changes = template_diff(current_template, target.template)
        change_lines = tuple(
            f"{c.container + ': ' if c.container else ''}{c.field}: {c.before} -> {c.after}"
            for c in changes
        )
        generation = (deployment.get("metadata") or {}).get("generation")
        body = [
            # any change to the spec since the read moves the generation; status writes do not
            *([still(pointer("metadata", "generation"), generation)] if generation else []),
            {
                "op": "replace",
                "path": "/spec/template",
                "value": template_without_hash(target.template),
            },
            {"op": "replace", "path": "/metadata/annotations", "value": annotations},
        ]
        images = ", ".join(target.images)
        return Plan(
            summary=f"undo {self.ref} from revision {current_number} to {target.number} ({images})",
            after=f"revision {target.number}",
            body=body,
            dangerous=True,
            warnings=change_lines,
            inverse=Undo(self.ref, current_number) if current_number else None,
            **base,
        )
