"""Port-forwards against the fake API server: bytes through a real local port and the API
server's port-forward websocket to the fake's echoing container, the pods followed over real
list+watch, the forward moving when its pod goes away."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from gok_tui.actions.audit import AuditLog
from gok_tui.backends.kube import KubeBackend, ReadOnlyError
from gok_tui.config.kubeconfig import resolve_target
from gok_tui.domain.forwards import ForwardTarget
from gok_tui.store.forwards import (
    ForwardError,
    ForwardManager,
    ForwardRequest,
    open_pod_stream,
    port_free,
)

from tests.integration.helpers import deployment, service
from tests.kubefake import FakeKube, wait_until

WAIT = 15.0


def with_ports(obj: dict, ports: list[dict]) -> dict:
    obj["spec"]["template"]["spec"]["containers"][0]["ports"] = ports
    return obj


def forwarded_to(fake: FakeKube) -> list[str]:
    """The pod:port of each port-forward request the fake was sent, in order."""
    return [
        f"{r.path.split('/')[-2]}:{r.query.get('ports')}"
        for r in list(fake.requests)
        if r.path.endswith("/portforward")
    ]


@pytest.fixture
def manager(tmp_path: Path) -> Iterator[ForwardManager]:
    forwards = ForwardManager(
        open_pod_stream, audit=AuditLog(tmp_path / "audit.jsonl"), watch_timeout=30
    )
    yield forwards
    forwards.stop_all(audit=False)


@pytest.fixture
def new_backend(fake_kubeconfig: Path):
    def make(readonly: bool = False) -> KubeBackend:
        target = resolve_target(kubeconfig=str(fake_kubeconfig), environ={})
        assert target is not None
        return KubeBackend(target, readonly=readonly, timeout=(2.0, 10.0))

    return make


def free_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return int(probe.getsockname()[1])


def ready_pods(fake: FakeKube, app: str) -> list[str]:
    return sorted(
        pod["metadata"]["name"]
        for pod in fake.list_objects("pods", "default")
        if pod["metadata"].get("labels", {}).get("app") == app
        and not pod["metadata"].get("deletionTimestamp")
        and any(
            c.get("type") == "Ready" and c.get("status") == "True"
            for c in pod.get("status", {}).get("conditions", [])
        )
    )


def our_threads() -> set[int | None]:
    """This process's threads but the fake API server's (it serves each request on one, and
    ends it when it sees the client gone)."""
    return {t.ident for t in threading.enumerate() if "process_request_thread" not in t.name}


def round_trip(port: int, payload: bytes) -> bytes:
    """What comes back of ``payload``; b"" when the forward closed the connection (a close
    with the payload unread is a reset)."""
    with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as client:
        got = b""
        try:
            client.sendall(payload)
            while len(got) < len(payload):
                chunk = client.recv(65536)
                if not chunk:
                    break
                got += chunk
        except ConnectionResetError:
            pass
        return got


def test_bytes_go_through_a_real_local_port_and_are_counted(
    fake_kube: FakeKube, manager: ForwardManager, new_backend, tmp_path: Path
) -> None:
    fake_kube.apply_object(
        with_ports(deployment("web", replicas=1), [{"name": "http", "containerPort": 8080}])
    )
    wait_until(lambda: ready_pods(fake_kube, "web"), timeout=WAIT)
    local = free_port()
    request = ForwardRequest(ForwardTarget("deployments", "default", "web"), "http", local)
    info = manager.start(request, new_backend())
    assert info.state == "active" and info.pod == ready_pods(fake_kube, "web")[0]
    assert info.pod_port == 8080

    assert round_trip(local, b"hello through the forward") == b"hello through the forward"
    assert forwarded_to(fake_kube) == [f"{info.pod}:8080"]
    wait_until(lambda: manager.forwards()[0].bytes_in == 25, timeout=WAIT)
    shown = manager.forwards()[0]
    assert (shown.bytes_out, shown.connections) == (25, 1)

    manager.stop(info.id)
    assert port_free("127.0.0.1", local)
    actions = [
        (e["action"], e["from"], e["to"], e["ok"])
        for e in AuditLog(tmp_path / "audit.jsonl").entries()
    ]
    assert actions == [
        ("port-forward", f"127.0.0.1:{local}", "deploy/web http", True),
        ("stop port-forward", f"127.0.0.1:{local}", "deploy/web http", True),
    ]


def test_a_deployment_forward_moves_when_its_pod_is_deleted(
    fake_kube: FakeKube, manager: ForwardManager, new_backend
) -> None:
    fake_kube.apply_object(
        with_ports(deployment("web", replicas=1), [{"name": "http", "containerPort": 8080}])
    )
    wait_until(lambda: ready_pods(fake_kube, "web"), timeout=WAIT)
    local = free_port()
    request = ForwardRequest(ForwardTarget("deployments", "default", "web"), 8080, local)
    first = manager.start(request, new_backend()).pod
    assert round_trip(local, b"one") == b"one"

    fake_kube.delete_object("pods", "default", first)
    wait_until(lambda: manager.forwards()[0].pod not in ("", first), timeout=WAIT)
    moved = manager.forwards()[0]
    assert moved.state == "active"
    assert moved.moved == f"moved from {first} (deleted)" or moved.moved.startswith(
        f"moved from {first} (pod {first} is terminating"
    )
    assert moved.moves == 1
    assert round_trip(local, b"two") == b"two"
    assert forwarded_to(fake_kube)[-1] == f"{moved.pod}:8080"


def test_a_service_forward_reaches_the_target_port_of_a_ready_pod(
    fake_kube: FakeKube, manager: ForwardManager, new_backend
) -> None:
    fake_kube.apply_object(
        with_ports(deployment("api", replicas=2), [{"name": "web", "containerPort": 8080}])
    )
    svc = service("api", {"app": "api"})
    svc["spec"]["ports"] = [{"name": "http", "port": 80, "targetPort": "web"}]
    fake_kube.apply_object(svc)
    wait_until(lambda: len(ready_pods(fake_kube, "api")) == 2, timeout=WAIT)
    local = free_port()
    info = manager.start(
        ForwardRequest(ForwardTarget("services", "default", "api"), 80, local), new_backend()
    )
    assert info.pod in ready_pods(fake_kube, "api") and info.pod_port == 8080
    assert round_trip(local, b"svc") == b"svc"


def test_a_pod_forward_ends_when_its_pod_is_deleted(
    fake_kube: FakeKube, manager: ForwardManager, new_backend
) -> None:
    fake_kube.apply_object(with_ports(deployment("web", replicas=1), [{"containerPort": 8080}]))
    wait_until(lambda: ready_pods(fake_kube, "web"), timeout=WAIT)
    pod = ready_pods(fake_kube, "web")[0]
    local = free_port()
    manager.start(ForwardRequest(ForwardTarget("pods", "default", pod), 8080, local), new_backend())
    fake_kube.delete_object("pods", "default", pod)
    wait_until(lambda: manager.forwards()[0].state == "ended", timeout=WAIT)
    ended = manager.forwards()[0]
    assert ended.last_error in (f"pod {pod} was deleted", f"pod {pod} is terminating")
    assert port_free("127.0.0.1", local)  # as kubectl's: the forward to a pod dies with it


def test_a_local_port_taken_is_said_and_nothing_is_left_listening(
    fake_kube: FakeKube, manager: ForwardManager, new_backend
) -> None:
    fake_kube.apply_object(with_ports(deployment("web", replicas=1), [{"containerPort": 8080}]))
    wait_until(lambda: ready_pods(fake_kube, "web"), timeout=WAIT)
    threads_before = our_threads()
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        request = ForwardRequest(ForwardTarget("deployments", "default", "web"), 8080, port)
        with pytest.raises(ForwardError, match=f"local port {port} on 127.0.0.1 is already in use"):
            manager.start(request, new_backend())
    assert manager.forwards() == []
    assert port_free("127.0.0.1", port)
    assert our_threads() == threads_before


@pytest.mark.parametrize(
    ("target", "port", "said"),
    [
        (
            ForwardTarget("deployments", "default", "nope"),
            8080,
            "deploy/nope not found in namespace default",
        ),
        (
            ForwardTarget("deployments", "default", "web"),
            9999,
            "deploy/web does not expose port 9999 (its ports: 8080/http (web))",
        ),
        (
            ForwardTarget("deployments", "default", "web"),
            "grpc",
            "deploy/web has no port named 'grpc' (its ports: 8080/http (web))",
        ),
    ],
)
def test_bad_input_is_said_and_nothing_listens(
    fake_kube: FakeKube, manager: ForwardManager, new_backend, target, port, said: str
) -> None:
    fake_kube.apply_object(
        with_ports(deployment("web", replicas=1), [{"name": "http", "containerPort": 8080}])
    )
    local = free_port()
    with pytest.raises(ForwardError) as caught:
        manager.start(ForwardRequest(target, port, local), new_backend())
    assert str(caught.value) == said
    assert port_free("127.0.0.1", local) and manager.forwards() == []


def test_a_pod_not_running_is_refused(
    fake_kube: FakeKube, manager: ForwardManager, new_backend
) -> None:
    fake_kube.pod_readiness = "manual"
    fake_kube.apply_object(
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "pending", "namespace": "default"},
            "spec": {
                "nodeSelector": {"no": "such-node"},
                "containers": [{"name": "c", "image": "x"}],
            },
        }
    )
    with pytest.raises(ForwardError, match="pod pending is Pending, not Running"):
        manager.start(
            ForwardRequest(ForwardTarget("pods", "default", "pending"), 80, free_port()),
            new_backend(),
        )


def test_read_only_refuses_before_anything_listens(
    fake_kube: FakeKube, manager: ForwardManager, new_backend
) -> None:
    local = free_port()
    request = ForwardRequest(ForwardTarget("deployments", "default", "web"), 8080, local)
    with pytest.raises(ForwardError, match="read-only mode: refused to port-forward to deploy/web"):
        manager.start(request, new_backend(readonly=True))
    assert port_free("127.0.0.1", local)
    with pytest.raises(ReadOnlyError):  # and the backend refuses the stream itself
        new_backend(readonly=True).port_forward("default", "web-1", 8080)


def test_an_unreachable_cluster_is_said_and_nothing_listens(
    fake_kube: FakeKube, manager: ForwardManager, new_backend
) -> None:
    backend = new_backend()
    fake_kube.stop()
    local = free_port()
    request = ForwardRequest(ForwardTarget("deployments", "default", "web"), 8080, local)
    with pytest.raises(ForwardError, match=r"cannot reach the cluster at .+: connection refused"):
        manager.start(request, backend)
    assert port_free("127.0.0.1", local) and manager.forwards() == []


def test_forbidden_get_is_said(fake_kube: FakeKube, manager: ForwardManager, new_backend) -> None:
    fake_kube.forbid("deployments")
    with pytest.raises(ForwardError, match="forbidden"):
        manager.start(
            ForwardRequest(ForwardTarget("deployments", "default", "web"), 8080, free_port()),
            new_backend(),
        )


def test_every_thread_ends_when_all_forwards_stop(
    fake_kube: FakeKube, manager: ForwardManager, new_backend
) -> None:
    fake_kube.apply_object(with_ports(deployment("web", replicas=2), [{"containerPort": 8080}]))
    wait_until(lambda: len(ready_pods(fake_kube, "web")) == 2, timeout=WAIT)
    threads_before = our_threads()
    ports = [free_port(), free_port()]
    for port in ports:
        manager.start(
            ForwardRequest(ForwardTarget("deployments", "default", "web"), 8080, port),
            new_backend(),
        )
    held = socket.create_connection(("127.0.0.1", ports[0]), timeout=WAIT)  # one left open
    held.sendall(b"x")
    assert held.recv(1) == b"x"
    assert manager.stop_all() == 2
    held.close()
    assert [port_free("127.0.0.1", port) for port in ports] == [True, True]
    wait_until(lambda: our_threads() == threads_before, timeout=WAIT)  # a slow box: they end


def web_forward(fake: FakeKube, manager: ForwardManager, new_backend) -> tuple[int, str]:
    fake.apply_object(
        with_ports(deployment("web", replicas=1), [{"name": "http", "containerPort": 8080}])
    )
    wait_until(lambda: ready_pods(fake, "web"), timeout=WAIT)
    local = free_port()
    request = ForwardRequest(ForwardTarget("deployments", "default", "web"), 8080, local)
    return local, manager.start(request, new_backend()).pod


def test_403_on_pods_portforward_is_the_forwards_last_error(
    fake_kube: FakeKube, manager: ForwardManager, new_backend
) -> None:
    """The listener is up (the key was allowed); each connection the cluster refuses is closed
    and the refusal is what :pf shows."""
    local, pod = web_forward(fake_kube, manager, new_backend)
    fake_kube.forbid("pods/portforward", verbs=("create", "get"))
    assert round_trip(local, b"refused") == b""
    wait_until(lambda: "not allowed" in manager.forwards()[0].last_error, timeout=WAIT)
    assert manager.forwards()[0].last_error.startswith(f"{pod}:8080: ")
    fake_kube.allow_all()
    assert round_trip(local, b"allowed again") == b"allowed again"


def test_a_connection_reset_mid_stream_is_said_and_the_next_one_works(
    fake_kube: FakeKube, manager: ForwardManager, new_backend
) -> None:
    local, _ = web_forward(fake_kube, manager, new_backend)
    with socket.create_connection(("127.0.0.1", local), timeout=WAIT) as client:
        client.sendall(b"first")
        assert client.recv(5) == b"first"
        fake_kube.streams.reset()
        assert client.recv(5) == b""  # the reset reaches the local end: closed, not hung
    wait_until(lambda: manager.forwards()[0].open_connections == 0, timeout=WAIT)
    assert round_trip(local, b"second") == b"second"
    assert manager.forwards()[0].connections == 2


def test_gok_toml_forwards_start_and_follow_a_rollout(
    fake_kube: FakeKube, fake_kubeconfig: Path, tmp_path: Path
) -> None:
    from gok_tui.config.project import load_project
    from gok_tui.config.settings import Settings
    from gok_tui.session import Session

    fake_kube.apply_object(
        with_ports(deployment("web", replicas=1), [{"name": "http", "containerPort": 8080}])
    )
    wait_until(lambda: ready_pods(fake_kube, "web"), timeout=WAIT)
    local, taken_port = free_port(), free_port()
    (tmp_path / "gok.toml").write_text(
        '[image]\nrepository = "r"\n[deploy]\ndeployment = "web"\n'
        f'[[forward]]\nlocal_port = {local}\nremote_port = "http"\n'
        f'[[forward]]\nlocal_port = {taken_port}\nremote_port = 8080\ntarget = "deploy/nope"\n'
    )
    session = Session(
        Settings(),
        resolve_target(kubeconfig=str(fake_kubeconfig), environ={}),
        project=load_project(tmp_path),
        watch_timeout=30,
    )
    try:
        said = session.start_project_forwards()
        first = ready_pods(fake_kube, "web")[0]
        assert said == [
            (True, f"port-forward deploy/web http on 127.0.0.1:{local} (pod {first})"),
            (False, "gok.toml forward[1]: deploy/nope not found in namespace default"),
        ]
        assert round_trip(local, b"before") == b"before"
        # a rollout: a new pod template; the new pod comes up Ready and the old one goes
        fake_kube.apply_object(
            with_ports(
                deployment("web", image="hello:2", replicas=1),
                [{"name": "http", "containerPort": 8080}],
            )
        )
        wait_until(lambda: session.forwards.forwards()[0].pod not in ("", first), timeout=WAIT)
        assert session.forwards.forwards()[0].moved.startswith(f"moved from {first} (")
        assert round_trip(local, b"after") == b"after"
        assert [info.request.origin for info in session.forwards.forwards()] == ["gok.toml"]
    finally:
        session.close()
    assert port_free("127.0.0.1", local)


def test_connections_past_the_bound_are_refused_and_said(
    fake_kube: FakeKube, new_backend, tmp_path: Path
) -> None:
    bounded = ForwardManager(open_pod_stream, watch_timeout=30, max_connections=1)
    try:
        local, _ = web_forward(fake_kube, bounded, new_backend)
        with socket.create_connection(("127.0.0.1", local), timeout=WAIT) as first:
            first.sendall(b"1")
            assert first.recv(1) == b"1"
            assert round_trip(local, b"second") == b""  # closed at once
            assert bounded.forwards()[0].last_error == (
                "refused a connection: 1 open, the most at once"
            )
        wait_until(lambda: bounded.forwards()[0].open_connections == 0, timeout=WAIT)
        assert round_trip(local, b"third") == b"third"
    finally:
        bounded.stop_all(audit=False)
