"""One-off reads a view needs beside its watches: an object with what describe shows of it,
and the engine's images with the Deployments that run them. Blocking: run them in a worker."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from gok_tui.backends.kube import KubeBackend, KubeError
from gok_tui.domain.images import ImageEntry, deployment_images, users_of
from gok_tui.domain.kinds import KINDS, Kind, object_key

if TYPE_CHECKING:
    from gok_tui.backends.docker_backend import DockerBackend

Store = dict[str, dict[str, dict[str, Any]]]  # plural -> key -> object


@dataclass(frozen=True)
class DescribeRead:
    """An object read fresh, with its events and the objects its describe names."""

    obj: dict[str, Any]
    events: list[dict[str, Any]] = field(default_factory=list)
    related: Store = field(default_factory=dict)
    problems: tuple[str, ...] = ()  # what could not be read with it, said in the title
    events_error: str = ""  # why the events could not be read ("" when they were)


def read_for_describe(
    backend: KubeBackend, kind: Kind, namespace: str | None, name: str
) -> DescribeRead:
    """The object (a failure to read it raises KubeError) and, read apart so that a 403 on
    events does not throw the fresh object away, its events and related objects."""
    obj = backend.get(kind, namespace, name)
    problems: list[str] = []
    events: list[dict[str, Any]] = []
    events_error = ""
    if namespace:
        selector = f"involvedObject.name={name},involvedObject.kind={kind.name}"
        try:
            events = backend.list(KINDS["events"], namespace, field_selector=selector).items
        except KubeError as error:
            events_error = error.message
            problems.append(f"events not shown: {error.message}")
    related: Store = {}
    if kind.plural in ("ingresses", "services") and namespace:
        try:  # the Services and Endpoints behind the backends an Ingress or Service lists
            for plural in ("services", "endpoints"):
                items = backend.list(KINDS[plural], namespace).items
                related[plural] = {object_key(item): item for item in items}
        except KubeError as error:
            problems.append(error.message)
    return DescribeRead(obj, events, related, tuple(problems), events_error)


def image_entries(
    docker: DockerBackend,
    repository: str | None,
    backend: KubeBackend | None,
    namespace: str | None,
) -> list[ImageEntry]:
    """The engine's images (of ``repository``, or all), each with the Deployments in
    ``namespace`` that run it. The cluster is optional: without it the images still show."""
    images = docker.list_images(repository)
    used: dict[str, list[str]] = {}
    if backend is not None:
        try:
            used = deployment_images(backend.list(KINDS["deployments"], namespace).items)
        except KubeError:
            used = {}
    return [ImageEntry(image, tuple(users_of(image, used))) for image in images]
