"""Conditions an SRE meets over SSH: a slow API server, a tiny terminal, NO_COLOR."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from gok_tui.screens.help import HelpScreen
from gok_tui.screens.rollout import RolloutScreen
from gok_tui.widgets.confirm import ConfirmModal, ReplicaPrompt

from tests.integration.helpers import deployment
from tests.kubefake import FakeKube
from tests.ui.helpers import SIZE, make_app, screen_text, table_keys, until
from tests.ui.test_tmux_session import Terminal, fake_server, start_terminal  # noqa: F401

SGR = re.compile(r"\x1b\[([0-9;]*)m")


async def test_keys_are_answered_while_a_slow_server_is_still_answering(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.apply_object(deployment("web", replicas=1))
    fake_kube.apply_object(deployment("api", replicas=1))
    fake_kube.latency = 1.5  # every request waits this long before its answer
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen), timeout=1.0)
        await pilot.press("escape")
        assert table_keys(app) == [], "help answered before the first list did"
        await until(pilot, lambda: len(table_keys(app)) == 2, timeout=10, what="rows arrive")

        fake_kube.latency = 0.5
        await pilot.press("s")  # the replica prompt needs no request
        await until(pilot, lambda: isinstance(app.screen, ReplicaPrompt), timeout=1.0)
        await pilot.press("plus", "enter")  # planning reads the Deployment and its HPAs
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen), timeout=1.0)
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal), timeout=10)
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, RolloutScreen), timeout=15)
        assert fake_kube.get_object("deployments", "default", "api")["spec"]["replicas"] == 2


async def test_a_40x10_terminal_and_back(fake_kube: FakeKube, fake_kubeconfig: Path) -> None:
    fake_kube.apply_object(deployment("web", replicas=1))
    fake_kube.apply_object(deployment("api", replicas=1))
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: len(table_keys(app)) == 2)
        await pilot.resize_terminal(40, 10)
        await until(pilot, lambda: "Deployments(default)[2]" in screen_text(app))
        await pilot.press("j", "enter")  # still usable at 40x10: web's rollout panel
        await until(pilot, lambda: "Rollout(default/web)" in screen_text(app))
        await pilot.press("escape")
        await pilot.resize_terminal(80, 24)
        await until(pilot, lambda: "api" in screen_text(app) and "web" in screen_text(app))
        lines = screen_text(app).splitlines()
        assert len(lines) == 24 and all(len(line) <= 80 for line in lines)


@pytest.fixture
def no_color_terminal(fake_server: Path, tmp_path: Path) -> Iterator[Terminal]:  # noqa: F811
    term = start_terminal(fake_server, tmp_path, "NO_COLOR=1")
    yield term
    term.close()


GREY_256 = {0, 7, 8, 15, 16, 231, *range(232, 256)}
GREY_BASIC = {30, 37, 40, 47, 90, 97, 100, 107}


def chromatic_colours(escaped_screen: str) -> list[str]:
    """Every SGR colour that is not a grey: hue is what NO_COLOR asks an app to leave out."""
    found = []
    for params in SGR.findall(escaped_screen):
        codes = [int(p) for p in params.split(";") if p.isdigit()]
        i = 0
        while i < len(codes):
            code = codes[i]
            if code in (38, 48) and i + 2 < len(codes) and codes[i + 1] == 5:
                if codes[i + 2] not in GREY_256:
                    found.append(f"{code};5;{codes[i + 2]}")
                i += 3
            elif code in (38, 48) and i + 4 < len(codes) and codes[i + 1] == 2:
                r, g, b = codes[i + 2 : i + 5]
                if not r == g == b:
                    found.append(f"{code};2;{r};{g};{b}")
                i += 5
            else:
                if (30 <= code <= 37 or 40 <= code <= 47 or 90 <= code <= 107) and (
                    code not in GREY_BASIC
                ):
                    found.append(str(code))
                i += 1
    return found


def test_no_color_paints_in_greys_only(no_color_terminal: Terminal) -> None:
    """Textual honours NO_COLOR by painting in greys (the cursor row still stands out);
    nothing in gok-tui may carry meaning by hue alone, so the text must say it."""
    no_color_terminal.wait_for("shop-web")
    escaped = subprocess.run(
        ["tmux", "capture-pane", "-e", "-p", "-t", no_color_terminal.session],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Deployments(default)" in SGR.sub("", escaped)
    assert chromatic_colours(escaped) == []
    assert "● live" in SGR.sub("", escaped), "the connection state is said in words"
