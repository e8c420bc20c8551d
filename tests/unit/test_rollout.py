"""The rollout panel's data: which revision runs where, and the conditions in words."""

from __future__ import annotations

from typing import Any

from gok_tui.domain.rollout import rollout_tree
from gok_tui.domain.timefmt import parse_timestamp

NOW = parse_timestamp("2026-11-22T10:10:00Z") or 0.0


def deployment(**status: Any) -> dict[str, Any]:
    return {
        "metadata": {
            "name": "web",
            "namespace": "shop",
            "uid": "d-1",
            "generation": 3,
            "annotations": {"deployment.kubernetes.io/revision": "3"},
        },
        "spec": {"replicas": 2, "progressDeadlineSeconds": 120},
        "status": {"observedGeneration": 3, **status},
    }


def replicaset(name: str, revision: int, replicas: int, ready: int, owner: str = "d-1") -> dict:
    return {
        "metadata": {
            "name": name,
            "uid": f"rs-{name}",
            "annotations": {
                "deployment.kubernetes.io/revision": str(revision),
                "kubernetes.io/change-cause": f"build {revision}",
            },
            "ownerReferences": [{"uid": owner, "controller": True}],
        },
        "spec": {
            "replicas": replicas,
            "template": {"spec": {"containers": [{"name": "web", "image": f"web:{revision}"}]}},
        },
        "status": {"replicas": replicas, "readyReplicas": ready},
    }


def pod(name: str, rs: str, ready: bool) -> dict[str, Any]:
    return {
        "metadata": {
            "name": name,
            "creationTimestamp": "2026-11-22T10:09:30Z",
            "ownerReferences": [{"uid": f"rs-{rs}"}],
        },
        "spec": {"containers": [{"name": "web"}]},
        "status": {
            "phase": "Running",
            "containerStatuses": [
                {"name": "web", "ready": ready, "restartCount": 0, "state": {"running": {}}}
            ],
        },
    }


def test_tree_lists_live_revisions_newest_first_with_their_pods() -> None:
    tree = rollout_tree(
        deployment(
            replicas=3,
            updatedReplicas=1,
            readyReplicas=2,
            availableReplicas=2,
            conditions=[
                {
                    "type": "Progressing",
                    "status": "True",
                    "reason": "ReplicaSetUpdated",
                    "message": 'ReplicaSet "web-3" is progressing.',
                    "lastUpdateTime": "2026-11-22T10:09:00Z",
                }
            ],
        ),
        [
            replicaset("web-1", 1, 0, 0),  # history: no replicas, no pods
            replicaset("web-2", 2, 2, 2),
            replicaset("web-3", 3, 1, 0),
            replicaset("other-9", 9, 1, 1, owner="someone-else"),
        ],
        [
            pod("web-3-a", "web-3", False),
            pod("web-2-b", "web-2", True),
            pod("web-2-a", "web-2", True),
        ],
        NOW,
    )
    assert [(b.revision, b.newest) for b in tree.branches] == [(3, True), (2, False)]
    assert [p.name for p in tree.branches[1].pods] == ["web-2-a", "web-2-b"]
    new_pod = tree.branches[0].pods[0]
    assert (new_pod.status, new_pod.ready, new_pod.healthy, new_pod.age) == (
        "Running",
        "0/1",
        False,
        "30s",
    )
    assert tree.branches[0].change_cause == "build 3" and tree.branches[0].images == ("web:3",)
    assert tree.state.phase == "progressing" and tree.progress == 0.0
    assert tree.conditions[0].kind == "Progressing" and not tree.conditions[0].bad
    assert tree.conditions[0].text.endswith('ReplicaSet "web-3" is progressing., 60s ago')
    assert tree.deadline == "progress deadline 120 s; last progress 60s ago, 60s left"


def test_deadline_exceeded_and_unavailable_are_flagged() -> None:
    tree = rollout_tree(
        deployment(
            conditions=[
                {"type": "Available", "status": "False", "reason": "MinimumReplicasUnavailable"},
                {"type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded"},
            ]
        ),
        [replicaset("web-3", 3, 2, 0)],
        [],
        NOW,
    )
    assert tree.state.phase == "failed"
    assert [c.bad for c in tree.conditions] == [True, True]
    assert tree.conditions[0].text.startswith("NO: fewer ready replicas")
    assert tree.deadline == "progress deadline 120 s EXCEEDED"


def test_newest_revision_is_shown_even_before_it_has_replicas() -> None:
    tree = rollout_tree(
        deployment(), [replicaset("web-3", 3, 0, 0), replicaset("web-2", 2, 2, 2)], [], NOW
    )
    assert [b.revision for b in tree.branches] == [3, 2]
