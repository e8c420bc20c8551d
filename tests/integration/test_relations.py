"""The xray tree against the fake API server over HTTP: the shared scenarios
(relation_scenarios.py), a kind the user may not list, and the fake's EndpointSlices."""

from __future__ import annotations

from typing import Any

from gok_tui.backends.kube import KubeBackend
from gok_tui.domain.relations import relation_kind, tree_lines
from gok_tui.store.relations import read_relations

from tests.integration import relation_scenarios
from tests.integration.helpers import deployment, service
from tests.integration.scenario_kit import wait
from tests.kubefake import FakeKube


def test_xray_of_an_ingress_reaches_the_pods(
    fake_kube: FakeKube, fake_backend: KubeBackend
) -> None:
    relation_scenarios.ingress_reaches_pods(fake_backend, "default", pods_can_run=True)


def test_xray_of_a_pod_shows_its_owners(fake_kube: FakeKube, fake_backend: KubeBackend) -> None:
    relation_scenarios.pod_shows_its_owners(fake_backend, "default")


def test_a_kind_not_allowed_says_so_and_the_rest_shows(
    fake_kube: FakeKube, fake_backend: KubeBackend
) -> None:
    fake_kube.apply_object(service("web", {"app": "web"}))
    fake_kube.forbid("endpointslices")
    tree, _ = read_relations(fake_backend, "services", "default", "web")
    assert tree_lines(tree)[:2] == [
        "Service web  ClusterIP",
        "  not allowed to list endpointslices",
    ]
    # Endpoints, readable, still show (none yet: no pod has an address)
    assert any(node.kind == "Endpoints" for node in tree.walk()), tree_lines(tree)


def test_the_fakes_endpoint_slice_follows_its_service_and_pods(
    fake_kube: FakeKube, fake_backend: KubeBackend
) -> None:
    """One slice per Service, as discovery.k8s.io/v1 shapes it, read through the client:
    labelled with the Service's name, owned by it, its endpoints the ready pods; gone with it."""
    slices = relation_kind("endpointslices")
    assert slices is not None
    fake_kube.apply_object(deployment("web", replicas=1))
    fake_kube.apply_object(service("web", {"app": "web"}))
    found: list[dict[str, Any]] = []

    def one_ready() -> bool:
        found[:] = fake_backend.list(
            slices, "default", label_selector="kubernetes.io/service-name=web"
        ).items
        endpoints = (found[0].get("endpoints") or []) if len(found) == 1 else []
        return len(endpoints) == 1 and endpoints[0]["conditions"]["ready"] is True

    wait(one_ready, 10, "one ready endpoint in web's slice")
    endpoint_slice = found[0]
    assert endpoint_slice["addressType"] == "IPv4"
    assert endpoint_slice["ports"] == [{"name": "", "protocol": "TCP", "port": 8080}]
    owner = endpoint_slice["metadata"]["ownerReferences"][0]
    assert (owner["kind"], owner["name"], owner["controller"]) == ("Service", "web", True)
    target = endpoint_slice["endpoints"][0]["targetRef"]
    assert target["kind"] == "Pod" and target["name"].startswith("web-")
    fake_kube.delete_object("services", "default", "web")
    wait(lambda: not fake_backend.list(slices, "default").items, 10, "the slice gone")
