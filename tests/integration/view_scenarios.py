"""What the views show, fed by live watches as the screens are, on any cluster (the fake in CI,
a real one in e2e): deployments, pods, ingress routes with their endpoints, the rollout tree,
revisions. (Problems: problems_scenarios.py.)"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from gok_tui.actions.deployments import SetImage, Undo
from gok_tui.actions.run import execute
from gok_tui.backends.kube import KubeBackend
from gok_tui.domain.kinds import KINDS
from gok_tui.domain.render import columns_for, rows_for
from gok_tui.domain.revisions import revisions, template_diff
from gok_tui.domain.rollout import rollout_tree
from gok_tui.domain.table import Row
from gok_tui.store.feeds import FeedHub
from gok_tui.store.model import Objects, TableModel, apply_batch
from gok_tui.store.watch import FeedSpec

from tests.integration.helpers import bare_pod, deployment, ingress, service
from tests.integration.scenario_kit import (
    PAUSE_IMAGE,
    PAUSE_IMAGE_NEXT,
    PAUSE_IMAGE_OLD,
    create,
    get,
    ref,
    wait,
)


class View:
    """A view's model kept up to date from live feeds (its kind and the kinds it joins)."""

    def __init__(self, hub: FeedHub, namespace: str, model: TableModel) -> None:
        self.model = model
        self.feeds = {
            plural: hub.open(FeedSpec(KINDS[plural], namespace))
            for plural in (model.primary, *model.secondary)
        }

    def pump(self) -> None:
        self.model.apply({plural: feed.drain() for plural, feed in self.feeds.items()}, time.time())

    def wait_for(self, predicate: Callable[[View], bool], timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.pump()
            if predicate(self):
                return
            time.sleep(0.05)
        states = {p: f.status.state for p, f in self.feeds.items()}
        raise AssertionError(f"{what}: not within {timeout}s; rows={self.cells()} feeds={states}")

    def cells(self) -> dict[str, tuple[str, ...]]:
        return {key: row.cells for key, row in self.model.shown.items()}

    def cell(self, key: str, column: str) -> str:
        titles = [c.title for c in columns_for(self.model.primary, False)]
        return self.model.shown[key].cells[titles.index(column)]

    def live(self) -> bool:
        return all(feed.status.state == "live" for feed in self.feeds.values())


def _model(plural: str, secondary: tuple[str, ...] = ()) -> TableModel:
    def render(obj: dict[str, Any], objects: Objects, now: float) -> list[Row]:
        return rows_for(
            plural,
            obj,
            now,
            False,
            services=objects.get("services"),
            endpoints=objects.get("endpoints"),
        )

    return TableModel(plural, render, secondary)


def deployments_view(backend: KubeBackend, namespace: str) -> None:
    """A Deployment created elsewhere appears within seconds, and goes when deleted."""
    hub = FeedHub(backend, watch_timeout=30)
    try:
        view = View(hub, namespace, _model("deployments"))
        view.wait_for(View.live, 15, "deployments feed live")
        create(backend, "deployments", namespace, deployment("seen", PAUSE_IMAGE, 0, namespace))
        view.wait_for(lambda v: f"{namespace}/seen" in v.model.shown, 5, "deployment shown")
        backend.mutate("DELETE", KINDS["deployments"].object_path(namespace, "seen"))
        view.wait_for(lambda v: f"{namespace}/seen" not in v.model.shown, 15, "deployment gone")
    finally:
        hub.stop_all()


def pods_view(backend: KubeBackend, namespace: str, pods_can_run: bool) -> None:
    """A pod appears Pending and turns Running (when a node can run it)."""
    hub = FeedHub(backend, watch_timeout=30)
    try:
        view = View(hub, namespace, _model("pods"))
        view.wait_for(View.live, 15, "pods feed live")
        pod = bare_pod("shown", namespace)
        pod["spec"]["containers"][0]["image"] = PAUSE_IMAGE
        create(backend, "pods", namespace, pod)
        key = f"{namespace}/shown"
        view.wait_for(lambda v: key in v.model.shown, 10, "pod shown")
        if pods_can_run:
            view.wait_for(lambda v: v.cell(key, "STATUS") == "Running", 120, "pod Running")
            view.wait_for(lambda v: v.cell(key, "READY") == "1/1", 120, "pod ready")
    finally:
        hub.stop_all()


def ingress_routes_view(backend: KubeBackend, namespace: str, pods_can_run: bool) -> None:
    """One row per host and path, with the Service's endpoints behind it: none while no pod
    runs, 1/1 ready once one does."""
    hub = FeedHub(backend, watch_timeout=30)
    try:
        view = View(hub, namespace, _model("ingresses", ("services", "endpoints")))
        view.wait_for(View.live, 15, "ingress feeds live")
        create(backend, "ingresses", namespace, ingress("shop", "shop", ns=namespace))
        key = f"{namespace}/shop#shop.example.com#/"
        view.wait_for(lambda v: key in v.model.shown, 10, "route shown")
        assert view.cell(key, "BACKEND") == "shop:80"
        assert view.cell(key, "ENDPOINTS") == "no service"
        create(backend, "services", namespace, service("shop", {"app": "shop"}, namespace))
        view.wait_for(lambda v: v.cell(key, "ENDPOINTS") == "no endpoints", 30, "no endpoints")
        create(backend, "deployments", namespace, deployment("shop", PAUSE_IMAGE, 1, namespace))
        if pods_can_run:
            view.wait_for(lambda v: v.cell(key, "ENDPOINTS") == "1/1 ready", 120, "1/1 ready")
    finally:
        hub.stop_all()


def rollout_tree_view(backend: KubeBackend, namespace: str, pods_can_run: bool) -> None:
    """The rollout panel: after a new image, the newest revision's ReplicaSet leads the tree,
    with its pods, and the state says the rollout is complete."""
    create(backend, "deployments", namespace, deployment("ro", PAUSE_IMAGE, 1, namespace))
    target = ref(backend, "deployments", namespace, "ro")
    wait(lambda: get(backend, "deployments", namespace, "ro").get("status"), 30, "status")
    assert execute(SetImage(target, "web", PAUSE_IMAGE_NEXT, "e2e v2"), backend).ok
    hub = FeedHub(backend, watch_timeout=30)
    try:
        feeds = {p: hub.open(FeedSpec(KINDS[p], namespace)) for p in ("replicasets", "pods")}
        objects: dict[str, dict[str, Any]] = {"replicasets": {}, "pods": {}}

        def tree() -> Any:
            for plural, feed in feeds.items():
                apply_batch(objects[plural], feed.drain())
            return rollout_tree(
                get(backend, "deployments", namespace, "ro"),
                list(objects["replicasets"].values()),
                list(objects["pods"].values()),
                time.time(),
            )

        def done() -> bool:
            shown = tree()
            newest = shown.branches[0] if shown.branches else None
            if newest is None or newest.images != (PAUSE_IMAGE_NEXT,) or newest.revision != 2:
                return False
            return not pods_can_run or (shown.state.phase == "complete" and len(newest.pods) == 1)

        wait(done, 180, "the tree shows revision 2 leading")
        shown = tree()
        assert shown.revision == 2 and shown.branches[0].newest
        assert shown.branches[0].change_cause == "e2e v2"
    finally:
        hub.stop_all()


def revisions_view(backend: KubeBackend, namespace: str) -> None:
    """The revisions view: newest first, each with its image and change cause, and what going
    back to one would change."""
    create(backend, "deployments", namespace, deployment("rv", PAUSE_IMAGE, 1, namespace))
    target = ref(backend, "deployments", namespace, "rv")
    wait(lambda: get(backend, "deployments", namespace, "rv").get("status"), 30, "status")
    for number, image in ((2, PAUSE_IMAGE_NEXT), (3, PAUSE_IMAGE_OLD)):
        assert execute(SetImage(target, "web", image, f"to {image}"), backend).ok
        wait(
            lambda n=number: (
                Undo(target)
                .fetch(backend)["deployment"]["metadata"]["annotations"]
                .get("deployment.kubernetes.io/revision")
                == str(n)
            ),
            30,
            f"revision {number}",
        )
    snapshot = Undo(target).fetch(backend)  # what the revisions screen loads
    history = revisions(snapshot["deployment"], snapshot["replicasets"])
    assert [(r.number, r.images, r.current) for r in history] == [
        (3, (PAUSE_IMAGE_OLD,), True),
        (2, (PAUSE_IMAGE_NEXT,), False),
        (1, (PAUSE_IMAGE,), False),
    ]
    assert history[1].change_cause == f"to {PAUSE_IMAGE_NEXT}"
    changes = template_diff(snapshot["deployment"]["spec"]["template"], history[2].template)
    assert [(c.container, c.field, c.before, c.after) for c in changes] == [
        ("web", "image", PAUSE_IMAGE_OLD, PAUSE_IMAGE)
    ]


def generic_table_view(backend: KubeBackend, namespace: str) -> None:
    """A kind without a renderer of ours (ServiceAccounts), listed and watched as the server's
    Tables: its own columns, the object kept, a change arriving as a changed cell."""
    from gok_tui.domain.kinds import Kind
    from gok_tui.domain.server_table import entry_row, visible_columns
    from gok_tui.store.model import ServerTableModel

    accounts = Kind("ServiceAccount", "serviceaccounts", "", "v1", True, ("sa",))
    path = accounts.collection_path(namespace)
    body = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "gok-generic"}}
    backend.mutate("POST", path, body)
    hub = FeedHub(backend, watch_timeout=30)
    try:
        feed = hub.open(FeedSpec(accounts, namespace, table=True))

        def render(entry: dict[str, Any], objects: Objects, now: float) -> list[Row]:
            return [entry_row(entry, visible_columns(model.columns, False), now, False)]

        model = ServerTableModel("serviceaccounts", render)
        key = f"{namespace}/gok-generic"

        def secrets_cell() -> str:
            model.apply({"serviceaccounts": feed.drain()}, time.time())
            row = model.shown.get(key)
            names = [c.name for c in visible_columns(model.columns, False)]
            return row.cells[names.index("Secrets")] if row and "Secrets" in names else ""

        wait(lambda: secrets_cell() == "0", 30, "the ServiceAccount in the server's columns")
        assert [c.name for c in model.columns] == ["Name", "Secrets", "Age"]
        assert (model.item(key) or {}).get("metadata", {}).get("name") == "gok-generic"
        backend.mutate(
            "PATCH",
            f"{path}/gok-generic",
            {"secrets": [{"name": "gok-generic-token"}]},
            content_type="application/merge-patch+json",
        )
        wait(lambda: secrets_cell() == "1", 30, "the changed Secrets cell, by the watch")
    finally:
        hub.stop_all()
