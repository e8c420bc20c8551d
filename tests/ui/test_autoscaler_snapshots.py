"""SVG snapshots of `:hpa` and of the rollout panel of a Deployment an HPA scales, on a world of
their own (test_snapshots.py says how a picture is kept the same on every run)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from gok_tui.screens.autoscalers import AutoscalersScreen
from gok_tui.screens.rollout import RolloutScreen

from tests.integration.helpers import deployment
from tests.kubefake import FakeKube
from tests.kubefake.autoscaling import (
    cpu_current,
    cpu_target,
    hpa,
    hpa_status,
    set_hpa_status,
)
from tests.ui.helpers import screen_text, table_column
from tests.ui.test_snapshots import (  # noqa: F401 (same_place_and_time: an autouse fixture)
    CLUSTER_NOW,
    SERVER,
    SIZES,
    Snap,
    World,
    app_for,
    press,
    same_place_and_time,
    settled,
    steps,
    wait,
)

MEMORY = {
    "type": "Resource",
    "resource": {"name": "memory", "target": {"type": "AverageValue", "averageValue": "256Mi"}},
}
MEMORY_NOW = {
    "type": "Resource",
    "resource": {"name": "memory", "current": {"averageValue": "181Mi"}},
}


@pytest.fixture(scope="module")
def autoscaled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """web scaled by an HPA at its max, api by one that has no metrics to go on, and an HPA
    written a moment ago that the controller has not looked at yet."""
    fake = FakeKube(port=0, clock=lambda: CLUSTER_NOW)
    fake.ready_delay = 0
    fake.apply_object(deployment("web", image="ghcr.io/acme/shop/web:1.5.0", replicas=4))
    fake.apply_object(deployment("api", image="ghcr.io/acme/shop/api:2.0.1", replicas=2))
    fake.apply_object(hpa("web", max_replicas=4, metrics=[cpu_target(70), MEMORY]))
    fake.apply_object(hpa("api", target="api", min_replicas=2, max_replicas=5))
    fake.apply_object(hpa("batch", target="batch", min_replicas=None, max_replicas=3))
    fake.start()
    try:
        settled(fake)
        web_now = [cpu_current(112, "224m"), MEMORY_NOW]
        set_hpa_status(fake, "default", "web", hpa_status(4, 4, web_now, limited="TooManyReplicas"))
        set_hpa_status(fake, "default", "api", hpa_status(2, 0, metrics_fail=True))
        settled(fake)
        kubeconfig = tmp_path_factory.mktemp("kube") / "config"
        yield World(fake, fake.write_kubeconfig(kubeconfig, server=SERVER))
    finally:
        fake.stop()


@pytest.mark.parametrize("size", SIZES)
def test_hpa_view(snap_compare: Snap, autoscaled: World, size: tuple[int, int]) -> None:
    before = steps(
        press("colon", *"hpa", "enter"),
        wait(lambda app: isinstance(app.screen, AutoscalersScreen), "the hpa table"),
        wait(
            lambda app: (
                table_column(app, "REPLICAS") == ["2/<unknown>", "<unknown>/<unknown>", "4/4"]
            ),
            "all three",
        ),
    )
    assert snap_compare(app_for(autoscaled), terminal_size=size, run_before=before)


def test_rollout_panel_with_an_hpa(snap_compare: Snap, autoscaled: World) -> None:
    before = steps(
        wait(lambda app: table_column(app, "NAME") == ["api", "web"], "the deployments"),
        press("j", "enter"),
        wait(lambda app: isinstance(app.screen, RolloutScreen), "the panel"),
        wait(lambda app: "HPA web: 2-4" in screen_text(app), "the HPA's line"),
        wait(lambda app: "COMPLETE" in screen_text(app), "the rollout"),
    )
    assert snap_compare(app_for(autoscaled), terminal_size=(80, 24), run_before=before)
