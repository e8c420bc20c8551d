"""Views whose features arrive in later work: they say so plainly and show no made-up data."""

from __future__ import annotations

from typing import ClassVar

from gok_tui.screens.base import BaseScreen
from textual.app import ComposeResult
from textual.widgets import Static


class PendingScreen(BaseScreen):
    TITLE_TEXT: ClassVar[str] = ""
    EXPLANATION: ClassVar[str] = ""
    DEFAULT_CSS = """
    PendingScreen #pending { padding: 1 2; height: 1fr; }
    """

    def compose_body(self) -> ComposeResult:
        yield Static(f"[b]{self.TITLE_TEXT}[/b]\n\n{self.EXPLANATION}", id="pending")

    def focus_body(self) -> None:
        self.set_focus(None)


class LogsScreen(PendingScreen):
    TITLE_TEXT = "Logs"
    EXPLANATION = "Multi-pod log following is not implemented yet."
