"""StatefulSet, DaemonSet, Job and CronJob actions from JSON: revisions read from
ControllerRevisions, and each plan's exact request, refusals and inverse."""

from __future__ import annotations

from typing import Any

from gok_tui.actions.base import JSON_PATCH, MERGE_PATCH, ObjectRef
from gok_tui.actions.deployments import Restart, Scale
from gok_tui.actions.workloads import (
    INSTANTIATE_ANNOTATION,
    REVISION_SOURCES,
    SetSuspended,
    TriggerJob,
    UndoWorkload,
    can,
    job_name_from,
)
from gok_tui.domain.render import columns_for, rows_for
from gok_tui.domain.revisions import controller_revisions
from gok_tui.domain.rollout import statefulset_rollout_tree

STS = ObjectRef("ctx", "https://k", "statefulsets", "data", "db")
DS = ObjectRef("ctx", "https://k", "daemonsets", "data", "agent")
CJ = ObjectRef("ctx", "https://k", "cronjobs", "data", "tick")
UID = "sts-uid"


def template(image: str) -> dict[str, Any]:
    return {
        "metadata": {"labels": {"app": "db"}},
        "spec": {"containers": [{"name": "db", "image": image}]},
    }


def statefulset(image: str = "db:2", replicas: int = 3) -> dict[str, Any]:
    return {
        "metadata": {"name": "db", "namespace": "data", "uid": UID, "generation": 5},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": "db"}},
            "template": template(image),
        },
        "status": {"readyReplicas": 2, "updateRevision": "db-bbb", "currentRevision": "db-aaa"},
    }


def revision(name: str, number: int, image: str, owner: str = UID) -> dict[str, Any]:
    return {
        "metadata": {
            "name": name,
            "namespace": "data",
            "labels": {"app": "db", "controller.kubernetes.io/hash": name.split("-")[1]},
            "ownerReferences": [{"uid": owner, "controller": True}],
            "creationTimestamp": "2026-01-01T00:00:00Z",
        },
        "revision": number,
        "data": {"spec": {"template": {"$patch": "replace", **template(image)}}},
    }


def pod(name: str, revision_name: str, ready: bool) -> dict[str, Any]:
    return {
        "metadata": {
            "name": name,
            "labels": {"controller-revision-hash": revision_name},
            "ownerReferences": [{"uid": UID, "controller": True}],
        },
        "status": {"conditions": [{"type": "Ready", "status": "True" if ready else "False"}]},
    }


HISTORY = [
    revision("db-aaa", 1, "db:1"),
    revision("db-bbb", 2, "db:2"),
    revision("other-ccc", 7, "x:1", owner="someone-else"),
]


def test_revisions_come_from_the_owned_controller_revisions_newest_first() -> None:
    pods = [pod("db-0", "db-aaa", True), pod("db-1", "db-aaa", True), pod("db-2", "db-bbb", False)]
    history = controller_revisions(statefulset(), HISTORY, pods)
    assert [(r.number, r.replicaset, r.images, r.current) for r in history] == [
        (2, "db-bbb", ("db:2",), True),
        (1, "db-aaa", ("db:1",), False),
    ]
    assert [(r.ready, r.replicas) for r in history] == [(0, 1), (2, 2)]
    assert "$patch" not in history[1].template


def test_undo_puts_the_previous_template_back_guarded_by_the_generation() -> None:
    plan = UndoWorkload(STS).plan({"owner": statefulset(), "revisions": HISTORY})
    assert plan.runnable and plan.dangerous
    assert (plan.method, plan.path, plan.content_type) == (
        "PATCH",
        "/apis/apps/v1/namespaces/data/statefulsets/db",
        JSON_PATCH,
    )
    assert plan.body == [
        {"op": "test", "path": "/metadata/generation", "value": 5},
        {"op": "replace", "path": "/spec/template", "value": template("db:1")},
    ]
    assert plan.summary == "undo statefulset data/db from revision 2 to 1 (db:1)"
    assert plan.warnings == ("db: image: db:2 -> db:1",)
    assert plan.inverse == UndoWorkload(STS, 2)


def test_undo_to_a_missing_revision_is_refused_and_to_the_same_template_is_a_noop() -> None:
    snapshot = {"owner": statefulset(), "revisions": HISTORY}
    assert UndoWorkload(STS, 9).plan(snapshot).refusal == "revision 9 not found (have: 2, 1)"
    assert UndoWorkload(STS, 2).plan(snapshot).noop
    lonely = {"owner": statefulset(), "revisions": HISTORY[1:2]}
    assert UndoWorkload(STS).plan(lonely).refusal == "no previous revision to go back to"


def test_scale_and_restart_of_a_statefulset_go_to_its_own_paths() -> None:
    scale = Scale(STS, 1).plan({"deployment": statefulset(), "hpas": []})
    assert scale.path == "/apis/apps/v1/namespaces/data/statefulsets/db/scale"
    assert scale.summary == "scale statefulset data/db from 3 to 1 replicas"
    assert scale.inverse == Scale(STS, 3)
    restart = Restart(DS, "2026-01-01T00:00:00Z").plan({"deployment": {"spec": {}}})
    assert restart.path == "/apis/apps/v1/namespaces/data/daemonsets/agent"
    assert restart.body == {
        "spec": {
            "template": {
                "metadata": {
                    "annotations": {"kubectl.kubernetes.io/restartedAt": "2026-01-01T00:00:00Z"}
                }
            }
        }
    }


def cronjob(suspend: bool = False) -> dict[str, Any]:
    return {
        "metadata": {"name": "tick", "namespace": "data", "uid": "cj-uid"},
        "spec": {
            "schedule": "*/5 * * * *",
            "suspend": suspend,
            "jobTemplate": {
                "metadata": {"labels": {"team": "a"}},
                "spec": {
                    "template": {
                        "spec": {
                            "containers": [{"name": "t", "image": "t:1"}],
                            "restartPolicy": "Never",
                        }
                    }
                },
            },
        },
    }


def test_trigger_creates_the_job_kubectl_create_job_from_would() -> None:
    plan = TriggerJob(CJ, "tick-manual-abc").plan({"cronjob": cronjob()})
    assert (plan.method, plan.path) == ("POST", "/apis/batch/v1/namespaces/data/jobs")
    meta = plan.body["metadata"]
    assert meta["name"] == "tick-manual-abc"
    assert meta["annotations"] == {INSTANTIATE_ANNOTATION: "manual"}
    assert meta["labels"] == {"team": "a"}
    assert meta["ownerReferences"] == [
        {
            "apiVersion": "batch/v1",
            "kind": "CronJob",
            "name": "tick",
            "uid": "cj-uid",
            "controller": True,
            "blockOwnerDeletion": True,
        }
    ]
    assert plan.body["spec"] == cronjob()["spec"]["jobTemplate"]["spec"]
    assert plan.inverse is None and not plan.warnings
    suspended = TriggerJob(CJ, "x").plan({"cronjob": cronjob(suspend=True)})
    assert "suspended" in suspended.warnings[0]


def test_job_names_are_short_and_valid() -> None:
    assert job_name_from("tick", 1_767_268_800) == "tick-manual-t86pc0"
    assert len(job_name_from("x" * 80, 1_767_268_800)) == 63


def test_suspend_and_resume_undo_each_other() -> None:
    plan = SetSuspended(CJ, True).plan({"object": cronjob()})
    assert (plan.body, plan.content_type) == ({"spec": {"suspend": True}}, MERGE_PATCH)
    assert (plan.before, plan.after) == ("running on schedule", "suspended")
    assert plan.inverse == SetSuspended(CJ, False)
    assert SetSuspended(CJ, True).plan({"object": cronjob(suspend=True)}).noop


def test_one_table_says_what_each_kind_can_do() -> None:
    assert can("statefulsets", "scale") and not can("daemonsets", "scale")
    assert can("daemonsets", "undo") and can("cronjobs", "trigger")
    assert not can("jobs", "trigger") and not can("pods", "restart")
    assert set(REVISION_SOURCES) == {"deployments", "statefulsets", "daemonsets"}


def test_workload_rows_read_as_kubectl_prints_them() -> None:
    now = 1_767_225_600.0 + 300  # five minutes after 2026-01-01T00:00:00Z
    sts = {
        **statefulset(),
        "metadata": {**statefulset()["metadata"], "creationTimestamp": "2026-01-01T00:00:00Z"},
    }
    assert [c.title for c in columns_for("sts", False)] == [
        "NAME",
        "READY",
        "AGE",
        "CONTAINERS",
        "IMAGES",
    ]
    assert rows_for("statefulsets", sts, now, False)[0].cells == ("db", "2/3", "5m", "db", "db:2")
    cj = {**cronjob(suspend=True), "status": {"lastScheduleTime": "2026-01-01T00:04:00Z"}}
    cj["metadata"]["creationTimestamp"] = "2026-01-01T00:00:00Z"
    row = rows_for("cj", cj, now, False)[0]
    assert row.cells == ("tick", "*/5 * * * *", "True", "0", "60s", "5m", "t", "t:1")
    assert row.tone == "muted"


def test_the_rollout_of_a_partitioned_statefulset_reads_per_ordinal() -> None:
    sts = statefulset(replicas=3)
    sts["spec"]["updateStrategy"] = {"type": "RollingUpdate", "rollingUpdate": {"partition": 2}}
    sts["status"] = {
        "observedGeneration": 5,
        "replicas": 3,
        "readyReplicas": 3,
        "updatedReplicas": 1,
        "currentRevision": "db-aaa",
        "updateRevision": "db-bbb",
    }
    pods = [pod("db-1", "db-aaa", True), pod("db-0", "db-aaa", True), pod("db-2", "db-bbb", True)]
    for item in pods:
        item["metadata"]["ownerReferences"] = [{"uid": UID, "controller": True}]
    tree = statefulset_rollout_tree(sts, HISTORY, pods, 0.0)
    assert (tree.kind_prefix, tree.strategy, tree.revision) == (
        "sts",
        "RollingUpdate partition 2",
        2,
    )
    assert (tree.state.phase, tree.state.message) == (
        "complete",
        "partitioned roll out complete: 1 new pods have been updated",
    )
    assert [(b.revision, b.desired, b.ready, [p.name for p in b.pods]) for b in tree.branches] == [
        (2, 1, 1, ["db-2"]),
        (1, 2, 2, ["db-0", "db-1"]),
    ]
