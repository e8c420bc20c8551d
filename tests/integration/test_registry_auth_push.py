"""Pushes to a registry that requires a login, on real parts: the private Docker engine, a
``docker-registry`` (distribution 2.x, as scripts/test-services installs it) with htpasswd auth
on its own loopback port, and a real ``docker-credential-gokfake`` program as the Docker CLI
config's ``credsStore``. Nothing is mocked."""

from __future__ import annotations

import base64
import json
import logging
import os
import subprocess
import threading
import time
import urllib.error
import urllib.request
import uuid
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import bcrypt
import pytest
from gok_tui.backends.docker_backend import DockerBackend, DockerError
from gok_tui.config.project import load_project
from gok_tui.devloop.history import BuildHistory
from gok_tui.devloop.loop import BuildDone, DevLoop, LoopEvent, LoopNote, PushStep
from gok_tui.domain.build import (
    BuildEvent,
    BuildFailed,
    BuildSucceeded,
    PushFailed,
    PushStreamParser,
    PushSucceeded,
)

from tests.docker_env import free_port, unavailable

REGISTRY_BINARY = Path("/usr/bin/docker-registry")
USER, PASSWORD = "gok", "pushing-is-allowed"
START_TIMEOUT = 15.0


def registry_status(address: str) -> int | None:
    """HTTP status of ``GET /v2/`` without credentials (None while nothing listens)."""
    try:
        with urllib.request.urlopen(f"http://{address}/v2/", timeout=2) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


@pytest.fixture
def auth_registry(tmp_path: Path) -> Iterator[str]:
    """``127.0.0.1:PORT`` of a registry that answers 401 to anyone without USER's password."""
    if not REGISTRY_BINARY.is_file():
        unavailable(f"no {REGISTRY_BINARY} (Debian: docker-registry): scripts/test-services start")
    root = tmp_path / "auth-registry"
    (root / "storage").mkdir(parents=True)
    hashed = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(rounds=5)).decode()
    (root / "htpasswd").write_text(f"{USER}:{hashed}\n", encoding="utf-8")
    address = f"127.0.0.1:{free_port()}"
    (root / "config.yml").write_text(
        f"""version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: {root / "storage"}
  delete:
    enabled: true
auth:
  htpasswd:
    realm: gok-test
    path: {root / "htpasswd"}
http:
  addr: {address}
  secret: gok-test-secret
""",
        encoding="utf-8",
    )
    log = (root / "registry.log").open("wb")
    process = subprocess.Popen(
        [str(REGISTRY_BINARY), "serve", str(root / "config.yml")],
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while (status := registry_status(address)) is None:
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(
                    f"docker-registry did not start: {(root / 'registry.log').read_text()[-2000:]}"
                )
            time.sleep(0.05)
        assert status == 401, f"the registry must require a login, GET /v2/ said {status}"
        yield address
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture
def docker_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty DOCKER_CONFIG directory, and a PATH that starts with ``tmp_path/bin``."""
    directory = tmp_path / "docker-config"
    directory.mkdir()
    (tmp_path / "bin").mkdir()
    monkeypatch.setenv("DOCKER_CONFIG", str(directory))
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}")
    return directory


def install_helper(bin_dir: Path, server: str, user: str, secret: str, fail: bool = False) -> Path:
    """``docker-credential-gokfake``: answers ``list`` and ``get SERVER`` with the credentials,
    as the protocol says; every asked server URL is logged to the returned file. ``fail``: every
    command fails, saying so on stderr, as with a locked keychain."""
    log = bin_dir / "gokfake.calls"
    answer = json.dumps({"ServerURL": server, "Username": user, "Secret": secret})
    failure = "echo 'error: the keychain is locked' >&2; exit 4\n" if fail else ""
    script = bin_dir / "docker-credential-gokfake"
    script.write_text(
        "#!/bin/sh\n"
        f"{failure}"
        f"[ \"$1\" = list ] && {{ printf '%s\\n' '{json.dumps({server: user})}'; exit 0; }}\n"
        '[ "$1" = get ] || { echo "unsupported command $1" >&2; exit 2; }\n'
        "asked=$(cat)\n"
        f"printf '%s\\n' \"$asked\" >> '{log}'\n"
        f"if [ \"$asked\" = '{server}' ]; then printf '%s\\n' '{answer}'; exit 0; fi\n"
        "echo 'credentials not found in native keychain'\n"
        "exit 1\n",
        encoding="utf-8",
    )
    script.chmod(0o755)
    return log


def build_events(
    engine: DockerBackend, tmp_path: Path, repository: str, base: str = "scratch"
) -> list[BuildEvent]:
    """Build ``repository:v1`` as ``base`` plus one small layer."""
    context = tmp_path / f"context-{uuid.uuid4().hex[:8]}"
    context.mkdir()
    (context / "hello.txt").write_text(f"hello {uuid.uuid4()}\n", encoding="utf-8")
    (context / "Dockerfile").write_text(f"FROM {base}\nCOPY hello.txt /hello.txt\n")
    return list(engine.build(context, tags=[f"{repository}:v1"]))


def build_tiny_image(engine: DockerBackend, tmp_path: Path, repository: str) -> None:
    events = build_events(engine, tmp_path, repository)
    assert isinstance(events[-1], BuildSucceeded), events[-3:]


def test_without_credentials_the_push_fails_saying_a_login_is_needed(
    engine: DockerBackend, auth_registry: str, docker_config: Path, tmp_path: Path
) -> None:
    repository = f"{auth_registry}/auth-{uuid.uuid4().hex[:8]}"
    build_tiny_image(engine, tmp_path, repository)
    events = list(engine.push(repository, "v1"))
    assert isinstance(events[-1], PushFailed), events[-3:]
    assert events[-1].message == (
        f"registry {auth_registry} refused the push: authentication required "
        f"(docker login {auth_registry})"
    )
    with pytest.raises(DockerError, match=f"registry {auth_registry} requires authentication"):
        engine.registry_tags(auth_registry, repository.split("/", 1)[1])


def test_credentials_only_in_a_creds_store_helper_push_and_list_tags(
    engine: DockerBackend, auth_registry: str, docker_config: Path, tmp_path: Path
) -> None:
    name = f"auth-{uuid.uuid4().hex[:8]}"
    repository = f"{auth_registry}/{name}"
    build_tiny_image(engine, tmp_path, repository)  # before the config: see build_tiny_image
    calls = install_helper(tmp_path / "bin", auth_registry, USER, PASSWORD)
    (docker_config / "config.json").write_text(
        json.dumps({"credsStore": "gokfake", "auths": {auth_registry: {}}}), encoding="utf-8"
    )

    events = list(engine.push(repository, "v1"))
    assert isinstance(events[-1], PushSucceeded), events[-3:]
    assert events[-1].tag == "v1" and events[-1].digest.startswith("sha256:")
    assert engine.registry_tags(auth_registry, name) == ["v1"]
    assert calls.read_text().splitlines() == [auth_registry, auth_registry]


def test_a_failing_helper_is_named_in_the_push_failure(
    engine: DockerBackend, auth_registry: str, docker_config: Path, tmp_path: Path
) -> None:
    repository = f"{auth_registry}/auth-{uuid.uuid4().hex[:8]}"
    build_tiny_image(engine, tmp_path, repository)
    install_helper(tmp_path / "bin", auth_registry, USER, PASSWORD, fail=True)
    (docker_config / "config.json").write_text(json.dumps({"credsStore": "gokfake"}))
    events = list(engine.push(repository, "v1"))
    assert isinstance(events[-1], PushFailed), events[-3:]
    assert "authentication required" in events[-1].message
    assert events[-1].message.endswith(
        "; credential helper docker-credential-gokfake failed: "
        "exit status 4: error: the keychain is locked"
    )


@pytest.mark.parametrize("helper", ["missing", "failing"])
def test_a_broken_creds_store_helper_does_not_stop_a_build_that_needs_no_credentials(
    engine: DockerBackend,
    docker_config: Path,
    tmp_path: Path,
    capfd: pytest.CaptureFixture[str],
    helper: str,
) -> None:
    """A config.json copied from Docker Desktop into a VM: ``"credsStore": "desktop"`` names a
    helper that is not installed there (or one that fails). The build sends what ``auths`` has
    and goes ahead; the helper's complaints stay off the terminal the TUI draws on."""
    store = "gok-desktop-missing"
    if helper == "failing":
        install_helper(tmp_path / "bin", "elsewhere.example", USER, PASSWORD, fail=True)
        store = "gokfake"
    config = {"credsStore": store, "auths": {"plain.example": {"auth": "Z29rOnB3"}}}
    (docker_config / "config.json").write_text(json.dumps(config), encoding="utf-8")
    capfd.readouterr()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the SDK warns (on stderr) about a missing helper
        events = build_events(engine, tmp_path, f"gok-creds/{helper}-{uuid.uuid4().hex[:8]}")
    assert isinstance(events[-1], BuildSucceeded), events[-3:]
    assert capfd.readouterr().err == ""


def push_private_base(engine: DockerBackend, auth_registry: str, tmp_path: Path) -> str:
    """``auth_registry/base-X:v1``, pushed with the password and gone from the engine: a
    ``FROM`` of it must pull it, with credentials."""
    base = f"{auth_registry}/base-{uuid.uuid4().hex[:8]}"
    build_tiny_image(engine, tmp_path, base)
    pushed = list(engine.push(base, "v1", auth_config={"username": USER, "password": PASSWORD}))
    assert isinstance(pushed[-1], PushSucceeded), pushed[-3:]
    engine.remove_image(f"{base}:v1")
    return f"{base}:v1"


def test_a_build_pulls_a_private_base_image_with_the_creds_store_credentials(
    engine: DockerBackend, auth_registry: str, docker_config: Path, tmp_path: Path
) -> None:
    base = push_private_base(engine, auth_registry, tmp_path)
    calls = install_helper(tmp_path / "bin", auth_registry, USER, PASSWORD)
    (docker_config / "config.json").write_text(json.dumps({"credsStore": "gokfake"}))
    events = build_events(engine, tmp_path, f"gok-creds/child-{uuid.uuid4().hex[:8]}", base)
    assert isinstance(events[-1], BuildSucceeded), events[-3:]
    assert calls.read_text().splitlines() == [auth_registry]


def test_a_build_whose_base_image_needs_a_login_names_the_failing_helper(
    engine: DockerBackend, auth_registry: str, docker_config: Path, tmp_path: Path
) -> None:
    base = push_private_base(engine, auth_registry, tmp_path)
    install_helper(tmp_path / "bin", auth_registry, USER, PASSWORD, fail=True)
    (docker_config / "config.json").write_text(json.dumps({"credsStore": "gokfake"}))
    events = build_events(engine, tmp_path, f"gok-creds/child-{uuid.uuid4().hex[:8]}", base)
    assert isinstance(events[-1], BuildFailed), events[-3:]
    assert events[-1].message.endswith(
        "; credential helper docker-credential-gokfake failed: "
        "exit status 4: error: the keychain is locked"
    )


def test_a_403_on_push_names_the_registry_and_says_how_to_log_in() -> None:
    """What the engine streams when a registry (Docker Hub, Harbor, ECR) knows the user but
    lets them not push to that repository."""
    denied = "denied: requested access to the resource is denied"
    (event,) = PushStreamParser("harbor.example").feed(
        {"errorDetail": {"message": denied}, "error": denied}
    )
    assert event == PushFailed(
        f"registry harbor.example denied the push: {denied} "
        "(docker login harbor.example as a user who may push there)"
    )


class LoopRun:
    """A DevLoop on a one-file project pushing to ``repository`` with the content tag policy,
    no cluster; ``build()`` runs one build to its end and returns the events it emitted."""

    def __init__(self, engine: DockerBackend, tmp_path: Path, repository: str) -> None:
        root = tmp_path / f"project-{uuid.uuid4().hex[:8]}"
        root.mkdir()
        (root / "hello.txt").write_text(f"hello {uuid.uuid4()}\n", encoding="utf-8")
        (root / "Dockerfile").write_text("FROM scratch\nCOPY hello.txt /hello.txt\n")
        (root / ".dockerignore").write_text("gok.toml\n")
        (root / "gok.toml").write_text(
            f'[image]\nrepository = "{repository}"\ntag_policy = "content"\n\n'
            '[deploy]\ndelivery = "push"\nauto_deploy = false\n'
        )
        self.history = tmp_path / f"history-{uuid.uuid4().hex[:8]}.jsonl"
        self.events: list[LoopEvent] = []
        self._lock = threading.Lock()
        self.loop = DevLoop(
            load_project(root), engine, lambda: None, self._emit, history=BuildHistory(self.history)
        )
        self.loop.start(watch=False)

    def _emit(self, event: LoopEvent) -> None:
        with self._lock:
            self.events.append(event)

    def build(self, timeout: float = 90.0) -> list[LoopEvent]:
        with self._lock:
            start = len(self.events)
        self.loop.build_now()
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                emitted = self.events[start:]
            if any(isinstance(e, BuildDone) for e in emitted):
                return emitted
            assert time.monotonic() < deadline, f"no build done; events: {emitted[-10:]}"
            time.sleep(0.05)


@pytest.fixture
def loop_run(engine: DockerBackend, tmp_path: Path) -> Iterator[Callable[[str], LoopRun]]:
    runs: list[LoopRun] = []

    def make(repository: str) -> LoopRun:
        runs.append(LoopRun(engine, tmp_path, repository))
        return runs[-1]

    yield make
    for run in runs:
        run.loop.stop()


def done_of(events: list[LoopEvent]) -> BuildDone:
    (done,) = [e for e in events if isinstance(e, BuildDone)]
    return done


def test_the_loop_asks_the_registry_with_the_helpers_credentials_and_skips_a_second_push(
    auth_registry: str,
    docker_config: Path,
    tmp_path: Path,
    loop_run: Callable[[str], LoopRun],
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)  # the SDK's, urllib3's and ours: none may hold the password
    calls = install_helper(tmp_path / "bin", auth_registry, USER, PASSWORD)
    (docker_config / "config.json").write_text(
        json.dumps({"credsStore": "gokfake", "auths": {auth_registry: {}}}), encoding="utf-8"
    )
    run = loop_run(f"{auth_registry}/skip-{uuid.uuid4().hex[:8]}")
    first = run.build()
    assert done_of(first).record.result == "ok", done_of(first).record.message
    assert any(isinstance(e, PushStep) and isinstance(e.event, PushSucceeded) for e in first)
    asked = len(calls.read_text().splitlines())

    second = run.build()
    record = done_of(second).record
    ref = f"{run.loop.project.image.repository}:{record.tag}"
    assert record.result == "ok" and record.message.startswith(f"{ref} is already in the registry")
    assert not [e for e in second if isinstance(e, PushStep)]
    notes = [e.message for e in second if isinstance(e, LoopNote)]
    assert len(notes) == 1 and notes[0].endswith("push skipped")
    # the registry answers 401 to anyone without the password: the helper's credentials asked
    assert len(calls.read_text().splitlines()) > asked

    said = "\n".join(
        [
            *(repr(e) for e in run.events),
            caplog.text,
            *capfd.readouterr(),
            run.history.read_text(encoding="utf-8"),
        ]
    )
    for secret in (PASSWORD, base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()):
        assert secret not in said
    assert f"{ref} is already in the registry" in said  # the scan did see what was said


def test_without_credentials_the_loop_pushes_and_the_failure_says_how_to_log_in(
    auth_registry: str, docker_config: Path, loop_run: Callable[[str], LoopRun]
) -> None:
    run = loop_run(f"{auth_registry}/nologin-{uuid.uuid4().hex[:8]}")
    events = run.build()
    record = done_of(events).record
    assert record.result == "push failed"
    assert record.message == (
        f"registry {auth_registry} refused the push: authentication required "
        f"(docker login {auth_registry})"
    )
    assert any(isinstance(e, PushStep) for e in events)  # the 401 on HEAD did not stop the push
    assert not [e for e in events if isinstance(e, LoopNote)]


def test_a_helper_that_hangs_is_given_up_on_and_named_in_the_push_failure(
    engine: DockerBackend,
    docker_host: str,
    auth_registry: str,
    docker_config: Path,
    tmp_path: Path,
    capfd: pytest.CaptureFixture[str],
) -> None:
    repository = f"{auth_registry}/hang-{uuid.uuid4().hex[:8]}"
    build_tiny_image(engine, tmp_path, repository)
    helper = tmp_path / "bin" / "docker-credential-gokhang"
    helper.write_text("#!/bin/sh\nexec sleep 300\n", encoding="utf-8")
    helper.chmod(0o755)
    (docker_config / "config.json").write_text(json.dumps({"credsStore": "gokhang"}))
    impatient = DockerBackend(docker_host, helper_timeout=0.5)
    try:
        events = list(impatient.push(repository, "v1"))
    finally:
        impatient.close()
    assert isinstance(events[-1], PushFailed), events[-3:]
    assert events[-1].message == (
        f"registry {auth_registry} refused the push: authentication required "
        f"(docker login {auth_registry}); "
        "credential helper docker-credential-gokhang failed: no answer in 0.5 s"
    )
    assert capfd.readouterr().err == ""


def test_a_refused_secret_is_in_nothing_said_or_logged(
    auth_registry: str,
    docker_config: Path,
    tmp_path: Path,
    loop_run: Callable[[str], LoopRun],
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = "not-the-password-41d8"
    install_helper(tmp_path / "bin", auth_registry, USER, wrong)
    (docker_config / "config.json").write_text(json.dumps({"credsStore": "gokfake"}))
    run = loop_run(f"{auth_registry}/wrong-{uuid.uuid4().hex[:8]}")
    record = done_of(run.build()).record
    assert record.result == "push failed"
    assert f"docker login {auth_registry}" in record.message
    said = "\n".join(
        [
            *(repr(e) for e in run.events),
            caplog.text,
            *capfd.readouterr(),
            run.history.read_text(encoding="utf-8"),
        ]
    )
    for secret in (wrong, base64.b64encode(f"{USER}:{wrong}".encode()).decode()):
        assert secret not in said
    assert record.message in said
