"""Which pods live update copies into: the Ready pods of the Deployment's current ReplicaSet,
and only while the Deployment runs the image the loop last delivered."""

from __future__ import annotations

from typing import Any

import pytest
from gok_tui.devloop.live_update import Synced, SyncError, sync_targets

REVISION = "deployment.kubernetes.io/revision"


def deployment(image: str = "reg/web:abc", revision: str = "2") -> dict[str, Any]:
    return {
        "metadata": {"name": "web", "uid": "d1", "annotations": {REVISION: revision}},
        "spec": {
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "spec": {
                    "containers": [
                        {"name": "web", "image": image},
                        {"name": "sidecar", "image": "reg/side:1"},
                    ]
                }
            },
        },
    }


def replicaset(uid: str, revision: str) -> dict[str, Any]:
    return {
        "metadata": {
            "name": f"web-{uid}",
            "uid": uid,
            "annotations": {REVISION: revision},
            "ownerReferences": [{"uid": "d1"}],
        }
    }


def pod(name: str, owner: str, ready: bool = True, leaving: bool = False) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name, "ownerReferences": [{"uid": owner}]}
    if leaving:
        meta["deletionTimestamp"] = "2026-01-01T00:00:00Z"
    return {
        "metadata": meta,
        "status": {
            "phase": "Running",
            "podIP": "10.0.0.1",
            "conditions": [{"type": "Ready", "status": "True" if ready else "False"}],
        },
    }


REPLICASETS = [replicaset("rs-old", "1"), replicaset("rs-new", "2")]


def test_the_ready_pods_of_the_current_replicaset_only() -> None:
    pods = [
        pod("web-new-b", "rs-new"),
        pod("web-new-a", "rs-new"),
        pod("web-new-starting", "rs-new", ready=False),
        pod("web-new-leaving", "rs-new", leaving=True),
        pod("web-old", "rs-old"),
        pod("stranger", "someone-else"),
    ]
    assert sync_targets(deployment(), REPLICASETS, pods, "", "reg/web:abc") == (
        "web",
        ("web-new-a", "web-new-b"),
    )


def test_the_named_container_is_used() -> None:
    found = sync_targets(deployment(), REPLICASETS, [pod("p", "rs-new")], "sidecar", "reg/side:1")
    assert found[0] == "sidecar"


@pytest.mark.parametrize(
    ("image", "container", "pods", "message"),
    [
        (None, "", [pod("p", "rs-new")], "nothing built yet runs in deployment web"),
        ("reg/web:other", "", [pod("p", "rs-new")], "deployment web runs reg/web:abc, not the"),
        ("reg/web:abc", "db", [pod("p", "rs-new")], "no container 'db' in the Deployment's pods"),
        ("reg/web:abc", "", [pod("p", "rs-old")], "deployment web has no Ready pod to sync into"),
        ("reg/web:abc", "", [], "deployment web has no Ready pod to sync into"),
    ],
)
def test_no_target_says_why(
    image: str | None, container: str, pods: list[dict[str, Any]], message: str
) -> None:
    with pytest.raises(SyncError) as raised:
        sync_targets(deployment(), REPLICASETS, pods, container, image)
    assert str(raised.value).startswith(message)


def test_a_rollout_without_its_replicaset_yet_is_not_synced_into() -> None:
    with pytest.raises(SyncError, match="no current ReplicaSet yet"):
        sync_targets(deployment(revision="3"), REPLICASETS, [pod("p", "rs-new")], "", "reg/web:abc")


def test_the_summary_counts_files_pods_and_milliseconds() -> None:
    assert str(Synced(2, ("a", "b", "c"), 0.1404)) == "synced 2 files to 3 pods in 140 ms"
    assert str(Synced(1, ("a",), 0.05)) == "synced 1 file to 1 pod in 50 ms"
