"""DockerBackend: builds, pushes and lists images through the Docker SDK's low-level APIClient.

``docker`` is imported lazily, on the first call that needs the engine, so importing this
module costs nothing. Every call has a timeout. Every failure of a call leaves as a
``DockerError`` carrying one human sentence, with two exceptions that are part of the stream
instead: ``build()`` yields ``BuildFailed`` for a build that the engine rejects or that fails
(a Dockerfile mistake is not an exception), and ``push()`` yields ``PushFailed`` for a push the
engine or registry refuses. An engine that cannot be reached raises ``DockerError`` everywhere.

Registry credentials for ``push()`` and a build's ``FROM`` images come from
``docker_credentials`` (as the Docker CLI finds them); a helper that is missing or fails gives
none, and an authentication failure then says which helper failed. Passing ``auth_config`` to
``push()`` skips the lookup; ``helper_timeout`` bounds how long a helper may take.
``registry_tags()`` and ``registry_digest()`` ask the registry itself (``registry``).
Docker CLI contexts are not read: the engine is ``base_url``, else
``DOCKER_HOST``, else the default local socket.
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gok_tui.backends.docker_credentials import (
    HELPER_TIMEOUT,
    load_auth_config,
    registry_credentials,
    with_problem,
)
from gok_tui.backends.docker_errors import DockerError
from gok_tui.backends.registry import registry_manifest_digest, registry_tags
from gok_tui.domain.build import (
    BuildEvent,
    BuildFailed,
    BuildStreamParser,
    BuildSucceeded,
    PushEvent,
    PushFailed,
    PushStreamParser,
    humanize_push_error,
    registry_of,
)

__all__ = ["DockerBackend", "DockerError", "ImageSummary", "LayerSummary", "RemoveResult"]

if TYPE_CHECKING:
    import docker

DEFAULT_TIMEOUT = 30.0  # seconds, for every request/answer call
DEFAULT_STREAM_TIMEOUT = 900.0  # seconds of silence allowed on a build or push stream
DEFAULT_SOCKET = "unix:///var/run/docker.sock"
_PARSE_ERROR_LINE = re.compile(r"line (\d+)")
_NO_BASIC_AUTH = "no basic auth credentials"
# how the engine says a registry wanted credentials (Basic, token, Docker Hub's "pull access")
_AUTH_FAILURE = re.compile(
    r"no basic auth credentials|unauthorized|authentication required|docker login", re.I
)


@dataclass(frozen=True, slots=True)
class EngineInfo:
    endpoint: str
    version: str
    api_version: str
    storage_driver: str
    os: str = ""
    arch: str = ""
    kernel: str = ""


@dataclass(frozen=True, slots=True)
class ImageSummary:
    id: str
    tags: tuple[str, ...]
    created: datetime
    size: int
    labels: Mapping[str, str] = field(default_factory=dict)
    digests: tuple[str, ...] = ()  # "repo@sha256:..." once pushed or pulled


@dataclass(frozen=True, slots=True)
class LayerSummary:
    id: str | None  # None for layers whose image is not stored locally ("<missing>")
    created_by: str
    size: int
    created: datetime
    tags: tuple[str, ...] = ()
    comment: str = ""


@dataclass(frozen=True, slots=True)
class RemoveResult:
    untagged: tuple[str, ...]
    deleted: tuple[str, ...]


class DockerBackend:
    """One Docker engine. Safe to share between threads; create the client on first use."""

    def __init__(
        self,
        base_url: str | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        stream_timeout: float = DEFAULT_STREAM_TIMEOUT,
        network_mode: str | None = None,
        helper_timeout: float = HELPER_TIMEOUT,
    ) -> None:
        self._base_url = base_url
        self.timeout = timeout
        self.helper_timeout = helper_timeout  # seconds a docker-credential-* helper may take
        self.stream_timeout = stream_timeout
        self.network_mode = network_mode
        self._lock = threading.Lock()
        self._clients: dict[float, docker.APIClient] = {}

    @property
    def endpoint(self) -> str:
        return self._base_url or os.environ.get("DOCKER_HOST") or DEFAULT_SOCKET

    # --- engine ----------------------------------------------------------------------------

    def ping(self) -> EngineInfo:
        with self._errors("ask the engine for its version"):
            api = self._api()
            version = api.version()
            info = api.info()
        return EngineInfo(
            endpoint=self.endpoint,
            version=str(version.get("Version", "")),
            api_version=str(version.get("ApiVersion", "")),
            storage_driver=str(info.get("Driver", "")),
            os=str(version.get("Os", "")),
            arch=str(version.get("Arch", "")),
            kernel=str(version.get("KernelVersion", "")),
        )

    def close(self) -> None:
        with self._lock:
            clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            client.close()

    def __enter__(self) -> DockerBackend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- build -----------------------------------------------------------------------------

    def build(
        self,
        context_dir: str | Path,
        dockerfile: str | Path = "Dockerfile",
        tags: Sequence[str] = (),
        target: str | None = None,
        build_args: Mapping[str, str] | None = None,
        labels: Mapping[str, str] | None = None,
        cancel: threading.Event | None = None,
        *,
        nocache: bool = False,
        pull: bool = False,
        network_mode: str | None = None,
    ) -> Iterator[BuildEvent]:
        """Build with the legacy builder and yield progress events, ending with one of
        ``BuildSucceeded`` (all ``tags`` applied), ``BuildFailed`` or ``BuildCancelled``.

        ``cancel`` is checked between chunks; while a RUN step is silent, setting it kills that
        step's container so the stream moves on at once."""
        parser = BuildStreamParser()
        if cancel is not None and cancel.is_set():
            yield parser.cancelled()
            return
        context = Path(context_dir)
        # said here in the engine's words: the SDK raises a TypeError for a missing context, and
        # a Dockerfile outside the context is opened by the SDK, whose FileNotFoundError would
        # read as "no socket"
        if not context.is_dir():
            yield _rejected_build(f"the build context {context} is not a directory", context)
            return
        dockerfile_path = context / dockerfile  # an absolute Dockerfile stays itself
        if not dockerfile_path.is_file():
            yield _rejected_build(
                f"Cannot locate specified Dockerfile: {dockerfile_path}", dockerfile_path
            )
            return
        kwargs = {
            "path": str(context),
            "dockerfile": _dockerfile_arg(context, Path(dockerfile)),
            "tag": tags[0] if tags else None,
            "target": target,
            "buildargs": dict(build_args) if build_args else None,
            "labels": dict(labels) if labels else None,
            "nocache": nocache,
            "pull": pull,
            "network_mode": network_mode or self.network_mode,
        }
        done = threading.Event()
        if cancel is not None:
            _start_cancel_watcher(cancel, done, parser, self._kill_quietly)
        try:
            yield from self._build_stream(kwargs, parser, cancel, dockerfile_path, tuple(tags[1:]))
        finally:
            done.set()

    def _build_stream(
        self,
        kwargs: dict[str, Any],
        parser: BuildStreamParser,
        cancel: threading.Event | None,
        dockerfile: Path,
        extra_tags: tuple[str, ...],
    ) -> Iterator[BuildEvent]:
        chunks: Iterator[dict[str, Any]] | None = None
        credentials = load_auth_config(
            self.helper_timeout
        )  # read now: a `docker login` since the last build counts
        try:
            with self._errors("build"):
                api = self._api(self.stream_timeout)
                # SDK private: APIClient.build() sends _auth_configs.get_all_credentials()
                api._auth_configs = credentials
                chunks = api.build(decode=True, rm=True, forcerm=True, **kwargs)
            while True:
                with self._errors("build"):
                    chunk = next(chunks, None)
                if chunk is None:
                    break
                if cancel is not None and cancel.is_set():
                    yield parser.cancelled()
                    return
                yield from _build_explained(parser.feed(chunk), credentials.problem)
            if cancel is not None and cancel.is_set():
                yield parser.cancelled()
                return
            yield from self._finish_build(parser.finish(), extra_tags)
        except _Rejected as rejected:
            yield _rejected_build(rejected.message, dockerfile)
        finally:
            if chunks is not None and hasattr(chunks, "close"):
                chunks.close()  # drops the connection: the engine stops a build left running

    def _finish_build(
        self, events: list[BuildEvent], extra_tags: tuple[str, ...]
    ) -> Iterator[BuildEvent]:
        """The API takes one tag: the others are applied once the build succeeded."""
        for event in events:
            if isinstance(event, BuildSucceeded) and extra_tags:
                for ref in extra_tags:
                    repository, tag = split_reference(ref)
                    self.tag(event.image_id, repository, tag)
                event = BuildSucceeded(event.image_id, (*event.tags, *extra_tags))
            yield event

    def _kill_quietly(self, container_id: str) -> None:
        with contextlib.suppress(Exception):
            self._api().kill(container_id)

    # --- push ------------------------------------------------------------------------------

    def push(
        self,
        repository: str,
        tag: str = "latest",
        auth_config: Mapping[str, str] | None = None,
    ) -> Iterator[PushEvent]:
        """Push ``repository:tag`` and yield layer progress, ending with ``PushSucceeded`` or
        ``PushFailed`` (registry down, refused, image missing...)."""
        registry = registry_of(repository)
        found = registry_credentials(registry, self.helper_timeout) if auth_config is None else None
        auth = dict(auth_config or {}) if found is None else found.auth
        problem = found.problem if found is not None else None
        parser = PushStreamParser(registry)
        chunks: Iterator[dict[str, Any]] | None = None
        try:
            with self._errors("push"):
                api = self._api(self.stream_timeout)
                chunks = api.push(repository, tag=tag, stream=True, decode=True, auth_config=auth)
            while True:
                with self._errors("push"):
                    chunk = next(chunks, None)
                if chunk is None:
                    break
                yield from _explained(parser.feed(chunk), registry, problem)
            yield from _explained(parser.finish(), registry, problem)
        except _Rejected as rejected:
            failed = PushFailed(humanize_push_error(rejected.message, registry))
            yield from _explained([failed], registry, problem)
        finally:
            if chunks is not None and hasattr(chunks, "close"):
                chunks.close()

    # --- images ----------------------------------------------------------------------------

    def tag(self, image: str, repository: str, tag: str = "latest") -> None:
        with self._errors("tag the image", ref=image):
            self._api().tag(image, repository, tag, force=True)

    def list_images(self, repository: str | None = None, all: bool = False) -> list[ImageSummary]:
        """Images, newest first; ``repository`` limits them to one name (any tag)."""
        with self._errors("list images"):
            raw = self._api().images(name=repository, all=all)
        images = [_image_from_list(item) for item in raw]
        return sorted(images, key=lambda image: image.created, reverse=True)

    def image(self, ref: str) -> ImageSummary:
        with self._errors("inspect the image", ref=ref):
            raw = self._api().inspect_image(ref)
        return _image_from_inspect(raw)

    def history(self, image: str) -> list[LayerSummary]:
        """The image's layers, newest first, as ``docker history`` shows them."""
        with self._errors("read the image's history", ref=image):
            raw = self._api().history(image)
        return [_layer_from_history(item) for item in raw]

    def remove_image(self, ref: str, force: bool = False) -> RemoveResult:
        with self._errors("remove the image", ref=ref):
            raw = self._api().remove_image(ref, force=force)
        untagged = tuple(str(item["Untagged"]) for item in raw or () if "Untagged" in item)
        deleted = tuple(str(item["Deleted"]) for item in raw or () if "Deleted" in item)
        return RemoveResult(untagged=untagged, deleted=deleted)

    def image_digest(self, ref: str) -> str | None:
        """The registry digest ("sha256:...") of ``ref``'s repository, once pushed or pulled."""
        repository, _ = split_reference(ref)
        for item in self.image(ref).digests:
            name, _, digest = item.partition("@")
            if name == repository:
                return digest
        return None

    # --- registry --------------------------------------------------------------------------

    def registry_tags(self, registry: str, repository: str) -> list[str]:
        """Tags of ``registry/repository`` (see ``registry.registry_tags``)."""
        return registry_tags(registry, repository, self.timeout, self.helper_timeout)

    def registry_digest(self, ref: str) -> str | None:
        """The registry's digest of image ``ref`` ("registry/repository:tag"), "" when it does
        not say it, None when it has no such tag (see ``registry.registry_manifest_digest``).
        ``DockerError`` when the registry cannot be asked."""
        repository, tag = split_reference(ref)
        registry = registry_of(repository)
        name = repository.removeprefix(f"{registry}/")
        return registry_manifest_digest(registry, name, tag, self.timeout, self.helper_timeout)

    # --- plumbing --------------------------------------------------------------------------

    def _api(self, timeout: float | None = None) -> docker.APIClient:
        timeout = self.timeout if timeout is None else timeout
        with self._lock:
            client = self._clients.get(timeout)
            if client is None:
                client = self._connect(timeout)
                self._clients[timeout] = client
            return client

    def _connect(self, timeout: float) -> docker.APIClient:
        import docker

        kwargs: dict[str, Any] = docker.utils.kwargs_from_env()
        if self._base_url:
            kwargs["base_url"] = self._base_url
        return docker.APIClient(version="auto", timeout=timeout, **kwargs)

    @contextlib.contextmanager
    def _errors(self, what: str, ref: str | None = None) -> Iterator[None]:
        try:
            yield
        except (DockerError, _Rejected):
            raise
        except Exception as exc:
            translated = self._translate(exc, what, ref)
            if translated is None:
                raise
            raise translated from exc

    def _translate(self, exc: Exception, what: str, ref: str | None) -> Exception | None:
        import docker.errors
        import requests.exceptions
        import urllib3.exceptions

        if isinstance(exc, docker.errors.NotFound):
            noun = f"image {ref}" if ref else "the object"
            return DockerError(f"{noun} not found ({_explanation(exc)})")
        if isinstance(exc, docker.errors.APIError):
            if what in ("build", "push") and exc.status_code in (400, 500):
                return _Rejected(_explanation(exc))
            return DockerError(f"could not {what}: {_explanation(exc)}")
        if isinstance(exc, requests.exceptions.Timeout):
            return DockerError(
                f"Docker engine at {self.endpoint} did not answer in time ({what}): {exc}"
            )
        if isinstance(exc, urllib3.exceptions.ProtocolError):  # the stream broke mid-answer
            return DockerError(
                f"the Docker engine at {self.endpoint} stopped during the {what} "
                f"(the connection closed mid-stream: {exc})"
            )
        if isinstance(exc, docker.errors.DockerException | requests.exceptions.RequestException):
            return DockerError(self._unreachable(str(exc)))
        if isinstance(exc, OSError):
            return DockerError(self._unreachable(repr(exc)))
        return None

    def _unreachable(self, text: str) -> str:
        endpoint = self.endpoint
        if "Permission denied" in text or "PermissionError" in text or "Errno 13" in text:
            path = endpoint.removeprefix("unix://")
            return (
                f"permission denied on the Docker socket {path}: "
                "run as root or as a member of its group (usually 'docker')"
            )
        if "FileNotFoundError" in text or "No such file" in text:
            reason = "no socket there (is dockerd running?)"
        elif "Connection refused" in text or "Errno 111" in text:
            reason = "connection refused (is dockerd running?)"
        elif "timed out" in text.lower():
            reason = "timed out"
        else:
            reason = text.removeprefix("Error while fetching server API version: ")
        return f"Docker engine at {endpoint} is not reachable: {reason}"


class _Rejected(Exception):
    """The engine refused a build or push request outright (HTTP 4xx/5xx before streaming)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _explained(
    events: Iterable[PushEvent], registry: str, problem: str | None
) -> Iterator[PushEvent]:
    """Push events, with an auth failure said as one (the engine says only "no basic auth
    credentials" when it had none for a Basic-auth registry: htpasswd, ECR, Nexus...) and with
    why a credential helper gave nothing added to it."""
    for event in events:
        if isinstance(event, PushFailed):
            message = event.message
            if _NO_BASIC_AUTH in message.lower():
                message = humanize_push_error("unauthorized: authentication required", registry)
            if problem and "authentication" in message:
                message = with_problem(message, problem)
            event = PushFailed(message)
        yield event


def _build_explained(events: Iterable[BuildEvent], problem: str | None) -> Iterator[BuildEvent]:
    """Build events, with why a credential helper gave nothing added to a failure to pull a
    ``FROM`` image for want of credentials."""
    for event in events:
        if problem and isinstance(event, BuildFailed) and _AUTH_FAILURE.search(event.message):
            event = replace(event, message=with_problem(event.message, problem))
        yield event


def _explanation(exc: Any) -> str:
    explanation = getattr(exc, "explanation", None)
    if isinstance(explanation, bytes):
        explanation = explanation.decode("utf-8", "replace")
    return str(explanation or exc).strip()


def _start_cancel_watcher(
    cancel: threading.Event,
    done: threading.Event,
    parser: BuildStreamParser,
    kill: Callable[[str], None],
) -> None:
    def watch() -> None:
        while not done.is_set():
            if cancel.wait(0.2):
                if not done.is_set() and (container := parser.running_container):
                    kill(container)
                return

    threading.Thread(target=watch, name="docker-build-cancel", daemon=True).start()


def _dockerfile_arg(context: Path, dockerfile: Path) -> str:
    """Dockerfile path for the API: relative to the context when inside it, else absolute."""
    path = dockerfile if dockerfile.is_absolute() else context / dockerfile
    try:
        return path.resolve().relative_to(context.resolve()).as_posix()
    except ValueError:
        return str(path.resolve())


def _rejected_build(message: str, dockerfile: Path) -> BuildFailed:
    """A build refused before any step ran, e.g. ``dockerfile parse error line 3: ...``."""
    instruction = None
    if match := _PARSE_ERROR_LINE.search(message):
        with contextlib.suppress(OSError, IndexError, UnicodeDecodeError):
            lines = dockerfile.read_text(encoding="utf-8").splitlines()
            instruction = lines[int(match[1]) - 1].strip() or None
    return BuildFailed(step_index=None, instruction=instruction, message=message)


def split_reference(ref: str) -> tuple[str, str]:
    """("repo", "tag") of "repo:tag", "repo@sha256:..." (tag "") or "repo" (tag "latest")."""
    name, at, _ = ref.partition("@")
    if at:
        return name, ""
    slash = name.rfind("/")
    colon = name.rfind(":")
    if colon > slash:
        return name[:colon], name[colon + 1 :]
    return name, "latest"


def _tags_of(raw: Any) -> tuple[str, ...]:
    return tuple(str(tag) for tag in raw or () if tag and tag != "<none>:<none>")


def _digests_of(raw: Any) -> tuple[str, ...]:
    return tuple(str(d) for d in raw or () if d and not str(d).startswith("<none>@"))


def _image_from_list(item: Mapping[str, Any]) -> ImageSummary:
    return ImageSummary(
        id=str(item.get("Id", "")),
        tags=_tags_of(item.get("RepoTags")),
        created=datetime.fromtimestamp(int(item.get("Created") or 0), UTC),
        size=int(item.get("Size") or 0),
        labels=dict(item.get("Labels") or {}),
        digests=_digests_of(item.get("RepoDigests")),
    )


def _image_from_inspect(item: Mapping[str, Any]) -> ImageSummary:
    config = item.get("Config") or {}
    return ImageSummary(
        id=str(item.get("Id", "")),
        tags=_tags_of(item.get("RepoTags")),
        created=parse_engine_time(str(item.get("Created") or "")),
        size=int(item.get("Size") or 0),
        labels=dict(config.get("Labels") or {}),
        digests=_digests_of(item.get("RepoDigests")),
    )


def _layer_from_history(item: Mapping[str, Any]) -> LayerSummary:
    layer_id = str(item.get("Id") or "")
    return LayerSummary(
        id=None if layer_id in ("", "<missing>") else layer_id,
        created_by=str(item.get("CreatedBy") or ""),
        size=int(item.get("Size") or 0),
        created=datetime.fromtimestamp(int(item.get("Created") or 0), UTC),
        tags=_tags_of(item.get("Tags")),
        comment=str(item.get("Comment") or ""),
    )


def parse_engine_time(text: str) -> datetime:
    """RFC 3339 with nanoseconds ("2026-01-02T03:04:05.123456789Z") as an aware datetime."""
    match = re.match(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)?$", text)
    if not match:
        return datetime.fromtimestamp(0, UTC)
    fraction = (match[2] or "0")[:6].ljust(6, "0")
    zone = "+00:00" if match[3] in (None, "Z") else match[3]
    return datetime.fromisoformat(f"{match[1]}.{fraction}{zone}")
