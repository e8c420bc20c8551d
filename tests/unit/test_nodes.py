"""Nodes: quantities read as the API server reads them, what the pods on a node request, the
node row, and the plans of cordon, uncordon and drain."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from gok_tui.actions.base import ObjectRef
from gok_tui.actions.nodes import Cordon, Drain, Uncordon, blocking_budget, eviction_failure
from gok_tui.backends.kube import KubeError
from gok_tui.domain.nodes import Usage, pod_requests, usage_by_node
from gok_tui.domain.quantity import (
    QuantityError,
    format_cpu,
    format_memory,
    parse_quantity,
)
from gok_tui.domain.render.node import render_node

REF = ObjectRef("kind-dev", "https://127.0.0.1:6443", "nodes", "", "node-1")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("250m", "0.25"),
        ("4", "4"),
        ("1.5", "1.5"),
        ("100n", "0.0000001"),
        ("2u", "0.000002"),
        ("1Ki", "1024"),
        ("128Mi", str(128 * 2**20)),
        ("1.5Gi", str(3 * 2**29)),
        ("2Ti", str(2 * 2**40)),
        ("1k", "1000"),
        ("3M", "3000000"),
        ("1G", "1000000000"),
        ("1e3", "1000"),
        ("1.5E2", "150"),
        ("5e-3", "0.005"),
        ("+1", "1"),
        ("-2m", "-0.002"),
        (".5", "0.5"),
        (2, "2"),
    ],
)
def test_quantities_parse_exactly(text: object, value: str) -> None:
    assert parse_quantity(text) == Decimal(value)


@pytest.mark.parametrize("text", ["", "1KB", "Mi", "1.2.3", "1 Gi", "one", "1e99", None, True])
def test_malformed_quantities_are_refused(text: object) -> None:
    with pytest.raises(QuantityError):
        parse_quantity(text)


def test_quantities_shown_short() -> None:
    assert [format_cpu(Decimal(v)) for v in ("0", "0.25", "1", "1.25", "4")] == [
        "0",
        "250m",
        "1",
        "1.2",
        "4",
    ]
    sizes = [Decimal(2**30 * 8), Decimal(3 * 2**29), Decimal(512 * 2**20), Decimal(100)]
    assert [format_memory(v) for v in sizes] == ["8Gi", "1.5Gi", "512Mi", "100"]


def container(cpu: str | None = None, memory: str | None = None) -> dict[str, Any]:
    requests = {k: v for k, v in (("cpu", cpu), ("memory", memory)) if v is not None}
    return {"name": "c", "resources": {"requests": requests}}


def pod(
    node: str = "node-1",
    containers: list[dict[str, Any]] | None = None,
    init: list[dict[str, Any]] | None = None,
    phase: str = "Running",
    name: str = "p",
    **meta: Any,
) -> dict[str, Any]:
    spec: dict[str, Any] = {"nodeName": node, "containers": containers or [container()]}
    if init:
        spec["initContainers"] = init
    metadata = {"name": name, "namespace": "default", "uid": f"uid-{name}", **meta}
    return {"metadata": metadata, "spec": spec, "status": {"phase": phase}}


def test_a_pods_requests_count_init_containers_as_the_scheduler_does() -> None:
    # containers: 300m, 128Mi together; the largest init container asks 500m and 64Mi
    p = pod(
        containers=[container("100m", "64Mi"), container("200m", "64Mi")],
        init=[container("500m", "32Mi"), container("50m", "64Mi")],
    )
    p["spec"]["overhead"] = {"cpu": "10m"}
    assert pod_requests(p) == Usage(Decimal("0.51"), Decimal(128 * 2**20), 1)


def test_requests_per_node_skip_finished_and_unscheduled_pods() -> None:
    pods = [
        pod(containers=[container("1", "1Gi")], name="a"),
        pod(containers=[container("500m")], name="b"),
        pod(containers=[container("2", "2Gi")], phase="Succeeded", name="done"),
        pod(containers=[container("2", "2Gi")], phase="Failed", name="failed"),
        pod(node="", containers=[container("2")], name="pending"),
        pod(node="node-2", containers=[container("250m", "1e9")], name="c"),
    ]
    assert usage_by_node(pods) == {
        "node-1": Usage(Decimal("1.5"), Decimal(2**30), 2),
        "node-2": Usage(Decimal("0.25"), Decimal(10**9), 1),
    }


def node(**spec: Any) -> dict[str, Any]:
    return {
        "metadata": {"name": "node-1", "creationTimestamp": "2026-01-01T00:00:00Z"},
        "spec": spec,
        "status": {
            "conditions": [
                {"type": "Ready", "status": "True"},
                {"type": "MemoryPressure", "status": "True"},
                {"type": "DiskPressure", "status": "False"},
            ],
            "allocatable": {"cpu": "4", "memory": "8Gi", "pods": "110"},
        },
    }


def test_node_row_says_how_full_it_is() -> None:
    taints = [{"key": "dedicated", "value": "db", "effect": "NoSchedule"}]
    row = render_node(
        node(unschedulable=True, taints=taints),
        now=1_767_268_800.0,
        usage=Usage(Decimal("1.2"), Decimal(3 * 2**29), 12),
    )
    assert row.cells[:7] == (
        "node-1",
        "Ready,SchedulingDisabled",
        "12/110",
        "1.2/4 (30%)",
        "1.5Gi/8Gi (18%)",
        "Memory",
        "1",
    )
    assert row.tone == "warning"


def test_cordon_and_uncordon_plan_the_field_and_undo_each_other() -> None:
    cordon = Cordon(REF).plan({"node": node()})
    assert (cordon.method, cordon.path) == ("PATCH", "/api/v1/nodes/node-1")
    assert cordon.body == {"spec": {"unschedulable": True}}
    assert (cordon.before, cordon.after) == ("schedulable", "unschedulable")
    assert cordon.inverse == Uncordon(REF)
    assert "node node-1" in cordon.summary
    uncordon = Uncordon(REF).plan({"node": node(unschedulable=True)})
    assert uncordon.body == {"spec": {"unschedulable": None}}
    assert uncordon.inverse == Cordon(REF)
    assert Cordon(REF).plan({"node": node(unschedulable=True)}).noop


def test_drain_plan_lists_the_pods_and_leaves_daemonset_and_mirror_pods() -> None:
    daemon = {"kind": "DaemonSet", "name": "fluentd", "controller": True}
    replicaset = {"kind": "ReplicaSet", "name": "web-1", "controller": True}
    pods = [
        pod(name="web-b", ownerReferences=[replicaset]),
        pod(name="web-a", ownerReferences=[replicaset]),
        pod(name="fluentd-x", ownerReferences=[daemon]),
        pod(name="etcd", annotations={"kubernetes.io/config.mirror": "abc"}),
        pod(name="elsewhere", node="node-2", ownerReferences=[replicaset]),
        pod(name="bare"),
    ]
    plan = Drain(REF).plan({"node": node(), "pods": pods})
    assert plan.body == {"spec": {"unschedulable": True}}
    assert [r.path for r in plan.then] == [
        f"/api/v1/namespaces/default/pods/{name}/eviction" for name in ("bare", "web-a", "web-b")
    ]
    assert plan.then[1].body == {
        "apiVersion": "policy/v1",
        "kind": "Eviction",
        "metadata": {"name": "web-a", "namespace": "default"},
        "deleteOptions": {"preconditions": {"uid": "uid-web-a"}},
    }
    assert plan.each_on_its_own and plan.dangerous and plan.inverse is None
    assert "default/bare, default/web-a, default/web-b" in plan.summary
    said = "\n".join(plan.warnings)
    assert "default/fluentd-x: DaemonSet pod" in said
    assert "default/etcd: mirror pod" in said
    assert "default/bare: no controller owns it" in said


def test_a_429_names_the_budget_from_the_servers_cause() -> None:
    refused = KubeError(
        "the API server is throttling requests (429); retrying",
        status=429,
        reason="TooManyRequests",
        server_message="Cannot evict pod as it would violate the pod's disruption budget.",
        causes=("The disruption budget web-pdb needs 2 healthy pods and has 2 currently",),
    )
    assert blocking_budget(refused) == "web-pdb"
    assert eviction_failure(refused) == "blocked by PDB web-pdb"
    throttled = KubeError("x", status=429, server_message="Too many requests")
    assert blocking_budget(throttled) is None
    assert eviction_failure(throttled).startswith("refused for now (429)")


def test_the_node_model_moves_the_sums_pod_by_pod() -> None:
    from gok_tui.store.buffer import Drained
    from gok_tui.store.nodes import NodeModel

    model = NodeModel(lambda obj, objects, now: [])
    assert model.usage_of("node-1") is None  # the pods are not listed yet
    a = pod(containers=[container("1", "1Gi")], name="a")
    b = pod(containers=[container("500m")], name="b")
    model.apply({"pods": Drained(snapshot={"default/a": a, "default/b": b})}, 0.0)
    assert model.usage_of("node-1") == Usage(Decimal("1.5"), Decimal(2**30), 2)
    moved = pod(node="node-2", containers=[container("500m")], name="b")
    finished = pod(containers=[container("1", "1Gi")], phase="Succeeded", name="a")
    model.apply({"pods": Drained(changes={"default/b": moved, "default/a": finished})}, 0.0)
    assert model.usage_of("node-1") == Usage()
    assert model.usage_of("node-2") == Usage(Decimal("0.5"), Decimal(0), 1)
    model.apply({"pods": Drained(changes={"default/b": None})}, 0.0)
    assert model.usage_of("node-2") == Usage()
