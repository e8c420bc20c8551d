"""The shared scenarios against the fake API server (see *_scenarios.py; the e2e suite runs the
same ones against a real cluster)."""

from __future__ import annotations

from pathlib import Path

import pytest
from gok_tui.backends.kube import KubeBackend

from tests.integration import action_scenarios, pod_scenarios, traffic_scenarios
from tests.kubefake import FakeKube


@pytest.fixture
def backend(fake_backend: KubeBackend) -> KubeBackend:
    return fake_backend


def test_scale(fake_kube: FakeKube, backend: KubeBackend, tmp_path: Path) -> None:
    action_scenarios.scale(backend, "default", tmp_path / "audit.jsonl")


def test_restart(fake_kube: FakeKube, backend: KubeBackend) -> None:
    action_scenarios.restart(backend, "default")


def test_undo_to_revision(fake_kube: FakeKube, backend: KubeBackend) -> None:
    action_scenarios.undo_to_revision(backend, "default")


def test_blue_green_refused_without_ready_pods(fake_kube: FakeKube, backend: KubeBackend) -> None:
    fake_kube.pod_readiness = "manual"  # pods run but never become Ready
    traffic_scenarios.blue_green(backend, "default", pods_can_run=False)


def test_blue_green_switches_once_ready(fake_kube: FakeKube, backend: KubeBackend) -> None:
    traffic_scenarios.blue_green(backend, "default", pods_can_run=True)


def test_delete_pod(fake_kube: FakeKube, backend: KubeBackend) -> None:
    pod_scenarios.delete_pod(backend, "default")


def test_delete_pending_pod(fake_kube: FakeKube, backend: KubeBackend, tmp_path: Path) -> None:
    pod_scenarios.delete_pending_pod(backend, "default", tmp_path / "audit.jsonl")
