"""StatefulSets, DaemonSets and CronJobs from their tables: key -> plan -> confirm -> the
change on the (fake) cluster; refused in read-only mode."""

from __future__ import annotations

from pathlib import Path

from gok_tui.screens.revisions import RevisionScreen
from gok_tui.screens.rollout import RolloutScreen
from gok_tui.screens.workloads import CronJobsScreen, DaemonSetsScreen, StatefulSetsScreen
from gok_tui.widgets.confirm import ConfirmModal, ReplicaPrompt

from tests.integration.workload_objects import cronjob, daemonset, pod_names, statefulset
from tests.kubefake import FakeKube
from tests.ui.helpers import SIZE, make_app, screen_text, table_column, table_keys, until
from tests.ui.notices import read_only_refusal, toast_texts


async def test_scale_a_statefulset_from_3_to_1_and_back_with_ctrl_z(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.apply_object(statefulset("db", replicas=3))
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("colon", *"sts", "enter")
        await until(pilot, lambda: isinstance(app.screen, StatefulSetsScreen))
        await until(pilot, lambda: table_column(app, "READY") == ["3/3"], what="db ready")
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, ReplicaPrompt))
        await pilot.press("minus", "minus", "enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal), what="confirm modal")
        text = screen_text(app)
        assert "statefulset default/db" in text and "3 replicas  ->  1 replicas" in text
        assert "/apis/apps/v1/namespaces/default/statefulsets/db/scale" in text
        await pilot.press("y")
        # the rollout panel opens by itself and follows the ordinals going, highest first
        await until(pilot, lambda: isinstance(app.screen, RolloutScreen), what="rollout panel")
        await until(pilot, lambda: pod_names(fake_kube, "db") == ["db-0"], what="db-1, db-2 gone")
        # the StatefulSet's feed and its pods' come apart: wait for both to say so
        await until(
            pilot,
            lambda: (
                "rolling update complete: 1 pods" in screen_text(app)
                and "db-1" not in screen_text(app)
            ),
            what="the panel: only db-0 left",
        )
        assert "sts/db" in screen_text(app) and "db-0" in screen_text(app)
        await pilot.press("escape")
        await until(pilot, lambda: table_column(app, "READY") == ["1/1"], what="table follows")
        await pilot.press("ctrl+z")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        assert "1 replicas  ->  3 replicas" in screen_text(app)


async def test_history_of_a_daemonset_lists_its_controller_revisions_and_undoes_to_one(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.apply_object(daemonset("agent", image="agent:1"))
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("colon", *"ds", "enter")
        await until(pilot, lambda: isinstance(app.screen, DaemonSetsScreen))
        await until(pilot, lambda: table_column(app, "READY") == ["1"], what="agent ready")
        fake_kube.apply_object(daemonset("agent", image="agent:2"))
        await until(pilot, lambda: table_column(app, "IMAGES") == ["agent:2"])
        await pilot.press("h")
        await until(pilot, lambda: isinstance(app.screen, RevisionScreen))
        await until(pilot, lambda: "Revisions of daemonset default/agent (2)" in screen_text(app))
        assert "CONTROLLERREVISION" in screen_text(app)
        await pilot.press("j")
        await until(pilot, lambda: "agent: image: agent:2 -> agent:1" in screen_text(app))
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        assert "revision 2  ->  revision 1" in screen_text(app)
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, RolloutScreen), what="rollout panel")
        # kubectl numbering: the old template comes back as revision 3
        await until(pilot, lambda: "rev 3" in screen_text(app) and "COMPLETE" in screen_text(app))
        assert "1 of 1 updated pods are available" in screen_text(app)
        await pilot.press("escape")
        await until(pilot, lambda: "3*   agent-" in screen_text(app), what="revision 3 current")


async def test_trigger_and_suspend_a_cronjob_after_a_confirm(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.apply_object(cronjob("tick"))
    app = make_app(fake_kubeconfig, clock=lambda: 1_767_268_800.0)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("colon", *"cj", "enter")
        await until(pilot, lambda: isinstance(app.screen, CronJobsScreen))
        await until(pilot, lambda: table_keys(app) == ["default/tick"])
        await pilot.press("t")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        assert "start job default/tick-manual-t86pc0 now from cronjob default/tick" in (
            screen_text(app)
        )
        await pilot.press("y")
        await until(
            pilot, lambda: fake_kube.get_object("jobs", "default", "tick-manual-t86pc0") is not None
        )
        await until(pilot, lambda: not isinstance(app.screen, ConfirmModal))
        await pilot.press("p")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        assert "running on schedule  ->  suspended" in screen_text(app)
        await pilot.press("y")
        await until(pilot, lambda: table_column(app, "SUSPEND") == ["True"], what="suspended")


async def test_read_only_refuses_the_workload_keys(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.apply_object(cronjob("tick"))
    app = make_app(fake_kubeconfig, readonly=True)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("colon", *"cj", "enter")
        await until(pilot, lambda: table_keys(app) == ["default/tick"])
        await pilot.press("t")
        message = read_only_refusal("trigger now")
        await until(pilot, lambda: message in toast_texts(app), what=message)
        assert fake_kube.list_objects("jobs", "default") == []
