"""`:no`: how full each node is, and a drain from its key to the evicted pods."""

from __future__ import annotations

from pathlib import Path

from gok_tui.screens.nodes import NodeScreen
from gok_tui.widgets.confirm import ConfirmModal

from tests.integration.helpers import deployment
from tests.kubefake import FakeKube
from tests.ui.helpers import SIZE, make_app, screen_text, table_column, until
from tests.ui.test_actions_ui import press_and_expect_refusal


def web_with_requests(replicas: int) -> dict:
    web = deployment("web", replicas=replicas)
    resources = {"requests": {"cpu": "250m", "memory": "128Mi"}}
    web["spec"]["template"]["spec"]["containers"][0]["resources"] = resources
    return web


def web_uids(fake: FakeKube) -> set[str]:
    return {
        pod["metadata"]["uid"]
        for pod in fake.list_objects("pods", "default")
        if (pod["metadata"].get("labels") or {}).get("app") == "web"
        and (pod.get("spec") or {}).get("nodeName")
    }


async def test_node_view_counts_requests_and_a_drain_is_confirmed_then_evicts(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.apply_object(web_with_requests(2))
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("colon", *"no", "enter")
        await until(pilot, lambda: isinstance(app.screen, NodeScreen))
        await until(pilot, lambda: table_column(app, "PODS") == ["2/110"], what="2 pods")
        assert table_column(app, "CPU") == ["500m/4 (12%)"]
        assert table_column(app, "MEMORY") == ["256Mi/8Gi (3%)"]
        running = web_uids(fake_kube)
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal), what="drain confirm")
        text = screen_text(app)
        assert "drain node fake-node-1: cordon, then evict 2 pods" in text
        assert "(default/web-" in text and "PodDisruptionBudgets are honoured" in text
        assert "context   fake" in text and "namespace (cluster-scoped)" in text
        assert "schedulable, 2 pods to evict  ->  unschedulable" in text
        assert "then (2) evict pod default/web-" in text
        assert web_uids(fake_kube) == running  # nothing sent before the confirm
        await pilot.press("y")
        await until(pilot, lambda: not (web_uids(fake_kube) & running), what="pods evicted")
        await until(
            pilot,
            lambda: any(m.text.startswith("done: drain node fake-node-1") for m in app.messages),
            what="the drain's result",
        )
        await until(
            pilot,
            lambda: table_column(app, "STATUS") == ["Ready,SchedulingDisabled"],
            what="the node cordoned",
        )
        await pilot.press("ctrl+z")  # evictions have no inverse: said, not another undone
        said = "your last action cannot be undone with ctrl+z: drain node fake-node-1"
        await until(pilot, lambda: any(m.text.startswith(said) for m in app.messages))
        assert any("u on :no uncordons it" in m.text for m in app.messages)


async def test_node_keys_are_refused_read_only(fake_kube: FakeKube, fake_kubeconfig: Path) -> None:
    app = make_app(fake_kubeconfig, readonly=True)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("colon", *"no", "enter")
        await until(pilot, lambda: table_column(app, "NAME") == ["fake-node-1"])
        await press_and_expect_refusal(pilot, "r", "drain")
        await press_and_expect_refusal(pilot, "c", "cordon")
    node = fake_kube.get_object("nodes", None, "fake-node-1")
    assert node is not None and not (node.get("spec") or {}).get("unschedulable")


async def test_cordon_then_ctrl_z_uncordons(fake_kube: FakeKube, fake_kubeconfig: Path) -> None:
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("colon", *"no", "enter")
        await until(pilot, lambda: table_column(app, "STATUS") == ["Ready"])
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal), what="cordon confirm")
        assert "schedulable  ->  unschedulable" in screen_text(app)
        await pilot.press("y")
        await until(pilot, lambda: table_column(app, "STATUS") == ["Ready,SchedulingDisabled"])
        await pilot.press("ctrl+z")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal), what="uncordon confirm")
        assert "unschedulable  ->  schedulable" in screen_text(app)
        await pilot.press("y")
        await until(pilot, lambda: table_column(app, "STATUS") == ["Ready"], what="uncordoned")
