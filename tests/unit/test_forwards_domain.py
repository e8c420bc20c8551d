"""Port-forward's pure part: the ports offered, the port reached on a pod, the pod chosen."""

from __future__ import annotations

from typing import Any

import pytest
from gok_tui.domain.forwards import (
    ForwardProblem,
    ForwardTarget,
    human_bytes,
    local_port_candidates,
    local_port_problem,
    parse_target,
    pick_pod,
    pod_port,
    pod_problem,
    port_choices,
    reached_port,
    service_port,
)

PORTS = [
    {"name": "http", "containerPort": 8080},
    {"name": "metrics", "containerPort": 9090},
    {"name": "dns", "containerPort": 53, "protocol": "UDP"},
]


def pod(
    name: str,
    *,
    ready: bool = True,
    created: str = "2026-01-01T00:00:00Z",
    ports: list[dict[str, Any]] | None = None,
    phase: str = "Running",
    deleting: bool = False,
) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name, "namespace": "default", "creationTimestamp": created}
    if deleting:
        meta["deletionTimestamp"] = "2026-01-01T00:05:00Z"
    return {
        "metadata": meta,
        "spec": {"containers": [{"name": "web", "ports": PORTS if ports is None else ports}]},
        "status": {
            "phase": phase,
            "podIP": "10.0.0.1",
            "conditions": [{"type": "Ready", "status": "True" if ready else "False"}],
        },
    }


SERVICE = {
    "metadata": {"name": "web"},
    "spec": {
        "selector": {"app": "web"},
        "ports": [
            {"name": "http", "port": 80, "targetPort": "http"},
            {"name": "admin", "port": 81, "targetPort": 9091},
        ],
    },
}


def test_port_choices_show_names_containers_and_where_a_service_port_goes() -> None:
    labels = [choice.label() for choice in port_choices("pods", pod("a"))]
    assert labels == ["8080/http (web)", "9090/metrics (web)", "53/dns (web) UDP: not forwardable"]
    deployment = {"spec": {"template": {"spec": pod("a")["spec"]}}}
    assert [c.port for c in port_choices("deployments", deployment)] == [8080, 9090, 53]
    assert [c.label() for c in port_choices("services", SERVICE)] == [
        "80/http -> http",
        "81/admin -> 9091",
    ]


def test_named_and_numbered_ports_resolve_on_the_pod() -> None:
    assert pod_port(pod("a"), "metrics") == 9090
    assert pod_port(pod("a"), 8080) == 8080
    assert pod_port(pod("a"), "8080") == 8080
    assert pod_port(pod("a", ports=[]), 1234) == 1234  # declares none: taken at its word


def test_a_port_the_pod_does_not_expose_is_said_with_its_ports() -> None:
    with pytest.raises(
        ForwardProblem, match=r"pod a does not expose port 1234 \(its ports: 8080/http"
    ):
        pod_port(pod("a"), 1234)
    with pytest.raises(ForwardProblem, match="pod a has no port named 'grpc'"):
        pod_port(pod("a"), "grpc")


def test_a_service_port_reaches_its_target_port_on_each_pod() -> None:
    assert reached_port("services", SERVICE, 80, pod("a")) == 8080
    assert reached_port("services", SERVICE, "http", pod("a")) == 8080
    assert reached_port("services", SERVICE, 81, pod("a")) == 9091  # a number: as it is
    with pytest.raises(ForwardProblem, match="service web has no port 82"):
        service_port(SERVICE, 82)
    other = pod("b", ports=[{"name": "web", "containerPort": 3000}])
    with pytest.raises(ForwardProblem, match="no port named 'http'"):
        reached_port("services", SERVICE, 80, other)


def test_the_newest_ready_pod_is_picked_and_kept_while_it_stays_ready() -> None:
    old = pod("old", created="2026-01-01T00:00:00Z")
    new = pod("new", created="2026-01-02T00:00:00Z")
    unready = pod("unready", created="2026-01-03T00:00:00Z", ready=False)
    going = pod("going", created="2026-01-04T00:00:00Z", deleting=True)
    pods = [old, new, unready, going]
    assert pick_pod(pods, "deployments", {}, 8080)["metadata"]["name"] == "new"  # type: ignore[index]
    kept = pick_pod(pods, "deployments", {}, 8080, current="old")
    assert kept is not None and kept["metadata"]["name"] == "old"
    assert pick_pod([unready, going], "deployments", {}, 8080) is None
    # a pod that cannot serve the port is never picked
    bare = pod("bare", created="2026-01-05T00:00:00Z", ports=[{"name": "x", "containerPort": 1}])
    assert pick_pod([old, bare], "services", SERVICE, 80)["metadata"]["name"] == "old"  # type: ignore[index]


def test_why_a_pod_cannot_be_forwarded_to() -> None:
    assert pod_problem(pod("a")) == ""
    assert pod_problem(pod("a", phase="Pending")) == "pod a is Pending, not Running"
    assert pod_problem(pod("a", deleting=True)) == "pod a is terminating"


def test_targets_parse_as_kubectl_writes_them() -> None:
    assert parse_target("deploy/web", "ns") == ForwardTarget("deployments", "ns", "web")
    assert str(parse_target("service/web", "ns")) == "svc/web"
    assert parse_target("pod/web-1", "ns").kind == "pods"
    for bad in ("web", "job/web", "deploy/", "deploy/a/b"):
        with pytest.raises(ForwardProblem, match="not a target"):
            parse_target(bad, "ns")


def test_local_ports_offered_and_typed() -> None:
    assert local_port_candidates(8080)[:2] == [8080, 8081]
    assert local_port_candidates(80)[0] == 8080  # a port only root may bind: 80 -> 8080
    assert local_port_candidates(65535) == [65535]
    assert local_port_problem("8080") == ""
    assert "whole number" in local_port_problem("80a")
    assert "not a port" in local_port_problem("70000")
    assert "not a port" in local_port_problem("0")


def test_byte_counts_read_short() -> None:
    assert human_bytes(512) == "512B"
    assert human_bytes(1536) == "1.5K"
    assert human_bytes(3 * 1024 * 1024) == "3.0M"
