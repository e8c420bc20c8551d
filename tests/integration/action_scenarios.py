"""Deployment-action scenarios written once, run against the fake API server (integration) and
a real cluster (e2e): scale, restart, undo to a revision, pause/resume, ctrl+z."""

from __future__ import annotations

from pathlib import Path

from gok_tui.actions.audit import AuditLog
from gok_tui.actions.deployments import Restart, Scale, SetImage, SetPaused, Undo
from gok_tui.actions.recorded_undo import RecordedUndo, recorded_undo
from gok_tui.actions.run import execute, plan_action
from gok_tui.backends.kube import KubeBackend
from gok_tui.domain.revisions import revision_of, revisions

from tests.integration.helpers import deployment
from tests.integration.scenario_kit import (
    PAUSE_IMAGE,
    PAUSE_IMAGE_NEXT,
    PAUSE_IMAGE_OLD,
    create,
    get,
    ref,
    replicasets_of,
    wait,
)


def scale(backend: KubeBackend, namespace: str, audit_path: Path) -> None:
    audit = AuditLog(audit_path)
    create(backend, "deployments", namespace, deployment("sc", PAUSE_IMAGE, 1, namespace))
    result = execute(Scale(ref(backend, "deployments", namespace, "sc"), 3), backend, audit=audit)
    assert result.ok, result.message
    assert get(backend, "deployments", namespace, "sc")["spec"]["replicas"] == 3
    wait(
        lambda: [rs["spec"]["replicas"] for rs in replicasets_of(backend, namespace, "sc")] == [3],
        30,
        "the ReplicaSet follows the scale",
    )
    (entry,) = audit.entries()
    assert (entry["action"], entry["from"], entry["to"], entry["ok"]) == (
        "scale",
        "1 replicas",
        "3 replicas",
        True,
    )


def restart(backend: KubeBackend, namespace: str) -> None:
    create(backend, "deployments", namespace, deployment("rs", PAUSE_IMAGE, 1, namespace))
    wait(lambda: replicasets_of(backend, namespace, "rs"), 30, "first ReplicaSet")
    result = execute(
        Restart(ref(backend, "deployments", namespace, "rs"), "2026-11-22T10:00:00Z"), backend
    )
    assert result.ok, result.message
    wait(lambda: len(replicasets_of(backend, namespace, "rs")) == 2, 30, "a new ReplicaSet")
    template = get(backend, "deployments", namespace, "rs")["spec"]["template"]
    annotations = template["metadata"]["annotations"]
    assert annotations["kubectl.kubernetes.io/restartedAt"] == "2026-11-22T10:00:00Z"


def undo_to_revision(backend: KubeBackend, namespace: str) -> None:
    """v1 -> v2 -> v3, then undo to revision 1: v1's template comes back as revision 4."""
    create(backend, "deployments", namespace, deployment("un", PAUSE_IMAGE, 1, namespace))
    target = ref(backend, "deployments", namespace, "un")
    wait(lambda: revision_of(get(backend, "deployments", namespace, "un")) == 1, 30, "rev 1")
    for number, image in ((2, PAUSE_IMAGE_NEXT), (3, PAUSE_IMAGE_OLD)):
        assert execute(SetImage(target, "web", image, f"e2e {image}"), backend).ok
        wait(
            lambda n=number: revision_of(get(backend, "deployments", namespace, "un")) == n,
            30,
            f"revision {number}",
        )
    result = execute(Undo(target, 1), backend)
    assert result.ok, result.message
    wait(lambda: revision_of(get(backend, "deployments", namespace, "un")) == 4, 30, "rev 4")
    obj = get(backend, "deployments", namespace, "un")
    assert obj["spec"]["template"]["spec"]["containers"][0]["image"] == PAUSE_IMAGE
    numbers = [r.number for r in revisions(obj, replicasets_of(backend, namespace, "un"))]
    assert numbers == [4, 3, 2], "revision 1 became 4, as kubectl numbers it"


def pause_resume(backend: KubeBackend, namespace: str) -> None:
    """A paused Deployment refuses a restart and an undo; resuming it (the pause's inverse, as
    ctrl+z plans it) lets the restart through."""
    create(backend, "deployments", namespace, deployment("pr", PAUSE_IMAGE, 1, namespace))
    target = ref(backend, "deployments", namespace, "pr")
    paused = execute(SetPaused(target, True), backend)
    assert paused.ok, paused.message
    assert get(backend, "deployments", namespace, "pr")["spec"]["paused"] is True
    restart = execute(Restart(target, "2026-12-07T12:00:00Z"), backend)
    assert not restart.ok
    assert restart.message == "refused: the Deployment is paused: resume it first"
    assert paused.plan is not None and paused.plan.inverse == SetPaused(target, False)
    resumed = execute(paused.plan.inverse, backend)
    assert resumed.ok, resumed.message
    assert not get(backend, "deployments", namespace, "pr")["spec"].get("paused")
    assert execute(Restart(target, "2026-12-07T12:00:00Z"), backend).ok


def undo_last_action(backend: KubeBackend, namespace: str) -> None:
    """ctrl+z plans the inverse of the last action: a scale goes back; a restart has none."""
    create(backend, "deployments", namespace, deployment("uz", PAUSE_IMAGE, 1, namespace))
    target = ref(backend, "deployments", namespace, "uz")
    scaled = execute(Scale(target, 2), backend)
    assert scaled.ok, scaled.message
    assert scaled.plan is not None and scaled.plan.inverse == Scale(target, 1)
    back = execute(scaled.plan.inverse, backend)
    assert back.ok and back.message == f"done: scale {target} from 2 to 1 replicas"
    assert get(backend, "deployments", namespace, "uz")["spec"]["replicas"] == 1
    restarted = execute(Restart(target, "2026-12-07T12:00:00Z"), backend)
    assert restarted.ok and restarted.plan is not None and restarted.plan.inverse is None


def ctrl_z_of_an_undo_and_a_pause_from_the_audit_log(
    backend: KubeBackend, namespace: str, audit_path: Path
) -> None:
    """ctrl+z read back from the audit log (as after a restart): an undo is undone while the
    template is the one it set, and refused once someone changed it since; a pause is resumed."""
    audit = AuditLog(audit_path)
    create(backend, "deployments", namespace, deployment("zz", PAUSE_IMAGE, 1, namespace))
    target = ref(backend, "deployments", namespace, "zz")
    wait(lambda: revision_of(get(backend, "deployments", namespace, "zz")) == 1, 30, "rev 1")
    assert execute(SetImage(target, "web", PAUSE_IMAGE_NEXT, "e2e next"), backend).ok
    wait(lambda: revision_of(get(backend, "deployments", namespace, "zz")) == 2, 30, "rev 2")
    assert execute(Undo(target, 1), backend, audit=audit).ok
    wait(lambda: revision_of(get(backend, "deployments", namespace, "zz")) == 3, 30, "rev 3")

    def last_undo() -> RecordedUndo:
        found = recorded_undo(audit.recent(1)[0], target)
        assert found is not None
        return found

    plan = plan_action(last_undo(), backend)
    assert plan.runnable and (plan.before, plan.after) == ("revision 3", "revision 2"), plan
    assert execute(SetImage(target, "web", PAUSE_IMAGE_OLD, "someone else"), backend).ok
    refused = plan_action(last_undo(), backend)
    assert not refused.runnable
    assert "changed since your undo" in refused.refusal and "image pause:3.8" in refused.refusal

    assert execute(SetPaused(target, True), backend, audit=audit).ok
    resume = plan_action(last_undo(), backend)
    assert resume.runnable and (resume.before, resume.after) == ("paused", "progressing")
    assert execute(last_undo(), backend, audit=audit).ok
    assert not get(backend, "deployments", namespace, "zz")["spec"].get("paused")
