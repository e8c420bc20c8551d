"""The tables of StatefulSets, DaemonSets, Jobs and CronJobs: the live table of their kind
with the keys ``actions.workloads.ABILITIES`` gives it (the Deployment keys where they apply:
scale, restart, undo, history; a Job from a CronJob now, suspend/resume)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from gok_tui.actions.workloads import SetSuspended, TriggerJob, can, job_name_from
from gok_tui.domain.table import Column, Row
from gok_tui.screens.bindings import bindings_for
from gok_tui.screens.deployment_actions import DeploymentKeyActions, deployment_ref
from gok_tui.screens.kinds import KindScreen
from gok_tui.screens.resource import ResourceScreen, Scope
from gok_tui.screens.usage import UsageView
from gok_tui.store.model import Objects
from textual.binding import BindingType


class WorkloadScreen(UsageView, KindScreen, DeploymentKeyActions):
    """A workload kind's table; subclasses name their kind and bind their keys. Its usage
    columns sum its pods' (metrics.k8s.io)."""

    def __init__(self, scope: Scope | None = None) -> None:
        super().__init__(self.WORKLOAD_KIND, scope)

    def columns(self, all_namespaces: bool) -> Sequence[Column]:
        return self.usage_columns(super().columns(all_namespaces))

    def render_rows(
        self, obj: dict[str, Any], objects: Objects, now: float, all_namespaces: bool
    ) -> list[Row]:
        rows = super().render_rows(obj, objects, now, all_namespaces)
        if not self._usage_on:
            return rows
        base = super().columns(all_namespaces)
        cells = self.workload_usage(obj)
        return [self.with_usage(row, base, cells) for row in rows]

    def acted_on(self) -> dict[str, Any] | None:
        picked = self.selected()
        return picked[1] if picked is not None else None

    def _acted_on_ref(self) -> Any:
        obj = self.acted_on()
        target = self.session.target
        if obj is None or target is None:
            return None
        return deployment_ref(target, obj, self.WORKLOAD_KIND), obj

    def open_selected(self, obj: dict[str, Any], row_key: str) -> None:
        """enter on a StatefulSet or DaemonSet: its rollout panel; on a Job or CronJob:
        describe."""
        if not can(self.WORKLOAD_KIND, "rollout"):
            super().open_selected(obj, row_key)
            return
        from gok_tui.screens.rollout import RolloutScreen

        meta = obj.get("metadata") or {}
        self.app.push_screen(
            RolloutScreen(meta.get("namespace", ""), meta.get("name", ""), self.WORKLOAD_KIND)
        )

    def action_suspend_resume(self) -> None:
        picked = self._acted_on_ref()
        if picked is not None:
            ref, obj = picked
            suspended = bool((obj.get("spec") or {}).get("suspend"))
            self.gok.propose(SetSuspended(ref, not suspended))

    def action_trigger(self) -> None:
        picked = self._acted_on_ref()
        if picked is not None:
            ref = picked[0]
            self.gok.propose(TriggerJob(ref, job_name_from(ref.name, self.session.clock())))


class StatefulSetsScreen(WorkloadScreen):
    WORKLOAD_KIND = "statefulsets"
    BINDINGS: ClassVar[list[BindingType]] = [
        *ResourceScreen.BINDINGS,
        *bindings_for("statefulsets"),
    ]


class DaemonSetsScreen(WorkloadScreen):
    WORKLOAD_KIND = "daemonsets"
    BINDINGS: ClassVar[list[BindingType]] = [
        *ResourceScreen.BINDINGS,
        *bindings_for("daemonsets"),
    ]


class JobsScreen(WorkloadScreen):
    WORKLOAD_KIND = "jobs"
    BINDINGS: ClassVar[list[BindingType]] = [*ResourceScreen.BINDINGS, *bindings_for("jobs")]


class CronJobsScreen(WorkloadScreen):
    WORKLOAD_KIND = "cronjobs"
    BINDINGS: ClassVar[list[BindingType]] = [
        *ResourceScreen.BINDINGS,
        *bindings_for("cronjobs"),
    ]


WORKLOAD_SCREENS: dict[str, type[WorkloadScreen]] = {
    screen.WORKLOAD_KIND: screen
    for screen in (StatefulSetsScreen, DaemonSetsScreen, JobsScreen, CronJobsScreen)
}
