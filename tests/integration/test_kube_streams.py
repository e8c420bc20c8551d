"""Exec and port-forward through KubeBackend against the fake API server: the real client's
websocket library on one side, the fake's channel protocol and echoing containers on the other."""

from __future__ import annotations

import io
import socket
import tarfile
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from gok_tui.backends.kube import KubeBackend, KubeError, ReadOnlyError
from gok_tui.backends.kube_streams import STDERR, STDOUT, ExecSession

from tests.kubefake import FakeKube, wait_until
from tests.kubefake.streams import V4

WAIT = 20.0  # seconds: generous, for a loaded 2-core box


def web_pod(name: str = "web", image: str = "nginx:1", node: bool = True) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "containers": [
            {"name": "main", "image": image, "ports": [{"name": "http", "containerPort": 8080}]},
            {"name": "side", "image": "alpine:3"},
        ]
    }
    if not node:
        spec["nodeSelector"] = {"no-such-node": "true"}
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": "default", "labels": {"app": name}},
        "spec": spec,
    }


def phase(fake: FakeKube, name: str) -> str:
    pod = fake.get_object("pods", "default", name) or {}
    return str((pod.get("status") or {}).get("phase", ""))


@pytest.fixture
def running(fake_kube: FakeKube) -> FakeKube:
    fake_kube.apply_object(web_pod())
    wait_until(lambda: phase(fake_kube, "web") == "Running", WAIT)
    return fake_kube


@pytest.fixture
def backend(fake_backend: KubeBackend) -> Iterator[KubeBackend]:
    yield fake_backend


def read_until(session: ExecSession, wanted: bytes, channel: int = STDOUT) -> bytes:
    received = b""
    deadline = time.monotonic() + WAIT
    while wanted not in received:
        assert time.monotonic() < deadline, f"no {wanted!r} in {received!r}"
        assert not session.finished, f"ended ({session.error}) before {wanted!r}: {received!r}"
        output = session.read(1.0)
        if output is not None and output.channel == channel:
            received += output.data
    return received


def wait_end(session: ExecSession) -> None:
    deadline = time.monotonic() + WAIT
    while not session.finished:
        assert time.monotonic() < deadline, "the session did not end"
        session.read(1.0)


def recv_exactly(sock: socket.socket, count: int) -> bytes:
    sock.settimeout(WAIT)
    data = b""
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        assert chunk, f"EOF after {data!r}"
        data += chunk
    return data


# -- exec -------------------------------------------------------------------------------------
def test_stdin_comes_back_on_stdout_and_the_exit_code_is_reported(
    running: FakeKube, backend: KubeBackend
) -> None:
    with backend.exec_session("default", "web", "main", ["cat"]) as session:
        session.write(b"hello ")
        session.write(b"world\n")
        assert read_until(session, b"hello world\n") == b"hello world\n"
        session.close_stdin()
        wait_end(session)
        assert session.exit_code == 0
    result = backend.run_command("default", "web", "main", ["sh", "-c", "echo out; exit 7"])
    assert (result.exit_code, result.stdout) == (7, b"out\n")


def test_stderr_is_its_own_channel(running: FakeKube, backend: KubeBackend) -> None:
    result = backend.run_command("default", "web", "main", ["cat", "/etc/missing"])
    assert result.exit_code == 1
    assert result.stdout == b""
    assert result.stderr == b"cat: /etc/missing: No such file or directory\n"


def test_a_tar_stream_on_stdin_lands_in_the_containers_files(
    running: FakeKube, backend: KubeBackend
) -> None:
    archive = io.BytesIO()
    with tarfile.open(fileobj=archive, mode="w") as tar:
        for name, data in (("index.html", b"<h1>hi</h1>"), ("static/app.js", b"x" * 200_000)):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    result = backend.run_command(
        "default", "web", "main", ["tar", "-xf", "-", "-C", "/srv"], stdin=archive.getvalue()
    )
    assert result.exit_code == 0, result.stderr
    files = running.streams.files("default", "web", "main")
    assert files["/srv/index.html"] == b"<h1>hi</h1>"
    assert files["/srv/static/app.js"] == b"x" * 200_000
    printed = backend.run_command("default", "web", "main", ["cat", "/srv/index.html"])
    assert printed.stdout == b"<h1>hi</h1>"


def test_a_tty_shell_echoes_and_hears_resizes(running: FakeKube, backend: KubeBackend) -> None:
    with backend.exec_session("default", "web", "main", ["bash"], tty=True) as session:
        read_until(session, b"$ ")
        session.resize(132, 43)
        session.write(b"stty size\r")
        assert b"43 132\r\n" in read_until(session, b"43 132")
        session.write(b"exit 3\r")
        wait_end(session)
        assert session.exit_code == 3
    assert running.streams.resizes[("default", "web", "main")] == [(132, 43)]


def test_a_missing_shell_says_so_and_sh_is_there(running: FakeKube, backend: KubeBackend) -> None:
    with backend.exec_session("default", "web", "side", ["bash"], tty=True) as session:
        wait_end(session)
    assert session.exit_code is None
    assert session.command_missing
    assert 'exec: "bash": executable file not found in $PATH' in (session.error or "")
    with backend.exec_session("default", "web", "side", ["sh"], tty=True) as session:
        read_until(session, b"$ ")
        session.write(b"echo fine\r")
        read_until(session, b"fine\r\n")


def test_a_v4_server_cannot_close_stdin_but_echoes(running: FakeKube, backend: KubeBackend) -> None:
    running.streams.protocols = (V4,)
    with backend.exec_session("default", "web", "main", ["cat"]) as session:
        assert session.protocol == V4
        session.write(b"ping\n")
        read_until(session, b"ping\n")
        with pytest.raises(KubeError, match="cannot close stdin"):
            session.close_stdin()


def test_output_on_stderr_and_stdout_keeps_channels(
    running: FakeKube, backend: KubeBackend
) -> None:
    with backend.exec_session(
        "default", "web", "main", ["sh", "-c", "echo a; cat /nope"], stdin=False
    ) as session:
        outputs = []
        while not session.finished:
            output = session.read(1.0)
            if output is not None:
                outputs.append(output)
        assert [(o.channel, o.data) for o in outputs] == [
            (STDOUT, b"a\n"),
            (STDERR, b"cat: /nope: No such file or directory\n"),
        ]
        assert session.exit_code == 1


# -- port-forward -------------------------------------------------------------------------------
def test_bytes_go_to_the_pods_port_and_come_back(running: FakeKube, backend: KubeBackend) -> None:
    with backend.port_forward("default", "web", 8080) as forward:
        payload = bytes(range(256)) * 1000
        sender = threading.Thread(target=forward.socket.sendall, args=(payload,))
        sender.start()
        assert recv_exactly(forward.socket, len(payload)) == payload
        sender.join(WAIT)
        assert forward.bytes_out == len(payload)
        assert forward.bytes_in == len(payload)
    assert forward.finished.wait(WAIT)
    assert forward.error is None


def test_a_port_nothing_listens_on_gives_kubelets_words_and_eof(
    running: FakeKube, backend: KubeBackend
) -> None:
    with backend.port_forward("default", "web", 9090) as forward:
        forward.socket.settimeout(WAIT)
        assert forward.socket.recv(10) == b""
        assert forward.finished.wait(WAIT)
        assert "9090" in (forward.error or "")
        assert "connect: connection refused" in (forward.error or "")


# -- failures -------------------------------------------------------------------------------------
def test_403_names_the_verb_and_the_subresource(running: FakeKube, backend: KubeBackend) -> None:
    running.forbid("pods/exec", verbs=("create",))
    running.forbid("pods/portforward", verbs=("get",))
    with pytest.raises(KubeError) as exec_refused:
        backend.run_command("default", "web", "main", ["true"])
    assert exec_refused.value.status == 403
    assert exec_refused.value.message.startswith(
        "not allowed: create pods/exec in namespace default"
    )
    with pytest.raises(KubeError) as forward_refused:
        backend.port_forward("default", "web", 8080)
    assert forward_refused.value.message.startswith(
        "not allowed: get pods/portforward in namespace default"
    )


def test_a_pod_that_is_not_running_is_said_so(fake_kube: FakeKube, backend: KubeBackend) -> None:
    fake_kube.apply_object(web_pod("pending", node=False))
    wait_until(lambda: phase(fake_kube, "pending") == "Pending", WAIT)
    with pytest.raises(KubeError) as unscheduled:
        backend.run_command("default", "pending", "main", ["true"])
    assert unscheduled.value.status == 400
    assert unscheduled.value.message == (
        "cannot exec in pod default/pending: pod pending does not have a host assigned"
    )
    fake_kube.apply_object(web_pod())
    wait_until(lambda: phase(fake_kube, "web") == "Running", WAIT)
    fake_kube.set_container_state(
        "default", "web", "main", {"terminated": {"exitCode": 1, "reason": "Error"}}
    )
    with pytest.raises(KubeError) as stopped:
        backend.exec_session("default", "web", "main", ["sh"])
    assert stopped.value.message == (
        'cannot exec in pod default/web: container not found ("main"): is the container running?'
    )
    with pytest.raises(KubeError, match=r"^pod default/gone not found$"):
        backend.port_forward("default", "gone", 8080)


def test_a_reset_mid_stream_ends_both_with_a_reason(
    running: FakeKube, backend: KubeBackend
) -> None:
    session = backend.exec_session("default", "web", "main", ["cat"])
    forward = backend.port_forward("default", "web", 8080)
    session.write(b"1\n")
    read_until(session, b"1\n")
    forward.socket.sendall(b"1")
    assert recv_exactly(forward.socket, 1) == b"1"
    running.streams.reset()
    wait_end(session)
    assert session.exit_code is None
    assert "broke" in (session.error or "") or "ended the session" in (session.error or "")
    assert forward.socket.recv(10) == b""
    assert forward.finished.wait(WAIT)
    assert "the connection to the cluster broke" in (forward.error or "")
    with pytest.raises(KubeError, match="the session has ended"):
        session.write(b"more")
    session.close()
    forward.close()


def test_read_only_refuses_before_anything_is_sent(running: FakeKube, backend: KubeBackend) -> None:
    backend.readonly = True
    running.clear_requests()
    with pytest.raises(ReadOnlyError, match="read-only mode: refused to exec in pod default/web"):
        backend.exec_session("default", "web", "main", ["sh"])
    with pytest.raises(ReadOnlyError, match="refused to port-forward to pod default/web:8080"):
        backend.port_forward("default", "web", 8080)
    assert not [r for r in running.requests if r.path.endswith(("/exec", "/portforward"))]


def test_no_thread_is_left_behind(running: FakeKube, backend: KubeBackend) -> None:
    before = {thread.ident for thread in threading.enumerate()}
    for _ in range(3):
        with backend.port_forward("default", "web", 8080) as forward:
            forward.socket.sendall(b"abc")
            assert recv_exactly(forward.socket, 3) == b"abc"
        with backend.port_forward("default", "web", 9191) as refused:
            assert refused.finished.wait(WAIT)
        backend.run_command("default", "web", "main", ["sh", "-c", "exit 2"])
    left_open = backend.port_forward("default", "web", 8080)
    session = backend.exec_session("default", "web", "main", ["cat"])
    running.forbid("pods/portforward", verbs=("create",))
    with pytest.raises(KubeError):
        backend.port_forward("default", "web", 8080)
    backend.close()  # ends what is still open
    assert left_open.finished.wait(WAIT)
    assert session.ended

    def settled() -> bool:
        return {thread.ident for thread in threading.enumerate()} <= before

    wait_until(settled, WAIT)
    wait_until(lambda: running.streams.open_count == 0, WAIT)
