"""A kind without a hand-made renderer: its live table in the server's own columns, the wide
ones on `w`, describe and YAML, a refused Table, a kind no longer served, delete confirmed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gok_tui.domain.kinds import Kind
from gok_tui.screens.detail import DetailScreen
from gok_tui.screens.generic import TableKindScreen
from gok_tui.screens.kinds import KindScreen, kind_screen
from gok_tui.widgets.confirm import ConfirmModal
from gok_tui.widgets.resource_table import ResourceTable

from tests.kubefake import FakeKube
from tests.ui.helpers import SIZE, make_app, screen_text, table_column, table_keys, until
from tests.ui.notices import toast_texts
from tests.ui.test_actions_ui import audit_lines, press_and_expect_refusal

RBAC = "rbac.authorization.k8s.io"
ROLE_BINDINGS = Kind("RoleBinding", "rolebindings", RBAC, "v1", True, ())
ROLES = Kind("Role", "roles", RBAC, "v1", True, ())
GIZMOS = Kind("Gizmo", "gizmos", "rec.example.com", "v1", True, ("gz",))


def titles(app: Any) -> list[str]:
    return [str(c.label) for c in app.screen.query_one(ResourceTable).ordered_columns]


def role_binding(name: str, role: str = "reader") -> dict[str, Any]:
    return {
        "apiVersion": f"{RBAC}/v1",
        "kind": "RoleBinding",
        "metadata": {"name": name, "namespace": "default"},
        "roleRef": {"apiGroup": RBAC, "kind": "Role", "name": role},
        "subjects": [{"kind": "User", "name": "alice", "apiGroup": RBAC}],
    }


def role(name: str) -> dict[str, Any]:
    return {
        "apiVersion": f"{RBAC}/v1",
        "kind": "Role",
        "metadata": {"name": name, "namespace": "default"},
        "rules": [],
    }


def test_kinds_with_a_renderer_keep_their_view() -> None:
    assert isinstance(kind_screen(Kind("Service", "services", "", "v1", True, ())), KindScreen)
    assert isinstance(kind_screen(ROLES), TableKindScreen)


async def test_a_kind_without_a_renderer_shows_the_servers_columns_live(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.apply_object(role_binding("readers"))
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        app.push_screen(kind_screen(ROLE_BINDINGS))
        await until(pilot, lambda: table_keys(app) == ["default/readers"], what="the binding")
        assert titles(app) == ["NAME", "ROLE", "AGE"]  # at 80 columns: not the wide ones
        assert table_column(app, "ROLE") == ["Role/reader"]
        assert "RoleBindings(default)[1]" in screen_text(app)
        await pilot.press("w")
        await until(pilot, lambda: "USERS" in titles(app))
        assert table_column(app, "USERS") == ["alice"]
        fake_kube.apply_object(role_binding("writers", "admin"))  # the table follows its watch
        await until(pilot, lambda: table_keys(app) == ["default/readers", "default/writers"])
        assert table_column(app, "USERS") == ["alice", "alice"]
        await pilot.press("o")  # by ROLE: Role/admin first
        await until(pilot, lambda: table_column(app, "NAME") == ["writers", "readers"])
        await pilot.press("o", "o", "o", "o", "o")  # AGE, USERS, GROUPS, SERVICEACCOUNTS, name
        await until(pilot, lambda: table_keys(app) == ["default/readers", "default/writers"])
        await pilot.press("g", "enter")
        await until(pilot, lambda: isinstance(app.screen, DetailScreen))
        await until(pilot, lambda: "RoleBinding default/readers" in screen_text(app))
        await pilot.press("y")
        await until(pilot, lambda: "roleRef:" in screen_text(app), what="the YAML")


async def test_a_refused_table_shows_names_and_ages_and_read_only_refuses_delete(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.refuse_tables = True
    fake_kube.apply_object(role("reader"))
    app = make_app(fake_kubeconfig, readonly=True)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        app.push_screen(kind_screen(ROLES))
        await until(pilot, lambda: table_keys(app) == ["default/reader"], what="the role")
        assert titles(app) == ["NAME", "AGE"]
        await until(pilot, lambda: any("no table of columns" in t for t in toast_texts(app)))
        await press_and_expect_refusal(pilot, "ctrl+d", "delete")
        assert not isinstance(app.screen, ConfirmModal)
        assert [r for r in fake_kube.requests if r.method != "GET"] == []


async def test_a_kind_not_served_says_so_and_nothing_breaks(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        app.push_screen(kind_screen(GIZMOS))
        await until(pilot, lambda: "gizmos is not served (now)" in screen_text(app))
        assert table_keys(app) == []
        assert "● live" in screen_text(app).splitlines()[0]  # the server answered: no fault
        await pilot.press("d", "y", "ctrl+d", "w")  # nothing selected: nothing happens
        assert isinstance(app.screen, TableKindScreen)


async def test_ctrl_d_deletes_the_confirmed_object_and_audits_it(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.apply_object(role("reader"))
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        app.push_screen(kind_screen(ROLES))
        await until(pilot, lambda: table_keys(app) == ["default/reader"], what="the role")
        assert titles(app) == ["NAME", "CREATED AT"]
        await pilot.press("ctrl+d")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await until(pilot, lambda: "delete Role default/reader" in screen_text(app))
        await pilot.press("y")
        await until(pilot, lambda: table_keys(app) == [], what="the role gone")
        await until(pilot, lambda: len(audit_lines()) == 1, what="the audit line")
        assert [(e["action"], e["kind"], e["ok"]) for e in audit_lines()] == [
            ("delete", "roles", True)
        ]
        deletes = [r for r in fake_kube.requests if r.method == "DELETE"]
        assert deletes and all("roles/reader" in r.path for r in deletes)
