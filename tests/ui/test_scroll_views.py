"""Scrolling views (rollout panel, describe/YAML, Messages) take every key press, and g/G."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gok_tui.screens.deployments import DeploymentsScreen
from gok_tui.screens.detail import DetailScreen
from gok_tui.screens.help import HelpScreen
from gok_tui.screens.messages import MessagesScreen
from gok_tui.screens.rollout import RolloutScreen
from rich.table import Table
from textual import events
from textual.containers import VerticalScroll
from textual.widgets import Static

from tests.integration.helpers import deployment
from tests.kubefake import FakeKube
from tests.ui.helpers import SIZE, make_app, screen_text, table_keys, until

REPLICAS = 30


def long_deployment(name: str = "web") -> dict[str, Any]:
    """A Deployment whose YAML and describe are far longer than one 80x24 screen."""
    obj = deployment(name, replicas=1)
    obj["metadata"]["annotations"] = {f"note.example.com/n{n:02}": f"value {n}" for n in range(60)}
    return obj


def type_fast(app: Any, key: str, times: int) -> None:
    """Key presses as a terminal delivers them when typed faster than the screen refreshes:
    all queued at once (Pilot.press waits for the app to go idle after each key)."""
    for _ in range(times):
        app.post_message(events.Key(key, key))


def scroller(app: Any, selector: str) -> VerticalScroll:
    return app.screen.query_one(selector, VerticalScroll)


async def open_rollout(pilot: Any, app: Any) -> None:
    await until(pilot, lambda: table_keys(app) == ["default/web"])
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, RolloutScreen))
    await until(
        pilot,
        lambda: f"{REPLICAS}/{REPLICAS} of the newest revision ready" in screen_text(app),
        timeout=15,
        what="all replicas ready",
    )


async def test_rollout_panel_scrolls_to_its_conditions_with_G_and_back_with_g(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.apply_object(deployment("web", replicas=REPLICAS))
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_rollout(pilot, app)
        assert "progress deadline" not in screen_text(app)  # below the fold at 80x24
        await pilot.press("G")
        await until(pilot, lambda: "progress deadline" in screen_text(app), what="deadline")
        assert "conditions" in screen_text(app)
        assert "of the newest revision ready" not in screen_text(app)
        await pilot.press("g")
        await until(
            pilot, lambda: "of the newest revision ready" in screen_text(app), what="top again"
        )
        assert scroller(app, "#rollout-scroll").scroll_y == 0


async def test_rollout_panel_scrolls_with_j_and_page_down(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.apply_object(deployment("web", replicas=REPLICAS))
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_rollout(pilot, app)
        scroll = scroller(app, "#rollout-scroll")
        assert scroll.max_scroll_y > 10
        await pilot.press(*"jjj")
        await until(pilot, lambda: scroll.scroll_y == 3, what="three lines down")
        await pilot.press("k")
        await until(pilot, lambda: scroll.scroll_y == 2, what="one line up")
        for _ in range(5):
            await pilot.press("pagedown")
        await until(pilot, lambda: "progress deadline" in screen_text(app), what="deadline")
        await pilot.press("pageup")
        await until(pilot, lambda: scroll.scroll_y < scroll.max_scroll_y, what="page up")


async def test_describe_takes_every_one_of_ten_fast_j_presses(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.apply_object(long_deployment())
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: table_keys(app) == ["default/web"])
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, DetailScreen))
        await until(pilot, lambda: "note.example.com/n00" in screen_text(app), what="describe")
        scroll = scroller(app, "#detail-scroll")
        await until(pilot, lambda: scroll.max_scroll_y > 20, what="a long describe")
        assert scroll.scroll_y == 0
        await pilot.press(*"j" * 10)
        await pilot.pause()
        assert scroll.scroll_y == 10
        type_fast(app, "j", 10)
        await until(pilot, lambda: scroll.scroll_y >= 20, what="ten fast j")
        await pilot.pause(0.2)
        assert scroll.scroll_y == 20
        type_fast(app, "k", 4)
        await until(pilot, lambda: scroll.scroll_y <= 16, what="four fast k")
        await pilot.pause(0.2)
        assert scroll.scroll_y == 16


async def test_yaml_goes_to_the_bottom_with_G_and_the_top_with_g(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.apply_object(long_deployment())
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: table_keys(app) == ["default/web"])
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, DetailScreen))
        await until(pilot, lambda: "apiVersion: apps/v1" in screen_text(app), what="yaml")
        scroll = scroller(app, "#detail-scroll")
        await until(pilot, lambda: scroll.max_scroll_y > 20, what="a long yaml")
        await pilot.press("G")
        await until(pilot, lambda: scroll.scroll_y == scroll.max_scroll_y, what="bottom")
        assert "apiVersion: apps/v1" not in screen_text(app)
        await pilot.press("g")
        await until(pilot, lambda: scroll.scroll_y == 0, what="top")
        assert "apiVersion: apps/v1" in screen_text(app)


async def test_messages_scroll_with_j_and_go_to_the_ends_with_g_and_G(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, DeploymentsScreen))
        for number in range(60):
            app.notify(f"note {number:02}")
        await pilot.press("M")
        await until(pilot, lambda: isinstance(app.screen, MessagesScreen), what="messages")
        await until(pilot, lambda: "note 59" in screen_text(app), what="newest first")
        scroll = scroller(app, "#messages-scroll")
        await until(pilot, lambda: scroll.max_scroll_y > 20, what="a long list")
        type_fast(app, "j", 10)
        await until(pilot, lambda: scroll.scroll_y >= 10, what="ten fast j")
        await pilot.pause(0.2)
        assert scroll.scroll_y == 10
        await pilot.press("G")
        await until(pilot, lambda: "note 00" in screen_text(app), what="the oldest at the end")
        assert scroll.scroll_y == scroll.max_scroll_y
        await pilot.press("g")
        await until(pilot, lambda: "note 59" in screen_text(app), what="the newest on top")
        assert scroll.scroll_y == 0


async def test_help_lists_every_command_and_what_ctrl_c_does_and_scrolls(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, DeploymentsScreen))
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen), what="help")
        scroll = app.screen.query_one(VerticalScroll)
        await until(pilot, lambda: scroll.max_scroll_y > 20, what="a long help")
        type_fast(app, "j", 10)
        await until(pilot, lambda: scroll.scroll_y >= 10, what="ten fast j")
        await pilot.pause(0.2)
        assert scroll.scroll_y == 10
        commands = help_rows(app, "#help-commands")
        for command in (":problems", ":traffic", ":audit", ":messages", ":help"):
            assert any(command in row[0].split() for row in commands), command
        assert any(":logs deploy/NAME|pod/NAME" in row[0] for row in commands)
        ctrl_c = [row for row in help_rows(app, "#help-keys") if row[0] == "^c"]
        assert ctrl_c == [["^c", "Copy selected text if text is selected, else Quit", "app.quit"]]
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, DeploymentsScreen), what="closed")
        await pilot.press("ctrl+c")  # nothing selected: it quits, as the help says
        await until(pilot, lambda: not app.is_running, what="quit")


def help_rows(app: Any, selector: str) -> list[list[str]]:
    table = app.screen.query_one(selector, Static).content
    assert isinstance(table, Table)
    cells = [[str(cell) for cell in column.cells] for column in table.columns]
    return [list(row) for row in zip(*cells, strict=True)]
