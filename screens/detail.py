"""Describe and YAML views of one object, fetched fresh, with the object's events."""

from __future__ import annotations

from typing import Any, ClassVar

from gok_tui.backends.kube import KubeError
from gok_tui.domain.describe import describe, to_yaml
from gok_tui.domain.kinds import KINDS, Kind, object_key
from gok_tui.screens.base import BaseScreen
from gok_tui.screens.bindings import bindings_for
from gok_tui.widgets.plain import SafeText
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
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
    BINDINGS: ClassVar[list[Binding]] = bindings_for("detail")  # type: ignore[assignment]
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
            fresh = backend.get(self.kind, self.object_namespace, self.object_name)
        except KubeError as error:
            self.post_message(self.Loaded(None, [], error.message))
            return
        # the object is read; what goes with it is read apart, so that a failure there (a 403
        # on events, say) does not throw the fresh object away
        problems: list[str] = []
        events: list[dict[str, Any]] = []
        events_error = ""
        if self.object_namespace:
            selector = (
                f"involvedObject.name={self.object_name},involvedObject.kind={self.kind.name}"
            )
            try:
                events = backend.list(
                    KINDS["events"], self.object_namespace, field_selector=selector
                ).items
            except KubeError as error:
                events_error = error.message
                problems.append(f"events not shown: {error.message}")
        related: dict[str, dict[str, dict[str, Any]]] = {}
        try:
            related = self._related(backend)
        except KubeError as error:
            problems.append(error.message)
        self.post_message(
            self.Loaded(fresh, events, "; ".join(problems), related, events_error=events_error)
        )

    def _related(self, backend: Any) -> dict[str, dict[str, dict[str, Any]]]:
        """Services and Endpoints, for the backends an Ingress or Service describe lists."""
        if self.kind.plural not in ("ingresses", "services") or not self.object_namespace:
            return {}
        related = {}
        for plural in ("services", "endpoints"):
            items = backend.list(KINDS[plural], self.object_namespace).items
            related[plural] = {object_key(item): item for item in items}
        return related

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
