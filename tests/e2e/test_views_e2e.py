"""The view scenarios against a real cluster (KUBECONFIG + GOK_E2E=1); skipped loudly otherwise.

Each test creates its own namespace and deletes it afterwards.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator

import pytest
from gok_tui.backends.kube import KubeBackend
from gok_tui.config.kubeconfig import resolve_target
from gok_tui.domain.kinds import KINDS
from gok_tui.store.feeds import FeedHub
from gok_tui.store.watch import FeedSpec

from tests.integration.helpers import Mirror, bare_pod, deployment, deployment_model, pod_model

pytestmark = pytest.mark.e2e


@pytest.fixture
def cluster() -> Iterator[tuple[KubeBackend, str]]:
    target = resolve_target(environ=os.environ)
    assert target is not None, "KUBECONFIG points at no usable context"
    # the namespace has its own connection: a test's FeedHub closes the backend it was given
    admin = KubeBackend(target)
    backend = KubeBackend(target)
    namespace = f"gok-e2e-{uuid.uuid4().hex[:8]}"
    admin.mutate("POST", "/api/v1/namespaces", {"metadata": {"name": namespace}})
    try:
        yield backend, namespace
    finally:
        backend.close()
        admin.mutate("DELETE", f"/api/v1/namespaces/{namespace}")
        admin.close()


def ready_nodes(backend: KubeBackend) -> int:
    nodes = backend.list(KINDS["nodes"], None).items
    return sum(
        any(
            c.get("type") == "Ready" and c.get("status") == "True"
            for c in (n.get("status") or {}).get("conditions") or []
        )
        for n in nodes
    )


def test_deployment_created_appears_and_deleted_disappears(
    cluster: tuple[KubeBackend, str],
) -> None:
    backend, namespace = cluster
    hub = FeedHub(backend, watch_timeout=30)
    try:
        mirror = Mirror(hub.open(FeedSpec(KINDS["deployments"], namespace)), deployment_model())
        mirror.wait_for(lambda m: m.feed.status.state == "live", timeout=15)
        started = time.monotonic()
        path = KINDS["deployments"].collection_path(namespace)
        backend.mutate("POST", path, deployment("e2e-web", ns=namespace, replicas=0))
        mirror.wait_for(lambda m: f"{namespace}/e2e-web" in m.model.shown, timeout=5)
        print(f"deployment visible after {time.monotonic() - started:.2f}s")
        backend.mutate("DELETE", KINDS["deployments"].object_path(namespace, "e2e-web"))
        mirror.wait_for(lambda m: f"{namespace}/e2e-web" not in m.model.shown, timeout=15)
    finally:
        hub.stop_all()


def test_pod_rows_follow_the_cluster(cluster: tuple[KubeBackend, str]) -> None:
    backend, namespace = cluster
    hub = FeedHub(backend, watch_timeout=30)
    try:
        mirror = Mirror(hub.open(FeedSpec(KINDS["pods"], namespace)), pod_model())
        mirror.wait_for(lambda m: m.feed.status.state == "live", timeout=15)
        backend.mutate(
            "POST", KINDS["pods"].collection_path(namespace), bare_pod("e2e-pod", ns=namespace)
        )
        mirror.wait_for(lambda m: f"{namespace}/e2e-pod" in m.model.shown, timeout=10)
        if ready_nodes(backend) == 0:
            pytest.skip("the cluster has no ready nodes: the pod cannot run, status checks skipped")
        mirror.wait_for(
            lambda m: m.cell(f"{namespace}/e2e-pod", "STATUS") != "Pending", timeout=120
        )
    finally:
        hub.stop_all()
