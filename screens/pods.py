"""The live Pods view, whole or scoped (a Deployment's, a Service's or a node's pods)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from gok_tui.domain.diagnosis import Snapshot
from gok_tui.domain.metrics import oom_risks, pod_cells
from gok_tui.domain.render import columns_for
from gok_tui.domain.render.pod import render_pod
from gok_tui.domain.selectors import selector_string
from gok_tui.domain.table import Column, Row
from gok_tui.domain.why import WHY_COLUMN, with_why
from gok_tui.screens.bindings import bindings_for
from gok_tui.screens.forward_keys import ForwardKeys
from gok_tui.screens.resource import ResourceScreen, Scope
from gok_tui.screens.usage import UsageView
from gok_tui.store.model import Objects
from textual.binding import BindingType

if TYPE_CHECKING:  # the first table needs neither: imported when a log or a delete is asked
    from gok_tui.store.logs import LogRequest


def pods_of_deployment(obj: dict[str, Any], prefix: str = "deploy") -> PodsScreen | None:
    """The Pods table scoped to a Deployment's own selector (a StatefulSet's, ``sts``...);
    None when it has none."""
    metadata = obj.get("metadata") or {}
    selector = selector_string((obj.get("spec") or {}).get("selector"))
    if not selector:
        return None
    title = f"{prefix}/{metadata.get('name')}"
    return PodsScreen(Scope(metadata.get("namespace"), selector, title))


class PodsScreen(UsageView, ForwardKeys):
    TITLE_TEXT = "Pods"
    PRIMARY = "pods"
    HAS_LOGS = True
    BINDINGS: ClassVar[list[BindingType]] = [
        *ResourceScreen.BINDINGS,
        *bindings_for("pods"),
    ]

    def action_delete_pod(self) -> None:
        from gok_tui.actions.pods import DeletePod

        ref = self.selected_ref()
        if ref is None:
            return
        self.gok.propose(DeletePod(ref))

    def action_shell(self) -> None:
        from gok_tui.screens.shell import ContainerPicker, containers_of, open_shell

        picked, ref = self.selected(), self.selected_ref()
        if picked is None or ref is None:
            return
        containers = containers_of(picked[1])
        if not containers:
            self.notify(f"{ref} has no containers to open a shell in", severity="warning")
            return
        if len(containers) == 1:
            open_shell(self.gok, ref, containers[0][0])
            return

        def chosen(container: str | None) -> None:
            if container:
                open_shell(self.gok, ref, container)

        self.app.push_screen(ContainerPicker(ref, containers), callback=chosen)

    def log_request(self, obj: dict[str, Any]) -> LogRequest | None:
        from gok_tui.store.logs import LogRequest

        meta = obj.get("metadata") or {}
        return LogRequest(
            meta.get("namespace", ""), f"pod/{meta.get('name')}", pod=meta.get("name")
        )

    def columns(self, all_namespaces: bool) -> Sequence[Column]:
        return (*self.usage_columns(columns_for("pods", all_namespaces)), WHY_COLUMN)

    def render_rows(
        self, obj: dict[str, Any], objects: Objects, now: float, all_namespaces: bool
    ) -> list[Row]:
        meta = obj.get("metadata") or {}
        key = f"{meta.get('namespace') or ''}/{meta.get('name') or ''}"
        usage = self.session.metrics.pod_usage(key) if self._usage_on else None
        row = self.with_usage(
            render_pod(obj, now, all_namespaces),
            columns_for("pods", all_namespaces),
            pod_cells(obj, usage),
        )
        if usage and oom_risks(obj, usage) and row.tone == "ok":
            row = Row(row.key, row.cells, "warning")
        pod_usage = {key: usage} if usage else {}
        return [with_why(row, Snapshot(pods=[obj], pod_usage=pod_usage))]


__all__ = ["PodsScreen", "pods_of_deployment"]
