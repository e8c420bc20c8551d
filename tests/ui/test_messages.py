"""M (or :messages) shows every toast of the session in full, after it vanished."""

from __future__ import annotations

from pathlib import Path

from gok_tui.screens.messages import MessagesScreen
from gok_tui.screens.views import DeploymentsScreen

from tests.kubefake import FakeKube
from tests.ui.helpers import SIZE, make_app, screen_text, until


async def test_a_vanished_error_toast_is_readable_whole_in_messages(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    word = "no-such-command-" + "x" * 70 + "-end"
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: isinstance(app.screen, DeploymentsScreen))
        await pilot.press("colon", *word, "enter")
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
