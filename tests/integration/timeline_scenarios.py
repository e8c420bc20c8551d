"""The timeline of three changes made by three managers (an image, a ConfigMap edit, a
scale), read as the product reads it (TimelineFeed on a FeedHub): run against the fake
(test_timeline_live.py) and a real cluster (tests/e2e/test_timeline_e2e.py)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from gok_tui.actions.audit import AuditLog
from gok_tui.actions.base import ObjectRef
from gok_tui.actions.configmaps import RestoreConfigMap
from gok_tui.actions.deployments import Undo
from gok_tui.actions.run import execute
from gok_tui.actions.workloads import REVISION_SOURCES
from gok_tui.backends.kube import KubeBackend
from gok_tui.domain.kinds import KINDS
from gok_tui.domain.timeline import Entry, revision_before
from gok_tui.store.feeds import FeedHub
from gok_tui.store.timeline_feed import TimelineFeed

from tests.integration.helpers import deployment
from tests.integration.workload_objects import daemonset, statefulset
from tests.kubefake import wait_until

MERGE = "application/merge-patch+json"
STRATEGIC = "application/strategic-merge-patch+json"


def three_changes_with_their_managers(backend: KubeBackend, namespace: str) -> None:
    deploy = f"/apis/apps/v1/namespaces/{namespace}/deployments"
    config = f"/api/v1/namespaces/{namespace}/configmaps"
    creator = {"fieldManager": "gok-test-setup"}
    backend.mutate(
        "POST", deploy, deployment("web", image="web:1", replicas=1, ns=namespace), query=creator
    )
    settings = {"metadata": {"name": "settings"}, "data": {"mode": "slow", "level": "info"}}
    backend.mutate("POST", config, settings, query=creator)
    hub = FeedHub(backend, watch_timeout=5)
    feed = TimelineFeed(hub, namespace, clock=lambda: 1_800_000_000.0)
    try:
        feed.open()

        def listed() -> bool:
            feed.drain()
            return f"{namespace}/settings" in feed.objects["configmaps"] and bool(
                feed.objects["replicasets"]
            )

        wait_until(listed, timeout=10)
        image = {
            "spec": {"template": {"spec": {"containers": [{"name": "web", "image": "web:2"}]}}}
        }
        backend.mutate(
            "PATCH",
            f"{deploy}/web",
            image,
            content_type=STRATEGIC,
            query={"fieldManager": "kubectl-set"},
        )
        backend.mutate(
            "PATCH",
            f"{config}/settings",
            {"data": {"mode": "fast"}},
            content_type=MERGE,
            query={"fieldManager": "kubectl-edit"},
        )
        backend.mutate(
            "PATCH",
            f"{deploy}/web/scale",
            {"spec": {"replicas": 3}},
            content_type=MERGE,
            query={"fieldManager": "kubectl-scale"},
        )

        def seen() -> set[tuple[str, str, str]]:
            feed.drain()
            return {(e.change, e.who, e.ref) for e in feed.timeline.entries()}

        wanted = {
            ("revision", "kubectl-set", f"deployments/{namespace}/web"),
            ("config", "kubectl-edit", f"configmaps/{namespace}/settings"),
            ("scale", "kubectl-scale", f"deployments/{namespace}/web"),
        }
        wait_until(lambda: wanted <= seen(), timeout=15)
        entries = feed.timeline.entries()
        revision = next(e for e in entries if e.change == "revision" and e.revision == 2)
        assert revision.what == "revision 2: image web:2"
        live = next(e for e in entries if e.source == "live")
        assert (live.what, live.who) == ("changed mode", "kubectl-edit")
        scale = next(e for e in entries if e.who == "kubectl-scale")
        assert scale.what == "scaled (replicas now 3)"
        undo_and_restore_from_the_timeline(backend, feed, revision, live)
    finally:
        hub.stop_all()


def undo_and_restore_from_the_timeline(
    backend: KubeBackend, feed: TimelineFeed, revision: Entry, live: Entry
) -> None:
    """What ``u`` proposes on the revision entry (undo to the one before) and on the ConfigMap
    change (its data back), run as a confirmed action: dry-run, apply, audit."""
    target = backend.target
    namespace = revision.namespace

    def ref(kind: str, name: str) -> ObjectRef:
        return ObjectRef(target.context, target.cluster_server, kind, namespace, name)

    before = revision_before(feed.timeline.entries(), revision)
    assert before == 1
    change = feed.timeline.config_changes[live]
    restore = RestoreConfigMap(ref("configmaps", "settings"), change.before, change.left, "it")
    with tempfile.TemporaryDirectory() as folder:
        audit = AuditLog(Path(folder) / "audit.log")
        undone = execute(Undo(ref("deployments", "web"), before), backend, audit=audit)
        assert undone.ok, undone.message
        restored = execute(restore, backend, audit=audit)
        assert restored.ok, restored.message
        assert restored.plan is not None and restored.plan.summary.endswith("restore 1 key")
        logged = [(e["action"], e["name"], e["ok"]) for e in audit.entries()]
        assert logged == [("undo", "web", True), ("restore", "settings", True)]
    settings = backend.get(KINDS["configmaps"], namespace, "settings")
    assert settings["data"] == {"mode": "slow", "level": "info"}

    def undone_on_the_timeline() -> bool:
        feed.drain()
        entries = feed.timeline.entries()
        return any(e.what == "revision 3: image web:1" for e in entries) and any(
            e.source == "live" and e.ref == live.ref and e.when is not None and e is not live
            for e in entries
        )

    wait_until(undone_on_the_timeline, timeout=15)


def workload_revisions_and_undo_from_the_timeline(backend: KubeBackend, namespace: str) -> None:
    """A StatefulSet's and a DaemonSet's image changes are revisions on the timeline (from their
    ControllerRevisions, with who); ``u``'s undo to the revision before runs."""
    creator = {"fieldManager": "gok-test-setup"}
    for plural, obj in (
        ("statefulsets", statefulset("db", "db:1", 1, namespace)),
        ("daemonsets", daemonset("agent", "agent:1", namespace)),
    ):
        backend.mutate("POST", KINDS[plural].collection_path(namespace), obj, query=creator)
    hub = FeedHub(backend, watch_timeout=5)
    feed = TimelineFeed(hub, namespace, clock=lambda: 1_800_000_000.0)
    try:
        feed.open()

        def revisions_of(ref: str) -> list[Entry]:
            """Highest revision first (a time order would put a revision the undo renumbered
            after the newer one: it keeps its ControllerRevision's creation time)."""
            feed.drain()
            found = [e for e in feed.timeline.entries() if e.change == "revision" and e.ref == ref]
            return sorted(found, key=lambda e: -e.revision)

        for plural, name in (("statefulsets", "db"), ("daemonsets", "agent")):
            ref = f"{plural}/{namespace}/{name}"
            wait_until(lambda r=ref: len(revisions_of(r)) == 1, timeout=15)
            image = {
                "spec": {
                    "template": {"spec": {"containers": [{"name": name, "image": f"{name}:2"}]}}
                }
            }
            backend.mutate(
                "PATCH",
                KINDS[plural].object_path(namespace, name),
                image,
                content_type=STRATEGIC,
                query={"fieldManager": "kubectl-set"},
            )
            changed = (f"revision 2: image {name}:2", "kubectl-set")
            # the owner's watch event may come after its new ControllerRevision's: who is known
            # from the owner's managedFields once it has come
            wait_until(
                lambda r=ref, c=changed: [(e.what, e.who) for e in revisions_of(r)][:1] == [c],
                timeout=15,
            )
            newest = revisions_of(ref)[0]
            assert f"{name}: image: {name}:1 -> {name}:2" in newest.detail
            before = revision_before(feed.timeline.entries(), newest)
            assert before == 1
            target = backend.target
            owner = ObjectRef(target.context, target.cluster_server, plural, namespace, name)
            undone = execute(REVISION_SOURCES[plural].undo(owner, before), backend)
            assert undone.ok, undone.message
            wait_until(
                lambda r=ref, n=name: revisions_of(r)[0].what == f"revision 3: image {n}:1",
                timeout=15,
            )
    finally:
        hub.stop_all()
