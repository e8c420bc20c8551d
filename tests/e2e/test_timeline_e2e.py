"""The timeline on a real cluster (see conftest.py): timeline_scenarios.py."""

from __future__ import annotations

import pytest
from gok_tui.backends.kube import KubeBackend

from tests.integration import timeline_scenarios

pytestmark = pytest.mark.e2e


def test_image_config_and_scale_are_on_the_timeline_with_their_managers(
    cluster: tuple[KubeBackend, str],
) -> None:
    timeline_scenarios.three_changes_with_their_managers(*cluster)


def test_statefulset_and_daemonset_revisions_and_their_undo(
    cluster: tuple[KubeBackend, str],
) -> None:
    timeline_scenarios.workload_revisions_and_undo_from_the_timeline(*cluster)
