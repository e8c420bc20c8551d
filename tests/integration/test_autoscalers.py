"""HorizontalPodAutoscalers against the fake API server, over HTTP with the real client: the
scale plan reads them and names the one that scales the target, the rollout panel's feeds
follow the HPA's status as the controller writes it, and the server's HPA Table."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from gok_tui.actions.base import ObjectRef
from gok_tui.actions.deployments import Scale
from gok_tui.actions.run import plan_action
from gok_tui.backends.kube import KubeBackend
from gok_tui.config.kubeconfig import resolve_target
from gok_tui.domain.kinds import KINDS
from gok_tui.domain.rollout import ROLLOUT_SOURCES, RolloutTree, rollout_panel
from gok_tui.domain.server_table import TABLE_ACCEPT
from gok_tui.store.deployment_feeds import DeploymentFeeds
from gok_tui.store.feeds import FeedHub

from tests.integration.helpers import deployment
from tests.integration.workload_objects import statefulset
from tests.kubefake import FakeKube, wait_until
from tests.kubefake.autoscaling import cpu_current, hpa, hpa_status, set_hpa_status


@pytest.fixture
def hub(fake_kubeconfig: Path) -> Iterator[FeedHub]:
    target = resolve_target(kubeconfig=str(fake_kubeconfig), environ={})
    assert target is not None
    hub = FeedHub(KubeBackend(target, timeout=(2.0, 10.0)), watch_timeout=5)
    yield hub
    hub.stop_all()


KINDS_HPA = "horizontalpodautoscalers"


def ref(fake: FakeKube, kind: str = "deployments", name: str = "web") -> ObjectRef:
    return ObjectRef("fake", fake.url, kind, "default", name)


def test_scaling_above_the_hpas_max_is_planned_with_the_hpa_named(
    fake_kube: FakeKube, fake_backend: KubeBackend
) -> None:
    fake_kube.apply_object(deployment("web", replicas=3))
    fake_kube.apply_object(hpa("web", min_replicas=2, max_replicas=10))
    fake_kube.apply_object(hpa("other", target="api"))
    plan = plan_action(Scale(ref(fake_kube), 14), fake_backend)
    assert plan.warnings == (
        "HorizontalPodAutoscaler web (2-10) controls this Deployment: 14 is above its max 10; "
        "it will scale it back to 10",
    )
    assert plan.runnable


def test_a_statefulset_scale_names_its_hpa(fake_kube: FakeKube, fake_backend: KubeBackend) -> None:
    fake_kube.apply_object(statefulset("db", replicas=3))
    fake_kube.apply_object(hpa("db", target="db", kind="StatefulSet", min_replicas=3))
    plan = plan_action(Scale(ref(fake_kube, "statefulsets", "db"), 1), fake_backend)
    assert plan.warnings == (
        "HorizontalPodAutoscaler db (3-10) controls this StatefulSet: 1 is below its min 3; "
        "it will scale it back to 3",
    )


def test_hpas_the_user_may_not_list_give_no_warning_and_no_failure(
    fake_kube: FakeKube, fake_backend: KubeBackend
) -> None:
    fake_kube.apply_object(deployment("web", replicas=3))
    fake_kube.apply_object(hpa("web"))
    fake_kube.forbid("horizontalpodautoscalers", "default")
    plan = plan_action(Scale(ref(fake_kube), 4), fake_backend)
    assert plan.warnings == () and plan.runnable


def panel(watched: DeploymentFeeds, until: str, timeout: float = 10.0) -> RolloutTree:
    """Drain the panel's feeds until its HPA line reads ``until``."""
    deadline = time.monotonic() + timeout
    seen: list[str] = []
    while time.monotonic() < deadline:
        watched.drain()
        if watched.deployment is not None:
            tree = rollout_panel("deployments", watched.deployment, watched.objects, time.time())
            seen = [hpa.summary() for hpa in tree.autoscalers]
            if until in seen:
                return tree
        time.sleep(0.05)
    raise AssertionError(f"the panel never showed {until!r}; last: {seen}")


def test_the_rollout_panel_follows_the_hpas_status_as_the_controller_writes_it(
    fake_kube: FakeKube, hub: FeedHub
) -> None:
    fake_kube.apply_object(deployment("web", replicas=3))
    fake_kube.apply_object(hpa("web", min_replicas=2, max_replicas=10))
    watched = DeploymentFeeds(
        hub,
        "default",
        "web",
        children=ROLLOUT_SOURCES["deployments"].children,
        beside=ROLLOUT_SOURCES["deployments"].beside,
    )
    watched.open()
    try:
        panel(watched, "HPA web: 2-10, wants <unknown>, cpu <unknown>/70%")
        set_hpa_status(fake_kube, "default", "web", hpa_status(3, 4, [cpu_current(83, "415m")]))
        tree = panel(watched, "HPA web: 2-10, at 3, wants 4, cpu 83%/70%")
        assert tree.autoscalers[0].trouble is None
        limited = hpa_status(10, 10, [cpu_current(140)], limited="TooManyReplicas")
        set_hpa_status(fake_kube, "default", "web", limited)
        tree = panel(watched, "HPA web: 2-10, wants 10, cpu 140%/70%")
        # 10 replicas at twice their target ask for 20
        assert str(tree.autoscalers[0].trouble) == (
            "ScalingLimited: desired 20 is above max 10 (TooManyReplicas)"
        )
        fake_kube.delete_object("horizontalpodautoscalers", "default", "web")

        def gone() -> bool:
            watched.drain()
            return not watched.objects[KINDS_HPA]

        wait_until(gone, timeout=10)
        tree = rollout_panel("deployments", watched.deployment or {}, watched.objects, 0.0)
        assert tree.autoscalers == () and watched.state() == "live"
    finally:
        watched.close()


def test_a_forbidden_hpa_list_is_said_apart_and_the_panel_stays_live(
    fake_kube: FakeKube, hub: FeedHub
) -> None:
    fake_kube.apply_object(deployment("web", replicas=1))
    fake_kube.forbid(KINDS_HPA, "default")
    watched = DeploymentFeeds(hub, "default", "web", beside=(KINDS_HPA,))
    watched.open()
    try:

        def settled() -> bool:
            watched.drain()
            return watched.state() == "live" and bool(watched.beside_problem())

        wait_until(settled, timeout=10)
        assert watched.problem() == ""
        assert watched.beside_problem().startswith("horizontalpodautoscalers: ")
        assert "forbidden" in watched.beside_problem()
    finally:
        watched.close()


def test_the_servers_hpa_table_prints_targets_as_kubectl(
    fake_kube: FakeKube, fake_backend: KubeBackend
) -> None:
    fake_kube.apply_object(hpa("web"))
    set_hpa_status(fake_kube, "default", "web", hpa_status(3, 4, [cpu_current(83)]))
    fake_kube.apply_object(hpa("idle", target="idle"))
    path = KINDS[KINDS_HPA].collection_path("default")
    table = fake_backend.get_json(path, accept=TABLE_ACCEPT)
    titles = [column["name"] for column in table["columnDefinitions"]]
    assert titles == ["Name", "Reference", "Targets", "MinPods", "MaxPods", "Replicas", "Age"]
    rows = {row["cells"][0]: row["cells"][1:6] for row in table["rows"]}
    assert rows == {
        "web": ["Deployment/web", "83%/70%", "2", 10, 3],
        "idle": ["Deployment/idle", "<unknown>/70%", "2", 10, 0],
    }
