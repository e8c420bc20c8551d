"""The keys of a screen that lists entries in one DataTable under a `/` filter (the audit log,
the timeline): filter, move, back. The screen keeps the filter, says when its table is filled,
and fills it again keeping the selected entry."""

from __future__ import annotations

from typing import Any

from gok_tui.screens.base import BaseScreen
from gok_tui.store.model import RowFilter
from textual.widgets import DataTable


class FilteredListScreen(BaseScreen):
    """A BaseScreen whose body is one DataTable of entries, filtered by `/`."""

    _filter: RowFilter
    _ready: bool  # the table has been filled once

    def _fill(self, keep: Any = None) -> None:
        raise NotImplementedError

    def selected(self) -> Any:
        raise NotImplementedError

    def apply_filter(self, text: str) -> None:
        if text == self._filter.text:
            return
        self._filter = RowFilter(text)
        if self._ready:
            self._fill(keep=self.selected())

    def action_filter(self) -> None:
        self.open_prompt("filter", self._filter.text)

    def action_cursor_down(self) -> None:
        self.query_one(DataTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(DataTable).action_cursor_up()

    def action_cursor_top(self) -> None:
        self.query_one(DataTable).move_cursor(row=0, animate=False)

    def action_cursor_bottom(self) -> None:
        table = self.query_one(DataTable)
        table.move_cursor(row=max(0, table.row_count - 1), animate=False)

    def action_back(self) -> None:
        if self._filter.text:
            self.apply_filter("")
        elif len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def focus_body(self) -> None:
        self.query_one(DataTable).focus()
