"""The keys that change a Deployment, shared by the Deployments table and the rollout panel."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from gok_tui.actions.base import ObjectRef
from gok_tui.actions.deployments import Restart, Scale, SetPaused, Undo
from gok_tui.screens.base import BaseScreen
from gok_tui.widgets.confirm import ReplicaPrompt


def deployment_ref(session_target: Any, obj: dict[str, Any]) -> ObjectRef:
    meta = obj.get("metadata") or {}
    return ObjectRef(
        session_target.context,
        session_target.cluster_server,
        "deployments",
        meta.get("namespace", ""),
        meta.get("name", ""),
    )


class DeploymentActions(BaseScreen):
    """Subclasses say which Deployment the keys act on."""

    def acted_on(self) -> dict[str, Any] | None:
        raise NotImplementedError

    def _ref(self) -> tuple[ObjectRef, dict[str, Any]] | None:
        obj = self.acted_on()
        target = self.session.target
        if obj is None or target is None:
            return None
        return deployment_ref(target, obj), obj

    def action_scale(self) -> None:
        picked = self._ref()
        if picked is None:
            return
        ref, obj = picked
        current = int((obj.get("spec") or {}).get("replicas", 1))

        def chosen(replicas: int | None) -> None:
            if replicas is not None:
                self.gok.propose(Scale(ref, replicas))

        self.app.push_screen(ReplicaPrompt(ref.name, current), callback=chosen)

    def action_restart(self) -> None:
        picked = self._ref()
        if picked is not None:
            now = datetime.fromtimestamp(self.session.clock(), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            self.gok.propose(Restart(picked[0], now))

    def action_undo(self) -> None:
        picked = self._ref()
        if picked is not None:
            self.gok.propose(Undo(picked[0]))

    def action_revisions(self) -> None:
        picked = self._ref()
        if picked is not None:
            from gok_tui.screens.revisions import RevisionScreen

            self.app.push_screen(RevisionScreen(picked[0]))

    def action_pause_resume(self) -> None:
        picked = self._ref()
        if picked is not None:
            paused = bool((picked[1].get("spec") or {}).get("paused"))
            self.gok.propose(SetPaused(picked[0], not paused))
