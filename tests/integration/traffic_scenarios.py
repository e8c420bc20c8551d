"""Traffic scenarios shared by the fake API server (integration) and a real cluster (e2e):
blue/green both ways, a readiness gate, canary by replicas and by ingress-nginx weight."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gok_tui.actions.audit import AuditLog
from gok_tui.actions.run import execute, plan_action
from gok_tui.actions.traffic import SetCanaryReplicas, SetCanaryWeight, SwitchService
from gok_tui.backends.kube import KubeBackend
from gok_tui.domain.kinds import KINDS
from gok_tui.domain.traffic import CANARY_WEIGHT_ANNOTATION

from tests.integration.helpers import ingress, service, track_deployment
from tests.integration.scenario_kit import PAUSE_IMAGE, PAUSE_IMAGE_NEXT, create, get, ref, wait

GATE = "gok-e2e.example.com/ready"  # a readiness gate nobody but the test sets


def _pair(backend: KubeBackend, namespace: str, gate: bool = False) -> None:
    for track, image in (("blue", PAUSE_IMAGE), ("green", PAUSE_IMAGE_NEXT)):
        obj = track_deployment(f"bg-{track}", "bg", track, image, 1, namespace)
        if gate and track == "green":
            obj["spec"]["template"]["spec"]["readinessGates"] = [{"conditionType": GATE}]
        create(backend, "deployments", namespace, obj)
    create(backend, "services", namespace, service("bg", {"app": "bg", "track": "blue"}, namespace))


def _track(backend: KubeBackend, namespace: str) -> str:
    return get(backend, "services", namespace, "bg")["spec"]["selector"]["track"]


def blue_green(backend: KubeBackend, namespace: str, pods_can_run: bool, audit: Path) -> None:
    """Refused while green has no Ready pods; once it has, the Service flips to green, and the
    one-key revert (ctrl+z: the plan's inverse) flips it back to blue."""
    _pair(backend, namespace)
    log = AuditLog(audit)
    switch = SwitchService(
        ref(backend, "services", namespace, "bg"), "track", "green", "bg-green", "bg-blue"
    )
    if not pods_can_run:
        result = execute(switch, backend, audit=log)
        assert not result.ok and "not every endpoint would be Ready" in result.message
        assert _track(backend, namespace) == "blue"
        return
    # what the traffic view shows before `s`: "green is ready" once every endpoint would be
    wait(lambda: plan_action(switch, backend).runnable, 180, "bg-green ready to take traffic")
    result = execute(switch, backend, audit=log)
    assert result.ok, result.message
    assert get(backend, "services", namespace, "bg")["spec"]["selector"] == {
        "app": "bg",
        "track": "green",
    }
    assert result.plan is not None and result.plan.inverse is not None
    wait(lambda: plan_action(result.plan.inverse, backend).runnable, 180, "bg-blue ready")
    back = execute(result.plan.inverse, backend, audit=log)
    assert back.ok, back.message
    assert _track(backend, namespace) == "blue"
    assert [(e["from"], e["to"], e["ok"]) for e in log.entries()] == [
        ("track=blue", "track=green", True),
        ("track=green", "track=blue", True),
    ]


def _set_gate(backend: KubeBackend, namespace: str, pod: dict[str, Any]) -> None:
    """What an external controller (a load balancer's) does: set the gate's condition."""
    path = KINDS["pods"].object_path(namespace, pod["metadata"]["name"]) + "/status"
    condition = {"type": GATE, "status": "True", "lastTransitionTime": "2026-12-07T12:00:00Z"}
    backend.mutate(
        "PATCH",
        path,
        {"status": {"conditions": [condition]}},
        content_type="application/strategic-merge-patch+json",
    )


def blue_green_readiness_gate(backend: KubeBackend, namespace: str) -> None:
    """Green's containers run and are ready, but its readiness gate is not met: the pod is not
    Ready, so no endpoint would be, and the switch is refused until the gate is set."""
    _pair(backend, namespace, gate=True)
    switch = SwitchService(ref(backend, "services", namespace, "bg"), "track", "green", "bg-green")
    selector = "app=bg,track=green"

    def green_pods() -> list[dict[str, Any]]:
        return backend.list(KINDS["pods"], namespace, label_selector=selector).items

    def containers_ready() -> bool:
        statuses = [
            s for p in green_pods() for s in (p.get("status") or {}).get("containerStatuses") or []
        ]
        return bool(statuses) and all(s.get("ready") for s in statuses)

    wait(containers_ready, 180, "bg-green's containers ready")
    refused = execute(switch, backend)
    assert not refused.ok and "not every endpoint would be Ready" in refused.message
    assert _track(backend, namespace) == "blue"
    for pod in green_pods():
        _set_gate(backend, namespace, pod)
    wait(lambda: plan_action(switch, backend).runnable, 180, "bg-green Ready via its gate")
    result = execute(switch, backend)
    assert result.ok, result.message
    assert _track(backend, namespace) == "green"


def canary_by_replicas(backend: KubeBackend, namespace: str) -> None:
    """A stable and a track=canary Deployment behind one Service: the split is the replica
    ratio; the total stays, and ctrl+z puts the replicas back."""
    stable = track_deployment("cr", "cr", "stable", PAUSE_IMAGE, 3, namespace)
    canary = track_deployment("cr-canary", "cr", "canary", PAUSE_IMAGE_NEXT, 0, namespace)
    for obj in (stable, canary):
        create(backend, "deployments", namespace, obj)
    create(backend, "services", namespace, service("cr", {"app": "cr"}, namespace))

    def replicas() -> tuple[int, int]:
        return tuple(  # type: ignore[return-value]
            get(backend, "deployments", namespace, name)["spec"]["replicas"]
            for name in ("cr", "cr-canary")
        )

    result = execute(
        SetCanaryReplicas(ref(backend, "deployments", namespace, "cr-canary"), "cr", 1), backend
    )
    assert result.ok, result.message
    assert replicas() == (2, 1)
    assert result.plan is not None and result.plan.inverse is not None
    back = execute(result.plan.inverse, backend)
    assert back.ok, back.message
    assert replicas() == (3, 0)


def canary_by_ingress(backend: KubeBackend, namespace: str) -> None:
    """ingress-nginx canary: the weight annotation steps, and ctrl+z restores the last one
    (the objects are plain API objects: no ingress controller is needed to steer them)."""
    create(backend, "ingresses", namespace, ingress("ci", "ci", ns=namespace))
    create(
        backend,
        "ingresses",
        namespace,
        ingress("ci-canary", "ci-v2", canary_weight=0, ns=namespace),
    )
    canary = ref(backend, "ingresses", namespace, "ci-canary")

    def weight() -> str:
        annotations = get(backend, "ingresses", namespace, "ci-canary")["metadata"]["annotations"]
        return annotations[CANARY_WEIGHT_ANNOTATION]

    for wanted in (10, 50):
        result = execute(SetCanaryWeight(canary, wanted), backend)
        assert result.ok, result.message
        assert weight() == str(wanted)
    assert result.plan is not None and result.plan.inverse is not None
    assert execute(result.plan.inverse, backend).ok
    assert weight() == "10"
