"""The shell (``s`` on a pod): the in-process bridge on a real pseudo-terminal against the fake
API server, and the kubectl path with a fake ``kubectl`` executable that records its argv."""

from __future__ import annotations

import fcntl
import os
import select
import signal
import stat
import struct
import termios
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from gok_tui.actions.audit import AuditLog
from gok_tui.actions.base import ObjectRef
from gok_tui.actions.shell import PREFER_BASH, find_kubectl, open_shell
from gok_tui.backends.kube import KubeBackend, ReadOnlyError

from tests.integration.test_kube_streams import WAIT, phase, web_pod
from tests.kubefake import FakeKube, wait_until


@pytest.fixture
def running(fake_kube: FakeKube) -> FakeKube:
    fake_kube.apply_object(web_pod())
    wait_until(lambda: phase(fake_kube, "web") == "Running", WAIT)
    return fake_kube


@pytest.fixture
def audit(tmp_path: Path) -> AuditLog:
    return AuditLog(tmp_path / "audit.jsonl")


def web_ref(backend: KubeBackend) -> ObjectRef:
    target = backend.target
    return ObjectRef(target.context, target.cluster_server, "pods", "default", "web")


def set_size(fd: int, columns: int, rows: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))


class Typist:
    """The person at the terminal: reads the pty's master side, types into it."""

    def __init__(self, master: int) -> None:
        self.master = master
        self.seen = b""

    def wait_for(self, wanted: bytes) -> None:
        deadline = time.monotonic() + WAIT
        while wanted not in self.seen:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no {wanted!r} on the terminal: {self.seen!r}")
            if select.select([self.master], [], [], min(left, 0.5))[0]:
                self.seen += os.read(self.master, 4096)

    def type(self, text: bytes) -> None:
        os.write(self.master, text)


@pytest.fixture
def terminal() -> Iterator[tuple[int, int]]:
    master, slave = os.openpty()
    set_size(slave, 100, 30)
    try:
        yield master, slave
    finally:
        os.close(master)
        os.close(slave)


def in_background(work: object, fake: FakeKube) -> tuple[threading.Thread, list[BaseException]]:
    """Run the typist's part in a thread; a failure cuts the stream so the bridge ends."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            work()  # type: ignore[operator]
        except BaseException as error:
            errors.append(error)
            fake.streams.reset()

    thread = threading.Thread(target=run, name="typist")
    thread.start()
    return thread, errors


def test_in_process_shell_bridges_the_terminal_and_reports_the_exit_code(
    running: FakeKube,
    fake_backend: KubeBackend,
    audit: AuditLog,
    terminal: tuple[int, int],
) -> None:
    master, slave = terminal
    typist = Typist(master)
    saved = termios.tcgetattr(slave)

    def person() -> None:
        typist.wait_for(b"$ ")
        typist.type(b"stty size\r")
        typist.wait_for(b"30 100\r\n")
        set_size(master, 120, 40)
        os.kill(os.getpid(), signal.SIGWINCH)
        wait_until(lambda: (120, 40) in running.streams.resizes.get(key, []), WAIT)
        typist.type(b"echo secret-typed-text\r")
        typist.wait_for(b"secret-typed-text\r\n$ ")
        typist.type(b"exit 3\r")

    key = ("default", "web", "main")
    thread, errors = in_background(person, running)
    outcome = open_shell(
        fake_backend,
        web_ref(fake_backend),
        "main",
        audit,
        kubectl=None,
        stdin_fd=slave,
        stdout_fd=slave,
    )
    thread.join(WAIT)
    assert not errors, errors
    assert (outcome.ok, outcome.exit_code) == (True, 3)
    assert outcome.message == "bash in pod default/web ended (exit code 3)"
    assert running.streams.resizes[key][:2] == [(100, 30), (120, 40)]
    assert termios.tcgetattr(slave) == saved  # the terminal's mode is given back
    [entry] = audit.recent()
    assert (entry["action"], entry["namespace"], entry["name"]) == ("shell", "default", "web")
    assert entry["patch"] == {"container": "main", "via": "in-process"}
    assert entry["result"] == outcome.message
    assert b"secret-typed-text" not in audit.path.read_bytes()


def test_in_process_shell_falls_back_to_sh(
    running: FakeKube,
    fake_backend: KubeBackend,
    audit: AuditLog,
    terminal: tuple[int, int],
) -> None:
    master, slave = terminal
    typist = Typist(master)

    def person() -> None:
        typist.wait_for(b"$ ")
        typist.type(b"exit 0\r")

    thread, errors = in_background(person, running)
    outcome = open_shell(
        fake_backend,
        web_ref(fake_backend),
        "side",
        audit,
        kubectl=None,
        stdin_fd=slave,
        stdout_fd=slave,
    )
    thread.join(WAIT)
    assert not errors, errors
    assert outcome.message == "sh in pod default/web ended (exit code 0)"
    commands = [command for key, command in running.streams.execs if key[2] == "side"]
    assert commands == [("bash",), ("sh",)]


def test_in_process_shell_says_why_the_cluster_refused(
    running: FakeKube, fake_backend: KubeBackend, audit: AuditLog, terminal: tuple[int, int]
) -> None:
    running.forbid("pods/exec", verbs=("create",))
    _, slave = terminal
    outcome = open_shell(
        fake_backend,
        web_ref(fake_backend),
        "main",
        audit,
        kubectl=None,
        stdin_fd=slave,
        stdout_fd=slave,
    )
    assert not outcome.ok
    assert outcome.message.startswith("not allowed: create pods/exec in namespace default")
    [entry] = audit.recent()
    assert (entry["ok"], entry["result"]) == (False, outcome.message)


FAKE_KUBECTL = """#!/bin/sh
for word in "$@"; do printf '%s\\n' "$word"; done > "$ARGV_FILE"
echo "$KUBE_ANSWER" >&2
exit "$KUBE_CODE"
"""


@pytest.fixture
def kubectl_on_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "bin"
    folder.mkdir()
    script = folder / "kubectl"
    script.write_text(FAKE_KUBECTL)
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setenv("ARGV_FILE", str(tmp_path / "argv"))
    monkeypatch.setenv("KUBE_ANSWER", "command terminated with exit code 4")
    monkeypatch.setenv("KUBE_CODE", "4")
    return tmp_path / "argv"


def test_kubectl_runs_with_the_resolved_context_and_kubeconfig(
    running: FakeKube,
    fake_backend: KubeBackend,
    fake_kubeconfig: Path,
    audit: AuditLog,
    kubectl_on_path: Path,
) -> None:
    kubectl = find_kubectl()
    assert kubectl is not None and kubectl.endswith("/bin/kubectl")
    outcome = open_shell(fake_backend, web_ref(fake_backend), "main", audit, kubectl=kubectl)
    argv = kubectl_on_path.read_text().splitlines()
    assert argv == [
        "exec", "-it", "web", "-c", "main", "--context", "fake",
        "--kubeconfig", str(fake_kubeconfig), "-n", "default", "--", "sh", "-c", PREFER_BASH,
    ]  # fmt: skip
    assert (outcome.ok, outcome.exit_code) == (True, 4)
    assert outcome.message == "shell in pod default/web ended with exit code 4"
    [entry] = audit.recent()
    assert entry["patch"] == {"container": "main", "via": "kubectl"}
    assert not running.streams.execs  # kubectl did it all


def test_kubectls_own_failure_is_said(
    running: FakeKube,
    fake_backend: KubeBackend,
    audit: AuditLog,
    kubectl_on_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(
        "KUBE_ANSWER", 'error: unable to upgrade connection: container not found ("main")'
    )
    monkeypatch.setenv("KUBE_CODE", "1")
    outcome = open_shell(fake_backend, web_ref(fake_backend), "main", audit, kubectl=find_kubectl())
    assert not outcome.ok
    assert outcome.message == (
        "shell in pod default/web ended with exit code 1: "
        'error: unable to upgrade connection: container not found ("main")'
    )


def test_read_only_refuses_both_paths_before_anything_runs(
    running: FakeKube, fake_backend: KubeBackend, audit: AuditLog, kubectl_on_path: Path
) -> None:
    fake_backend.readonly = True
    for kubectl in (find_kubectl(), None):
        with pytest.raises(ReadOnlyError, match="refused to open a shell in pod default/web"):
            open_shell(fake_backend, web_ref(fake_backend), "main", audit, kubectl=kubectl)
    assert not kubectl_on_path.exists()
    assert not running.streams.execs
    assert audit.recent() == []
