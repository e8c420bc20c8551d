"""The keys that change a Deployment, shared by the Deployments table and the rollout panel,
and by the StatefulSet and DaemonSet tables where the action applies (``actions.workloads``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

from gok_tui.actions.base import ObjectRef
from gok_tui.actions.deployments import Restart, Scale, SetPaused
from gok_tui.actions.workloads import REVISION_SOURCES
from gok_tui.screens.base import BaseScreen
from gok_tui.widgets.confirm import ReplicaPrompt


def deployment_ref(
    session_target: Any, obj: dict[str, Any], kind: str = "deployments"
) -> ObjectRef:
    return ObjectRef.of(session_target, obj, kind)


class DeploymentKeys:
    """The keys that change a Deployment (scale, restart, undo, history, pause/resume), owned
    by each screen that shows one; ``acted_on`` says which Deployment they act on now."""

    def __init__(
        self,
        screen: BaseScreen,
        acted_on: Callable[[], dict[str, Any] | None],
        kind: str = "deployments",
    ) -> None:
        self.screen = screen
        self.acted_on = acted_on
        self.kind = kind

    def _ref(self) -> tuple[ObjectRef, dict[str, Any]] | None:
        obj = self.acted_on()
        target = self.screen.session.target
        if obj is None or target is None:
            return None
        return deployment_ref(target, obj, self.kind), obj

    def scale(self) -> None:
        picked = self._ref()
        if picked is None:
            return
        ref, obj = picked
        current = int((obj.get("spec") or {}).get("replicas", 1))

        def chosen(replicas: int | None) -> None:
            if replicas is not None:
                self.screen.gok.propose(Scale(ref, replicas))

        self.screen.app.push_screen(ReplicaPrompt(ref.name, current), callback=chosen)

    def restart(self) -> None:
        picked = self._ref()
        if picked is not None:
            stamp = datetime.fromtimestamp(self.screen.session.clock(), UTC)
            now = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
            self.screen.gok.propose(Restart(picked[0], now))

    def undo(self) -> None:
        picked = self._ref()
        if picked is not None:
            self.screen.gok.propose(REVISION_SOURCES[self.kind].undo(picked[0], None))

    def revisions(self) -> None:
        picked = self._ref()
        if picked is not None:
            from gok_tui.screens.revisions import RevisionScreen

            self.screen.app.push_screen(RevisionScreen(picked[0]))

    def pause_resume(self) -> None:
        picked = self._ref()
        if picked is not None:
            paused = bool((picked[1].get("spec") or {}).get("paused"))
            self.screen.gok.propose(SetPaused(picked[0], not paused))


class DeploymentKeyActions:
    """The Deployment keys' actions for a screen that shows one: each hands the key to the
    screen's ``DeploymentKeys`` (a plain mixin, no screen of its own: no diamond). A screen of
    another workload sets ``WORKLOAD_KIND`` and binds only the keys its kind can use."""

    WORKLOAD_KIND = "deployments"

    def acted_on(self) -> dict[str, Any] | None:
        raise NotImplementedError

    @cached_property
    def deployment_keys(self) -> DeploymentKeys:
        assert isinstance(self, BaseScreen)
        return DeploymentKeys(self, self.acted_on, self.WORKLOAD_KIND)

    def action_scale(self) -> None:
        self.deployment_keys.scale()

    def action_restart(self) -> None:
        self.deployment_keys.restart()

    def action_undo(self) -> None:
        self.deployment_keys.undo()

    def action_revisions(self) -> None:
        self.deployment_keys.revisions()

    def action_pause_resume(self) -> None:
        self.deployment_keys.pause_resume()
