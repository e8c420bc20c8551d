"""The keys of a ConfigMap or Secret (enter on one in `:cm` or `:secret`). A Secret's values
stay hidden: enter on a key shows that one value, decoded, in a panel; it is written nowhere
(no toast, no log, no audit line)."""

from __future__ import annotations

from typing import Any, ClassVar

from gok_tui.domain.data import data_entries, revealed
from gok_tui.domain.images import human_size
from gok_tui.screens.base import BaseScreen
from gok_tui.screens.images import TextPanel
from gok_tui.widgets.plain import block, cell, line
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static


class DataScreen(BaseScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]
    DEFAULT_CSS = """
    DataScreen #data-title { height: 1; padding: 0 1; background: $boost; }
    DataScreen DataTable { height: 1fr; }
    """

    def __init__(self, obj: dict[str, Any], secret: bool) -> None:
        super().__init__()
        self.obj = obj
        self.secret = secret
        self.entries = data_entries(obj, secret)

    def compose_body(self) -> ComposeResult:
        meta = self.obj.get("metadata") or {}
        kind = "Secret" if self.secret else "ConfigMap"
        where = f"{meta.get('namespace', '')}/{meta.get('name', '')}"
        title = f"{kind} {where}: {len(self.entries)} keys"
        yield Static(
            line(title + ("  (values hidden)" if self.secret else ""), "bold"), id="data-title"
        )
        yield DataTable(id="data", cursor_type="row")

    def on_mount(self) -> None:
        super().on_mount()
        table: DataTable[Any] = self.query_one("#data", DataTable)
        table.add_columns("KEY", "SIZE", "VALUE")
        for entry in self.entries:
            table.add_row(cell(entry.key), cell(human_size(entry.size)), cell(entry.preview))
        table.focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if not self.entries:
            return
        key = self.entries[event.cursor_row].key
        value = revealed(self.obj, key, self.secret)
        text = line(key, "bold")
        text.append("\n")
        text.append_text(block(value))
        self.app.push_screen(TextPanel(text))

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_cursor_down(self) -> None:
        self.query_one("#data", DataTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one("#data", DataTable).action_cursor_up()
