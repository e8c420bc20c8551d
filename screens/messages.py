"""Messages: every toast of this session in full, newest first.

Toasts vanish after a few seconds and long ones are cut to the toast's width; an error read
half-way during an incident must be readable again, whole.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from gok_tui.screens.base import BaseScreen
from gok_tui.screens.bindings import bindings_for
from gok_tui.widgets.plain import SafeText, block
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "information": ""}
SEVERITY_LABEL = {"error": "ERROR", "warning": "WARN", "information": "INFO"}


@dataclass(frozen=True)
class LoggedMessage:
    at: float  # epoch seconds
    severity: str  # "information", "warning", "error"
    text: str  # already made printable by GokApp.notify


def render_messages(messages: Sequence[LoggedMessage]) -> SafeText:
    text = SafeText()
    for message in reversed(messages):
        stamp = time.strftime("%H:%M:%S", time.localtime(message.at))
        style = SEVERITY_STYLE.get(message.severity, "")
        text.append(f"{stamp} ", style="dim")
        text.append(f"{SEVERITY_LABEL.get(message.severity, message.severity):<5} ", style=style)
        text.append_text(block(message.text, style))
        text.append("\n")
    return text


class MessagesScreen(BaseScreen):
    BINDINGS: ClassVar[list[BindingType]] = bindings_for("messages")
    DEFAULT_CSS = """
    MessagesScreen #messages-title { height: 1; padding: 0 1; background: $boost; }
    MessagesScreen #messages-body { padding: 0 1; }
    """

    def __init__(self, messages: Sequence[LoggedMessage]) -> None:
        super().__init__()
        self.messages = messages
        self._shown = -1

    def compose_body(self) -> ComposeResult:
        yield Static(id="messages-title")
        with VerticalScroll(id="messages-scroll"):
            yield Static(id="messages-body")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#messages-scroll").focus()
        self.sync(time.monotonic())

    def sync(self, now: float) -> None:
        if not self.is_attached or not self.query("#messages-body"):
            return  # pushed but not composed yet, or being torn down
        # the running total, not len(): once the deque is full its length stays put
        total = self.gok.messages_total
        if total == self._shown:
            return
        self._shown = total
        title = SafeText(no_wrap=True, overflow="ellipsis")
        title.append("Messages", style="bold")
        title.append(f"[{total}]", style="bold")
        if total > len(self.messages):
            title.append(f" (newest {len(self.messages)})")
        title.append("  this session's toasts in full, newest first", style="dim")
        self.query_one("#messages-title", Static).update(title)
        body = render_messages(self.messages) if self.messages else SafeText("No messages yet.")
        self.query_one("#messages-body", Static).update(body)

    def action_back(self) -> None:
        self.app.pop_screen()

    # at once, not after the next refresh: keys typed faster than it would start from the same
    # line and be lost
    def action_scroll_down(self) -> None:
        self.query_one("#messages-scroll", VerticalScroll).scroll_down(
            animate=False, immediate=True
        )

    def action_scroll_up(self) -> None:
        self.query_one("#messages-scroll", VerticalScroll).scroll_up(animate=False, immediate=True)

    def action_scroll_top(self) -> None:
        self.query_one("#messages-scroll", VerticalScroll).scroll_home(
            animate=False, immediate=True
        )

    def action_scroll_bottom(self) -> None:
        self.query_one("#messages-scroll", VerticalScroll).scroll_end(animate=False, immediate=True)
