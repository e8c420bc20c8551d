"""Describe shows the fresh object even when its events cannot be read, and says why."""

from __future__ import annotations

from pathlib import Path

from gok_tui.app import GokApp
from gok_tui.screens.detail import DetailScreen
from textual.widgets import Static

from tests.integration.helpers import deployment
from tests.kubefake import FakeKube
from tests.ui.helpers import SIZE, make_app, screen_text, table_keys, until


def body_text(app: GokApp) -> str:
    """The whole describe, also the part below the fold."""
    return str(app.screen.query_one("#detail-body", Static).content)


async def test_describe_says_why_events_are_not_shown_and_keeps_the_fresh_object(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.apply_object(deployment("web", image="web:1", replicas=1))
    fake_kube.forbid("events")
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: table_keys(app) == ["default/web"])
        # changed after the table read it: only the fresh read in describe knows web:2
        fake_kube.apply_object(deployment("web", image="web:2", replicas=1))
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, DetailScreen))
        await until(pilot, lambda: "web:2" in screen_text(app), timeout=10, what="fresh object")
        await until(pilot, lambda: "not shown" in body_text(app), what="why no events")
        body = body_text(app)
        assert "Events: <none>" not in body
        assert "Events: (not shown: not allowed" in body
        screen = app.screen
        assert isinstance(screen, DetailScreen) and "events" in screen.error
        assert "not allowed" in screen_text(app).splitlines()[1]  # the title says it too


async def test_describe_lists_events_it_may_read(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.apply_object(deployment("web", replicas=1))
    fake_kube.add_event(
        "default", {"kind": "Deployment", "name": "web"}, "ScalingReplicaSet", "scaled up to 1"
    )
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: table_keys(app) == ["default/web"])
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, DetailScreen))
        await until(pilot, lambda: "ScalingReplicaSet" in body_text(app), what="the event")
        screen = app.screen
        assert isinstance(screen, DetailScreen) and screen.error == ""
