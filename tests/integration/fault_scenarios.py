"""The faults a real API server shows, met as gok-tui meets them, on any cluster: 410 on an
old resourceVersion, 409 on a stale update, 403 under a restricted ServiceAccount, 422 on an
invalid change. (A restarted API server mid-watch is fake-only: tests/integration/test_store.py
stops and starts the fake; a test cannot restart a real control plane.)"""

from __future__ import annotations

from pathlib import Path

from gok_tui.actions.deployments import Scale, SetImage
from gok_tui.actions.run import execute, plan_action
from gok_tui.backends.kube import KubeBackend, KubeError
from gok_tui.domain.kinds import KINDS
from gok_tui.store.buffer import LatestWinsBuffer
from gok_tui.store.feeds import FeedHub
from gok_tui.store.watch import FeedSpec, WatchLoop

from tests.integration.helpers import deployment
from tests.integration.identity import restricted_backend
from tests.integration.scenario_kit import PAUSE_IMAGE, create, get, ref, wait


def gone_410(backend: KubeBackend, namespace: str) -> None:
    """A watch from a compacted resourceVersion ends with one ERROR 410 event; the watch loop
    takes it as 'list again', not as a failure."""
    stream = backend.watch(KINDS["configmaps"], namespace, "1", timeout_seconds=5)
    events = list(stream)
    assert [(kind, obj.get("code"), obj.get("reason")) for kind, obj in events] == [
        ("ERROR", 410, "Expired")
    ]
    loop = WatchLoop(backend, FeedSpec(KINDS["configmaps"], namespace), LatestWinsBuffer())
    assert loop._watch("1") is None, "410: the loop lists again"


def conflict_409(backend: KubeBackend, namespace: str) -> None:
    """An update made against an old version is refused (409) in one sentence; a confirmed
    scale after someone else scaled is not sent at all."""
    path = KINDS["configmaps"].collection_path(namespace)
    backend.mutate("POST", path, {"metadata": {"name": "cfg"}, "data": {"v": "1"}})
    stale = get(backend, "configmaps", namespace, "cfg")
    backend.mutate(
        "PATCH", f"{path}/cfg", {"data": {"v": "2"}}, content_type="application/merge-patch+json"
    )
    stale["data"] = {"v": "lost"}
    try:
        backend.mutate("PUT", f"{path}/cfg", stale)
    except KubeError as error:
        assert error.status == 409
        assert error.message == (
            'conflict: Operation cannot be fulfilled on configmaps "cfg": the object has been '
            "modified; please apply your changes to the latest version and try again"
        )
    else:
        raise AssertionError("a stale update went through")
    assert get(backend, "configmaps", namespace, "cfg")["data"] == {"v": "2"}

    create(backend, "deployments", namespace, deployment("cf", PAUSE_IMAGE, 1, namespace))
    action = Scale(ref(backend, "deployments", namespace, "cf"), 3)
    confirmed = plan_action(action, backend)
    execute(Scale(action.ref, 2), backend)  # someone else, after the confirm
    result = execute(action, backend, confirmed=confirmed)
    assert not result.ok
    assert "changed since you confirmed (was 1 replicas, now 2 replicas)" in result.message
    assert get(backend, "deployments", namespace, "cf")["spec"]["replicas"] == 2


def forbidden_403(backend: KubeBackend, namespace: str, workdir: Path) -> None:
    """Under a ServiceAccount that may only read pods: the pods view is live, the deployments
    view says what is not allowed, and an action says so without sending anything."""
    create(backend, "deployments", namespace, deployment("fb", PAUSE_IMAGE, 1, namespace))
    viewer = restricted_backend(backend, namespace, workdir)
    hub = FeedHub(viewer, watch_timeout=30)
    try:
        pods = hub.open(FeedSpec(KINDS["pods"], namespace))
        deployments = hub.open(FeedSpec(KINDS["deployments"], namespace))

        def settled() -> bool:
            pods.drain()
            deployments.drain()
            return pods.status.state == "live" and deployments.status.state == "forbidden"

        wait(settled, 30, "pods live, deployments forbidden")
        assert deployments.status.message == (
            f"not allowed: list deployments in namespace {namespace} (deployments.apps is "
            f'forbidden: User "system:serviceaccount:{namespace}:gok-viewer" cannot list '
            f'resource "deployments" in API group "apps" in the namespace "{namespace}")'
        )
        result = execute(Scale(ref(viewer, "deployments", namespace, "fb"), 2), viewer)
        assert not result.ok and result.message.startswith(
            f"not allowed: get deployments in namespace {namespace}"
        )
        assert get(backend, "deployments", namespace, "fb")["spec"]["replicas"] == 1
    finally:
        hub.stop_all()


def invalid_422(backend: KubeBackend, namespace: str) -> None:
    """An invalid change is refused by the server's validation, in its words, at the dry run:
    nothing changes."""
    create(backend, "deployments", namespace, deployment("iv", PAUSE_IMAGE, 1, namespace))
    path = KINDS["deployments"].object_path(namespace, "iv")
    try:
        backend.mutate(
            "PATCH", path, {"spec": {"replicas": -1}}, content_type="application/merge-patch+json"
        )
    except KubeError as error:
        assert error.status == 422 and error.reason == "Invalid"
        # "Deployment.apps" on v1.28; a v1.27 build says "Deployment.extensions"
        assert error.message.startswith("rejected by the API server: Deployment.")
        assert error.message.endswith(
            '"iv" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0'
        )
    else:
        raise AssertionError("replicas -1 was accepted")
    result = execute(
        SetImage(ref(backend, "deployments", namespace, "iv"), "web", "", "x"), backend
    )
    assert (
        not result.ok and "spec.template.spec.containers[0].image: Required value" in result.message
    )
    obj = get(backend, "deployments", namespace, "iv")
    assert obj["spec"]["template"]["spec"]["containers"][0]["image"] == PAUSE_IMAGE
