"""A Table feed against the fake API server: the server's columns, a change arriving as a
changed row from a watch of Tables, a refused Table, a kind that stops being served."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from gok_tui.domain.kinds import Kind
from gok_tui.domain.server_table import entry_row, visible_columns
from gok_tui.store.feeds import Feed, FeedHub
from gok_tui.store.model import ServerTableModel
from gok_tui.store.watch import FeedSpec

from tests.integration.test_store import backend_for
from tests.kubefake import FakeKube, resources, wait_until

SERVICE_ACCOUNTS = Kind("ServiceAccount", "serviceaccounts", "", "v1", True, ("sa",))
ROLES = Kind("Role", "roles", "rbac.authorization.k8s.io", "v1", True, ())


@pytest.fixture
def hub(fake_kubeconfig: Path) -> Iterator[FeedHub]:
    hub = FeedHub(backend_for(fake_kubeconfig), watch_timeout=5)
    yield hub
    hub.stop_all()


class TableMirror:
    def __init__(self, feed: Feed) -> None:
        self.feed = feed
        self.model = ServerTableModel(feed.spec.kind.plural, self._render)

    def _render(self, entry: dict[str, Any], objects: Any, now: float) -> list[Any]:
        return [entry_row(entry, visible_columns(self.model.columns, False), now, False)]

    def wait_for(self, predicate: Any, timeout: float = 5.0) -> None:
        def pumped() -> bool:
            self.model.apply({self.model.primary: self.feed.drain()}, time.time())
            return bool(predicate(self))

        wait_until(pumped, timeout=timeout)

    def cell(self, key: str, column: str) -> str:
        names = [c.name for c in visible_columns(self.model.columns, False)]
        row = self.model.shown.get(key)
        return row.cells[names.index(column)] if row is not None else ""


def service_account(name: str, secrets: int = 0) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": {"name": name, "namespace": "default"},
        "secrets": [{"name": f"s{i}"} for i in range(secrets)],
    }


def test_a_kind_shows_the_servers_columns_and_a_change_arrives_as_a_changed_row(
    fake_kube: FakeKube, hub: FeedHub
) -> None:
    fake_kube.apply_object(service_account("builder", secrets=1))
    mirror = TableMirror(hub.open(FeedSpec(SERVICE_ACCOUNTS, "default", table=True)))
    mirror.wait_for(lambda m: "default/builder" in m.model.shown)
    assert [c.name for c in mirror.model.columns] == ["Name", "Secrets", "Age"]
    assert mirror.cell("default/builder", "Secrets") == "1"
    assert mirror.model.item("default/builder")["secrets"] == [{"name": "s0"}]
    fake_kube.apply_object(service_account("builder", secrets=2))  # arrives by the watch
    mirror.wait_for(lambda m: m.cell("default/builder", "Secrets") == "2")
    fake_kube.apply_object(service_account("deployer"))
    mirror.wait_for(lambda m: m.cell("default/deployer", "Name") == "deployer")
    assert mirror.feed.loop is not None and mirror.feed.loop.list_count == 1


def test_a_refused_table_falls_back_to_names_and_ages(fake_kube: FakeKube, hub: FeedHub) -> None:
    fake_kube.refuse_tables = True
    fake_kube.apply_object(service_account("builder"))
    mirror = TableMirror(hub.open(FeedSpec(SERVICE_ACCOUNTS, "default", table=True)))
    mirror.wait_for(lambda m: "default/builder" in m.model.shown)
    assert mirror.model.plain and [c.name for c in mirror.model.columns] == ["Name", "Age"]
    fake_kube.apply_object(service_account("deployer"))  # a plain watch after a plain list
    mirror.wait_for(lambda m: m.cell("default/deployer", "Name") == "deployer")


def test_a_kind_no_longer_served_empties_the_table_and_says_so(
    fake_kube: FakeKube, hub: FeedHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_kube.apply_object(
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "Role",
            "metadata": {"name": "reader", "namespace": "default"},
            "rules": [],
        }
    )
    mirror = TableMirror(hub.open(FeedSpec(ROLES, "default", table=True)))
    mirror.wait_for(lambda m: "default/reader" in m.model.shown)
    assert [c.name for c in mirror.model.columns] == ["Name", "Created At"]
    # the kind goes away (as a CRD deleted while its view is open): the next watch gets 404
    monkeypatch.delitem(resources.RESOURCES, (ROLES.group, "roles"))
    fake_kube.expire_watches()
    mirror.wait_for(lambda m: not m.model.shown and m.feed.status.state != "live")
    assert mirror.feed.status.message == ("roles is not served (now): CRD deleted? API removed?")


def test_a_table_list_comes_page_by_page(fake_kube: FakeKube, fake_kubeconfig: Path) -> None:
    for name in ("a", "b", "c"):
        fake_kube.apply_object(service_account(name))
    backend = backend_for(fake_kubeconfig)
    try:
        listed = backend.list_table(SERVICE_ACCOUNTS, "default", page_size=1)
    finally:
        backend.close()
    names = [entry["metadata"]["name"] for entry in listed.items]
    assert names == ["a", "b", "c", "default"] and listed.columns is not None
