"""Discovery on a real cluster (see conftest.py): discovery_scenarios.py."""

from __future__ import annotations

import pytest
from gok_tui.backends.kube import KubeBackend

from tests.integration import discovery_scenarios

pytestmark = pytest.mark.e2e


def test_a_crd_comes_and_goes(cluster: tuple[KubeBackend, str]) -> None:
    discovery_scenarios.crd_comes_and_goes(*cluster)
