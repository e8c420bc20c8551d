"""ctrl+z that survives a restart: the newest change this user made in this context, read back
from the audit log, undone only while the object is still as that change left it."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gok_tui.actions.base import Action, ObjectRef, Plan
from gok_tui.actions.deployments import Scale, SetImage
from gok_tui.domain.timeline import last_writer

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


def inverse_of(entry: Mapping[str, Any], ref: ObjectRef) -> Action | None:
    """The action that puts back what ``entry`` changed (None: not one ctrl+z can undo)."""
    action, before = entry.get("action"), str(entry.get("from", ""))
    if action == "scale" and (match := _REPLICAS.match(before)):
        return Scale(ref, int(match.group(1)))
    if action == "rollout" and before:
        return SetImage(ref, _container_of(entry), before, f"revert to {before}")
    return None


@dataclass(frozen=True)
class RecordedUndo:
    """The inverse of a change read from the audit log: planned as the inverse plans, refused
    when the object is no longer as the change left it (someone changed it since)."""

    ref: ObjectRef
    inner: Action
    left: str  # what the recorded change set ("5 replicas", an image)
    recorded: str  # "scale at 2026-12-07T10:00:00+0000"
    name: str = "undo my last"

    def fetch(self, backend: KubeBackend) -> dict[str, Any]:
        return self.inner.fetch(backend)

    def plan(self, snapshot: dict[str, Any]) -> Plan:
        plan = self.inner.plan(snapshot)
        if plan.refusal or plan.before == self.left:
            return plan
        obj = snapshot.get("deployment") or {}
        return dataclasses.replace(
            plan,
            noop=False,  # put back by someone else is still "changed since"
            refusal=(
                f"{self.ref} changed since your {self.recorded}: it is {plan.before} now, "
                f"not {self.left}{last_writer(obj)}; not undone"
            ),
        )


def recorded_undo(entry: Mapping[str, Any], ref: ObjectRef) -> RecordedUndo | None:
    inner = inverse_of(entry, ref)
    if inner is None:
        return None
    recorded = f"{entry.get('action', '')} at {entry.get('time', '?')}"
    return RecordedUndo(ref, inner, str(entry.get("to", "")), recorded)
