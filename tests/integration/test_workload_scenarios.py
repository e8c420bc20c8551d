"""The shared StatefulSet scenarios against the fake API server (tests/e2e runs them against a
real cluster)."""

from __future__ import annotations

from gok_tui.backends.kube import KubeBackend

from tests.integration import workload_scenarios
from tests.kubefake import FakeKube


def test_statefulset_scale_and_undo(fake_kube: FakeKube, fake_backend: KubeBackend) -> None:
    workload_scenarios.statefulset_scale_and_undo(fake_backend, "default")
