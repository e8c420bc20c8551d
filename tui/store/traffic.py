"""The live traffic table: Services, Deployments, Ingresses and pods in, routes as rows out."""

from __future__ import annotations

from typing import Any

from gok_tui.domain.table import Column, Row
from gok_tui.domain.traffic import DeclaredTraffic, TrafficRoute, traffic_routes
from gok_tui.store.model import DerivedModel

ROUTES = "routes"
TRAFFIC_SOURCES = ("services", "deployments", "ingresses", "pods")
KIND_LABEL = {
    "bluegreen": "blue/green",
    "canary-ingress": "canary ing",
    "canary-replicas": "canary rs",
}
TRAFFIC_COLUMNS = (
    Column("kind", "KIND", 10),
    Column("name", "NAME", 20),
    Column("split", "SPLIT", 24),
    Column("sides", "BEHIND IT"),
    Column("state", "STATE"),
)
NAMESPACE_TRAFFIC_COLUMNS = (Column("namespace", "NAMESPACE", 12), *TRAFFIC_COLUMNS)


def route_state(route: TrafficRoute) -> tuple[str, str]:
    """What the operator can do next, and the row's tone."""
    if route.kind == "bluegreen":
        other = route.other
        if other is None:
            return "no other side", "warning"
        if other.not_ready_reason:
            return f"switch refused: {other.not_ready_reason}", "warning"
        return f"{other.value} is ready: s switches", "ok"
    if route.kind == "canary-ingress":
        if route.notes:
            return "; ".join(route.notes), "warning"
        return f"stable Ingress {route.stable_ingress}", "ok"
    canary = route.sides[1] if len(route.sides) > 1 else None
    if canary is not None and canary.not_ready_reason and canary.desired:
        return canary.not_ready_reason, "warning"
    return "split by replicas", "ok"


def route_row(route: TrafficRoute, all_namespaces: bool) -> Row:
    sides = " · ".join(
        f"{side.value or side.deployment}: {side.deployment} {side.ready}/{side.desired}"
        for side in route.sides
    )
    if route.kind == "canary-ingress":
        sides = f"Ingress {route.name} over {route.stable_ingress or '?'}"
    state, tone = route_state(route)
    cells: tuple[str, ...] = (
        KIND_LABEL[route.kind],
        route.name,
        route.split(),
        sides,
        state,
    )
    if all_namespaces:
        cells = (route.namespace, *cells)
    return Row(route.key, cells, tone)  # type: ignore[arg-type]


class TrafficModel(DerivedModel):
    """Where each Service's requests go: rows derived from Services, Deployments, Ingresses
    and pods together; each row stands for its ``TrafficRoute``."""

    def __init__(self, all_namespaces: bool, declared: DeclaredTraffic | None = None) -> None:
        super().__init__(ROUTES, TRAFFIC_SOURCES)
        self.all_namespaces = all_namespaces
        self.declared = declared or DeclaredTraffic()

    def derive(self) -> list[tuple[Row, Any]]:
        services, deployments, ingresses, pods = (
            list(self.objects[plural].values())
            for plural in ("services", "deployments", "ingresses", "pods")
        )
        routes = traffic_routes(services, deployments, ingresses, pods, self.declared)
        return [(route_row(route, self.all_namespaces), route) for route in routes]
