"""What the views show, on a real cluster (see conftest.py): view_scenarios.py."""

from __future__ import annotations

import pytest
from gok_tui.backends.kube import KubeBackend

from tests.integration import view_scenarios

pytestmark = pytest.mark.e2e
Cluster = tuple[KubeBackend, str]


def test_deployments_view(cluster: Cluster) -> None:
    view_scenarios.deployments_view(*cluster)


def test_pods_view(cluster: Cluster, pods_can_run: bool) -> None:
    view_scenarios.pods_view(*cluster, pods_can_run)


def test_ingress_routes_with_endpoints(cluster: Cluster, pods_can_run: bool) -> None:
    view_scenarios.ingress_routes_view(*cluster, pods_can_run)


def test_rollout_tree(cluster: Cluster, pods_can_run: bool) -> None:
    view_scenarios.rollout_tree_view(*cluster, pods_can_run)


def test_revisions(cluster: Cluster) -> None:
    view_scenarios.revisions_view(*cluster)


def test_generic_table_view(cluster: Cluster) -> None:
    view_scenarios.generic_table_view(*cluster)
