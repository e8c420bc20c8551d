"""BaseScreen: cluster bar on top, a body, the command/filter prompt and the footer."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from gok_tui.domain.access import Need, needs_of_bindings
from gok_tui.widgets.cluster_bar import ClusterBar, ClusterStatus
from gok_tui.widgets.command_line import CommandLine, PromptBar
from textual import events
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer

if TYPE_CHECKING:
    from gok_tui.app import GokApp
    from gok_tui.session import Session


class BaseScreen(Screen[None]):
    """Every top-level view: knows the session, shows the cluster bar and the prompt."""

    def compose(self) -> ComposeResult:
        yield ClusterBar(id="cluster-bar")
        yield from self.compose_body()
        yield PromptBar(self.gok.command_candidates)
        yield Footer()

    def compose_body(self) -> ComposeResult:
        yield from ()

    @property
    def gok(self) -> GokApp:
        return cast("GokApp", self.app)

    @property
    def session(self) -> Session:
        return self.gok.session

    _asked_cluster = False  # this showing of the view has asked how the cluster answers

    def on_mount(self) -> None:
        self._show_cluster_status()
        self._ask_cluster()
        self.call_after_refresh(self.gok.review_access, self)  # not before the first paint

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.gok.key_state(action, self)

    # -- what the cluster lets this view's keys do -----------------------------------------
    # The kind this view's keys act on, for the keys shared by kinds ({kind} in their need).
    ACCESS_KIND: ClassVar[str] = ""
    _access_needs: dict[str, Need] | None = None

    @property
    def access_kind(self) -> str:
        return self.ACCESS_KIND

    def access_needs(self) -> dict[str, Need]:
        """What each of this view's keys that changes something needs, by action name."""
        if self._access_needs is None:
            ids = [
                binding.id
                for bindings in self._bindings.key_to_bindings.values()
                for binding in bindings
                if binding.id
            ]
            self._access_needs = needs_of_bindings(ids, self.access_kind)
        return self._access_needs

    def on_screen_resume(self) -> None:
        # What a view's watches said before it was hidden is no news (the target may have
        # changed since): shown, not passed on.
        self._show_cluster_status()
        self._ask_cluster()
        self.gok.review_access(self)

    def on_screen_suspend(self) -> None:
        self._asked_cluster = False

    def _ask_cluster(self) -> None:
        """Views without watches ask the cluster once each time they are shown, even while an
        older probe is out: its answer may be of before the cluster went away (or came back).
        (Mount and the first resume are one showing; Textual may call these handlers twice,
        once per class that defines them.)"""
        if self.uses_session_cluster_state and not self._asked_cluster:
            self._asked_cluster = True
            self.gok.probe_cluster(again=True)

    # Views with watches of their own (tables, rollout, revisions) say so and show what their
    # watches found; the others (build, images, logs, audit) show what the app last learnt.
    HAS_OWN_WATCHES: ClassVar[bool] = False

    @property
    def uses_session_cluster_state(self) -> bool:
        return not self.HAS_OWN_WATCHES

    def connection_state(self) -> str:
        return self.gok.cluster_state()

    def refresh_cluster_bar(self) -> None:
        """Show the target and its state; what this view's own watches found is kept for the
        views without any."""
        state = self._show_cluster_status()
        if not self.uses_session_cluster_state:
            self.gok.note_cluster_state(state)

    def _show_cluster_status(self) -> str:
        session = self.session
        target = session.target
        state = self.connection_state()
        if not self.query(ClusterBar):
            return state  # pushed but not composed yet (on_mount shows it), or torn down
        status = ClusterStatus(
            context=target.context if target else "(no cluster)",
            server=target.cluster_server if target else "",
            namespace=("all" if target.all_namespaces else target.namespace) if target else "-",
            state=state,
            production=session.production,
            readonly=session.readonly,
            readonly_reason=session.readonly_reason,
        )
        self.query_one(ClusterBar).show(status)
        return state

    # -- prompt ----------------------------------------------------------------------------
    def open_prompt(self, mode: str, initial: str = "") -> None:
        prompt = self.query_one(CommandLine)
        prompt.open("filter" if mode == "filter" else "command", initial)

    # Actions that open the prompt (the filter of each view with one, and the app's ``:``).
    PROMPT_ACTIONS = frozenset({"filter", "command_mode"})

    async def on_key(self, event: events.Key) -> None:
        """Every key typed after ``/`` or ``:`` is the prompt's, however fast it comes.

        Textual hands a key to the widget focused when the app reads it, and looks its binding
        up only once it has bubbled back to the app. Keys typed in one burst (a paste, tmux
        send-keys, an SSH link) were all on their way through the table before ``/`` opened
        the prompt, and ran the view's bindings (``/restart``: a restart). So here, where keys
        pass in the order typed: a key that opens the prompt opens it at once, and while it is
        open a printable key is typed into it, and a key the prompt has a binding for (enter,
        escape, backspace, ...) runs that binding, in its place among the typed ones."""
        prompt = self._prompt_if_open()
        if prompt is None:
            active = self.active_bindings.get(event.key)
            if (
                active is not None
                and active.enabled
                and active.binding.action in self.PROMPT_ACTIONS
            ):
                event.stop()
                event.prevent_default()
                await self.app.run_action(active.binding.action, active.node)
            return
        prompt.take_focus()  # a prompt on screen always has the focus
        if event.character is not None and prompt.check_consume_key(event.key, event.character):
            event.stop()
            event.prevent_default()
            prompt.type_key(event.character)
            return
        active = self.active_bindings.get(event.key)
        if active is not None and active.node is prompt and active.enabled:
            event.stop()
            event.prevent_default()
            await self.app.run_action(active.binding.action, prompt)

    def _prompt_if_open(self) -> CommandLine | None:
        prompts = self.query(CommandLine)
        return prompts.first() if prompts and prompts.first().is_open else None

    def on_command_line_prompt_submitted(self, message: CommandLine.PromptSubmitted) -> None:
        if message.mode == "command":
            self.gok.run_command(message.text)
        else:
            self.apply_filter(message.text)
        self.focus_body()

    def on_command_line_prompt_changed(self, message: CommandLine.PromptChanged) -> None:
        if message.mode == "filter":
            self.apply_filter(message.text)

    def on_command_line_prompt_dismissed(self, message: CommandLine.PromptDismissed) -> None:
        if message.mode == "filter":
            self.apply_filter("")
        self.focus_body()

    def apply_filter(self, text: str) -> None:
        """Screens with rows filter them; others ignore the filter."""

    def focus_body(self) -> None:
        self.focus_next()

    def target_problem_changed(self) -> None:
        """The app learnt something wrong with the target (GokApp.problem_of_target)."""

    def sync(self, now: float) -> None:
        """Called every tick while this screen is active."""
