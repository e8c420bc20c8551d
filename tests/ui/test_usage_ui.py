"""Resource usage in the views (metrics.k8s.io from the fake): the pods, deployments and nodes
columns, the OOMKill mark and its words, describe's sparklines, polling only the view on
screen, an absent API said once; SVG snapshots of pods and nodes at 80x24."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from gok_tui.app import GokApp
from gok_tui.config.settings import Settings
from gok_tui.screens.detail import DetailScreen
from gok_tui.screens.nodes import NodeScreen
from gok_tui.screens.pods import PodsScreen
from gok_tui.screens.problems import ProblemsScreen
from gok_tui.widgets.resource_table import ResourceTable
from textual.widgets import Static

from tests.integration.helpers import deployment
from tests.kubefake import FakeKube
from tests.ui.helpers import make_app, screen_text, table_column, until, usage_settled
from tests.ui.notices import toast_texts
from tests.ui.test_snapshots import (  # noqa: F401 (same_place_and_time: an autouse fixture)
    CLUSTER_NOW,
    SERVER,
    Snap,
    World,
    app_for,
    press,
    same_place_and_time,
    settled,
    steps,
    wait,
)

SIZE = (80, 24)
OOM_WORDS = "web uses 243Mi of its 256Mi memory limit (95 %): OOMKill risk"
RESOURCES = {
    "requests": {"cpu": "250m", "memory": "128Mi"},
    "limits": {"cpu": "500m", "memory": "256Mi"},
}


def web_with_limits() -> dict[str, Any]:
    web = deployment("web", image="ghcr.io/acme/shop/web:1.5.0", replicas=2)
    web["spec"]["template"]["spec"]["containers"][0]["resources"] = copy.deepcopy(RESOURCES)
    return web


def pressed_node() -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": "node-2", "labels": {"kubernetes.io/hostname": "node-2"}},
        "status": {
            "conditions": [
                {"type": "Ready", "status": "True"},
                {
                    "type": "MemoryPressure",
                    "status": "True",
                    "reason": "KubeletHasInsufficientMemory",
                    "message": "kubelet has insufficient memory available",
                },
            ],
            "capacity": {"cpu": "8", "memory": "16Gi", "pods": "110"},
            "allocatable": {"cpu": "8", "memory": "16Gi", "pods": "110"},
        },
    }


def web_pods(fake: FakeKube) -> list[str]:
    return sorted(p["metadata"]["name"] for p in fake.list_objects("pods", "default"))


def serve_usage(fake: FakeKube) -> None:
    """The first web pod near its memory limit, the other well under; a pod that is gone."""
    fake.metrics.mode = "served"
    first, second = web_pods(fake)
    fake.set_pod_metrics("default", first, {"web": ("180m", "243Mi")})
    fake.set_pod_metrics("default", second, {"web": ("20m", "100Mi")})
    fake.set_pod_metrics("default", "web-gone-xyz", {"web": ("900m", "1Gi")})
    fake.set_node_metrics("fake-node-1", "1200m", "3Gi")
    fake.set_node_metrics("node-2", "7", "15Gi")


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    fake = FakeKube(port=0, clock=lambda: CLUSTER_NOW)
    fake.ready_delay = 0
    fake.apply_object(web_with_limits())
    fake.apply_object(pressed_node())
    fake.start()
    try:
        settled(fake)
        serve_usage(fake)
        kubeconfig = tmp_path_factory.mktemp("kube") / "config"
        yield World(fake, fake.write_kubeconfig(kubeconfig, server=SERVER))
    finally:
        fake.stop()


def titles(app: GokApp) -> list[str]:
    table = app.screen.query_one(ResourceTable)
    return [str(column.label) for column in table.ordered_columns]


def described(app: GokApp) -> str:
    """The whole describe text (the usage section is at its end, below the screen)."""
    return str(app.screen.query_one("#detail-body", Static).content)


def shows_usage(app: GokApp) -> bool:
    return "CPU" in titles(app) and "?" not in table_column(app, "CPU")


# -- pictures ---------------------------------------------------------------------------------
def test_pods_with_usage_and_the_oom_mark(snap_compare: Snap, shop: World) -> None:
    before = steps(
        wait(lambda app: isinstance(app.screen, PodsScreen) and shows_usage(app), "usage"),
        wait(lambda app: table_column(app, "%MEM/L") == ["95 OOM", "39"], "the OOM mark"),
    )
    app = app_for(shop, view="pods")
    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_nodes_with_usage_and_pressure(snap_compare: Snap, shop: World) -> None:
    before = steps(
        press("colon", *"no", "enter"),
        wait(lambda app: isinstance(app.screen, NodeScreen), "the nodes view"),
        wait(lambda app: "CPU NOW" in titles(app), "usage columns"),
        wait(lambda app: table_column(app, "CPU NOW") == ["1.2 (30%)", "7 (88%)"], "usage"),
        wait(lambda app: table_column(app, "PODS") == ["2/110", "0/110"], "the pods"),
    )
    app = app_for(shop, view="pods")
    assert snap_compare(app, terminal_size=SIZE, run_before=before)


# -- what a person sees -----------------------------------------------------------------------
async def test_pods_deployments_describe_and_problems_say_the_oom_risk(shop: World) -> None:
    app = app_for(shop, view="pods")
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: shows_usage(app), timeout=10, what="usage")
        assert table_column(app, "CPU") == ["180m", "20m"]  # the gone pod has no row
        assert table_column(app, "%CPU/R") == ["72", "8"]
        assert table_column(app, "%MEM/R") == ["190", "78"]
        await until(pilot, lambda: OOM_WORDS in screen_text(app), what="the why line")
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, DetailScreen), what="describe")
        await until(pilot, lambda: "Resource usage" in described(app), what="usage")
        text = described(app)
        assert "CPU 180m (72% of request 250m, 36% of limit 500m)" in text
        assert f"OOMKill risk: {OOM_WORDS}" in text
        assert "MEM 243Mi (190% of request 128Mi, 95% of limit 256Mi)  █" in text
        await pilot.press("escape", "colon", *"deploy", "enter")
        await until(pilot, lambda: "CPU" in titles(app), timeout=10, what="deployments usage")
        await until(pilot, lambda: table_column(app, "CPU") == ["200m"], what="the sum")
        assert table_column(app, "%MEM/L") == ["67 OOM"]  # (243 + 100) of 2 x 256Mi
        await pilot.press("colon", *"problems", "enter")
        await until(pilot, lambda: isinstance(app.screen, ProblemsScreen), what="problems")
        await until(pilot, lambda: OOM_WORDS in screen_text(app), timeout=10, what="the risk")


async def test_only_the_view_on_screen_is_asked_for_usage(shop: World) -> None:
    fake = shop.fake
    app = make_app(shop.kubeconfig, settings=Settings(metrics_interval_seconds=1), view="pods")
    count = fake.metrics.request_count

    async def nodes_asked(times: int) -> None:
        await until(pilot, lambda: count("nodes") >= times, timeout=15, what="node polls")

    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: count("pods", "default") >= 2, timeout=15, what="pod polls")
        assert count("pods", "") == 0  # the namespace's list, not every namespace's
        nodes_before = count("nodes")
        await pilot.press("colon", *"no", "enter")
        await until(pilot, lambda: isinstance(app.screen, NodeScreen), what="the nodes")
        await nodes_asked(nodes_before + 2)
        pods_asked = count("pods")
        await nodes_asked(nodes_before + 4)
        assert count("pods") == pods_asked  # the pods view is hidden: not asked
        assert app.session.metrics.polling == 1
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, PodsScreen), what="back to pods")
        await until(pilot, lambda: count("pods") > pods_asked, timeout=15, what="asked again")


async def test_an_absent_metrics_api_hides_the_columns_and_is_said_once(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.apply_object(web_with_limits())
    app = make_app(fake_kubeconfig, view="pods")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: usage_settled(app), timeout=10, what="the 404")
        said = "this cluster does not serve metrics.k8s.io"
        await until(pilot, lambda: any(said in m.text for m in app.messages), what="said")
        assert toast_texts(app) == []  # the common case: said in Messages, not over the view
        assert "CPU" not in titles(app)
        for view in ("no", "deploy", "pods"):
            await pilot.press("colon", *view, "enter")
            await pilot.pause()
            await until(pilot, lambda: usage_settled(app), what="the view")
            assert not {"MEM", "%MEM/L", "CPU NOW", "MEM NOW"} & set(titles(app))
        assert sum(said in m.text for m in app.messages) == 1
        assert fake_kube.metrics.request_count() == 1


async def test_a_node_describe_says_its_pressure_and_usage_in_words(shop: World) -> None:
    app = app_for(shop, view="pods")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("colon", *"no", "enter")
        await until(pilot, lambda: isinstance(app.screen, NodeScreen), what="the nodes")
        await until(pilot, lambda: "CPU NOW" in titles(app), timeout=10, what="usage")
        await pilot.press("j", "d")  # node-2
        await until(pilot, lambda: isinstance(app.screen, DetailScreen), what="describe")
        await until(pilot, lambda: "Resource usage" in described(app), what="usage")
        text = described(app)
        assert (
            "MemoryPressure: the node is short of memory: the kubelet evicts pods to free some "
            "(KubeletHasInsufficientMemory: kubelet has insufficient memory available)"
        ) in text
        assert "CPU 7 (88% of allocatable 8)" in text
        assert "MEM 15Gi (94% of allocatable 16Gi)" in text
