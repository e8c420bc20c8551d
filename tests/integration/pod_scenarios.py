"""Pod-delete scenarios shared by the fake API server (integration) and a real cluster (e2e)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gok_tui.actions.audit import AuditLog
from gok_tui.actions.pods import DeletePod
from gok_tui.actions.run import execute, plan_action
from gok_tui.backends.kube import KubeBackend
from gok_tui.domain.kinds import KINDS

from tests.integration.helpers import bare_pod
from tests.integration.scenario_kit import PAUSE_IMAGE, create, get, gone, ref, wait

NO_SUCH_NODE = {"gok-e2e.example.com/no-such-node": "true"}  # no node has this label


def pod(name: str, namespace: str) -> dict[str, Any]:
    obj = bare_pod(name, namespace, {"app": name})
    obj["spec"]["containers"][0]["image"] = PAUSE_IMAGE
    return obj


def delete_pod(backend: KubeBackend, namespace: str) -> None:
    """A pod nothing recreates is deleted after a dangerous confirm; a pod recreated under the
    confirmed name (as a StatefulSet does) is not."""
    solo = pod("solo", namespace)
    solo["spec"]["terminationGracePeriodSeconds"] = 0
    create(backend, "pods", namespace, solo)
    action = DeletePod(ref(backend, "pods", namespace, "solo"))
    confirmed = plan_action(action, backend)
    assert confirmed.dangerous and confirmed.after == "deleted for good"

    create(backend, "pods", namespace, pod("spare", namespace))
    backend.mutate("DELETE", KINDS["pods"].object_path(namespace, "solo"))
    wait(lambda: gone(backend, "pods", namespace, "solo"), 60, "the first solo pod gone")
    create(backend, "pods", namespace, solo)  # same name, new UID
    result = execute(action, backend, confirmed=confirmed)
    assert not result.ok and "changed since you confirmed" in result.message
    assert not gone(backend, "pods", namespace, "solo")

    again = plan_action(action, backend)
    result = execute(action, backend, confirmed=again)
    assert result.ok, result.message
    wait(lambda: gone(backend, "pods", namespace, "solo"), 60, "the solo pod deleted")
    assert not gone(backend, "pods", namespace, "spare")


def _unschedulable(obj: dict[str, Any]) -> bool:
    return any(
        c.get("type") == "PodScheduled" and c.get("status") == "False"
        for c in (obj.get("status") or {}).get("conditions") or []
    )


def delete_pending_pod(backend: KubeBackend, namespace: str, audit_path: Path) -> None:
    """A Pending pod (no node fits it) is removed by the API server at once: ctrl+d on it says
    done and the audit line says ok."""
    pending = pod("pend", namespace)
    pending["spec"]["nodeSelector"] = NO_SUCH_NODE
    create(backend, "pods", namespace, pending)
    wait(
        lambda: _unschedulable(get(backend, "pods", namespace, "pend")),
        60,
        "the scheduler finds no node for pend",
    )
    audit = AuditLog(audit_path)
    action = DeletePod(ref(backend, "pods", namespace, "pend"))
    result = execute(action, backend, confirmed=plan_action(action, backend), audit=audit)
    assert result.ok, result.message
    assert result.message.startswith("done: delete pod")
    assert gone(backend, "pods", namespace, "pend"), "an unbound pod goes at once"
    (entry,) = audit.entries()
    assert (entry["action"], entry["name"], entry["ok"]) == ("delete", "pend", True)
