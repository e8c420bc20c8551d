"""ctrl+z that survives a restart: the newest change this user made in this context, read back
from the audit log, undone only while the object is still as that change left it."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gok_tui.actions.audit import without_env_values
from gok_tui.actions.base import Action, ObjectRef, Plan
from gok_tui.actions.deployments import Scale, SetImage, SetPaused, Undo
from gok_tui.actions.workloads import UndoWorkload
from gok_tui.domain.revisions import same_template
from gok_tui.domain.timeline import last_writer, template_summary

if TYPE_CHECKING:
    from gok_tui.backends.kube import KubeBackend

_REPLICAS = re.compile(r"^(\d+) replicas$")


def last_recorded_change(
    entries: Iterable[Mapping[str, Any]], context: str, local_user: str
) -> Mapping[str, Any] | None:
    """The newest change (newest first in ``entries``) that ran and succeeded, not a dry-run,
    sent to ``context`` by ``local_user``."""
    for entry in entries:
        if (
            entry.get("context") == context
            and entry.get("local_user") == local_user
            and entry.get("ok")
            and not entry.get("dry_run")
        ):
            return entry
    return None


def _container_of(entry: Mapping[str, Any]) -> str:
    patch = entry.get("patch")
    try:
        containers = patch["spec"]["template"]["spec"]["containers"]  # type: ignore[index]
        return str(containers[0]["name"])
    except (KeyError, IndexError, TypeError):
        return ""


_REVISION = re.compile(r"^revision (\d+)$")
_PAUSED = {"pause": True, "resume": False}


def set_template(entry: Mapping[str, Any]) -> dict[str, Any] | None:
    """The pod template an undo put in (its patch's ``/spec/template`` value, env values as
    digests: the audit log keeps no literal env value)."""
    patch = entry.get("patch")
    for op in patch if isinstance(patch, list) else []:
        if isinstance(op, Mapping) and op.get("path") == "/spec/template":
            value = op.get("value")
            return dict(value) if isinstance(value, Mapping) else None
    return None


def inverse_of(entry: Mapping[str, Any], ref: ObjectRef) -> Action | None:
    """The action that puts back what ``entry`` changed (None: not one ctrl+z can undo)."""
    action, before = entry.get("action"), str(entry.get("from", ""))
    if action == "scale" and (match := _REPLICAS.match(before)):
        return Scale(ref, int(match.group(1)))
    if action == "rollout" and before:
        return SetImage(ref, _container_of(entry), before, f"revert to {before}")
    if action in _PAUSED and ref.kind == "deployments":
        return SetPaused(ref, not _PAUSED[str(action)])
    if action == "undo" and (match := _REVISION.match(before)) and set_template(entry):
        number = int(match.group(1))
        return Undo(ref, number) if ref.kind == "deployments" else UndoWorkload(ref, number)
    return None


def cannot_undo(action: str, summary: str) -> str:
    """Why ctrl+z does not undo this action, said plainly."""
    if action == "restart":
        return (
            f"a restart cannot be undone: its pods were replaced by new ones ({summary}); "
            "u on the workload rolls back its template"
        )
    return f"your last change cannot be undone with ctrl+z: {summary}"


@dataclass(frozen=True)
class RecordedUndo:
    """The inverse of a change read from the audit log: planned as the inverse plans, refused
    when the object is no longer as the change left it (someone changed it since)."""

    ref: ObjectRef
    inner: Action
    left: str  # what the recorded change set ("5 replicas", an image)
    recorded: str  # "scale at 2026-12-07T10:00:00+0000"
    name: str = "undo my last"
    # an undo: the pod template it set (compared instead of ``left``: the controller gives the
    # revision it went back to a new number)
    left_template: dict[str, Any] | None = None

    def fetch(self, backend: KubeBackend) -> dict[str, Any]:
        return self.inner.fetch(backend)

    def plan(self, snapshot: dict[str, Any]) -> Plan:
        plan = self.inner.plan(snapshot)
        obj = snapshot.get("deployment") or snapshot.get("owner") or {}
        if self.left_template is not None:
            template = ((obj.get("spec") or {}).get("template")) or {}
            now = without_env_values(template)
            if same_template(now, self.left_template):
                return plan
            summary, _ = template_summary(self.left_template, now)
            since = f"its pod template changed since ({summary})"
        elif plan.refusal or plan.before == self.left:
            return plan
        else:
            since = f"it is {plan.before} now, not {self.left}"
        return dataclasses.replace(
            plan,
            noop=False,  # put back by someone else is still "changed since"
            refusal=(
                f"{self.ref} changed since your {self.recorded}: {since}"
                f"{last_writer(obj)}; not undone"
            ),
        )


def recorded_undo(entry: Mapping[str, Any], ref: ObjectRef) -> RecordedUndo | None:
    inner = inverse_of(entry, ref)
    if inner is None:
        return None
    recorded = f"{entry.get('action', '')} at {entry.get('time', '?')}"
    left_template = set_template(entry) if entry.get("action") == "undo" else None
    return RecordedUndo(ref, inner, str(entry.get("to", "")), recorded, left_template=left_template)
