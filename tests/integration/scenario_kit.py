"""What the shared scenarios (fake API server in CI, a real cluster in e2e) are made of: objects
created through the API as a user would, and waits that say what did not happen."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from gok_tui.actions.base import ObjectRef
from gok_tui.backends.kube import KubeBackend, KubeError
from gok_tui.domain.kinds import KINDS

PAUSE_IMAGE = "registry.k8s.io/pause:3.9"  # runs anywhere, serves nothing
PAUSE_IMAGE_NEXT = "registry.k8s.io/pause:3.10"
PAUSE_IMAGE_OLD = "registry.k8s.io/pause:3.8"


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


def gone(backend: KubeBackend, plural: str, namespace: str, name: str) -> bool:
    try:
        get(backend, plural, namespace, name)
    except KubeError as error:
        return error.status == 404
    return False


def replicasets_of(backend: KubeBackend, namespace: str, name: str) -> list[dict[str, Any]]:
    return backend.list(KINDS["replicasets"], namespace, label_selector=f"app={name}").items
