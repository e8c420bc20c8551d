"""ResourceScreen: a live table of one kind, fed by watches, updated by row deltas."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from gok_tui.actions.base import ObjectRef
from gok_tui.domain.kinds import KINDS, Kind
from gok_tui.domain.table import Column, Row
from gok_tui.domain.text import clean
from gok_tui.screens.base import BaseScreen
from gok_tui.screens.bindings import bindings_for
from gok_tui.store.buffer import FeedStatus
from gok_tui.store.feeds import Feed
from gok_tui.store.model import Objects, RowSet, TableModel
from gok_tui.store.watch import FeedSpec
from gok_tui.widgets.filter_error import FilterError
from gok_tui.widgets.plain import SafeText
from gok_tui.widgets.resource_table import ResourceTable
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.widgets import Static

if TYPE_CHECKING:
    from gok_tui.store.logs import LogRequest

AGE_REFRESH_SECONDS = 5.0
STATE_ORDER = ("unauthorized", "forbidden", "retrying", "connecting", "stopped", "live")


@dataclass(frozen=True)
class Scope:
    """A drill-down: a fixed namespace and selectors, and how to title it."""

    namespace: str | None
    label_selector: str | None
    title: str
    field_selector: str | None = None


class TableCursor(BaseScreen):
    """j/k/g/G on the screen's ResourceTable (bound at screen level so they work whatever
    has the focus)."""

    def action_cursor_down(self) -> None:
        self.query_one(ResourceTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(ResourceTable).action_cursor_up()

    def action_cursor_top(self) -> None:
        self.query_one(ResourceTable).move_cursor(row=0)

    def action_cursor_bottom(self) -> None:
        table = self.query_one(ResourceTable)
        table.move_cursor(row=max(0, table.row_count - 1))


class ResourceScreen(TableCursor):
    """Subclasses name their kinds, columns and renderer, and what enter opens."""

    BINDINGS: ClassVar[list[BindingType]] = bindings_for("table")
    HAS_OWN_WATCHES = True
    HAS_LOGS: ClassVar[bool] = False  # a view whose rows have logs says so (and log_request)
    DEFAULT_CSS = """
    ResourceScreen #title { height: 1; padding: 0 1; background: $boost; }
    ResourceScreen #why { height: 1; padding: 0 1; color: $warning; display: none; }
    """
    TITLE_TEXT: ClassVar[str] = ""
    PRIMARY: ClassVar[str] = ""
    SECONDARY: ClassVar[tuple[str, ...]] = ()

    def __init__(self, scope: Scope | None = None) -> None:
        super().__init__()
        self.scope = scope
        self.feeds: dict[str, Feed] = {}
        self.model: RowSet | None = None
        self._generation = -1
        self._last_age_refresh = 0.0
        self._title_at = 0.0
        self._aged_rows = (0, 0, -1)
        self._filter_text = ""

    # -- what subclasses provide -----------------------------------------------------------
    @property
    def primary(self) -> str:
        """The kind (plural) whose objects the rows are."""
        return self.PRIMARY

    @property
    def title_text(self) -> str:
        return self.TITLE_TEXT

    @property
    def access_kind(self) -> str:
        kind = KINDS.get(self.primary)
        if kind is None:
            return ""
        return f"{kind.plural}.{kind.group}" if kind.group else kind.plural

    @property
    def namespaced(self) -> bool:
        """Whether the rows live in namespaces (nodes and namespaces do not)."""
        return True

    def columns(self, all_namespaces: bool) -> Sequence[Column]:
        raise NotImplementedError

    def render_rows(
        self, obj: dict[str, Any], objects: Objects, now: float, all_namespaces: bool
    ) -> list[Row]:
        raise NotImplementedError

    def open_selected(self, obj: Any, row_key: str) -> None:
        self.show_detail("describe")

    def kind_of(self, plural: str) -> Kind:
        """The kind behind a plural this screen watches (a discovered one, for some views)."""
        return KINDS[plural]

    def columns_changed(self) -> bool:
        """Whether the model's last apply changed the columns (a server-side Table's)."""
        return False

    # -- composition and lifecycle ---------------------------------------------------------
    def compose_body(self) -> ComposeResult:
        yield Static(id="title")
        yield FilterError()
        yield ResourceTable(id="table")
        yield Static(id="why")

    def on_mount(self) -> None:
        super().on_mount()
        self._rebuild()
        self.query_one(ResourceTable).focus()
        if any(feed.buffer.holds_snapshot() for feed in self.feeds.values()):
            self.sync(time.monotonic())  # listed before the screen was up: drawn at once

    def on_unmount(self) -> None:
        self._close_feeds()

    @property
    def all_namespaces(self) -> bool:
        return self.scope is None and self.session.namespace is None

    def _rebuild(self) -> None:
        """(Re)open feeds and a fresh model for the session's current target."""
        self._close_feeds()
        self._generation = self.session.generation
        all_ns = self.all_namespaces

        def render(obj: dict[str, Any], objects: Objects, now: float) -> list[Row]:
            return self.render_rows(obj, objects, now, all_ns)

        self.model = self.make_model(render, all_ns)
        if self._filter_text:
            self.model.set_filter(self._filter_text)
        self._refresh_filter_error()
        self.query_one(ResourceTable).set_columns(self.columns(all_ns))
        for plural in self.watched_kinds():
            self.feeds[plural] = self.session.hub.open(self._spec_for(self.kind_of(plural)))
        self._refresh_title()

    def make_model(
        self, render: Callable[[dict[str, Any], Objects, float], list[Row]], all_ns: bool
    ) -> RowSet:
        return TableModel(self.primary, render, self.SECONDARY)

    def _spec_for(self, kind: Kind) -> FeedSpec:
        if self.scope is not None and kind.plural == self.primary:
            scope = self.scope
            return FeedSpec(kind, scope.namespace, scope.label_selector, scope.field_selector)
        return FeedSpec(kind, self.session.namespace)

    def watched_kinds(self) -> tuple[str, ...]:
        return (self.primary, *self.SECONDARY)

    def _close_feeds(self) -> None:
        for feed in self.feeds.values():
            self.session.hub.close(feed)
        self.feeds = {}

    # -- the tick --------------------------------------------------------------------------
    def sync(self, now: float) -> None:
        if self.model is None or not self.is_attached or not self.query(ResourceTable):
            return  # not composed yet, or being torn down
        if self.session.generation != self._generation:
            if self.scope is not None:
                self.app.pop_screen()
                return
            self._rebuild()
        wall = self.session.clock()
        drained = {plural: feed.drain() for plural, feed in self.feeds.items()}
        table = self.query_one(ResourceTable)
        # Each delta is relative to what the table shows at that moment: apply them in turn.
        delta = self.model.apply(drained, wall)
        if self.columns_changed():
            table.set_columns(self.columns(self.all_namespaces))
            delta = self.model.full()
        table.apply_delta(delta)
        # Ages move on: re-render the rows on screen every few seconds, and at once when other
        # rows scroll into view. Rows off screen are brought up to date when they are shown.
        visible = table.visible_rows()
        if now - self._last_age_refresh >= AGE_REFRESH_SECONDS or visible != self._aged_rows:
            self._last_age_refresh = now
            self._aged_rows = visible
            keys = table.keys_between(*visible[:2])
            table.apply_delta(self.model.rerender_rows(keys, wall))
        worst = self.worst_status()
        counting_down = (  # "retrying in Ns" moves on once a second
            worst is not None and worst.retry_at is not None and int(now) != int(self._title_at)
        )
        if not delta.empty or any(d.status is not None for d in drained.values()) or counting_down:
            self._title_at = now
            self._refresh_title()
            self.refresh_cluster_bar()
            self._refresh_why()

    def on_data_table_row_highlighted(self, event: ResourceTable.RowHighlighted) -> None:
        self._refresh_why()

    def _refresh_why(self) -> None:
        """Under the table: why the selected object is unwell, at any terminal width (the WHY
        column is the last one, often off-screen at 80 columns)."""
        line = self.query_one("#why", Static)
        key = self.query_one(ResourceTable).selected_key()
        row = self.model.shown.get(key) if self.model is not None and key else None
        columns = [c.key for c in self.columns(self.all_namespaces)]
        why = row.cells[columns.index("why")] if row is not None and "why" in columns else ""
        line.display = bool(why)
        if why:
            line.update(SafeText(f"why: {why}", no_wrap=True, overflow="ellipsis"))

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        self.query_one(ResourceTable).focus()

    # -- title and state -------------------------------------------------------------------
    def feeds_worst_first(self) -> list[Feed]:
        return sorted(self.feeds.values(), key=lambda feed: STATE_ORDER.index(feed.status.state))

    def worst_status(self) -> FeedStatus | None:
        feeds = self.feeds_worst_first()
        return feeds[0].status if feeds else None

    def connection_state(self) -> str:
        if self.session.target is None:
            return "stopped"
        # a kind the server says it does not serve is no fault of the connection
        answered = [f.status for f in self.feeds_worst_first() if not f.status.not_served]
        if self.feeds and not answered:
            return "live"
        return answered[0].state if answered else "connecting"

    def _refresh_title(self) -> None:
        text = SafeText(no_wrap=True, overflow="ellipsis")
        where = (
            self.scope.title
            if self.scope
            else "cluster"
            if not self.namespaced
            else ("all namespaces" if self.all_namespaces else self.session.namespace or "")
        )
        shown = len(self.model.shown) if self.model else 0
        total = len(self.model.rows) if self.model else 0
        text.append(self.title_text, style="bold")
        text.append(f"({clean(where)})", style="cyan")
        count = f"[{shown}/{total}]" if self._filter_text else f"[{total}]"
        text.append(count, style="bold")
        if self._filter_text:
            text.append(f" /{self._filter_text}", style="magenta")
        problem = self.gok.problem_of_target() if self.scope is None else ""
        if problem:  # the toast fades; an empty table must not read as "nothing here"
            text.append(f"  {clean(problem)}", style="bold red")
        # the worst feed speaks: an error is never hidden behind another kind still loading
        for feed in self.feeds_worst_first():
            status = feed.status
            if (
                status.state in ("retrying", "forbidden", "unauthorized", "stopped")
                and status.message
            ):
                retry = ""
                if status.retry_at is not None:
                    seconds = round(status.retry_at - time.monotonic())
                    retry = f"; retrying in {seconds}s" if seconds > 0 else "; retrying now"
                plural = feed.spec.kind.plural
                said = status.message if status.message.startswith(plural) else ""
                message = said or f"{plural}: {status.message}"
                text.append(f"  {message}{retry}", style="red")
                self.gok.say_connection_error(f"{feed.spec.kind.plural}: {status.message}")
                break
            if status.state == "connecting":
                text.append("  loading…", style="yellow")
                break
        self.query_one("#title", Static).update(text)

    # -- actions ---------------------------------------------------------------------------
    def target_problem_changed(self) -> None:
        if self.query("#title"):  # not while the screen is torn down (a notice at quit)
            self._refresh_title()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "logs" and not self.HAS_LOGS:
            return False  # this view's rows have no logs: no "l Logs" in its footer
        return super().check_action(action, parameters)

    def apply_filter(self, text: str) -> None:
        self._filter_text = text
        if self.model is None:
            return
        self.query_one(ResourceTable).apply_delta(self.model.set_filter(text))
        self._refresh_title()
        self._refresh_filter_error()
        self._refresh_why()  # the selected row may be another one now, or none

    def _refresh_filter_error(self) -> None:
        self.query_one(FilterError).show(self.model.filter_error if self.model else "")

    def action_filter(self) -> None:
        self.open_prompt("filter", self._filter_text)

    def action_back(self) -> None:
        if self._filter_text:
            self.apply_filter("")
        elif len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def selected(self) -> tuple[str, Any] | None:
        """The row under the cursor and what it stands for (an object, for most views)."""
        key = self.query_one(ResourceTable).selected_key()
        if key is None or self.model is None:
            return None
        item = self.model.item(key)
        return (key, item) if item is not None else None

    def selected_ref(self) -> ObjectRef | None:
        """The object under the cursor, as an action names it (None: no row, or no cluster)."""
        picked, target = self.selected(), self.session.target
        if picked is None or target is None or not isinstance(picked[1], dict):
            return None
        return ObjectRef.of(target, picked[1], self.primary)

    def action_open(self) -> None:
        picked = self.selected()
        if picked is not None:
            self.open_selected(picked[1], picked[0])

    def action_logs(self) -> None:
        picked = self.selected()
        if picked is None:
            return
        request = self.log_request(picked[1])
        if request is None:
            self.notify(
                f"{self.title_text} have no logs of their own: use l on a Deployment or Pod"
            )
            return
        from gok_tui.screens.logs import LogsScreen

        self.app.push_screen(LogsScreen(request))

    def log_request(self, obj: Any) -> LogRequest | None:
        return None

    def action_timeline(self) -> None:
        """T: the timeline of the object on this row and what it owns."""
        picked = self.selected()
        item = picked[1] if picked is not None else None
        if not isinstance(item, dict) or self.primary not in KINDS:
            self.notify("this row is not an object with a timeline", severity="warning")
            return
        from gok_tui.screens.timeline import TimelineScreen

        meta = item.get("metadata") or {}
        focus = f"{self.primary}/{meta.get('namespace', '')}/{meta.get('name', '')}"
        self.app.push_screen(TimelineScreen(focus))

    def action_events(self) -> None:
        """e: the events of the object on this row (involvedObject), newest first."""
        picked = self.selected()
        target = self.event_target(picked[1]) if picked is not None else None
        if target is None:
            self.notify("this row is not an object with events of its own", severity="warning")
            return
        from gok_tui.screens.kinds import KindScreen

        plural, obj = target
        meta = obj.get("metadata") or {}
        kind = self.kind_of(plural).name
        selector = f"involvedObject.name={meta.get('name', '')},involvedObject.kind={kind}"
        where = meta.get("namespace")
        title = f"{kind.lower()}/{meta.get('name', '')}"
        self.app.push_screen(KindScreen("events", Scope(where, None, title, selector)))

    def action_xray(self) -> None:
        """X: the relations of the object on this row (owners, dependents, endpoints, ...)."""
        picked = self.selected()
        target = self.event_target(picked[1]) if picked is not None else None
        if target is None:
            self.notify("this row is not an object with relations of its own", severity="warning")
            return
        from gok_tui.screens.relations import RelationsScreen

        plural, obj = target
        meta = obj.get("metadata") or {}
        self.app.push_screen(RelationsScreen(plural, meta.get("namespace"), meta.get("name", "")))

    def event_target(self, item: Any) -> tuple[str, dict[str, Any]] | None:
        """The kind (plural) and object whose events ``e`` shows: the row's own, mostly."""
        if not isinstance(item, dict):
            return None
        try:
            self.kind_of(self.primary)
        except KeyError:
            return None
        return (self.primary, item)

    def action_describe(self) -> None:
        self.show_detail("describe")

    def action_yaml(self) -> None:
        self.show_detail("yaml")

    def show_detail(self, mode: str) -> None:
        from gok_tui.screens.detail import DetailScreen

        picked = self.selected()
        if picked is None:
            return
        obj = picked[1]
        self.app.push_screen(DetailScreen(self.kind_of(self.primary), obj, mode))

    def on_data_table_row_selected(self, event: ResourceTable.RowSelected) -> None:
        event.stop()
        self.action_open()


class OneKindScreen(ResourceScreen):
    """The live table of one kind: its plural is the primary feed, its name the title."""

    kind: Kind

    @property
    def primary(self) -> str:
        return self.kind.plural

    @property
    def title_text(self) -> str:
        return self.kind.name + ("s" if not self.kind.name.endswith("s") else "")

    @property
    def namespaced(self) -> bool:
        return self.kind.namespaced

    def kind_of(self, plural: str) -> Kind:
        return self.kind if plural == self.kind.plural else super().kind_of(plural)
