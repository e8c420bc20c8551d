"""Terminal faults: a terminal resized under the app, and NO_COLOR in a real terminal (tmux)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from gok_tui.app import GokApp
from gok_tui.screens.deployments import DeploymentsScreen
from gok_tui.screens.rollout import RolloutScreen
from gok_tui.widgets.resource_table import ResourceTable
from textual.pilot import Pilot

from tests.integration.helpers import deployment
from tests.kubefake import FakeKube
from tests.ui.helpers import SIZE, make_app, screen_text, table_keys, until
from tests.ui.pty_app import sgr_colours
from tests.ui.tmux import SGR, fake_api_server, require_tmux, start_terminal

# -- resize -------------------------------------------------------------------------------------

NAMES = ("api", "web", "worker")
KEYS = [f"default/{name}" for name in NAMES]


def row_names(text: str) -> list[str]:
    """First word of each table row on screen: what a person reads as the deployments listed."""
    return [
        line.split()[0] for line in text.splitlines() if line.split()[:1] in ([n] for n in NAMES)
    ]


def assert_fits(text: str, width: int, height: int) -> None:
    lines = text.splitlines()
    assert len(lines) == height and all(len(line) <= width for line in lines), text


async def assert_keys_still_work(pilot: Pilot, app: GokApp) -> None:
    """j moves to web, enter opens its rollout panel, escape comes back to the same row."""
    table = app.screen.query_one(ResourceTable)
    assert table.selected_key() == "default/api"
    await pilot.press("j")
    await until(pilot, lambda: table.selected_key() == "default/web", what="j moves down")
    await pilot.press("enter")
    await until(
        pilot,
        lambda: (
            isinstance(app.screen, RolloutScreen)
            and "2/2 of the newest revision ready" in screen_text(app)
        ),
        what="enter opens web's rollout panel",
    )
    assert "Rollout(default/web)" in screen_text(app)
    await pilot.press("escape")
    await until(pilot, lambda: isinstance(app.screen, DeploymentsScreen), what="escape goes back")
    assert app.screen.query_one(ResourceTable).selected_key() == "default/web"
    assert_fits(screen_text(app), *app.size)


async def back_to_80x24(pilot: Pilot, app: GokApp) -> None:
    await pilot.resize_terminal(80, 24)
    await until(
        pilot,
        lambda: app.size == (80, 24) and row_names(screen_text(app)) == list(NAMES),
        what="all rows back at 80x24",
    )
    assert_fits(screen_text(app), 80, 24)


def apply_deployments(fake_kube: FakeKube) -> None:
    for name, replicas in zip(NAMES, (1, 2, 1), strict=True):
        fake_kube.apply_object(deployment(name, replicas=replicas))


async def test_deployments_survive_40x10_and_keys_work_after_resizing_back(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    apply_deployments(fake_kube)
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: table_keys(app) == KEYS, what="three deployments")
        await until(pilot, lambda: row_names(screen_text(app)) == list(NAMES), what="rows shown")

        await pilot.resize_terminal(40, 10)
        await until(
            pilot,
            lambda: app.size == (40, 10) and "Deployments(default)[3]" in screen_text(app),
            what="the view at 40x10",
        )
        small = screen_text(app)
        assert_fits(small, 40, 10)
        assert row_names(small) == list(NAMES), f"rows gone at 40x10:\n{small}"
        assert table_keys(app) == KEYS

        await back_to_80x24(pilot, app)
        await assert_keys_still_work(pilot, app)
    assert app.return_code in (None, 0), "the app ended with an error"


async def test_degenerate_sizes_then_back(fake_kube: FakeKube, fake_kubeconfig: Path) -> None:
    """A tmux pane squeezed to nothing, a phone-width SSH client, a huge monitor."""
    apply_deployments(fake_kube)
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: row_names(screen_text(app)) == list(NAMES), what="rows shown")
        for width, height in ((1, 1), (2, 2), (10, 3), (5, 40), (200, 60), (40, 10)):
            await pilot.resize_terminal(width, height)
            await until(
                pilot, lambda w=width, h=height: app.size == (w, h), what=f"{width}x{height}"
            )
            await pilot.pause(0.1)  # a few refresh ticks at this size
            assert_fits(screen_text(app), width, height)
        await back_to_80x24(pilot, app)
        await assert_keys_still_work(pilot, app)
    assert app.return_code in (None, 0), "the app ended with an error"


# -- NO_COLOR in a real terminal -------------------------------------------------------------

# 256-colour indexes that are greys: black/white/grey of the 16, the cube's diagonal, the ramp
GREY_256 = {0, 7, 8, 15, *(16 + 43 * k for k in range(6)), *range(232, 256)}
GREY_BASIC = {30, 37, 39, 40, 47, 49, 90, 97, 100, 107}


def is_grey(colour: str) -> bool:
    parts = [int(p) for p in colour.split(";")]
    if len(parts) == 3:
        return parts[2] in GREY_256
    if len(parts) == 5:
        return parts[2] == parts[3] == parts[4]
    return parts[0] in GREY_BASIC


def is_foreground(colour: str) -> bool:
    code = int(colour.split(";")[0])
    return code == 38 or 30 <= code <= 37 or 90 <= code <= 97


def test_the_colour_parser_sees_what_a_terminal_would_paint() -> None:
    escaped = (
        "\x1b[38;2;255;0;0mred\x1b[48;5;196mbg\x1b[0m\x1b[38;5;244;1mgrey bold"
        "\x1b[38:2:10:10:10mcolons\x1b[31;7m\x1b[mplain"
    )
    colours = sgr_colours(escaped)
    assert colours == ["38;2;255;0;0", "48;5;196", "38;5;244", "38;2;10;10;10", "31"]
    assert [is_grey(c) for c in colours] == [False, False, True, True, False]
    assert [is_foreground(c) for c in colours] == [True, False, True, True, True]


@pytest.fixture(scope="module")
def shop_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The demo shop (shop-web 3 replicas, shop-api 2) in its own process, for the module."""
    require_tmux()
    with fake_api_server(tmp_path_factory.mktemp("kubefake")) as kubeconfig:
        yield kubeconfig


def capture_deployments(
    kubeconfig: Path, home: Path, extra_env: str = "", unset: tuple[str, ...] = ()
) -> tuple[str, str]:
    """gok-tui at 80x24 until both rows are painted ready; the screen as text and as escaped
    (one capture: the AGE column ticks between two)."""
    term = start_terminal(kubeconfig, home, extra_env, unset=unset)
    try:
        term.wait_until(
            lambda screen: "3/3" in screen and "2/2" in screen and "Deployments(" in screen,
            "both deployments ready, under the view's title",
        )
        escaped = term.escaped_screen()
        return SGR.sub("", escaped), escaped
    finally:
        term.close()


@pytest.fixture(scope="module")
def no_color_screen(shop_server: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    return capture_deployments(shop_server, tmp_path_factory.mktemp("home"), extra_env="NO_COLOR=1")


@pytest.fixture(scope="module")
def colour_screen(shop_server: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    return capture_deployments(shop_server, tmp_path_factory.mktemp("home"), unset=("NO_COLOR",))


def test_no_color_shows_the_deployments_table(no_color_screen: tuple[str, str]) -> None:
    plain, escaped = no_color_screen
    assert "Deployments(default)[2]" in plain
    rows = [line.split()[:2] for line in plain.splitlines() if line.startswith(" shop-")]
    assert rows == [["shop-api", "2/2"], ["shop-web", "3/3"]], plain
    assert "\x1b" not in plain, f"an escape sequence that is not SGR: {escaped!r}"


def test_no_color_paints_no_colour_not_even_grey(no_color_screen: tuple[str, str]) -> None:
    _, escaped = no_color_screen
    assert SGR.search(escaped), "the capture carries styles at all (else this proves nothing)"
    assert sgr_colours(escaped) == []


def test_without_no_color_the_same_screen_is_in_colour(colour_screen: tuple[str, str]) -> None:
    """The control: the parser and the capture do see hue when there is some."""
    plain, escaped = colour_screen
    assert "Deployments(default)[2]" in plain
    assert [c for c in sgr_colours(escaped) if not is_grey(c)] != []
