"""ctrl+z from the audit log: which entry, which inverse, and no blind undo."""

from __future__ import annotations

from typing import Any

from gok_tui.actions.base import ObjectRef
from gok_tui.actions.deployments import Scale, SetImage
from gok_tui.actions.recorded_undo import inverse_of, last_recorded_change, recorded_undo

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
