"""The dev loop of a project with one or several services: one ``DevLoop`` per service, each
with its own watcher and worker, sharing a bound on builds at once, deploying after the
services it depends on. What each loop says leaves tagged with its service's name.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gok_tui.devloop.loop import DevLoop, LoopEvent

if TYPE_CHECKING:
    from gok_tui.config.project import ProjectConfig


@dataclass(frozen=True)
class ServiceEvent:
    service: str
    event: LoopEvent


def start_refusal(
    project: ProjectConfig, *, watching: bool, production: bool, readonly: bool
) -> str | None:
    """Why opening gok-tui does not build and deploy every service at once (as ``tilt up``
    does); None when it does."""
    if project.source is None or not watching:
        return "no gok.toml: nothing builds at start (b builds)"
    if readonly:
        return "read-only: nothing builds and deploys at start (b builds)"
    if production:
        return "production context: nothing builds and deploys at start (b builds, D deploys)"
    return None


class ServiceLoops:
    """The loops of one project, by service name, in gok.toml order."""

    def __init__(
        self,
        project: ProjectConfig,
        emit: Callable[[ServiceEvent], None],
        make: Callable[..., DevLoop],
        **options: Any,
    ) -> None:
        """``make``: ``DevLoop`` (or a test's stand-in), called with the project, ``emit``,
        the service's name, the shared gate and its dependency check, and ``options``."""
        self.project = project
        self.gate = threading.BoundedSemaphore(project.dev.max_parallel_builds)
        self.loops: dict[str, DevLoop] = {}
        for index, spec in enumerate(project.services):
            self.loops[spec.name] = make(
                project,
                emit=self._tagged(emit, spec.name),
                service=spec.name,
                gate=self.gate,
                dependencies_settled=self._settled(spec.depends_on),
                announce_project_file=index == 0,  # "gok.toml changed" once, not per service
                **options,
            )

    @staticmethod
    def _tagged(emit: Callable[[ServiceEvent], None], name: str) -> Callable[[LoopEvent], None]:
        return lambda event: emit(ServiceEvent(name, event))

    def _settled(self, names: tuple[str, ...]) -> Callable[[], bool] | None:
        if not names:
            return None
        return lambda: not any(self.loops[name].busy for name in names)

    @property
    def first(self) -> DevLoop:
        return next(iter(self.loops.values()))

    def __getitem__(self, name: str) -> DevLoop:
        return self.loops[name]

    def start(self, watch: bool = True, build: bool = False) -> None:
        """Start every service's loop; ``build``: build (and deploy) each one once now."""
        for loop in self.loops.values():
            loop.start(watch=watch)
            if build:
                loop.build_now()

    def stop(self, timeout: float = 5.0) -> None:
        for loop in self.loops.values():
            loop.request_stop()  # all at once: one loop's wait must not delay another's
        for loop in self.loops.values():
            loop.stop(timeout=timeout / len(self.loops))
