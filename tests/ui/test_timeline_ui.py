"""The timeline view: what changed, its diff on enter, and an undo to before a revision that
goes through the usual confirm."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from gok_tui.actions.audit import local_user
from gok_tui.app import GokApp
from gok_tui.config.settings import timeline_export_dir
from gok_tui.screens.timeline import TimelineScreen
from gok_tui.widgets.confirm import ConfirmModal
from textual.pilot import Pilot

from tests.helm_release import helm_release_secret, helm_runs, write_helm_standin
from tests.integration.helpers import deployment
from tests.kubefake import FakeKube
from tests.ui.helpers import (
    SIZE,
    make_app,
    screen_text,
    sent_changes,
    table_column,
    table_keys,
    until,
    write_audit,
)
from tests.ui.notices import toast_texts


async def test_timeline_shows_a_revision_its_diff_and_undoes_to_before_it(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        for revision, image in enumerate(("web:1", "web:2"), start=1):
            fake_kube.apply_object(deployment("web", image=image, replicas=1))
            await until(pilot, lambda r=revision: table_column(app, "REVISION") == [str(r)])
        await pilot.press("T")  # on the row: web and what it owns
        await until(pilot, lambda: isinstance(app.screen, TimelineScreen), what="T")
        await until(pilot, lambda: "Timeline[2] deployments/default/web" in screen_text(app))
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, TimelineScreen), what="back")
        await pilot.press("colon", *"tl", "enter")
        await until(pilot, lambda: isinstance(app.screen, TimelineScreen), what="the timeline")
        await until(pilot, lambda: "revision 2: image web:2" in screen_text(app))

        await pilot.press("slash", *"revision 2", "enter")
        await until(pilot, lambda: "Timeline[1/" in screen_text(app), what="the filter")
        await pilot.press("enter")
        await until(pilot, lambda: "web: image: web:1 -> web:2" in screen_text(app), what="diff")
        assert "u: undo to revision 1" in screen_text(app)

        await pilot.press("u")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the confirm")
        text = screen_text(app)
        assert "revision 2  ->  revision 1" in text
        assert "context   fake" in text and "namespace default" in text
        assert not sent_changes(fake_kube)  # nothing sent before the y

        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, TimelineScreen), what="cancelled")
        await pilot.press("s")
        exported = timeline_export_dir()
        await until(pilot, lambda: len(list(exported.glob("timeline-*"))) == 2, what="export")
        markdown = next(exported.glob("timeline-*.md")).read_text()
        assert "deployments/default/web | revision 2: image web:2 |" in markdown


async def test_ctrl_z_after_a_restart_undoes_from_the_audit_log_unless_changed_since(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.apply_object(deployment("web", image="web:1", replicas=4))
    write_audit(  # an earlier session of this user scaled web from 2 to 4
        {
            "time": "2026-12-07T10:00:00+0000",
            "local_user": local_user(),
            "context": "fake",
            "namespace": "default",
            "kind": "deployments",
            "name": "web",
            "action": "scale",
            "summary": "scale deployment default/web from 2 to 4 replicas",
            "from": "2 replicas",
            "to": "4 replicas",
            "dry_run": False,
            "ok": True,
        }
    )
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: table_column(app, "READY") == ["4/4"])
        await pilot.press("ctrl+z")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the confirm")
        assert "4 replicas  ->  2 replicas" in screen_text(app)
        await pilot.press("n")
        await until(pilot, lambda: not isinstance(app.screen, ConfirmModal), what="cancelled")

        fake_kube.apply_object(deployment("web", image="web:1", replicas=5))  # someone else
        await until(pilot, lambda: table_column(app, "READY") == ["5/5"])
        await pilot.press("ctrl+z")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the refusal")
        text = " ".join(screen_text(app).split())
        assert "changed since your scale" in text and "it is 5 replicas now" in text
        assert not sent_changes(fake_kube)


def settings_configmap(data: dict[str, str], kind: str = "ConfigMap") -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": kind,
        "metadata": {
            "name": "settings",
            "namespace": "default",
            "managedFields": [
                {
                    "manager": "kubectl-edit",
                    "operation": "Update",
                    "time": "2026-12-07T10:05:00Z",
                    "fieldsV1": {"f:data": {f"f:{key}": {} for key in data}},
                }
            ],
        },
        "data": data,
    }


async def test_a_configmap_change_seen_while_running_is_restored_a_secrets_is_not(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.apply_object(settings_configmap({"mode": "slow", "level": "info"}))
    fake_kube.apply_object(settings_configmap({"pw": "YQ=="}, kind="Secret"))
    # may edit ConfigMaps but not Deployments: u on a ConfigMap change is still offered
    fake_kube.forbid("deployments", "default", verbs=("patch",))
    app = make_app(fake_kubeconfig, view="timeline")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: isinstance(app.screen, TimelineScreen), what="the timeline")
        screen = app.screen
        assert isinstance(screen, TimelineScreen)
        await until(pilot, lambda: screen.feed is not None and screen.feed.state() == "live")
        fake_kube.apply_object(settings_configmap({"mode": "fast", "extra": "1"}))
        fake_kube.apply_object(settings_configmap({"pw": "Yg=="}, kind="Secret"))
        await until(pilot, lambda: "changed mode; added extra" in screen_text(app))
        await until(pilot, lambda: "changed pw" in screen_text(app))

        await pilot.press("slash", *"changed pw", "enter")
        await until(pilot, lambda: "Timeline[1/" in screen_text(app), what="the filter")
        said = "a Secret change cannot be restored from here: gok-tui never keeps Secret values"
        await until(pilot, lambda: said in " ".join(screen_text(app).split()))
        await pilot.press("u")
        await until(pilot, lambda: any(said in toast for toast in toast_texts(app)))
        assert "Yg==" not in screen_text(app) and "YQ==" not in screen_text(app)

        await pilot.press("slash", *["backspace"] * 10, *"changed mode", "enter")
        await until(pilot, lambda: "Timeline[1/" in screen_text(app), what="the filter")
        await until(pilot, lambda: "u: restore the data from before" in screen_text(app))
        assert "undo_entry" not in screen.access_needs()  # not refused for want of deployments
        await pilot.press("u")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the confirm")
        text = " ".join(screen_text(app).split())
        assert "restore 2 keys, remove 1" in text
        assert "mode: 'fast' -> 'slow'" in text and "extra: '1' -> <none>" in text
        assert not sent_changes(fake_kube)
        await pilot.press("y")
        await until(
            pilot,
            lambda: (
                (fake_kube.get_object("configmaps", "default", "settings") or {}).get("data")
                == {"mode": "slow", "level": "info"}
            ),
            what="the restore",
        )


def helm_releases_applied(fake_kube: FakeKube) -> None:
    for number, status, image in ((1, "superseded", "web:1"), (2, "deployed", "web:2")):
        manifest = f"---\nkind: Deployment\nspec:\n  image: {image}\n"
        fake_kube.apply_object(helm_release_secret("web", number, status=status, manifest=manifest))


async def on_helm_revision_2(pilot: Pilot[None], app: GokApp) -> None:
    await until(pilot, lambda: isinstance(app.screen, TimelineScreen), what="the timeline")
    await until(pilot, lambda: "release web revision 2 deployed" in screen_text(app))
    await pilot.press("slash", *"revision 2 deployed", "enter")
    await until(pilot, lambda: "Timeline[1/" in screen_text(app), what="the filter")


async def test_u_on_a_helm_revision_runs_helm_rollback_after_the_confirm(
    fake_kube: FakeKube, fake_kubeconfig: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    helm_releases_applied(fake_kube)
    log = write_helm_standin(tmp_path / "bin")
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    app = make_app(fake_kubeconfig, view="timeline")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await on_helm_revision_2(pilot, app)
        await until(pilot, lambda: "u: helm rollback to revision 1" in screen_text(app))
        await pilot.press("u")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the confirm")
        text = " ".join(screen_text(app).split())
        assert "helm rollback release default/web from revision 2 to 1" in text
        assert "- image: web:2" in text and "+ image: web:1" in text
        assert "helm rollback web 1 -n default --kube-context fake" in text
        assert not helm_runs(log)  # nothing run before the y
        await pilot.press("y")
        await until(pilot, lambda: len(helm_runs(log)) == 2, what="helm run")
        aimed = ["rollback", "web", "1", "-n", "default", "--kube-context", "fake"]
        assert helm_runs(log)[1][:7] == aimed


async def test_helm_rollback_is_refused_read_only_and_said_without_helm(
    fake_kube: FakeKube, fake_kubeconfig: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    helm_releases_applied(fake_kube)
    log = write_helm_standin(tmp_path / "bin")
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    app = make_app(fake_kubeconfig, view="timeline", readonly=True)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await on_helm_revision_2(pilot, app)
        await pilot.press("u")
        await until(
            pilot, lambda: any(t.startswith("read-only (") for t in toast_texts(app)), what="no"
        )
        assert not isinstance(app.screen, ConfirmModal) and not helm_runs(log)

    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    app = make_app(fake_kubeconfig, view="timeline")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await on_helm_revision_2(pilot, app)
        await pilot.press("u")
        said = (
            "helm is not on PATH; to go back run: helm rollback web 1 -n default "
            f"--kube-context fake --kubeconfig {fake_kubeconfig}"
        )
        await until(pilot, lambda: said in toast_texts(app))


async def test_ctrl_z_after_a_restart_says_a_restart_cannot_be_undone(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.apply_object(deployment("web", image="web:1", replicas=1))
    summary = "restart every pod of deployment default/web (rolling, as kubectl rollout restart)"
    write_audit(
        {
            "time": "2026-12-07T10:00:00+0000",
            "local_user": local_user(),
            "context": "fake",
            "namespace": "default",
            "kind": "deployments",
            "name": "web",
            "action": "restart",
            "summary": summary,
            "from": "revision 1",
            "to": "new revision, restartedAt 2026-12-07T10:00:00Z",
            "dry_run": False,
            "ok": True,
        }
    )
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: table_column(app, "READY") == ["1/1"])
        await pilot.press("ctrl+z")
        said = f"a restart cannot be undone: its pods were replaced by new ones ({summary})"
        await until(pilot, lambda: any(t.startswith(said) for t in toast_texts(app)))
        assert not isinstance(app.screen, ConfirmModal) and not sent_changes(fake_kube)


async def test_t_on_a_pod_shows_it_and_its_owners_by_owner_references(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.apply_object(deployment("web", image="web:1", replicas=1))
    fake_kube.apply_object(deployment("web-admin", image="admin:1", replicas=1))
    app = make_app(fake_kubeconfig, view="pods")
    async with app.run_test(size=SIZE, notifications=True) as pilot:

        def web_pod() -> str:
            names = [k for k in table_keys(app) if k.split("/")[-1].startswith("web-")]
            return next((n for n in names if not n.split("/")[-1].startswith("web-admin")), "")

        await until(pilot, lambda: len(table_keys(app)) == 2 and bool(web_pod()), what="pods")
        pod = web_pod()
        await pilot.press(*["down"] * table_keys(app).index(pod), "T")
        await until(pilot, lambda: isinstance(app.screen, TimelineScreen), what="T")
        # its Deployment's revision (by ownerReferences, pod -> ReplicaSet -> Deployment), and
        # nothing of web-admin, whose name starts like the pod's
        await until(pilot, lambda: "revision 1: first revision remembered" in screen_text(app))
        text = screen_text(app)
        assert f"Timeline[1] pods/{pod}" in text and "web-admin" not in text


async def test_a_kind_the_user_may_not_list_is_named_and_the_rest_of_the_timeline_is_live(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    """Many users may not list Secrets: the timeline still shows the revisions, and says what
    it cannot show, instead of the whole view reading "forbidden"."""
    fake_kube.forbid("secrets", "default")
    fake_kube.apply_object(deployment("web", image="web:1", replicas=1))
    app = make_app(fake_kubeconfig, view="timeline")
    async with app.run_test(size=(120, 30)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, TimelineScreen), what="the timeline")
        screen = app.screen
        assert isinstance(screen, TimelineScreen)
        await until(pilot, lambda: "not shown (forbidden): secrets" in screen_text(app))
        await until(pilot, lambda: "revision 1" in screen_text(app), what="web's revision")
        assert screen.connection_state() == "live"
