"""Release actions on a real cluster (KUBECONFIG + GOK_E2E=1): scale, restart, undo, blue/green,
pod delete. Each test uses its own namespace (the `cluster` fixture) and deletes it."""

from __future__ import annotations

from pathlib import Path

import pytest
from gok_tui.backends.kube import KubeBackend

from tests.e2e.test_views_e2e import cluster, ready_nodes  # noqa: F401
from tests.integration import action_scenarios, pod_scenarios, traffic_scenarios

pytestmark = pytest.mark.e2e


def test_scale(cluster: tuple[KubeBackend, str], tmp_path: Path) -> None:  # noqa: F811
    action_scenarios.scale(*cluster, tmp_path / "audit.jsonl")


def test_restart(cluster: tuple[KubeBackend, str]) -> None:  # noqa: F811
    action_scenarios.restart(*cluster)


def test_undo_to_revision(cluster: tuple[KubeBackend, str]) -> None:  # noqa: F811
    action_scenarios.undo_to_revision(*cluster)


def test_blue_green(cluster: tuple[KubeBackend, str], tmp_path: Path) -> None:  # noqa: F811
    backend, namespace = cluster
    # without ready nodes no pod can become Ready: the refusal is what a real cluster shows
    can_run = ready_nodes(backend) > 0
    traffic_scenarios.blue_green(backend, namespace, can_run, tmp_path / "audit.jsonl")


def test_delete_pod(cluster: tuple[KubeBackend, str]) -> None:  # noqa: F811
    pod_scenarios.delete_pod(*cluster)


def test_delete_pending_pod(cluster: tuple[KubeBackend, str], tmp_path: Path) -> None:  # noqa: F811
    pod_scenarios.delete_pending_pod(*cluster, tmp_path / "audit.jsonl")
