"""ConfirmModal: everything an on-call engineer must see before a change is sent."""

from __future__ import annotations

import json
import re
from textwrap import indent
from typing import ClassVar

from gok_tui.actions.base import Plan
from gok_tui.domain.text import clean
from gok_tui.widgets.plain import SafeTable, SafeText, cell, code_block, line
from rich.console import Group, RenderableType
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Static


def plan_table(plan: Plan, *, production: bool, readonly_reason: str = "") -> Group:
    table = SafeTable.grid(padding=(0, 1))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    context_style = "bold white on red" if production else "bold cyan"
    table.add_row(
        "context",
        SafeText(clean(plan.ref.context) + (" (PRODUCTION)" * production), style=context_style),
    )
    table.add_row("cluster", cell(plan.ref.server))
    table.add_row("namespace", cell(plan.ref.namespace or "(cluster-scoped)"))
    table.add_row("object", cell(plan.ref))
    table.add_row("change", line(f"{plan.before}  ->  {plan.after}", "bold"))
    parts: list[RenderableType] = [line(plan.summary, "bold"), table]
    if plan.warnings:
        parts.extend(line(f"• {warning}", "dark_orange") for warning in plan.warnings)
    if plan.refusal:
        parts.append(line(f"refused: {plan.refusal}", "bold red"))
    if readonly_reason:
        parts.append(line(f"read-only: {readonly_reason}", "bold red"))
    parts.extend(request_parts(plan.method, plan.path, plan.content_type, plan.body))
    for number, request in enumerate(plan.then, start=2):
        parts.append(line(f"then ({number}) {request.summary}", "bold"))
        parts.extend(
            request_parts(request.method, request.path, request.content_type, request.body)
        )
    return Group(*parts)


def request_parts(method: str, path: str, content_type: str, body: object) -> list[RenderableType]:
    """One request as it is sent: ``METHOD path (type)`` and its body, when it has one (a
    DELETE of an image has neither type nor body)."""
    request_line = f"{method} {path}" + (f"  ({content_type})" if content_type else "")
    parts: list[RenderableType] = [cell(request_line, "dim")]
    if body is not None:
        parts.append(code_block(body_text(body), "json"))
    return parts


def body_text(body: object, width: int = 72) -> str:
    """The body as indented JSON, but a JSON patch's short operations one a line (each reads
    as a sentence: test this, then add that)."""
    if not (isinstance(body, list) and body and all(isinstance(op, dict) for op in body)):
        return json.dumps(body, indent=2)
    ops = []
    for op in body:
        line = json.dumps(op)
        ops.append(f"  {line}" if len(line) <= width else indent(json.dumps(op, indent=2), "  "))
    return "[\n" + ",\n".join(ops) + "\n]"


class ConfirmModal(ModalScreen[bool]):
    """y/enter confirms (or typing the object's name on production), n/esc cancels.

    The plan scrolls with down/up/pgdn/pgup, keys the name field does not use, so on
    production it scrolls while the field keeps the focus; j/k scroll too, except on
    production, where the field takes them as letters (names hold j and k)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,n", "cancel", "Cancel", id="confirm.cancel"),
        Binding("y", "confirm", "Confirm", id="confirm.yes"),
        Binding("j,down", "scroll_down", "Down", show=False),
        Binding("k,up", "scroll_up", "Up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
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
                yield Static(
                    "nothing will be sent · esc closes · j/k ↑/↓ PgUp/PgDn scroll",
                    id="confirm-help",
                )
            elif self.production:
                yield Static(
                    cell(
                        f"type {self.plan.ref.name!r} and enter to confirm · esc cancels"
                        " · ↑/↓ PgUp/PgDn scroll"
                    ),
                    id="confirm-help",
                )
                yield Input(placeholder=clean(self.plan.ref.name), id="confirm-name")
            else:
                yield Static(
                    "y confirm · n/esc cancel · j/k ↑/↓ PgUp/PgDn scroll", id="confirm-help"
                )

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

    # at once, not after the next refresh: keys typed faster than it would start from the same
    # line and be lost
    def action_scroll_down(self) -> None:
        self.query_one(VerticalScroll).scroll_down(animate=False, immediate=True)

    def action_scroll_up(self) -> None:
        self.query_one(VerticalScroll).scroll_up(animate=False, immediate=True)

    def action_page_down(self) -> None:
        view = self.query_one(VerticalScroll)
        page = view.scrollable_content_region.height
        view.scroll_to(y=view.scroll_target_y + page, animate=False, immediate=True)

    def action_page_up(self) -> None:
        view = self.query_one(VerticalScroll)
        page = view.scrollable_content_region.height
        view.scroll_to(y=view.scroll_target_y - page, animate=False, immediate=True)


MAX_REPLICAS = 2**31 - 1  # spec.replicas is an int32
WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")


def typed_number(text: str) -> int | None:
    """The whole number in ``text`` (signed), or None when there is none."""
    text = text.strip()
    if WHOLE_NUMBER.fullmatch(text) is None:
        return None
    # int() refuses numbers of over 4,300 digits (a paste can hold one). Eleven digits are
    # already past MAX_REPLICAS, so the rest change nothing about what is said or done.
    digits = text.lstrip("+-").lstrip("0")[:11] or "0"
    return -int(digits) if text.startswith("-") else int(digits)


def replicas_problem(text: str) -> str:
    """Why ``text`` is not a count of replicas to scale to ("" when it is one)."""
    number = typed_number(text)
    if not text.strip():
        return "type a number of replicas"
    if number is None:
        return f"not a whole number: {text.strip()}"
    if number < 0:
        return "replicas cannot be negative"
    if number > MAX_REPLICAS:
        return f"at most {MAX_REPLICAS} replicas"
    return ""


class ReplicaPrompt(ModalScreen[int | None]):
    """Scale: starts at the current count, selected, so typed digits replace it; +/- step (the
    cursor then goes after the count, so digits extend it); enter plans a valid count."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("plus,equals_sign,k,up", "step(1)", "+1", priority=True),
        Binding("minus,j,down", "step(-1)", "-1", priority=True),
    ]
    DEFAULT_CSS = """
    ReplicaPrompt { align: center middle; }
    ReplicaPrompt > Vertical {
        width: 50; height: auto; border: thick $accent; background: $surface; padding: 0 1;
    }
    ReplicaPrompt #replicas-problem { color: $error; display: none; }
    """

    def __init__(self, name: str, current: int) -> None:
        super().__init__()
        self.object_name = name
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(cell(f"scale {self.object_name}: now {self.current} replicas"))
            yield Input(str(self.current), id="replicas")
            yield Static(id="replicas-problem")
            yield Static("+/- step · enter: review change · esc cancel")

    def on_mount(self) -> None:
        self.query_one("#replicas", Input).focus()

    def action_step(self, delta: int) -> None:
        field = self.query_one("#replicas", Input)
        typed = typed_number(field.value)
        if typed is None and field.value.strip():
            # Not a number: a step has nothing to count from, and must not throw away what
            # was typed. Say so where the problem already is.
            self.app.bell()
            self._show_problem(f"{replicas_problem(field.value)} (nothing to step from)")
            return
        field.value = str(min(MAX_REPLICAS, max(0, (typed or 0) + delta)))
        # Setting the value keeps the old selection (clamped): the cursor would stay at the
        # start, or part of the count stay selected, and the next digit go in front of it.
        field.cursor_position = len(field.value)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._show_problem(replicas_problem(event.value))

    def _show_problem(self, problem: str) -> None:
        line = self.query_one("#replicas-problem", Static)
        line.display = bool(problem)
        line.update(cell(problem))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not replicas_problem(event.value):
            self.dismiss(typed_number(event.value))

    def action_cancel(self) -> None:
        self.dismiss(None)
