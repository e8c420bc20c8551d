"""SVG snapshots of the StatefulSet and CronJob tables (`:sts`, `:cj`) at 80x24 and 120x40, on
a world of their own (test_snapshots.py says how a picture is kept the same on every run)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from gok_tui.screens.workloads import CronJobsScreen, StatefulSetsScreen

from tests.integration.workload_objects import cronjob, statefulset
from tests.kubefake import FakeKube, wait_until
from tests.ui.helpers import table_column
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


@pytest.fixture(scope="module")
def workloads(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """Two StatefulSets (one scaled to zero) and two CronJobs, one suspended and one that ran
    once, built before the server starts and settled."""
    fake = FakeKube(port=0, clock=lambda: CLUSTER_NOW)
    fake.ready_delay = 0
    fake.apply_object(statefulset("db", image="postgres:16.2", replicas=3))
    fake.apply_object(statefulset("queue", image="ghcr.io/acme/queue:2", replicas=0))
    fake.apply_object(cronjob("report", image="ghcr.io/acme/report:1.0"))
    fake.apply_object(cronjob("cleanup", image="busybox:1.36", suspend=True))
    fake.start()
    try:
        wait_until(
            lambda: (
                (fake.get_object("statefulsets", "default", "db") or {})
                .get("status", {})
                .get("readyReplicas")
                == 3
            ),
            timeout=10,
        )
        fake.controllers.workloads.run_cronjob("default", "report")
        settled(fake)
        kubeconfig = tmp_path_factory.mktemp("kube") / "config"
        yield World(fake, fake.write_kubeconfig(kubeconfig, server=SERVER))
    finally:
        fake.stop()


@pytest.mark.parametrize("size", SIZES)
def test_statefulsets(snap_compare: Snap, workloads: World, size: tuple[int, int]) -> None:
    before = steps(
        press("colon", *"sts", "enter"),
        wait(lambda app: isinstance(app.screen, StatefulSetsScreen), "the sts table"),
        wait(lambda app: table_column(app, "READY") == ["3/3", "0/0"], "both"),
    )
    assert snap_compare(app_for(workloads), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES)
def test_cronjobs(snap_compare: Snap, workloads: World, size: tuple[int, int]) -> None:
    before = steps(
        press("colon", *"cj", "enter"),
        wait(lambda app: isinstance(app.screen, CronJobsScreen), "the cj table"),
        wait(lambda app: table_column(app, "SUSPEND") == ["True", "False"], "both"),
    )
    assert snap_compare(app_for(workloads), terminal_size=size, run_before=before)
