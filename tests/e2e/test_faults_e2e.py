"""The faults a real API server shows (see conftest.py): fault_scenarios.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from gok_tui.backends.kube import KubeBackend

from tests.integration import fault_scenarios

pytestmark = pytest.mark.e2e
Cluster = tuple[KubeBackend, str]


def test_410_on_an_old_resource_version(cluster: Cluster) -> None:
    fault_scenarios.gone_410(*cluster)


def test_409_on_a_stale_update(cluster: Cluster) -> None:
    fault_scenarios.conflict_409(*cluster)


def test_403_under_a_restricted_service_account(cluster: Cluster, tmp_path: Path) -> None:
    fault_scenarios.forbidden_403(*cluster, tmp_path)


def test_422_on_an_invalid_change(cluster: Cluster) -> None:
    fault_scenarios.invalid_422(*cluster)
