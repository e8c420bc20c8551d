"""Finding blue/green pairs and canaries, and planning the switches, on plain objects."""

from __future__ import annotations

from typing import Any

from gok_tui.actions.base import JSON_PATCH, ObjectRef
from gok_tui.actions.traffic import (
    SetCanaryReplicas,
    SetCanaryWeight,
    SwitchService,
    replica_split,
)
from gok_tui.domain.traffic import DeclaredTraffic, traffic_routes

from tests.integration.helpers import ingress, service, track_deployment


def rolled_out(obj: dict[str, Any], ready: int | None = None) -> dict[str, Any]:
    replicas = obj["spec"]["replicas"]
    obj["metadata"]["generation"] = 1
    obj["status"] = {
        "observedGeneration": 1,
        "replicas": replicas,
        "updatedReplicas": replicas,
        "readyReplicas": replicas if ready is None else ready,
        "availableReplicas": replicas if ready is None else ready,
    }
    return obj


def pod(
    name: str, labels: dict[str, str], ready: bool, containers_ready: bool | None = None
) -> dict[str, Any]:
    """A running pod; ``ready`` is its Ready condition, ``containers_ready`` (default: the same)
    its container's flag, which a kubelet may report apart for a moment."""
    flag = ready if containers_ready is None else containers_ready
    return {
        "metadata": {"name": name, "namespace": "default", "labels": labels},
        "spec": {"containers": [{"name": "web"}]},
        "status": {
            "phase": "Running",
            "podIP": "10.0.0.1",
            "conditions": [{"type": "Ready", "status": "True" if ready else "False"}],
            "containerStatuses": [{"name": "web", "ready": flag, "state": {"running": {}}}],
        },
    }


BLUE = {"app": "shop", "track": "blue"}
GREEN = {"app": "shop", "track": "green"}


def bluegreen(green_ready: bool) -> list:
    deployments = [
        rolled_out(track_deployment("shop-blue", "shop", "blue", "shop:1")),
        rolled_out(track_deployment("shop-green", "shop", "green", "shop:2")),
    ]
    pods = [
        pod("shop-blue-a", BLUE, True),
        pod("shop-blue-b", BLUE, True),
        pod("shop-green-a", GREEN, True),
        pod("shop-green-b", GREEN, green_ready),
    ]
    return [[service("shop", BLUE)], deployments, [], pods]


def test_blue_green_pair_is_found_by_the_one_label_the_service_selects_on() -> None:
    (route,) = traffic_routes(*bluegreen(green_ready=False))
    assert (route.kind, route.name, route.label, route.live) == (
        "bluegreen",
        "shop",
        "track",
        "blue",
    )
    assert route.split() == "blue 100% · green 0%"
    assert route.other is not None and route.other.deployment == "shop-green"
    assert route.other.not_ready_reason == (
        "shop-green: 1 of 2 pods Ready (not Ready: shop-green-b)"
    )
    (ready_route,) = traffic_routes(*bluegreen(green_ready=True))
    assert ready_route.other is not None and ready_route.other.not_ready_reason == ""


def test_switch_plan_refuses_until_every_target_pod_is_ready() -> None:
    services, deployments, _, pods = bluegreen(green_ready=False)
    ref = ObjectRef("ctx", "https://k", "services", "default", "shop")
    action = SwitchService(ref, "track", "green", "shop-green", "shop-blue")
    green_pods = [p for p in pods if p["metadata"]["labels"]["track"] == "green"]
    snapshot = {"service": services[0], "target": deployments[1], "pods": green_pods}
    refused = action.plan(snapshot)
    assert not refused.runnable and "shop-green: 1 of 2 pods Ready" in refused.refusal
    green_pods[1]["status"]["conditions"][0]["status"] = "True"
    plan = action.plan(snapshot)
    assert plan.runnable and (plan.before, plan.after) == ("track=blue", "track=green")
    assert plan.body == [
        {"op": "test", "path": "/spec/selector", "value": {"app": "shop", "track": "blue"}},
        {"op": "replace", "path": "/spec/selector", "value": {"app": "shop", "track": "green"}},
    ]
    assert plan.content_type == JSON_PATCH and plan.path.endswith("/services/shop")
    assert plan.inverse == SwitchService(ref, "track", "blue", "shop-blue", "shop-green")


def switch_plan(green_pods: list[dict[str, Any]]) -> Any:
    services, deployments, _, _ = bluegreen(green_ready=True)
    ref = ObjectRef("ctx", "https://k", "services", "default", "shop")
    action = SwitchService(ref, "track", "green", "shop-green", "shop-blue")
    return action.plan({"service": services[0], "target": deployments[1], "pods": green_pods})


def test_switch_follows_the_ready_condition_not_the_container_flags() -> None:
    """The endpoints controller reads the pod's Ready condition: a kubelet that has set it but
    not yet the containers' flags serves traffic, and one whose readiness gate is unmet (Ready
    False, every container ready) does not."""
    lagging_flags = [
        pod("shop-green-a", GREEN, True, containers_ready=False),
        pod("shop-green-b", GREEN, True, containers_ready=False),
    ]
    assert switch_plan(lagging_flags).runnable
    gate_unmet = [pod("shop-green-a", GREEN, True), pod("shop-green-b", GREEN, False, True)]
    refusal = switch_plan(gate_unmet).refusal
    assert refusal == (
        "not every endpoint would be Ready: shop-green: 1 of 2 pods Ready (not Ready: shop-green-b)"
    )


def test_a_terminating_pod_is_no_endpoint_and_no_reason_to_refuse() -> None:
    leaving = pod("shop-green-old", GREEN, False)
    leaving["metadata"]["deletionTimestamp"] = "2026-12-07T12:00:00Z"
    pods = [pod("shop-green-a", GREEN, True), pod("shop-green-b", GREEN, True), leaving]
    assert switch_plan(pods).runnable
    no_ip = pod("shop-green-b", GREEN, True)
    # Ready before the kubelet reported its IP (a real v1.27 hollow node does this): the
    # endpoints controller leaves such a pod out, so it serves nothing yet
    del no_ip["status"]["podIP"]
    refusal = switch_plan([*pods[:1], no_ip]).refusal
    assert refusal.endswith("1 of 2 pods Ready (no address yet: shop-green-b)")


def test_switch_refuses_a_deployment_still_rolling_out_or_scaled_to_zero() -> None:
    services, deployments, _, pods = bluegreen(green_ready=True)
    ref = ObjectRef("ctx", "https://k", "services", "default", "shop")
    rolling = dict(deployments[1], status={**deployments[1]["status"], "updatedReplicas": 1})
    plan = SwitchService(ref, "track", "green", "shop-green").plan(
        {"service": services[0], "target": rolling, "pods": pods[2:]}
    )
    assert "not rolled out: 1 of 2 new replicas updated" in plan.refusal
    empty = track_deployment("shop-green", "shop", "green", replicas=0)
    plan = SwitchService(ref, "track", "green", "shop-green").plan(
        {"service": services[0], "target": rolled_out(empty), "pods": []}
    )
    assert "has 0 replicas" in plan.refusal


def test_declared_pair_overrides_detection() -> None:
    services, deployments, _, pods = bluegreen(green_ready=True)
    deployments.append(rolled_out(track_deployment("shop-red", "shop", "red")))
    assert traffic_routes(services, deployments, [], pods) == []  # three candidates: ambiguous
    declared = DeclaredTraffic(service="shop", bluegreen=("shop-blue", "shop-green"))
    (route,) = traffic_routes(services, deployments, [], pods, declared)
    assert route.declared and [s.deployment for s in route.sides] == ["shop-blue", "shop-green"]


def test_canary_ingress_weight_and_plan() -> None:
    ingresses = [ingress("shop", "shop"), ingress("shop-canary", "shop-v2", canary_weight=20)]
    (route,) = traffic_routes([], [], ingresses, [])
    assert (route.kind, route.weight, route.stable_ingress) == ("canary-ingress", 20, "shop")
    assert route.split() == "stable 80% · canary 20%"
    ref = ObjectRef("ctx", "https://k", "ingresses", "default", "shop-canary")
    plan = SetCanaryWeight(ref, 30).plan({"ingress": ingresses[1]})
    assert (plan.before, plan.after) == ("canary 20%", "canary 30%")
    weight = "/metadata/annotations/nginx.ingress.kubernetes.io~1canary-weight"
    assert plan.body == [
        {"op": "test", "path": weight, "value": "20"},
        {"op": "add", "path": weight, "value": "30"},
    ]
    assert plan.inverse == SetCanaryWeight(ref, 20)
    assert SetCanaryWeight(ref, 130).plan({"ingress": ingresses[1]}).refusal
    assert SetCanaryWeight(ref, 30).plan({"ingress": ingresses[0]}).refusal  # not a canary


def test_replica_canary_split_keeps_the_total_and_grows_first() -> None:
    stable = rolled_out(track_deployment("shop", "shop", "stable", replicas=9))
    canary = rolled_out(track_deployment("shop-canary", "shop", "canary", replicas=1))
    (route,) = traffic_routes([service("shop", {"app": "shop"})], [stable, canary], [], [])
    assert (route.kind, route.weight) == ("canary-replicas", 10)
    assert replica_split(10, 30) == (7, 3)
    ref = ObjectRef("ctx", "https://k", "deployments", "default", "shop-canary")
    plan = SetCanaryReplicas(ref, "shop", 3).plan({"canary": canary, "stable": stable})
    assert (plan.before, plan.after) == ("stable 9 / canary 1", "stable 7 / canary 3")
    assert plan.path.endswith("/deployments/shop-canary/scale")  # the growing side first
    assert plan.then[0].path.endswith("/deployments/shop/scale")
    assert plan.then[0].body == {"spec": {"replicas": 7}}
    back = SetCanaryReplicas(ref, "shop", 0).plan({"canary": canary, "stable": stable})
    assert back.path.endswith("/deployments/shop/scale") and back.body["spec"]["replicas"] == 10
    assert SetCanaryReplicas(ref, "shop", 11).plan({"canary": canary, "stable": stable}).refusal
    hpa = {
        "metadata": {"name": "shop-hpa"},
        "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "shop"}},
    }
    warned = SetCanaryReplicas(ref, "shop", 3).plan(
        {"canary": canary, "stable": stable, "hpas": [hpa]}
    )
    assert warned.warnings == (
        "HorizontalPodAutoscaler shop-hpa controls shop and will move this split",
    )


def test_a_canary_weight_that_is_not_a_number_reads_as_ingress_nginx_reads_it() -> None:
    hostile = ingress("shop-canary", "shop-v2", canary_weight=10)
    annotations = hostile["metadata"]["annotations"]
    annotations["nginx.ingress.kubernetes.io/canary-weight"] = "20\x1b]0;T\x1b\\"
    (route,) = traffic_routes([], [], [ingress("shop", "shop"), hostile], [])
    assert route.split() == "stable 100% · canary 0%"
    assert "is not a whole number from 0 to 100; ingress-nginx reads it as 0" in route.notes[-1]
    ref = ObjectRef("ctx", "https://k", "ingresses", "default", "shop-canary")
    plan = SetCanaryWeight(ref, 10).plan({"ingress": hostile})
    # the confirm starts from what the table shows, with the value as the server has it
    assert plan.before == (
        "canary 0% (canary-weight '20^[]0;T^[\\' is not a whole number from 0 to 100; "
        "ingress-nginx reads it as 0)"
    )
    assert plan.after == "canary 10%" and not plan.noop
    assert plan.inverse is None  # no one-key way back to a value that was not a weight
