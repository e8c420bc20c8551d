"""Release actions on a real cluster (see conftest.py): the shared scenarios of
action_scenarios.py, pod_scenarios.py and devloop_scenarios.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from gok_tui.backends.kube import KubeBackend

from tests.integration import action_scenarios, devloop_scenarios, node_scenarios, pod_scenarios

pytestmark = pytest.mark.e2e
Cluster = tuple[KubeBackend, str]


def test_scale(cluster: Cluster, tmp_path: Path) -> None:
    action_scenarios.scale(*cluster, tmp_path / "audit.jsonl")


def test_restart(cluster: Cluster) -> None:
    action_scenarios.restart(*cluster)


def test_pause_resume(cluster: Cluster) -> None:
    action_scenarios.pause_resume(*cluster)


def test_undo_to_revision(cluster: Cluster) -> None:
    action_scenarios.undo_to_revision(*cluster)


def test_ctrl_z_of_an_undo_and_a_pause_from_the_audit_log(cluster: Cluster, tmp_path: Path) -> None:
    action_scenarios.ctrl_z_of_an_undo_and_a_pause_from_the_audit_log(
        *cluster, tmp_path / "audit.jsonl"
    )


def test_undo_last_action(cluster: Cluster) -> None:
    action_scenarios.undo_last_action(*cluster)


def test_delete_pod(cluster: Cluster) -> None:
    pod_scenarios.delete_pod(*cluster)


def test_delete_pending_pod(cluster: Cluster, tmp_path: Path) -> None:
    pod_scenarios.delete_pending_pod(*cluster, tmp_path / "audit.jsonl")


def test_devloop_manifest_apply(cluster: Cluster, tmp_path: Path) -> None:
    devloop_scenarios.manifest_apply(*cluster, tmp_path / "project")


def test_cordon_uncordon(cluster: Cluster, tmp_path: Path) -> None:
    node_scenarios.cordon_uncordon(cluster[0], tmp_path / "audit.jsonl")
