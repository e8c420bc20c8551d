"""The three live Kubernetes views: Deployments, Pods and Ingress routes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from gok_tui.actions.base import ObjectRef
from gok_tui.domain.diagnosis import Snapshot, diagnose
from gok_tui.domain.render import columns_for
from gok_tui.domain.render.deployment import render_deployment
from gok_tui.domain.render.ingress import render_ingress_routes
from gok_tui.domain.render.pod import render_pod
from gok_tui.domain.selectors import selector_string, service_selector_string
from gok_tui.domain.table import Column, Row
from gok_tui.screens.bindings import bindings_for
from gok_tui.screens.deployment_actions import DeploymentKeyActions
from gok_tui.screens.resource import ResourceScreen, Scope
from gok_tui.store.model import Objects
from textual.binding import BindingType

if TYPE_CHECKING:  # the first table needs neither: imported when a log or a delete is asked
    from gok_tui.store.logs import LogRequest

WHY_COLUMN = Column("why", "WHY")


def with_why(row: Row, snapshot: Snapshot) -> Row:
    """The row plus a WHY cell: the worst problem the object shows on its own."""
    worst = next((f for f in diagnose(snapshot) if f.severity != "info"), None)
    return Row(row.key, (*row.cells, worst.cause if worst else ""), row.tone)


def deployment_log_request(obj: dict[str, Any]) -> LogRequest | None:
    """Every pod of the Deployment, by its own selector: pods of a rollout join as they start."""
    from gok_tui.store.logs import LogRequest

    meta = obj.get("metadata") or {}
    selector = selector_string((obj.get("spec") or {}).get("selector"))
    if not selector:
        return None
    return LogRequest(meta.get("namespace", ""), f"deploy/{meta.get('name')}", selector=selector)


class DeploymentsScreen(ResourceScreen, DeploymentKeyActions):
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
        return deployment_log_request(obj)

    def columns(self, all_namespaces: bool) -> Sequence[Column]:
        return (*columns_for("deployments", all_namespaces), WHY_COLUMN)

    def render_rows(
        self, obj: dict[str, Any], objects: Objects, now: float, all_namespaces: bool
    ) -> list[Row]:
        row = render_deployment(obj, now, all_namespaces)
        return [with_why(row, Snapshot(deployments=[obj]))]

    def open_selected(self, obj: dict[str, Any], row_key: str) -> None:
        """Enter on a Deployment: its rollout, ReplicaSets and pods (enter again: pods table)."""
        from gok_tui.screens.rollout import RolloutScreen

        metadata = obj.get("metadata") or {}
        self.app.push_screen(RolloutScreen(metadata.get("namespace", ""), metadata.get("name", "")))


def pods_of_deployment(obj: dict[str, Any], prefix: str = "deploy") -> PodsScreen | None:
    """The Pods table scoped to a Deployment's own selector (a StatefulSet's, ``sts``...);
    None when it has none."""
    metadata = obj.get("metadata") or {}
    selector = selector_string((obj.get("spec") or {}).get("selector"))
    if not selector:
        return None
    title = f"{prefix}/{metadata.get('name')}"
    return PodsScreen(Scope(metadata.get("namespace"), selector, title))


class PodsScreen(ResourceScreen):
    TITLE_TEXT = "Pods"
    PRIMARY = "pods"
    HAS_LOGS = True
    BINDINGS: ClassVar[list[BindingType]] = [
        *ResourceScreen.BINDINGS,
        *bindings_for("pods"),
    ]

    def action_delete_pod(self) -> None:
        from gok_tui.actions.pods import DeletePod

        picked, target = self.selected(), self.session.target
        if picked is None or target is None:
            return
        meta = picked[1].get("metadata") or {}
        ref = ObjectRef(
            target.context,
            target.cluster_server,
            "pods",
            meta.get("namespace", ""),
            meta.get("name", ""),
        )
        self.gok.propose(DeletePod(ref))

    def log_request(self, obj: dict[str, Any]) -> LogRequest | None:
        from gok_tui.store.logs import LogRequest

        meta = obj.get("metadata") or {}
        return LogRequest(
            meta.get("namespace", ""), f"pod/{meta.get('name')}", pod=meta.get("name")
        )

    def columns(self, all_namespaces: bool) -> Sequence[Column]:
        return (*columns_for("pods", all_namespaces), WHY_COLUMN)

    def render_rows(
        self, obj: dict[str, Any], objects: Objects, now: float, all_namespaces: bool
    ) -> list[Row]:
        return [with_why(render_pod(obj, now, all_namespaces), Snapshot(pods=[obj]))]


class IngressScreen(ResourceScreen):
    """One row per host + path -> service:port, with the endpoints behind it."""

    TITLE_TEXT = "Ingress routes"
    PRIMARY = "ingresses"
    SECONDARY: ClassVar[tuple[str, ...]] = ("services", "endpoints")

    def columns(self, all_namespaces: bool) -> Sequence[Column]:
        return columns_for("ingresses", all_namespaces)

    def render_rows(
        self, obj: dict[str, Any], objects: Objects, now: float, all_namespaces: bool
    ) -> list[Row]:
        return render_ingress_routes(
            obj, objects["services"], objects["endpoints"], now, all_namespaces
        )

    def open_selected(self, obj: dict[str, Any], row_key: str) -> None:
        """Enter on a route: the pods behind its Service."""
        assert self.model is not None
        service_name = route_service(obj, row_key)
        namespace = (obj.get("metadata") or {}).get("namespace")
        if service_name is None:
            self.notify("this route has no Service backend", severity="warning")
            return
        service = self.model.objects["services"].get(f"{namespace}/{service_name}")
        if service is None:
            self.notify(f"Service {service_name} does not exist in {namespace}", severity="error")
            return
        selector = service_selector_string(service)
        if not selector:
            self.notify(f"Service {service_name} has no selector", severity="warning")
            return
        self.app.push_screen(PodsScreen(Scope(namespace, selector, f"svc/{service_name}")))


def route_service(ingress: dict[str, Any], row_key: str) -> str | None:
    """The Service behind the route a row key names (``ns/name#host#path``)."""
    _, _, rest = row_key.partition("#")
    host, _, path = rest.partition("#")
    spec = ingress.get("spec") or {}
    for rule in spec.get("rules") or []:
        if (rule.get("host") or "*") != host and (rule.get("host") or "") != host:
            continue
        for entry in (rule.get("http") or {}).get("paths") or []:
            if (entry.get("path") or "/") == path:
                return ((entry.get("backend") or {}).get("service") or {}).get("name")
    default = (spec.get("defaultBackend") or {}).get("service") or {}
    return default.get("name")


__all__ = ["DeploymentsScreen", "IngressScreen", "PodsScreen"]
