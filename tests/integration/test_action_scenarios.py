"""The shared action scenarios against the fake API server (see *_scenarios.py; the e2e suite
runs the same ones against a real cluster)."""

from __future__ import annotations

from pathlib import Path

import pytest
from gok_tui.backends.kube import KubeBackend

from tests.integration import (
    action_scenarios,
    devloop_scenarios,
    pod_scenarios,
    traffic_scenarios,
)
from tests.kubefake import FakeKube


@pytest.fixture
def backend(fake_kube: FakeKube, fake_backend: KubeBackend) -> KubeBackend:
    return fake_backend


def test_scale(backend: KubeBackend, tmp_path: Path) -> None:
    action_scenarios.scale(backend, "default", tmp_path / "audit.jsonl")


def test_restart(backend: KubeBackend) -> None:
    action_scenarios.restart(backend, "default")


def test_pause_resume(backend: KubeBackend) -> None:
    action_scenarios.pause_resume(backend, "default")


def test_undo_to_revision(backend: KubeBackend) -> None:
    action_scenarios.undo_to_revision(backend, "default")


def test_ctrl_z_of_an_undo_and_a_pause_from_the_audit_log(
    backend: KubeBackend, tmp_path: Path
) -> None:
    action_scenarios.ctrl_z_of_an_undo_and_a_pause_from_the_audit_log(
        backend, "default", tmp_path / "audit.jsonl"
    )


def test_undo_last_action(backend: KubeBackend) -> None:
    action_scenarios.undo_last_action(backend, "default")


def test_delete_pod(backend: KubeBackend) -> None:
    pod_scenarios.delete_pod(backend, "default")


def test_delete_pending_pod(backend: KubeBackend, tmp_path: Path) -> None:
    pod_scenarios.delete_pending_pod(backend, "default", tmp_path / "audit.jsonl")


def test_devloop_manifest_apply(backend: KubeBackend, tmp_path: Path) -> None:
    devloop_scenarios.manifest_apply(backend, "default", tmp_path / "project")


def test_blue_green_refused_without_ready_pods(
    fake_kube: FakeKube, backend: KubeBackend, tmp_path: Path
) -> None:
    fake_kube.pod_readiness = "manual"  # pods run but never become Ready
    traffic_scenarios.blue_green(backend, "default", False, tmp_path / "audit.jsonl")


def test_blue_green_both_ways(backend: KubeBackend, tmp_path: Path) -> None:
    traffic_scenarios.blue_green(backend, "default", True, tmp_path / "audit.jsonl")


def test_blue_green_while_container_flags_lag_the_ready_condition(
    fake_kube: FakeKube, backend: KubeBackend, tmp_path: Path
) -> None:
    """The kubelet sets the pod's Ready condition long before its containers' flags (seen on a
    real v1.28 node): the endpoints are Ready, so the switch goes through."""
    fake_kube.ready_skew = 60.0
    traffic_scenarios.blue_green(backend, "default", True, tmp_path / "audit.jsonl")


def test_blue_green_readiness_gate(backend: KubeBackend) -> None:
    traffic_scenarios.blue_green_readiness_gate(backend, "default")


def test_canary_by_replicas(backend: KubeBackend) -> None:
    traffic_scenarios.canary_by_replicas(backend, "default")


def test_canary_by_ingress_weight(backend: KubeBackend) -> None:
    traffic_scenarios.canary_by_ingress(backend, "default")
