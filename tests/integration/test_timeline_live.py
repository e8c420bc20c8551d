"""The timeline against the fake API server: timeline_scenarios.py."""

from __future__ import annotations

from gok_tui.backends.kube import KubeBackend

from tests.integration import timeline_scenarios


def test_image_config_and_scale_are_on_the_timeline_with_their_managers(
    fake_backend: KubeBackend,
) -> None:
    timeline_scenarios.three_changes_with_their_managers(fake_backend, "default")


def test_statefulset_and_daemonset_revisions_and_their_undo(fake_backend: KubeBackend) -> None:
    timeline_scenarios.workload_revisions_and_undo_from_the_timeline(fake_backend, "default")
