"""``?``: the bindings that are live on the screen underneath, and the command language."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

COMMANDS_HELP = (
    (":deploy  :pods  :ing", "live Kubernetes views"),
    (":build  :images  :logs", "developer loop views"),
    (":ctx NAME", "switch kubeconfig context (tab completes)"),
    (":ns NAME  :ns all", "switch namespace / all namespaces"),
    (":q", "quit"),
)


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[Binding]] = [
        Binding("escape,question_mark,q", "close", "Close", id="help.close"),
        Binding("j", "scroll_down", "Down", show=False),
        Binding("k", "scroll_up", "Up", show=False),
    ]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 76; max-width: 100%; height: 90%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    """

    def __init__(self, underneath: Screen[object]) -> None:
        super().__init__()
        self.underneath = underneath

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(self._bindings_table(), id="help-keys")
            yield Static(self._commands_table(), id="help-commands")

    def _bindings_table(self) -> Table:
        table = Table(title="Keys (live, including your keymap)", expand=True, show_edge=False)
        table.add_column("key", style="bold cyan", no_wrap=True)
        table.add_column("does")
        table.add_column("id", style="dim")
        seen: set[tuple[str, str]] = set()
        ours_first = sorted(
            self.underneath.active_bindings.items(), key=lambda item: not item[1].binding.id
        )
        for key, active in ours_first:
            binding = active.binding
            label = binding.description or binding.action
            if (key, label) in seen:
                continue
            seen.add((key, label))
            display = self.app.get_key_display(binding)
            state = "" if active.enabled else f" (disabled: {self._disabled_reason()})"
            table.add_row(display, label + state, binding.id or "")
        return table

    def _disabled_reason(self) -> str:
        session = getattr(self.app, "session", None)
        reason = getattr(session, "readonly_reason", "")
        return f"read-only, {reason}" if reason else "not available here"

    def _commands_table(self) -> Table:
        table = Table(title="Commands (press :)", expand=True, show_edge=False)
        table.add_column("command", style="bold cyan", no_wrap=True)
        table.add_column("does")
        for command, meaning in COMMANDS_HELP:
            table.add_row(command, meaning)
        return table

    def action_close(self) -> None:
        self.dismiss()

    def action_scroll_down(self) -> None:
        self.query_one(VerticalScroll).scroll_down(animate=False)

    def action_scroll_up(self) -> None:
        self.query_one(VerticalScroll).scroll_up(animate=False)
