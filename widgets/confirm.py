"""ConfirmModal: everything an on-call engineer must see before a change is sent."""

from __future__ import annotations

import json
from typing import ClassVar

from gok_tui.actions.base import Plan
from gok_tui.domain.rows import clean
from gok_tui.widgets.plain import cell
from rich.console import Group
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Static


def plan_table(plan: Plan, *, production: bool, readonly_reason: str = "") -> Group:
    table = Table.grid(padding=(0, 1))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    context_style = "bold white on red" if production else "bold cyan"
    table.add_row(
        "context",
        Text(clean(plan.ref.context) + (" (PRODUCTION)" * production), style=context_style),
    )
    table.add_row("cluster", cell(plan.ref.server))
    table.add_row("namespace", cell(plan.ref.namespace))
    table.add_row("object", cell(plan.ref))
    table.add_row("change", Text(f"{plan.before}  ->  {plan.after}", style="bold"))
    parts: list[object] = [Text(plan.summary, style="bold"), table]
    if plan.warnings:
        warnings = Text()
        for line in plan.warnings:
            warnings.append(f"• {line}\n", style="dark_orange")
        parts.append(warnings)
    if plan.refusal:
        parts.append(Text(f"refused: {plan.refusal}", style="bold red"))
    if readonly_reason:
        parts.append(Text(f"read-only: {readonly_reason}", style="bold red"))
    patch = json.dumps(plan.body, indent=2, sort_keys=False)
    parts.append(Text(f"{plan.method} {plan.path}  ({plan.content_type})", style="dim"))
    parts.append(Syntax(patch, "json", theme="ansi_dark", word_wrap=True))
    for number, request in enumerate(plan.then, start=2):
        parts.append(Text(f"then ({number}) {request.summary}", style="bold"))
        parts.append(
            Text(f"{request.method} {request.path}  ({request.content_type})", style="dim")
        )
        body = json.dumps(request.body, indent=2, sort_keys=False)
        parts.append(Syntax(body, "json", theme="ansi_dark", word_wrap=True))
    return Group(*parts)


class ConfirmModal(ModalScreen[bool]):
    """y/enter confirms (or typing the object's name on production), n/esc cancels."""

    BINDINGS: ClassVar[list[Binding]] = [
        Binding("escape,n", "cancel", "Cancel", id="confirm.cancel"),
        Binding("y", "confirm", "Confirm", id="confirm.yes"),
        Binding("j", "scroll_down", "Down", show=False),
        Binding("k", "scroll_up", "Up", show=False),
    ]
    DEFAULT_CSS = """
    ConfirmModal { align: center middle; }
    ConfirmModal > Vertical {
        width: 90; max-width: 100%; height: auto; max-height: 100%;
        border: thick $warning; background: $surface; padding: 0 1;
    }
    ConfirmModal.-dangerous > Vertical { border: thick $error; }
    ConfirmModal VerticalScroll { height: auto; max-height: 16; }
    ConfirmModal #confirm-help { color: $text-muted; }
    ConfirmModal Input { margin: 0; }
    """

    def __init__(self, plan: Plan, *, production: bool, readonly_reason: str = "") -> None:
        super().__init__()
        self.plan = plan
        self.production = production
        self.readonly_reason = readonly_reason

    @property
    def blocked(self) -> bool:
        return bool(self.plan.refusal or self.readonly_reason)

    def compose(self) -> ComposeResult:
        with Vertical():
            with VerticalScroll():
                yield Static(
                    plan_table(
                        self.plan, production=self.production, readonly_reason=self.readonly_reason
                    )
                )
            if self.blocked:
                yield Static("nothing will be sent · esc closes", id="confirm-help")
            elif self.production:
                yield Static(
                    cell(f"type {self.plan.ref.name!r} and enter to confirm · esc cancels"),
                    id="confirm-help",
                )
                yield Input(placeholder=self.plan.ref.name, id="confirm-name")
            else:
                yield Static("y confirm · n/esc cancel", id="confirm-help")

    def on_mount(self) -> None:
        if self.plan.dangerous or self.production:
            self.add_class("-dangerous")
        if self.production and not self.blocked:
            self.query_one("#confirm-name", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip() == self.plan.ref.name:
            self.dismiss(True)
        else:
            self.notify(f"the name does not match {self.plan.ref.name!r}", severity="error")

    def action_confirm(self) -> None:
        if self.blocked or self.production:
            return
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)

    def action_scroll_down(self) -> None:
        self.query_one(VerticalScroll).scroll_down(animate=False)

    def action_scroll_up(self) -> None:
        self.query_one(VerticalScroll).scroll_up(animate=False)


class ReplicaPrompt(ModalScreen[int | None]):
    """Scale: starts at the current count; +/- step, digits type a count, enter plans."""

    BINDINGS: ClassVar[list[Binding]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("plus,equals_sign,k,up", "step(1)", "+1", priority=True),
        Binding("minus,j,down", "step(-1)", "-1", priority=True),
    ]
    DEFAULT_CSS = """
    ReplicaPrompt { align: center middle; }
    ReplicaPrompt > Vertical {
        width: 50; height: auto; border: thick $accent; background: $surface; padding: 0 1;
    }
    """

    def __init__(self, name: str, current: int) -> None:
        super().__init__()
        self.object_name = name
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(cell(f"scale {self.object_name}: now {self.current} replicas"))
            yield Input(str(self.current), id="replicas", restrict=r"[0-9]*")
            yield Static("+/- step · enter: review the change · esc cancel")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def action_step(self, delta: int) -> None:
        field = self.query_one(Input)
        value = int(field.value or "0") + delta
        field.value = str(max(0, value))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip():
            self.dismiss(int(event.value))

    def action_cancel(self) -> None:
        self.dismiss(None)
