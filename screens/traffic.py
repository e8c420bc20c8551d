""":traffic — where each Service's requests go (blue/green, canary), and the keys that move it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from gok_tui.actions.base import Action, ObjectRef
from gok_tui.actions.traffic import (
    SetCanaryReplicas,
    SetCanaryWeight,
    SwitchService,
    replica_split,
)
from gok_tui.domain.table import Column, Row
from gok_tui.domain.traffic import DeclaredTraffic, TrafficRoute
from gok_tui.screens.bindings import bindings_for
from gok_tui.screens.resource import ResourceScreen
from gok_tui.store.model import Objects
from gok_tui.store.traffic import (
    NAMESPACE_TRAFFIC_COLUMNS,
    ROUTES,
    TRAFFIC_COLUMNS,
    TRAFFIC_SOURCES,
    TrafficModel,
)
from gok_tui.widgets.plain import SafeText
from textual.binding import BindingType
from textual.widgets import Static

WEIGHT_STEP = 10


class TrafficScreen(ResourceScreen):
    TITLE_TEXT = "Traffic"
    PRIMARY = ROUTES
    BINDINGS: ClassVar[list[BindingType]] = [
        *ResourceScreen.BINDINGS,
        *bindings_for("traffic"),
    ]

    def watched_kinds(self) -> tuple[str, ...]:
        return TRAFFIC_SOURCES

    def columns(self, all_namespaces: bool) -> Sequence[Column]:
        return NAMESPACE_TRAFFIC_COLUMNS if all_namespaces else TRAFFIC_COLUMNS

    def make_model(
        self, render: Callable[[dict[str, Any], Objects, float], list[Row]], all_ns: bool
    ) -> TrafficModel:
        return TrafficModel(all_ns, self._declared())

    def _declared(self) -> DeclaredTraffic:
        project = self.session.project
        if project is None:
            return DeclaredTraffic()
        spec = project.traffic
        return DeclaredTraffic(
            namespace=spec.namespace or project.deploy.namespace,
            service=spec.service,
            bluegreen=spec.bluegreen,
            stable=spec.stable,
            canary=spec.canary,
        )

    def _refresh_title(self) -> None:
        super()._refresh_title()
        loaded = bool(self.feeds) and all(f.status.state == "live" for f in self.feeds.values())
        hint = self.query_one("#why", Static)
        empty = loaded and self.model is not None and not self.model.rows
        hint.display = empty
        if empty:
            hint.update(
                SafeText(
                    "no blue/green pair or canary found here; name pairs in gok.toml [traffic]"
                )
            )

    def _refresh_why(self) -> None:
        """The line under the table is this view's empty-state hint, not a WHY cell."""

    # -- the selected route ------------------------------------------------------------------
    def route(self) -> TrafficRoute | None:
        picked = self.selected()
        return picked[1] if picked is not None else None

    def _ref(self, kind: str, namespace: str, name: str) -> ObjectRef | None:
        target = self.session.target
        if target is None:
            return None
        return ObjectRef(target.context, target.cluster_server, kind, namespace, name)

    def _propose(self, action: Action | None) -> None:
        if action is not None:
            self.gok.propose(action)

    def open_selected(self, obj: TrafficRoute, row_key: str) -> None:
        self.show_detail("describe")

    def _route_object(self, route: TrafficRoute) -> tuple[str, dict[str, Any] | None]:
        """The Service or Ingress a route is about (its plural, and the object if watched)."""
        plural = "ingresses" if route.kind == "canary-ingress" else "services"
        store = self.model.objects.get(plural, {}) if self.model is not None else {}
        return plural, store.get(f"{route.namespace}/{route.name}")

    def event_target(self, item: Any) -> tuple[str, dict[str, Any]] | None:
        if not isinstance(item, TrafficRoute):
            return None
        plural, obj = self._route_object(item)
        return (plural, obj) if obj is not None else None

    def show_detail(self, mode: str) -> None:
        """d/y on a route: the Service or Ingress it is about."""
        from gok_tui.domain.kinds import KINDS
        from gok_tui.screens.detail import DetailScreen

        route = self.route()
        if route is None:
            return
        plural, obj = self._route_object(route)
        if obj is not None:
            self.app.push_screen(DetailScreen(KINDS[plural], obj, mode))

    # -- keys ------------------------------------------------------------------------------
    def action_switch(self) -> None:
        route = self.route()
        if route is None:
            return
        if route.kind != "bluegreen":
            self.notify("s flips a blue/green Service; for a canary use + - 0 f", timeout=4)
            return
        other = route.other
        live = route.side(route.live)
        ref = self._ref("services", route.namespace, route.name)
        if other is None or ref is None:
            return
        self._propose(
            SwitchService(
                ref, route.label, other.value, other.deployment, live.deployment if live else ""
            )
        )

    def action_weight(self, change: str) -> None:
        """``+10``/``-10`` step, ``0``/``100`` set the canary's share."""
        route = self.route()
        if route is None:
            return
        if route.kind == "bluegreen":
            self.notify("blue/green moves all traffic at once: s switches", timeout=4)
            return
        step = change.startswith(("+", "-"))
        wanted = route.weight + int(change) if step else int(change)
        wanted = max(0, min(100, wanted))
        if route.kind == "canary-ingress":
            ref = self._ref("ingresses", route.namespace, route.name)
            if ref is not None:
                self._propose(SetCanaryWeight(ref, wanted))
            return
        stable, canary = route.sides
        total = stable.desired + canary.desired
        _, canary_to = replica_split(total, wanted)
        if step and canary_to == canary.desired:  # a step always moves at least one replica
            canary_to = max(0, min(total, canary.desired + (1 if int(change) > 0 else -1)))
        ref = self._ref("deployments", route.namespace, canary.deployment)
        if ref is not None:
            self._propose(SetCanaryReplicas(ref, stable.deployment, canary_to))
