"""Port-forwards: a local listener per forward, a byte stream to the pod per connection, and a
watch on the pods it may go to, so a forward to a Deployment or Service moves to another Ready
pod when its pod goes away (a rollout, a delete, an eviction): kubectl's dies.

Threads, all bounded and all ended by ``stop``: per forward one that accepts connections and
follows its pods (the listener answers every ``ACCEPT_WAIT`` seconds), the pods' watch loop, and
two per open connection (at most ``MAX_CONNECTIONS``), one per direction. Each forward has a
backend of its own, so a ``:ctx`` or ``:ns`` elsewhere in the app leaves it running.
"""

from __future__ import annotations

import contextlib
import errno
import itertools
import select
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

from gok_tui.actions.audit import AuditLog
from gok_tui.actions.base import ObjectRef, Plan
from gok_tui.backends.kube import KubeBackend, KubeError
from gok_tui.domain.forwards import (
    LOOPBACK,
    ForwardProblem,
    ForwardTarget,
    local_port_candidates,
    pick_pod,
    pod_port,
    pod_problem,
    pod_selector,
    reached_port,
    service_port,
)
from gok_tui.domain.kinds import KINDS
from gok_tui.store.buffer import LatestWinsBuffer
from gok_tui.store.watch import FeedSpec, WatchLoop

if TYPE_CHECKING:
    from gok_tui.backends.kube_streams import PortForwardConnection

ACCEPT_WAIT = 0.2  # seconds: how often the listener looks at its pods and its stop flag
READ_WAIT = 0.5  # seconds a connection's read waits before it looks at its stop flag
CHUNK = 64 * 1024
MAX_CONNECTIONS = 32  # open connections per forward; more are refused (and said)
JOIN_WAIT = 3.0  # seconds stop gives each thread to end
WATCH_TIMEOUT = 240

ForwardState = Literal["active", "waiting", "ended"]


class PortStream(Protocol):
    """A byte stream to one port of one pod (the backend's port-forward)."""

    def send(self, data: bytes) -> None: ...

    def recv(self, timeout: float) -> bytes | None:
        """Bytes from the pod; None when none came within ``timeout``; b"" once it closed."""
        ...

    def close(self) -> None: ...


# (backend, namespace, pod, port) -> an open stream; raises KubeError or OSError
OpenStream = Callable[[KubeBackend, str, str, int], PortStream]


class _ConnectionStream:
    """The backend's port-forward connection (a websocket pumped into a socket pair) as a
    PortStream; what the kubelet said on its error channel ends it as an error."""

    def __init__(self, connection: PortForwardConnection) -> None:
        self.connection = connection
        self._socket = connection.socket

    def send(self, data: bytes) -> None:
        self._socket.sendall(data)

    def recv(self, timeout: float) -> bytes | None:
        # select, not a socket timeout: the timeout would be the sending thread's too
        if not select.select([self._socket], [], [], timeout)[0]:
            return None
        data = self._socket.recv(CHUNK)
        if not data and self.connection.error:
            raise ConnectionError(self.connection.error)
        return data

    def close(self) -> None:
        self.connection.close(timeout=JOIN_WAIT)


def open_pod_stream(backend: KubeBackend, namespace: str, pod: str, port: int) -> PortStream:
    """The backend's byte stream to ``pod:port`` (over the API server's websocket)."""
    return _ConnectionStream(backend.port_forward(namespace, pod, port))


class ForwardError(Exception):
    """A forward that did not start: one sentence for the screen. Nothing is left listening."""


@dataclass(frozen=True)
class ForwardRequest:
    target: ForwardTarget
    port: int | str  # a container port (pod, Deployment) or a Service port; number or name
    local_port: int
    address: str = LOOPBACK
    origin: str = ""  # "gok.toml" for the project's [[forward]] entries

    @property
    def local(self) -> str:
        return f"{self.address}:{self.local_port}"

    def summary(self) -> str:
        return f"port-forward {self.target} {self.port} from {self.local}"


@dataclass(frozen=True)
class ForwardInfo:
    """What ``:pf`` shows of one forward."""

    id: int
    request: ForwardRequest
    context: str
    state: ForwardState
    pod: str  # the pod it goes to now ("" while it waits for one)
    pod_port: int | None
    bytes_in: int  # from the pod
    bytes_out: int  # to the pod
    connections: int  # accepted since it started
    open_connections: int
    last_error: str
    moved: str  # "moved from web-1 (deleted)": its last move
    moves: int


def port_free(address: str, port: int) -> bool:
    """Whether a listener could bind ``address:port`` now."""
    try:
        probe = socket.create_server((address, port))
    except OSError:
        return False
    probe.close()
    return True


def offer_local_port(remote: int, address: str = LOOPBACK) -> int:
    """The local port to offer for a remote port: the first free candidate, else one the
    system picks."""
    for port in local_port_candidates(remote):
        if port_free(address, port):
            return port
    with socket.create_server((address, 0)) as probe:
        return int(probe.getsockname()[1])


def bind_listener(address: str, port: int) -> socket.socket:
    """The forward's listener, or a ForwardError that says why not (nothing left bound)."""
    try:
        listener = socket.create_server((address, port), backlog=64)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise ForwardError(
                f"local port {port} on {address} is already in use (another program, or "
                "another forward): pick another"
            ) from None
        if error.errno == errno.EACCES:
            raise ForwardError(
                f"local port {port} needs root to bind: pick one from 1024 up"
            ) from None
        if error.errno == errno.EADDRNOTAVAIL:
            raise ForwardError(f"address {address} is not one of this machine's") from None
        raise ForwardError(f"cannot listen on {address}:{port}: {error.strerror}") from None
    listener.settimeout(ACCEPT_WAIT)
    return listener


def _kube_said(error: KubeError, target: ForwardTarget) -> str:
    if error.status == 404:
        return f"{target} not found in namespace {target.namespace}"
    return error.message


class _Connection:
    """One accepted connection bridged to a stream to the pod, one thread per direction."""

    def __init__(self, forward: _Forward, local: socket.socket, pod: str, port: int) -> None:
        self.forward = forward
        self.local = local
        self.pod = pod
        self.port = port
        self.stream: PortStream | None = None
        self._closed = threading.Event()
        self._lock = threading.Lock()
        self.threads = [
            threading.Thread(target=self._upstream, name=f"pf {pod}:{port} out", daemon=True)
        ]

    def start(self) -> None:
        self.threads[0].start()

    def _upstream(self) -> None:
        """Opens the stream, starts the way back, then carries local bytes to the pod."""
        forward = self.forward
        try:
            stream = forward.open_stream(forward.backend, forward.namespace, self.pod, self.port)
        except KubeError as error:
            forward.note_error(f"{self.pod}:{self.port}: {error.message}")
            self.close()
            return
        except Exception as error:
            forward.note_error(f"{self.pod}:{self.port}: {error}")
            self.close()
            return
        with self._lock:
            self.stream = stream
            closed = self._closed.is_set()
        if closed:
            stream.close()
            return
        down = threading.Thread(target=self._downstream, name=f"pf {self.pod} in", daemon=True)
        self.threads.append(down)
        down.start()
        # The local socket stays blocking (no timeout: it would be the other thread's sendall
        # timeout too, and a slow reader is no error); close() shuts it down, which ends a
        # recv or a sendall waiting on it.
        try:
            while not self._closed.is_set():
                data = self.local.recv(CHUNK)
                if not data:
                    break
                stream.send(data)
                forward.count(out=len(data))
        except Exception as error:  # the socket's, or the stream's (a reset, a closed websocket)
            if not self._closed.is_set():
                forward.note_error(f"{self.pod}:{self.port}: {error}")
        finally:
            self.close()

    def _downstream(self) -> None:
        stream = self.stream
        assert stream is not None
        forward = self.forward
        try:
            while not self._closed.is_set():
                data = stream.recv(READ_WAIT)
                if data is None:
                    continue
                if not data:
                    break
                self.local.sendall(data)
                forward.count(into=len(data))
        except Exception as error:
            if not self._closed.is_set():
                forward.note_error(f"{self.pod}:{self.port}: {error}")
        finally:
            self.close()

    def close(self) -> None:
        with self._lock:
            if self._closed.is_set():
                return
            self._closed.set()
            stream = self.stream
        with contextlib.suppress(OSError):
            self.local.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(OSError):
            self.local.close()
        if stream is not None:
            with contextlib.suppress(Exception):
                stream.close()
        self.forward.connection_ended(self)

    def join(self, timeout: float) -> None:
        for thread in list(self.threads):
            if thread is not threading.current_thread() and thread.ident is not None:
                thread.join(timeout)


@dataclass
class _Forward:
    id: int
    request: ForwardRequest
    backend: KubeBackend
    open_stream: OpenStream
    target_obj: dict[str, Any]
    listener: socket.socket
    pods: dict[str, dict[str, Any]]
    pod: str = ""
    pod_port: int | None = None
    state: ForwardState = "active"
    bytes_in: int = 0
    bytes_out: int = 0
    connections: int = 0
    last_error: str = ""
    moved: str = ""
    moves: int = 0
    on_end: Callable[[_Forward, str], None] | None = None
    max_connections: int = MAX_CONNECTIONS
    conns: set[_Connection] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stopping: threading.Event = field(default_factory=threading.Event)
    buffer: LatestWinsBuffer = field(default_factory=LatestWinsBuffer)
    loop: WatchLoop | None = None
    thread: threading.Thread | None = None

    @property
    def namespace(self) -> str:
        return self.request.target.namespace

    @property
    def target(self) -> ForwardTarget:
        return self.request.target

    # -- what connections report -------------------------------------------------------------
    def count(self, *, into: int = 0, out: int = 0) -> None:
        with self.lock:
            self.bytes_in += into
            self.bytes_out += out

    def note_error(self, text: str) -> None:
        with self.lock:
            self.last_error = text

    def connection_ended(self, connection: _Connection) -> None:
        with self.lock:
            self.conns.discard(connection)

    def info(self) -> ForwardInfo:
        with self.lock:
            return ForwardInfo(
                self.id,
                self.request,
                self.backend.target.context,
                self.state,
                self.pod,
                self.pod_port,
                self.bytes_in,
                self.bytes_out,
                self.connections,
                len(self.conns),
                self.last_error,
                self.moved,
                self.moves,
            )

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self, watch_timeout: int) -> None:
        target = self.target
        if target.kind == "pods":
            spec = FeedSpec(
                KINDS["pods"], self.namespace, field_selector=f"metadata.name={target.name}"
            )
        else:
            spec = FeedSpec(
                KINDS["pods"], self.namespace, pod_selector(target.kind, self.target_obj)
            )
        self.loop = WatchLoop(self.backend, spec, self.buffer, watch_timeout=watch_timeout)
        self.loop.start()
        self.thread = threading.Thread(target=self._run, name=f"pf {target} listen", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stopping.is_set():
            self._follow()
            if self.state == "ended":
                return
            try:
                local, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError as error:
                if not self.stopping.is_set():
                    self._end(f"the listener failed: {error.strerror or error}")
                return
            self._follow()
            self._serve(local)

    def _serve(self, local: socket.socket) -> None:
        with self.lock:
            if self.stopping.is_set():  # stop() has taken the list of connections to close
                local.close()
                return
            pod, port = self.pod, self.pod_port
            too_many = len(self.conns) >= self.max_connections
            if too_many:
                self.last_error = (
                    f"refused a connection: {self.max_connections} open, the most at once"
                )
            elif not pod or port is None:
                self.last_error = "a connection came while no pod was Ready: closed it"
            if too_many or not pod or port is None:
                local.close()
                return
            self.connections += 1
            local.settimeout(None)  # blocking: see _Connection._upstream
            connection = _Connection(self, local, pod, port)
            self.conns.add(connection)
        connection.start()

    def _follow(self) -> None:
        """Take in what the pods' watch saw; move to another Ready pod if this one went."""
        drained = self.buffer.drain()
        status = drained.status
        if status is not None and status.state in ("retrying", "forbidden", "unauthorized"):
            self.note_error(f"following pods: {status.message}")
        if not drained.has_data:
            return
        if drained.snapshot is not None:
            self.pods = {
                (obj.get("metadata") or {}).get("name", ""): obj
                for obj in drained.snapshot.values()
            }
        for key, obj in drained.changes.items():
            name = key.rpartition("/")[2]
            if obj is None:
                self.pods.pop(name, None)
            else:
                self.pods[name] = obj
        self._choose()

    def _choose(self) -> None:
        target = self.target
        if target.kind == "pods":
            pod = self.pods.get(target.name)
            if pod is None:
                self._end(f"pod {target.name} was deleted")
            elif problem := pod_problem(pod):
                self._end(problem)
            return
        was = self.pod
        chosen = pick_pod(self.pods.values(), target.kind, self.target_obj, self.request.port, was)
        if chosen is None:
            with self.lock:
                if self.state != "waiting":
                    self.state = "waiting"
                    self.pod, self.pod_port = "", None
                    self.last_error = "no Ready pod to forward to" + (
                        f" ({was} {self._why_gone(was)})" if was else ""
                    )
            return
        name = (chosen.get("metadata") or {}).get("name", "")
        if name == was:
            return
        port = reached_port(target.kind, self.target_obj, self.request.port, chosen)
        with self.lock:
            if was:
                self.moves += 1
                self.moved = f"moved from {was} ({self._why_gone(was)})"
            elif self.moves:  # it waited for a pod after its last one went
                self.moved = f"{self.moved}; waited for a Ready pod"
            self.state = "active"
            self.pod, self.pod_port = name, port

    def _why_gone(self, name: str) -> str:
        pod = self.pods.get(name)
        if pod is None:
            return "deleted"
        return pod_problem(pod) or "not Ready"

    def _end(self, why: str) -> None:
        """The pod of a pod forward went away: as kubectl's, the forward ends (listed, with
        why, until stopped). Runs on the forward's own thread, which returns next."""
        with self.lock:
            self.state = "ended"
            self.pod_port = None
            self.last_error = why
            connections = list(self.conns)
        self._close_listener()
        if self.loop is not None:
            self.loop.stop()
        for connection in connections:
            connection.close()
        if self.on_end is not None:
            self.on_end(self, why)

    def _close_listener(self) -> None:
        # shutdown first: it wakes the accepting thread's wait at once, and the port is only
        # free once that thread has let go of the socket
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(OSError):
            self.listener.close()

    def stop(self) -> list[threading.Thread]:
        """Close everything; the threads to wait for (the pods' watch loop is joined apart)."""
        self.stopping.set()
        if self.loop is not None:
            self.loop.stop()
        self._close_listener()
        with self.lock:
            connections = list(self.conns)
            if self.state != "ended":
                self.state = "ended"
        for connection in connections:
            connection.close()
        threads = [t for c in connections for t in c.threads]
        if self.thread is not None:
            threads.append(self.thread)
        return threads


class ForwardManager:
    """Every forward of the app: start, list, stop one or all. Thread-safe."""

    def __init__(
        self,
        open_stream: OpenStream,
        *,
        audit: AuditLog | None = None,
        watch_timeout: int = WATCH_TIMEOUT,
        max_connections: int = MAX_CONNECTIONS,
    ) -> None:
        self.open_stream = open_stream
        self.audit = audit
        self.watch_timeout = watch_timeout
        self.max_connections = max_connections
        self._forwards: dict[int, _Forward] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def start(self, request: ForwardRequest, backend: KubeBackend) -> ForwardInfo:
        """Resolve the target, bind the local port, start following. ``backend`` is the
        forward's own from now on (closed when it stops, also when it fails to start).
        Raises ForwardError, with nothing left listening."""
        try:
            forward = self._start(request, backend)
        except ForwardError as error:
            backend.close()
            self._record(request, backend, "port-forward", str(error), ok=False)
            raise
        self._record(request, backend, "port-forward", f"listening on {request.local}", ok=True)
        return forward.info()

    def _start(self, request: ForwardRequest, backend: KubeBackend) -> _Forward:
        target = request.target
        if backend.readonly:
            raise ForwardError(f"read-only mode: refused to port-forward to {target}")
        try:
            obj = backend.get(KINDS[target.kind], target.namespace, target.name)
            pods, pod, port = self._resolve(request, obj, backend)
        except KubeError as error:
            raise ForwardError(_kube_said(error, target)) from None
        except ForwardProblem as problem:
            raise ForwardError(str(problem)) from None
        listener = bind_listener(request.address, request.local_port)
        forward = _Forward(
            next(self._ids),
            request,
            backend,
            self.open_stream,
            obj,
            listener,
            pods,
            pod=pod,
            pod_port=port,
            state="active" if pod else "waiting",
            last_error="" if pod else "no Ready pod to forward to yet",
            on_end=self._ended,
            max_connections=self.max_connections,
        )
        with self._lock:
            self._forwards[forward.id] = forward
        forward.start(self.watch_timeout)
        return forward

    def _resolve(
        self, request: ForwardRequest, obj: dict[str, Any], backend: KubeBackend
    ) -> tuple[dict[str, dict[str, Any]], str, int | None]:
        """The pods known now, the one to go to ("" while none is Ready) and its port."""
        target = request.target
        if target.kind == "pods":
            if problem := pod_problem(obj):
                raise ForwardProblem(problem)
            return {target.name: obj}, target.name, pod_port(obj, request.port)
        if target.kind == "services":
            service_port(obj, request.port)  # a port the Service does not have: said now
        else:
            template = {"spec": ((obj.get("spec") or {}).get("template") or {}).get("spec") or {}}
            pod_port(template, request.port, what=str(target))
        selector = pod_selector(target.kind, obj)
        if not selector:
            raise ForwardProblem(f"{target} selects no pods (it has no selector)")
        listed = backend.list(KINDS["pods"], target.namespace, label_selector=selector)
        pods = {(p.get("metadata") or {}).get("name", ""): p for p in listed.items}
        chosen = pick_pod(pods.values(), target.kind, obj, request.port)
        if chosen is None:
            return pods, "", None
        return (
            pods,
            (chosen.get("metadata") or {}).get("name", ""),
            reached_port(target.kind, obj, request.port, chosen),
        )

    def _ended(self, forward: _Forward, why: str) -> None:
        forward.backend.close()

    def forwards(self) -> list[ForwardInfo]:
        with self._lock:
            forwards = list(self._forwards.values())
        return [forward.info() for forward in forwards]

    def stop(self, forward_id: int, *, wait: float = JOIN_WAIT) -> ForwardInfo | None:
        """Stop one forward and forget it; None when there is no such forward."""
        with self._lock:
            forward = self._forwards.get(forward_id)
        if forward is None:
            return None
        self._stop([forward], wait)
        info = forward.info()
        self._record(forward.request, forward.backend, "stop port-forward", "stopped", ok=True)
        return info

    def stop_all(self, *, wait: float = JOIN_WAIT, audit: bool = True) -> int:
        """Stop every forward (on quit with ``audit`` False: nothing is left listening)."""
        with self._lock:
            forwards = list(self._forwards.values())
        self._stop(forwards, wait)
        if audit:
            for forward in forwards:
                self._record(
                    forward.request, forward.backend, "stop port-forward", "stopped", ok=True
                )
        return len(forwards)

    def _stop(self, forwards: list[_Forward], wait: float) -> None:
        threads = [thread for forward in forwards for thread in forward.stop()]
        deadline = time.monotonic() + wait
        for thread in threads:
            if thread.ident is not None and thread is not threading.current_thread():
                thread.join(max(0.0, deadline - time.monotonic()))
        with self._lock:  # only now: a forward gone from the list listens no more
            for forward in forwards:
                self._forwards.pop(forward.id, None)
        for forward in forwards:
            forward.backend.close()  # ends a watch request in flight, so its loop ends now
            if forward.loop is not None:
                forward.loop.join(max(0.0, deadline - time.monotonic()))

    def _record(
        self, request: ForwardRequest, backend: KubeBackend, action: str, result: str, *, ok: bool
    ) -> None:
        if self.audit is None:
            return
        target = request.target
        kube_target = backend.target
        plan = Plan(
            action=action,
            ref=ObjectRef(
                kube_target.context,
                kube_target.cluster_server,
                target.kind,
                target.namespace,
                target.name,
            ),
            summary=request.summary() if action == "port-forward" else f"stop {request.summary()}",
            before=request.local,
            after=f"{target} {request.port}",
            method="",  # no request of its own: a stream per connection, to the pod it is on
            path="",
            body={"local": request.local, "port": request.port, "origin": request.origin},
            content_type="",
        )
        with contextlib.suppress(OSError):
            self.audit.record(plan, kube_user=kube_target.user, result=result, ok=ok, duration_s=0)
