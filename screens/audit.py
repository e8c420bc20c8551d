""":audit — every change gok-tui sent (or refused), newest first, from the audit log."""

from __future__ import annotations

import json
import time
from typing import Any, ClassVar

from gok_tui.screens.base import BaseScreen
from gok_tui.screens.bindings import bindings_for
from gok_tui.widgets.plain import cell
from rich.console import Group
from rich.syntax import Syntax
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

# The context comes early and short: at 80 columns a last column is off-screen, and which
# cluster a change went to is what an incident review asks first (the detail has it whole).
AUDIT_COLUMNS = ("TIME", "RESULT", "CONTEXT", "ACTION", "OBJECT", "CHANGE")
CONTEXT_WIDTH = 16


SHORT_KIND = {"deployments": "deploy", "services": "svc", "ingresses": "ing", "pods": "pod"}


def entry_cells(entry: dict[str, Any]) -> tuple[Text, ...]:
    ok = bool(entry.get("ok"))
    kind = str(entry.get("kind", ""))
    singular = SHORT_KIND.get(kind, kind)
    return (
        cell(short_time(str(entry.get("time", "")))),
        Text("ok" if ok else "FAILED", style="green" if ok else "bold red"),
        cell(short_context(str(entry.get("context", "")))),
        cell(entry.get("action", "")),
        cell(f"{singular}/{entry.get('namespace', '')}/{entry.get('name', '')}"),
        cell(f"{entry.get('from', '')} -> {entry.get('to', '')}"),
    )


def short_time(stamp: str, today: str | None = None) -> str:
    """``HH:MM:SS`` for today's entries, ``MM-DD HH:MM`` for older ones (the log's local
    time, as written)."""
    day, _, clock = stamp.partition("T")
    if day == (today or time.strftime("%Y-%m-%d")):
        return clock[:8]
    return f"{day[5:]} {clock[:5]}".strip()


def short_context(context: str) -> str:
    """A context name for a narrow column: an EKS ARN (``arn:aws:eks:REGION:ACCOUNT:cluster/
    NAME``) or a GKE name (``gke_PROJECT_ZONE_NAME``) by its cluster name, cut from the left
    (the end of a name tells clusters apart more often than its start)."""
    if context.startswith("arn:") and "/" in context:
        context = context.rsplit("/", 1)[1]
    elif context.startswith("gke_") and context.count("_") >= 3:
        context = context.split("_", 3)[3]
    return context if len(context) <= CONTEXT_WIDTH else "…" + context[-(CONTEXT_WIDTH - 1) :]


def entry_detail(entry: dict[str, Any]) -> Group:
    text = Text()
    text.append(f"{entry.get('summary', '')}\n", style="bold")
    text.append(f"{'change':<11}", style="bold")
    text.append(f"{entry.get('from', '')} -> {entry.get('to', '')}\n")
    for label, key in (
        ("result", "result"),
        ("when", "time"),
        ("context", "context"),
        ("cluster", "cluster"),
        ("kube user", "kube_user"),
        ("local user", "local_user"),
        ("duration", "duration_ms"),
    ):
        value = entry.get(key, "")
        suffix = " ms" if key == "duration_ms" else ""
        text.append(f"{label:<11}", style="bold")
        text.append(f"{value}{suffix}\n")
    patch = json.dumps(entry.get("patch"), indent=2)
    parts: list[Any] = [text, Text(str(entry.get("patch_type", "")), style="dim")]
    parts.append(Syntax(patch, "json", theme="ansi_dark", word_wrap=True))
    for extra in entry.get("then") or []:
        parts.append(Text(f"then {extra.get('method')} {extra.get('path')}", style="dim"))
        parts.append(Syntax(json.dumps(extra.get("patch"), indent=2), "json", theme="ansi_dark"))
    return Group(*parts)


class AuditScreen(BaseScreen):
    BINDINGS: ClassVar[list[Binding]] = bindings_for("audit")  # type: ignore[assignment]
    DEFAULT_CSS = """
    AuditScreen #audit-title { height: 1; padding: 0 1; background: $boost; }
    AuditScreen DataTable { height: 1fr; max-height: 50%; }
    AuditScreen #audit-scroll { height: 1fr; border-top: solid $accent; padding: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[dict[str, Any]] = []
        self._stamp: tuple[float, int] | None = None
        self._ready = False  # the table has its columns

    def compose_body(self) -> ComposeResult:
        yield Static(id="audit-title")
        yield DataTable(id="audit-table", cursor_type="row")
        with VerticalScroll(id="audit-scroll"):
            yield Static(id="audit-detail")

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one(DataTable)
        table.add_columns(*AUDIT_COLUMNS)
        table.focus()
        self._ready = True
        self.reload()

    def sync(self, now: float) -> None:
        if self._ready and self.is_attached:
            self.reload()

    def reload(self) -> None:
        audit = self.session.audit
        stamp = audit.stamp()
        if stamp == self._stamp:
            return
        self._stamp = stamp
        self.entries = audit.recent()
        table = self.query_one(DataTable)
        table.clear()
        for index, entry in enumerate(self.entries):
            table.add_row(*entry_cells(entry), key=str(index))
        title = Text(no_wrap=True, overflow="ellipsis")
        title.append("Audit", style="bold")
        title.append(f"[{len(self.entries)}]", style="bold")
        title.append(f"  {audit.path}", style="dim")
        if not self.entries:
            title.append("  no change has been sent from this machine yet", style="yellow")
        self.query_one("#audit-title", Static).update(title)
        self._show_detail()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        table = self.query_one(DataTable)
        detail = self.query_one("#audit-detail", Static)
        if not self.entries or table.cursor_row >= len(self.entries):
            detail.update("")
            return
        detail.update(entry_detail(self.entries[table.cursor_row]))

    def action_cursor_down(self) -> None:
        self.query_one(DataTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(DataTable).action_cursor_up()

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def focus_body(self) -> None:
        self.query_one(DataTable).focus()
