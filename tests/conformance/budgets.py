"""The PodDisruptionBudget of cases 19 and 49 (as recorded: ``web``, minAvailable 2 over the
two pods of Deployment web), and the eviction it refuses."""

from __future__ import annotations

from tests.conformance.case import JSON
from tests.conformance.wire import Req
from tests.conformance.world import CORE, World

POLICY = "/apis/policy/v1/namespaces"


def web_budget(w: World) -> None:
    """Create the budget once and wait until the disruption controller has counted its pods."""
    path = f"{POLICY}/{w.ns}/poddisruptionbudgets"
    if not w.exists(f"{path}/web"):
        budget = {"minAvailable": 2, "selector": {"matchLabels": {"app": "web"}}}
        w.create(path, {"metadata": {"name": "web"}, "spec": budget})

    def counted() -> bool:
        status = w.get(f"{path}/web").get("status") or {}
        return status.get("observedGeneration") == 1 and status.get("currentHealthy") == 2

    w.wait(counted, "PodDisruptionBudget web counted its pods")


def evict_a_web_pod(w: World) -> Req:
    pods = w.ok(Req("GET", f"{CORE}/{w.ns}/pods", {"labelSelector": "app=web"}))["items"]
    name = min(p["metadata"]["name"] for p in pods if not p["metadata"].get("deletionTimestamp"))
    body = {
        "apiVersion": "policy/v1",
        "kind": "Eviction",
        "metadata": {"name": name, "namespace": w.ns},
    }
    return Req("POST", f"{CORE}/{w.ns}/pods/{name}/eviction", {}, JSON, body)
