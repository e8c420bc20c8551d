"""DockerBackend: builds, pushes and lists images through the Docker SDK's low-level APIClient.

``docker`` is imported lazily, on the first call that needs the engine, so importing this
module costs nothing. Every call has a timeout. Every failure of a call leaves as a
``DockerError`` carrying one human sentence, with two exceptions that are part of the stream
instead: ``build()`` yields ``BuildFailed`` for a build that the engine rejects or that fails
(a Dockerfile mistake is not an exception), and ``push()`` yields ``PushFailed`` for a push the
engine or registry refuses. An engine that cannot be reached raises ``DockerError`` everywhere.

Registry credentials for ``push()`` and ``registry_tags()`` are found as the Docker CLI finds
them in its config (``$DOCKER_CONFIG/config.json``, else ``~/.docker/config.json``), through the
SDK's ``docker.auth``: the registry's ``credHelpers`` entry, else ``credsStore``, is run as
``docker-credential-NAME get`` (Docker Desktop, osxkeychain, ecr-login, gcloud, ...; with a
timeout, its stderr kept off the screen), then ``auths`` is read. Docker Hub's names
(``docker.io``, ``index.docker.io``, ``registry-1.docker.io``) are looked up as
``https://index.docker.io/v1/``. A helper that is missing or fails gives no credentials: the
push goes ahead without them and an authentication failure says which helper failed. Passing
``auth_config`` to ``push()`` skips the lookup. A build sends every credential the config
gives (for ``FROM`` images in private registries): ``auths``, then all of ``credsStore``'s
entries (``list``), then each ``credHelpers`` registry, through the same helper runner; a
helper that is missing or fails adds nothing, and a build that then fails on authentication
says which helper failed. Docker CLI contexts are not read: the engine is ``base_url``, else
``DOCKER_HOST``, else the default local socket.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import json
import os
import re
import shutil
import subprocess
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    import docker

DEFAULT_TIMEOUT = 30.0  # seconds, for every request/answer call
DEFAULT_STREAM_TIMEOUT = 900.0  # seconds of silence allowed on a build or push stream
DEFAULT_SOCKET = "unix:///var/run/docker.sock"
REGISTRY_PAGE_LIMIT = 50  # pages of /tags/list followed at most
_PARSE_ERROR_LINE = re.compile(r"line (\d+)")
_NO_BASIC_AUTH = "no basic auth credentials"
# how the engine says a registry wanted credentials (Basic, token, Docker Hub's "pull access")
_AUTH_FAILURE = re.compile(
    r"no basic auth credentials|unauthorized|authentication required|docker login", re.I
)


class DockerError(Exception):
    """A failed Docker engine or registry call, with a sentence fit for the screen."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


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
    ) -> None:
        self._base_url = base_url
        self.timeout = timeout
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
            yield from self._build_stream(
                kwargs, parser, cancel, context / dockerfile, tuple(tags[1:])
            )
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
        credentials = _load_auth_config()  # read now: a `docker login` since the last build counts
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
        found = registry_credentials(registry) if auth_config is None else None
        auth = dict(auth_config) if found is None else found.auth
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
        """Tags of ``registry/repository`` from the registry's HTTP API v2 (sorted);
        an unknown repository has none. Plain HTTP for loopback registries, HTTPS otherwise."""
        url = f"{registry_base_url(registry)}/v2/{repository}/tags/list?n=1000"
        credentials = registry_credentials(registry)
        tags: list[str] = []
        for _ in range(REGISTRY_PAGE_LIMIT):
            body, link = self._registry_get(registry, url, credentials)
            if body is None:
                return []
            tags.extend(str(tag) for tag in body.get("tags") or ())
            if not link:
                break
            url = urllib.parse.urljoin(url, link)
        return sorted(set(tags))

    def _registry_get(
        self, registry: str, url: str, credentials: RegistryCredentials
    ) -> tuple[dict[str, Any] | None, str | None]:
        """GET a registry JSON document: (None, None) on 404; the next page's link if any."""
        try:
            return _registry_request(url, credentials.auth, self.timeout)
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return None, None
            if exc.code == 401:
                message = f"registry {registry} requires authentication (docker login {registry})"
                raise DockerError(_with_problem(message, credentials.problem)) from exc
            raise DockerError(f"registry {registry} answered HTTP {exc.code} for {url}") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise DockerError(f"registry {registry} is unreachable: {_url_reason(exc)}") from exc

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
                message = _with_problem(message, problem)
            event = PushFailed(message)
        yield event


def _build_explained(events: Iterable[BuildEvent], problem: str | None) -> Iterator[BuildEvent]:
    """Build events, with why a credential helper gave nothing added to a failure to pull a
    ``FROM`` image for want of credentials."""
    for event in events:
        if problem and isinstance(event, BuildFailed) and _AUTH_FAILURE.search(event.message):
            event = replace(event, message=_with_problem(event.message, problem))
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


# --- registry auth and HTTP --------------------------------------------------------------------

DOCKER_HUB = "docker.io"
DOCKER_HUB_ALIASES = frozenset({DOCKER_HUB, "index.docker.io", "registry-1.docker.io"})
DOCKER_HUB_SERVER = "https://index.docker.io/v1/"  # the key `docker login` uses for Docker Hub
HELPER_TIMEOUT = 20.0  # seconds a credential helper may take (ecr-login, gcloud ask a server)
_NOT_FOUND = "credentials not found in native keychain"  # the helper protocol's "no entry"


@dataclass(frozen=True, slots=True)
class RegistryCredentials:
    """What the Docker CLI's config gives for one registry: ``auth`` is the engine's
    ``X-Registry-Auth`` dict ({} when none); ``problem`` says why a credential helper gave
    nothing (missing, failed, timed out), else it is None."""

    auth: dict[str, str]
    problem: str | None = None


def docker_config_path() -> Path:
    base = os.environ.get("DOCKER_CONFIG")
    return Path(base) / "config.json" if base else Path.home() / ".docker" / "config.json"


def registry_host(registry: str) -> str:
    """The host of a registry name or URL, with Docker Hub's aliases as "docker.io"."""
    host = registry.removeprefix("https://").removeprefix("http://").split("/", 1)[0]
    return DOCKER_HUB if host in DOCKER_HUB_ALIASES else host


def registry_auth(registry: str) -> dict[str, str]:
    """Credentials for ``registry`` as the engine takes them ({} when none)."""
    return registry_credentials(registry).auth


def registry_credentials(registry: str) -> RegistryCredentials:
    """Credentials for ``registry`` the way the Docker CLI finds them: ``credHelpers`` for the
    registry, else ``credsStore``, run as ``docker-credential-NAME get``; then ``auths``.
    Docker Hub is looked up as ``https://index.docker.io/v1/``, as ``docker login`` stores it.
    Never raises: an unreadable config or a helper that fails gives no credentials."""
    from docker.errors import DockerException

    path = docker_config_path()
    if not path.is_file():  # the SDK would fall back to ~/.docker and ~/.dockercfg: docker doesn't
        return RegistryCredentials({})
    host = registry_host(registry)
    try:
        config = _auth_config_class().load_config(str(path), None)
        helper = config.get_credential_store(host)
    except Exception as exc:  # malformed entries: InvalidConfigFile, bad base64, not a mapping
        return RegistryCredentials({}, f"cannot read the Docker config {path}: {exc}")
    try:
        found = config.resolve_authconfig(host)
    except (DockerException, ValueError, KeyError, TypeError) as exc:
        return RegistryCredentials({}, _helper_problem(helper, exc))
    server = DOCKER_HUB_SERVER if host == DOCKER_HUB else host
    return RegistryCredentials(_engine_auth(found, server))


def _load_auth_config() -> Any:
    """The Docker CLI config as an ``_auth_config_class()``, for a build's credentials: empty
    when there is none, empty with a ``problem`` when it cannot be read. Never raises."""
    cls = _auth_config_class()
    path = docker_config_path()
    try:
        return cls.load_config(str(path), None) if path.is_file() else cls({})
    except Exception as exc:  # malformed entries: InvalidConfigFile, bad base64, not a mapping
        config = cls({})
        config.problem = f"cannot read the Docker config {path}: {exc}"
        return config


def _helper_problem(helper: str, exc: Exception) -> str:
    """Why credential helper ``helper`` gave nothing, from what asking it raised: the Store's
    ``StoreError``, which the SDK wraps in a ``DockerException``, or a bad answer's error."""
    from docker.credentials import StoreError

    program = f"docker-credential-{helper}"
    if shutil.which(program) is None:
        return f"credential helper {program} is not installed (not on PATH)"
    if isinstance(exc, ValueError | KeyError | TypeError):
        return f"credential helper {program} failed: its answer is not credentials JSON ({exc!r})"
    reason = exc.__cause__ if isinstance(exc.__cause__, StoreError) else exc
    return f"credential helper {program} failed: {reason}"


def _engine_auth(found: Mapping[str, Any] | None, server: str) -> dict[str, str]:
    """The SDK answers ``username``/``password`` from ``auths`` but ``Username``/``Password``/
    ``IdentityToken`` from helpers: one lower-case shape for the engine and our HTTP calls."""
    fields = {str(key).lower(): value for key, value in (found or {}).items() if value}
    if fields.get("identitytoken"):
        return {"identitytoken": str(fields["identitytoken"]), "serveraddress": server}
    if fields.get("username"):
        return {
            "username": str(fields["username"]),
            "password": str(fields.get("password") or ""),
            "serveraddress": server,
        }
    return {}


@functools.cache
def _auth_config_class() -> Any:
    """``docker.auth.AuthConfig`` whose helpers run with a timeout and with their stderr
    captured: the TUI draws on the terminal, and a helper waiting for a login must not hang a
    push or a build. Built on first use, so that importing this module does not import
    ``docker``."""
    from docker import auth, credentials
    from docker.errors import DockerException

    failures = (credentials.StoreError, DockerException, ValueError, KeyError, TypeError)

    class Store(credentials.Store):  # type: ignore[misc]
        def __init__(self, program: str, environment: Mapping[str, str] | None = None) -> None:
            # not the SDK's, which warns (on stderr) when the helper is missing: _execute says so
            self.program = f"docker-credential-{program}"
            self.exe = shutil.which(self.program)
            self.environment = environment

        # SDK private: Store.get() and .list() run the helper through _execute(subcmd, input)
        def _execute(self, subcmd: str, data_input: bytes | None) -> bytes:
            if self.exe is None:
                raise credentials.StoreError(f"{self.program} is not installed (not on PATH)")
            try:
                done = subprocess.run(
                    [self.exe, subcmd],
                    # `list` has no input: an empty stdin, never the terminal the TUI reads
                    input=data_input if data_input is not None else b"",
                    capture_output=True,
                    timeout=HELPER_TIMEOUT,
                    env={**os.environ, **(self.environment or {})},
                    check=False,
                )
            except subprocess.TimeoutExpired as exc:
                raise credentials.StoreError(f"no answer in {HELPER_TIMEOUT:g} s") from exc
            except OSError as exc:
                raise credentials.StoreError(str(exc)) from exc
            if done.returncode != 0:
                out = done.stdout.decode("utf-8", "replace").strip()
                if _NOT_FOUND in out:
                    raise credentials.CredentialsNotFound(f"no entry in {self.program}")
                detail = out or done.stderr.decode("utf-8", "replace").strip()
                detail = " ".join(detail.split())[:300] or "no message"
                raise credentials.StoreError(f"exit status {done.returncode}: {detail}")
            return bytes(done.stdout)

    class HelperAuthConfig(auth.AuthConfig):  # type: ignore[misc]
        problem: str | None = None  # why a helper gave nothing to get_all_credentials()

        @property
        def is_empty(self) -> bool:
            # SDK private: APIClient._set_auth_headers swaps an empty config for its own lookup
            return False

        # SDK private: AuthConfig makes its helpers' Stores here (and keeps them in _stores)
        def _get_store_instance(self, name: str) -> Store:
            if name not in self._stores:
                self._stores[name] = Store(name, environment=self._credstore_env)
            return self._stores[name]

        def get_all_credentials(self) -> dict[str, Any]:
            """What a build sends, as the SDK's does: ``auths``, then every entry ``credsStore``
            lists, then each ``credHelpers`` registry. Unlike the SDK's, never raises: a helper
            that is missing or fails adds nothing, is not asked again, and says why in
            ``problem``."""
            found: dict[str, Any] = dict(self.auths)
            problems: dict[str, str] = {}
            wanted: list[tuple[str, str]] = []
            if self.creds_store:
                try:
                    listed = self._get_store_instance(self.creds_store).list()
                    wanted = [(str(registry), self.creds_store) for registry in listed]
                except failures as exc:
                    problems[self.creds_store] = _helper_problem(self.creds_store, exc)
            for registry, helper in [*wanted, *self.cred_helpers.items()]:
                if helper in problems:
                    continue
                try:
                    # SDK private: asks helper for one registry (None when it has no entry)
                    entry = self._resolve_authconfig_credstore(registry, helper)
                except failures as exc:
                    problems[helper] = _helper_problem(helper, exc)
                    continue
                if entry is not None:
                    found[registry] = found[auth.convert_to_hostname(registry)] = entry
            if problems:
                self.problem = "; ".join(problems.values())
            return found

    return HelperAuthConfig


def _with_problem(message: str, problem: str | None) -> str:
    return f"{message}; {problem}" if problem else message


def registry_base_url(registry: str) -> str:
    host = registry.rsplit(":", 1)[0] if not registry.endswith("]") else registry
    host = host.strip("[]")
    plain = host == "localhost" or host.startswith("127.") or host == "::1"
    return f"{'http' if plain else 'https'}://{registry}"


def _registry_request(
    url: str, credentials: Mapping[str, str], timeout: float
) -> tuple[dict[str, Any], str | None]:
    headers = {"Accept": "application/json"}
    basic = _basic_header(credentials)
    try:
        return _get_json(url, headers, timeout)
    except urllib.error.HTTPError as exc:
        if exc.code != 401:
            raise
        challenge = exc.headers.get("WWW-Authenticate", "")
        if challenge.lower().startswith("bearer "):
            token = _bearer_token(challenge, credentials, timeout)
            headers["Authorization"] = f"Bearer {token}"
        elif basic:
            headers["Authorization"] = basic
        else:
            raise
    return _get_json(url, headers, timeout)


def _get_json(
    url: str, headers: Mapping[str, str], timeout: float, form: Mapping[str, str] | None = None
) -> tuple[dict[str, Any], str | None]:
    """GET ``url``, or POST ``form`` to it, and decode the JSON answer."""
    data = urllib.parse.urlencode(form).encode("ascii") if form is not None else None
    request = urllib.request.Request(url, data=data, headers=dict(headers))
    with urllib.request.urlopen(request, timeout=timeout) as response:
        body = json.loads(response.read().decode("utf-8") or "{}")
        return body, _next_link(response.headers.get("Link", ""))


def _next_link(header: str) -> str | None:
    match = re.search(r'<([^>]+)>\s*;\s*rel="?next"?', header)
    return match[1] if match else None


def _basic_header(credentials: Mapping[str, str]) -> str | None:
    if not credentials.get("username"):
        return None
    pair = f"{credentials['username']}:{credentials.get('password', '')}".encode()
    return "Basic " + base64.b64encode(pair).decode("ascii")


def _bearer_token(challenge: str, credentials: Mapping[str, str], timeout: float) -> str:
    """A token from the registry's token service: an identity token (from ``docker login`` to
    an OAuth registry, or a helper answering user ``<token>``) is exchanged as an OAuth2
    refresh token, as the engine does; a username and password go as HTTP Basic."""
    params = dict(re.findall(r'(\w+)="([^"]*)"', challenge))
    realm = params.pop("realm", "")
    if not realm:
        raise DockerError(f"registry asked for a token without saying where: {challenge}")
    if credentials.get("identitytoken"):
        form = {
            **params,
            "grant_type": "refresh_token",
            "refresh_token": credentials["identitytoken"],
            "client_id": "gok-tui",
        }
        body, _ = _get_json(realm, {"Accept": "application/json"}, timeout, form)
    else:
        basic = _basic_header(credentials)
        url = f"{realm}?{urllib.parse.urlencode(params)}"
        body, _ = _get_json(url, {"Authorization": basic} if basic else {}, timeout)
    token = body.get("token") or body.get("access_token")
    if not token:
        raise DockerError(f"registry token service {realm} gave no token")
    return str(token)


def _url_reason(exc: BaseException) -> str:
    reason = getattr(exc, "reason", exc)
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, TimeoutError):
        return "timed out"
    return str(getattr(reason, "strerror", None) or reason)
