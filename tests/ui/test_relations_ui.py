"""X on a row (and :xray KIND/NAME): the object's relations as a tree you move in and open."""

from __future__ import annotations

from pathlib import Path

from gok_tui.screens.detail import DetailScreen
from gok_tui.screens.kinds import KindScreen
from gok_tui.screens.relations import RelationsScreen
from gok_tui.screens.views import PodsScreen

from tests.integration.helpers import deployment, service
from tests.kubefake import FakeKube
from tests.ui.helpers import SIZE, make_app, screen_text, table_keys, until
from tests.ui.notices import toast_texts


async def test_x_on_a_pod_shows_its_replicaset_and_deployment_and_enter_opens_one(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.apply_object(deployment("web", replicas=1))
    app = make_app(fake_kubeconfig, view="pods")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: len(table_keys(app)) == 1, what="the pod of web")
        await pilot.press("X")
        await until(pilot, lambda: isinstance(app.screen, RelationsScreen))
        await until(pilot, lambda: "related" in screen_text(app), what="the tree read")
        text = screen_text(app)
        assert "owned by ReplicaSet web-" in text
        assert "owned by Deployment web  1/1 ready" in text
        assert "runs on Node fake-node-1" in text
        await pilot.press("j", "j", "enter")  # root, ReplicaSet, Deployment
        await until(pilot, lambda: isinstance(app.screen, DetailScreen))
        await until(pilot, lambda: "Replicas:" in screen_text(app), what="describe of web")
        assert "DESCRIBE Deployment default/web" in screen_text(app)
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, RelationsScreen))
        await pilot.press("g", "space")  # the root folds
        await until(pilot, lambda: "owned by ReplicaSet" not in screen_text(app), what="fold")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, PodsScreen))


async def test_x_on_a_kind_view_row_and_xray_of_an_object_that_is_not_there(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.apply_object(service("web", {"app": "web"}))
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("colon", *"svc", "enter")
        await until(pilot, lambda: table_keys(app) == ["default/web"], what="the Service")
        await pilot.press("X")
        await until(pilot, lambda: "endpoints EndpointSlice web-" in screen_text(app))
        assert "Service web  ClusterIP" in screen_text(app)
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, KindScreen))
        await pilot.press("colon", *"xray dp/no", "enter")
        await until(pilot, lambda: isinstance(app.screen, RelationsScreen))
        await until(pilot, lambda: "Deployment no  not found" in screen_text(app))
        await pilot.press("enter")  # nothing to open: said, and the tree stays
        await until(pilot, lambda: any("nothing to open here" in t for t in toast_texts(app)))
        assert isinstance(app.screen, RelationsScreen)


def test_a_node_from_a_hostile_cluster_is_drawn_escaped() -> None:
    from gok_tui.domain.relations import RelationNode
    from gok_tui.screens.relations import node_text

    osc52 = "\x1b]52;c;cHduZWQ=\x07"
    node = RelationNode(f"Widget{osc52}", "ns", f"w{osc52}", f"\x9b31m{osc52}", "error", "owner")
    shown = node_text(node).plain
    assert "\x1b" not in shown and "\x9b" not in shown and "\x07" not in shown
    assert shown.count("^[]52;c;") == 3
