"""The xray tree on a real cluster (see conftest.py): relation_scenarios.py."""

from __future__ import annotations

import pytest
from gok_tui.backends.kube import KubeBackend

from tests.integration import relation_scenarios

pytestmark = pytest.mark.e2e
Cluster = tuple[KubeBackend, str]


def test_xray_of_an_ingress_reaches_the_pods(cluster: Cluster, pods_can_run: bool) -> None:
    relation_scenarios.ingress_reaches_pods(*cluster, pods_can_run)
