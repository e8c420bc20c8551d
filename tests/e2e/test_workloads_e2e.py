"""StatefulSet scale and undo on a real cluster (see conftest.py): workload_scenarios.py."""

from __future__ import annotations

import pytest
from gok_tui.backends.kube import KubeBackend

from tests.integration import workload_scenarios

pytestmark = pytest.mark.e2e


def test_statefulset_scale_and_undo(cluster: tuple[KubeBackend, str]) -> None:
    workload_scenarios.statefulset_scale_and_undo(*cluster)
