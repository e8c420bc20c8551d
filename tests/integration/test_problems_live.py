"""The :problems model over live watches of the fake API server."""

from __future__ import annotations

from pathlib import Path

from gok_tui.backends.kube import KubeBackend
from gok_tui.config.kubeconfig import resolve_target
from gok_tui.store.feeds import FeedHub

from tests.integration.problems_scenarios import (
    ProblemsMirror,
    create,
    deployment_needing_configmap,
    service_selecting_nothing,
)
from tests.kubefake import FakeKube, wait_until


def test_findings_follow_the_cluster(fake_kube: FakeKube, fake_kubeconfig: Path) -> None:
    target = resolve_target(kubeconfig=str(fake_kubeconfig), environ={})
    assert target is not None
    backend = KubeBackend(target)
    hub = FeedHub(backend, watch_timeout=5)
    try:
        mirror = ProblemsMirror(hub, "default")
        create(backend, "services", "default", service_selecting_nothing("default"))
        finding = mirror.wait_for_finding("selector-matches-nothing", "orphan")
        assert finding.evidence == "selector app=nobody-has-this-label"

        create(backend, "deployments", "default", deployment_needing_configmap("default"))
        wait_until(lambda: fake_kube.list_objects("pods", "default"))
        pod = fake_kube.list_objects("pods", "default")[0]["metadata"]["name"]
        wait_until(
            lambda: (fake_kube.get_object("pods", "default", pod).get("status") or {}).get(
                "containerStatuses"
            )
        )
        # what the kubelet reports when the ConfigMap is missing
        fake_kube.set_container_state(
            "default",
            pod,
            "web",
            {
                "waiting": {
                    "reason": "CreateContainerConfigError",
                    "message": 'configmap "missing-config" not found',
                }
            },
        )
        finding = mirror.wait_for_finding("config-missing", pod)
        assert finding.cause == "Configmap 'missing-config' does not exist"

        fake_kube.set_container_state(
            "default",
            pod,
            "web",
            {"waiting": {"reason": "ImagePullBackOff", "message": "manifest unknown"}},
        )
        finding = mirror.wait_for_finding("image-pull", pod)
        assert finding.cause == "tag of busybox:1.36 not found in the registry"
    finally:
        hub.stop_all()
        backend.close()
