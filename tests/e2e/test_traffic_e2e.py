"""Traffic switches on a real cluster (see conftest.py): traffic_scenarios.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from gok_tui.backends.kube import KubeBackend

from tests.integration import traffic_scenarios

pytestmark = pytest.mark.e2e
Cluster = tuple[KubeBackend, str]


def test_blue_green_both_ways(cluster: Cluster, pods_can_run: bool, tmp_path: Path) -> None:
    traffic_scenarios.blue_green(*cluster, pods_can_run, tmp_path / "audit.jsonl")


def test_blue_green_readiness_gate(cluster: Cluster, pods_can_run: bool) -> None:
    if not pods_can_run:
        pytest.skip("no Ready node: no pod can pass its containers' readiness")
    traffic_scenarios.blue_green_readiness_gate(*cluster)


def test_canary_by_replicas(cluster: Cluster) -> None:
    traffic_scenarios.canary_by_replicas(*cluster)


def test_canary_by_ingress_weight(cluster: Cluster) -> None:
    traffic_scenarios.canary_by_ingress(*cluster)
