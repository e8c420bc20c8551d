"""Describe and YAML views of one object, fetched fresh, with the object's events."""

from __future__ import annotations

from typing import Any, ClassVar

from gok_tui.backends.kube import KubeError
from gok_tui.domain.describe import describe, to_yaml
from gok_tui.domain.kinds import Kind
from gok_tui.screens.base import BaseScreen
from gok_tui.screens.bindings import bindings_for
from gok_tui.store.reads import read_for_describe
from gok_tui.widgets.plain import SafeText
from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static


def events_not_shown(body: str, reason: str) -> str:
    """``body`` with its (empty) Events line saying why the events are not shown instead."""
    said = f"Events: (not shown: {reason})"
    lines = body.split("\n")
    for index in range(len(lines) - 1, -1, -1):
        if lines[index].startswith("Events:"):
            lines[index] = said
            return "\n".join(lines)
    return f"{body.rstrip()}\n{said}\n"


class DetailScreen(BaseScreen):
    BINDINGS: ClassVar[list[BindingType]] = bindings_for("detail")
    DEFAULT_CSS = """
    DetailScreen #detail-title { height: 1; padding: 0 1; background: $boost; }
    DetailScreen #detail-body { padding: 0 1; }
    """

    class Loaded(Message):
        def __init__(
            self,
            obj: dict[str, Any] | None,
            events: list[dict[str, Any]],
            error: str,
            related: dict[str, dict[str, dict[str, Any]]] | None = None,
            *,
            events_error: str = "",
        ) -> None:
            super().__init__()
            self.obj = obj
            self.events = events
            self.error = error
            self.related = related or {}
            self.events_error = events_error  # why the events could not be read, or ""

    def __init__(self, kind: Kind, obj: dict[str, Any], mode: str = "describe") -> None:
        super().__init__()
        self.kind = kind
        self.obj = obj
        self.events: list[dict[str, Any]] = []
        self.related: dict[str, dict[str, dict[str, Any]]] = {}
        self.mode = mode
        self.error = ""
        self.events_error = ""

    def compose_body(self) -> ComposeResult:
        yield Static(id="detail-title")
        with VerticalScroll(id="detail-scroll"):
            yield Static(id="detail-body")

    def on_mount(self) -> None:
        super().on_mount()
        self._show()
        self.query_one("#detail-scroll").focus()
        self.fetch()

    @property
    def object_name(self) -> str:
        return (self.obj.get("metadata") or {}).get("name", "")

    @property
    def object_namespace(self) -> str | None:
        return (self.obj.get("metadata") or {}).get("namespace")

    @work(thread=True, exclusive=True, group="detail", exit_on_error=False)
    def fetch(self) -> None:
        backend = self.session.backend
        if backend is None:
            return
        try:
            read = read_for_describe(backend, self.kind, self.object_namespace, self.object_name)
        except KubeError as error:
            self.post_message(self.Loaded(None, [], error.message))
            return
        self.post_message(
            self.Loaded(
                read.obj,
                read.events,
                "; ".join(read.problems),
                read.related,
                events_error=read.events_error,
            )
        )

    def on_detail_screen_loaded(self, message: Loaded) -> None:
        if message.obj is not None:
            self.obj = message.obj
            self.events = message.events
            self.related = message.related
            self.events_error = message.events_error
        self.error = message.error
        self._show()

    def _show(self) -> None:
        title = SafeText(no_wrap=True, overflow="ellipsis")
        title.append(f"{self.mode.upper()} ", style="bold")
        where = f"{self.object_namespace}/" if self.object_namespace else ""
        title.append(f"{self.kind.name} {where}{self.object_name}", style="cyan")
        if self.error:
            title.append(f"  {self.error}", style="red")
        self.query_one("#detail-title", Static).update(title)
        if self.mode == "yaml":
            body = to_yaml(self.obj, kind=self.kind.name)
        else:
            body = describe(
                self.obj,
                self.events,
                self.session.clock(),
                kind=self.kind.name,
                services=self.related.get("services"),
                endpoints=self.related.get("endpoints"),
            )
            if self.events_error:
                body = events_not_shown(body, self.events_error)
        self.query_one("#detail-body", Static).update(SafeText(body))

    def action_toggle_view(self) -> None:
        self.mode = "yaml" if self.mode == "describe" else "describe"
        self._show()

    def action_back(self) -> None:
        self.app.pop_screen()

    # at once, not after the next refresh: keys typed faster than it would start from the same
    # line and be lost
    def action_scroll_down(self) -> None:
        self.query_one("#detail-scroll", VerticalScroll).scroll_down(animate=False, immediate=True)

    def action_scroll_up(self) -> None:
        self.query_one("#detail-scroll", VerticalScroll).scroll_up(animate=False, immediate=True)

    def action_scroll_top(self) -> None:
        self.query_one("#detail-scroll", VerticalScroll).scroll_home(animate=False, immediate=True)

    def action_scroll_bottom(self) -> None:
        self.query_one("#detail-scroll", VerticalScroll).scroll_end(animate=False, immediate=True)
