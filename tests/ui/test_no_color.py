"""NO_COLOR=1: not one colour code in the bytes gok-tui writes to its terminal, and what colour
marked (the cursor row) still shows, in reverse video. The console script in a pty."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pyte.screens import Char

from tests.ui.pty_app import PtyApp, gok_tui, sgr_colours
from tests.ui.tmux import SGR, fake_api_server

ALLOWED = {0, 1, 2, 3, 4, 5, 7, 8, 9, 21, 22, 23, 24, 25, 27, 28, 29, 53, 55}  # no colours


def colour_parameters(output: bytes) -> list[str]:
    """Every SGR parameter list that sets or resets a colour (38/48/58 and 30-49, 90-107)."""
    text = output.decode("utf-8", "replace")
    return [
        params
        for params in SGR.findall(text)
        if any(int(p) not in ALLOWED for p in re.split("[;:]", params) if p.isdigit())
    ]


def highlighted_rows(app: PtyApp, how: Callable[[Char], bool]) -> list[str]:
    """The text of each screen line with cells drawn ``how``."""
    screen = app.screen
    rows = [screen.buffer[y] for y in range(screen.lines)]
    return [
        "".join(cell.data for cell in row.values() if how(cell)).strip()
        for row in rows
        if any(how(cell) for cell in row.values())
    ]


def in_reverse(cell: Char) -> bool:
    return bool(cell.reverse)


def on_a_background(cell: Char) -> bool:
    return cell.bg != "default" and not cell.reverse


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    with fake_api_server(tmp_path_factory.mktemp("kubefake")) as kubeconfig:
        yield kubeconfig


def walk(app: PtyApp, cursor: Callable[[Char], bool]) -> None:
    """The table, the cursor moved (seen as ``cursor`` cells), help, describe, the prompt,
    then quit."""
    app.wait_for(lambda s: "shop-web" in s and "3/3" in s, "both deployments")
    app.keys(b"j")
    app.wait_for(
        lambda s: any(line.startswith("shop-web") for line in highlighted_rows(app, cursor)),
        "the cursor on shop-web",
    )
    app.keys(b"?")
    app.wait_for(lambda s: "table.filter" in s, "help")
    app.keys(b"\x1b")
    app.wait_for(lambda s: "Deployments(default)" in s, "back from help")
    app.keys(b"d")
    app.wait_for(lambda s: "Replicas:" in s, "describe")
    app.keys(b"\x1b")
    app.wait_for(lambda s: "Deployments(default)" in s, "back from describe")
    app.keys(b":")
    app.wait_for(lambda s: "deploy" in s.splitlines()[-2], "the prompt")
    app.keys(b"\x1b")  # a key right after a lone ESC would read as alt+key
    app.wait_for(lambda s: "deploy" not in s.splitlines()[-2], "the prompt closed")
    app.keys(b"q")
    assert app.wait_exit(timeout=5) is not None


def test_no_color_sends_no_colour_code_at_all(shop: Path, tmp_path: Path) -> None:
    with gok_tui(shop, tmp_path, NO_COLOR="1") as app:
        walk(app, cursor=in_reverse)
        output = bytes(app.output)
    assert SGR.search(output.decode()), "no styles at all: this would prove nothing"
    assert colour_parameters(output) == []


def test_without_no_color_the_same_walk_is_in_colour(shop: Path, tmp_path: Path) -> None:
    """The control: the same walk, the same parser, and colours are found."""
    with gok_tui(shop, tmp_path) as app:
        walk(app, cursor=on_a_background)
        output = bytes(app.output)
    assert colour_parameters(output) != []
    assert sgr_colours(output.decode()) != []
