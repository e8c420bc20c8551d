"""Key -> plan -> confirm modal -> effect on the (fake) cluster -> audit line."""

from __future__ import annotations

import json
from pathlib import Path

from gok_tui.app import GokApp
from gok_tui.config.settings import Settings
from gok_tui.screens.help import HelpScreen
from gok_tui.screens.rollout import RolloutScreen
from gok_tui.widgets.confirm import ConfirmModal, ReplicaPrompt
from gok_tui.widgets.resource_table import ResourceTable
from platformdirs import user_log_path
from textual.pilot import Pilot

from tests.integration.helpers import deployment
from tests.kubefake import FakeKube
from tests.ui.helpers import (
    SIZE,
    make_app,
    revisions_of_web,
    screen_text,
    sent_changes,
    table_column,
    table_keys,
    until,
    usage_settled,
)
from tests.ui.notices import read_only_refusal, toast_texts


def audit_lines() -> list[dict]:
    path = user_log_path("gok-tui") / "audit.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines()]


def replicas(fake: FakeKube, name: str = "web") -> int:
    return fake.get_object("deployments", "default", name)["spec"]["replicas"]


async def press_and_expect_refusal(pilot: Pilot[None], key: str, what: str) -> None:
    """A mutating key in read-only mode says, once, why nothing happens."""
    app = pilot.app
    assert isinstance(app, GokApp)
    await until(pilot, lambda: usage_settled(app), what="the metrics API's answer")
    app.clear_notifications()
    await pilot.press(key)
    message = read_only_refusal(what)
    await until(pilot, lambda: message in toast_texts(app), what=f"{key}: {message!r}")
    await pilot.pause(0.2)
    assert toast_texts(app) == [message]


async def test_scale_with_confirmation_changes_cluster_and_audits(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.apply_object(deployment("web", replicas=2))
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: table_column(app, "READY") == ["2/2"])
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, ReplicaPrompt))
        await pilot.press("plus", "plus", "enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal), what="confirm modal")
        text = screen_text(app)
        assert "fake" in text and "default" in text and "2 replicas  ->  4 replicas" in text
        assert '{"op": "test", "path": "/spec", "value": {"replicas": 2}},' in text
        assert '{"op": "add", "path": "/spec/replicas", "value": 4}' in text
        assert replicas(fake_kube) == 2  # nothing sent before the confirm
        await pilot.press("y")
        await until(pilot, lambda: replicas(fake_kube) == 4, what="scaled in cluster")
        # the rollout panel opens by itself and follows the change
        await until(pilot, lambda: isinstance(app.screen, RolloutScreen), what="rollout panel")
        await until(pilot, lambda: "4/4 of the newest revision ready" in screen_text(app))
        await pilot.press("escape")
        await until(pilot, lambda: table_column(app, "READY") == ["4/4"], what="table follows")
        await until(pilot, lambda: len(audit_lines()) == 1)
        entry = audit_lines()[0]
        assert (entry["action"], entry["context"], entry["namespace"], entry["name"]) == (
            "scale",
            "fake",
            "default",
            "web",
        )
        assert entry["ok"] and entry["from"] == "2 replicas" and entry["to"] == "4 replicas"
        dry_runs = [r for r in fake_kube.requests if r.method == "PATCH" and r.query.get("dryRun")]
        assert dry_runs, "a server-side dry run precedes the change"
        # one key undoes my last action: scale back to 2
        await pilot.press("ctrl+z")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        assert "4 replicas  ->  2 replicas" in screen_text(app)
        await pilot.press("y")
        await until(pilot, lambda: replicas(fake_kube) == 2)


async def test_cancel_sends_nothing(fake_kube: FakeKube, fake_kubeconfig: Path) -> None:
    fake_kube.apply_object(deployment("web", replicas=2))
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: table_keys(app) == ["default/web"])
        fake_kube.clear_requests()
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("escape")
        await pilot.pause(0.3)
        assert sent_changes(fake_kube) == []
        assert audit_lines() == []


async def test_undo_goes_back_one_revision(fake_kube: FakeKube, fake_kubeconfig: Path) -> None:
    fake_kube.apply_object(deployment("web", image="web:1", replicas=1))
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: table_column(app, "REVISION") == ["1"])
        fake_kube.apply_object(deployment("web", image="web:2", replicas=1))
        await until(pilot, lambda: table_column(app, "REVISION") == ["2"], what="revision 2")
        await pilot.press("u")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        text = screen_text(app)
        assert "revision 2  ->  revision 1" in text and "web:2 -> web:1" in text
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, RolloutScreen), what="rollout panel")
        # kubectl numbering: the old template comes back as revision 3
        await until(pilot, lambda: "rev 3" in screen_text(app) and "COMPLETE" in screen_text(app))
        await pilot.press("escape")
        await until(pilot, lambda: "web:1" in table_column(app, "IMAGES")[0], what="image back")
        assert table_column(app, "REVISION") == ["3"]


async def test_production_context_needs_the_name_typed(fake_kube: FakeKube, tmp_path: Path) -> None:
    kubeconfig = fake_kube.write_kubeconfig(tmp_path / "kc", context="prod-eu")
    fake_kube.apply_object(deployment("web", replicas=2))
    app = make_app(kubeconfig, settings=Settings(production_contexts=("prod-*",)))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: table_keys(app) == ["default/web"])
        assert "PROD" in screen_text(app)
        await pilot.press("p")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("y")  # typed into the name box, not a confirmation
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert isinstance(app.screen, ConfirmModal)
        assert not fake_kube.get_object("deployments", "default", "web")["spec"].get("paused")
        await pilot.press("backspace", *"web", "enter")
        await until(
            pilot,
            lambda: fake_kube.get_object("deployments", "default", "web")["spec"].get("paused"),
        )


async def test_deleting_a_pod_is_confirmed_replaced_audited_and_not_undone_by_ctrl_z(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.apply_object(deployment("web", replicas=2))
    app = make_app(fake_kubeconfig, view="pods")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: len(table_keys(app)) == 2, what="two pods")
        await pilot.press("g")  # the cursor stays on its pod when the other sorts above it
        await until(pilot, lambda: app.screen.query_one(ResourceTable).cursor_row == 0)
        victim = table_keys(app)[0]
        await pilot.press("ctrl+d")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await until(pilot, lambda: f"delete pod {victim}" in screen_text(app))
        assert "ReplicaSet web-" in screen_text(app) and "starts a" in screen_text(app)
        await pilot.press("y")
        await until(
            pilot,
            lambda: victim not in table_keys(app) and len(table_keys(app)) == 2,
            what="the pod replaced by its ReplicaSet",
        )
        # the watch can show the pod gone before the DELETE's answer is back and audited
        await until(pilot, lambda: len(audit_lines()) == 1, what="the audit line")
        assert [(e["action"], e["kind"], e["ok"]) for e in audit_lines()] == [
            ("delete", "pods", True)
        ]
        app.clear_notifications()
        await pilot.press("ctrl+z")
        await until(pilot, lambda: "last action cannot be undone" in screen_text(app))
        assert not isinstance(app.screen, ConfirmModal)


async def test_readonly_disables_keys_and_sends_nothing(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.apply_object(deployment("web", replicas=2))
    app = make_app(fake_kubeconfig, readonly=True)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await until(pilot, lambda: table_keys(app) == ["default/web"])
        fake_kube.clear_requests()
        for key, what in (
            ("s", "scale"),
            ("r", "restart"),
            ("u", "undo"),
            ("p", "pause/resume"),
            ("ctrl+z", "undo my last"),
        ):
            await press_and_expect_refusal(pilot, key, what)
            assert not isinstance(app.screen, (ConfirmModal, ReplicaPrompt))
        await pilot.press("2")
        await until(pilot, lambda: len(table_keys(app)) == 2, what="the pods")
        await press_and_expect_refusal(pilot, "ctrl+d", "delete")
        assert not isinstance(app.screen, ConfirmModal)
        await pilot.press("1")
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        text = screen_text(app)
        assert "Scale (disabled: read-only, started" in text and "--readonly" in text
        assert [r for r in fake_kube.requests if r.method != "GET"] == []


async def test_history_shows_diff_and_undoes_to_the_picked_revision(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await revisions_of_web(pilot, fake_kube, ("web:1", "web:2", "web:3"))
        await until(pilot, lambda: "Revisions of deployment default/web (3)" in screen_text(app))
        await pilot.press("j", "j")  # newest first: 3 (current), 2, 1
        await until(pilot, lambda: "image: web:3 -> web:1" in screen_text(app), what="diff")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        assert "revision 3  ->  revision 1" in screen_text(app)
        await pilot.press("y")
        await until(
            pilot,
            lambda: (
                fake_kube.get_object("deployments", "default", "web")["spec"]["template"]["spec"][
                    "containers"
                ][0]["image"]
                == "web:1"
            ),
        )
