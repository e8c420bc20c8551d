"""Traffic switches executed against the fake API server: refusals, effects, retries, audit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from gok_tui.actions.audit import AuditLog
from gok_tui.actions.base import ObjectRef
from gok_tui.actions.run import execute
from gok_tui.actions.traffic import SetCanaryReplicas, SetCanaryWeight, SwitchService
from gok_tui.backends.kube import KubeBackend

from tests.integration.helpers import ingress, service, track_deployment
from tests.kubefake import FakeKube, wait_until


@pytest.fixture
def backend(fake_backend: KubeBackend) -> KubeBackend:
    return fake_backend


def ref(fake: FakeKube, kind: str, name: str) -> ObjectRef:
    return ObjectRef("fake", fake.url, kind, "default", name)


def endpoint_pods(fake: FakeKube, name: str) -> list[str]:
    endpoints = fake.get_object("endpoints", "default", name) or {}
    return sorted(
        address["targetRef"]["name"]
        for subset in endpoints.get("subsets") or []
        for address in subset.get("addresses") or []
    )


def track_of(pod_name: str) -> str:
    return pod_name.split("-")[1]


def selector(fake: FakeKube, name: str) -> dict[str, Any]:
    return fake.get_object("services", "default", name)["spec"]["selector"]


def test_blue_green_refused_while_green_is_not_ready_then_switches_and_reverts(
    fake_kube: FakeKube, backend: KubeBackend, tmp_path: Path
) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl")
    fake_kube.pod_readiness = lambda pod: pod["metadata"]["labels"]["track"] == "blue"
    fake_kube.apply_object(track_deployment("shop-blue", "shop", "blue", "shop:1"))
    fake_kube.apply_object(track_deployment("shop-green", "shop", "green", "shop:2"))
    fake_kube.apply_object(service("shop", {"app": "shop", "track": "blue"}))
    wait_until(lambda: len(endpoint_pods(fake_kube, "shop")) == 2)
    switch = SwitchService(
        ref(fake_kube, "services", "shop"), "track", "green", "shop-green", "shop-blue"
    )

    fake_kube.clear_requests()
    refused = execute(switch, backend, audit=audit)
    assert not refused.ok and "not every endpoint would be Ready" in refused.message
    assert (
        "shop-green is not rolled out" in refused.message or "0 of 2 pods Ready" in refused.message
    )
    assert [r for r in fake_kube.requests if r.method != "GET"] == [], "nothing was sent"
    assert selector(fake_kube, "shop")["track"] == "blue"

    fake_kube.pod_readiness = "auto"
    wait_until(
        lambda: (
            fake_kube.get_object("deployments", "default", "shop-green")["status"].get(
                "readyReplicas"
            )
            == 2
        )
    )
    done = execute(switch, backend, audit=audit)
    assert done.ok, done.message
    assert selector(fake_kube, "shop") == {"app": "shop", "track": "green"}
    wait_until(lambda: {track_of(p) for p in endpoint_pods(fake_kube, "shop")} == {"green"})

    assert done.plan is not None and done.plan.inverse is not None
    back = execute(done.plan.inverse, backend, audit=audit)
    assert back.ok and selector(fake_kube, "shop")["track"] == "blue"
    entries = list(audit.entries())
    assert [(e["action"], e["ok"]) for e in entries] == [
        ("switch", False),
        ("switch", True),
        ("switch", True),
    ]
    assert entries[1]["from"] == "track=blue" and entries[1]["to"] == "track=green"


def test_canary_weight_steps_and_409_retry(
    fake_kube: FakeKube, backend: KubeBackend, tmp_path: Path
) -> None:
    fake_kube.apply_object(ingress("shop", "shop"))
    fake_kube.apply_object(ingress("shop-canary", "shop-v2", canary_weight=0))
    canary = ref(fake_kube, "ingresses", "shop-canary")

    def weight() -> str:
        obj = fake_kube.get_object("ingresses", "default", "shop-canary")
        return obj["metadata"]["annotations"]["nginx.ingress.kubernetes.io/canary-weight"]

    for wanted in (10, 20, 100, 0):
        assert execute(SetCanaryWeight(canary, wanted), backend).ok
        assert weight() == str(wanted)
    fake_kube.conflict_next(1, "ingresses")
    result = execute(SetCanaryWeight(canary, 30), backend)
    assert result.ok and result.attempts == 2 and weight() == "30"


def test_replica_canary_moves_replicas_between_the_two_deployments(
    fake_kube: FakeKube, backend: KubeBackend, tmp_path: Path
) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl")
    fake_kube.apply_object(track_deployment("shop", "shop", "stable", replicas=4))
    fake_kube.apply_object(track_deployment("shop-canary", "shop", "canary", replicas=0))
    action = SetCanaryReplicas(ref(fake_kube, "deployments", "shop-canary"), "shop", 1)
    result = execute(action, backend, audit=audit)
    assert result.ok, result.message

    def replicas(name: str) -> int:
        return fake_kube.get_object("deployments", "default", name)["spec"]["replicas"]

    assert (replicas("shop"), replicas("shop-canary")) == (3, 1)
    patches = [
        r.path for r in fake_kube.requests if r.method == "PATCH" and "dryRun" not in r.query
    ]
    assert patches[-2:] == [
        "/apis/apps/v1/namespaces/default/deployments/shop-canary/scale",
        "/apis/apps/v1/namespaces/default/deployments/shop/scale",
    ], "the canary grows before the stable side shrinks"
    (entry,) = audit.entries()
    assert entry["then"][0]["path"].endswith("/deployments/shop/scale")
