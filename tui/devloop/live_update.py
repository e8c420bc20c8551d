"""Live update, the cluster half: copy a change set into every Ready pod of a service.

The pods are those of the Deployment's current ReplicaSet whose Ready condition is True, and
only while the Deployment runs the image the loop last delivered (files synced into another
image would mix two versions). In each pod, over exec: ``rm -f`` of files deleted locally, one
``head -c N | tar -xf - -C /`` of the changed files, then each touched rule's ``run``. Any
failure is a ``SyncError`` whose message the loop shows before it falls back to a full build.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gok_tui.actions.base import ObjectRef, Plan
from gok_tui.backends.kube import KubeError, ReadOnlyError
from gok_tui.devloop.sync import SyncChanges, tar_of
from gok_tui.domain.endpoints import ready_endpoint
from gok_tui.domain.kinds import KINDS
from gok_tui.domain.revisions import REVISION_ANNOTATION
from gok_tui.domain.selectors import selector_string

if TYPE_CHECKING:
    from gok_tui.actions.audit import AuditLog
    from gok_tui.backends.kube import KubeBackend

MAX_PODS_AT_ONCE = 8
EXEC_TIMEOUT_SECONDS = 30.0


class SyncError(Exception):
    """Live update did not happen (or not everywhere): one sentence, shown, then a build."""


@dataclass(frozen=True)
class Synced:
    files: int
    pods: tuple[str, ...]
    seconds: float

    def __str__(self) -> str:
        files = f"{self.files} file{'s' if self.files != 1 else ''}"
        pods = f"{len(self.pods)} pod{'s' if len(self.pods) != 1 else ''}"
        return f"synced {files} to {pods} in {self.seconds * 1000:.0f} ms"


def _uids(obj: Mapping[str, Any]) -> set[str]:
    return {
        str(ref.get("uid"))
        for ref in (obj.get("metadata") or {}).get("ownerReferences") or []
        if ref.get("uid")
    }


def _container_name(template: Mapping[str, Any], wanted: str) -> str:
    containers = ((template.get("spec") or {}).get("containers")) or []
    names = [str(c.get("name", "")) for c in containers]
    if not names:
        raise SyncError("the Deployment's pod template has no container")
    if wanted and wanted not in names:
        raise SyncError(f"no container {wanted!r} in the Deployment's pods ({', '.join(names)})")
    return wanted or names[0]


def _image_of(template: Mapping[str, Any], container: str) -> str:
    for entry in (template.get("spec") or {}).get("containers") or []:
        if entry.get("name") == container:
            return str(entry.get("image", ""))
    return ""


def sync_targets(
    deployment: Mapping[str, Any],
    replicasets: Sequence[Mapping[str, Any]],
    pods: Sequence[Mapping[str, Any]],
    container: str,
    image: str | None,
) -> tuple[str, tuple[str, ...]]:
    """The container name and the Ready pods of the Deployment's current ReplicaSet to sync
    into, sorted by name. ``SyncError`` says why there are none to sync into."""
    name = str((deployment.get("metadata") or {}).get("name", ""))
    template = (deployment.get("spec") or {}).get("template") or {}
    container = _container_name(template, container)
    running = _image_of(template, container)
    if image is None:
        raise SyncError(f"nothing built yet runs in deployment {name}")
    if running != image:
        raise SyncError(f"deployment {name} runs {running or 'no image'}, not the last build")
    revision = str(
        ((deployment.get("metadata") or {}).get("annotations") or {}).get(REVISION_ANNOTATION, "")
    )
    uid = str((deployment.get("metadata") or {}).get("uid", ""))
    current = [
        rs
        for rs in replicasets
        if uid in _uids(rs)
        and revision
        and ((rs.get("metadata") or {}).get("annotations") or {}).get(REVISION_ANNOTATION)
        == revision
    ]
    if not current:
        raise SyncError(f"deployment {name} has no current ReplicaSet yet (rolling out?)")
    owners = {str((rs.get("metadata") or {}).get("uid", "")) for rs in current}
    ready = sorted(
        str((pod.get("metadata") or {}).get("name", ""))
        for pod in pods
        if _uids(pod) & owners and ready_endpoint(pod)
    )
    if not ready:
        raise SyncError(f"deployment {name} has no Ready pod to sync into")
    return container, tuple(ready)


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return f": {lines[-1][:200]}" if lines else ""


class LiveUpdater:
    """Syncs change sets into one Deployment's pods over ``backend``'s exec."""

    def __init__(
        self,
        backend: KubeBackend,
        *,
        audit: AuditLog | None = None,
        clock: Callable[[], float] = time.monotonic,
        timeout: float = EXEC_TIMEOUT_SECONDS,
    ) -> None:
        self.backend = backend
        self.audit = audit
        self.timeout = timeout
        self.clock = clock

    def targets(
        self, namespace: str, deployment: str, container: str, image: str | None
    ) -> tuple[str, tuple[str, ...]]:
        try:
            found = self.backend.get(KINDS["deployments"], namespace, deployment)
            selector = selector_string((found.get("spec") or {}).get("selector"))
            if not selector:
                raise SyncError(f"deployment {deployment} has no selector")
            with ThreadPoolExecutor(2) as pool:  # one round trip for both lists
                listed = [
                    pool.submit(
                        self.backend.list, KINDS[plural], namespace, label_selector=selector
                    )
                    for plural in ("replicasets", "pods")
                ]
                replicasets, pods = (future.result().items for future in listed)
        except KubeError as error:
            if error.status == 404:
                raise SyncError(f"deployment {deployment} does not exist yet") from None
            raise SyncError(error.message) from None
        return sync_targets(found, replicasets, pods, container, image)

    def sync(
        self,
        service: str,
        namespace: str,
        deployment: str,
        container: str,
        image: str | None,
        changes: SyncChanges,
    ) -> Synced:
        """Copy ``changes`` into every target pod, then run the rules' commands there.
        Raises ``SyncError`` (after the audit entry) when any pod was not updated."""
        started = self.clock()
        if self.backend.readonly:
            raise SyncError("read-only mode: nothing is copied into running containers")
        container, pods = self.targets(namespace, deployment, container, image)
        try:
            archive = tar_of(changes.copies) if changes.copies else b""
        except OSError as error:
            what = error.filename or "a changed file"
            raise SyncError(f"cannot read {what}: {error.strerror}") from None

        def one(pod: str) -> None:
            try:
                self._into(namespace, pod, container, archive, changes)
            except SyncError:
                raise
            except Exception as exc:  # whatever broke, the fallback build still comes
                raise SyncError(f"{type(exc).__name__}: {exc}") from None

        failure: SyncError | None = None
        with ThreadPoolExecutor(min(MAX_PODS_AT_ONCE, len(pods))) as pool:
            for pod, future in [(pod, pool.submit(one, pod)) for pod in pods]:
                try:
                    future.result()
                except SyncError as error:
                    said = str(error)  # an exec error names its pod already
                    failure = failure or SyncError(said if pod in said else f"pod {pod}: {said}")
        synced = Synced(changes.count, pods, self.clock() - started)
        self._audit(service, namespace, deployment, image or "", changes, synced, failure)
        if failure is not None:
            raise failure
        return synced

    def _into(
        self, namespace: str, pod: str, container: str, archive: bytes, changes: SyncChanges
    ) -> None:
        steps: list[tuple[str, Sequence[str], bytes | None]] = []
        if changes.deletions:
            steps.append(("rm", ["rm", "-f", "--", *changes.deletions], None))
        if archive:
            # head -c: tar's input ends after the archive without stdin being closed, which
            # exec over WebSocket can do only from Kubernetes 1.30 (v5.channel.k8s.io)
            untar = f"head -c {len(archive)} | tar -xf - -C /"
            steps.append(("tar", ["sh", "-c", untar], archive))
        for run in changes.runs:
            steps.append((" ".join(run), run, None))
        for what, command, stdin in steps:
            try:
                result = self.backend.run_command(
                    namespace,
                    pod,
                    container,
                    command,
                    stdin=stdin,
                    timeout=self.timeout,
                    stdin_ends_itself=stdin is not None,
                )
            except ReadOnlyError as error:
                raise SyncError(error.message) from None
            except KubeError as error:
                if error.status == 404:
                    raise SyncError(f"pod {pod} is gone") from None
                raise SyncError(error.message) from None
            if result.exit_code != 0:
                stderr = result.stderr.decode(errors="replace")
                raise SyncError(f"{what} exited {result.exit_code}{_last_line(stderr)}")

    def _audit(
        self,
        service: str,
        namespace: str,
        deployment: str,
        image: str,
        changes: SyncChanges,
        synced: Synced,
        failure: SyncError | None,
    ) -> None:
        """One entry per sync: which service, how many files, which pods (never contents)."""
        if self.audit is None:
            return
        target = self.backend.target
        ref = ObjectRef(target.context, target.cluster_server, "deployments", namespace, deployment)
        count = f"{changes.count} file{'s' if changes.count != 1 else ''}"
        plan = Plan(
            action="sync",
            ref=ref,
            summary=f"live update of {service}: {count} into {len(synced.pods)} pods of {ref}",
            before=image,
            after=f"{image} + {count} synced",
            method="POST",
            path=f"/api/v1/namespaces/{namespace}/pods/*/exec",
            body={
                "service": service,
                "files": len(changes.copies),
                "deleted": len(changes.deletions),
                "pods": list(synced.pods),
                "run": [list(argv) for argv in changes.runs],
            },
            content_type="",
        )
        self.audit.record(
            plan,
            kube_user=target.user,
            result=str(failure) if failure else str(synced),
            ok=failure is None,
            duration_s=synced.seconds,
        )
