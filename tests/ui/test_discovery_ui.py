"""Discovery in the app: never before the first table, a CRD installed while the app runs is
reachable with `:`, and a cluster that refuses discovery says so once."""

from __future__ import annotations

from pathlib import Path

from gok_tui.screens.detail import DetailScreen
from gok_tui.screens.generic import TableKindScreen
from gok_tui.screens.kinds import KindScreen
from gok_tui.store.discovery import DiscoveryCache

from tests.integration.helpers import deployment
from tests.kubefake import FakeKube
from tests.kubefake.crds import crd
from tests.ui.helpers import SIZE, make_app, screen_text, table_keys, until
from tests.ui.notices import toast_texts

DISCOVERY = ("/api", "/apis")


def first_index(fake: FakeKube, predicate: object) -> int:
    for index, request in enumerate(list(fake.requests)):
        if predicate(request):  # type: ignore[operator]
            return index
    return -1


async def test_discovery_comes_after_the_first_list_and_is_cached(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.apply_object(deployment("web", replicas=1))
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: table_keys(app) == ["default/web"], what="the first table")
        discovered = lambda: first_index(fake_kube, lambda r: r.path in DISCOVERY)  # noqa: E731
        await until(pilot, lambda: discovered() >= 0, what="a discovery request")
        listed = first_index(
            fake_kube, lambda r: r.path.endswith("/deployments") and "watch" not in r.query
        )
        assert 0 <= listed < discovered()
        target = app.session.target
        assert target is not None
        await until(pilot, lambda: DiscoveryCache().load(target) is not None, what="the cache")


async def test_a_crd_installed_while_the_app_runs_opens_with_its_name(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: "Deployments" in screen_text(app), what="the first view")
        fake_kube.create_crd(
            crd("widgets", "example.com", "Widget", short_names=("wdg",), categories=("all",))
        )
        widget = {"apiVersion": "example.com/v1", "kind": "Widget"}
        fake_kube.apply_object({**widget, "metadata": {"name": "w1", "namespace": "default"}})
        await pilot.press("colon", *"widgets", "enter")  # unknown until discovery is asked
        await until(pilot, lambda: isinstance(app.screen, TableKindScreen), what="the Widgets view")
        await until(pilot, lambda: table_keys(app) == ["default/w1"], what="the widget")
        assert "Widgets(default)[1]" in screen_text(app)
        await pilot.press("y")  # YAML, as of any kind
        await until(pilot, lambda: isinstance(app.screen, DetailScreen), what="the YAML")
        await until(pilot, lambda: "kind: Widget" in screen_text(app), what="the widget's YAML")
        await pilot.press("escape")
        await pilot.press("colon", *"wdgz", "enter")
        await until(pilot, lambda: any("did you mean :wdg" in t for t in toast_texts(app)))
        await pilot.press("colon", *"all", "enter")  # a category: the first kind, the others said
        await until(pilot, lambda: any("all: also " in t for t in toast_texts(app)))
        assert any("widgets.example.com" in t for t in toast_texts(app))
        await until(pilot, lambda: "Pods(default)" in screen_text(app), what="the pods")


async def test_a_cluster_refusing_discovery_says_so_once_and_built_in_kinds_work(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.discovery_status = 403
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        said = lambda: [t for t in toast_texts(app) if "cannot learn which kinds" in t]  # noqa: E731
        await until(pilot, lambda: len(said()) == 1, what="the refusal said")
        await pilot.press("colon", *"frob", "enter")  # asks again: refused again, not said
        await until(pilot, lambda: any("unknown command 'frob'" in t for t in toast_texts(app)))
        assert len(said()) == 1
        await pilot.press("colon", *"svc", "enter")
        await until(pilot, lambda: isinstance(app.screen, KindScreen), what="services")
