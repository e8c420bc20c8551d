"""The timeline against the fake API server: three changes by three managers, each on the
timeline with who made it."""

from __future__ import annotations

from pathlib import Path

from gok_tui.store.feeds import FeedHub
from gok_tui.store.timeline_feed import TimelineFeed

from tests.integration.helpers import deployment
from tests.integration.test_store import backend_for
from tests.kubefake import FakeKube, wait_until

DEPLOY = "/apis/apps/v1/namespaces/default/deployments/web"
CONFIG = "/api/v1/namespaces/default/configmaps/settings"
MERGE = "application/merge-patch+json"
STRATEGIC = "application/strategic-merge-patch+json"


def test_image_config_and_scale_are_on_the_timeline_with_their_managers(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.apply_object(deployment("web", image="web:1", replicas=1))
    fake_kube.apply_object(
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "settings", "namespace": "default"},
            "data": {"mode": "slow", "level": "info"},
        }
    )
    writer = backend_for(fake_kubeconfig)
    hub = FeedHub(backend_for(fake_kubeconfig), watch_timeout=5)
    feed = TimelineFeed(hub, "default", clock=lambda: 1_800_000_000.0)
    try:
        feed.open()

        def listed() -> bool:
            feed.drain()
            return "default/settings" in feed.objects["configmaps"] and bool(
                feed.objects["replicasets"]
            )

        wait_until(listed)
        container = {
            "spec": {"template": {"spec": {"containers": [{"name": "web", "image": "web:2"}]}}}
        }
        writer.mutate(
            "PATCH",
            DEPLOY,
            container,
            content_type=STRATEGIC,
            query={"fieldManager": "kubectl-set"},
        )
        writer.mutate(
            "PATCH",
            CONFIG,
            {"data": {"mode": "fast"}},
            content_type=MERGE,
            query={"fieldManager": "kubectl-edit"},
        )
        writer.mutate(
            "PATCH",
            f"{DEPLOY}/scale",
            {"spec": {"replicas": 3}},
            content_type=MERGE,
            query={"fieldManager": "kubectl-scale"},
        )

        def seen() -> set[tuple[str, str, str]]:
            feed.drain()
            return {(e.change, e.who, e.ref) for e in feed.timeline.entries()}

        wanted = {
            ("revision", "kubectl-set", "deployments/default/web"),
            ("config", "kubectl-edit", "configmaps/default/settings"),
            ("scale", "kubectl-scale", "deployments/default/web"),
        }
        wait_until(lambda: wanted <= seen(), timeout=10)
        entries = feed.timeline.entries()
        revision = next(e for e in entries if e.change == "revision" and e.revision == 2)
        assert revision.what == "revision 2: image web:2"
        live = next(e for e in entries if e.source == "live")
        assert (live.what, live.who) == ("changed mode", "kubectl-edit")
        scale = next(e for e in entries if e.who == "kubectl-scale")
        assert scale.what == "scaled (replicas now 3)"
    finally:
        hub.stop_all()
        writer.close()
