"""Restoring a ConfigMap to before a change seen while running: the exact patch, the key-level
summary, and no restore over a later change."""

from __future__ import annotations

from typing import Any

from gok_tui.actions.base import ObjectRef
from gok_tui.actions.configmaps import RestoreConfigMap
from gok_tui.domain.timeline import ConfigData, Timeline, config_data

REF = ObjectRef("prod", "https://k", "configmaps", "shop", "settings")


def configmap(data: dict[str, str], manager: str = "kubectl-edit") -> dict[str, Any]:
    return {
        "metadata": {
            "name": "settings",
            "namespace": "shop",
            "managedFields": [
                {"manager": manager, "time": "2026-12-07T10:05:00Z", "operation": "Update"}
            ],
        },
        "data": data,
    }


BEFORE = {"mode": "slow", "level": "info", "region": "eu"}
LEFT = {"mode": "fast", "level": "debug", "extra": "1"}  # changed 2, removed 1, added 1


def restore() -> RestoreConfigMap:
    return RestoreConfigMap(
        REF, ConfigData(BEFORE, {}), ConfigData(LEFT, {}), "the change of 10:05:00 by kubectl"
    )


def test_the_plan_is_the_exact_patch_with_a_key_level_summary() -> None:
    plan = restore().plan({"configmap": configmap(LEFT)})
    assert plan.runnable
    assert plan.summary == (
        "restore configmap shop/settings to before the change of 10:05:00 by kubectl: "
        "restore 3 keys, remove 1"
    )
    assert plan.body == [
        {"op": "test", "path": "/data/extra", "value": "1"},
        {"op": "remove", "path": "/data/extra"},
        {"op": "test", "path": "/data/level", "value": "debug"},
        {"op": "replace", "path": "/data/level", "value": "info"},
        {"op": "test", "path": "/data/mode", "value": "fast"},
        {"op": "replace", "path": "/data/mode", "value": "slow"},
        {"op": "add", "path": "/data/region", "value": "eu"},
    ]
    assert plan.warnings == (
        "extra: '1' -> <none>",
        "level: 'debug' -> 'info'",
        "mode: 'fast' -> 'slow'",
        "region: <none> -> 'eu'",
    )
    inverse = plan.inverse
    assert isinstance(inverse, RestoreConfigMap)
    assert (inverse.restore, inverse.left) == (ConfigData(LEFT, {}), ConfigData(BEFORE, {}))


def test_a_configmap_without_data_gets_it_whole() -> None:
    emptied = configmap({})
    del emptied["data"]
    plan = RestoreConfigMap(REF, ConfigData(BEFORE, {}), ConfigData({}, {}), "it").plan(
        {"configmap": emptied}
    )
    assert plan.body == [{"op": "add", "path": "/data", "value": BEFORE}]
    assert plan.summary.endswith("restore 3 keys")


def test_changed_since_is_refused_with_who_and_already_restored_is_nothing() -> None:
    later = configmap({**LEFT, "mode": "turbo"}, manager="argocd")
    plan = restore().plan({"configmap": later})
    assert not plan.runnable
    assert plan.refusal == (
        "configmap shop/settings changed since the change of 10:05:00 by kubectl: keys mode "
        "differ (last written by argocd at 2026-12-07T10:05:00Z); not restored"
    )
    assert restore().plan({"configmap": configmap(BEFORE)}).noop


def test_the_timeline_keeps_the_data_around_a_configmap_change_never_a_secrets() -> None:
    timeline = Timeline()
    timeline.update("configmaps", configmap(BEFORE))
    timeline.update("configmaps", configmap(LEFT))
    secret = {"metadata": {"name": "creds", "namespace": "shop"}, "data": {"pw": "YQ=="}}
    timeline.update("secrets", secret)
    timeline.update("secrets", {**secret, "data": {"pw": "Yg=="}})
    (change,) = timeline.config_changes.values()
    assert change.before == config_data(configmap(BEFORE))
    assert change.left == config_data(configmap(LEFT))
    live = {e.ref for e in timeline.entries() if e.source == "live"}
    assert live == {"configmaps/shop/settings", "secrets/shop/creds"}
