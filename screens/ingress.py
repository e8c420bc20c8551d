"""The live Ingress routes view: one row per host + path -> service:port."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from gok_tui.domain.render import columns_for
from gok_tui.domain.render.ingress import render_ingress_routes
from gok_tui.domain.selectors import service_selector_string
from gok_tui.domain.table import Column, Row
from gok_tui.screens.resource import ResourceScreen, Scope
from gok_tui.store.model import Objects


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
        from gok_tui.screens.pods import PodsScreen

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


__all__ = ["IngressScreen", "route_service"]
