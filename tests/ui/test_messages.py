"""M (or :messages) shows every toast of the session in full, after it vanished."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from gok_tui.app import MESSAGES_KEPT, GokApp
from gok_tui.screens.deployments import DeploymentsScreen
from gok_tui.screens.messages import MessagesScreen

from tests.kubefake import FakeKube
from tests.ui.helpers import SIZE, make_app, press_at_once, screen_text, until


async def test_a_vanished_error_toast_is_readable_whole_in_messages(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    word = "no-such-command-" + "x" * 70 + "-end"
    fake_kube.metrics.mode = "served"  # no "no metrics-server" line among the messages
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: isinstance(app.screen, DeploymentsScreen))
        await pilot.press("colon")
        await press_at_once(pilot, *word, "enter")  # the prompt takes a burst whole
        await until(pilot, lambda: "unknown command" in screen_text(app), what="the toast")
        app.clear_notifications()  # as its timeout would
        await until(pilot, lambda: "-end" not in screen_text(app), what="the toast gone")
        await pilot.press("colon", *"ns Bad_NS", "enter")
        await until(pilot, lambda: "not a namespace name" in screen_text(app), what="toast 2")
        app.clear_notifications()

        await pilot.press("M")
        await until(pilot, lambda: isinstance(app.screen, MessagesScreen), what="messages")
        text = screen_text(app)
        assert "Messages[2]" in text
        said = f"unknown command '{word}' (try :help)"
        assert "".join(said.split()) in "".join(text.split())  # wrapped, but whole
        newest, oldest = text.index("Bad_NS"), text.index("unknown command")
        assert newest < oldest and "ERROR" in text
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, DeploymentsScreen), what="back")

        await pilot.press("colon", *"messages", "enter")
        await until(pilot, lambda: isinstance(app.screen, MessagesScreen), what=":messages")


def _tick(app: GokApp) -> None:
    app._tick()


def _probe_answer(app: GokApp) -> None:
    answer = app.ClusterProbed(app.session.generation, "live", time.monotonic())
    app.on_gok_app_cluster_probed(answer)


def _switch_namespace(app: GokApp) -> None:
    app.run_command("ns kube-system")  # refreshes the shown screen's cluster bar, then ticks


@pytest.mark.parametrize("poke", [_tick, _probe_answer, _switch_namespace])
async def test_messages_pushed_but_not_composed_yet_survives_a_tick_or_a_probe_answer(
    fake_kube: FakeKube, fake_kubeconfig: Path, poke: Callable[[GokApp], None]
) -> None:
    """push_screen attaches the screen at once and composes it later: whatever runs in
    between (the drain tick, a probe's answer, a :ns) must not query its widgets."""
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, DeploymentsScreen))
        for round_ in range(3):
            note = f"note {round_}"
            app.notify(note)
            app.action_messages()
            screen = app.screen
            assert isinstance(screen, MessagesScreen) and not screen.is_mounted
            poke(app)  # in the same step as the push: the screen has no widgets yet
            await until(pilot, lambda note=note: note in screen_text(app), what="messages")
            await pilot.press("escape")
            await until(pilot, lambda: isinstance(app.screen, DeploymentsScreen), what="back")
        assert app.is_running and app.return_code is None


async def test_messages_keep_coming_once_the_kept_number_is_reached(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, DeploymentsScreen))
        before = len(app.messages)
        for number in range(MESSAGES_KEPT):
            app.notify(f"note {number}")
        await pilot.press("M")
        await until(pilot, lambda: f"note {MESSAGES_KEPT - 1}" in screen_text(app), what="full")
        app.notify("the newest note")
        await until(pilot, lambda: "the newest note" in screen_text(app), what="one more")
        total = before + MESSAGES_KEPT + 1
        assert f"Messages[{total}] (newest {MESSAGES_KEPT})" in screen_text(app)


async def test_a_long_toast_is_cut_and_points_at_the_messages_view(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    long = "registry refused: " + " ".join(f"layer{n:03}" for n in range(60)) + " END"
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: isinstance(app.screen, DeploymentsScreen))
        app.notify(long, severity="error")
        await until(pilot, lambda: "(M shows all)" in screen_text(app), what="the cut toast")
        assert "END" not in screen_text(app)
        app.clear_notifications()
        await pilot.press("M")
        await until(pilot, lambda: isinstance(app.screen, MessagesScreen))
        assert "".join(long.split()) in "".join(screen_text(app).split())


async def test_a_connection_error_cut_in_the_title_is_in_messages_once(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.forbid("deployments")
    said = "deployments: not allowed: list deployments in namespace default"
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: "not allowed" in screen_text(app), what="the error")
        title = screen_text(app).splitlines()[1]
        assert said not in title, "whole in the title at 80 columns: this proves nothing"

        def lists() -> int:
            return sum(
                1
                for r in fake_kube.requests
                if r.path.endswith("/deployments") and r.query.get("watch") is None
            )

        await until(pilot, lambda: lists() >= 3, what="two retries", timeout=10)
        await pilot.pause(0.3)  # ticks after the last retry
        errors = [m.text for m in app.messages if said in m.text]
        assert len(errors) == 1, errors
        assert errors[0].startswith(said)
        await pilot.press("M")
        await until(pilot, lambda: isinstance(app.screen, MessagesScreen), what="messages")
        assert "".join(said.split()) in "".join(screen_text(app).split())
