"""What can be done to each workload kind, and the actions the Deployment ones do not cover:
undo of a StatefulSet or DaemonSet (from its ControllerRevisions), a Job started from a CronJob
now, suspend/resume of a CronJob or Job. Scale (StatefulSets) and restart (StatefulSets,
DaemonSets) are the Deployment actions on another ``ref.kind``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gok_tui.actions.base import JSON_PATCH, MERGE_PATCH, Action, ObjectRef, Plan, pointer, still
from gok_tui.actions.deployments import Undo
from gok_tui.domain.kinds import KINDS
from gok_tui.domain.revisions import (
    Revision,
    controller_revisions,
    previous_revision,
    revisions,
    same_template,
    template_diff,
)
from gok_tui.domain.selectors import selector_string

if TYPE_CHECKING:
    from gok_tui.backends.kube import KubeBackend

# kubectl create job --from=cronjob/NAME marks the Job so
INSTANTIATE_ANNOTATION = "cronjob.kubernetes.io/instantiate"

# Which action applies to which kind (k9s' Scalable, Restartable, ... as one table): a screen
# asks ``can(kind, "scale")``, and offers the key only then.
ABILITIES: dict[str, frozenset[str]] = {
    "deployments": frozenset({"scale", "restart", "undo", "history", "rollout", "pause"}),
    "statefulsets": frozenset({"scale", "restart", "undo", "history", "rollout"}),
    "daemonsets": frozenset({"restart", "undo", "history", "rollout"}),
    "jobs": frozenset({"suspend"}),
    "cronjobs": frozenset({"trigger", "suspend"}),
}


def can(kind: str, ability: str) -> bool:
    return ability in ABILITIES.get(kind, frozenset())


def _path(ref: ObjectRef) -> str:
    return KINDS[ref.kind].object_path(ref.namespace, ref.name)


def _owned(backend: KubeBackend, owner: dict[str, Any], plural: str) -> list[dict[str, Any]]:
    """What the owner's selector matches in its namespace (owner references sort it out)."""
    meta = owner.get("metadata") or {}
    selector = selector_string((owner.get("spec") or {}).get("selector"))
    return backend.list(
        KINDS[plural], meta.get("namespace", ""), label_selector=selector or None
    ).items


@dataclass(frozen=True)
class UndoWorkload:
    """``kubectl rollout undo [--to-revision=N]`` of a StatefulSet or DaemonSet: that
    ControllerRevision's pod template back into the object; its controller gives it the next
    revision number and rolls it out."""

    ref: ObjectRef
    to_revision: int | None = None  # None: the previous revision
    name: str = "undo"

    def fetch(self, backend: KubeBackend) -> dict[str, Any]:
        owner = backend.get(KINDS[self.ref.kind], self.ref.namespace, self.ref.name)
        return {"owner": owner, "revisions": _owned(backend, owner, "controllerrevisions")}

    def plan(self, snapshot: dict[str, Any]) -> Plan:
        owner = snapshot["owner"]
        history = controller_revisions(owner, snapshot.get("revisions", []))
        current = history[0] if history else None
        base: dict[str, Any] = {
            "action": self.name,
            "ref": self.ref,
            "method": "PATCH",
            "path": _path(self.ref),
            "content_type": JSON_PATCH,
            "before": f"revision {current.number if current else '?'}",
        }
        if self.to_revision is None:
            target = previous_revision(history)
            missing = "no previous revision to go back to"
        else:
            target = next((r for r in history if r.number == self.to_revision), None)
            have = ", ".join(str(r.number) for r in history) or "none"
            missing = f"revision {self.to_revision} not found (have: {have})"
        if target is None:
            return Plan(summary=f"undo {self.ref}", after="?", body=[], refusal=missing, **base)
        template = (owner.get("spec") or {}).get("template") or {}
        if same_template(template, target.template):
            return Plan(
                summary=f"undo {self.ref} to revision {target.number}",
                after=f"revision {target.number}",
                body=[],
                noop=True,
                **base,
            )
        generation = (owner.get("metadata") or {}).get("generation")
        body = [
            *([still(pointer("metadata", "generation"), generation)] if generation else []),
            {"op": "replace", "path": "/spec/template", "value": target.template},
        ]
        changes = tuple(
            f"{c.container + ': ' if c.container else ''}{c.field}: {c.before} -> {c.after}"
            for c in template_diff(template, target.template)
        )
        before = current.number if current else "?"
        return Plan(
            summary=(
                f"undo {self.ref} from revision {before} to {target.number} "
                f"({', '.join(target.images)})"
            ),
            after=f"revision {target.number}",
            body=body,
            dangerous=True,
            warnings=changes,
            inverse=UndoWorkload(self.ref, current.number) if current else None,
            **base,
        )


def job_name_from(cronjob: str, at: float) -> str:
    """``NAME-manual-XXXXXX``: unique per second, and short enough for the job-name label."""
    digits, number = "", int(at)
    while number:
        number, index = divmod(number, 36)
        digits = "0123456789abcdefghijklmnopqrstuvwxyz"[index] + digits
    return f"{cronjob[: 63 - len('-manual-') - len(digits)]}-manual-{digits or '0'}"


@dataclass(frozen=True)
class TriggerJob:
    """``kubectl create job --from=cronjob/NAME``: a Job from the CronJob's jobTemplate now,
    owned by the CronJob, marked as started by hand."""

    ref: ObjectRef  # the CronJob
    job_name: str
    name: str = "trigger"

    def fetch(self, backend: KubeBackend) -> dict[str, Any]:
        return {"cronjob": backend.get(KINDS["cronjobs"], self.ref.namespace, self.ref.name)}

    def plan(self, snapshot: dict[str, Any]) -> Plan:
        cronjob = snapshot["cronjob"]
        meta = cronjob.get("metadata") or {}
        template = (cronjob.get("spec") or {}).get("jobTemplate") or {}
        template_meta = template.get("metadata") or {}
        annotations = {**(template_meta.get("annotations") or {}), INSTANTIATE_ANNOTATION: "manual"}
        job_meta: dict[str, Any] = {
            "name": self.job_name,
            "namespace": self.ref.namespace,
            "annotations": annotations,
            "ownerReferences": [
                {
                    "apiVersion": "batch/v1",
                    "kind": "CronJob",
                    "name": meta.get("name", self.ref.name),
                    "uid": meta.get("uid", ""),
                    "controller": True,
                    "blockOwnerDeletion": True,
                }
            ],
        }
        if template_meta.get("labels"):
            job_meta["labels"] = dict(template_meta["labels"])
        body = {
            "apiVersion": "batch/v1",
            "kind": "Job",
            "metadata": job_meta,
            "spec": template.get("spec") or {},
        }
        containers = (((template.get("spec") or {}).get("template") or {}).get("spec") or {}).get(
            "containers"
        ) or []
        images = ", ".join(str(c.get("image", "")) for c in containers)
        suspended = bool((cronjob.get("spec") or {}).get("suspend"))
        return Plan(
            action=self.name,
            ref=self.ref,
            summary=f"start job {self.ref.namespace}/{self.job_name} now from {self.ref}",
            before=f"{len((cronjob.get('status') or {}).get('active') or [])} active jobs",
            after=f"job {self.job_name} ({images})",
            method="POST",
            path=KINDS["jobs"].collection_path(self.ref.namespace),
            body=body,
            content_type="application/json",
            warnings=(
                ("the CronJob is suspended: this Job runs anyway (suspend stops the schedule)",)
                if suspended
                else ()
            ),
        )


@dataclass(frozen=True)
class SetSuspended:
    """Suspend or resume a CronJob's schedule, or a Job (its running pods are stopped)."""

    ref: ObjectRef
    suspend: bool

    @property
    def name(self) -> str:
        return "suspend" if self.suspend else "resume"

    def fetch(self, backend: KubeBackend) -> dict[str, Any]:
        return {"object": backend.get(KINDS[self.ref.kind], self.ref.namespace, self.ref.name)}

    def plan(self, snapshot: dict[str, Any]) -> Plan:
        current = bool((snapshot["object"].get("spec") or {}).get("suspend"))
        state = {True: "suspended", False: "running on schedule"}
        if self.ref.kind == "jobs":
            state = {True: "suspended (no pods run)", False: "running"}
        return Plan(
            action=self.name,
            ref=self.ref,
            summary=f"{self.name} {self.ref}",
            before=state[current],
            after=state[self.suspend],
            method="PATCH",
            path=_path(self.ref),
            body={"spec": {"suspend": self.suspend}},
            content_type=MERGE_PATCH,
            noop=current == self.suspend,
            inverse=SetSuspended(self.ref, current),
        )


# -- revision lists: where a kind keeps its history ------------------------------------------
History = Callable[[dict[str, Any], Mapping[str, Mapping[str, dict[str, Any]]]], list[Revision]]


@dataclass(frozen=True)
class RevisionSource:
    """What the revision list of a kind follows beside the object (``children``, by its
    selector), how it reads the revisions from them, and the undo it proposes."""

    children: tuple[str, ...]
    source_title: str  # the column naming where a revision is kept
    history: History
    undo: Callable[[ObjectRef, int | None], Action]


def _replicaset_history(
    owner: dict[str, Any], objects: Mapping[str, Mapping[str, dict[str, Any]]]
) -> list[Revision]:
    return revisions(owner, list(objects["replicasets"].values()))


def _controller_history(
    owner: dict[str, Any], objects: Mapping[str, Mapping[str, dict[str, Any]]]
) -> list[Revision]:
    crs = list(objects["controllerrevisions"].values())
    return controller_revisions(owner, crs, list(objects["pods"].values()))


_CONTROLLER_REVISIONS = RevisionSource(
    ("controllerrevisions", "pods"), "CONTROLLERREVISION", _controller_history, UndoWorkload
)
REVISION_SOURCES: dict[str, RevisionSource] = {
    "deployments": RevisionSource(("replicasets",), "REPLICASET", _replicaset_history, Undo),
    "statefulsets": _CONTROLLER_REVISIONS,
    "daemonsets": _CONTROLLER_REVISIONS,
}
