"""Every action's plan() from JSON: the exact request, the summary, refusals and inverses."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from gok_tui.actions.audit import AuditLog, env_digest
from gok_tui.actions.base import JSON_PATCH, STRATEGIC_PATCH, ObjectRef, Plan
from gok_tui.actions.deployments import RESTARTED_AT, Restart, Scale, SetImage, SetPaused, Undo
from gok_tui.actions.pods import DeletePod
from gok_tui.domain.revisions import revisions, template_diff

REF = ObjectRef("prod-eu", "https://10.0.0.1", "deployments", "shop", "web")
UID = "d-uid-1"


def template(image: str, env: str = "1", memory: str = "128Mi") -> dict[str, Any]:
    return {
        "metadata": {"labels": {"app": "web"}},
        "spec": {
            "containers": [
                {
                    "name": "web",
                    "image": image,
                    "env": [
                        {"name": "LEVEL", "value": env},
                        {
                            "name": "DB_PASS",
                            "valueFrom": {"secretKeyRef": {"name": "db", "key": "pw"}},
                        },
                    ],
                    "resources": {"limits": {"memory": memory}},
                }
            ]
        },
    }


def deployment(
    image: str = "web:3", revision: int = 3, replicas: int = 2, paused: bool = False
) -> dict:
    return {
        "metadata": {
            "name": "web",
            "namespace": "shop",
            "uid": UID,
            "resourceVersion": "77",
            "generation": 4,
            "annotations": {
                "deployment.kubernetes.io/revision": str(revision),
                "kubernetes.io/change-cause": f"deploy {image}",
                "team": "checkout",
            },
        },
        "spec": {
            "replicas": replicas,
            "paused": paused,
            "selector": {"matchLabels": {"app": "web"}},
            "template": template(image, env="3"),
        },
    }


def replicaset(revision: int, image: str, env: str, ready: int = 0) -> dict:
    tpl = copy.deepcopy(template(image, env=env))
    tpl["metadata"]["labels"]["pod-template-hash"] = f"h{revision}"
    return {
        "metadata": {
            "name": f"web-h{revision}",
            "namespace": "shop",
            "ownerReferences": [{"uid": UID, "controller": True, "kind": "Deployment"}],
            "annotations": {
                "deployment.kubernetes.io/revision": str(revision),
                "kubernetes.io/change-cause": f"deploy {image}",
            },
            "creationTimestamp": "2026-11-20T10:00:00Z",
        },
        "spec": {"template": tpl},
        "status": {"replicas": ready, "readyReplicas": ready},
    }


HISTORY = [
    replicaset(1, "web:1", "1"),
    replicaset(2, "web:2", "2"),
    replicaset(3, "web:3", "3", ready=2),
]


def test_scale_plan_patches_the_scale_subresource_from_the_confirmed_count() -> None:
    plan = Scale(REF, 5).plan({"deployment": deployment(replicas=2), "hpas": []})
    assert plan.path == "/apis/apps/v1/namespaces/shop/deployments/web/scale"
    assert plan.content_type == JSON_PATCH
    # guarded by what was confirmed (the count), not the resourceVersion a status write moves
    assert plan.body == [
        {"op": "test", "path": "/spec", "value": {"replicas": 2}},
        {"op": "add", "path": "/spec/replicas", "value": 5},
    ]
    from_zero = Scale(REF, 1).plan({"deployment": deployment(replicas=0), "hpas": []})
    assert from_zero.body[0] == {"op": "test", "path": "/spec", "value": {}}
    assert plan.summary == "scale deployment shop/web from 2 to 5 replicas"
    assert (plan.before, plan.after, plan.dangerous, plan.noop) == (
        "2 replicas",
        "5 replicas",
        False,
        False,
    )
    assert plan.inverse == Scale(REF, 2)


def test_scale_to_zero_is_dangerous_and_hpa_warns() -> None:
    hpa = {
        "metadata": {"name": "web-hpa"},
        "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "web"}},
    }
    plan = Scale(REF, 0).plan({"deployment": deployment(), "hpas": [hpa]})
    assert plan.dangerous
    assert plan.warnings == (
        "HorizontalPodAutoscaler web-hpa (1-<unknown>) controls this Deployment: at 0 replicas "
        "it stops scaling it (ScalingDisabled) until it is scaled up again",
    )


def test_scale_to_same_count_is_noop_and_negative_refused() -> None:
    assert Scale(REF, 2).plan({"deployment": deployment(replicas=2), "hpas": []}).noop
    assert Scale(REF, -1).plan({"deployment": deployment(), "hpas": []}).refusal


def test_restart_sets_restarted_at_template_annotation() -> None:
    plan = Restart(REF, "2026-11-22T12:00:00Z").plan({"deployment": deployment()})
    assert plan.content_type == STRATEGIC_PATCH
    assert plan.body == {
        "spec": {"template": {"metadata": {"annotations": {RESTARTED_AT: "2026-11-22T12:00:00Z"}}}}
    }
    assert Restart(REF, "t").plan({"deployment": deployment(paused=True)}).refusal


def test_pause_resume_are_inverses() -> None:
    pause = SetPaused(REF, True).plan({"deployment": deployment()})
    assert pause.body == {"spec": {"paused": True}} and pause.inverse == SetPaused(REF, False)
    assert SetPaused(REF, True).plan({"deployment": deployment(paused=True)}).noop


def test_set_image_merges_container_by_name_and_records_cause() -> None:
    plan = SetImage(REF, "web", "web:4", "gok-tui build 12 (abc123)").plan(
        {"deployment": deployment()}
    )
    assert plan.body["spec"]["template"]["spec"]["containers"] == [
        {"name": "web", "image": "web:4"}
    ]
    assert (
        plan.body["metadata"]["annotations"]["kubernetes.io/change-cause"]
        == "gok-tui build 12 (abc123)"
    )
    assert (plan.before, plan.after) == ("web:3", "web:4")
    refused = SetImage(REF, "sidecar", "x:1", "c").plan({"deployment": deployment()})
    assert "has no container 'sidecar' (it has: web)" in refused.refusal


def test_set_image_without_a_container_name_takes_the_first_and_names_it() -> None:
    """gok.toml may leave deploy.container out; the plan (and its inverse) name the one used."""
    two = deployment()
    two["spec"]["template"]["spec"]["containers"].append({"name": "proxy", "image": "envoy:1"})
    plan = SetImage(REF, "", "web:4", "c").plan({"deployment": two})
    assert plan.refusal == "" and (plan.before, plan.after) == ("web:3", "web:4")
    assert plan.summary.endswith("container web to web:4")
    assert plan.body["spec"]["template"]["spec"]["containers"] == [
        {"name": "web", "image": "web:4"}
    ]
    assert plan.inverse == SetImage(REF, "web", "web:3", "revert to web:3")


def test_revision_history_newest_first_from_owned_replicasets() -> None:
    stranger = replicaset(9, "other:1", "x")
    stranger["metadata"]["ownerReferences"] = [{"uid": "someone-else"}]
    history = revisions(deployment(), [*HISTORY, stranger])
    assert [r.number for r in history] == [3, 2, 1]
    assert history[0].current and history[0].ready == 2
    assert history[1].images == ("web:2",) and history[1].change_cause == "deploy web:2"


def test_undo_to_previous_copies_that_template_like_kubectl() -> None:
    plan = Undo(REF).plan({"deployment": deployment(), "replicasets": HISTORY})
    assert plan.content_type == JSON_PATCH
    test_op, template_op, annotations_op = plan.body
    # any change to the spec moves the generation; a status write does not
    assert test_op == {"op": "test", "path": "/metadata/generation", "value": 4}
    assert template_op["path"] == "/spec/template"
    assert template_op["value"]["spec"]["containers"][0]["image"] == "web:2"
    assert "pod-template-hash" not in template_op["value"]["metadata"]["labels"]
    # revision annotation is the controller's; change-cause comes from the ReplicaSet
    assert annotations_op["value"] == {
        "kubernetes.io/change-cause": "deploy web:2",
        "team": "checkout",
    }
    assert plan.summary == "undo deployment shop/web from revision 3 to 2 (web:2)"
    assert plan.dangerous
    assert "web: image: web:3 -> web:2" in plan.warnings
    assert plan.inverse == Undo(REF, 3)


def test_undo_to_a_chosen_revision_and_refusals() -> None:
    plan = Undo(REF, 1).plan({"deployment": deployment(), "replicasets": HISTORY})
    assert plan.body[1]["value"]["spec"]["containers"][0]["image"] == "web:1"
    missing = Undo(REF, 7).plan({"deployment": deployment(), "replicasets": HISTORY})
    assert missing.refusal == "revision 7 not found (have: 3, 2, 1)"
    paused = Undo(REF).plan({"deployment": deployment(paused=True), "replicasets": HISTORY})
    assert "paused" in paused.refusal
    only_one = Undo(REF).plan({"deployment": deployment(), "replicasets": HISTORY[2:]})
    assert only_one.refusal == "no previous revision to go back to"
    same = Undo(REF, 3).plan({"deployment": deployment(), "replicasets": HISTORY})
    assert same.noop


def test_template_diff_names_what_an_operator_checks() -> None:
    before = template("web:1", env="1", memory="128Mi")
    after = template("web:2", env="2", memory="256Mi")
    after["spec"]["volumes"] = [{"name": "cfg", "configMap": {"name": "web-config-v2"}}]
    lines = {(c.container, c.field, c.before, c.after) for c in template_diff(before, after)}
    assert ("web", "image", "web:1", "web:2") in lines
    assert ("web", "env LEVEL", "1", "2") in lines
    assert ("web", "resources.limits.memory", "128Mi", "256Mi") in lines
    assert ("", "volume cfg", "<none>", "configmap web-config-v2") in lines


def test_audit_log_lines_rotation_and_no_secrets(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl", max_bytes=600, backups=2)
    plan = Scale(REF, 3).plan({"deployment": deployment(), "hpas": []})
    entry = log.record(plan, kube_user="alice", result="done", ok=True, duration_s=0.25)
    assert entry["context"] == "prod-eu" and entry["cluster"] == "https://10.0.0.1"
    assert entry["kube_user"] == "alice" and entry["duration_ms"] == 250
    assert entry["patch"] == plan.body and entry["patch"][1]["value"] == 3
    secret_ref = ObjectRef("c", "s", "secrets", "shop", "db")
    secret_plan = type(plan)(
        **{**plan.__dict__, "ref": secret_ref, "body": {"data": {"pw": "aHVudGVyMg=="}}}
    )
    log.record(secret_plan, kube_user="alice", result="done", ok=True, duration_s=0.1)
    for _ in range(3):
        log.record(plan, kube_user="alice", result="done", ok=True, duration_s=0.1)
    text = "".join(p.read_text() for p in tmp_path.iterdir())
    assert "aHVudGVyMg" not in text
    assert (tmp_path / "audit.jsonl.1").exists() and not (tmp_path / "audit.jsonl.3").exists()
    assert all(
        json.loads(line)["action"] == "scale"
        for line in (tmp_path / "audit.jsonl").read_text().splitlines()
    )


@pytest.mark.parametrize("action", [Scale(REF, 3), SetPaused(REF, True), Undo(REF)])
def test_plans_are_pure(action: Any) -> None:
    snapshot = {"deployment": deployment(), "replicasets": HISTORY, "hpas": []}
    frozen = json.dumps(snapshot, sort_keys=True)
    assert action.plan(snapshot) == action.plan(snapshot)
    assert json.dumps(snapshot, sort_keys=True) == frozen


def test_audit_recent_reads_newest_first_across_rotation_and_skips_damage(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl", max_bytes=900, backups=2)
    ref = ObjectRef("ctx", "https://k", "deployments", "default", "web")
    for replicas in range(1, 5):
        plan = Plan("scale", ref, f"scale to {replicas}", "", "", "PATCH", "/x", {}, "m")
        log.record(plan, kube_user="u", result="ok", ok=True, duration_s=0.01)
    with log.path.open("a") as handle:
        handle.write('{"half a line\n')
    assert log.path.with_name("audit.jsonl.1").exists(), "the log rotated"
    summaries = [entry["summary"] for entry in log.recent()]
    assert summaries == ["scale to 4", "scale to 3", "scale to 2", "scale to 1"][: len(summaries)]
    assert len(summaries) >= 3


POD_REF = ObjectRef("prod-eu", "https://10.0.0.1", "pods", "shop", "web-7d9-abcde")


def pod(restarts: int = 0, ready: bool = True, owner: dict[str, Any] | None = None) -> dict:
    meta: dict[str, Any] = {"name": POD_REF.name, "namespace": "shop", "uid": "p-uid-12345678"}
    if owner is not None:
        meta["ownerReferences"] = [{**owner, "controller": True}]
    return {
        "metadata": meta,
        "spec": {"containers": [{"name": "web", "image": "web:2"}]},
        "status": {
            "phase": "Running",
            "containerStatuses": [
                {
                    "name": "web",
                    "ready": ready,
                    "restartCount": restarts,
                    "state": {"running": {}},
                }
            ],
        },
    }


RS_OWNER = {"kind": "ReplicaSet", "name": "web-7d9", "uid": "rs-uid"}


def test_delete_pod_plan_names_who_replaces_it_and_checks_the_uid() -> None:
    replicaset = {"status": {"readyReplicas": 3}}
    plan = DeletePod(POD_REF).plan(
        {"pod": pod(restarts=4, owner=RS_OWNER), "replicaset": replicaset}
    )
    assert (plan.method, plan.path) == ("DELETE", "/api/v1/namespaces/shop/pods/web-7d9-abcde")
    assert plan.body["preconditions"] == {"uid": "p-uid-12345678"}
    assert plan.summary == "delete pod shop/web-7d9-abcde (Running, 1/1 ready, 4 restarts)"
    assert plan.after == "deleted; ReplicaSet web-7d9 starts a replacement"
    assert not plan.dangerous and plan.warnings == () and plan.inverse is None
    # a crash-looping pod restarts between confirm and send: that is not "changed"
    later = DeletePod(POD_REF).plan({"pod": pod(restarts=5, owner=RS_OWNER), "replicaset": None})
    assert later.before == plan.before


def test_delete_pod_warns_for_the_last_ready_pod_and_a_pod_nothing_recreates() -> None:
    last = DeletePod(POD_REF).plan(
        {"pod": pod(owner=RS_OWNER), "replicaset": {"status": {"readyReplicas": 1}}}
    )
    assert last.warnings == (
        "the only Ready pod of ReplicaSet web-7d9: nothing serves until its replacement is Ready",
    )
    bare = DeletePod(POD_REF).plan({"pod": pod(), "replicaset": None})
    assert bare.dangerous and bare.after == "deleted for good"
    assert bare.warnings == ("no controller owns this pod: nothing will recreate it",)


def test_audit_keeps_env_names_and_refs_but_only_a_digest_of_literal_values(
    tmp_path: Path,
) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    current = deployment()
    current["spec"]["template"]["spec"]["containers"][0]["env"][0]["value"] = "hunter2-prod"
    history = [replicaset(2, "web:2", "s3cr3t-literal"), replicaset(3, "web:3", "3")]
    plan = Undo(REF).plan({"deployment": current, "replicasets": history})
    sent = copy.deepcopy(plan.body)
    entry = log.record(plan, kube_user="alice", result="done", ok=True, duration_s=0.1)

    assert plan.body == sent, "the patch that is sent is not touched"
    template_op = next(op for op in plan.body if op["path"] == "/spec/template")
    assert template_op["value"]["spec"]["containers"][0]["env"][0]["value"] == "s3cr3t-literal"
    line = (tmp_path / "audit.jsonl").read_text()
    assert "s3cr3t-literal" not in line
    logged = next(op for op in entry["patch"] if op["path"] == "/spec/template")
    env = logged["value"]["spec"]["containers"][0]["env"]
    assert env[0] == {"name": "LEVEL", "value": env_digest("s3cr3t-literal")}
    assert env[0]["value"].startswith("sha256:") and len(env[0]["value"]) == len("sha256:") + 12
    assert env[1] == {"name": "DB_PASS", "valueFrom": {"secretKeyRef": {"name": "db", "key": "pw"}}}
    # the rest of the patch as sent
    assert [op["path"] for op in entry["patch"]] == [op["path"] for op in sent]
    assert logged["value"]["spec"]["containers"][0]["image"] == "web:2"


@pytest.mark.parametrize(
    ("op", "logged"),
    [
        (
            {"op": "replace", "path": "/spec/template/spec/containers/0/env/0/value", "value": "x"},
            env_digest("x"),
        ),
        (
            {
                "op": "add",
                "path": "/spec/template/spec/containers/0/env/-",
                "value": {"name": "A", "value": "x"},
            },
            {"name": "A", "value": env_digest("x")},
        ),
        (
            {
                "op": "replace",
                "path": "/spec/template/spec/containers/0/env",
                "value": [{"name": "A", "value": "x"}],
            },
            [{"name": "A", "value": env_digest("x")}],
        ),
        (
            {"op": "replace", "path": "/spec/replicas", "value": "x"},  # not an env: as sent
            "x",
        ),
    ],
)
def test_audit_digests_env_values_a_json_patch_aims_at_directly(
    tmp_path: Path, op: dict[str, Any], logged: Any
) -> None:
    plan = Scale(REF, 3).plan({"deployment": deployment(), "hpas": []})
    plan = type(plan)(**{**plan.__dict__, "body": [op]})
    entry = AuditLog(tmp_path / "audit.jsonl").record(
        plan, kube_user="alice", result="done", ok=True, duration_s=0.1
    )
    assert entry["patch"] == [{**op, "value": logged}]


def test_quitting_records_a_change_still_in_flight_as_of_unknown_outcome(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    plan = Scale(REF, 3).plan({"deployment": deployment(), "hpas": []})
    done = Scale(REF, 4).plan({"deployment": deployment(), "hpas": []})
    with log.sending(done, kube_user="alice"):
        log.record(done, kube_user="alice", result="done", ok=True, duration_s=0.1)
    with log.sending(plan, kube_user="alice"):  # the server has not answered when we quit
        assert log.settle(wait=0.05) == 1
    entries = log.recent()
    assert [e["summary"] for e in entries] == [plan.summary, done.summary]
    assert entries[0]["ok"] is False and "quit before the cluster answered" in entries[0]["result"]
    assert log.settle(wait=0.05) == 0, "an execution that ended is not recorded twice"
