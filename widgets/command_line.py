"""The prompt at the bottom: ``:`` for commands (with completion), ``/`` for the row filter."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Literal

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.dom import NoScreen
from textual.message import Message
from textual.suggester import Suggester
from textual.widgets import Input, Static
from textual.widgets.input import Selection

PromptMode = Literal["command", "filter"]


class CommandSuggester(Suggester):
    """Completes the whole line from a function that lists every candidate line."""

    def __init__(self, candidates: Callable[[], Iterable[str]]) -> None:
        super().__init__(use_cache=False, case_sensitive=False)
        self._candidates = candidates

    async def get_suggestion(self, value: str) -> str | None:
        if not value:
            return None
        lowered = value.lower()
        for candidate in self._candidates():
            if candidate.lower().startswith(lowered) and len(candidate) > len(value):
                return candidate
        return None


class CommandLine(Input):
    DEFAULT_CSS = """
    CommandLine { height: 1; border: none; padding: 0; width: 1fr; }
    CommandLine:focus { border: none; }
    """
    BINDINGS = [
        Binding("escape", "dismiss", "Cancel", show=False),
        Binding("tab", "complete", "Complete", show=False),
    ]

    class PromptSubmitted(Message):
        def __init__(self, mode: PromptMode, text: str) -> None:
            super().__init__()
            self.mode = mode
            self.text = text

    class PromptChanged(Message):
        def __init__(self, mode: PromptMode, text: str) -> None:
            super().__init__()
            self.mode = mode
            self.text = text

    class PromptDismissed(Message):
        def __init__(self, mode: PromptMode) -> None:
            super().__init__()
            self.mode = mode

    def __init__(self, candidates: Callable[[], Iterable[str]], *, id: str | None = None) -> None:
        # What select-on-focus did is done by open() at once: the focus event comes after
        # the keys typed in the same burst as `/`, and would select them.
        super().__init__(
            id=id, suggester=CommandSuggester(self._mode_candidates), select_on_focus=False
        )
        self._command_candidates = candidates
        self.mode: PromptMode = "command"

    def _mode_candidates(self) -> Iterable[str]:
        return self._command_candidates() if self.mode == "command" else ()

    def open(self, mode: PromptMode, initial: str = "") -> None:
        self.mode = mode
        self.placeholder = (
            "deploy, pods, ing, build, images, logs, ctx NAME, ns NAME, q"
            if mode == "command"
            else "regex over every column; !text inverts"
        )
        self.value = initial
        self.selection = Selection(0, len(initial))  # typing replaces the old filter
        bar = self.parent
        if isinstance(bar, PromptBar):
            bar.query_one("#prompt-sigil", Static).update(":" if mode == "command" else "/")
            bar.add_class("-visible")
            bar.display = True  # now, not when the styles are next updated
        self.take_focus()

    def take_focus(self) -> None:
        """Focus the prompt at once. ``Widget.focus`` only schedules it: the keys typed in the
        same burst as ``/`` or ``:`` would still find the view focused and run its bindings."""
        try:
            screen = self.screen
        except NoScreen:
            return
        if screen.focused is not self:
            screen.set_focus(self)

    def type_key(self, character: str) -> None:
        """Type a key that reached the screen instead of this input (see BaseScreen.on_key),
        as ``Input`` types the ones it receives."""
        self._restart_blink()
        selection = self.selection
        if selection.is_empty:
            self.insert_text_at_cursor(character)
        else:
            self.replace(character, *selection)

    def close(self) -> None:
        if self.parent is not None:
            self.parent.remove_class("-visible")
            self.parent.display = False

    @property
    def is_open(self) -> bool:
        return self.parent is not None and self.parent.has_class("-visible")

    def action_dismiss(self) -> None:
        self.close()
        self.post_message(self.PromptDismissed(self.mode))

    def action_complete(self) -> None:
        if self._suggestion:
            self.value = self._suggestion
            self.cursor_position = len(self.value)

    async def _on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.close()
        self.post_message(self.PromptSubmitted(self.mode, event.value.strip()))

    async def _on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if self.is_open:
            self.post_message(self.PromptChanged(self.mode, event.value))


class PromptBar(Horizontal):
    """The one-line prompt: a sigil (``:`` or ``/``) and the input; hidden until opened."""

    DEFAULT_CSS = """
    PromptBar { height: 1; display: none; padding: 0 1; }
    PromptBar.-visible { display: block; }
    PromptBar #prompt-sigil { width: 1; color: $accent; text-style: bold; }
    """

    def __init__(self, candidates: Callable[[], Iterable[str]]) -> None:
        super().__init__(id="prompt-bar")
        self._candidates = candidates

    def compose(self) -> ComposeResult:
        yield Static(":", id="prompt-sigil")
        yield CommandLine(self._candidates, id="prompt")
