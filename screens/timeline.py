""":timeline — what changed, when and by whom, newest first (``T`` on a row: that object and
what it owns). ``u`` goes back to before a workload revision, a ConfigMap change or a Helm
revision; ``s`` exports the list."""

from __future__ import annotations

import json
import shlex
import shutil
import time
from pathlib import Path
from typing import Any, ClassVar

from gok_tui.actions.base import ObjectRef
from gok_tui.actions.configmaps import SECRET_NOT_RESTORABLE, RestoreConfigMap
from gok_tui.actions.helm import HelmRollback
from gok_tui.actions.workloads import REVISION_SOURCES
from gok_tui.config.settings import home_relative, timeline_export_dir
from gok_tui.domain.access import Need
from gok_tui.domain.table import Row
from gok_tui.domain.text import clean
from gok_tui.domain.timefmt import human_duration
from gok_tui.domain.timeline import (
    CONFIG,
    HELM,
    REVISION,
    ConfigChange,
    Entry,
    focus_refs,
    helm_environment,
    helm_rollback_argv,
    helm_rollback_command,
    revision_before,
)
from gok_tui.screens.bindings import bindings_for
from gok_tui.screens.filtered_list import FilteredListScreen
from gok_tui.store.model import RowFilter
from gok_tui.store.timeline_feed import TimelineFeed
from gok_tui.widgets.filter_error import FilterError
from gok_tui.widgets.measured_table import MeasuredTable
from gok_tui.widgets.plain import LONG_LINE, SafeText, cell
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

TIMELINE_COLUMNS = ("WHEN", "WHO", "OBJECT", "WHAT")
SHORT_KIND = {
    "deployments": "deploy",
    "replicasets": "rs",
    "configmaps": "cm",
    "secrets": "secret",
    "pods": "pod",
    "statefulsets": "sts",
    "daemonsets": "ds",
    "horizontalpodautoscalers": "hpa",
}
NOT_SEEN_RESTORE = (
    "only a ConfigMap change seen while gok-tui was running can be restored: the data "
    "before an earlier change is not remembered"
)
SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": ""}


def when_text(when: float | None, today: str) -> str:
    if when is None:
        return "?"
    stamp = time.localtime(when)
    if time.strftime("%Y-%m-%d", stamp) == today:
        return time.strftime("%H:%M:%S", stamp)
    return time.strftime("%m-%d %H:%M", stamp)


def object_text(entry: Entry) -> str:
    kind = SHORT_KIND.get(entry.kind, entry.kind)
    return f"{kind}/{entry.name}"


def entry_cells(entry: Entry, today: str) -> tuple[SafeText, ...]:
    style = SEVERITY_STYLE.get(entry.severity, "")
    what = entry.what if entry.readable else f"UNREADABLE {entry.what}"
    return (
        cell(when_text(entry.when, today)),
        cell(entry.who),
        cell(object_text(entry)),
        cell(what, "bold red" if not entry.readable else style),
    )


def export_markdown(entries: list[Entry], title: str, today: str) -> str:
    lines = [f"# {title}", "", "| when | who | object | what |", "|---|---|---|---|"]
    for entry in entries:
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(entry.when)) if entry.when else "?"
        cells = (when, entry.who, entry.ref, entry.what if entry.readable else "UNREADABLE")
        lines.append("| " + " | ".join(clean(c).replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


class TimelineScreen(FilteredListScreen):
    HAS_OWN_WATCHES = True
    BINDINGS: ClassVar[list[BindingType]] = bindings_for("timeline")
    DEFAULT_CSS = """
    TimelineScreen #timeline-title { height: 1; padding: 0 1; background: $boost; }
    TimelineScreen DataTable { height: 1fr; max-height: 60%; }
    TimelineScreen #timeline-scroll { height: 1fr; border-top: solid $accent; padding: 0 1; }
    """

    def __init__(self, focus: str | None = None) -> None:
        super().__init__()
        self.focus_ref = focus  # "kind/namespace/name" (T on a row), else the whole namespace
        self.feed: TimelineFeed | None = None
        self.shown: list[Entry] = []
        self._filter = RowFilter()
        self._generation = -1
        self._audit_stamp: tuple[float, int] | None = None
        self._ready = False
        self._focus: set[str] | None = None  # the refs T shows (by ownerReferences)

    def access_needs(self) -> dict[str, Need]:
        # u patches a Deployment, a StatefulSet, a DaemonSet or a ConfigMap, or runs helm,
        # depending on the entry: one review cannot say, so the key is offered and the plan's
        # read and dry run say what the cluster refuses
        return {k: v for k, v in super().access_needs().items() if k != "undo_entry"}

    def compose_body(self) -> ComposeResult:
        yield Static(id="timeline-title")
        yield FilterError()
        yield MeasuredTable(id="timeline-table", cursor_type="row")
        with VerticalScroll(id="timeline-scroll"):
            yield Static(id="timeline-detail")

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one(DataTable)
        table.add_columns(*TIMELINE_COLUMNS)
        table.focus()
        self._ready = True
        self._open()

    def _open(self) -> None:
        if self.feed is not None:
            self.feed.close()
        namespace = self.session.namespace
        if self.focus_ref is not None:
            namespace = self.focus_ref.split("/")[1] or namespace
        self.feed = TimelineFeed(self.session.hub, namespace, self.session.clock)
        self._generation = self.session.generation
        self._audit_stamp = None
        self._focus = None
        self.feed.open()
        self._fill()

    def on_unmount(self) -> None:
        if self.feed is not None:
            self.feed.close()
            self.feed = None

    def connection_state(self) -> str:
        if self.session.target is None:
            return "stopped"
        return self.feed.state() if self.feed is not None else "connecting"

    def sync(self, now: float) -> None:
        if not (self._ready and self.is_attached) or self.feed is None:
            return
        if self.session.generation != self._generation:
            if self.focus_ref is not None:
                self.app.pop_screen()  # about one object of the context left behind
                return
            self._open()
        changed = self.feed.drain()
        stamp = self.session.audit.stamp()
        if stamp != self._audit_stamp:
            self._audit_stamp = stamp
            self.feed.timeline.set_audit(self._audit_lines())
            changed = True
        if changed:
            self._focus = None  # what the object owns may have changed too
            self.refresh_cluster_bar()
            self._fill(keep=self.selected())

    def _audit_lines(self) -> list[str]:
        try:
            text = self.session.audit.path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return []
        return text.splitlines()

    def entries(self) -> list[Entry]:
        if self.feed is None:
            return []
        entries = self.feed.timeline.entries()
        if self.focus_ref is not None:
            if self._focus is None:
                self._focus = focus_refs(self.focus_ref, self.feed.objects)
            entries = [e for e in entries if e.ref in self._focus]
        return entries

    def _today(self) -> str:
        return time.strftime("%Y-%m-%d", time.localtime(self.session.clock()))

    def _fill(self, keep: Entry | None = None) -> None:
        today = self._today()
        self.shown = [
            entry
            for index, entry in enumerate(self.entries())
            if self._filter.matches(
                Row(
                    str(index),
                    (*(c.plain for c in entry_cells(entry, today)), clean(entry.ref)),
                    "ok",
                )
            )
        ]
        table = self.query_one(DataTable)
        table.clear()
        for index, entry in enumerate(self.shown):
            table.add_row(*entry_cells(entry, today), key=str(index))
        if keep is not None and keep in self.shown:
            table.move_cursor(row=self.shown.index(keep), animate=False)
        self._title()
        self._show_detail()

    def _title(self) -> None:
        title = SafeText(no_wrap=True, overflow="ellipsis")
        title.append("Timeline", style="bold")
        total = len(self.entries())
        title.append(f"[{len(self.shown)}/{total}]" if self._filter.text else f"[{total}]", "bold")
        if self.focus_ref is not None:
            title.append(clean(f" {self.focus_ref}"), style="cyan")
        if self._filter.text:
            title.append(f" /{clean(self._filter.text)}", style="magenta")
        begins = self.feed.timeline.begins() if self.feed is not None else {}
        if begins:
            oldest = min(begins.values())
            ago = human_duration(max(0.0, self.session.clock() - oldest))
            title.append(f"  history from {ago} ago", style="dim")
        hidden = self.feed.hidden() if self.feed is not None else ()
        if hidden:
            title.append(f"  not shown (forbidden): {', '.join(hidden)}", style="yellow")
        self.query_one("#timeline-title", Static).update(title)
        self.query_one(FilterError).show(self._filter.error)

    def selected(self) -> Entry | None:
        row = self.query_one(DataTable).cursor_row
        return self.shown[row] if 0 <= row < len(self.shown) else None

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self._show_detail()
        self.query_one("#timeline-scroll", VerticalScroll).scroll_home(animate=False)

    def _show_detail(self) -> None:
        entry = self.selected()
        panel = self.query_one("#timeline-detail", Static)
        if entry is None:
            panel.update(self._begins_text())
            return
        text = SafeText()
        text.append(clean(entry.what, LONG_LINE) + "\n", style="bold")
        when = (
            time.strftime("%Y-%m-%d %H:%M:%S %z", time.localtime(entry.when))
            if entry.when is not None
            else "unknown (the source gave no time)"
        )
        for label, value in (
            ("when", when),
            ("who", entry.who),
            ("object", entry.ref),
            ("source", entry.source),
        ):
            text.append(f"{label:<8}", style="bold")
            text.append(clean(value, LONG_LINE) + "\n")
        if not entry.readable:
            text.append("this entry could not be read; the others are shown\n", style="red")
        if entry.detail:
            text.append(entry.detail + "\n")
        hint = self._undo_hint(entry)
        if hint:
            text.append(hint, style="dim")
        panel.update(text)

    def _begins_text(self) -> SafeText:
        text = SafeText("where history begins:\n", style="dim")
        begins = self.feed.timeline.begins() if self.feed is not None else {}
        for source, oldest in sorted(begins.items()):
            stamp = time.strftime("%Y-%m-%d %H:%M", time.localtime(oldest))
            text.append(f"  {source}: {stamp}\n", style="dim")
        return text

    def _undo_hint(self, entry: Entry) -> str:
        if entry.change == REVISION:
            before = revision_before(self.entries(), entry)
            if before:
                return f"u: undo to revision {before}, the one before it (after a confirm)"
            return "the revision before this one is no longer remembered"
        if entry.change == HELM:
            if entry.revision <= 1:
                return "the release's first revision: none before it"
            if shutil.which("helm") is None:
                return f"u: says how to go back ({helm_rollback_command(entry)}; helm not on PATH)"
            return f"u: helm rollback to revision {entry.revision - 1} (after a confirm)"
        if entry.change == CONFIG:
            if entry.kind == "secrets":
                return SECRET_NOT_RESTORABLE
            if self._config_change(entry) is not None:
                return "u: restore the data from before this change (after a confirm)"
            return NOT_SEEN_RESTORE
        return ""

    def _config_change(self, entry: Entry) -> ConfigChange | None:
        return self.feed.timeline.config_changes.get(entry) if self.feed is not None else None

    # -- keys ------------------------------------------------------------------------------
    def action_undo_entry(self) -> None:
        entry = self.selected()
        if entry is None:
            return
        if entry.change == HELM:
            self._helm_rollback(entry)
            return
        if entry.change == CONFIG:
            self._restore_config(entry)
            return
        if entry.change != REVISION:
            self.notify(
                "only a revision, a ConfigMap change or a Helm release can be undone from here"
            )
            return
        before = revision_before(self.entries(), entry)
        target = self.session.target
        if not before or target is None:
            self.notify("the revision before this one is no longer remembered", severity="warning")
            return
        ref = ObjectRef(
            target.context, target.cluster_server, entry.kind, entry.namespace, entry.name
        )
        self.gok.propose(REVISION_SOURCES[entry.kind].undo(ref, before))

    def _helm_rollback(self, entry: Entry) -> None:
        target = self.session.target
        if target is None:
            return
        if entry.revision <= 1:
            self.notify(f"revision {entry.revision} is the release's first: none before it")
            return
        helm = shutil.which("helm")
        if helm is None:
            argv = helm_rollback_argv(
                entry.name, entry.revision - 1, entry.namespace, target.context, target.files
            )
            env = "".join(f"{k}={v} " for k, v in helm_environment(target.files))
            self.notify(f"helm is not on PATH; to go back run: {clean(env + shlex.join(argv))}")
            return
        ref = ObjectRef(target.context, target.cluster_server, "helm", entry.namespace, entry.name)
        self.gok.propose(HelmRollback(ref, entry.revision - 1, helm, target.files))

    def _restore_config(self, entry: Entry) -> None:
        if entry.kind == "secrets":
            self.notify(SECRET_NOT_RESTORABLE, severity="warning")
            return
        change, target = self._config_change(entry), self.session.target
        if change is None or target is None:
            self.notify(NOT_SEEN_RESTORE, severity="warning")
            return
        ref = ObjectRef(
            target.context, target.cluster_server, "configmaps", entry.namespace, entry.name
        )
        which = f"the change of {when_text(entry.when, self._today())} by {entry.who}"
        self.gok.propose(RestoreConfigMap(ref, change.before, change.left, which))

    def action_export(self) -> None:
        entries = self.entries()
        folder = timeline_export_dir()
        stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(self.session.clock()))
        base = folder / f"timeline-{stamp}"
        title = f"Timeline {self.focus_ref or self.session.namespace or 'all namespaces'}"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            Path(f"{base}.md").write_text(export_markdown(entries, title, self._today()))
            payload: dict[str, Any] = {
                "title": title,
                "begins": self.feed.timeline.begins() if self.feed is not None else {},
                "entries": [entry.as_json() for entry in entries],
            }
            Path(f"{base}.json").write_text(json.dumps(payload, indent=2))
        except OSError as error:
            self.notify(f"export failed: {clean(error)}", severity="error")
            return
        self.notify(f"exported {len(entries)} entries to {home_relative(base)}.md and .json")
