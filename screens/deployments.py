"""The live Deployments view: enter opens a Deployment's rollout."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from gok_tui.domain.diagnosis import Snapshot
from gok_tui.domain.render import columns_for
from gok_tui.domain.render.deployment import render_deployment
from gok_tui.domain.table import Column, Row
from gok_tui.domain.why import WHY_COLUMN, with_why
from gok_tui.screens.bindings import bindings_for
from gok_tui.screens.deployment_actions import DeploymentKeyActions
from gok_tui.screens.forward_keys import ForwardKeys
from gok_tui.screens.resource import ResourceScreen
from gok_tui.screens.usage import UsageView
from gok_tui.store.model import Objects
from textual.binding import BindingType

if TYPE_CHECKING:  # the first table needs neither: imported when a log is asked
    from gok_tui.store.logs import LogRequest


class DeploymentsScreen(UsageView, ForwardKeys, DeploymentKeyActions):
    TITLE_TEXT = "Deployments"
    PRIMARY = "deployments"
    HAS_LOGS = True
    BINDINGS: ClassVar[list[BindingType]] = [
        *ResourceScreen.BINDINGS,
        *bindings_for("deployments"),
    ]

    def acted_on(self) -> dict[str, Any] | None:
        picked = self.selected()
        return picked[1] if picked is not None else None

    def log_request(self, obj: dict[str, Any]) -> LogRequest | None:
        from gok_tui.store.logs import deployment_log_request

        return deployment_log_request(obj)

    def columns(self, all_namespaces: bool) -> Sequence[Column]:
        return (*self.usage_columns(columns_for("deployments", all_namespaces)), WHY_COLUMN)

    def render_rows(
        self, obj: dict[str, Any], objects: Objects, now: float, all_namespaces: bool
    ) -> list[Row]:
        row = render_deployment(obj, now, all_namespaces)
        if self._usage_on:  # its pods' usage, summed
            base = columns_for("deployments", all_namespaces)
            row = self.with_usage(row, base, self.workload_usage(obj))
        return [with_why(row, Snapshot(deployments=[obj]))]

    def open_selected(self, obj: dict[str, Any], row_key: str) -> None:
        """Enter on a Deployment: its rollout, ReplicaSets and pods (enter again: pods table)."""
        from gok_tui.screens.rollout import RolloutScreen

        metadata = obj.get("metadata") or {}
        self.app.push_screen(RolloutScreen(metadata.get("namespace", ""), metadata.get("name", "")))


__all__ = ["DeploymentsScreen"]
