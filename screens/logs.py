"""Logs: one pod, or every pod of a Deployment as they come and go, followed live."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

from gok_tui.config.settings import state_dir
from gok_tui.domain.kinds import KINDS
from gok_tui.domain.logs import LogFilter, render_raw
from gok_tui.domain.text import clean
from gok_tui.screens.base import BaseScreen
from gok_tui.screens.bindings import bindings_for
from gok_tui.store.feeds import Feed
from gok_tui.store.logs import LogFollower, LogRequest, LogSource, pod_containers
from gok_tui.store.watch import FeedSpec
from gok_tui.widgets.filter_error import FilterError
from gok_tui.widgets.log_view import LogView
from gok_tui.widgets.plain import SafeText
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.widgets import Static

SINCE_PRESETS: tuple[tuple[str, int | None, int | None], ...] = (
    ("last 200", None, 200),
    ("5m", 300, None),
    ("15m", 900, None),
    ("1h", 3600, None),
    ("all", None, None),
)
LEVEL_CYCLE: tuple[str | None, ...] = (None, "debug", "info", "warn", "error")
MAX_CONTEXT = 10


def short_pod(name: str, sources: int) -> str:
    return name if len(name) <= 32 or sources == 1 else "…" + name[-31:]


def source_labels(sources: Sequence[LogSource], *, shorten: bool) -> list[str]:
    """Who wrote each line: the pod, and the container when the pods run several."""
    containers = {s.container for s in sources}
    return [
        (short_pod(s.pod, len(sources)) if shorten else s.pod)
        + (f"/{s.container}" if len(containers) > 1 else "")
        for s in sources
    ]


class LogsScreen(BaseScreen):
    BINDINGS: ClassVar[list[BindingType]] = bindings_for("logs")
    DEFAULT_CSS = """
    LogsScreen #logs-title { height: 1; padding: 0 1; background: $boost; }
    LogsScreen #logs-hint { padding: 1 2; }
    """

    def __init__(self, request: LogRequest | None = None) -> None:
        super().__init__()
        self.request = request
        self.follower: LogFollower | None = None
        self.feed: Feed | None = None
        self.pods: dict[str, dict[str, Any]] = {}
        self.since_index = 0
        self.level_index = 0
        self.pattern = ""
        self.context = 0
        self._generation = -1
        self._title_state: tuple[Any, ...] = ()
        self.saved_path: Path | None = None

    def compose_body(self) -> ComposeResult:
        yield Static(id="logs-title")
        yield FilterError()  # under the title, as in the resource views
        yield LogView(self.session.settings.log_buffer_lines, id="log-view")
        yield Static(
            "Pick what to follow: press l on a Deployment (all its pods, as they come and go) "
            "or on a Pod, or type :logs deploy/NAME or :logs pod/NAME.",
            id="logs-hint",
        )

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#logs-hint").display = self.request is None
        self.query_one(LogView).display = self.request is not None
        self._start()
        self.query_one(LogView).focus()

    def on_unmount(self) -> None:
        self._stop()

    def focus_body(self) -> None:
        self.query_one(LogView).focus()

    # -- following -------------------------------------------------------------------------
    def _start(self) -> None:
        self._stop()
        self._generation = self.session.generation
        backend = self.session.backend
        if self.request is None or backend is None:
            return
        _, since, tail = SINCE_PRESETS[self.since_index]
        request = LogRequest(
            namespace=self.request.namespace,
            title=self.request.title,
            selector=self.request.selector,
            pod=self.request.pod,
            container=self.request.container,
            previous=self.request.previous,
            since_seconds=since,
            tail_lines=tail,
        )
        self.follower = LogFollower(backend, request)
        field_selector = f"metadata.name={request.pod}" if request.pod else None
        self.feed = self.session.hub.open(
            FeedSpec(KINDS["pods"], request.namespace, request.selector, field_selector)
        )
        self.pods = {}

    def _stop(self) -> None:
        if self.follower is not None:
            self.follower.stop()
            self.follower = None
        if self.feed is not None:
            self.session.hub.close(self.feed)
            self.feed = None

    def _restart(self, **changes: Any) -> None:
        """Follow again with other options: the view starts over (the buffer is cleared)."""
        if self.request is None:
            return
        fields = {**self.request.__dict__, **changes}
        self.request = LogRequest(**fields)
        view = self.query_one(LogView)
        view.buffer.lines.clear()
        view.buffer.total = view.buffer.dropped = 0
        view.set_filter(view.filter)
        self._start()

    def sync(self, now: float) -> None:
        if not self.is_attached or not self.query(LogView):
            return  # not composed yet, or being torn down (a tick can land in between)
        if self.session.generation != self._generation:
            self._start()
        if self.feed is None or self.follower is None:
            self._refresh_title()
            return
        drained = self.feed.drain()
        if drained.snapshot is not None:
            self.pods = {obj["metadata"]["name"]: obj for obj in drained.snapshot.values()}
        for key, obj in drained.changes.items():
            name = key.rsplit("/", 1)[-1]
            if obj is None:
                self.pods.pop(name, None)
            else:
                self.pods[name] = obj
        if drained.has_data:
            self.follower.update_pods(self.pods)
        lines = self.follower.drain()
        view = self.query_one(LogView)
        if len(self.follower.sources) != len(view.prefixes):
            view.set_prefixes(source_labels(self.follower.sources, shorten=True))
        if lines:
            with self.app.batch_update():
                view.append(lines)
        self._refresh_title()

    def _refresh_title(self) -> None:
        view = self.query_one(LogView)
        follower = self.follower
        state = (
            self.request,
            len(view.buffer.lines),
            view.buffer.dropped,
            view.follow,
            view.new_while_paused,
            view.visible_count,
            follower.streams if follower else 0,
            self.pattern,
            self.context,
            self.level_index,
            self.since_index,
            view.timestamps,
            view.wrap,
        )
        if state == self._title_state:
            return
        self._title_state = state
        text = SafeText(no_wrap=True, overflow="ellipsis")
        text.append("Logs", style="bold")
        if self.request is None:
            self.query_one("#logs-title", Static).update(text)
            return
        where = self.request.title
        if self.request.container is not None:
            where += f" -c {self.container_label(self.request.container)}"
        where += " (previous)" if self.request.previous else ""
        text.append(f"({clean(where)})", style="cyan")
        streams = follower.streams if follower else 0
        text.append(f" {streams} stream{'' if streams == 1 else 's'}")
        text.append(f" {view.buffer.total:,} lines")
        if view.buffer.dropped:
            text.append(f" ({view.buffer.dropped:,} dropped from the front)", style="yellow")
        if self.pattern or LEVEL_CYCLE[self.level_index]:
            text.append(f" [{view.visible_count:,} shown]", style="bold")
        if view.follow and self.request.previous:
            # the previous container has ended: its log is read once, nothing follows
            text.append("  PREVIOUS LOG", style="yellow")
        elif view.follow:
            text.append("  FOLLOWING", style="green")
        else:
            text.append(f"  PAUSED, {view.new_while_paused:,} new lines", style="bold yellow")
        if self.pattern:
            text.append(f"  /{clean(self.pattern)}", style="magenta")
            if self.context:
                text.append(f" ±{self.context}", style="magenta")
        if LEVEL_CYCLE[self.level_index]:
            text.append(f"  >={LEVEL_CYCLE[self.level_index]}", style="magenta")
        text.append(f"  since {SINCE_PRESETS[self.since_index][0]}", style="dim")
        self.query_one("#logs-title", Static).update(text)

    # -- filter ----------------------------------------------------------------------------
    def _apply(self) -> None:
        log_filter = LogFilter(self.pattern, LEVEL_CYCLE[self.level_index], self.context)
        self.query_one(FilterError).show(log_filter.error)
        self.query_one(LogView).set_filter(log_filter)
        self._refresh_title()

    def apply_filter(self, text: str) -> None:
        self.pattern = text
        self._apply()

    def action_filter(self) -> None:
        self.open_prompt("filter", self.pattern)

    def action_more_context(self) -> None:
        self.context = min(MAX_CONTEXT, self.context + 1)
        self._apply()

    def action_less_context(self) -> None:
        self.context = max(0, self.context - 1)
        self._apply()

    def action_cycle_level(self) -> None:
        self.level_index = (self.level_index + 1) % len(LEVEL_CYCLE)
        self._apply()

    def action_next_match(self) -> None:
        if not self.query_one(LogView).jump_to_match(True):
            self.notify("no further match")

    def action_previous_match(self) -> None:
        if not self.query_one(LogView).jump_to_match(False):
            self.notify("no earlier match")

    # -- view modes ------------------------------------------------------------------------
    def action_toggle_follow(self) -> None:
        view = self.query_one(LogView)
        view.set_follow(not view.follow)
        self._refresh_title()

    def action_toggle_timestamps(self) -> None:
        self.query_one(LogView).toggle_timestamps()

    def action_toggle_wrap(self) -> None:
        self.query_one(LogView).toggle_wrap()

    def action_toggle_fields(self) -> None:
        self.query_one(LogView).toggle_fields()

    def action_toggle_previous(self) -> None:
        if self.request is not None:
            self._restart(previous=not self.request.previous)

    def action_cycle_since(self) -> None:
        self.since_index = (self.since_index + 1) % len(SINCE_PRESETS)
        self._restart()

    def action_cycle_container(self) -> None:
        if self.request is None or self.follower is None:
            return
        choices = self.container_choices()
        if len(choices) < 2 and self.request.container is None:
            self.notify("these pods have one container")
            return
        cycle: list[str | None] = [None, *choices]
        current = cycle.index(self.request.container) if self.request.container in cycle else 0
        chosen = cycle[(current + 1) % len(cycle)]
        self.notify(f"container: {self.container_label(chosen)}")
        self._restart(container=chosen)

    def container_choices(self) -> list[str]:
        """What c cycles through after "all": every container of the followed pods as their
        specs list them, the main ones first, then the init ones (which the sources, holding
        only what is followed now, would miss)."""
        containers = self._containers()
        return [name for name, init in containers.items() if not init] + [
            name for name, init in containers.items() if init
        ]

    def container_label(self, name: str | None) -> str:
        if name is None:
            return "all"
        return f"{name} (init)" if self._containers().get(name) else name

    def _containers(self) -> dict[str, bool]:
        containers: dict[str, bool] = {}
        for _, pod in sorted(self.pods.items()):
            for name, init in pod_containers(pod):
                containers.setdefault(name, init)
        if self.follower is not None:  # the pods have not arrived yet: what is followed
            for source in self.follower.sources:
                containers.setdefault(source.container, False)
        return containers

    def action_save(self) -> None:
        if self.request is None:
            return
        view = self.query_one(LogView)
        folder = state_dir() / "logs"
        folder.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        name = self.request.title.replace("/", "-")
        path = folder / f"{name}-{stamp}.log"
        copy = 1
        while path.exists():  # saved twice within a second
            copy += 1
            path = folder / f"{name}-{stamp}-{copy}.log"
        # what is shown (the filter applies), as the containers wrote it: a file is for grep,
        # jq and less, so none of the view's decoration; one pod needs no prefix
        sources = self.follower.sources if self.follower is not None else []
        prefixes = source_labels(sources, shorten=False) if len(sources) > 1 else []
        lines = view.visible_lines()
        path.write_bytes(render_raw(lines, prefixes, view.timestamps))
        saved = sum(not line.marker for line in lines)
        self.notify(f"saved {saved:,} lines to {path}", timeout=8)
        self.saved_path = path

    def action_back(self) -> None:
        if self.pattern:
            self.apply_filter("")
        elif len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def action_scroll_down(self) -> None:
        self.query_one(LogView).scroll_down(animate=False)

    def action_scroll_up(self) -> None:
        view = self.query_one(LogView)
        view.set_follow(False)
        view.scroll_up(animate=False)

    def action_scroll_top(self) -> None:
        view = self.query_one(LogView)
        view.set_follow(False)
        view.scroll_home(animate=False)

    def action_scroll_bottom(self) -> None:
        self.query_one(LogView).set_follow(True)
        self._refresh_title()
