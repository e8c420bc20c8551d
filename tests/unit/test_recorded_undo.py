"""ctrl+z from the audit log: which entry, which inverse, and no blind undo."""

from __future__ import annotations

from typing import Any

from gok_tui.actions.audit import env_digest
from gok_tui.actions.base import ObjectRef
from gok_tui.actions.deployments import Scale, SetImage, SetPaused, Undo
from gok_tui.actions.recorded_undo import (
    cannot_undo,
    inverse_of,
    last_recorded_change,
    recorded_undo,
)
from gok_tui.actions.workloads import UndoWorkload

REF = ObjectRef("prod", "https://k", "deployments", "shop", "web")


def entry(**fields: Any) -> dict[str, Any]:
    base = {
        "context": "prod",
        "local_user": "ann",
        "ok": True,
        "dry_run": False,
        "action": "scale",
        "from": "2 replicas",
        "to": "4 replicas",
        "time": "2026-12-07T10:00:00+0000",
        "kind": "deployments",
    }
    return {**base, **fields}


def test_the_newest_successful_real_change_of_this_user_and_context() -> None:
    newest_first = [
        entry(ok=False),
        entry(dry_run=True),
        entry(context="staging"),
        entry(local_user="bob"),
        entry(to="7 replicas"),
        entry(to="4 replicas"),
    ]
    assert last_recorded_change(newest_first, "prod", "ann") == entry(to="7 replicas")
    assert last_recorded_change(newest_first, "dev", "ann") is None


def test_inverses_of_scale_and_rollout_only() -> None:
    assert inverse_of(entry(), REF) == Scale(REF, 2)
    rollout = entry(
        action="rollout",
        **{"from": "web:1", "to": "web:2"},
        patch={"spec": {"template": {"spec": {"containers": [{"name": "app"}]}}}},
    )
    assert inverse_of(rollout, REF) == SetImage(REF, "app", "web:1", "revert to web:1")
    assert inverse_of(entry(action="delete"), REF) is None


def deployment(replicas: int) -> dict[str, Any]:
    return {
        "metadata": {
            "managedFields": [
                {"manager": "kubectl-scale", "time": "2026-12-07T11:00:00Z", "subresource": "scale"}
            ]
        },
        "spec": {"replicas": replicas},
    }


def test_undone_while_unchanged_refused_with_who_once_changed_since() -> None:
    action = recorded_undo(entry(), REF)
    assert action is not None
    plan = action.plan({"deployment": deployment(4), "hpas": []})
    assert plan.runnable and (plan.before, plan.after) == ("4 replicas", "2 replicas")
    changed = action.plan({"deployment": deployment(5), "hpas": []})
    assert not changed.runnable
    assert changed.refusal == (
        "deployment shop/web changed since your scale at 2026-12-07T10:00:00+0000: it is "
        "5 replicas now, not 4 replicas (last written by kubectl-scale at "
        "2026-12-07T11:00:00Z); not undone"
    )
    put_back = action.plan({"deployment": deployment(2), "hpas": []})
    assert put_back.refusal and not put_back.noop


def pod_template(image: str, mode: str = "fast") -> dict[str, Any]:
    container = {"name": "app", "image": image, "env": [{"name": "MODE", "value": mode}]}
    return {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [container]}}


def logged_template(image: str) -> dict[str, Any]:
    """As the audit log keeps an undo's template: literal env values as digests."""
    template = pod_template(image)
    template["spec"]["containers"][0]["env"][0]["value"] = env_digest("fast")
    return template


def undo_entry(kind: str = "deployments") -> dict[str, Any]:
    return entry(
        action="undo",
        kind=kind,
        **{"from": "revision 2", "to": "revision 1"},
        patch=[
            {"op": "test", "path": "/metadata/generation", "value": 2},
            {"op": "replace", "path": "/spec/template", "value": logged_template("web:1")},
        ],
    )


def undone_deployment(image: str, revision: int = 3) -> dict[str, Any]:
    return {
        "metadata": {
            "name": "web",
            "namespace": "shop",
            "uid": "u",
            "generation": 3,
            "annotations": {"deployment.kubernetes.io/revision": str(revision)},
            "managedFields": [
                {"manager": "kubectl-set", "time": "2026-12-07T11:00:00Z", "operation": "Update"}
            ],
        },
        "spec": {"selector": {"matchLabels": {"app": "web"}}, "template": pod_template(image)},
    }


def replicaset(revision: int, image: str) -> dict[str, Any]:
    return {
        "metadata": {
            "name": f"web-{revision}",
            "namespace": "shop",
            "annotations": {"deployment.kubernetes.io/revision": str(revision)},
            "ownerReferences": [{"kind": "Deployment", "name": "web", "uid": "u"}],
        },
        "spec": {"template": pod_template(image)},
    }


def test_undo_pause_and_resume_have_inverses_restart_says_it_cannot() -> None:
    assert inverse_of(undo_entry(), REF) == Undo(REF, 2)
    sts = ObjectRef("prod", "https://k", "statefulsets", "shop", "db")
    assert inverse_of(undo_entry("statefulsets"), sts) == UndoWorkload(sts, 2)
    paused = entry(action="pause", **{"from": "progressing", "to": "paused"})
    assert inverse_of(paused, REF) == SetPaused(REF, False)
    assert inverse_of(entry(action="resume"), REF) == SetPaused(REF, True)
    assert inverse_of(entry(action="restart"), REF) is None
    assert cannot_undo("restart", "restart every pod of deployment shop/web") == (
        "a restart cannot be undone: its pods were replaced by new ones (restart every pod of "
        "deployment shop/web); u on the workload rolls back its template"
    )


def test_an_undo_is_undone_while_the_template_is_the_one_it_set() -> None:
    action = recorded_undo(undo_entry(), REF)
    assert action is not None
    history = [replicaset(3, "web:1"), replicaset(2, "web:2")]
    plan = action.plan({"deployment": undone_deployment("web:1"), "replicasets": history})
    assert plan.runnable and (plan.before, plan.after) == ("revision 3", "revision 2")
    moved = action.plan(
        {"deployment": undone_deployment("web:9", 4), "replicasets": history},
    )
    assert moved.refusal == (
        "deployment shop/web changed since your undo at 2026-12-07T10:00:00+0000: its pod "
        "template changed since (image web:9) (last written by kubectl-set at "
        "2026-12-07T11:00:00Z); not undone"
    )


def test_a_pause_is_undone_only_while_still_paused() -> None:
    action = recorded_undo(entry(action="pause", **{"from": "progressing", "to": "paused"}), REF)
    assert action is not None
    paused = {"metadata": {}, "spec": {"paused": True}}
    assert action.plan({"deployment": paused}).after == "progressing"
    resumed = action.plan({"deployment": {"metadata": {}, "spec": {"paused": False}}})
    assert "it is progressing now, not paused" in resumed.refusal
