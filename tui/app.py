"""The composition root: one Session, the views as modes, global keys and the drain tick."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from typing import Any, ClassVar

from gok_tui.commands import VIEWS, command_candidates, parse_command
from gok_tui.config import ConfigError
from gok_tui.domain.kinds import KINDS
from gok_tui.screens.base import BaseScreen
from gok_tui.screens.bindings import bindings_for
from gok_tui.screens.help import HelpScreen
from gok_tui.screens.pending import BuildScreen, ImagesScreen, LogsScreen
from gok_tui.screens.views import DeploymentsScreen, IngressScreen, PodsScreen
from gok_tui.session import Session
from textual import work
from textual.app import App
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider


class GokCommands(Provider):
    """ctrl+p: every view and every context, fuzzy-searched."""

    def _entries(self) -> list[tuple[str, Callable[[], Any], str]]:
        app = self.app
        assert isinstance(app, GokApp)
        entries: list[tuple[str, Callable[[], Any], str]] = [
            (f"View: {view}", partial(app.goto, view), f"switch to the {view} view")
            for view in VIEWS
        ]
        entries += [
            (f"Context: {name}", partial(app.run_command, f"ctx {name}"), "switch context")
            for name in app.session.context_names()
        ]
        return entries

    async def discover(self) -> Hits:
        for text, callback, help_text in self._entries():
            yield DiscoveryHit(text, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, callback, help_text in self._entries():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), callback, help=help_text)


class GokApp(App[None]):
    TITLE = "gok-tui"
    BINDINGS: ClassVar[list[Binding]] = bindings_for("app")  # type: ignore[assignment]
    MODES: ClassVar[dict[str, Any]] = {
        "deployments": DeploymentsScreen,
        "pods": PodsScreen,
        "ingress": IngressScreen,
        "build": BuildScreen,
        "images": ImagesScreen,
        "logs": LogsScreen,
    }
    DEFAULT_MODE = "deployments"
    COMMANDS = App.COMMANDS | {GokCommands}

    def __init__(self, session: Session, *, start_view: str = "deployments") -> None:
        super().__init__()
        self.session = session
        self.start_view = start_view
        self.namespaces: list[str] = []

    def on_mount(self) -> None:
        try:
            self.theme = self.session.settings.theme
        except Exception:
            self.notify(f"unknown theme {self.session.settings.theme!r}", severity="warning")
        if self.session.settings.keymap:
            self.set_keymap(dict(self.session.settings.keymap))
        interval = self.session.settings.refresh_interval_ms / 1000
        self.set_interval(interval, self._tick)
        if self.start_view != self.DEFAULT_MODE:
            self.switch_mode(self.start_view)
        if self.session.project is not None and self.session.project.assumptions:
            self.notify("; ".join(self.session.project.assumptions), title="project", timeout=6)
        if self.session.target is None:
            self.notify(
                "no kubeconfig found (KUBECONFIG, ~/.kube/config) and not in a cluster: "
                "Kubernetes views are empty",
                severity="warning",
                timeout=8,
            )

    def on_unmount(self) -> None:
        self.session.close()

    def _tick(self) -> None:
        screen = self.screen
        if isinstance(screen, BaseScreen):
            screen.sync(time.monotonic())

    # -- commands --------------------------------------------------------------------------
    def command_candidates(self) -> list[str]:
        return command_candidates(self.session.context_names(), self.namespaces)

    def action_command_mode(self) -> None:
        screen = self.screen
        if isinstance(screen, BaseScreen):
            self.load_namespaces()
            screen.open_prompt("command")

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_goto(self, view: str) -> None:
        self.goto(view)

    def goto(self, view: str) -> None:
        if view in self.MODES and self.current_mode != view:
            self.switch_mode(view)

    def run_command(self, text: str) -> None:
        if not text:
            return
        command = parse_command(text)
        if command.kind == "error":
            self.notify(command.message, severity="error")
        elif command.kind == "quit":
            self.exit()
        elif command.kind == "help":
            self.action_help()
        elif command.kind == "view":
            self.goto(command.argument)
        elif command.kind == "context":
            self._retarget(lambda: self.session.switch_context(command.argument))
        elif command.kind == "namespace":
            self._retarget(lambda: self.session.switch_namespace(command.argument or None))

    def _retarget(self, change: Callable[[], None]) -> None:
        try:
            change()
        except (ConfigError, ValueError) as error:
            self.notify(str(error), severity="error")
            return
        self.namespaces = []
        target = self.session.target
        if target is not None:
            where = "all namespaces" if target.all_namespaces else f"namespace {target.namespace}"
            self.notify(f"context {target.context}, {where}", timeout=3)
        self._tick()

    @work(thread=True, exclusive=True, group="namespaces")
    def load_namespaces(self) -> None:
        backend = self.session.backend
        if backend is None:
            return
        try:
            items = backend.list(KINDS["namespaces"], None).items
        except Exception:
            return
        self.namespaces = sorted(item["metadata"]["name"] for item in items)
