"""The three live Kubernetes views: Deployments, Pods and Ingress routes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from gok_tui.domain import rows as render
from gok_tui.domain.kinds import object_key
from gok_tui.domain.rows import Column, Row
from gok_tui.domain.selectors import selector_string, service_selector_string
from gok_tui.screens.resource import ResourceScreen, Scope
from gok_tui.store.model import Objects


class DeploymentsScreen(ResourceScreen):
    TITLE_TEXT = "Deployments"
    PRIMARY = "deployments"

    def columns(self, all_namespaces: bool) -> Sequence[Column]:
        return render.columns_for("deployments", all_namespaces)

    def render_rows(
        self, obj: dict[str, Any], objects: Objects, now: float, all_namespaces: bool
    ) -> list[Row]:
        return [render.render_deployment(obj, now, all_namespaces)]

    def open_selected(self, obj: dict[str, Any], row_key: str) -> None:
        """Enter on a Deployment: its pods, selected by the Deployment's own selector."""
        metadata = obj.get("metadata") or {}
        selector = selector_string((obj.get("spec") or {}).get("selector"))
        if not selector:
            self.notify("this Deployment has no selector", severity="warning")
            return
        scope = Scope(metadata.get("namespace"), selector, f"deploy/{metadata.get('name')}")
        self.app.push_screen(PodsScreen(scope))


class PodsScreen(ResourceScreen):
    TITLE_TEXT = "Pods"
    PRIMARY = "pods"

    def columns(self, all_namespaces: bool) -> Sequence[Column]:
        return render.columns_for("pods", all_namespaces)

    def render_rows(
        self, obj: dict[str, Any], objects: Objects, now: float, all_namespaces: bool
    ) -> list[Row]:
        return [render.render_pod(obj, now, all_namespaces)]


class IngressScreen(ResourceScreen):
    """One row per host + path -> service:port, with the endpoints behind it."""

    TITLE_TEXT = "Ingress routes"
    PRIMARY = "ingresses"
    SECONDARY: ClassVar[tuple[str, ...]] = ("services", "endpoints")

    def columns(self, all_namespaces: bool) -> Sequence[Column]:
        return render.columns_for("ingresses", all_namespaces)

    def render_rows(
        self, obj: dict[str, Any], objects: Objects, now: float, all_namespaces: bool
    ) -> list[Row]:
        return render.render_ingress_routes(
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


__all__ = ["DeploymentsScreen", "IngressScreen", "PodsScreen", "object_key"]
