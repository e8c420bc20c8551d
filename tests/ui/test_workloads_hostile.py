"""A StatefulSet whose images and change-cause carry terminal controls: its table, rollout
panel, revision list and undo confirm show them escaped, and none reaches the terminal."""

from __future__ import annotations

from pathlib import Path

from gok_tui.screens.revisions import RevisionScreen
from gok_tui.screens.rollout import RolloutScreen
from gok_tui.screens.workloads import StatefulSetsScreen
from gok_tui.widgets.confirm import ConfirmModal

from tests.integration.workload_objects import statefulset
from tests.kubefake import FakeKube, wait_until
from tests.ui.helpers import SIZE, make_app, screen_text, until
from tests.ui.terminal_bytes import CapturingDriver, foreign_controls
from tests.ui.test_hostile_terminal import BIDI, MARKERS, PAYLOAD, SHOWN


async def test_no_control_sequence_from_a_statefulset_reaches_the_terminal(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    for revision, tag in enumerate(("1", "2"), start=1):
        obj = statefulset("db", image=f"r/x{PAYLOAD}:{tag}", replicas=1)
        obj["metadata"]["annotations"] = {"kubernetes.io/change-cause": f"{PAYLOAD} {revision}"}
        fake_kube.apply_object(obj)
        wait_until(lambda r=revision: len(fake_kube.list_objects("controllerrevisions")) == r)
    app = make_app(fake_kubeconfig)
    app.driver_class = CapturingDriver
    CapturingDriver.output = []
    async with app.run_test(headless=False, size=SIZE, notifications=True) as pilot:
        await pilot.press("colon", *"sts", "enter")
        await until(pilot, lambda: isinstance(app.screen, StatefulSetsScreen))
        await until(pilot, lambda: SHOWN in screen_text(app), what="the table")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, RolloutScreen))
        await until(pilot, lambda: "rev 2" in screen_text(app) and SHOWN in screen_text(app))
        await pilot.press("h")
        await until(pilot, lambda: isinstance(app.screen, RevisionScreen))
        await until(pilot, lambda: "(2)" in screen_text(app) and SHOWN in screen_text(app))
        await pilot.press("j", "enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await until(pilot, lambda: SHOWN in screen_text(app), what="the undo confirm")
        await pilot.press("escape")
    output = "".join(CapturingDriver.output)
    assert foreign_controls(output, MARKERS) == []
    assert BIDI not in output and "\u202e" not in output
