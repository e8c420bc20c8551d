"""Release-action scenarios written once, run against the fake API server (integration) and a
real cluster (e2e): scale, restart, undo to a revision, blue/green switch, pod delete."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gok_tui.actions.audit import AuditLog
from gok_tui.actions.base import ObjectRef
from gok_tui.actions.deployments import Restart, Scale, SetImage, Undo
from gok_tui.actions.pods import DeletePod
from gok_tui.actions.run import execute, plan_action
from gok_tui.actions.traffic import SwitchService
from gok_tui.backends.kube import KubeBackend, KubeError
from gok_tui.domain.kinds import KINDS
from gok_tui.domain.revisions import revision_of, revisions
from gok_tui.domain.rollout import rollout_state

from tests.integration.helpers import bare_pod, deployment, service, track_deployment

PAUSE_IMAGE = "registry.k8s.io/pause:3.9"  # runs anywhere, serves nothing
PAUSE_IMAGE_NEXT = "registry.k8s.io/pause:3.10"


def wait(predicate: Callable[[], Any], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"{what}: not within {timeout}s")


def ref(backend: KubeBackend, kind: str, namespace: str, name: str) -> ObjectRef:
    target = backend.target
    return ObjectRef(target.context, target.cluster_server, kind, namespace, name)


def get(backend: KubeBackend, plural: str, namespace: str, name: str) -> dict[str, Any]:
    return backend.get(KINDS[plural], namespace, name)


def create(backend: KubeBackend, plural: str, namespace: str, obj: dict[str, Any]) -> None:
    backend.mutate("POST", KINDS[plural].collection_path(namespace), obj)


def replicasets_of(backend: KubeBackend, namespace: str, name: str) -> list[dict[str, Any]]:
    return backend.list(KINDS["replicasets"], namespace, label_selector=f"app={name}").items


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
    for number, image in ((2, PAUSE_IMAGE_NEXT), (3, "registry.k8s.io/pause:3.8")):
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


def blue_green(backend: KubeBackend, namespace: str, pods_can_run: bool) -> None:
    """The switch is refused while green has no Ready pods; once it has, it flips."""
    for track, image in (("blue", PAUSE_IMAGE), ("green", PAUSE_IMAGE_NEXT)):
        create(
            backend,
            "deployments",
            namespace,
            track_deployment(f"bg-{track}", "bg", track, image, 1, namespace),
        )
    create(backend, "services", namespace, service("bg", {"app": "bg", "track": "blue"}, namespace))
    switch = SwitchService(ref(backend, "services", namespace, "bg"), "track", "green", "bg-green")
    if pods_can_run:
        wait(
            lambda: (
                rollout_state(get(backend, "deployments", namespace, "bg-green")).phase
                == "complete"
            ),
            180,
            "bg-green rolled out",
        )
        result = execute(switch, backend)
        assert result.ok, result.message
        selector = get(backend, "services", namespace, "bg")["spec"]["selector"]
        assert selector == {"app": "bg", "track": "green"}
        return
    result = execute(switch, backend)
    assert not result.ok and "not every endpoint would be Ready" in result.message
    assert get(backend, "services", namespace, "bg")["spec"]["selector"]["track"] == "blue"


def _gone(backend: KubeBackend, namespace: str, name: str) -> bool:
    try:
        get(backend, "pods", namespace, name)
    except KubeError as error:
        return error.status == 404
    return False


def delete_pod(backend: KubeBackend, namespace: str) -> None:
    """A pod nothing recreates is deleted after a dangerous confirm; a pod recreated under the
    confirmed name (as a StatefulSet does) is not."""
    pod = bare_pod("solo", namespace, {"app": "solo"})
    pod["spec"]["containers"][0]["image"] = PAUSE_IMAGE
    pod["spec"]["terminationGracePeriodSeconds"] = 0
    create(backend, "pods", namespace, pod)
    action = DeletePod(ref(backend, "pods", namespace, "solo"))
    confirmed = plan_action(action, backend)
    assert confirmed.dangerous and confirmed.after == "deleted for good"

    create(backend, "pods", namespace, {**pod, "metadata": {**pod["metadata"], "name": "spare"}})
    backend.mutate("DELETE", KINDS["pods"].object_path(namespace, "solo"))
    wait(lambda: _gone(backend, namespace, "solo"), 60, "the first solo pod gone")
    create(backend, "pods", namespace, pod)  # same name, new UID
    result = execute(action, backend, confirmed=confirmed)
    assert not result.ok and "changed since you confirmed" in result.message
    assert not _gone(backend, namespace, "solo")

    again = plan_action(action, backend)
    result = execute(action, backend, confirmed=again)
    assert result.ok, result.message
    wait(lambda: _gone(backend, namespace, "solo"), 60, "the solo pod deleted")
    assert not _gone(backend, namespace, "spare")
