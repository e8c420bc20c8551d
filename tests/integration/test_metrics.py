"""The metrics store against the fake's metrics.k8s.io (the real client over HTTP): asked only
while a view shows it, once per interval, one list per view; absent, forbidden and hung APIs;
metrics for pods that are gone; units the parser has not met."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from urllib.error import HTTPError

import pytest
from gok_tui.backends.kube import KubeBackend
from gok_tui.config.kubeconfig import resolve_target
from gok_tui.domain.metrics import pod_cells
from gok_tui.store.metrics import MetricsStore

from tests.kubefake import FakeKube, wait_until

RECORDED_ABSENT = Path("/work/shared/k8s-answers/09-metrics-api-absent.json")
CONTEXT = "fake"
AGGREGATED = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList"


class Viewer:
    """Something on screen that shows usage (the store keys its polling by identity)."""


@pytest.fixture
def backend(fake_kubeconfig: Path) -> Iterator[KubeBackend]:
    target = resolve_target(kubeconfig=str(fake_kubeconfig), environ={})
    assert target is not None
    backend = KubeBackend(target, timeout=(2.0, 10.0))
    yield backend
    backend.close()


def store_for(backend: KubeBackend, interval: float = 60.0, **options: object) -> MetricsStore:
    return MetricsStore(lambda: backend, interval=interval, **options)  # type: ignore[arg-type]


@pytest.fixture
def served(fake_kube: FakeKube) -> FakeKube:
    fake_kube.metrics.mode = "served"
    fake_kube.set_pod_metrics("default", "web-1", {"web": ("250m", "243Mi")})
    fake_kube.set_pod_metrics("default", "web-2", {"web": ("100m", "64Mi")})
    fake_kube.set_pod_metrics("kube-system", "dns", {"dns": ("5m", "20Mi")})
    fake_kube.set_node_metrics("fake-node-1", "1200m", "3Gi")
    return fake_kube


def get(fake: FakeKube, path: str, accept: str = "application/json") -> tuple[int, str, str]:
    request = urllib.request.Request(fake.url + path, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers["Content-Type"], response.read().decode()
    except HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read().decode()


# -- the fake ---------------------------------------------------------------------------------
def test_the_fake_serves_the_metrics_api_as_metrics_server_does(served: FakeKube) -> None:
    status, _, body = get(served, "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods")
    listed = json.loads(body)
    assert status == 200 and listed["kind"] == "PodMetricsList"
    assert [item["metadata"]["name"] for item in listed["items"]] == ["web-1", "web-2"]
    first = listed["items"][0]
    assert first["containers"] == [{"name": "web", "usage": {"cpu": "250m", "memory": "243Mi"}}]
    assert first["window"] and first["timestamp"]
    every = json.loads(get(served, "/apis/metrics.k8s.io/v1beta1/pods")[2])
    assert len(every["items"]) == 3
    node = json.loads(get(served, "/apis/metrics.k8s.io/v1beta1/nodes/fake-node-1")[2])
    assert node["kind"] == "NodeMetrics" and node["usage"] == {"cpu": "1200m", "memory": "3Gi"}
    assert get(served, "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/gone")[0] == 404
    service = json.loads(
        get(served, "/apis/apiregistration.k8s.io/v1/apiservices/v1beta1.metrics.k8s.io")[2]
    )
    assert service["spec"]["group"] == "metrics.k8s.io"
    assert service["status"]["conditions"][0]["status"] == "True"
    assert served.metrics.request_count("pods", "default") == 2
    assert served.metrics.request_count("nodes") == 1


def test_discovery_lists_the_metrics_group_only_while_it_is_served(served: FakeKube) -> None:
    resources = json.loads(get(served, "/apis/metrics.k8s.io/v1beta1")[2])
    assert {r["name"]: r["kind"] for r in resources["resources"]} == {
        "nodes": "NodeMetrics",
        "pods": "PodMetrics",
    }
    groups = json.loads(get(served, "/apis")[2])
    assert "metrics.k8s.io" in {g["name"] for g in groups["groups"]}
    aggregated = json.loads(get(served, "/apis", AGGREGATED)[2])
    assert "metrics.k8s.io" in {item["metadata"]["name"] for item in aggregated["items"]}
    served.metrics.mode = "absent"
    assert "metrics.k8s.io" not in {
        g["name"] for g in json.loads(get(served, "/apis")[2])["groups"]
    }


def test_an_absent_metrics_api_answers_as_the_recorded_server_did(fake_kube: FakeKube) -> None:
    recorded = json.loads(RECORDED_ABSENT.read_text())
    wanted = recorded["response"]
    for path in (recorded["request"]["path"], "/apis/metrics.k8s.io/v1beta1/pods"):
        status, content_type, body = get(fake_kube, path)
        assert (status, content_type, body) == (
            wanted["status"],
            wanted["headers"]["Content-Type"],
            wanted["body"],
        )
    status, _, _ = get(
        fake_kube, "/apis/apiregistration.k8s.io/v1/apiservices/v1beta1.metrics.k8s.io"
    )
    assert status == 404


# -- the store --------------------------------------------------------------------------------
def test_usage_is_read_with_one_list_per_view_and_only_while_shown(
    served: FakeKube, backend: KubeBackend
) -> None:
    store = store_for(backend, interval=0.2)
    pods, nodes = Viewer(), Viewer()
    store.show(pods, "pods", "default", CONTEXT)
    wait_until(lambda: served.metrics.request_count("pods", "default") >= 3, timeout=10)
    usage = store.pod_usage("default/web-1")
    assert usage is not None and usage["web"].memory == Decimal(243 * 2**20)
    assert store.pod_usage("kube-system/dns") is None  # another namespace: not asked
    assert served.metrics.request_count("pods", "") == 0  # never all namespaces, never per pod
    store.hide(pods)
    wait_until(lambda: store.polling == 0, timeout=10)
    asked = served.metrics.request_count("pods")
    # while another view is shown (and polled three times), nothing asks for the pods
    store.show(nodes, "nodes", None, CONTEXT)
    wait_until(lambda: len(store.node_samples("fake-node-1")[0]) >= 3, timeout=10)
    assert served.metrics.request_count("pods") == asked
    node = store.node_usage("fake-node-1")
    assert node is not None and node.cpu == Decimal("1.2")
    cpu, memory = store.node_samples("fake-node-1")
    # samples are kept as 32-bit floats (for sparklines): seven significant digits
    assert cpu[-1] == Decimal("1.2") and memory[-1] == pytest.approx(3 * 2**30, rel=1e-6)
    store.stop_all()


def test_samples_are_kept_in_a_bounded_ring_and_gone_pods_are_forgotten(
    served: FakeKube, backend: KubeBackend
) -> None:
    store = store_for(backend, interval=0.05, history=4)
    viewer = Viewer()
    store.show(viewer, "pods", "default", CONTEXT)
    wait_until(lambda: len(store.pod_samples("default/web-2", "web")[0]) == 4, timeout=10)
    wait_until(lambda: served.metrics.request_count("pods") >= 6, timeout=10)
    cpu, _ = store.pod_samples("default/web-2", "web")
    assert len(cpu) == 4 and set(cpu) == {Decimal("0.1")}  # the last four of six or more
    served.remove_pod_metrics("default", "web-2")
    wait_until(lambda: store.pod_usage("default/web-2") is None, timeout=10)
    assert store.pod_samples("default/web-2", "web") == ([], [])
    assert store.pod_usage("default/web-1") is not None
    store.stop_all()


def test_an_absent_api_is_said_once_and_never_asked_again(
    fake_kube: FakeKube, backend: KubeBackend
) -> None:
    store = store_for(backend, interval=0.05)
    first, second = Viewer(), Viewer()
    store.show(first, "pods", "default", CONTEXT)
    wait_until(lambda: store.state("pods", "default", CONTEXT).state == "absent", timeout=10)
    wait_until(lambda: store.polling == 0, timeout=10)
    notice = store.take_notice()
    assert notice is not None and notice.quiet  # the common case: not a toast
    assert "does not serve metrics.k8s.io" in notice.text
    assert store.take_notice() is None
    store.show(second, "nodes", None, CONTEXT)  # another view, another kind: not asked
    store.show(first, "pods", "other", CONTEXT)
    assert store.polling == 0
    assert fake_kube.metrics.request_count() == 1
    assert not store.state("nodes", None, CONTEXT).shows_columns
    store.retarget()  # a namespace change does not make it served
    store.show(first, "pods", "default", CONTEXT)
    assert fake_kube.metrics.request_count() == 1 and store.take_notice() is None


def test_a_forbidden_api_is_said_once_and_asked_again_after_a_namespace_change(
    served: FakeKube, backend: KubeBackend
) -> None:
    served.metrics.forbidden = True
    store = store_for(backend, interval=0.05)
    viewer = Viewer()
    store.show(viewer, "pods", "default", CONTEXT)
    wait_until(lambda: store.state("pods", "default", CONTEXT).state == "forbidden", timeout=10)
    wait_until(lambda: store.polling == 0, timeout=10)
    notice = store.take_notice()
    assert notice is not None and not notice.quiet and "forbidden" in notice.text
    assert "cannot list resource" in store.state("pods", "default", CONTEXT).message
    store.show(Viewer(), "pods", "default", CONTEXT)
    assert served.metrics.request_count() == 1 and store.take_notice() is None
    served.metrics.forbidden = False
    store.retarget()
    store.show(viewer, "pods", "default", CONTEXT)
    wait_until(lambda: store.state("pods", "default", CONTEXT).state == "live", timeout=10)
    store.stop_all()


def test_the_restricted_users_rbac_applies_to_metrics(served: FakeKube) -> None:
    served.forbid("nodes", verbs=("list",))
    status, _, body = get(served, "/apis/metrics.k8s.io/v1beta1/nodes")
    assert status == 403
    assert json.loads(body)["message"].startswith("nodes.metrics.k8s.io is forbidden")


def test_a_hung_api_makes_usage_unknown_until_it_answers(
    served: FakeKube, backend: KubeBackend
) -> None:
    store = store_for(backend, interval=0.05, timeout=(0.5, 0.5))
    viewer = Viewer()
    store.show(viewer, "pods", "default", CONTEXT)
    wait_until(lambda: store.pod_usage("default/web-1") is not None, timeout=10)
    served.metrics.mode = "hang"
    wait_until(lambda: store.state("pods", "default", CONTEXT).state == "unknown", timeout=15)
    state = store.state("pods", "default", CONTEXT)
    assert state.shows_columns and store.pod_usage("default/web-1") is None
    assert store.take_notice() is None  # not absent, not forbidden: nothing to say once
    served.metrics.mode = "served"
    served.metrics.unhang()
    wait_until(lambda: store.state("pods", "default", CONTEXT).state == "live", timeout=15)
    assert store.pod_usage("default/web-1") is not None
    store.stop_all()


def test_units_the_parser_has_not_met_are_unknown_and_gone_pods_are_not_shown(
    served: FakeKube, backend: KubeBackend
) -> None:
    served.set_pod_metrics("default", "odd", {"main": ("12 cores", "1.5e3Ki"), "side": (None, 7)})
    store = store_for(backend)
    store.show(Viewer(), "pods", "default", CONTEXT)
    wait_until(lambda: store.pod_usage("default/odd") is not None, timeout=10)
    usage = store.pod_usage("default/odd")
    assert usage is not None
    assert usage["main"].cpu is None and usage["main"].memory is None  # "1.5e3Ki": no such unit
    assert usage["side"].memory == Decimal(7)
    pod = {
        "metadata": {"name": "odd", "namespace": "default"},
        "spec": {
            "containers": [
                {"name": "main", "resources": {"limits": {"memory": "1Gi"}}},
                {"name": "side"},
            ]
        },
    }
    assert pod_cells(pod, usage) == ("?", "n/a", "n/a", "?", "n/a", "?")
    # web-1 and web-2 have metrics but no pods: a view keyed by its pods never meets them
    assert served.get_object("pods", "default", "web-1") is None
    store.stop_all()
