"""Keys typed in one burst right after ``/`` or ``:`` go to the prompt, not to the view.

Over SSH, or with ``tmux send-keys '/restart'``, the terminal hands the app a whole word at
once: every key is queued before the first one is handled. Pilot's ``press`` waits for the
app to go idle after each key, so these tests queue the keys the way a terminal does.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from gok_tui.app import GokApp
from gok_tui.screens.base import BaseScreen
from gok_tui.screens.deployments import DeploymentsScreen
from gok_tui.screens.pods import PodsScreen
from gok_tui.widgets.command_line import CommandLine
from gok_tui.widgets.resource_table import ResourceTable
from textual import events
from textual.keys import key_to_character
from textual.pilot import Pilot

from tests.integration.helpers import bare_pod, deployment
from tests.kubefake import FakeKube
from tests.ui.helpers import SIZE, make_app, screen_text, table_keys, until
from tests.ui.tmux import fake_api_server, start_terminal


def burst(app: GokApp, *keys: str) -> None:
    """Queue every key at once, as a terminal delivers a burst (no waiting in between); keys
    by Textual's names (``slash``, ``enter``), letters as themselves."""
    for key in keys:
        app.post_message(events.Key(key, key_to_character(key)))


def prompt(app: GokApp) -> CommandLine:
    return app.screen.query_one(CommandLine)


async def settle(pilot: Pilot) -> None:
    for _ in range(5):
        await pilot.pause(0.05)


async def deployments_up(pilot: Pilot, fake_kube: FakeKube) -> None:
    app = pilot.app
    await until(pilot, lambda: table_keys(app) == ["default/api", "default/web"])  # type: ignore[arg-type]
    assert isinstance(app.focused, ResourceTable)


async def test_a_filter_typed_in_one_burst_goes_into_the_prompt(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.apply_object(deployment("web", replicas=1))
    fake_kube.apply_object(deployment("api", replicas=1))
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await deployments_up(pilot, fake_kube)
        screen = app.screen
        burst(app, "slash", *"restart")  # r restarts, s scales, t... : none of them may run
        await settle(pilot)
        assert app.screen is screen, f"another screen opened: {app.screen!r}"
        assert len(app.screen_stack) == 1
        assert prompt(app).value == "restart"
        assert prompt(app).is_open
        assert app.focused is prompt(app), f"focus is on {app.focused!r}"
        assert screen._filter_text == "restart"  # type: ignore[attr-defined]
        assert table_keys(app) == []
        assert "restart" not in " ".join(message.text for message in app.messages)
        # more of the same burst: the prompt keeps taking keys, enter keeps the filter
        burst(app, "backspace", "backspace", "backspace", "backspace", "backspace", "enter")
        await settle(pilot)
        assert not prompt(app).is_open
        assert isinstance(app.focused, ResourceTable)
        assert screen._filter_text == "re"  # type: ignore[attr-defined]


async def test_a_filter_burst_ended_by_escape_closes_and_clears_it(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.apply_object(deployment("web", replicas=1))
    fake_kube.apply_object(deployment("api", replicas=1))
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await deployments_up(pilot, fake_kube)
        screen = app.screen
        burst(app, "slash", *"web", "escape")
        await settle(pilot)
        assert app.screen is screen and len(app.screen_stack) == 1
        assert not prompt(app).is_open
        assert isinstance(app.focused, ResourceTable)
        assert screen._filter_text == ""  # type: ignore[attr-defined]
        assert table_keys(app) == ["default/api", "default/web"]
        assert "/web" not in screen_text(app)


async def test_a_command_typed_in_one_burst_runs_whole(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.apply_object(deployment("web", replicas=1))
    fake_kube.apply_object(deployment("api", replicas=1))
    fake_kube.apply_object(bare_pod("lonely"))
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await deployments_up(pilot, fake_kube)
        assert isinstance(app.screen, DeploymentsScreen)
        burst(app, "colon", *"pods", "enter")
        await until(
            pilot,
            lambda: isinstance(app.screen, PodsScreen) and "default/lonely" in table_keys(app),
            what="the Pods view",
        )
        assert "unknown command" not in screen_text(app)
        assert not prompt(app).is_open
        # and back, in one burst again, from a view whose keys differ
        burst(app, "colon", *"deploy", "enter")
        await until(pilot, lambda: isinstance(app.screen, DeploymentsScreen), what="Deployments")
        assert "unknown command" not in screen_text(app)


async def test_a_command_burst_ended_by_escape_runs_nothing(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.apply_object(deployment("web", replicas=1))
    fake_kube.apply_object(deployment("api", replicas=1))
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await deployments_up(pilot, fake_kube)
        screen = app.screen
        burst(app, "colon", *"pods", "escape")
        await settle(pilot)
        assert app.screen is screen and len(app.screen_stack) == 1
        assert isinstance(screen, BaseScreen)
        assert not prompt(app).is_open
        assert isinstance(app.focused, ResourceTable)
        assert "unknown command" not in screen_text(app)


def test_bursts_in_a_real_terminal(tmp_path: Path) -> None:
    """What QA did: ``tmux send-keys '/shop-api'`` hands the app the whole word at once."""
    with fake_api_server(tmp_path) as kubeconfig:
        home = tmp_path / "home"
        home.mkdir()
        terminal = start_terminal(kubeconfig, home)
        try:
            terminal.wait_for("shop-web")
            terminal.wait_for("Deployments(default)[2]")

            def send(*words: str) -> None:  # one tmux call: one burst
                subprocess.run(["tmux", "send-keys", "-t", terminal.session, *words], check=True)

            send("/shop-api")
            terminal.wait_for("[1/2]")
            time.sleep(0.5)  # anything the burst set off has had time to show
            screen = terminal.screen()
            assert "/shop-api" in screen, screen
            assert "now 3 replicas" not in screen and "restart" not in screen.lower(), screen
            send("Enter")
            terminal.wait_for("Deployments(default)[1/2]")
            time.sleep(0.5)  # a lone ESC followed at once by another key reads as alt+key
            send("Escape")
            terminal.wait_for("Deployments(default)[2]")
            time.sleep(0.5)

            send(":ing", "Enter")
            terminal.wait_for("Ingress routes(default)[2]")
            assert "unknown command" not in terminal.screen()
        finally:
            terminal.close()
