"""Diagnosis on a real cluster (KUBECONFIG + GOK_E2E=1): what even a cluster without nodes shows.
Each test uses its own namespace (the `cluster` fixture) and deletes it."""

from __future__ import annotations

import pytest
from gok_tui.backends.kube import KubeBackend
from gok_tui.store.feeds import FeedHub

from tests.e2e.conftest import ready_nodes
from tests.integration.problems_scenarios import (
    ProblemsMirror,
    create,
    deployment_needing_configmap,
    service_selecting_nothing,
)

pytestmark = pytest.mark.e2e


def test_service_selecting_nothing(cluster: tuple[KubeBackend, str]) -> None:
    backend, namespace = cluster
    hub = FeedHub(backend, watch_timeout=30)
    try:
        mirror = ProblemsMirror(hub, namespace)
        create(backend, "services", namespace, service_selecting_nothing(namespace))
        finding = mirror.wait_for_finding("selector-matches-nothing", "orphan", timeout=30)
        assert finding.cause == "Service orphan selects no pods"
    finally:
        hub.stop_all()


def test_missing_configmap_or_no_nodes(cluster: tuple[KubeBackend, str]) -> None:
    backend, namespace = cluster
    hub = FeedHub(backend, watch_timeout=30)
    try:
        mirror = ProblemsMirror(hub, namespace)
        create(backend, "deployments", namespace, deployment_needing_configmap(namespace))
        if ready_nodes(backend) == 0:
            finding = mirror.wait_for_finding_of_kind("unschedulable", timeout=60)
            assert finding.cause == "no nodes to run on: the cluster has no schedulable nodes"
        else:
            finding = mirror.wait_for_finding_of_kind("config-missing", timeout=120)
            assert "missing-config" in finding.cause
    finally:
        hub.stop_all()
