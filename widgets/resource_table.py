"""ResourceTable: a DataTable that applies row deltas instead of being re-filled."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Sequence
from typing import Any, Self

from gok_tui.domain.table import Column, Row
from gok_tui.store.model import RowDelta
from gok_tui.widgets.measured_table import MeasuredTable
from gok_tui.widgets.plain import SafeText, table_cell
from rich.cells import cell_len
from rich.padding import Padding
from rich.segment import Segment
from rich.style import Style
from textual._two_way_dict import TwoWayDict
from textual._types import SegmentLines
from textual.cache import LRUCache
from textual.coordinate import Coordinate
from textual.geometry import Region
from textual.renderables.styled import Styled
from textual.strip import Strip
from textual.widgets.data_table import ColumnKey, DuplicateKey, RowDoesNotExist, RowKey
from textual.widgets.data_table import Row as DataTableRow

TONE_STYLES = {
    "ok": "",
    "progressing": "yellow",
    "warning": "dark_orange",
    "error": "bold red",
    "muted": "dim",
}


def _widest_line(text: str) -> int:
    return max((cell_len(line) for line in text.splitlines()), default=0)


def styled(cell: str, tone: str) -> SafeText:
    return table_cell(cell, TONE_STYLES.get(tone, ""))


class ResourceTable(MeasuredTable[SafeText]):
    DEFAULT_CSS = """
    ResourceTable { height: 1fr; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        # DataTable rebuilds its row order and line offsets (a list per row) whenever any cell
        # changes. Every row here is one line high, so both depend only on which rows there
        # are and their order: cache them on a counter that moves only when that does. (Set
        # before DataTable's __init__, which already reads them.)
        self._row_layout_version = 0
        self._row_layout_cache: tuple[tuple[int, int], list[DataTableRow], list[tuple[RowKey, int]]]
        self._row_layout_cache = ((-1, -1), [], [])
        self._changed_off_screen: set[RowKey] = set()
        # a cell as it renders, by what it shows and how (see _render_cell)
        self._cell_renders: LRUCache[tuple[object, ...], SegmentLines] = LRUCache(4096)
        super().__init__(
            id=id, cursor_type="row", zebra_stripes=False, cursor_foreground_priority="renderable"
        )
        self._column_keys: list[str] = []

    # -- DataTable internals, cached on the row layout instead of on every cell change ------
    def _layout(self) -> tuple[list[DataTableRow], list[tuple[RowKey, int]]]:
        key = (self._row_layout_version, len(self.rows))
        cached_key, rows, offsets = self._row_layout_cache
        if cached_key != key:
            locations = self._row_locations
            keys = (locations.get_key(index) for index in range(len(self.rows)))
            rows = [self.rows[key] for key in keys if key is not None]
            offsets = [(row.key, line) for row in rows for line in range(row.height)]
            self._row_layout_cache = (key, rows, offsets)
        return rows, offsets

    @property
    def ordered_rows(self) -> list[DataTableRow]:
        return self._layout()[0]

    @property
    def _y_offsets(self) -> list[tuple[RowKey, int]]:
        return self._layout()[1]

    def _moved_rows(self) -> None:
        self._row_layout_version += 1

    def add_row(self, *cells: SafeText, **options: Any) -> RowKey:
        self._moved_rows()
        return super().add_row(*cells, **options)

    def remove_row(self, row_key: RowKey | str) -> None:
        self._moved_rows()
        super().remove_row(row_key)

    def clear(self, columns: bool = False) -> Self:
        self._moved_rows()
        self._changed_off_screen.clear()
        return super().clear(columns)

    def sort(self, *columns: ColumnKey | str, **options: Any) -> Self:
        self._moved_rows()
        return super().sort(*columns, **options)

    def set_columns(self, columns: Sequence[Column]) -> None:
        """Replace every row and column."""
        keys = [column.key for column in columns]
        self.clear(columns=True)
        self._column_keys = keys
        for column in columns:
            # never markup: a title may come from the cluster (a CRD's printer column name)
            self.add_column(table_cell(column.title), key=column.key)

    def apply_delta(self, delta: RowDelta) -> None:
        if delta.empty:
            return
        selected = self.selected_key()
        with self.app.batch_update():
            if delta.reset:
                self.clear()
                self._add_rows(delta.added)
                self._restore_cursor(selected)
                return
            for key in delta.removed:
                with contextlib.suppress(RowDoesNotExist):
                    self.remove_row(key)
            if delta.updated:
                self._update_cells(delta.updated)
            last_key = self._last_key()
            self._add_rows(delta.added)
            out_of_order = (
                bool(delta.added) and last_key is not None and (delta.added[0].key < last_key)
            )
            if out_of_order:
                self._order_by_key()
            if delta.removed or out_of_order:
                self._restore_cursor(selected)

    def _update_cells(self, updated: list[tuple[Row, tuple[int, ...]]]) -> None:
        first, end, _ = self.visible_rows()
        locations = self._row_locations
        for row, indexes in updated:
            row_key = RowKey(row.key)
            position = locations.get(row_key)
            if position is None:
                continue
            on_screen = first <= position < end
            cells = self._data[row_key]
            for index in indexes:
                column_key = self._column_keys[index]
                text = styled(row.cells[index], row.tone)
                # Only a wider cell widens its column. A narrower one would make the
                # DataTable re-measure every cell of the column (seconds at 10k rows, per
                # readiness flip); columns shrink back when the table is rebuilt.
                grows = text.cell_len > self.columns[ColumnKey(column_key)].content_width
                if on_screen or grows:
                    self.update_cell(row_key, column_key, text, update_width=grows)
                else:
                    # Off screen: DataTable would throw away every rendered line and repaint
                    # the whole view for a row nobody sees. Store the value; the row is
                    # repainted if it comes into view (render_lines below).
                    cells[ColumnKey(column_key)] = text
                    self._changed_off_screen.add(row_key)

    def render_lines(self, crop: Region) -> list[Strip]:
        if self._changed_off_screen:
            first, end, _ = self.visible_rows()
            locations = self._row_locations
            positions = (locations.get(key) for key in self._changed_off_screen)
            if any(position is not None and first <= position < end for position in positions):
                self._update_count += 1  # a row changed while off screen is in view: re-render
                self._changed_off_screen.clear()
        return super().render_lines(crop)

    def _render_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool = False,
        hover: bool = False,
    ) -> SegmentLines:
        """DataTable's cell rendering, kept by what the cell shows rather than by where it is
        and the table's update count: "Running", "1/1", "0", a node name repeat down a
        column, and a table is drawn again whenever any cell changes. Rendering is the same:
        Rich lays the cell out with the row and column left out of its style, and they are
        added to each segment after (DataTable puts them in the base style, for clicks)."""
        row_key = self._row_locations.get_key(row_index) if row_index >= 0 else None
        row = self.rows.get(row_key) if row_key is not None else None
        if (
            row is None
            or column_index < 0
            or row.height != 1
            or row_index < self.fixed_rows
            or column_index < self.fixed_columns
        ):
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        cell = self._get_row_renderables(row_index).cells[column_index]
        if not isinstance(cell, SafeText):
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        component_style, post_style = self._get_styles_to_render_cell(
            False,
            False,
            False,
            hover,
            cursor,
            self.show_cursor,
            self._show_hover_cursor,
            self.cursor_foreground_priority == "css",
            self.cursor_background_priority == "css",
        )
        key = (
            cell.plain,
            cell.style,
            tuple(cell.spans),
            cell.justify,
            cell.overflow,
            cell.no_wrap,
            cell.end,
            width,
            base_style,
            component_style,
            post_style,
            self.cell_padding,
            self._pseudo_class_state,
        )
        lines = self._cell_renders.get(key)
        if lines is None:
            options = self.app.console_options.update_dimensions(width, 1).update(no_wrap=True)
            lines = self.app.console.render_lines(
                Styled(
                    Padding(cell, (0, self.cell_padding)),
                    pre_style=base_style + component_style,
                    post_style=post_style,
                ),
                options,
            )
            self._cell_renders[key] = lines
        where = Style.from_meta({"row": row_index, "column": column_index})
        return [
            [
                Segment(text, style + where if style else where, control)
                for text, style, control in line
            ]
            for line in lines
        ]

    def _last_key(self) -> str | None:
        if self.row_count == 0:
            return None
        return self.coordinate_to_cell_key(Coordinate(self.row_count - 1, 0))[0].value

    def _order_by_key(self) -> None:
        """Rows stay in key order (namespace/name), as the model and kubectl list them.
        DataTable can only append, and sort() sees cells, not keys, so reorder its index."""
        ordered: list[RowKey] = sorted(self.rows, key=lambda row_key: row_key.value or "")
        self._row_locations = TwoWayDict({key: index for index, key in enumerate(ordered)})
        self._moved_rows()
        self._update_count += 1
        self.refresh()

    def _add_rows(self, rows: Sequence[Row]) -> None:
        """Append rows in one go: what DataTable.add_row does per row (each one re-validates
        the cursor, runs its watchers and wakes the idle handler: a quarter of a second for
        1,000 rows), done once for the lot."""
        if not rows:
            return
        was_empty = self.row_count == 0
        column_keys = [column.key for column in self.ordered_columns]
        locations, data, table_rows, new_rows = (
            self._row_locations,
            self._data,
            self.rows,
            self._new_rows,
        )
        for row in rows:
            row_key = RowKey(row.key)
            if row_key in locations:
                raise DuplicateKey(f"The row key {row_key!r} already exists.")
            locations[row_key] = len(table_rows)
            style = TONE_STYLES.get(row.tone, "")
            cells = [table_cell(cell, style) for cell in row.cells]
            cells += [table_cell("", style)] * (len(column_keys) - len(cells))
            data[row_key] = dict(zip(column_keys, cells, strict=False))
            table_rows[row_key] = DataTableRow(row_key, 1)
            new_rows.add(row_key)
        self._moved_rows()
        self._require_update_dimensions = True
        self.cursor_coordinate = self.cursor_coordinate
        if was_empty and self.columns and self.show_cursor and self.cursor_type != "none":
            self._highlight_cursor()
        self._update_count += 1
        self.check_idle()

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        """Column widths from the new rows. Every cell here is one line of unwrapped Text, so
        its width is its length in cells: no need to render each one to measure it (DataTable
        does, a fifth of a second per 1,000 rows)."""
        columns = self.ordered_columns
        widths = [column.content_width for column in columns]
        data = self._data
        for row_key in new_rows:
            cells = data.get(row_key)
            if cells is None:
                continue  # removed before the table was idle
            for index, cell in enumerate(cells.values()):
                width = cell.cell_len if "\n" not in cell.plain else _widest_line(cell.plain)
                if width > widths[index]:
                    widths[index] = width
        if widths != [column.content_width for column in columns]:
            for column, width in zip(columns, widths, strict=True):
                column.content_width = width
            self.widths_changed()
        super()._update_dimensions(())  # the virtual size, from the new widths

    def visible_rows(self) -> tuple[int, int, int]:
        """(first, end, layout version) of the rows on screen, one more at each edge."""
        first = max(0, int(self.scroll_y) - 1)
        end = min(self.row_count, int(self.scroll_y) + self.scrollable_content_region.height + 1)
        return first, end, self._row_layout_version

    def keys_between(self, first: int, end: int) -> list[str]:
        locations = self._row_locations
        keys = (locations.get_key(index) for index in range(first, end))
        return [key.value or "" if key is not None else "" for key in keys]

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
