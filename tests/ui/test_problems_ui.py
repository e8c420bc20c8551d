""":problems against the fake API server: pods scripted into failure states, the sentence shown."""

from __future__ import annotations

from pathlib import Path

from gok_tui.screens.detail import DetailScreen
from gok_tui.screens.logs import LogsScreen
from gok_tui.screens.problems import FindingPanel, ProblemsScreen

from tests.integration.helpers import bare_pod
from tests.kubefake import FakeKube, wait_until
from tests.ui.helpers import SIZE, make_app, screen_text, table_column, until


def crash(fake_kube: FakeKube, pod: str) -> None:
    wait_until(
        lambda: (fake_kube.get_object("pods", "default", pod).get("status") or {}).get(
            "containerStatuses"
        )
    )
    fake_kube.append_log("default", pod, "main", ["booting", "panic: DATABASE_URL is not set"])
    fake_kube.restart_container("default", pod, "main")  # the log above is now the previous one
    fake_kube.set_container_state(
        "default",
        pod,
        "main",
        {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 40s"}},
        restart_count=5,
        last_state={"terminated": {"exitCode": 1, "reason": "Error"}},
    )


async def test_problems_lists_causes_worst_first_with_the_previous_log(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.apply_object(bare_pod("api-1", labels={"app": "api"}))
    fake_kube.apply_object(bare_pod("web-1", labels={"app": "web"}))
    fake_kube.apply_object(
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "shop", "namespace": "default"},
            "spec": {"selector": {"app": "shop"}, "ports": [{"port": 80}]},
        }
    )
    crash(fake_kube, "api-1")
    app = make_app(fake_kubeconfig, view="problems")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        assert isinstance(app.screen, ProblemsScreen)
        await until(
            pilot,
            lambda: table_column(app, "OBJECT") == ["pod/api-1", "svc/shop"],
            what="two problems",
        )
        assert table_column(app, "CAUSE") == [
            "container main keeps crashing (exit code 1, Error)",
            "Service shop selects no pods",
        ]
        # the cursor stays on the row it was on when a worse one lands above it: go to the top
        await pilot.press("g", "enter")
        await until(pilot, lambda: isinstance(app.screen, FindingPanel))
        await until(
            pilot,
            lambda: "panic: DATABASE_URL is not set" in screen_text(app),
            what="the previous container's last log line in the evidence",
        )
        assert "read the previous container's log" in screen_text(app)
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, DetailScreen))
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ProblemsScreen))

        # the fix arrives live: the pod runs again and its row goes away
        fake_kube.set_container_state("default", "api-1", "main", {"running": {}})
        await until(pilot, lambda: table_column(app, "OBJECT") == ["svc/shop"], what="fixed")


async def test_problems_is_reachable_by_command_and_says_when_all_is_well(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.apply_object(bare_pod("web-1"))
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press(":", *"problems", "enter")
        await until(pilot, lambda: isinstance(app.screen, ProblemsScreen))
        await until(pilot, lambda: "Problems(default)[0]" in screen_text(app), what="title")


async def test_pods_view_says_why_under_the_table_at_80_columns(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.apply_object(bare_pod("api-1", labels={"app": "api"}))
    fake_kube.apply_object(bare_pod("web-1", labels={"app": "web"}))
    crash(fake_kube, "api-1")
    app = make_app(fake_kubeconfig, view="pods")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: len(table_column(app, "WHY")) == 2, what="two pods")
        await until(
            pilot,
            lambda: "why: container main keeps crashing (exit code 1, Error)" in screen_text(app),
            what="the why line for the selected crashing pod",
        )
        await pilot.press("j")  # web-1 is healthy: the line goes away
        await until(pilot, lambda: "why:" not in screen_text(app), what="no why line")
        await pilot.press("k")
        await until(pilot, lambda: "why: container main" in screen_text(app), what="back")
        # a filter that leaves only the healthy pod: the line about the other one goes too
        await pilot.press("slash", *"web", "enter")
        await until(pilot, lambda: table_column(app, "WHY") == [""], what="web-1 alone")
        await until(pilot, lambda: "why:" not in screen_text(app), what="no stale why line")


async def test_removed_api_versions_in_the_project_manifests_are_listed(
    fake_kube: FakeKube, fake_kubeconfig: Path, tmp_path: Path
) -> None:
    (tmp_path / "k8s").mkdir()
    (tmp_path / "k8s" / "ingress.yaml").write_text(
        "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  name: shop\n"
    )
    (tmp_path / "gok.toml").write_text(
        '[image]\nrepository = "shop"\n[deploy]\nmanifests = ["k8s/ingress.yaml"]\n'
    )
    app = make_app(fake_kubeconfig, view="problems", project=tmp_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(
            pilot,
            lambda: (
                table_column(app, "CAUSE")
                == ["Ingress extensions/v1beta1 was removed in Kubernetes 1.22"]
            ),
            what="the manifest finding",
        )
        assert table_column(app, "OBJECT") == ["file/k8s/ingress.yaml: Ingress/shop"]
        assert table_column(app, "NEXT") == ["use apiVersion: networking.k8s.io/v1"]


async def test_l_on_a_crashing_pods_finding_opens_its_logs_and_p_the_previous_ones(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.apply_object(bare_pod("api-1", labels={"app": "api"}))
    crash(fake_kube, "api-1")
    app = make_app(fake_kubeconfig, view="problems")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: table_column(app, "OBJECT") == ["pod/api-1"], what="finding")
        assert "l Logs" in screen_text(app)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, FindingPanel))
        assert "l logs" in screen_text(app)
        await pilot.press("l")
        await until(pilot, lambda: isinstance(app.screen, LogsScreen), what="the pod's logs")
        await pilot.press("p")
        await until(
            pilot,
            lambda: "panic: DATABASE_URL is not set" in screen_text(app),
            what="the previous container's log",
        )


async def test_views_whose_rows_have_no_logs_do_not_offer_l(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    app = make_app(fake_kubeconfig, view="ingress")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: "Ingress" in screen_text(app), what="the ingress view")
        footer = screen_text(app).splitlines()[-1]
        assert "Describe" in footer and "Logs" not in footer, footer
