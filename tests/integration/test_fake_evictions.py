"""The fake API server's PodDisruptionBudgets and pods/eviction, through the real client: the
budget's status from its ready pods, 201 / 429 / 404 answers as a v1.28 server gives them,
and dryRun."""

from __future__ import annotations

from typing import Any

import pytest
from gok_tui.backends.kube import KubeBackend, KubeError

from tests.integration.helpers import bare_pod
from tests.kubefake import FakeKube, wait_until

PDBS = "/apis/policy/v1/namespaces/default/poddisruptionbudgets"


def eviction(name: str) -> dict[str, Any]:
    return {
        "apiVersion": "policy/v1",
        "kind": "Eviction",
        "metadata": {"name": name, "namespace": "default"},
    }


def web_pods(fake: FakeKube) -> list[str]:
    return sorted(
        pod["metadata"]["name"]
        for pod in fake.list_objects("pods", "default")
        if pod["metadata"]["labels"].get("app") == "web"
        and not pod["metadata"].get("deletionTimestamp")
    )


def budget_status(fake: FakeKube) -> dict[str, Any]:
    return (fake.get_object("poddisruptionbudgets", "default", "web-pdb") or {}).get("status") or {}


def test_a_budget_counts_its_pods_and_evictions_take_from_it(
    fake_kube: FakeKube, fake_backend: KubeBackend
) -> None:
    for name in ("web-a", "web-b"):  # no controller: an evicted pod is not replaced
        fake_kube.apply_object(bare_pod(name, labels={"app": "web"}))
    spec = {"minAvailable": 1, "selector": {"matchLabels": {"app": "web"}}}
    created = fake_backend.mutate("POST", PDBS, {"metadata": {"name": "web-pdb"}, "spec": spec})
    assert created["kind"] == "PodDisruptionBudget" and created["metadata"]["generation"] == 1
    wait_until(
        lambda: (
            budget_status(fake_kube).get("currentHealthy") == 2
            and budget_status(fake_kube).get("disruptionsAllowed") == 1
        ),
        timeout=10,
    )
    status = budget_status(fake_kube)
    assert (status["desiredHealthy"], status["expectedPods"], status["observedGeneration"]) == (
        1,
        2,
        1,
    )
    first, second = web_pods(fake_kube)
    path = "/api/v1/namespaces/default/pods/{}/eviction"
    dry = fake_backend.mutate("POST", path.format(first), eviction(first), query={"dryRun": "All"})
    assert dry["status"] == "Success"
    assert web_pods(fake_kube) == [first, second]  # a dry run evicts nothing
    done = fake_backend.mutate("POST", path.format(first), eviction(first))
    assert (done["kind"], done["status"], done["code"]) == ("Status", "Success", 201)
    terminating = fake_kube.get_object("pods", "default", first)
    assert terminating is None or terminating["metadata"].get("deletionTimestamp")
    wait_until(lambda: budget_status(fake_kube).get("currentHealthy") == 1, timeout=10)
    with pytest.raises(KubeError) as refused:  # the budget is spent until a new pod is Ready
        fake_backend.mutate("POST", path.format(second), eviction(second))
    assert refused.value.status == 429 and refused.value.reason == "TooManyRequests"
    assert refused.value.server_message == (
        "Cannot evict pod as it would violate the pod's disruption budget."
    )
    assert refused.value.causes == (
        "The disruption budget web-pdb needs 1 healthy pods and has 1 currently",
    )
    assert second in web_pods(fake_kube)
    with pytest.raises(KubeError) as missing:
        fake_backend.mutate("POST", path.format("nope"), eviction("nope"))
    assert missing.value.status == 404
