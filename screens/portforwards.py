""":pf — the port-forwards running: target, the pod each goes to now, local address, bytes
each way, connections, the last error and where it moved from; x stops one, X all."""

from __future__ import annotations

from typing import ClassVar

from gok_tui.domain.forwards import human_bytes
from gok_tui.domain.table import Row
from gok_tui.domain.text import clean
from gok_tui.screens.bindings import bindings_for
from gok_tui.screens.filtered_list import FilteredListScreen
from gok_tui.store.forwards import ForwardInfo
from gok_tui.store.model import RowFilter
from gok_tui.widgets.filter_error import FilterError
from gok_tui.widgets.measured_table import MeasuredTable
from gok_tui.widgets.plain import LONG_LINE, SafeText, cell
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.widgets import DataTable, Static

COLUMNS = ("TARGET", "PORT", "LOCAL", "POD", "CONN", "IN", "OUT", "NOTE")


def port_text(info: ForwardInfo) -> str:
    """The port asked for, and the pod's port it reaches when that is another number."""
    asked = str(info.request.port)
    if info.pod_port is not None and str(info.pod_port) != asked:
        return f"{asked}->{info.pod_port}"
    return asked


def note(info: ForwardInfo) -> tuple[str, str]:
    """The NOTE cell and its style: an error first, then a move, then the state."""
    if info.state == "ended":
        return f"ended: {info.last_error}", "bold red"
    if info.state == "waiting":
        return info.last_error or "waiting for a Ready pod", "yellow"
    if info.last_error:
        return info.last_error, "red"
    if info.moved:
        return info.moved, "cyan"
    return "", ""


def row_cells(info: ForwardInfo) -> tuple[SafeText, ...]:
    text, style = note(info)
    return (
        cell(str(info.request.target)),
        cell(port_text(info)),
        cell(info.request.local),
        cell(info.pod or "-"),
        cell(f"{info.open_connections}/{info.connections}"),
        cell(human_bytes(info.bytes_in)),
        cell(human_bytes(info.bytes_out)),
        cell(text, style),
    )


def detail(info: ForwardInfo) -> SafeText:
    request = info.request
    text = SafeText()
    text.append(clean(request.summary(), LONG_LINE) + "\n", style="bold")
    lines = (
        ("context", info.context),
        ("namespace", request.target.namespace),
        ("state", info.state),
        ("pod", f"{info.pod or '-'}" + (f" port {info.pod_port}" if info.pod_port else "")),
        ("connections", f"{info.open_connections} open, {info.connections} since it started"),
        ("bytes", f"{info.bytes_in} from the pod, {info.bytes_out} to it"),
        ("moved", f"{info.moved} ({info.moves} moves)" if info.moves else "never"),
        ("last error", info.last_error or "none"),
        ("from", request.origin or "F key"),
    )
    for label, value in lines:
        text.append(f"{label:<12}", style="bold")
        text.append(clean(value, LONG_LINE) + "\n")
    return text


class PortForwardsScreen(FilteredListScreen):
    BINDINGS: ClassVar[list[BindingType]] = bindings_for("portforwards")
    DEFAULT_CSS = """
    PortForwardsScreen #pf-title { height: 1; padding: 0 1; background: $boost; }
    PortForwardsScreen DataTable { height: 1fr; max-height: 50%; }
    PortForwardsScreen #pf-detail { height: 1fr; border-top: solid $accent; padding: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.forwards: list[ForwardInfo] = []
        self.shown: list[ForwardInfo] = []  # the forwards the filter lets through
        self._filter = RowFilter()
        self._ready = False

    def compose_body(self) -> ComposeResult:
        yield Static(id="pf-title")
        yield FilterError()
        yield MeasuredTable(id="pf-table", cursor_type="row")
        yield Static(id="pf-detail")

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one(DataTable)
        table.add_columns(*COLUMNS)
        table.focus()
        self._ready = True
        self.reload()

    def sync(self, now: float) -> None:
        if self._ready and self.is_attached:
            self.reload()

    def reload(self) -> None:
        forwards = self.session.forwards.forwards()
        if forwards != self.forwards:
            self.forwards = forwards
            self._fill(keep=self.selected())

    def _fill(self, keep: ForwardInfo | None = None) -> None:
        shown = [
            info
            for info in self.forwards
            if self._filter.matches(
                Row(str(info.id), tuple(text.plain for text in row_cells(info)), "ok")
            )
        ]
        table = self.query_one(DataTable)
        if [f.id for f in shown] == [f.id for f in self.shown]:
            for info in shown:  # the same rows: only their cells move (bytes, pods)
                for column, value in zip(table.columns, row_cells(info), strict=True):
                    table.update_cell(str(info.id), column, value)
            self.shown = shown
        else:
            self.shown = shown
            table.clear()
            for info in shown:
                table.add_row(*row_cells(info), key=str(info.id))
            if keep is not None:
                row = next((i for i, f in enumerate(shown) if f.id == keep.id), 0)
                table.move_cursor(row=row, animate=False)
        self._title()
        self._show_detail()

    def _title(self) -> None:
        title = SafeText(no_wrap=True, overflow="ellipsis")
        title.append("Port-forwards", style="bold")
        total = len(self.forwards)
        title.append(f"[{len(self.shown)}/{total}]" if self._filter.text else f"[{total}]", "bold")
        if self._filter.text:
            title.append(f" /{clean(self._filter.text)}", style="magenta")
        if not self.forwards:
            title.append("  none: F on a pod, Deployment or Service starts one", style="yellow")
        self.query_one("#pf-title", Static).update(title)
        self.query_one(FilterError).show(self._filter.error)

    def selected(self) -> ForwardInfo | None:
        row = self.query_one(DataTable).cursor_row
        return self.shown[row] if 0 <= row < len(self.shown) else None

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        info = self.selected()
        self.query_one("#pf-detail", Static).update(detail(info) if info else "")

    def action_stop_forward(self) -> None:
        info = self.selected()
        if info is None:
            return
        request = info.request
        self._stop_in_worker(info.id, f"stopped port-forward {request.target} on {request.local}")

    def action_stop_all_forwards(self) -> None:
        if not self.forwards:
            self.notify("no port-forward to stop")
            return
        self._stop_in_worker(None, f"stopped {len(self.forwards)} port-forwards")

    def _stop_in_worker(self, forward_id: int | None, said: str) -> None:
        forwards, app = self.session.forwards, self.gok

        def stop() -> None:  # a stop waits for the forward's threads to end
            if forward_id is None:
                forwards.stop_all()
            else:
                forwards.stop(forward_id)
            app.post_message(app.Notice(said))

        app.run_worker(stop, thread=True, group="port-forward", exit_on_error=False)
