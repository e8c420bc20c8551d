"""ResourceTable keeps DataTable's row order and line offsets cached across cell updates; these
must stay what DataTable itself would compute, whatever rows come and go."""

from __future__ import annotations

from gok_tui.domain.rows import Column, Row
from gok_tui.store.model import RowDelta
from gok_tui.widgets.resource_table import ResourceTable
from textual.app import App, ComposeResult
from textual.widgets import DataTable

COLUMNS = [Column("name", "NAME"), Column("state", "STATE")]


def row(name: str, state: str = "Running") -> Row:
    return Row(f"default/{name}", (name, state), "ok")


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield ResourceTable(id="table")

    def on_mount(self) -> None:
        self.query_one(ResourceTable).set_columns(COLUMNS)


def screen_text(app: App[None]) -> str:
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


def shows(app: App[None], *cells: str) -> bool:
    """Whether a line on screen reads these cells, in order."""
    return any(line.split()[: len(cells)] == list(cells) for line in screen_text(app).splitlines())


def shown_names(table: ResourceTable) -> list[str]:
    return [str(table.get_row_at(index)[0]) for index in range(table.row_count)]


def assert_layout_is_datatables_own(table: ResourceTable) -> None:
    own_rows = [table.rows[table._row_locations.get_key(index)] for index in range(table.row_count)]
    assert table.ordered_rows == own_rows
    assert table._y_offsets == [(r.key, 0) for r in own_rows]
    assert DataTable.ordered_rows.fget(table) == own_rows  # type: ignore[attr-defined]


async def test_row_order_and_offsets_follow_adds_removals_and_reorders() -> None:
    app = TableApp()
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(ResourceTable)
        table.apply_delta(RowDelta(reset=True, added=[row("b"), row("d"), row("f")]))
        await pilot.pause()
        assert_layout_is_datatables_own(table)

        table.apply_delta(RowDelta(updated=[(row("d", "Pending"), (1,))]))
        table.apply_delta(RowDelta(added=[row("a"), row("e")]))  # out of order: reordered
        await pilot.pause()
        assert shown_names(table) == ["a", "b", "d", "e", "f"]
        assert_layout_is_datatables_own(table)

        table.move_cursor(row=3)  # on e
        table.apply_delta(RowDelta(removed=["default/b"], updated=[(row("f", "Failed"), (1,))]))
        await pilot.pause()
        assert shown_names(table) == ["a", "d", "e", "f"]
        assert table.selected_key() == "default/e"
        assert_layout_is_datatables_own(table)

        await pilot.press("down")
        assert table.selected_key() == "default/f"
        assert table.get_row_at(table.cursor_row)[1].plain == "Failed"

        table.apply_delta(RowDelta(reset=True, added=[row("z")]))
        await pilot.pause()
        assert shown_names(table) == ["z"]
        assert_layout_is_datatables_own(table)


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
