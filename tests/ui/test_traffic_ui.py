"""Traffic view: key -> plan shown -> confirm -> the cluster changes -> audit line -> revert."""

from __future__ import annotations

from pathlib import Path

from gok_tui.screens.audit import AuditScreen
from gok_tui.screens.traffic import TrafficScreen
from gok_tui.widgets.confirm import ConfirmModal

from tests.integration.helpers import ingress, service, track_deployment
from tests.kubefake import FakeKube
from tests.ui.helpers import SIZE, make_app, screen_text, table_column, until
from tests.ui.test_actions_ui import audit_lines, press_and_expect_refusal


def live_track(fake: FakeKube) -> str:
    return fake.get_object("services", "default", "shop")["spec"]["selector"]["track"]


async def test_blue_green_switch_refused_then_confirmed_audited_and_reverted(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.pod_readiness = lambda pod: pod["metadata"]["labels"]["track"] == "blue"
    fake_kube.apply_object(track_deployment("shop-blue", "shop", "blue", "shop:1"))
    fake_kube.apply_object(track_deployment("shop-green", "shop", "green", "shop:2"))
    fake_kube.apply_object(service("shop", {"app": "shop", "track": "blue"}))
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("8")
        await until(pilot, lambda: isinstance(app.screen, TrafficScreen))
        await until(pilot, lambda: table_column(app, "SPLIT") == ["blue 100% · green 0%"])
        await until(pilot, lambda: "switch refused" in table_column(app, "STATE")[0])

        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        text = screen_text(app)
        assert "refused: not every endpoint would be Ready" in text
        assert "nothing will be sent" in text
        await pilot.press("y")  # a refused plan cannot be confirmed
        await pilot.pause(0.2)
        assert isinstance(app.screen, ConfirmModal) and live_track(fake_kube) == "blue"
        await pilot.press("escape")

        fake_kube.pod_readiness = "auto"
        await until(pilot, lambda: table_column(app, "STATE") == ["green is ready: s switches"])
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        text = screen_text(app)
        assert "track=blue  ->  track=green" in text and "service default/shop" in text
        await pilot.press("y")
        await until(pilot, lambda: live_track(fake_kube) == "green", what="switched")
        await until(pilot, lambda: table_column(app, "SPLIT") == ["blue 0% · green 100%"])
        # the watch can show the switch before the PATCH's answer is back and audited
        await until(pilot, lambda: len(audit_lines()) == 1, what="the audit line")
        assert [(e["action"], e["to"], e["ok"]) for e in audit_lines()] == [
            ("switch", "track=green", True)
        ]

        await pilot.press("ctrl+z")  # one key plans the way back
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        assert "track=green  ->  track=blue" in screen_text(app)
        await pilot.press("y")
        await until(pilot, lambda: live_track(fake_kube) == "blue", what="reverted")

        app.clear_notifications()  # the two "done" toasts would cover the detail pane's right half
        await pilot.press("9")  # the audit view lists both, newest first
        await until(pilot, lambda: isinstance(app.screen, AuditScreen))
        await until(pilot, lambda: "Audit[2]" in screen_text(app))
        await until(pilot, lambda: "track=green -> track=blue" in screen_text(app))
        await until(  # the newest entry's detail, under the table
            pilot,
            lambda: "send all traffic of service default/shop to track=blue" in screen_text(app),
        )


async def test_canary_weight_keys_step_and_set(fake_kube: FakeKube, fake_kubeconfig: Path) -> None:
    fake_kube.apply_object(ingress("shop", "shop"))
    fake_kube.apply_object(ingress("shop-canary", "shop-v2", canary_weight=10))
    app = make_app(fake_kubeconfig, view="traffic")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: table_column(app, "SPLIT") == ["stable 90% · canary 10%"])
        for key, split in (("plus", "80% · canary 20%"), ("f", "0% · canary 100%")):
            await pilot.press(key)
            await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
            await pilot.press("y")
            await until(pilot, lambda s=split: table_column(app, "SPLIT") == [f"stable {s}"])
        await pilot.press("0")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        assert "canary 100%  ->  canary 0%" in screen_text(app)
        await pilot.press("escape")
        assert table_column(app, "SPLIT") == ["stable 0% · canary 100%"]


async def test_readonly_traffic_keys_are_disabled(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.apply_object(ingress("shop", "shop"))
    fake_kube.apply_object(ingress("shop-canary", "shop-v2", canary_weight=10))
    app = make_app(fake_kubeconfig, view="traffic", readonly=True)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: table_column(app, "SPLIT") == ["stable 90% · canary 10%"])
        fake_kube.clear_requests()
        for key, what in (("plus", "+10%"), ("f", "100%"), ("s", "switch")):
            await press_and_expect_refusal(pilot, key, what)
            assert not isinstance(app.screen, ConfirmModal)
        assert [r for r in fake_kube.requests if r.method != "GET"] == []


async def test_nothing_to_steer_says_so(fake_kube: FakeKube, fake_kubeconfig: Path) -> None:
    fake_kube.apply_object(service("lonely", {"app": "lonely"}))
    app = make_app(fake_kubeconfig, view="traffic")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: "no blue/green pair or canary found here" in screen_text(app))
        assert "Traffic(default)[0]" in screen_text(app)
