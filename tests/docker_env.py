"""Fixtures for tests that need the private Docker engine and registry (``scripts/test-services``).

Use from a conftest with ``pytest_plugins = ["tests.docker_env"]``. Where the engine or the
registry is: ``DOCKER_HOST`` / ``GOK_TEST_REGISTRY`` / ``GOK_TEST_BUSYBOX`` from the environment
when set, else from ``$GOK_TEST_ENV_DIR/env`` (default ``<repo>/.test-env/env``), the file that
``scripts/test-services start`` writes. When they cannot be reached the tests are skipped with
the reason, except in CI (``CI=true``) where they fail: CI must never go green by skipping them.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, NoReturn

import pytest

REPO = Path(__file__).resolve().parent.parent
START_HINT = "start them with: scripts/test-services start"

ContextFactory = Callable[..., Path]


def env_dir() -> Path:
    return Path(os.environ.get("GOK_TEST_ENV_DIR") or REPO / ".test-env")


def read_env_file(path: Path) -> dict[str, str]:
    """``export KEY=VALUE`` lines of a shell env file ({} when it is missing)."""
    values: dict[str, str] = {}
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return values
    for line in text.splitlines():
        line = line.strip().removeprefix("export ").strip()
        key, sep, value = line.partition("=")
        if sep and key.isidentifier():
            values[key] = value.strip().strip("'\"")
    return values


def services_env(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """DOCKER_HOST, GOK_TEST_REGISTRY and GOK_TEST_BUSYBOX: the environment wins over the file."""
    environ = os.environ if environ is None else environ
    values = read_env_file(env_dir() / "env")
    for key in ("DOCKER_HOST", "GOK_TEST_REGISTRY", "GOK_TEST_BUSYBOX"):
        if environ.get(key):
            values[key] = environ[key]
    return values


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("true", "1", "yes")


def unavailable(reason: str) -> NoReturn:
    """Skip with ``reason``, or fail in CI where a missing engine is a broken setup."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: Docker tests must run in CI)", pytrace=False)
    pytest.skip(reason)


def engine_problem(docker_host: str, timeout: float = 5.0) -> str | None:
    """Why the engine at ``docker_host`` can't be used, or None when it answers a ping."""
    import docker

    try:
        client = docker.APIClient(base_url=docker_host, version="auto", timeout=timeout)
        try:
            client.ping()
        finally:
            client.close()
    except Exception as exc:
        return f"Docker engine at {docker_host} is not reachable ({exc})"
    return None


def registry_problem(registry: str, timeout: float = 5.0) -> str | None:
    """Why the registry can't be used, or None when ``GET /v2/`` answers 200."""
    url = f"http://{registry}/v2/"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            if response.status == 200:
                return None
            return f"registry {registry} answered HTTP {response.status} to GET /v2/"
    except (urllib.error.URLError, OSError) as exc:
        return f"registry {registry} is not reachable ({exc})"


def free_port() -> int:
    """A loopback port nobody listens on (for a registry that is down)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def engine(docker_host: str) -> Iterator[Any]:
    """A DockerBackend on the private engine; RUN steps get no network (there is no bridge)."""
    from gok_tui.backends.docker_backend import DockerBackend

    backend = DockerBackend(docker_host, network_mode="none")
    yield backend
    backend.close()


@pytest.fixture(scope="session")
def docker_host() -> str:
    """The private engine's URL (``unix://.../docker.sock``), checked to answer."""
    host = services_env().get("DOCKER_HOST")
    if not host:
        unavailable(
            f"no Docker engine for the tests (no DOCKER_HOST, no {env_dir()}/env): {START_HINT}"
        )
    problem = engine_problem(host)
    if problem:
        unavailable(f"{problem}: {START_HINT}")
    return host


@pytest.fixture(scope="session")
def registry() -> str:
    """The private registry's ``127.0.0.1:PORT``, checked to answer."""
    address = services_env().get("GOK_TEST_REGISTRY")
    if not address:
        unavailable(
            f"no registry for the tests (no GOK_TEST_REGISTRY, no {env_dir()}/env): {START_HINT}"
        )
    problem = registry_problem(address)
    if problem:
        unavailable(f"{problem}: {START_HINT}")
    return address


@pytest.fixture(scope="session")
def busybox_binary() -> Path:
    """A statically linked busybox, the only program the scratch test images contain."""
    path = Path(services_env().get("GOK_TEST_BUSYBOX") or "/bin/busybox")
    if not path.is_file():
        unavailable(f"no static busybox at {path} (Debian: busybox-static): {START_HINT}")
    return path


@pytest.fixture
def busybox_context(tmp_path: Path, busybox_binary: Path) -> ContextFactory:
    """``make(dockerfile, name="context", files=None) -> Path``: a build context directory
    holding ``busybox`` (a copy of the static binary), the Dockerfile and any extra files."""
    made: set[str] = set()

    def make(
        dockerfile: str, name: str = "context", files: Mapping[str, str | bytes] | None = None
    ) -> Path:
        if name in made:
            raise ValueError(f"build context {name!r} already made in this test")
        made.add(name)
        context = tmp_path / name
        context.mkdir(parents=True)
        shutil.copy2(busybox_binary, context / "busybox")
        (context / "Dockerfile").write_text(dockerfile, encoding="utf-8")
        for relative, content in (files or {}).items():
            target = context / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content, encoding="utf-8")
        return context

    return make


class StoppableEngine:
    """A second private dockerd (and registry) that a test may stop and start again: the
    faults a developer meets when the engine dies mid-build. Started by the project's own
    scripts/test-services in a short state directory of its own."""

    def __init__(self) -> None:
        self.state = Path(tempfile.mkdtemp(prefix="gokf-", dir="/tmp"))
        self.env: dict[str, str] = {}

    def _script(self, command: str) -> None:
        subprocess.run(
            [str(REPO / "scripts" / "test-services"), command],
            env={**os.environ, "GOK_TEST_ENV_DIR": str(self.state)},
            check=True,
            capture_output=True,
            timeout=120,
        )

    @property
    def docker_host(self) -> str:
        return self.env["DOCKER_HOST"]

    def start(self) -> None:
        self._script("start")
        self.env = read_env_file(self.state / "env")

    def stop(self) -> None:
        self._script("stop")

    def remove(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError):
            self.stop()
        shutil.rmtree(self.state, ignore_errors=True)


@pytest.fixture
def stoppable_engine(docker_host: str) -> Iterator[StoppableEngine]:
    """Needs what the shared engine needs (root, docker.io): if that one runs, this one can."""
    engine = StoppableEngine()
    try:
        engine.start()
    except subprocess.CalledProcessError as error:
        engine.remove()
        unavailable(f"could not start a second engine: {error.stderr.decode()[-500:]}")
    yield engine
    engine.remove()
