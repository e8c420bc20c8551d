"""MeasuredTable: Textual's DataTable, drawn at the widths it has measured."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from textual.widgets import DataTable
from textual.widgets.data_table import RowKey

Cell = TypeVar("Cell")


class MeasuredTable(DataTable[Cell]):
    """A DataTable measures new rows when it is next idle, but keys the lines it has drawn on
    an update count that measuring does not move (Textual 8.2): lines drawn between the rows'
    arrival and that measure, at the columns' old widths ("web-26znw…  ghcr.…"), stayed on
    screen until the next change to the table. Here a change of width redraws them."""

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        before = [column.content_width for column in self.columns.values()]
        super()._update_dimensions(new_rows)
        if before != [column.content_width for column in self.columns.values()]:
            self.widths_changed()

    def widths_changed(self) -> None:
        """Columns were measured anew: what was drawn at the old widths is stale."""
        self._update_count += 1
        self.refresh()
