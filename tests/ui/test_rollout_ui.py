"""The rollout panel follows any rollout of a Deployment, not only one started here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gok_tui.screens.rollout import RolloutScreen

from tests.integration.helpers import deployment
from tests.kubefake import FakeKube
from tests.ui.helpers import SIZE, make_app, screen_text, table_keys, until


def image_of(pod: dict[str, Any]) -> str:
    return pod["spec"]["containers"][0]["image"]


async def test_panel_follows_a_rollout_started_elsewhere_to_completion(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.apply_object(deployment("web", image="web:1", replicas=2))
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: table_keys(app) == ["default/web"])
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, RolloutScreen))
        await until(pilot, lambda: "COMPLETE" in screen_text(app), what="rollout complete")
        text = screen_text(app)
        assert "rev 1" in text and "2/2 ready" in text and "web:1" in text

        # someone else (kubectl, CI) rolls out web:2, whose pods do not become ready
        fake_kube.pod_readiness = lambda pod: image_of(pod) != "web:2"
        fake_kube.apply_object(deployment("web", image="web:2", replicas=2))
        await until(pilot, lambda: "PROGRESSING" in screen_text(app), what="progressing")
        await until(pilot, lambda: "rev 2" in screen_text(app) and "rev 1" in screen_text(app))
        # the new revision's pod is listed under it, running but not ready
        await until(pilot, lambda: "Running 0/1" in screen_text(app), what="unready new pod")
        text = screen_text(app)
        assert "0/2 of the newest revision ready" in text
        assert "web:2" in text and "progress deadline 600 s" in text

        fake_kube.pod_readiness = "auto"
        await until(pilot, lambda: "COMPLETE" in screen_text(app), timeout=10, what="completes")
        await until(pilot, lambda: "rev 1" not in screen_text(app), what="old RS scaled away")
        assert "2/2 of the newest revision ready" in screen_text(app)


async def test_panel_for_a_deleted_deployment_says_so(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.apply_object(deployment("web", replicas=1))
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: table_keys(app) == ["default/web"])
        await pilot.press("enter")
        await until(pilot, lambda: "COMPLETE" in screen_text(app))
        fake_kube.delete_object("deployments", "default", "web")
        await until(pilot, lambda: "deployment web does not exist in default" in screen_text(app))
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, RolloutScreen))
