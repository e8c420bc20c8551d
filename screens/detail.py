"""Describe and YAML views of one object, fetched fresh, with the object's events."""

from __future__ import annotations

from typing import Any, ClassVar

from gok_tui.backends.kube import KubeError
from gok_tui.domain.describe import describe, to_yaml
from gok_tui.domain.kinds import Kind
from gok_tui.domain.metrics import describe_node_usage, describe_pod_usage, describe_workload_usage
from gok_tui.domain.nodes import allocatable, pressure_lines
from gok_tui.screens.base import BaseScreen
from gok_tui.screens.bindings import bindings_for
from gok_tui.store.metrics import MetricsKind
from gok_tui.store.reads import read_for_describe
from gok_tui.widgets.plain import SafeText
from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static

# kinds whose describe shows their pods' usage (a workload's summed)
USAGE_KINDS = frozenset({"pods", "deployments", "statefulsets", "daemonsets", "replicasets"})


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
        self.call_after_refresh(self._watch_usage)

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
            body += self._usage_text()
        self.query_one("#detail-body", Static).update(SafeText(body))

    # -- resource usage (metrics.k8s.io), polled while this describe is on screen ----------
    _usage_seen = -1

    @property
    def _usage_kind(self) -> MetricsKind | None:
        if self.kind.plural == "nodes":
            return "nodes"
        return "pods" if self.kind.plural in USAGE_KINDS else None

    def _watch_usage(self) -> None:
        kind, target = self._usage_kind, self.session.target
        if kind is None or target is None or not self.is_attached or self.app.screen is not self:
            return
        if self.mode != "describe":  # the YAML shows no usage: nothing is asked for it
            self.session.metrics.hide(self)
            return
        self.session.metrics.show(self, kind, self.object_namespace, target.context)

    # (Textual calls the handler of every class that defines one: these do not call super)
    def on_screen_resume(self) -> None:
        self._watch_usage()

    def on_screen_suspend(self) -> None:
        self.session.metrics.hide(self)

    def on_unmount(self) -> None:
        self.session.metrics.hide(self)

    def sync(self, now: float) -> None:
        version = self.session.metrics.version
        if version != self._usage_seen and self._usage_kind is not None:
            self._usage_seen = version
            if self.mode == "describe" and self.is_attached:
                self._show()

    def _usage_text(self) -> str:
        # a node's pressure in words, whether or not its usage is known
        pressure = (
            "\nPressure:\n" + "".join(f"  {line}\n" for line in pressure_lines(self.obj))
            if self.kind.plural == "nodes"
            else ""
        )
        kind, target = self._usage_kind, self.session.target
        if kind is None or target is None:
            return pressure
        store = self.session.metrics
        state = store.state(kind, self.object_namespace, target.context)
        if not state.shows_columns:  # not asked yet, or absent or forbidden (said once)
            return pressure
        if self.kind.plural == "nodes":
            offered = allocatable(self.obj)
            lines = [
                *describe_node_usage(
                    store.node_usage(self.object_name),
                    offered.cpu,
                    offered.memory,
                    store.node_samples(self.object_name),
                ),
            ]
        elif self.kind.plural == "pods":
            key = f"{self.object_namespace or ''}/{self.object_name}"
            lines = describe_pod_usage(
                self.obj, store.pod_usage(key), lambda name: store.pod_samples(key, name)
            )
        else:
            lines = describe_workload_usage(
                self.obj,
                store.pod_usages(),
                store.pod_labels(),
                store.pods_in(self.object_namespace or ""),
                store.pod_samples,
            )
        if state.state == "unknown":
            lines.insert(0, f"unknown: {state.message}")
        usage = "\nResource usage (metrics.k8s.io):\n" + "".join(f"  {line}\n" for line in lines)
        return pressure + usage

    def action_toggle_view(self) -> None:
        self.mode = "yaml" if self.mode == "describe" else "describe"
        self._watch_usage()
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
