"""A slow API server: the UI answers keys while requests are still in flight."""

from __future__ import annotations

from pathlib import Path

from gok_tui.screens.help import HelpScreen
from gok_tui.screens.rollout import RolloutScreen
from gok_tui.widgets.confirm import ConfirmModal, ReplicaPrompt

from tests.integration.helpers import deployment
from tests.kubefake import FakeKube
from tests.ui.helpers import SIZE, make_app, table_keys, until


async def test_keys_are_answered_while_a_slow_server_is_still_answering(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.apply_object(deployment("web", replicas=1))
    fake_kube.apply_object(deployment("api", replicas=1))
    # the lists are held until the test releases them, so "still in flight" does not depend
    # on how fast a loaded machine runs this test
    fake_kube.hold_lists()
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen), timeout=10)
        await pilot.press("escape")
        assert table_keys(app) == [], "help answered before the first list did"
        fake_kube.release_lists()
        await until(pilot, lambda: len(table_keys(app)) == 2, timeout=10, what="rows arrive")

        await pilot.press("s")  # the replica prompt needs no request
        await until(pilot, lambda: isinstance(app.screen, ReplicaPrompt), timeout=10)
        fake_kube.hold_lists()
        await pilot.press("plus", "enter")  # planning lists the Deployment's HPAs: held
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen), timeout=10)
        await pilot.press("escape")
        assert not isinstance(app.screen, ConfirmModal), "help answered while the plan waited"
        fake_kube.release_lists()
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal), timeout=10)
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, RolloutScreen), timeout=15)
        assert fake_kube.get_object("deployments", "default", "api")["spec"]["replicas"] == 2
