"""Cordon, uncordon and drain against the fake API server: the node's field, the evictions a
PodDisruptionBudget refuses (said, never forced) and the ones it allows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gok_tui.actions.audit import AuditLog
from gok_tui.actions.nodes import Drain, node_ref
from gok_tui.actions.run import execute, plan_action
from gok_tui.backends.kube import KubeBackend

from tests.integration import node_scenarios
from tests.integration.helpers import bare_pod, deployment
from tests.kubefake import FakeKube, wait_until

NODE = "fake-node-1"


def ready_pods(fake: FakeKube, app: str) -> list[dict[str, Any]]:
    return [
        pod
        for pod in fake.list_objects("pods", "default")
        if (pod["metadata"].get("labels") or {}).get("app") == app
        and not pod["metadata"].get("deletionTimestamp")
        and any(
            c.get("type") == "Ready" and c.get("status") == "True"
            for c in (pod.get("status") or {}).get("conditions") or []
        )
    ]


def budget(name: str, app: str, min_available: int) -> dict[str, Any]:
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"minAvailable": min_available, "selector": {"matchLabels": {"app": app}}},
    }


def test_cordon_shows_scheduling_disabled_and_undoes(
    fake_backend: KubeBackend, tmp_path: Path
) -> None:
    node_scenarios.cordon_uncordon(fake_backend, tmp_path / "audit.jsonl")


def test_drain_blocked_by_a_pdb_says_so_and_forces_nothing(
    fake_kube: FakeKube, fake_backend: KubeBackend, tmp_path: Path
) -> None:
    fake_kube.apply_object(deployment("web", replicas=2))
    wait_until(lambda: len(ready_pods(fake_kube, "web")) == 2, timeout=10)
    fake_kube.apply_object(budget("web-pdb", "web", 2))

    def counted() -> bool:
        pdb = fake_kube.get_object("poddisruptionbudgets", "default", "web-pdb") or {}
        status = pdb.get("status") or {}
        return status.get("currentHealthy") == 2 and status.get("disruptionsAllowed") == 0

    wait_until(counted, timeout=10)
    before = sorted(pod["metadata"]["uid"] for pod in ready_pods(fake_kube, "web"))
    action = Drain(node_ref("fake", fake_kube.url, NODE))
    confirmed = plan_action(action, fake_backend)
    assert len(confirmed.then) == 2
    fake_kube.clear_requests()
    audit = AuditLog(tmp_path / "audit.jsonl")
    result = execute(action, fake_backend, confirmed=confirmed, audit=audit)
    assert not result.ok
    assert result.message.count("blocked by PDB web-pdb") == 2, result.message
    assert "0 of 2 done" in result.message
    # refused by the dry run: never sent for real, and nothing deleted around the budget
    evictions = [r for r in fake_kube.requests if r.path.endswith("/eviction")]
    assert len(evictions) == 2 and all(r.query.get("dryRun") == "All" for r in evictions)
    assert not any(r.method == "DELETE" for r in fake_kube.requests)
    assert sorted(pod["metadata"]["uid"] for pod in ready_pods(fake_kube, "web")) == before
    node = fake_kube.get_object("nodes", None, NODE)
    assert node is not None and node["spec"]["unschedulable"] is True
    assert [entry["ok"] for entry in audit.entries()] == [False]


def test_drain_evicts_each_pod_and_leaves_daemonset_pods(
    fake_kube: FakeKube, fake_backend: KubeBackend
) -> None:
    fake_kube.apply_object(deployment("api", replicas=1))
    fake_kube.apply_object(bare_pod("solo"))
    agent = bare_pod("agent", labels={"app": "agent"})
    agent["metadata"]["ownerReferences"] = [
        {"apiVersion": "apps/v1", "kind": "DaemonSet", "name": "agent", "uid": "u-1"}
        | {"controller": True}
    ]
    fake_kube.apply_object(agent)
    wait_until(
        lambda: all(ready_pods(fake_kube, app) for app in ("api", "bare", "agent")), timeout=10
    )
    evicted = {p["metadata"]["uid"] for app in ("api", "bare") for p in ready_pods(fake_kube, app)}
    action = Drain(node_ref("fake", fake_kube.url, NODE))
    confirmed = plan_action(action, fake_backend)
    assert any("default/agent: DaemonSet pod" in warning for warning in confirmed.warnings)
    said: list[str] = []
    result = execute(action, fake_backend, confirmed=confirmed, progress=said.append)
    assert result.ok, result.message
    assert said == ["drain fake-node-1: 2 of 2 left", "drain fake-node-1: 1 of 2 left", ""]

    def evictions_done() -> bool:
        uids = {pod["metadata"]["uid"] for pod in fake_kube.list_objects("pods", "default")}
        return not (uids & evicted)

    wait_until(evictions_done, timeout=10)
    assert fake_kube.get_object("pods", "default", "agent") is not None
