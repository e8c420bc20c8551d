"""The confirm modal's keys: on a production context, where the object's name is typed, the
plan scrolls with keys a text field does not use, and the field keeps every letter."""

from __future__ import annotations

from pathlib import Path

from gok_tui.config.settings import Settings
from gok_tui.widgets.confirm import ConfirmModal
from textual.widgets import Input

from tests.integration.helpers import deployment
from tests.kubefake import FakeKube
from tests.ui.helpers import SIZE, make_app, screen_text, table_column, table_keys, until

SUMMARY = "undo deployment default/web from revision 2 to 1 (web:1)"
PATCHED_IMAGE = '"image": "web:1"'  # deep in the patch: below the fold at 24 rows


def image(fake: FakeKube) -> str:
    obj = fake.get_object("deployments", "default", "web")
    return obj["spec"]["template"]["spec"]["containers"][0]["image"]


async def test_production_confirm_scrolls_the_plan_while_the_name_field_keeps_focus(
    fake_kube: FakeKube, tmp_path: Path
) -> None:
    kubeconfig = fake_kube.write_kubeconfig(tmp_path / "kc", context="prod-eu")
    app = make_app(kubeconfig, settings=Settings(production_contexts=("prod-*",)))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        for revision, tag in enumerate(("web:1", "web:2"), start=1):
            fake_kube.apply_object(deployment("web", image=tag, replicas=1))
            await until(pilot, lambda r=revision: table_column(app, "REVISION") == [str(r)])
        await pilot.press("u")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await until(pilot, lambda: SUMMARY in screen_text(app))
        field = app.screen.query_one("#confirm-name", Input)
        assert app.focused is field
        text = screen_text(app)
        assert PATCHED_IMAGE not in text  # below the fold
        assert "PgDn" in text and "scroll" in text  # the hint says how to get there

        await pilot.press("down")  # one line: the summary goes up out of sight
        await until(pilot, lambda: SUMMARY not in screen_text(app), what="a line scrolled")
        await pilot.press("up")
        await until(pilot, lambda: SUMMARY in screen_text(app), what="back at the top")
        for _ in range(5):
            if PATCHED_IMAGE in screen_text(app):
                break
            await pilot.press("pagedown")
            await pilot.pause(0.1)
        assert PATCHED_IMAGE in screen_text(app)
        await pilot.press("pageup", "pageup", "pageup", "pageup", "pageup")
        await until(pilot, lambda: SUMMARY in screen_text(app), what="paged back to the top")
        assert app.focused is field and field.value == ""

        # names hold j and k: on production they are typed, never taken as scrolling
        await pilot.press("j", "k")
        await until(pilot, lambda: field.value == "jk")
        assert SUMMARY in screen_text(app)
        await pilot.press("backspace", "backspace", *"web", "enter")
        await until(pilot, lambda: image(fake_kube) == "web:1", what="undone after the name")


async def test_a_second_press_before_the_confirm_shows_queues_no_second_confirm(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.apply_object(deployment("web", replicas=1))
    fake_kube.metrics.mode = "served"  # no "no metrics-server" line among the messages
    app = make_app(fake_kubeconfig)

    def confirms() -> int:
        return sum(isinstance(screen, ConfirmModal) for screen in app.screen_stack)

    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: table_keys(app) == ["default/web"])
        # two presses that arrive before the first plan is back (a terminal sends them so)
        await app.run_action("restart", app.screen)
        await app.run_action("restart", app.screen)
        await until(pilot, lambda: confirms() == 1, what="the confirm")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert confirms() == 1
        said = [message.text for message in app.messages]  # what M lists (the toast wraps)
        assert said == ["restart not offered: restart is still to be confirmed or cancelled"], said
        await pilot.press("escape")
        await until(pilot, lambda: confirms() == 0, what="no confirm left behind")
