"""The xray tree (relations of one object) read from a live cluster: the fake in CI, a real one
in e2e (tests/e2e/test_relations_e2e.py)."""

from __future__ import annotations

from gok_tui.backends.kube import KubeBackend
from gok_tui.domain.relations import RelationNode, tree_lines
from gok_tui.store.relations import read_relations

from tests.integration.helpers import deployment, ingress, service
from tests.integration.scenario_kit import PAUSE_IMAGE, create, wait

MAX_CALLS = 8  # list calls for Ingress -> Service -> slice -> Pod -> what the Pod uses


def _ready_pods(tree: RelationNode) -> list[RelationNode]:
    return [
        node
        for node in tree.walk()
        if node.kind == "Pod" and node.relation == "endpoint" and node.status == "Running"
    ]


def ingress_reaches_pods(backend: KubeBackend, namespace: str, pods_can_run: bool) -> None:
    """Deployment web behind a Service and an Ingress: the Ingress' tree goes through the
    Service and its EndpointSlice to the pod, whose owners are not followed down again."""
    create(backend, "deployments", namespace, deployment("web", PAUSE_IMAGE, 1, namespace))
    create(backend, "services", namespace, service("web", {"app": "web"}, namespace))
    create(backend, "ingresses", namespace, ingress("web", "web", ns=namespace))
    shown: dict[str, RelationNode] = {}

    def read() -> RelationNode:
        shown["tree"], calls = read_relations(backend, "ingresses", namespace, "web")
        assert calls <= MAX_CALLS, tree_lines(shown["tree"])
        return shown["tree"]

    if pods_can_run:
        wait(lambda: _ready_pods(read()), 120, "the Ingress' tree reaches a running pod")
    else:
        wait(
            lambda: any(n.kind == "EndpointSlice" for n in read().walk()),
            60,
            "the Ingress' tree reaches the Service's EndpointSlice",
        )
    lines = tree_lines(shown["tree"])
    assert lines[0].startswith("Ingress web"), lines
    assert lines[1] == "  backend Service web  ClusterIP", lines
    assert lines[2].startswith("    endpoints EndpointSlice web-"), lines
    if pods_can_run:
        pod = _ready_pods(shown["tree"])[0]
        assert pod.name.startswith("web-") and pod.namespace == namespace
        assert [c.kind for c in pod.children if c.relation == "service account"] == [
            "ServiceAccount"
        ]


def pod_shows_its_owners(backend: KubeBackend, namespace: str) -> None:
    """A pod of a Deployment: owned by its ReplicaSet, owned by the Deployment."""
    create(backend, "deployments", namespace, deployment("own", PAUSE_IMAGE, 1, namespace))
    pods: list[str] = []

    def listed() -> bool:
        from gok_tui.domain.kinds import KINDS

        items = backend.list(KINDS["pods"], namespace, label_selector="app=own").items
        pods[:] = [p["metadata"]["name"] for p in items]
        return bool(pods)

    wait(listed, 60, "a pod of Deployment own")
    tree, _ = read_relations(backend, "pods", namespace, pods[0])
    owners = [(n.kind, n.name) for n in tree.walk() if n.relation == "owner"]
    assert [kind for kind, _ in owners] == ["ReplicaSet", "Deployment"], tree_lines(tree)
    assert owners[1][1] == "own" and owners[0][1].startswith("own-")
