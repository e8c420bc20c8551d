"""The xray tree against the fake API server over HTTP: the shared scenarios
(relation_scenarios.py) and a kind the user may not list."""

from __future__ import annotations

from gok_tui.backends.kube import KubeBackend
from gok_tui.domain.relations import tree_lines
from gok_tui.store.relations import read_relations

from tests.integration import relation_scenarios
from tests.integration.helpers import service
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
