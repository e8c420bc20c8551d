"""``?``: the bindings that are live on the screen underneath, and the command language."""

from __future__ import annotations

from typing import ClassVar

from gok_tui.config.views import VIEW_SPECS
from gok_tui.widgets.plain import SafeTable
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

# the command language of gok_tui.commands, one row per thing it does
COMMANDS_HELP = (
    *(
        (f":{view.name}  {' '.join(':' + a for a in view.aliases[:2])}  ({view.key})", view.help)
        for view in VIEW_SPECS
    ),
    (":svc :ev :no :cm :secret :ns :rs :ep :pvc :hpa", "the live table of that kind (k9s names)"),
    (":logs deploy/NAME|pod/NAME", "the logs of one deployment or pod"),
    (":xray KIND/NAME  (X on a row)", "its relations: owners, dependents, endpoints, pods"),
    (":messages", "every toast of this session, in full"),
    (":ctx NAME", "switch kubeconfig context (tab completes)"),
    (":ns NAME  :ns all", "switch namespace / all namespaces"),
    (":help", "this help"),
    (":q", "quit"),
)

# actions that hand the key on to the next binding of it when they have nothing to do
# (Textual's copy_text with no text selected), so the help names that binding too
FALLS_THROUGH = {"screen.copy_text": "if text is selected, else"}


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
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

    def _bindings_table(self) -> SafeTable:
        table = SafeTable(title="Keys (live, including your keymap)", expand=True, show_edge=False)
        table.add_column("key", style="bold cyan", no_wrap=True)
        table.add_column("does")
        table.add_column("id", style="dim")
        seen: set[tuple[str, str]] = set()
        chain = self._bindings_by_key()
        ours_first = sorted(
            self.underneath.active_bindings.items(), key=lambda item: not item[1].binding.id
        )
        for key, active in ours_first:
            binding = active.binding
            label = binding.description or binding.action
            binding_id = binding.id or ""
            then = FALLS_THROUGH.get(binding.action)
            fallback = next((b for b in chain.get(key, ()) if b.action not in FALLS_THROUGH), None)
            if then is not None and fallback is not None:
                label = f"{label} {then} {fallback.description or fallback.action}"
                binding_id = binding_id or fallback.id or ""
            if (key, label) in seen:
                continue
            seen.add((key, label))
            display = self.app.get_key_display(binding)
            state = (
                "" if active.enabled else f" (disabled: {self._disabled_reason(binding.action)})"
            )
            table.add_row(display, label + state, binding_id)
        return table

    def _bindings_by_key(self) -> dict[str, list[Binding]]:
        """Every binding of each key along the screen's chain, first the one that wins."""
        by_key: dict[str, list[Binding]] = {}
        for _node, bindings in self.underneath._binding_chain:
            for key, found in bindings.key_to_bindings.items():
                by_key.setdefault(key, []).extend(found)
        return by_key

    def _disabled_reason(self, action: str) -> str:
        refusal = getattr(self.app, "access_refusal", None)
        refused = refusal(action, self.underneath) if refusal is not None else ""
        if refused:
            return str(refused)
        session = getattr(self.app, "session", None)
        reason = getattr(session, "readonly_reason", "")
        return f"read-only, {reason}" if reason else "not available here"

    def _commands_table(self) -> SafeTable:
        table = SafeTable(title="Commands (press :)", expand=True, show_edge=False)
        table.add_column("command", style="bold cyan", no_wrap=True)
        table.add_column("does")
        for command, meaning in COMMANDS_HELP:
            table.add_row(command, meaning)
        return table

    def action_close(self) -> None:
        self.dismiss()

    def action_scroll_down(self) -> None:
        self.query_one(VerticalScroll).scroll_down(animate=False, immediate=True)

    def action_scroll_up(self) -> None:
        self.query_one(VerticalScroll).scroll_up(animate=False, immediate=True)
