"""Actions executed against the fake API server: the effect, the audit line, and the failures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from gok_tui.actions.audit import AuditLog, env_digest
from gok_tui.actions.base import ObjectRef
from gok_tui.actions.deployments import Restart, Scale, SetImage, Undo
from gok_tui.actions.pods import DeletePod
from gok_tui.actions.run import execute, plan_action
from gok_tui.backends.kube import KubeBackend, KubeError

from tests.integration.helpers import bare_pod, deployment
from tests.kubefake import FakeKube, wait_until


@pytest.fixture
def backend(fake_backend: KubeBackend) -> KubeBackend:
    return fake_backend


def ref(fake: FakeKube, name: str = "web") -> ObjectRef:
    return ObjectRef("fake", fake.url, "deployments", "default", name)


def annotation(fake: FakeKube, key: str) -> str | None:
    obj = fake.get_object("deployments", "default", "web") or {}
    return (obj["metadata"].get("annotations") or {}).get(key)


def test_scale_retries_a_409_on_a_fresh_object(
    fake_kube: FakeKube, backend: KubeBackend, tmp_path: Path
) -> None:
    fake_kube.apply_object(deployment("web", replicas=2))
    audit = AuditLog(tmp_path / "audit.jsonl")
    fake_kube.conflict_next(1, "deployments")
    result = execute(Scale(ref(fake_kube), 3), backend, audit=audit)
    assert result.ok and result.attempts == 2
    assert fake_kube.get_object("deployments", "default", "web")["spec"]["replicas"] == 3
    assert [entry["ok"] for entry in audit.entries()] == [True]


def test_state_moved_since_confirm_sends_nothing(
    fake_kube: FakeKube, backend: KubeBackend, tmp_path: Path
) -> None:
    fake_kube.apply_object(deployment("web", replicas=2))
    action = Scale(ref(fake_kube), 5)
    confirmed = plan_action(action, backend)
    fake_kube.apply_object(deployment("web", replicas=4))  # someone else scaled meanwhile
    fake_kube.clear_requests()
    audit = AuditLog(tmp_path / "audit.jsonl")
    result = execute(action, backend, confirmed=confirmed, audit=audit)
    assert (
        not result.ok
        and "changed since you confirmed (was 2 replicas, now 4 replicas)" in result.message
    )
    assert [r for r in fake_kube.requests if r.method != "GET"] == []
    # the audit keeps what the user confirmed (and was refused), not the plan re-read after
    (entry,) = audit.entries()
    assert (entry["from"], entry["to"], entry["ok"]) == ("2 replicas", "5 replicas", False)
    assert entry["patch"] == confirmed.body
    assert (entry["method"], entry["path"]) == (
        "PATCH",
        "/apis/apps/v1/namespaces/default/deployments/web/scale",
    )


def test_forbidden_patch_says_who_may_not_do_what(
    fake_kube: FakeKube, backend: KubeBackend, tmp_path: Path
) -> None:
    fake_kube.apply_object(deployment("web", replicas=2))
    fake_kube.forbid("deployments", namespace="default", verbs=("patch",))
    audit = AuditLog(tmp_path / "audit.jsonl")
    result = execute(Restart(ref(fake_kube), "2026-11-22T12:00:00Z"), backend, audit=audit)
    assert not result.ok
    assert result.message.startswith("not allowed: patch deployments in namespace default")
    assert [entry["ok"] for entry in audit.entries()] == [False]


def test_missing_deployment_is_a_clear_sentence(fake_kube: FakeKube, backend: KubeBackend) -> None:
    result = execute(Scale(ref(fake_kube, "ghost"), 1), backend)
    assert not result.ok and 'deployments.apps "ghost" not found' in result.message


def test_admission_rejection_in_dry_run_changes_nothing(
    fake_kube: FakeKube, backend: KubeBackend
) -> None:
    fake_kube.apply_object(deployment("web", replicas=2))
    result = execute(SetImage(ref(fake_kube), "web", "", "empty image"), backend)
    assert not result.ok and "rejected by the API server" in result.message
    patches = [r for r in fake_kube.requests if r.method == "PATCH"]
    assert [r.query.get("dryRun") for r in patches] == ["All"]
    assert (
        fake_kube.get_object("deployments", "default", "web")["spec"]["template"]["spec"][
            "containers"
        ][0]["image"]
        == "hello:1"
    )


def test_undo_to_a_specific_revision_follows_kubectl_numbering(
    fake_kube: FakeKube, backend: KubeBackend
) -> None:
    for image in ("web:1", "web:2", "web:3"):
        fake_kube.apply_object(deployment("web", image=image, replicas=1))
        wait_until(
            lambda image=image: (
                annotation(fake_kube, "kubernetes.io/change-cause") is None
                and {
                    p["spec"]["containers"][0]["image"]
                    for p in fake_kube.list_objects("pods", "default")
                }
                == {image}
            )
        )
    assert annotation(fake_kube, "deployment.kubernetes.io/revision") == "3"
    result = execute(Undo(ref(fake_kube), 1), backend)
    assert result.ok, result.message
    wait_until(lambda: annotation(fake_kube, "deployment.kubernetes.io/revision") == "4")
    image = fake_kube.get_object("deployments", "default", "web")["spec"]["template"]["spec"][
        "containers"
    ][0]["image"]
    assert image == "web:1"
    wait_until(
        lambda: (
            {p["spec"]["containers"][0]["image"] for p in fake_kube.list_objects("pods", "default")}
            == {"web:1"}
        )
    )


def test_a_confirmed_undo_whose_target_template_moved_sends_nothing(
    fake_kube: FakeKube, backend: KubeBackend, tmp_path: Path
) -> None:
    """The state before is the same (revision 2), but what undo would copy back is not what
    the confirm showed: someone edited the old ReplicaSet's template since."""
    for revision, image in enumerate(("web:1", "web:2"), start=1):
        fake_kube.apply_object(deployment("web", image=image, replicas=1))
        wait_until(lambda r=revision: len(fake_kube.list_objects("replicasets", "default")) == r)
    wait_until(lambda: annotation(fake_kube, "deployment.kubernetes.io/revision") == "2")
    action = Undo(ref(fake_kube), 1)
    confirmed = plan_action(action, backend)
    (old,) = [
        rs
        for rs in fake_kube.list_objects("replicasets", "default")
        if rs["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "1"
    ]
    old["spec"]["template"]["spec"]["containers"][0]["image"] = "evil:1"
    fake_kube.apply_object(old)
    fake_kube.clear_requests()
    result = execute(action, backend, confirmed=confirmed, audit=AuditLog(tmp_path / "a.jsonl"))
    assert not result.ok
    assert "the request to send is no longer the one you saw" in result.message
    assert [r for r in fake_kube.requests if r.method != "GET"] == []
    live = fake_kube.get_object("deployments", "default", "web")["spec"]["template"]["spec"]
    assert live["containers"][0]["image"] == "web:2"


def test_an_undo_sends_env_values_as_they_were_and_audits_only_their_digest(
    fake_kube: FakeKube, backend: KubeBackend, tmp_path: Path
) -> None:
    for revision, value in enumerate(("old-literal-value", "new-literal-value"), start=1):
        obj = deployment("web", image=f"web:{revision}", replicas=1)
        obj["spec"]["template"]["spec"]["containers"][0]["env"] = [
            {"name": "API_KEY", "value": value},
            {"name": "POD", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
        ]
        fake_kube.apply_object(obj)
        wait_until(
            lambda r=revision: annotation(fake_kube, "deployment.kubernetes.io/revision") == str(r)
        )
    audit = AuditLog(tmp_path / "audit.jsonl")
    result = execute(Undo(ref(fake_kube)), backend, audit=audit)
    assert result.ok, result.message

    env = fake_kube.get_object("deployments", "default", "web")["spec"]["template"]["spec"][
        "containers"
    ][0]["env"]
    assert env[0] == {"name": "API_KEY", "value": "old-literal-value"}, "sent as it was"
    text = (tmp_path / "audit.jsonl").read_text()
    assert "literal-value" not in text
    (entry,) = audit.entries()
    template = next(op for op in entry["patch"] if op["path"] == "/spec/template")["value"]
    logged = template["spec"]["containers"][0]["env"]
    assert logged[0] == {"name": "API_KEY", "value": env_digest("old-literal-value")}
    assert logged[1]["valueFrom"] == {"fieldRef": {"fieldPath": "metadata.name"}}


def test_action_for_another_context_is_refused_without_a_request(
    fake_kube: FakeKube, backend: KubeBackend
) -> None:
    fake_kube.apply_object(deployment("web", replicas=2))
    elsewhere = ObjectRef("prod-a", "https://prod-a.example:6443", "deployments", "default", "web")
    fake_kube.clear_requests()
    result = execute(Scale(elsewhere, 0), backend)
    assert not result.ok
    assert "made for context prod-a" in result.message and ":ctx prod-a" in result.message
    assert fake_kube.requests == []
    with pytest.raises(KubeError, match="made for context prod-a"):
        plan_action(Scale(elsewhere, 0), backend)


def pod_ref(fake: FakeKube, name: str) -> ObjectRef:
    return ObjectRef("fake", fake.url, "pods", "default", name)


def pods_of(fake: FakeKube, app: str = "web") -> list[str]:
    return sorted(
        pod["metadata"]["name"]
        for pod in fake.list_objects("pods", "default")
        if pod["metadata"].get("labels", {}).get("app") == app
    )


def test_deleting_a_pod_dry_runs_then_its_replicaset_replaces_it(
    fake_kube: FakeKube, backend: KubeBackend, tmp_path: Path
) -> None:
    fake_kube.apply_object(deployment("web", replicas=2))
    wait_until(lambda: len(pods_of(fake_kube)) == 2)
    victim, survivor = pods_of(fake_kube)
    audit = AuditLog(tmp_path / "audit.jsonl")
    fake_kube.clear_requests()
    result = execute(DeletePod(pod_ref(fake_kube, victim)), backend, audit=audit)
    assert result.ok, result.message
    deletes = [json.loads(r.body) for r in fake_kube.requests if r.method == "DELETE"]
    assert [d.get("dryRun") for d in deletes] == [["All"], None]
    wait_until(lambda: len(pods_of(fake_kube)) == 2 and victim not in pods_of(fake_kube))
    assert survivor in pods_of(fake_kube)
    [entry] = audit.entries()
    assert (entry["action"], entry["kind"], entry["name"], entry["ok"]) == (
        "delete",
        "pods",
        victim,
        True,
    )
    assert entry["to"].startswith("deleted; ReplicaSet web-")


def test_a_pod_recreated_under_the_same_name_after_the_confirm_is_not_deleted(
    fake_kube: FakeKube, backend: KubeBackend
) -> None:
    fake_kube.apply_object(bare_pod("db-0", labels={"app": "db"}))  # as a StatefulSet names pods
    action = DeletePod(pod_ref(fake_kube, "db-0"))
    confirmed = plan_action(action, backend)
    assert confirmed.dangerous and "nothing will recreate it" in confirmed.warnings[0]
    old_uid = fake_kube.get_object("pods", "default", "db-0")["metadata"]["uid"]
    fake_kube.delete_object("pods", "default", "db-0")
    fake_kube.apply_object(bare_pod("db-0", labels={"app": "db"}))
    new_uid = fake_kube.get_object("pods", "default", "db-0")["metadata"]["uid"]
    assert new_uid != old_uid
    fake_kube.clear_requests()
    result = execute(action, backend, confirmed=confirmed)
    assert not result.ok and "changed since you confirmed" in result.message
    assert [r for r in fake_kube.requests if r.method != "GET"] == []
    assert fake_kube.get_object("pods", "default", "db-0")["metadata"]["uid"] == new_uid


def test_the_delete_carries_a_uid_precondition_the_server_enforces(
    fake_kube: FakeKube, backend: KubeBackend
) -> None:
    fake_kube.apply_object(bare_pod("db-0"))
    with pytest.raises(KubeError) as info:
        backend.mutate(
            "DELETE",
            "/api/v1/namespaces/default/pods/db-0",
            {"kind": "DeleteOptions", "apiVersion": "v1", "preconditions": {"uid": "not-it"}},
        )
    assert info.value.status == 409
    assert fake_kube.get_object("pods", "default", "db-0") is not None
    plan = plan_action(DeletePod(pod_ref(fake_kube, "db-0")), backend)
    uid = fake_kube.get_object("pods", "default", "db-0")["metadata"]["uid"]
    assert plan.body["preconditions"] == {"uid": uid}
