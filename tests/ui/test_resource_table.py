"""ResourceTable keeps DataTable's row order and line offsets cached across cell updates; these
must stay what DataTable itself would compute, whatever rows come and go."""

from __future__ import annotations

from gok_tui.domain.table import Column, Row
from gok_tui.store.model import RowDelta
from gok_tui.widgets.measured_table import MeasuredTable
from gok_tui.widgets.resource_table import ResourceTable, styled
from textual.app import App, ComposeResult
from textual.coordinate import Coordinate
from textual.widgets import DataTable

from tests.ui.helpers import screen_text

COLUMNS = [Column("name", "NAME"), Column("state", "STATE")]


def row(name: str, state: str = "Running") -> Row:
    return Row(f"default/{name}", (name, state), "ok")


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield ResourceTable(id="table")

    def on_mount(self) -> None:
        self.query_one(ResourceTable).set_columns(COLUMNS)


def shows(app: App[None], *cells: str) -> bool:
    """Whether a line on screen reads these cells, in order."""
    return any(line.split()[: len(cells)] == list(cells) for line in screen_text(app).splitlines())


def shown_names(table: ResourceTable) -> list[str]:
    return [str(table.get_row_at(index)[0]) for index in range(table.row_count)]


def assert_layout_is_datatables_own(app: App[None], table: ResourceTable) -> None:
    """The cached order is DataTable's own (its coordinates, its base class's ordered_rows),
    and every row is drawn on its own line, in that order (the cached line offsets)."""
    keys = [
        table.coordinate_to_cell_key(Coordinate(index, 0)).row_key
        for index in range(table.row_count)
    ]
    own_rows = [table.rows[key] for key in keys]
    assert table.ordered_rows == own_rows
    assert DataTable.ordered_rows.fget(table) == own_rows  # type: ignore[attr-defined]
    drawn = screen_text(app).splitlines()[1 : 1 + table.row_count]  # under the header
    assert [line.split()[0] for line in drawn] == [str(table.get_row(k)[0]) for k in keys]


async def test_row_order_and_offsets_follow_adds_removals_and_reorders() -> None:
    app = TableApp()
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(ResourceTable)
        table.apply_delta(RowDelta(reset=True, added=[row("b"), row("d"), row("f")]))
        await pilot.pause()
        assert_layout_is_datatables_own(app, table)

        table.apply_delta(RowDelta(updated=[(row("d", "Pending"), (1,))]))
        table.apply_delta(RowDelta(added=[row("a"), row("e")]))  # out of order: reordered
        await pilot.pause()
        assert shown_names(table) == ["a", "b", "d", "e", "f"]
        assert_layout_is_datatables_own(app, table)

        table.move_cursor(row=3)  # on e
        table.apply_delta(RowDelta(removed=["default/b"], updated=[(row("f", "Failed"), (1,))]))
        await pilot.pause()
        assert shown_names(table) == ["a", "d", "e", "f"]
        assert table.selected_key() == "default/e"
        assert_layout_is_datatables_own(app, table)

        await pilot.press("down")
        assert table.selected_key() == "default/f"
        assert table.get_row_at(table.cursor_row)[1].plain == "Failed"

        table.apply_delta(RowDelta(reset=True, added=[row("z")]))
        await pilot.pause()
        assert shown_names(table) == ["z"]
        assert_layout_is_datatables_own(app, table)


async def test_a_row_changed_while_off_screen_shows_its_new_value_when_scrolled_back() -> None:
    app = TableApp()
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(ResourceTable)
        names = [f"p{number:02d}" for number in range(40)]
        table.apply_delta(RowDelta(reset=True, added=[row(name) for name in names]))
        table.move_cursor(row=39)  # p39 at the bottom: its line is rendered and cached
        await pilot.pause()
        assert shows(app, "p39", "Running")
        table.move_cursor(row=0)
        await pilot.pause()
        assert "p39" not in screen_text(app)
        table.apply_delta(RowDelta(updated=[(row("p39", "Evicted"), (1,))]))
        await pilot.pause()
        assert shows(app, "p00", "Running")
        table.move_cursor(row=39)
        await pilot.pause()
        assert shows(app, "p39", "Evicted")


async def test_a_row_changed_on_screen_is_repainted_at_once() -> None:
    app = TableApp()
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(ResourceTable)
        table.apply_delta(RowDelta(reset=True, added=[row(f"p{n:02d}") for n in range(40)]))
        await pilot.pause()
        table.apply_delta(RowDelta(updated=[(row("p02", "Evicted"), (1,))]))
        await pilot.pause()
        assert shows(app, "p02", "Evicted")


class TwinTables(App[None]):
    """A ResourceTable filled in bulk beside a stock DataTable filled row by row."""

    def __init__(self) -> None:
        super().__init__()
        self.highlighted: list[str | None] = []

    def compose(self) -> ComposeResult:
        yield ResourceTable(id="bulk")
        yield DataTable(id="stock", cursor_type="row")

    def on_mount(self) -> None:
        self.query_one(ResourceTable).set_columns(COLUMNS)
        self.query_one("#stock", DataTable).add_columns(*(c.title for c in COLUMNS))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "bulk":
            self.highlighted.append(event.row_key.value)


async def test_rows_added_in_bulk_are_what_datatable_would_make_of_them_row_by_row() -> None:
    rows = [row("a-pod"), Row("default/b", ("a-much-longer-pod-name", "CrashLoopBackOff"), "error")]
    rows += [row(f"p{n:03d}") for n in range(100)]
    app = TwinTables()
    async with app.run_test(size=(80, 30)) as pilot:
        bulk = app.query_one(ResourceTable)
        stock = app.query_one("#stock", DataTable)
        bulk.apply_delta(RowDelta(reset=True, added=rows))
        for each in rows:
            stock.add_row(*(styled(cell, each.tone) for cell in each.cells), key=each.key)
        await pilot.pause()
        await pilot.pause()
        assert app.highlighted[:1] == ["default/a-pod"]  # the cursor lands on the first row
        assert [r.key.value for r in bulk.ordered_rows] == [r.key.value for r in stock.ordered_rows]
        assert [c.content_width for c in bulk.ordered_columns] == [
            c.content_width for c in stock.ordered_columns
        ]
        assert bulk.virtual_size == stock.virtual_size
        for index in (0, 1, 101):
            assert [cell.plain for cell in bulk.get_row_at(index)] == [
                cell.plain for cell in stock.get_row_at(index)
            ]
        bulk.apply_delta(RowDelta(added=[row("p050x"), row("zz")]))  # in between and at the end
        await pilot.pause()
        assert [r.key.value for r in bulk.ordered_rows][52:54] == ["default/p050", "default/p050x"]
        assert bulk.ordered_rows[-1].key.value == "default/zz"


async def test_rows_drawn_before_the_table_measured_them_are_redrawn_at_full_width() -> None:
    """The table measures new rows when it is next idle; lines drawn before then (at the
    columns' old widths) must not be reused once it has."""
    app = TableApp()
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(ResourceTable)
        table.apply_delta(RowDelta(reset=True, added=[row("a-rather-long-pod-name")]))
        screen_text(app)  # a frame drawn before the table is idle
        await pilot.pause()
        assert shows(app, "a-rather-long-pod-name", "Running"), screen_text(app)


class PlainTable(App[None]):
    def compose(self) -> ComposeResult:
        yield MeasuredTable(id="plain")

    def on_mount(self) -> None:
        self.query_one(MeasuredTable).add_columns("NAME", "IMAGE")


async def test_a_plain_table_is_redrawn_at_the_widths_it_measured() -> None:
    """Refilled with wider text (the Revisions view refills on every change): the lines drawn
    before the table measured the new rows must not stay on screen."""
    app = PlainTable()
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(MeasuredTable)
        table.add_row("web", "x", key="1")
        await pilot.pause()
        table.clear()
        table.add_row("web-26znwbhzgq", "ghcr.io/acme/shop/web:1.5.0", key="1")
        screen_text(app)  # a frame drawn before the table is idle
        await pilot.pause()
        assert shows(app, "web-26znwbhzgq", "ghcr.io/acme/shop/web:1.5.0"), screen_text(app)


def test_a_table_cell_is_the_safe_text_it_stands_for() -> None:
    from gok_tui.widgets.plain import SafeText, table_cell
    from rich.text import Text

    for value in [
        "web-1",
        "",
        "日本語 ✓",
        "a\x1b]52;c;x\x07b",
        "tab\there",
        "\u202eevil",
        "\x9b2J",
    ]:
        fast, whole = (
            table_cell(value, "bold red"),
            SafeText(value, style="bold red", no_wrap=True, overflow="ellipsis"),
        )
        assert type(fast) is SafeText
        assert {slot: getattr(fast, slot) for slot in Text.__slots__} == {
            slot: getattr(whole, slot) for slot in Text.__slots__
        }


async def test_cells_render_as_datatable_renders_them() -> None:
    """ResourceTable keeps cell renders by content; they must be DataTable's own, row and
    column (the click metadata) included, with and without the cursor or the mouse on them."""
    app = TableApp()
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(ResourceTable)
        table.apply_delta(
            RowDelta(
                added=[
                    Row("default/a", ("a", "Running"), "ok"),
                    Row("default/b", ("b" * 80, "CrashLoopBackOff"), "error"),
                    Row("default/c", ("日本語-pod", "Running"), "muted"),
                    Row("default/d", ("d", "Running"), "ok"),
                ]
            )
        )
        await pilot.pause()
        base = table.rich_style
        for row_index in range(table.row_count):
            for column_index, column in enumerate(table.ordered_columns):
                width = column.get_render_width(table)
                for cursor, hover in ((False, False), (True, False), (False, True)):
                    ours = table._render_cell(row_index, column_index, base, width, cursor, hover)
                    again = table._render_cell(row_index, column_index, base, width, cursor, hover)
                    theirs = DataTable._render_cell(
                        table, row_index, column_index, base, width, cursor, hover
                    )
                    assert ours == theirs == again
                    assert [[s.style.meta for s in line] for line in ours] == [
                        [s.style.meta for s in line] for line in theirs
                    ]
