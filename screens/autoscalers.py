"""`:hpa`: the HorizontalPodAutoscalers, each with what it scales, its bounds, the replicas it
sees and wants, and each metric current against target; `d` says its conditions in words;
`enter` opens what it scales (a Deployment's or StatefulSet's rollout panel, else that
object's row in its kind's table)."""

from __future__ import annotations

from typing import Any

from gok_tui.domain.autoscaling import autoscaler
from gok_tui.domain.kinds import kind_for
from gok_tui.domain.rollout import ROLLOUT_SOURCES
from gok_tui.screens.kinds import KindScreen, kind_screen
from gok_tui.screens.resource import Scope


class AutoscalersScreen(KindScreen):
    def __init__(self, scope: Scope | None = None) -> None:
        super().__init__("horizontalpodautoscalers", scope)

    def open_selected(self, obj: dict[str, Any], row_key: str) -> None:
        hpa = autoscaler(obj)
        namespace = (obj.get("metadata") or {}).get("namespace") or ""
        ref = (obj.get("spec") or {}).get("scaleTargetRef") or {}
        group = str(ref.get("apiVersion") or "").rpartition("/")[0]
        kind = kind_for(str(ref.get("kind") or ""))
        if kind is None or kind.name != ref.get("kind") or kind.group != group:
            self.notify(
                f"HPA {hpa.name} scales {hpa.reference}, a kind without a view here: "
                "d describes the HPA",
                severity="warning",
            )
            return
        if kind.plural in ROLLOUT_SOURCES:
            from gok_tui.screens.rollout import RolloutScreen

            self.app.push_screen(RolloutScreen(namespace, hpa.target_name, kind.plural))
            return
        title = f"{kind.name.lower()}/{hpa.target_name}"
        scope = Scope(namespace, None, title, f"metadata.name={hpa.target_name}")
        self.app.push_screen(kind_screen(kind, scope))
