"""The e2e suite: the shared scenarios (tests/integration/*_scenarios.py, which CI runs against
the fake API server) against a real cluster, when KUBECONFIG points at one and GOK_E2E=1;
skipped loudly otherwise (tests/conftest.py). Each test gets its own namespace and deletes it.

What a kubemark hollow node cannot do (pod logs, exec, port-forward, image pulls) stays
fake-only: tests/integration/test_logs.py and tests/ui/test_logs_ui.py.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from gok_tui.backends.kube import KubeBackend
from gok_tui.config.kubeconfig import resolve_target
from gok_tui.domain.kinds import KINDS


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


@pytest.fixture
def pods_can_run(cluster: tuple[KubeBackend, str]) -> bool:
    """Without a Ready node no pod runs: the scenarios then check what such a cluster shows."""
    return ready_nodes(cluster[0]) > 0
