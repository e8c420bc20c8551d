"""The app as a keyboard user drives it, at 80x24, against the fake API server."""

from __future__ import annotations

import gc
from datetime import UTC, datetime
from pathlib import Path

import yaml
from gok_tui.app import GokApp
from gok_tui.config.kubeconfig import merge_kubeconfigs
from gok_tui.config.settings import Settings
from gok_tui.idle_gc import NO_AUTOMATIC_FULL_COLLECTION
from gok_tui.screens.deployments import DeploymentsScreen
from gok_tui.screens.detail import DetailScreen
from gok_tui.screens.help import HelpScreen
from gok_tui.screens.ingress import IngressScreen
from gok_tui.screens.pods import PodsScreen
from gok_tui.widgets.resource_table import ResourceTable

from tests.integration.helpers import bare_pod, deployment, ingress, service
from tests.kubefake import FakeKube
from tests.ui.helpers import SIZE, make_app, screen_text, table_column, table_keys, until


async def test_deployments_live_with_cluster_bar(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.apply_object(deployment("web", replicas=2))
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: table_keys(app) == ["default/web"], what="web row")
        await until(pilot, lambda: table_column(app, "READY") == ["2/2"], what="ready 2/2")
        text = screen_text(app)
        assert "fake" in text and "ns:default" in text and "live" in text
        fake_kube.apply_object(deployment("api", replicas=1))
        await until(pilot, lambda: "default/api" in table_keys(app), timeout=2, what="api row")


async def test_new_rows_take_their_place_in_name_order_and_the_cursor_stays_on_its_row(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    for name in ("b-pod", "d-pod"):
        fake_kube.apply_object(bare_pod(name))
    app = make_app(fake_kubeconfig, view="pods")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: table_keys(app) == ["default/b-pod", "default/d-pod"])
        await pilot.press("j")  # on d-pod
        for name in ("a-pod", "c-pod"):
            fake_kube.apply_object(bare_pod(name))
        expected = ["default/a-pod", "default/b-pod", "default/c-pod", "default/d-pod"]
        await until(pilot, lambda: table_keys(app) == expected, what="rows in name order")
        assert app.screen.query_one(ResourceTable).selected_key() == "default/d-pod"
        assert [line.split()[0] for line in screen_text(app).splitlines()[3:7]] == [
            "a-pod",
            "b-pod",
            "c-pod",
            "d-pod",
        ]


async def test_drill_down_from_deployment_to_its_pods_and_back(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.apply_object(deployment("web", replicas=2))
    fake_kube.apply_object(deployment("api", replicas=1))
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: len(table_keys(app)) == 2)
        await pilot.press("j")  # second row, sorted by key: default/web
        await pilot.press("enter")  # the rollout panel: ReplicaSets with their pods
        await until(pilot, lambda: "2/2 of the newest revision ready" in screen_text(app))
        await pilot.press("enter")  # and on to the pods table
        await until(pilot, lambda: isinstance(app.screen, PodsScreen) and len(table_keys(app)) == 2)
        assert all(key.startswith("default/web-") for key in table_keys(app))
        assert "deploy/web" in screen_text(app)
        await pilot.press("escape", "escape")
        await until(pilot, lambda: isinstance(app.screen, DeploymentsScreen))


async def test_filter_narrows_rows_and_escape_clears_it(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    for name in ("api-1", "api-2", "web-1"):
        fake_kube.apply_object(bare_pod(name))
    app = make_app(fake_kubeconfig, view="pods")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: len(table_keys(app)) == 3)
        await pilot.press("slash", "a", "p", "i")
        await until(pilot, lambda: table_keys(app) == ["default/api-1", "default/api-2"])
        await pilot.press("enter")
        assert "[2/3]" in screen_text(app)
        await pilot.press("escape")
        await until(pilot, lambda: len(table_keys(app)) == 3)


async def test_a_filter_that_is_not_a_regex_says_why_once_and_matches_as_text(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    for name in ("api-1", "web-1"):
        fake_kube.apply_object(bare_pod(name))
    app = make_app(fake_kubeconfig, view="pods")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: len(table_keys(app)) == 2)
        await pilot.press("slash", "left_parenthesis", "a", "p", "i")
        why = "not a regular expression: missing ) at position 4"
        await until(pilot, lambda: why in screen_text(app), what="why the filter is not a regex")
        assert screen_text(app).count("not a regular expression") == 1  # not one per key
        assert "matched as plain text" in screen_text(app)
        assert table_keys(app) == []  # no pod has "(api" in it
        await pilot.press("backspace", "backspace", "backspace")
        await until(pilot, lambda: "missing ) at position 1" in screen_text(app))
        await pilot.press("backspace")
        await until(pilot, lambda: len(table_keys(app)) == 2, what="no filter")
        assert "not a regular expression" not in screen_text(app)
        await pilot.press(*"api", "minus", "left_parenthesis", "1", "vertical_line", "2")
        await pilot.press("right_parenthesis")
        await until(pilot, lambda: table_keys(app) == ["default/api-1"], what="a valid regex")
        assert "not a regular expression" not in screen_text(app)
        await pilot.press("backspace")
        await until(pilot, lambda: "missing ) at position 8" in screen_text(app))
        await pilot.press("enter")  # the filter stays, and so does what is wrong with it
        await until(
            pilot,
            lambda: (
                "/api-(1|2" in screen_text(app) and "missing ) at position 8" in screen_text(app)
            ),
            what="the filter and what is wrong with it, after enter",
        )
        await pilot.press("escape")
        await until(pilot, lambda: len(table_keys(app)) == 2)
        assert "not a regular expression" not in screen_text(app)


async def test_command_mode_switches_views_and_namespace(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.create_namespace("team-b")
    fake_kube.apply_object(bare_pod("here"))
    fake_kube.apply_object(bare_pod("there", ns="team-b"))
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("colon", *"pods", "enter")
        await until(
            pilot,
            lambda: isinstance(app.screen, PodsScreen) and table_keys(app) == ["default/here"],
        )
        await pilot.press("colon", *"ns team-b", "enter")
        await until(pilot, lambda: table_keys(app) == ["team-b/there"], what="team-b pods")
        assert "ns:team-b" in screen_text(app)
        await pilot.press("colon", *"ns all", "enter")
        await until(pilot, lambda: set(table_keys(app)) == {"default/here", "team-b/there"})
        assert "NAMESPACE" in screen_text(app)
        await pilot.press("colon", *"nonsense", "enter")
        await until(pilot, lambda: "unknown command" in screen_text(app))


async def test_a_bad_or_missing_namespace_is_said_not_shown_as_empty(
    fake_kube: FakeKube, tmp_path: Path
) -> None:
    fake_kube.create_namespace("shop")
    kubeconfig = fake_kube.write_kubeconfig(tmp_path / "kc", context="fake", namespace="gone")
    app = make_app(kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        # the kubeconfig's namespace was deleted: the empty table is explained
        await until(pilot, lambda: "namespace gone does not exist" in screen_text(app))
        app.clear_notifications()  # as the toast's timeout would: the title keeps saying it
        title = next(line for line in screen_text(app).splitlines() if "Deployments(" in line)
        assert "namespace gone does not exist" in title, title
        await pilot.press("colon", *"ns Shop_1", "enter")
        await until(pilot, lambda: '"Shop_1" is not a namespace name' in screen_text(app))
        assert app.session.namespace == "gone"  # nothing was switched
        app.clear_notifications()
        await pilot.press("colon", *"ns shpo", "enter")
        await until(pilot, lambda: "you mean shop?" in screen_text(app))  # toasts wrap
        app.clear_notifications()
        await until(pilot, lambda: "namespace shpo does not exist" in screen_text(app))
        await pilot.press("colon", *"ns shop", "enter")
        await until(pilot, lambda: "ns:shop" in screen_text(app))
        await pilot.pause(0.5)
        assert "does not exist" not in screen_text(app)


async def test_context_switch_retargets_every_watch(fake_kube: FakeKube, tmp_path: Path) -> None:
    other = FakeKube(port=0)
    other.start()
    try:
        other.apply_object(deployment("only-in-other", replicas=1))
        fake_kube.apply_object(deployment("only-in-first", replicas=1))
        first = fake_kube.write_kubeconfig(tmp_path / "a", context="first")
        second = other.write_kubeconfig(tmp_path / "b", context="second")
        merged = tmp_path / "merged"
        docs = [yaml.safe_load(path.read_text()) for path in (first, second)]
        merged.write_text(yaml.safe_dump(merge_kubeconfigs(docs)))
        app = make_app(merged, context="first")
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await until(pilot, lambda: table_keys(app) == ["default/only-in-first"])
            await pilot.press("colon", *"ctx sec")
            await pilot.press("tab", "enter")  # tab completes the context name
            await until(
                pilot, lambda: table_keys(app) == ["default/only-in-other"], what="other cluster"
            )
            assert "second" in screen_text(app)
    finally:
        other.stop()


async def test_describe_and_yaml_views(fake_kube: FakeKube, fake_kubeconfig: Path) -> None:
    fake_kube.apply_object(deployment("web", image="registry.local/web:1.4", replicas=1))
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: table_keys(app) == ["default/web"])
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, DetailScreen))
        await until(
            pilot, lambda: "registry.local/web:1.4" in screen_text(app), what="describe body"
        )
        assert "DESCRIBE" in screen_text(app)
        await pilot.press("y")
        await until(pilot, lambda: "apiVersion: apps/v1" in screen_text(app), what="yaml body")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, DeploymentsScreen))


async def test_ingress_routes_and_drill_to_pods_behind_service(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.apply_object(deployment("shop", replicas=2))
    fake_kube.apply_object(service("shop-svc", {"app": "shop"}))
    fake_kube.apply_object(ingress("shop", "shop-svc", tls=True))
    app = make_app(fake_kubeconfig, view="ingress")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: len(table_keys(app)) == 1)
        await until(
            pilot, lambda: table_column(app, "ENDPOINTS") == ["2/2 ready"], what="endpoints"
        )
        assert table_column(app, "TLS") == ["yes"]
        assert table_column(app, "BACKEND") == ["shop-svc:80"]
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, PodsScreen) and len(table_keys(app)) == 2)
        assert "svc/shop-svc" in screen_text(app)
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, IngressScreen))
        await pilot.press("d")  # describe lists the endpoints behind each backend, as kubectl
        await until(pilot, lambda: "shop-svc:80 (10." in screen_text(app), what="endpoints")


async def test_help_shows_live_bindings_including_remaps(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    settings = Settings(keymap={"table.filter": "ctrl+f"})
    fake_kube.apply_object(bare_pod("a"))
    fake_kube.apply_object(bare_pod("b"))
    app = make_app(fake_kubeconfig, settings=settings, view="pods")
    async with app.run_test(size=(100, 40), notifications=True) as pilot:
        await until(pilot, lambda: len(table_keys(app)) == 2)
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        text = screen_text(app)
        assert "table.filter" in text and "^f" in text
        await pilot.press("escape")
        await pilot.press("ctrl+f", "b")
        await until(pilot, lambda: table_keys(app) == ["default/b"], what="remapped filter key")


async def test_forbidden_pane_says_so_other_views_work(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.forbid("pods", namespace="default")
    fake_kube.apply_object(deployment("web", replicas=1))
    app = make_app(fake_kubeconfig, view="pods")
    async with app.run_test(size=(120, 24), notifications=True) as pilot:
        await until(pilot, lambda: "not allowed: list pods" in screen_text(app), what="403 message")
        await pilot.press("1")
        await until(pilot, lambda: table_keys(app) == ["default/web"])


async def test_readonly_badge_and_no_cluster_start(tmp_path: Path, fake_kubeconfig: Path) -> None:
    app = make_app(fake_kubeconfig, readonly=True)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: "READ-ONLY" in screen_text(app))
    app = make_app(None)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: "no cluster" in screen_text(app), what="no-cluster notice")
        await pilot.press("4")
        await until(pilot, lambda: "Build (no project)" in screen_text(app))


async def test_rows_scrolled_into_view_show_their_current_age(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    """Ages are re-rendered for the rows on screen only; rows that scroll into view are brought
    up to date at once, not at the next periodic refresh. The app's clock (Session.clock) is
    moved on by hand: no real time passes."""
    born = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    for number in range(40):  # more than the 80x24 screen holds
        pod = bare_pod(f"p{number:02d}")
        pod["metadata"]["creationTimestamp"] = born.strftime("%Y-%m-%dT%H:%M:%SZ")
        fake_kube.apply_object(pod)
    now = [born.timestamp() + 30]
    app = make_app(fake_kubeconfig, view="pods", clock=lambda: now[0])
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: len(table_keys(app)) == 40, what="40 rows")
        assert table_column(app, "AGE")[-1] == "30s"
        now[0] += 3  # the bottom row is off screen while its age moves on
        await pilot.press("G")
        await until(
            pilot,
            lambda: table_column(app, "AGE")[-1] == "33s",
            timeout=1.5,
            what="the bottom row's age brought up to date",
        )
        assert "p39" in screen_text(app)


async def test_the_app_runs_full_collections_in_typing_pauses_and_gives_them_back_on_exit() -> None:
    before = gc.get_threshold()
    app = make_app(None, view="pods")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: gc.get_threshold()[2] == NO_AUTOMATIC_FULL_COLLECTION)
        typed_before = app.idle_gc.last_input
        await pilot.press("j")
        assert app.idle_gc.last_input > typed_before
    assert gc.get_threshold() == before


async def test_control_characters_in_kubeconfig_names_never_reach_the_terminal(
    fake_kube: FakeKube, tmp_path: Path
) -> None:
    """A kubeconfig is data anyone can hand you: an escape sequence in a context name (here
    one that would retitle the terminal window) is shown escaped on the cluster bar."""
    kubeconfig = fake_kube.write_kubeconfig(
        tmp_path / "config", context="prod\x1b]0;pwned\x07", namespace="team\x1b[2J"
    )
    app = make_app(kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: "Deployments(" in screen_text(app))
        text = screen_text(app)
        assert "\x1b" not in text and "\x07" not in text
        assert "prod^[]0;pwned^G" in text and "ns:team^[[2J" in text
        assert "Deployments(team^[[2J)" in text


async def test_a_views_first_list_shows_as_it_lands_not_at_the_next_refresh_tick(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.apply_object(bare_pod("early"))
    slow_ticks = Settings(refresh_interval_ms=5_000)
    app = make_app(fake_kubeconfig, view="pods", settings=slow_ticks)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: "early" in screen_text(app), timeout=2.5, what="first list")


async def test_a_notice_about_the_target_while_a_view_is_torn_down_is_not_an_error(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    """The namespace check answers from a worker: at quit its notice can reach a view whose
    widgets are already gone."""
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: "Deployments(" in screen_text(app))
        screen = app.screen
        await screen.query_one("#title").remove()
        generation = app.session.generation
        app.post_message(GokApp.Notice("namespace x is gone", generation=generation, keep="x"))
        await until(pilot, lambda: app.target_problem == (generation, "x"))
        assert app.screen is screen and app.is_running
