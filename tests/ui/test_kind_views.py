"""`:KIND` opens the live table of any kind the console renders, as k9s users type it."""

from __future__ import annotations

from pathlib import Path

from gok_tui.screens.deployments import DeploymentsScreen
from gok_tui.screens.detail import DetailScreen
from gok_tui.screens.kinds import KindScreen
from gok_tui.screens.pods import PodsScreen

from tests.integration.helpers import deployment, service
from tests.kubefake import FakeKube
from tests.ui.helpers import SIZE, make_app, screen_text, table_column, table_keys, until
from tests.ui.notices import toast_texts


async def test_svc_opens_the_services_table_live_and_esc_goes_back(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.apply_object(service("web", {"app": "web"}))
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("colon", *"svc", "enter")
        await until(pilot, lambda: isinstance(app.screen, KindScreen))
        await until(pilot, lambda: table_keys(app) == ["default/web"], what="the Service")
        assert "Services(default)[1]" in screen_text(app)
        fake_kube.apply_object(service("api", {"app": "api"}))  # the table follows its watch
        await until(pilot, lambda: table_keys(app) == ["default/api", "default/web"])
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, DetailScreen))
        await until(pilot, lambda: "Selector:" in screen_text(app), what="describe")
        await pilot.press("escape")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, DeploymentsScreen))


async def test_events_come_newest_first_and_warnings_filter_out(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.apply_object(deployment("web", replicas=1))
    involved = {"kind": "Deployment", "name": "web", "namespace": "default"}
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("colon", *"ev", "enter")
        await until(pilot, lambda: isinstance(app.screen, KindScreen))
        fake_kube.add_event("default", involved, "Old", "first", type="Warning")
        await until(pilot, lambda: "Old" in table_column(app, "REASON"))
        await pilot.pause(1.1)  # event times have one-second resolution
        fake_kube.add_event("default", involved, "New", "second", type="Normal")
        await until(pilot, lambda: "New" in table_column(app, "REASON"))
        reasons = [r for r in table_column(app, "REASON") if r in ("Old", "New")]
        assert reasons == ["New", "Old"]
        await pilot.press("slash", *"Warning", "enter")
        await until(pilot, lambda: "New" not in table_column(app, "REASON"))
        assert "Old" in table_column(app, "REASON")


async def test_ns_alone_lists_namespaces_and_a_typo_names_the_nearest_kind(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("colon", *"ns", "enter")
        await until(pilot, lambda: isinstance(app.screen, KindScreen))
        await until(pilot, lambda: "default" in table_keys(app), what="the namespaces")
        assert "Namespaces(cluster)[2]" in screen_text(app)
        await pilot.press("colon", *"secrit", "enter")
        await until(pilot, lambda: any("did you mean :secret" in t for t in toast_texts(app)))


async def test_e_lists_the_events_of_the_object_on_the_row(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.apply_object(deployment("web", replicas=1))
    fake_kube.apply_object(deployment("api", replicas=1))
    for name, reason in (("web", "ForWeb"), ("api", "ForApi")):
        involved = {"kind": "Deployment", "name": name, "namespace": "default"}
        fake_kube.add_event("default", involved, reason, "x")
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: table_keys(app) == ["default/api", "default/web"])
        await pilot.press("j", "e")  # the second row: web
        await until(pilot, lambda: isinstance(app.screen, KindScreen))
        await until(pilot, lambda: "ForWeb" in table_column(app, "REASON"), what="web's events")
        assert "ForApi" not in table_column(app, "REASON")
        assert "Events(deployment/web)" in screen_text(app)
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, DeploymentsScreen))


async def test_enter_on_a_node_lists_the_pods_running_on_it(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    for name in ("node-a", "node-b"):
        fake_kube.apply_object(
            {
                "apiVersion": "v1",
                "kind": "Node",
                "metadata": {"name": name, "labels": {"pool": name}},
                "status": {"conditions": [{"type": "Ready", "status": "True"}]},
            }
        )
    for name, node in (("on-a", "node-a"), ("on-b", "node-b")):
        pod = deployment(name, replicas=1)
        pod["spec"]["template"]["spec"]["nodeSelector"] = {"pool": node}
        fake_kube.apply_object(pod)
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("colon", *"no", "enter")
        await until(pilot, lambda: table_keys(app)[-2:] == ["node-a", "node-b"], what="nodes")
        await pilot.press("G", "k", "enter")  # node-a
        await until(pilot, lambda: isinstance(app.screen, PodsScreen))
        await until(pilot, lambda: len(table_keys(app)) == 1, what="node-a's pod")
        assert table_keys(app)[0].startswith("default/on-a-")
        assert "Pods(node/node-a)" in screen_text(app)


async def test_a_secret_shows_its_keys_and_one_value_only_when_asked(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.apply_object(
        {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {"name": "db", "namespace": "default"},
            "type": "Opaque",
            "data": {"password": "aHVudGVyMg==", "user": "YWRtaW4="},  # hunter2, admin
        }
    )
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("colon", *"secret", "enter")
        await until(pilot, lambda: "default/db" in table_keys(app), what="the Secret")
        await pilot.press("enter")
        await until(pilot, lambda: "Secret default/db: 2 keys" in screen_text(app))
        text = screen_text(app)
        assert "hunter2" not in text and "admin" not in text and "aHVudGVy" not in text
        assert "hidden: enter shows it" in text
        await pilot.press("enter")  # the first key: password
        await until(pilot, lambda: "hunter2" in screen_text(app), what="the value, decoded")
        assert "admin" not in screen_text(app)
        await pilot.press("escape")
        await until(pilot, lambda: "hunter2" not in screen_text(app))
    assert not any("hunter2" in message.text for message in app.messages)
