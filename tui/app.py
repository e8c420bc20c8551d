"""The composition root: one Session, the views as modes, global keys and the drain tick."""

from __future__ import annotations

import asyncio
import importlib
import sys
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from gok_tui.actions.base import Action, Plan
from gok_tui.actions.run import Result, execute, plan_action
from gok_tui.backends.kube import KubeBackend, KubeError
from gok_tui.cluster_health import ClusterHealth, probe
from gok_tui.colourless import Colourless
from gok_tui.commands import command_candidates, missing_namespace_message, parse_command
from gok_tui.config import ConfigError
from gok_tui.config.keymap import DEFAULT_KEYS, MUTATING_ACTIONS
from gok_tui.config.views import VIEW_SPECS
from gok_tui.daemon_executor import DaemonExecutor
from gok_tui.domain.access import AccessAnswer, Need
from gok_tui.domain.kinds import KINDS, Kind
from gok_tui.domain.text import clean, escape_unprintable
from gok_tui.idle_gc import IdleCollector
from gok_tui.screens.base import BaseScreen
from gok_tui.screens.bindings import bindings_for, key_state
from gok_tui.screens.help import HelpScreen
from gok_tui.screens.messages import LoggedMessage
from gok_tui.session import Session
from gok_tui.store.access import AccessCache, Where, ask, review_namespace
from gok_tui.store.discovery import cluster_key
from gok_tui.widgets.confirm import ConfirmModal
from gok_tui.widgets.plain import highlighted, plain_content
from textual import actions, events, work
from textual.actions import ActionParseResult
from textual.app import App
from textual.binding import BindingType
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.css.query import NoMatches
from textual.dom import DOMNode
from textual.driver import Driver
from textual.filter import LineFilter, Monochrome, NoColor
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widgets import Input
from textual.worker import Worker, WorkerState

if TYPE_CHECKING:
    from gok_tui.config.kubeconfig import KubeTarget
    from gok_tui.store.discovery import Refreshed
    from gok_tui.store.logs import LogRequest


class GokCommands(Provider):
    """ctrl+p: every view and every context, fuzzy-searched."""

    def _entries(self) -> list[tuple[str, Callable[[], Any], str]]:
        app = self.app
        assert isinstance(app, GokApp)
        entries: list[tuple[str, Callable[[], Any], str]] = [
            (f"View: {spec.name}", partial(app.goto, spec.name), spec.help) for spec in VIEW_SPECS
        ]
        entries += [
            (f"Context: {name}", partial(app.run_command, f"ctx {name}"), "switch context")
            for name in app.session.context_names()
        ]
        return entries

    async def discover(self) -> Hits:
        for text, callback, help_text in self._entries():
            yield DiscoveryHit(plain_content(text), callback, text=text, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, callback, help_text in self._entries():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, highlighted(matcher, text), callback, text=text, help=help_text)


def _kind_screen(kind: Kind) -> Screen[Any]:
    from gok_tui.screens.kinds import kind_screen

    return kind_screen(kind)


def _screen(where: str) -> Screen[Any]:
    """A view's screen from its registry entry ("module:Class" under gok_tui.screens)."""
    module, _, name = where.partition(":")
    return getattr(importlib.import_module(f"gok_tui.screens.{module}"), name)()


def _rolls_out(plan: Plan) -> bool:
    """A change whose rollout the panel follows: any to a kind that has one."""
    from gok_tui.actions.workloads import can

    return can(plan.ref.kind, "rollout")


# What a refused key is called in the read-only message: its footer label.
MUTATING_KEY_LABELS = {
    spec.action: spec.description.lower() for spec in DEFAULT_KEYS if spec.mutates
}

MESSAGES_KEPT = 500
TOAST_CHARS = 300


class GokApp(App[None]):
    TITLE = "gok-tui"
    BINDINGS: ClassVar[list[BindingType]] = bindings_for("app")
    # each view's screen is imported when first opened: start loads the start view's only
    MODES: ClassVar[dict[str, Any]] = {
        spec.name: partial(_screen, spec.screen) for spec in VIEW_SPECS
    }
    DEFAULT_MODE = "deployments"
    COMMANDS = App.COMMANDS | {GokCommands}

    class PlanReady(Message):
        def __init__(self, action: Action, plan: Plan | None, error: str = "") -> None:
            super().__init__()
            self.action = action
            self.plan = plan
            self.error = error

    class FeedLoaded(Message):
        """A watch thread has a full list for a view: show it now, not at the next tick."""

    class ActionDone(Message):
        def __init__(self, result: Result) -> None:
            super().__init__()
            self.result = result

    class ActionProgress(Message):
        """How far an action of many requests has come (a drain's pods left); "" at its end."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Notice(Message):
        """A toast from a thread worker: posting only queues (call_from_thread blocks the
        worker until the UI runs it, and fails or hangs while the app shuts down)."""

        def __init__(
            self,
            text: str,
            severity: SeverityLevel = "information",
            timeout: float | None = None,
            *,
            generation: int | None = None,  # said of this target only; None: of any
            keep: str = "",  # what the views' titles say of the target once the toast is gone
        ) -> None:
            super().__init__()
            self.text = text
            self.severity: SeverityLevel = severity
            self.timeout = timeout
            self.generation = generation
            self.keep = keep

    class NamespacesLoaded(Message):
        """The cluster's namespaces, for ``:ns`` completion."""

        def __init__(self, names: list[str]) -> None:
            super().__init__()
            self.names = names

    class LogsFound(Message):
        def __init__(self, request: LogRequest) -> None:
            super().__init__()
            self.request = request

    class AccessReviewed(Message):
        """What SelfSubjectAccessReviews said (None: a review failed) for a target."""

        def __init__(
            self, generation: int, where: Where, answers: dict[Need, AccessAnswer | None]
        ) -> None:
            super().__init__()
            self.generation = generation
            self.where = where
            self.answers = answers

    class DiscoveryDone(Message):
        """A discovery refresh ended; ``command``: a `:` line to read again with what it
        learnt (a name no kind had)."""

        def __init__(self, generation: int, refreshed: Refreshed, command: str) -> None:
            super().__init__()
            self.generation = generation
            self.refreshed = refreshed
            self.command = command

    class ClusterProbed(Message):
        def __init__(self, generation: int, state: str, started: float) -> None:
            super().__init__()
            self.generation = generation
            self.state = state
            self.started = started  # monotonic: when the request went out

    def __init__(self, session: Session, *, start_view: str = "deployments") -> None:
        # The first mode is the one asked for: no other view mounts (or watches) at start.
        self.DEFAULT_MODE = start_view if start_view in self.MODES else "deployments"  # type: ignore[misc]
        super().__init__()
        self.session = session
        self.start_view = start_view
        self.namespaces: list[str] = []
        self.last_done: Plan | None = None  # my last action that ran, for ctrl+z
        self.messages: deque[LoggedMessage] = deque(maxlen=MESSAGES_KEPT)
        self.messages_total = 0  # every message of the session, also those no longer kept
        self._planning: str | None = None  # the action whose plan is being made
        self.target_problem: tuple[int, str] | None = None  # (generation, what is wrong)
        self.idle_gc = IdleCollector()
        self.health = ClusterHealth()
        self.access = AccessCache()  # what the cluster lets the views' keys do
        self._kind_modes: set[str] = set()
        self._came_from = self.DEFAULT_MODE
        self._errors_said: tuple[int, set[str]] = (-1, set())  # (generation, texts)
        self._colourless = Colourless()
        # the clusters asked what they serve (once per run: a `:` name none has asks again)
        self._discovery_asked: set[str] = set()
        # a table view's keys are reviewed once its first list is in (the reviews' requests and
        # answers would compete with the first table: ~100 ms of bench_start)
        self._first_list_loaded = False
        self._discovery_failures_said: set[str] = set()
        # feeds start only once screens mount, when the app's loop runs: posting is thread-safe
        session.hub.wake = lambda: self._wake()

    def get_driver_class(self) -> type[Driver]:
        """Textual's driver for this terminal; on POSIX the one that scrubs what content could
        smuggle past the views (widgets/terminal_guard.py)."""
        chosen = super().get_driver_class()
        if sys.platform != "win32":
            from gok_tui.widgets.terminal_guard import GuardedDriver
            from textual.drivers.linux_driver import LinuxDriver

            if chosen is LinuxDriver:
                return GuardedDriver
        return chosen

    def get_line_filters(self) -> Sequence[LineFilter]:
        """NO_COLOR: no colour at all (Textual's own filter for it sends greys)."""
        filters = super().get_line_filters()
        if not self.no_color:
            return filters
        kept = [f for f in filters if not isinstance(f, (Monochrome, NoColor))]
        return [*kept, self._colourless]

    async def run_async(self, **options: Any) -> None:
        # Thread workers on daemon threads: quitting never waits for a call hung on a server
        # that accepted the connection and does not answer (see daemon_executor).
        asyncio.get_running_loop().set_default_executor(DaemonExecutor())
        return await super().run_async(**options)

    def _wake(self) -> None:
        self.post_message(self.FeedLoaded())

    def on_mount(self) -> None:
        try:
            self.theme = self.session.settings.theme
        except Exception:
            self.notify(f"unknown theme {self.session.settings.theme!r}", severity="warning")
        if self.session.settings.keymap:
            self.set_keymap(dict(self.session.settings.keymap))
        interval = self.session.settings.refresh_interval_ms / 1000
        self.set_interval(interval, self._tick)
        if self.session.watch_project:
            # the inner loop: watching starts after the first paint; otherwise the Build view
            # starts the loop when opened (its modules and the Docker client cost ~100 ms)
            self.call_after_refresh(self.session.start_devloop, True)  # built at start
        self.call_after_refresh(self.idle_gc.start)
        self.call_after_refresh(self.check_namespace)
        self.call_after_refresh(self.start_project_forwards)
        if self.session.target is None:
            self.notify(
                "no kubeconfig found (KUBECONFIG, ~/.kube/config) and not in a cluster: "
                "Kubernetes views are empty",
                severity="warning",
                timeout=8,
            )

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Toasts are plain text: they carry server, Docker and typed text, never markup.
        Each is kept, whole, for the Messages view (M): a toast vanishes and is cut short."""
        shown = escape_unprintable(message, keep="\n")
        heading = escape_unprintable(title)
        self.remember(f"{heading}: {shown}" if heading else shown, severity)
        if len(shown) > TOAST_CHARS:  # a toast is a glance: the Messages view keeps it whole
            shown = shown[: TOAST_CHARS - 1] + "… (M shows all)"
        super().notify(shown, title=heading, severity=severity, timeout=timeout, markup=False)

    def start_project_forwards(self) -> None:
        """gok.toml's ``[[forward]]`` entries start with the app (and follow each rollout)."""
        session = self.session
        if session.project is None or not session.project.forwards or session.target is None:
            return

        def start() -> None:
            for started, said in session.start_project_forwards():
                self.post_message(self.Notice(said, "information" if started else "warning"))

        self.run_worker(start, thread=True, group="port-forward", exit_on_error=False)

    def remember(self, text: str, severity: SeverityLevel = "information") -> None:
        """Keep a message for the Messages view (M) without a toast: something worth saying
        once that must not cover the screen (a cluster without metrics-server)."""
        self.messages.append(
            LoggedMessage(self.session.clock(), severity, escape_unprintable(text, keep="\n"))
        )
        self.messages_total += 1

    def on_unmount(self) -> None:
        self.session.hub.wake = None
        self.idle_gc.stop()
        self.session.close()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            self.idle_gc.key_pressed()
        await super().on_event(event)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """``cursor_blink = false``: a text field's cursor stays on once it has the focus
        (the command line, the scale prompt and the typed-name confirm each make their own)."""
        if not self.session.settings.cursor_blink and isinstance(event.widget, Input):
            event.widget.cursor_blink = False

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Any worker that fails unexpectedly is reported; the app stays up."""
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            self.log.error(f"worker {event.worker.name} failed", error)
            self.notify(
                f"{event.worker.name or 'background task'} failed: {error!r}"[:300],
                title="internal error",
                severity="error",
                timeout=10,
            )

    def _tick(self) -> None:
        now = time.monotonic()
        build_events = self.session.build_feed.drain()
        if build_events:
            views = self.session.build_views
            for event in build_events:
                views.apply(event, now)
                self._announce(event)
        if not self.screen_stack:
            return  # shutting down: the last tick may fire after the screens are gone
        screen = self.screen
        # a screen just pushed is attached at once but composed later: it syncs on mount
        if isinstance(screen, BaseScreen) and screen.is_mounted:
            try:
                screen.sync(now)
            except NoMatches:
                return  # being torn down (popped, or its mode left): its widgets are gone
            if screen.uses_session_cluster_state and self.health.is_old(self.session.generation):
                self.probe_cluster()
            self.review_access(screen)  # answers older than a few minutes are asked again
        self.idle_gc.tick()

    def _announce(self, event: object) -> None:
        """Build and deploy outcomes reach whichever view is open (named by service when
        the project has several)."""
        from gok_tui.devloop.loop import BuildDone, DeployDone, LoopNote
        from gok_tui.devloop.services import ServiceEvent

        who = ""
        if isinstance(event, ServiceEvent):
            project = self.session.project
            who = f"{event.service}: " if project is not None and project.multi else ""
            event = event.event
        if isinstance(event, BuildDone):
            record = event.record
            if record.ok:
                self.notify(f"{who}built {record.tag} in {record.duration_s:.1f}s", timeout=3)
            elif record.result == "cancelled":
                self.notify(f"{who}build cancelled", severity="warning", timeout=3)
            else:
                self.notify(f"{who}build {record.result}: {record.message}", severity="error")
        elif isinstance(event, DeployDone):
            self.notify(who + event.message, severity="information" if event.ok else "error")
        elif isinstance(event, LoopNote) and event.severity != "information":
            self.notify(who + event.message, severity=event.severity)  # type: ignore[arg-type]

    # -- commands --------------------------------------------------------------------------
    def command_candidates(self) -> list[str]:
        return command_candidates(self.session.context_names(), self.namespaces, self.session.kinds)

    def action_command_mode(self) -> None:
        screen = self.screen
        if isinstance(screen, BaseScreen):
            self.load_namespaces()
            if not self._discovery_was_asked():
                self.refresh_discovery()  # a view with no table of its own (Build, Images)
            screen.open_prompt("command")

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_messages(self) -> None:
        from gok_tui.screens.messages import MessagesScreen

        if not isinstance(self.screen, MessagesScreen):
            self.push_screen(MessagesScreen(self.messages))

    def action_goto(self, view: str) -> None:
        self.goto(view)

    def open_kind(self, name: str) -> None:
        """The live table of any kind (`:svc`, `:ev`, `:no`, `:widgets.example.com`, ...): a
        mode of its own, made when first asked for, so its watches stay while other views are
        up. ``name``: a hand-listed plural, or ``plural.group`` of a discovered kind."""
        kind = KINDS.get(name)
        if kind is None:
            resolved = self.session.kinds.resolve(name)
            if resolved is None:
                self.notify(f"unknown kind {name}", severity="error")
                return
            kind = resolved.kinds[0]
        mode = f"kind:{name}"
        if mode not in self._kind_modes:
            self.add_mode(mode, partial(_kind_screen, kind))
            self._kind_modes.add(mode)
        if self.current_mode != mode:
            self._came_from = self.current_mode
            self.switch_mode(mode)

    def back_from_kind(self) -> None:
        """esc in a kind's table: back to the view it was opened from."""
        self.switch_mode(self._came_from)

    def goto(self, view: str) -> None:
        if view in self.MODES and self.current_mode != view:
            self.switch_mode(view)

    def run_command(self, text: str, *, rediscovered: bool = False) -> None:
        """``rediscovered``: the line is read again after a discovery it asked for."""
        if not text:
            return
        command = parse_command(text, self.session.kinds)
        if command.kind == "error":
            if command.unknown and not rediscovered and self.session.backend is not None:
                self.refresh_discovery(command=text)  # a CRD installed since: ask once more
                return
            self.notify(command.message, severity="error")
        elif command.kind == "quit":
            self.exit()
        elif command.kind == "help":
            self.action_help()
        elif command.kind == "messages":
            self.action_messages()
        elif command.kind == "view":
            self.goto(command.argument)
        elif command.kind == "kind":
            self.open_kind(command.argument)
        if command.kind in ("view", "kind") and command.message:  # a category: the others
            self.notify(command.message, timeout=8)
        elif command.kind == "logs":
            plural, name = command.argument.split("/", 1)
            self.open_logs(plural, name)
        elif command.kind == "xray":
            self.open_xray(command.argument)
        elif command.kind == "context":
            self._retarget(lambda: self.session.switch_context(command.argument))
        elif command.kind == "namespace":
            self._retarget(lambda: self.session.switch_namespace(command.argument or None))

    def open_xray(self, what: str) -> None:
        """`:xray KIND/NAME`: the relations of one object in the current namespace."""
        from gok_tui.domain.relations import relation_kind
        from gok_tui.screens.relations import RelationsScreen

        plural, name = what.split("/", 1)
        kind = relation_kind(plural)
        namespace = self.session.namespace if kind is not None and kind.namespaced else None
        if kind is not None and kind.namespaced and namespace is None:
            self.notify("xray needs one namespace (:ns NAME), or X on a row", severity="error")
            return
        self.push_screen(RelationsScreen(plural, namespace, name))

    @work(thread=True, group="open-logs", exit_on_error=False)
    def open_logs(self, plural: str, name: str) -> None:
        """`:logs deploy/NAME` or `:logs pod/NAME` in the current namespace."""
        backend, namespace = self.session.backend, self.session.namespace
        if backend is None or namespace is None:
            self.post_message(self.Notice("logs need a cluster and one namespace (:ns NAME)"))
            return
        try:
            obj = backend.get(KINDS[plural], namespace, name)
        except KubeError as error:
            self.post_message(self.Notice(error.message, severity="error"))
            return
        from gok_tui.store.logs import LogRequest, deployment_log_request

        request = (
            deployment_log_request(obj)
            if plural == "deployments"
            else LogRequest(namespace, f"pod/{name}", pod=name)
        )
        if request is not None:
            self.post_message(self.LogsFound(request))

    def on_gok_app_logs_found(self, message: LogsFound) -> None:
        from gok_tui.screens.logs import LogsScreen

        self.push_screen(LogsScreen(message.request))

    def on_gok_app_notice(self, message: Notice) -> None:
        if message.generation is not None and message.generation != self.session.generation:
            return  # the target changed while the worker asked
        self.notify(message.text, severity=message.severity, timeout=message.timeout)
        if message.keep and message.generation is not None:
            self.target_problem = (message.generation, message.keep)
            screen = self.screen
            if isinstance(screen, BaseScreen) and screen.is_mounted:
                screen.target_problem_changed()

    def say_connection_error(self, text: str) -> None:
        """An error a view's top lines show (cut to the terminal's width, and shown again at
        every retry): said whole once per target, as a toast kept in Messages (M)."""
        generation, said = self._errors_said
        if generation != self.session.generation:
            said = set()
            self._errors_said = (self.session.generation, said)
        if text not in said:
            said.add(text)
            self.notify(text, severity="error", timeout=8)

    def problem_of_target(self) -> str:
        """What is wrong with the context/namespace shown, for the views' titles ("" if
        nothing is known to be)."""
        known = self.target_problem
        return known[1] if known is not None and known[0] == self.session.generation else ""

    def _retarget(self, change: Callable[[], None]) -> None:
        try:
            change()
        except (ConfigError, ValueError) as error:
            self.notify(str(error), severity="error")
            return
        self.namespaces = []
        self.access.forget()
        screen = self.screen
        if isinstance(screen, BaseScreen) and screen.uses_session_cluster_state:
            screen.refresh_cluster_bar()  # views with watches do on their next sync
        target = self.session.target
        if target is not None:
            where = "all namespaces" if target.all_namespaces else f"namespace {target.namespace}"
            self.notify(clean(f"context {target.context}, {where}"), timeout=3)
            self.check_namespace()
        self._tick()

    @work(thread=True, exclusive=True, group="namespace-check", exit_on_error=False)
    def check_namespace(self) -> None:
        """Say so when the namespace shown does not exist: a typo or a stale kubeconfig
        namespace would otherwise read as "no workloads here"."""
        session = self.session
        target, backend, generation = session.target, session.backend, session.generation
        if target is None or backend is None or target.all_namespaces:
            return
        try:
            backend.get(KINDS["namespaces"], None, target.namespace)
            return
        except KubeError as error:
            if error.status != 404:
                return  # forbidden to read namespaces, or unreachable: the views say so
        except ValueError:
            return  # not an API server's answer (an SSO page): the cluster bar says so
        try:
            existing = [
                item["metadata"]["name"] for item in backend.list(KINDS["namespaces"], None).items
            ]
        except (KubeError, ValueError):
            existing = []
        if session.generation == generation:  # still showing that namespace
            self.post_message(
                self.Notice(
                    missing_namespace_message(target.namespace, target.context, existing),
                    severity="warning",
                    timeout=10,
                    generation=generation,
                    keep=f"namespace {target.namespace} does not exist",
                )
            )

    @work(thread=True, exclusive=True, group="namespaces", exit_on_error=False)
    def load_namespaces(self) -> None:
        backend = self.session.backend
        if backend is None:
            return
        try:
            items = backend.list(KINDS["namespaces"], None).items
        except Exception:
            return
        self.post_message(self.NamespacesLoaded(sorted(item["metadata"]["name"] for item in items)))

    def on_gok_app_namespaces_loaded(self, message: NamespacesLoaded) -> None:
        self.namespaces = message.names

    # -- cluster connection state for the views without watches of their own ----------------
    def cluster_state(self) -> str:
        """The last state any view learnt for the current target ("connecting" until one has)."""
        if self.session.target is None:
            return "stopped"
        return self.health.state(self.session.generation)

    def note_cluster_state(self, state: str) -> None:
        self.health.note(self.session.generation, state)

    def probe_cluster(self, *, again: bool = False) -> None:
        """Ask the cluster for its version, unless an answer is still awaited (see
        ClusterHealth.ask)."""
        backend, generation = self.session.backend, self.session.generation
        if backend is not None and self.health.ask(generation, again=again):
            self._probe_cluster(backend, generation)

    @work(thread=True, group="cluster-probe", exit_on_error=False)
    def _probe_cluster(self, backend: KubeBackend, generation: int) -> None:
        asked_at = time.monotonic()  # the answer is true of some time after this
        self.post_message(self.ClusterProbed(generation, probe(backend), asked_at))

    def on_gok_app_cluster_probed(self, message: ClusterProbed) -> None:
        changed = self.health.answered(
            message.generation, message.state, message.started, self.session.generation
        )
        if not changed:
            return
        if not self.screen_stack:
            return
        screen = self.screen
        if (
            isinstance(screen, BaseScreen)
            and screen.is_mounted  # one not composed yet shows the state learnt when it mounts
            and screen.uses_session_cluster_state
        ):
            screen.refresh_cluster_bar()

    # -- what the cluster lets the keys do (SelfSubjectAccessReview) ---------------------------
    def _access_where(self) -> Where | None:
        target = self.session.target
        return (target.context, self.session.namespace) if target is not None else None

    def review_access(self, screen: BaseScreen) -> None:
        """Ask, in a worker, what the view's keys need and no fresh answer says (read-only
        mode refuses those keys anyway: nothing to ask)."""
        backend, where = self.session.backend, self._access_where()
        if backend is None or where is None or self.session.readonly or not screen.is_attached:
            return
        if screen.HAS_OWN_WATCHES and not self._first_list_loaded:
            return
        missing = self.access.to_ask(where, screen.access_needs().values())
        if missing:
            self._review_in_worker(backend, where, missing, self.session.generation)

    @work(thread=True, group="access-review", exit_on_error=False)
    def _review_in_worker(
        self, backend: KubeBackend, where: Where, needs: list[Need], generation: int
    ) -> None:
        self.post_message(self.AccessReviewed(generation, where, ask(backend, needs, where[1])))

    def on_gok_app_access_reviewed(self, message: AccessReviewed) -> None:
        if message.generation != self.session.generation:
            return  # asked of a context or namespace no longer shown (forgotten then)
        self.access.record(message.where, message.answers)
        for screen in self.screen_stack:
            screen.refresh_bindings()  # the footers show what is now known

    def access_refusal(self, action: str, screen: Screen[Any] | None) -> str:
        """Why the cluster would refuse what ``action`` does on ``screen`` ("" when it is
        allowed or not known: a key not yet reviewed, or whose review failed, is offered)."""
        if not isinstance(screen, BaseScreen) or action not in MUTATING_ACTIONS:
            return ""
        need = screen.access_needs().get(action)
        where = self._access_where()
        if need is None or where is None:
            return ""
        answer = self.access.answer(where, need)
        if answer is None or not answer.refused:
            return ""
        return "not allowed: " + answer.why_not(need, review_namespace(need, where[1]))

    def key_state(self, action: str, screen: Screen[Any] | None) -> bool | None:
        """The one answer to Textual's check_action, for the app and every view: a key that
        would change something is shown disabled when read-only or when the cluster would
        refuse it (pressed, run_action says why)."""
        if self.access_refusal(action, screen):
            return None
        return key_state(action, self.session.readonly)

    # -- actions: plan -> confirm -> execute -> audit ------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.key_state(action, self.screen if self.screen_stack else None)

    async def run_action(
        self,
        action: str | ActionParseResult,
        default_namespace: DOMNode | None = None,
        namespaces: Mapping[str, DOMNode] | None = None,
    ) -> bool:
        """A key that would change something is refused here, with the reason, in read-only
        mode: Textual would drop a disabled binding's key without a word. (The backend refuses
        such requests too.)"""
        name = (actions.parse(action) if isinstance(action, str) else action)[1]
        if name in MUTATING_ACTIONS:
            label = MUTATING_KEY_LABELS.get(action) if isinstance(action, str) else None
            if self.refused_as_readonly(label or name.replace("_", " ")):
                return True
            refusal = self.access_refusal(name, self.screen if self.screen_stack else None)
            if refusal:
                self.notify(f"{label or name.replace('_', ' ')}: {refusal}", severity="warning")
                return True
        return await super().run_action(action, default_namespace, namespaces)

    def refused_as_readonly(self, what: str) -> bool:
        """In read-only mode, say that ``what`` is disabled and why; True when refused."""
        if not self.session.readonly:
            return False
        self.notify(
            f"read-only ({self.session.readonly_reason}): {what} is disabled", severity="warning"
        )
        return True

    def propose(self, action: Action) -> None:
        """Plan an action in a worker, then ask the user to confirm exactly that plan."""
        if self.refused_as_readonly(action.name):
            return
        if self._planning is not None or any(
            isinstance(screen, ConfirmModal) for screen in self.screen_stack
        ):
            # a second key press would queue a second, soon stale, confirm behind the first
            busy = self._planning or "a change"
            self.notify(f"{action.name} not offered: {busy} is still to be confirmed or cancelled")
            return
        self._planning = action.name
        # The backend is taken now: a :ctx while the plan loads must not move the action.
        self._plan_in_worker(action, self.session.backend)

    @work(thread=True, group="actions", exit_on_error=False)
    def _plan_in_worker(self, action: Action, backend: KubeBackend | None) -> None:
        if backend is None:
            self.post_message(self.PlanReady(action, None, "no cluster configured"))
            return
        try:
            self.post_message(self.PlanReady(action, plan_action(action, backend)))
        except KubeError as error:
            self.post_message(self.PlanReady(action, None, error.message))
        except Exception as error:  # the plan is always answered: propose waits for it
            self.post_message(self.PlanReady(action, None, f"{type(error).__name__}: {error}"))

    def on_gok_app_feed_loaded(self, message: FeedLoaded) -> None:
        self._first_list_loaded = True
        self._tick()
        if not self._discovery_was_asked():
            # the first table is up: what else the cluster serves is asked for only now (and
            # after that table is drawn), so it never delays it
            self._discovery_was_asked(mark=True)
            self.call_after_refresh(self.refresh_discovery)

    # -- discovery: the kinds the cluster serves ----------------------------------------------
    def refresh_discovery(self, command: str = "") -> None:
        """Ask the cluster what it serves, in a worker; ``command`` is read again after."""
        backend, target = self.session.backend, self.session.target
        self._discovery_was_asked(mark=True)
        if backend is None or target is None:
            return
        self._discover(backend, target, self.session.generation, command)

    def _discovery_was_asked(self, *, mark: bool = False) -> bool:
        target = self.session.target
        key = cluster_key(target) if target is not None else ""
        asked = key in self._discovery_asked
        if mark:
            self._discovery_asked.add(key)
        return asked

    @work(thread=True, group="discovery", exit_on_error=False)
    def _discover(
        self, backend: KubeBackend, target: KubeTarget, generation: int, command: str
    ) -> None:
        refreshed = self.session.discovery.discover(backend, target)
        self.post_message(self.DiscoveryDone(generation, refreshed, command))

    def on_gok_app_discovery_done(self, message: DiscoveryDone) -> None:
        if message.generation != self.session.generation:
            return  # asked of a target no longer shown
        refreshed = message.refreshed
        target = self.session.target
        where = target.cluster_server if target is not None else ""
        if refreshed.error and where not in self._discovery_failures_said:
            self._discovery_failures_said.add(where)
            self.notify(
                f"cannot learn which kinds the cluster serves ({refreshed.error}); "
                "the built-in kinds still work",
                severity="warning",
                timeout=8,
            )
        if message.command:
            self.run_command(message.command, rediscovered=True)

    def on_gok_app_plan_ready(self, message: PlanReady) -> None:
        self._planning = None
        plan = message.plan
        if plan is None:
            self.notify(f"{message.action.name}: {message.error}", severity="error")
            return
        if plan.noop:
            self.notify(f"nothing to change: {plan.summary}")
            return

        backend = self.session.backend
        if backend is None or backend.target.context != plan.ref.context:
            self.notify(
                f"{plan.action} not offered: the context changed to "
                f"{self.session.target.context if self.session.target else 'none'} "
                f"while it was planned for {plan.ref.context}",
                severity="error",
            )
            return

        def confirmed(ok: bool | None) -> None:
            if ok:
                self._execute_in_worker(message.action, plan, backend)

        self.push_screen(
            ConfirmModal(
                plan,
                production=self.session.settings.is_production(plan.ref.context),
                readonly_reason=self.session.readonly_reason,
            ),
            callback=confirmed,
        )

    @work(thread=True, group="actions", exit_on_error=False)
    def _execute_in_worker(self, action: Action, plan: Plan, backend: KubeBackend) -> None:
        audit = self.session.audit

        def progress(text: str) -> None:
            self.post_message(self.ActionProgress(text))

        with audit.sending(plan, kube_user=backend.target.user):
            result = execute(action, backend, confirmed=plan, audit=audit, progress=progress)
        self.post_message(self.ActionDone(result))

    def on_gok_app_action_progress(self, message: ActionProgress) -> None:
        for screen in self.screen_stack:
            show = getattr(screen, "show_progress", None)
            if show is not None and screen.is_mounted:
                show(message.text)

    def on_gok_app_action_done(self, message: ActionDone) -> None:
        result = message.result
        self.notify(result.message, severity="information" if result.ok else "error", timeout=6)
        # partly done (a drain some evictions of which a budget refused) is done too: ctrl+z
        # then speaks of it, not of the action before
        if result.plan is not None and (result.ok or result.message.startswith("partly done")):
            self.last_done = result.plan
        if result.ok and result.plan is not None and _rolls_out(result.plan):
            ref = result.plan.ref
            self.follow_rollout(ref.namespace, ref.name, ref.kind)

    def follow_rollout(self, namespace: str, name: str, kind: str = "deployments") -> None:
        """Open the live rollout panel of a Deployment (StatefulSet, DaemonSet), unless it is
        already in front."""
        from gok_tui.screens.rollout import RolloutScreen

        screen = self.screen
        if isinstance(screen, RolloutScreen) and (
            screen.namespace,
            screen.deployment_name,
            screen.kind,
        ) == (namespace, name, kind):
            return
        self.push_screen(RolloutScreen(namespace, name, kind))

    def action_undo_last(self) -> None:
        last = self.last_done
        if last is None:
            self._undo_recorded()
        elif last.inverse is None and last.action == "restart":
            from gok_tui.actions.recorded_undo import cannot_undo

            self.notify(cannot_undo(last.action, last.summary), severity="warning")
        elif last.inverse is None:  # undoing an older action instead would surprise
            self.notify(
                f"your last action cannot be undone with ctrl+z: {last.summary}"
                + (
                    "; u rolls a Deployment back a revision"
                    if last.ref.kind == "deployments"
                    else "; u on :no uncordons it (its evicted pods stay where they went)"
                    if last.action == "drain"
                    else ""
                ),
                severity="warning",
            )
        else:
            self.propose(last.inverse)

    def _undo_recorded(self) -> None:
        """ctrl+z with no action run in this session: the newest change of this user in this
        context, read back from the audit log (an earlier session, another terminal)."""
        from gok_tui.actions.audit import local_user
        from gok_tui.actions.base import ObjectRef
        from gok_tui.actions.recorded_undo import cannot_undo, last_recorded_change, recorded_undo

        target = self.session.target
        entry = (
            last_recorded_change(self.session.audit.recent(200), target.context, local_user())
            if target is not None
            else None
        )
        if target is None or entry is None:
            # (none in the audit log either)
            self.notify("nothing to undo: no action of yours has run in this session")
            return
        ref = ObjectRef(
            target.context,
            target.cluster_server,
            str(entry.get("kind", "")),
            str(entry.get("namespace", "")),
            str(entry.get("name", "")),
        )
        action = recorded_undo(entry, ref)
        if action is None:
            summary = str(entry.get("summary", ""))
            self.notify(cannot_undo(str(entry.get("action", "")), summary), severity="warning")
            return
        self.propose(action)
