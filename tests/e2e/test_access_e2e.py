"""Access reviews on a real cluster (see conftest.py): access_scenarios.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from gok_tui.backends.kube import KubeBackend

from tests.integration import access_scenarios

pytestmark = pytest.mark.e2e
Cluster = tuple[KubeBackend, str]


def test_a_reader_is_told_it_may_list_but_not_scale(cluster: Cluster, tmp_path: Path) -> None:
    access_scenarios.reader_may_list_but_not_scale(*cluster, tmp_path)
