"""The scale prompt as a person types into it: what the count becomes, and what is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from gok_tui.app import GokApp
from gok_tui.config.settings import Settings
from gok_tui.widgets.command_line import CommandLine
from gok_tui.widgets.confirm import ConfirmModal, ReplicaPrompt
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input

from tests.integration.helpers import deployment
from tests.kubefake import FakeKube
from tests.ui.helpers import SIZE, make_app, screen_text, table_column, until


def replicas(fake: FakeKube, name: str = "web") -> int:
    return fake.get_object("deployments", "default", name)["spec"]["replicas"]


async def scale_to(app: GokApp, pilot: Pilot[None], *keys: str) -> str:
    """Open the scale prompt, type these keys and enter: the change the confirm modal shows."""
    await pilot.press("s")
    await until(pilot, lambda: isinstance(app.screen, ReplicaPrompt))
    await pilot.press(*keys, "enter")
    await until(pilot, lambda: isinstance(app.screen, ConfirmModal), what="confirm modal")
    change = next(line for line in screen_text(app).splitlines() if "change" in line)
    await pilot.press("escape")
    await until(pilot, lambda: not isinstance(app.screen, ConfirmModal))
    return " ".join(change.replace("█", "").split())


async def test_digits_typed_in_the_scale_prompt_replace_the_count_or_follow_a_step(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.apply_object(deployment("web", replicas=9))
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: table_column(app, "READY") == ["9/9"])
        assert await scale_to(app, pilot, "5") == "change 9 replicas -> 5 replicas"
        assert await scale_to(app, pilot, "plus", "5") == "change 9 replicas -> 105 replicas"
        assert await scale_to(app, pilot, "minus", "2") == "change 9 replicas -> 82 replicas"
        assert await scale_to(app, pilot, "plus", "backspace", "2") == (
            "change 9 replicas -> 12 replicas"
        )
        assert replicas(fake_kube) == 9


async def test_a_negative_or_non_numeric_count_says_so_and_cannot_be_confirmed(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.apply_object(deployment("web", replicas=2))
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: table_column(app, "READY") == ["2/2"])
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, ReplicaPrompt))
        await pilot.press("backspace")
        await until(pilot, lambda: "type a number of replicas" in screen_text(app))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReplicaPrompt)
        await pilot.press("x")
        await until(pilot, lambda: "not a whole number: x" in screen_text(app))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReplicaPrompt)
        await pilot.press("backspace")
        app.post_message(events.Paste("-5"))  # a bracketed paste, as a terminal sends one
        await until(pilot, lambda: "replicas cannot be negative" in screen_text(app))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReplicaPrompt)
        await pilot.press("ctrl+u")  # clear the line
        app.post_message(events.Paste("2147483648"))
        await until(pilot, lambda: "at most 2147483647 replicas" in screen_text(app))
        await pilot.press("ctrl+u")
        app.post_message(events.Paste("9" * 5000))  # more digits than Python's int() reads
        await until(pilot, lambda: "at most 2147483647 replicas" in screen_text(app))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReplicaPrompt)
        await pilot.press("ctrl+u")  # clear the line
        app.post_message(events.Paste("-5"))
        await pilot.press("plus", "3")  # a step out of a negative count starts from none
        await until(pilot, lambda: "cannot be negative" not in screen_text(app))
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal), what="confirm modal")
        assert "2 replicas  ->  3 replicas" in screen_text(app)
        assert replicas(fake_kube) == 2


async def test_a_step_keeps_a_count_that_is_not_a_number(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.apply_object(deployment("web", replicas=2))
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: table_column(app, "READY") == ["2/2"])
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, ReplicaPrompt))
        await pilot.press(*"70abc")
        await until(pilot, lambda: "not a whole number: 70abc" in screen_text(app))
        for step in ("plus", "minus", "up", "down"):
            await pilot.press(step)
            await pilot.pause()
            text = screen_text(app)
            assert "▊  70abc" in text, step  # what was typed is still in the field, whole
            assert "not a whole number: 70abc" in text and "step" in text, step  # and why
        await pilot.press("backspace", "backspace", "backspace", "plus")
        await until(pilot, lambda: "▊  71" in screen_text(app), what="a step from 70")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal), what="confirm modal")
        assert "2 replicas  ->  71 replicas" in screen_text(app)
        assert replicas(fake_kube) == 2


@pytest.mark.parametrize("blink", [True, False])
async def test_with_cursor_blink_off_text_fields_keep_a_steady_cursor(
    fake_kube: FakeKube, fake_kubeconfig: Path, blink: bool
) -> None:
    fake_kube.apply_object(deployment("web", replicas=1))
    app = make_app(fake_kubeconfig, settings=Settings(cursor_blink=blink))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: table_column(app, "READY") == ["1/1"])
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, ReplicaPrompt))
        assert app.screen.query_one(Input).cursor_blink is blink
        await pilot.press("escape", "colon")  # the command line is a text field too
        await until(pilot, lambda: isinstance(app.focused, CommandLine))
        assert isinstance(app.focused, Input) and app.focused.cursor_blink is blink
