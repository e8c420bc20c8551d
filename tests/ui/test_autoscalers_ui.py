"""`:hpa` as a person uses it: the table, describe in words, enter to the target's rollout
panel with the HPA's line, and a scale there that the HPA will undo, said in the confirm."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gok_tui.screens.autoscalers import AutoscalersScreen
from gok_tui.screens.detail import DetailScreen
from gok_tui.screens.kinds import KindScreen
from gok_tui.screens.rollout import RolloutScreen
from gok_tui.widgets.confirm import ConfirmModal, ReplicaPrompt
from textual.app import App

from tests.integration.helpers import deployment
from tests.kubefake import FakeKube
from tests.kubefake.autoscaling import cpu_current, hpa, hpa_status, set_hpa_status
from tests.ui.helpers import SIZE, make_app, screen_text, table_column, until


def said(app: App[Any]) -> str:
    """The screen's text with its line breaks, a dialog's border and runs of blanks as single
    spaces."""
    return " ".join(screen_text(app).replace("█", " ").split())


async def test_hpa_view_describe_enter_and_a_scale_the_hpa_will_undo(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.apply_object(deployment("web", replicas=3))
    fake_kube.apply_object(hpa("web", min_replicas=2, max_replicas=10))
    status = hpa_status(10, 10, [cpu_current(140)], limited="TooManyReplicas")
    set_hpa_status(fake_kube, "default", "web", status)
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("colon", *"hpa", "enter")
        await until(pilot, lambda: isinstance(app.screen, AutoscalersScreen), what=":hpa")
        await until(pilot, lambda: table_column(app, "NAME") == ["web"], what="the HPA")
        assert table_column(app, "REFERENCE") == ["Deployment/web"]
        assert table_column(app, "MIN/MAX") == ["2/10"]
        assert table_column(app, "REPLICAS") == ["10/10"]
        assert table_column(app, "TARGETS") == ["cpu 140%/70%"]

        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, DetailScreen))
        await until(pilot, lambda: "Conditions:" in screen_text(app), what="the describe")
        # 10 replicas at twice their target ask for 20
        assert "ScalingLimited: desired 20 is above max 10 (TooManyReplicas)" in said(app)
        assert "cpu: 140% / 70%" in said(app)
        await pilot.press("escape")

        await until(pilot, lambda: isinstance(app.screen, AutoscalersScreen))
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, RolloutScreen), what="the panel")
        await until(
            pilot,
            lambda: "HPA web: 2-10, wants 10, cpu 140%/70%" in screen_text(app),
            what="the HPA's line",
        )
        assert "ScalingLimited: desired 20 is above max 10 (TooManyReplicas)" in said(app)

        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, ReplicaPrompt))
        await pilot.press("1", "4", "enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the confirm")
        assert (
            "HorizontalPodAutoscaler web (2-10) controls this Deployment: 14 is above its max "
            "10; it will scale it back to 10" in said(app)
        )
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, ConfirmModal))
    assert fake_kube.get_object("deployments", "default", "web")["spec"]["replicas"] == 3


async def test_the_panel_follows_the_hpa_and_a_missing_status_reads_unknown(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.apply_object(deployment("web", replicas=3))
    fake_kube.apply_object(hpa("web"))
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: table_column(app, "NAME") == ["web"])
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, RolloutScreen))
        await until(
            pilot,
            lambda: "HPA web: 2-10, wants <unknown>, cpu <unknown>/70%" in screen_text(app),
            what="an HPA with no status yet",
        )
        set_hpa_status(fake_kube, "default", "web", hpa_status(3, 4, [cpu_current(83)]))
        await until(
            pilot,
            lambda: "HPA web: 2-10, at 3, wants 4, cpu 83%/70%" in screen_text(app),
            what="the HPA's status written",
        )
        fake_kube.delete_object("horizontalpodautoscalers", "default", "web")
        await until(pilot, lambda: "HPA web" not in screen_text(app), what="the HPA gone")


async def test_enter_on_an_hpa_of_another_kind_opens_that_objects_row_or_says_why_not(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.apply_object(hpa("legacy", target="web-6d4f", kind="ReplicaSet"))
    odd = hpa("crd", target="thing", kind="Widget")
    odd["spec"]["scaleTargetRef"]["apiVersion"] = "example.com/v1"
    fake_kube.apply_object(odd)
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("colon", *"horizontalpodautoscalers", "enter")
        await until(pilot, lambda: table_column(app, "NAME") == ["crd", "legacy"])
        await pilot.press("enter")  # crd: a Widget
        await until(
            pilot,
            lambda: any("a kind without a view here" in m.text for m in app.messages),
            what="the reason",
        )
        assert isinstance(app.screen, AutoscalersScreen)
        await pilot.press("j", "enter")  # legacy: a ReplicaSet
        await until(pilot, lambda: type(app.screen) is KindScreen, what="the rs table")
        assert "replicaset/web-6d4f" in screen_text(app)


async def test_hostile_hpa_fields_reach_the_terminal_escaped(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    """An HPA's metric names and the controller's condition messages are text from the
    cluster: in the table, describe and the rollout panel they are shown escaped."""
    from tests.ui.terminal_bytes import CapturingDriver, foreign_controls
    from tests.ui.test_hostile_terminal import MARKERS, PAYLOAD, SHOWN

    fake_kube.apply_object(deployment("web", replicas=2))
    pods_metric = {
        "type": "Pods",
        "pods": {
            "metric": {"name": f"rps{PAYLOAD}"},
            "target": {"type": "AverageValue", "averageValue": "10"},
        },
    }
    fake_kube.apply_object(hpa("web", metrics=[pods_metric]))
    status = hpa_status(2, 2, [], limited="TooManyReplicas")
    status["conditions"][2]["message"] = f"limited {PAYLOAD}"
    status["conditions"][2]["reason"] = f"TooMany{PAYLOAD}"
    set_hpa_status(fake_kube, "default", "web", status)
    app = make_app(fake_kubeconfig)
    app.driver_class = CapturingDriver
    CapturingDriver.output = []
    async with app.run_test(headless=False, size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: table_column(app, "NAME") == ["web"])
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, RolloutScreen))
        await until(pilot, lambda: SHOWN in screen_text(app), what="the panel's HPA line")
        await pilot.press("escape")
        await pilot.press("colon", *"hpa", "enter")
        await until(pilot, lambda: isinstance(app.screen, AutoscalersScreen))
        await until(pilot, lambda: SHOWN in screen_text(app), what="the TARGETS cell")
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, DetailScreen))
        await until(pilot, lambda: "Conditions:" in screen_text(app), what="the describe")
        await pilot.press("G")
        await until(pilot, lambda: "limited ^[]52;c;" in said(app), what="the message")
    output = "".join(CapturingDriver.output)
    assert len(output) > 10_000, "the capturing driver saw the frames"
    assert foreign_controls(output, MARKERS) == []
    assert "\u202e" not in output
