"""ResourceTable: a DataTable that applies row deltas instead of being re-filled."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

from gok_tui.domain.rows import Column, Row
from gok_tui.store.model import RowDelta
from rich.text import Text
from textual._two_way_dict import TwoWayDict
from textual.widgets import DataTable
from textual.widgets.data_table import RowDoesNotExist, RowKey

TONE_STYLES = {
    "ok": "",
    "progressing": "yellow",
    "warning": "dark_orange",
    "error": "bold red",
    "muted": "dim",
}


def styled(cell: str, tone: str) -> Text:
    return Text(cell, style=TONE_STYLES.get(tone, ""), no_wrap=True, overflow="ellipsis")


class ResourceTable(DataTable[Text]):
    DEFAULT_CSS = """
    ResourceTable { height: 1fr; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(
            id=id, cursor_type="row", zebra_stripes=False, cursor_foreground_priority="renderable"
        )
        self._column_keys: list[str] = []

    def set_columns(self, columns: Sequence[Column]) -> None:
        """Replace every row and column."""
        keys = [column.key for column in columns]
        self.clear(columns=True)
        self._column_keys = keys
        for column in columns:
            self.add_column(column.title, key=column.key)

    def apply_delta(self, delta: RowDelta) -> None:
        if delta.empty:
            return
        selected = self.selected_key()
        with self.app.batch_update():
            if delta.reset:
                self.clear()
                for row in delta.added:
                    self._add(row)
                self._restore_cursor(selected)
                return
            for key in delta.removed:
                with contextlib.suppress(RowDoesNotExist):
                    self.remove_row(key)
            for row, indexes in delta.updated:
                for index in indexes:
                    column_key = self._column_keys[index]
                    text = styled(row.cells[index], row.tone)
                    # Only a wider cell widens its column. A narrower one would make the
                    # DataTable re-measure every cell of the column (seconds at 10k rows, per
                    # readiness flip); columns shrink back when the table is rebuilt.
                    grows = text.cell_len > self.columns[column_key].content_width
                    self.update_cell(row.key, column_key, text, update_width=grows)
            last_key = self._last_key()
            for row in delta.added:
                self._add(row)
            out_of_order = (
                bool(delta.added) and last_key is not None and (delta.added[0].key < last_key)
            )
            if out_of_order:
                self._order_by_key()
            if delta.removed or out_of_order:
                self._restore_cursor(selected)

    def _last_key(self) -> str | None:
        if self.row_count == 0:
            return None
        return self.coordinate_to_cell_key((self.row_count - 1, 0))[0].value

    def _order_by_key(self) -> None:
        """Rows stay in key order (namespace/name), as the model and kubectl list them.
        DataTable can only append, and sort() sees cells, not keys, so reorder its index."""
        ordered: list[RowKey] = sorted(self.rows, key=lambda row_key: row_key.value or "")
        self._row_locations = TwoWayDict({key: index for index, key in enumerate(ordered)})
        self._update_count += 1
        self.refresh()

    def _add(self, row: Row) -> None:
        self.add_row(*(styled(cell, row.tone) for cell in row.cells), key=row.key)

    def selected_key(self) -> str | None:
        if self.row_count == 0:
            return None
        try:
            row_key, _ = self.coordinate_to_cell_key(self.cursor_coordinate)
        except Exception:
            return None
        return row_key.value

    def _restore_cursor(self, key: str | None) -> None:
        if key is None:
            return
        with contextlib.suppress(RowDoesNotExist):
            self.move_cursor(row=self.get_row_index(key), animate=False)
