"""What the Build screen shows, folded from the loop's events (pure; fed on the UI tick).

The loop emits from its worker thread into a ``BuildFeed`` (a lock-guarded list); the UI drains
it every tick and folds the events into a ``BuildView``, whether or not the Build screen is
showing, so switching to it shows the build as it stands.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass, field, replace

from gok_tui.devloop.history import BuildRecord
from gok_tui.devloop.loop import (
    BuildDone,
    BuildQueued,
    BuildStarted,
    BuildStep,
    ChangeRouted,
    DeployDone,
    DeployStarted,
    LoopEvent,
    LoopNote,
    PushStep,
    RolloutUpdate,
    WatchState,
)
from gok_tui.devloop.services import ServiceEvent
from gok_tui.domain.build import (
    BuildFailed,
    PushLayer,
    StepCached,
    StepDone,
    StepOutput,
    StepStarted,
)
from gok_tui.domain.rollout import RolloutState

MAX_OUTPUT_LINES = 200
MAX_NOTES = 20
MAX_ROUTES = 3


@dataclass
class StepView:
    index: int
    instruction: str
    started: float
    cached: bool = False
    finished: float | None = None

    def seconds(self, now: float) -> float:
        return (self.finished or now) - self.started


@dataclass
class LayerView:
    layer_id: str
    status: str
    current: int | None = None
    total: int | None = None


@dataclass
class BuildView:
    watching: bool = False
    paused: bool = False
    watch_paths: tuple[str, ...] = ()
    queued: tuple[str, ...] = ()
    running: bool = False
    trigger: tuple[str, ...] = ()
    image: str = ""
    started: float = 0.0
    total_steps: int = 0
    steps: list[StepView] = field(default_factory=list)
    output: list[str] = field(default_factory=list)
    failure: BuildFailed | None = None
    last: BuildRecord | None = None
    layers: OrderedDict[str, LayerView] = field(default_factory=OrderedDict)
    deploy: str = ""  # "set image" / "apply manifests" while deploying
    rollout: RolloutState | None = None
    deploy_result: tuple[bool, str] | None = None
    notes: list[tuple[str, str]] = field(default_factory=list)  # (severity, text)
    history: list[BuildRecord] = field(default_factory=list)
    # which path the last change sets took, newest last: (path, line), where a build's line
    # gains its duration when the build ends; kept across builds (a sync starts none)
    routes: list[tuple[str, str]] = field(default_factory=list)
    route_waits: bool = False
    synced_s: float | None = None  # the last sync's seconds, when none was built since
    version: int = 0  # bumped on every change, so the screen repaints only when needed

    @property
    def current_step(self) -> StepView | None:
        return self.steps[-1] if self.steps else None

    @property
    def fraction(self) -> float:
        if not self.total_steps:
            return 0.0
        done = sum(1 for s in self.steps if s.finished is not None)
        return min(1.0, done / self.total_steps)

    def apply(self, event: LoopEvent, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        self.version += 1
        if isinstance(event, WatchState):
            self.watching, self.paused = event.watching, event.paused
            self.watch_paths = event.paths or self.watch_paths
        elif isinstance(event, BuildQueued):
            self.queued = tuple(dict.fromkeys((*self.queued, *event.trigger)))
        elif isinstance(event, BuildStarted):
            self.running, self.trigger, self.image, self.started = (
                True,
                event.trigger,
                event.image,
                now,
            )
            self.queued = ()
            self.synced_s = None
            self.notes = []  # what the loop said of the build before: no news about this one
            self.total_steps, self.steps, self.output, self.failure = 0, [], [], None
            self.layers = OrderedDict()
            self.deploy, self.rollout, self.deploy_result = "", None, None
        elif isinstance(event, BuildStep):
            self._build_step(event, now)
        elif isinstance(event, PushStep):
            if isinstance(event.event, PushLayer):
                layer = event.event
                self.layers[layer.layer_id] = LayerView(
                    layer.layer_id, layer.status, layer.current, layer.total
                )
        elif isinstance(event, BuildDone):
            self.running = False
            self.last = event.record
            self.failure = event.failure
            for step in self.steps:
                step.finished = step.finished or now
            self.history = [*self.history, event.record][-200:]
            if self.route_waits and self.routes:
                path, line = self.routes[-1]
                outcome = event.record.result
                self.routes[-1] = (path, f"{line} ({outcome}, {event.record.duration_s:.1f} s)")
                self.route_waits = False
        elif isinstance(event, DeployStarted):
            self.deploy, self.rollout, self.deploy_result = event.how, None, None
            self.image = event.image or self.image
        elif isinstance(event, RolloutUpdate):
            self.rollout = event.state
        elif isinstance(event, DeployDone):
            self.deploy_result = (event.ok, event.message)
            self.deploy = ""
            last = self.last
            failed_rollout = self.rollout is not None and self.rollout.phase == "failed"
            if failed_rollout and last is not None and last.ok and last.image == self.image:
                # the build's outcome is its rollout's: shown as such (the history file keeps
                # what the build itself did)
                self.last = replace(last, result="rollout failed", message=event.message)
                if self.history and self.history[-1] is last:
                    self.history = [*self.history[:-1], self.last]
        elif isinstance(event, ChangeRouted):
            self.routes = [*self.routes, (event.path, event.message)][-MAX_ROUTES:]
            self.route_waits = event.path != "synced"  # for its build's duration
            if event.path == "synced":
                self.queued = ()  # what queued it is in the containers: no build waits
                self.synced_s = event.seconds
        elif isinstance(event, LoopNote):
            self.notes = [*self.notes, (event.severity, event.message)][-MAX_NOTES:]

    def forget_notes(self) -> None:
        """After a change of context or mode: "not deployed: X is production" was of another."""
        if self.notes:
            self.notes = []
            self.version += 1

    def _build_step(self, wrapped: BuildStep, now: float) -> None:
        event = wrapped.event
        if isinstance(event, StepStarted):
            if self.steps and self.steps[-1].finished is None:
                self.steps[-1].finished = now
            self.total_steps = event.total
            self.steps.append(StepView(event.index, event.instruction, now))
        elif isinstance(event, StepCached):
            for step in self.steps:
                if step.index == event.index:
                    step.cached = True
        elif isinstance(event, StepDone):
            for step in self.steps:
                if step.index == event.index and step.finished is None:
                    step.finished = now
        elif isinstance(event, StepOutput):
            self.output = [*self.output, event.text][-MAX_OUTPUT_LINES:]


@dataclass(frozen=True)
class ServiceRow:
    """One line of the services list: what a service is doing, as a word and a tone."""

    name: str
    state: str
    tone: str  # "busy", "ok", "error", "idle"
    tag: str
    duration: str


def service_row(name: str, view: BuildView) -> ServiceRow:
    last = view.last
    tag = last.tag if last is not None else ""
    duration = f"{last.duration_s:.1f}s" if last is not None else ""
    if view.running:
        return ServiceRow(name, "building", "busy", view.image.rpartition(":")[2], "")
    if view.deploy:
        rollout = view.rollout
        progress = f" {rollout.ready}/{rollout.desired} ready" if rollout is not None else ""
        return ServiceRow(name, f"rolling out{progress}", "busy", tag, duration)
    if view.queued:
        return ServiceRow(name, "queued", "busy", tag, duration)
    if view.synced_s is not None:  # live update: the files are in the containers
        return ServiceRow(name, "synced", "ok", tag, f"{view.synced_s:.1f}s")
    if last is not None and not last.ok:
        return ServiceRow(
            name, last.result, "idle" if last.result == "cancelled" else "error", tag, duration
        )
    if view.deploy_result is not None:
        ok, _ = view.deploy_result
        failed = "rollout failed" if view.rollout is not None else "deploy failed"
        return ServiceRow(
            name, "deployed" if ok else failed, "ok" if ok else "error", tag, duration
        )
    if last is not None:
        return ServiceRow(name, "built", "ok", tag, duration)
    return ServiceRow(name, "no build yet", "idle", "", "")


class BuildViews:
    """One ``BuildView`` per service, in gok.toml order; events tagged with a service go to
    its view, untagged ones to the first."""

    def __init__(self, names: tuple[str, ...]) -> None:
        self.views: dict[str, BuildView] = {name: BuildView() for name in names or ("",)}

    @property
    def first(self) -> BuildView:
        return next(iter(self.views.values()))

    @property
    def version(self) -> int:
        return sum(view.version for view in self.views.values())

    @property
    def running(self) -> bool:
        return any(view.running for view in self.views.values())

    def apply(self, item: LoopEvent | ServiceEvent, now: float | None = None) -> None:
        if isinstance(item, ServiceEvent):
            view = self.views.get(item.service)
            if view is not None:
                view.apply(item.event, now)
        else:
            self.first.apply(item, now)

    def rows(self) -> list[ServiceRow]:
        return [service_row(name, view) for name, view in self.views.items()]

    def forget_notes(self) -> None:
        for view in self.views.values():
            view.forget_notes()
