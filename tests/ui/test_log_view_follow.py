"""LogView on its own, at 80x24: following shows the newest line whenever lines land."""

from __future__ import annotations

from gok_tui.domain.logs import parse_line
from gok_tui.widgets.log_view import LogView
from textual.app import App, ComposeResult
from textual.widgets import Footer, Static

from tests.ui.helpers import SIZE, screen_text


class LogApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("title")
        yield LogView(1000)
        yield Footer()


def shown_rows(app: App[None]) -> list[str]:
    view = app.query_one(LogView)
    region = view.scrollable_content_region
    rows = screen_text(app).splitlines()[region.y : region.y + region.height]
    return [row[region.x : region.x + region.width].strip() for row in rows]


async def test_a_first_batch_before_the_scrollbars_appear_still_ends_at_the_newest_line() -> None:
    """The horizontal scrollbar arrives with the first layout after the batch and takes a row:
    the view used to stay one row short of the end, the newest line hidden under it."""
    app = LogApp()
    async with app.run_test(size=SIZE) as pilot:
        lines = [parse_line(0, f"line {n:03}".encode(), False) for n in range(200)]
        app.query_one(LogView).append(lines)  # before the view's first layout settles
        await pilot.pause(0.2)
        rows = shown_rows(app)
        assert rows[-1] == "line 199", rows
        assert rows[0] == f"line {200 - len(rows):03}"
