"""The shared view and fault scenarios against the fake API server (view_scenarios.py,
fault_scenarios.py; the e2e suite runs them against a real cluster)."""

from __future__ import annotations

from pathlib import Path

import pytest
from gok_tui.backends.kube import KubeBackend

from tests.integration import fault_scenarios, view_scenarios
from tests.kubefake import FakeKube


@pytest.fixture
def backend(fake_kube: FakeKube, fake_backend: KubeBackend) -> KubeBackend:
    return fake_backend


def test_deployments_view(backend: KubeBackend) -> None:
    view_scenarios.deployments_view(backend, "default")


def test_pods_view(backend: KubeBackend) -> None:
    view_scenarios.pods_view(backend, "default", pods_can_run=True)


def test_ingress_routes_with_endpoints(backend: KubeBackend) -> None:
    view_scenarios.ingress_routes_view(backend, "default", pods_can_run=True)


def test_rollout_tree(backend: KubeBackend) -> None:
    view_scenarios.rollout_tree_view(backend, "default", pods_can_run=True)


def test_revisions(backend: KubeBackend) -> None:
    view_scenarios.revisions_view(backend, "default")


def test_410_on_an_old_resource_version(backend: KubeBackend) -> None:
    fault_scenarios.gone_410(backend, "default")


def test_409_on_a_stale_update(backend: KubeBackend) -> None:
    fault_scenarios.conflict_409(backend, "default")


def test_403_under_a_restricted_service_account(backend: KubeBackend, tmp_path: Path) -> None:
    fault_scenarios.forbidden_403(backend, "default", tmp_path)


def test_422_on_an_invalid_change(backend: KubeBackend) -> None:
    fault_scenarios.invalid_422(backend, "default")


def test_generic_table_view(backend: KubeBackend) -> None:
    view_scenarios.generic_table_view(backend, "default")
