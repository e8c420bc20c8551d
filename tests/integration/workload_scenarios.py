"""StatefulSet scenarios written once, run against the fake API server (integration) and a
real cluster (e2e): scale down, then undo a template change from the ControllerRevisions."""

from __future__ import annotations

from gok_tui.actions.deployments import Scale
from gok_tui.actions.run import execute
from gok_tui.actions.workloads import UndoWorkload
from gok_tui.backends.kube import KubeBackend
from gok_tui.domain.kinds import KINDS
from gok_tui.domain.revisions import controller_revisions

from tests.integration.scenario_kit import PAUSE_IMAGE, PAUSE_IMAGE_NEXT, create, get, ref, wait
from tests.integration.workload_objects import statefulset


def _pods(backend: KubeBackend, namespace: str) -> dict[str, str]:
    """Live pods of StatefulSet ``db``: name -> image."""
    items = backend.list(KINDS["pods"], namespace, label_selector="app=db").items
    return {
        pod["metadata"]["name"]: pod["spec"]["containers"][0]["image"]
        for pod in items
        if not pod["metadata"].get("deletionTimestamp")
    }


def _history(backend: KubeBackend, namespace: str) -> list[tuple[int, tuple[str, ...]]]:
    owner = get(backend, "statefulsets", namespace, "db")
    seen = backend.list(KINDS["controllerrevisions"], namespace, label_selector="app=db").items
    return [(r.number, r.images) for r in controller_revisions(owner, seen)]


def _settled(backend: KubeBackend, namespace: str, replicas: int) -> bool:
    status = get(backend, "statefulsets", namespace, "db").get("status") or {}
    return (
        status.get("readyReplicas", 0) == replicas
        and status.get("updatedReplicas", 0) == replicas
        and status.get("currentRevision") == status.get("updateRevision")
    )


def statefulset_scale_and_undo(backend: KubeBackend, namespace: str) -> None:
    """db at 2 replicas -> scaled to 1 (db-1 goes) -> a new image (revision 2) -> undo: the
    first template comes back as revision 3, on db-0."""
    create(backend, "statefulsets", namespace, statefulset("db", PAUSE_IMAGE, 2, namespace))
    target = ref(backend, "statefulsets", namespace, "db")
    wait(lambda: _settled(backend, namespace, 2), 60, "db-0 and db-1 ready")
    result = execute(Scale(target, 1), backend)
    assert result.ok, result.message
    wait(lambda: list(_pods(backend, namespace)) == ["db-0"], 60, "db-1 gone")
    backend.mutate(
        "PATCH",
        KINDS["statefulsets"].object_path(namespace, "db"),
        {
            "spec": {
                "template": {"spec": {"containers": [{"name": "db", "image": PAUSE_IMAGE_NEXT}]}}
            }
        },
        content_type="application/strategic-merge-patch+json",
    )
    wait(lambda: _pods(backend, namespace) == {"db-0": PAUSE_IMAGE_NEXT}, 60, "db-0 updated")
    wait(lambda: _settled(backend, namespace, 1), 60, "revision 2 rolled out")
    result = execute(UndoWorkload(target), backend)
    assert result.ok, result.message
    wait(lambda: _pods(backend, namespace) == {"db-0": PAUSE_IMAGE}, 60, "db-0 back")
    wait(
        lambda: _history(backend, namespace) == [(3, (PAUSE_IMAGE,)), (2, (PAUSE_IMAGE_NEXT,))],
        60,
        "revision 1 became 3, as kubectl numbers it",
    )
