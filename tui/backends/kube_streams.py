"""Exec and port-forward: the API server's WebSocket channel protocol (v5/v4), reached
through ``KubeBackend`` with the same credentials and TLS settings as its HTTP requests.

The connection is websocket-client's (the kubernetes client's own dependency), opened here
rather than through ``kubernetes.stream.stream()``: that one swaps ``call_api`` on the shared
ApiClient while it connects (other threads' requests would take the detour) and connects with
no timeout; and the client's ``PortForward`` thread dies on a reset connection without closing
the local socket. Every blocking call here has a timeout.

    session = backend.exec_session(ns, pod, container, ["sh"], tty=True)
    session.write(b"echo hi\\r"); session.read(timeout=1.0) -> Output | None
    session.resize(cols, rows); session.close_stdin()  (v5 only); session.close()
    session.finished, session.exit_code, session.error, session.command_missing
    backend.run_command(ns, pod, container, ["cat", "/x"], stdin=b"...") -> ExecResult
    forward = backend.port_forward(ns, pod, 8080); forward.socket (a real socket);
    forward.error, forward.bytes_in / bytes_out, forward.close()
"""

from __future__ import annotations

import contextlib
import json
import re
import select
import socket
import ssl
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from gok_tui.backends.kube import KubeError, ReadOnlyError, connection_error

if TYPE_CHECKING:
    from gok_tui.backends.kube import KubeBackend

V5 = "v5.channel.k8s.io"
V4 = "v4.channel.k8s.io"
STDIN, STDOUT, STDERR, STATUS, RESIZE, CLOSE = 0, 1, 2, 3, 4, 255
POLL = 0.2  # seconds: how often a pump thread looks at its stop flag while idle
READ_CHUNK = 65536
COMMAND_MISSING = "executable file not found"
_FORBIDDEN_VERB = re.compile(r'cannot (\w+) resource "([^"]+)"')


@dataclass(frozen=True)
class Output:
    channel: int  # STDOUT or STDERR
    data: bytes


@dataclass(frozen=True)
class ExecResult:
    exit_code: int
    stdout: bytes
    stderr: bytes


def _kube_error(message: str, **kwargs: Any) -> KubeError:
    return KubeError(message, **kwargs)


def _refuse_readonly(backend: KubeBackend, what: str) -> None:
    if backend.readonly:
        raise ReadOnlyError(f"read-only mode: refused to {what}", status=None)


def _open(
    backend: KubeBackend,
    namespace: str,
    pod: str,
    subresource: str,
    query: Sequence[tuple[str, str]],
    timeout: float,
    action: str,
) -> Any:
    """An open websocket to ``pods/POD/SUBRESOURCE``; a 401 re-reads credentials once."""
    import websocket
    from gok_tui.domain.kinds import KINDS

    path = KINDS["pods"].object_path(namespace, pod) + "/" + subresource
    for attempt in (1, 2):
        api = backend._api_client()
        configuration = api.configuration
        with backend._serialize_lock:  # the auth refresh hook is not reentrant
            auth = configuration.auth_settings()
        headers = [
            f"{setting['key']}: {setting['value']}"
            for setting in auth.values()
            if setting.get("in") == "header" and setting.get("value")
        ]
        base = urlsplit(configuration.host)
        scheme = "wss" if base.scheme == "https" else "ws"
        url = urlunsplit(
            (scheme, base.netloc, base.path.rstrip("/") + path, urlencode(list(query)), "")
        )
        ws = websocket.WebSocket(sslopt=_ssl_options(configuration), skip_utf8_validation=True)
        options: dict[str, Any] = {
            "header": headers,
            "subprotocols": [V5, V4],
            "timeout": timeout,
        }
        if configuration.proxy:
            proxy = urlsplit(configuration.proxy)
            options.update(
                http_proxy_host=proxy.hostname, http_proxy_port=proxy.port, proxy_type="http"
            )
            if configuration.no_proxy:
                options["http_no_proxy"] = configuration.no_proxy.split(",")
        backend.request_count += 1
        try:
            ws.connect(url, **options)
        except websocket.WebSocketBadStatusException as exc:
            with contextlib.suppress(Exception):
                ws.close()
            if exc.status_code == 401 and attempt == 1 and backend._reload_credentials(api):
                continue
            raise _status_error(
                backend, exc.status_code, exc.resp_body, namespace, pod, subresource, action
            ) from None
        except Exception as exc:
            with contextlib.suppress(Exception):
                ws.close()
            what = f"{action} pod {namespace}/{pod}"
            raise connection_error(exc, what, backend.target.cluster_server) from None
        ws.settimeout(timeout)
        return ws
    raise AssertionError("unreachable")  # pragma: no cover


def _ssl_options(configuration: Any) -> dict[str, Any]:
    if not configuration.verify_ssl:
        return {"cert_reqs": ssl.CERT_NONE, "check_hostname": False}
    options: dict[str, Any] = {"cert_reqs": ssl.CERT_REQUIRED}
    if configuration.ssl_ca_cert:
        options["ca_certs"] = configuration.ssl_ca_cert
    if configuration.cert_file:
        options["certfile"] = configuration.cert_file
    if configuration.key_file:
        options["keyfile"] = configuration.key_file
    if getattr(configuration, "tls_server_name", None):
        options["server_hostname"] = configuration.tls_server_name
    if configuration.assert_hostname is not None:
        options["check_hostname"] = bool(configuration.assert_hostname)
    return options


def _status_error(
    backend: KubeBackend,
    status: int,
    body: bytes | str | None,
    namespace: str,
    pod: str,
    subresource: str,
    action: str,
) -> KubeError:
    raw = body.decode("utf-8", "replace") if isinstance(body, bytes) else (body or "")
    try:
        detail = json.loads(raw) if raw else {}
    except ValueError:
        detail = {}
    if not isinstance(detail, dict):
        detail = {}
    server_message = str(detail.get("message") or raw).strip()[:300]
    reason = str(detail.get("reason", ""))
    target = f"pod {namespace}/{pod}"
    if status == 401:
        message = (
            f"the cluster rejected the credentials of user {backend.target.user or '?'} "
            "(401 Unauthorized): they may have expired; log in again"
        )
    elif status == 403:
        verb, resource = "create", f"pods/{subresource}"
        found = _FORBIDDEN_VERB.search(server_message)
        if found is not None:
            verb, resource = found.group(1), found.group(2)
        message = f"not allowed: {verb} {resource} in namespace {namespace} ({server_message})"
    elif status == 404:
        message = f"{target} not found" if "not found" in server_message else server_message
    elif "container not found" in server_message:
        message = f"cannot {action} {target}: {server_message}: is the container running?"
    else:
        message = f"cannot {action} {target}: {server_message or f'API server error {status}'}"
    return _kube_error(message, status=status, reason=reason, server_message=server_message)


# -- exec ---------------------------------------------------------------------------------
class ExecSession:
    """One command running in a container. ``read`` from one thread, ``write``/``resize``
    from any; ``close()`` from any thread ends it."""

    def __init__(self, ws: Any, what: str) -> None:
        self._ws = ws
        self.what = what
        self.protocol: str = ws.subprotocol or V4
        self.finished = False
        self.exit_code: int | None = None
        self.error: str | None = None  # why it ended without an exit code
        self._closed = threading.Event()
        self._read_lock = threading.Lock()

    @property
    def ended(self) -> bool:
        return self.finished or self._closed.is_set()

    def fileno(self) -> int:
        """The connection's descriptor, to wait on with select() beside others (see also
        ``read(0)``, which also serves what TLS has already decrypted)."""
        sock = self._ws.sock
        return sock.fileno() if sock is not None else -1

    @property
    def command_missing(self) -> bool:
        """The runtime found no such executable (try another shell)."""
        return self.error is not None and COMMAND_MISSING in self.error

    def _send(self, channel: int, data: bytes) -> None:
        if self.finished or self._closed.is_set():
            raise _kube_error(f"{self.what}: the session has ended")
        try:
            self._ws.send_bytes(bytes([channel]) + data)
        except Exception as exc:
            self._end(f"the connection broke while sending ({_words(exc)})")
            raise _kube_error(f"{self.what}: {self.error}") from None

    def write(self, data: bytes) -> None:
        if data:
            self._send(STDIN, data)

    def resize(self, width: int, height: int) -> None:
        self._send(RESIZE, json.dumps({"Width": width, "Height": height}).encode())

    def close_stdin(self) -> None:
        """Tell the command its stdin ended (the v5 protocol's CLOSE; a v4 server has none:
        KubeError)."""
        if self.protocol != V5:
            raise _kube_error(
                f"{self.what}: the API server speaks {self.protocol} only, which cannot "
                "close stdin (v5.channel.k8s.io needs Kubernetes 1.30 or later)"
            )
        self._send(CLOSE, bytes([STDIN]))

    def read(self, timeout: float) -> Output | None:
        """The next output, or None when none came within ``timeout`` seconds or the
        command ended (see ``finished``)."""
        deadline = time.monotonic() + timeout
        with self._read_lock:
            while not self.finished:
                remaining = max(0.0, deadline - time.monotonic())
                try:
                    if not self._pending() and not _readable(self._ws.sock, min(remaining, POLL)):
                        if self._closed.is_set():
                            self._end("closed")
                        elif time.monotonic() >= deadline:
                            return None
                        continue
                    opcode, frame = self._ws.recv_data_frame(True)
                except Exception as exc:
                    if self._closed.is_set():
                        self._end("closed")
                    else:
                        self._end(f"the connection to the cluster broke ({_words(exc)})")
                    return None
                output = self._frame(opcode, frame.data if frame is not None else b"")
                if output is not None:
                    return output
        return None

    def _pending(self) -> bool:
        sock = self._ws.sock
        return isinstance(sock, ssl.SSLSocket) and sock.pending() > 0

    def _frame(self, opcode: int, data: bytes) -> Output | None:
        import websocket

        if opcode == websocket.ABNF.OPCODE_CLOSE:
            if self.exit_code is None and self.error is None:
                self._end("the cluster ended the session before the command's status came")
            else:
                self._end(None)
            return None
        if opcode not in (websocket.ABNF.OPCODE_BINARY, websocket.ABNF.OPCODE_TEXT) or not data:
            return None
        channel, payload = data[0], bytes(data[1:])
        if channel in (STDOUT, STDERR) and payload:
            return Output(channel, payload)
        if channel == STATUS:
            self._status(payload)
        return None

    def _status(self, payload: bytes) -> None:
        try:
            status = json.loads(payload)
        except ValueError:
            status = {"status": "Failure", "message": payload.decode("utf-8", "replace")}
        if status.get("status") == "Success":
            self.exit_code = 0
            return
        for cause in (status.get("details") or {}).get("causes") or []:
            if cause.get("reason") == "ExitCode":
                with contextlib.suppress(TypeError, ValueError):
                    self.exit_code = int(cause.get("message"))
                    return
        self.error = str(status.get("message") or "the command failed")

    def _end(self, why: str | None) -> None:
        if why is not None and self.exit_code is None and self.error is None:
            self.error = why
        self.finished = True
        with contextlib.suppress(Exception):
            self._ws.close(timeout=1)

    def close(self) -> None:
        """End the session (the container's process is ended by the runtime)."""
        self._closed.set()
        if self._read_lock.acquire(blocking=False):
            try:
                self._end("closed")
            finally:
                self._read_lock.release()
        else:  # a reader is waiting: wake it, it ends the session
            with contextlib.suppress(Exception):
                self._ws.sock.shutdown(socket.SHUT_RDWR)

    def __enter__(self) -> ExecSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _readable(sock: Any, timeout: float) -> bool:
    if sock is None:
        raise ConnectionError("socket closed")
    ready, _, _ = select.select([sock], [], [], max(0.0, timeout))
    return bool(ready)


def _words(exc: BaseException) -> str:
    text = str(exc).splitlines()[0][:200] if str(exc) else ""
    return text or type(exc).__name__


def exec_session(
    backend: KubeBackend,
    namespace: str,
    pod: str,
    container: str,
    command: Sequence[str],
    *,
    stdin: bool = True,
    tty: bool = False,
    timeout: float | None = None,
) -> ExecSession:
    what = f"exec in pod {namespace}/{pod} container {container}"
    _refuse_readonly(backend, what)
    if not command:
        raise _kube_error(f"{what}: no command given")
    query = [("command", part) for part in command] + [
        ("container", container),
        ("stdin", _flag(stdin)),
        ("stdout", "true"),
        ("stderr", _flag(not tty)),
        ("tty", _flag(tty)),
    ]
    ws = _open(backend, namespace, pod, "exec", query, timeout or backend.timeout[1], "exec in")
    return ExecSession(ws, what)


def _flag(value: bool) -> str:
    return "true" if value else "false"


def run_command(
    backend: KubeBackend,
    namespace: str,
    pod: str,
    container: str,
    command: Sequence[str],
    *,
    stdin: bytes | None = None,
    timeout: float = 60.0,
    stdin_ends_itself: bool = False,
) -> ExecResult:
    """Run a command to its end; its stdin is ``stdin`` (then closed: needs a v5 server).
    ``stdin_ends_itself``: the command stops reading after ``len(stdin)`` bytes by itself
    (``head -c N | ...``), so stdin is left open, and a v4 server (before 1.30) will do."""
    session = backend.exec_session(
        namespace, pod, container, command, stdin=stdin is not None, timeout=timeout
    )
    stdout, stderr = bytearray(), bytearray()
    deadline = time.monotonic() + timeout
    with session:
        if stdin is not None:
            for start in range(0, len(stdin), READ_CHUNK):
                session.write(stdin[start : start + READ_CHUNK])
            if not stdin_ends_itself:
                session.close_stdin()
        while not session.finished:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise _kube_error(
                    f"{session.what}: no end within {timeout:g} s ({' '.join(command)})",
                    reason="Timeout",
                )
            output = session.read(remaining)
            if output is not None:
                (stdout if output.channel == STDOUT else stderr).extend(output.data)
    if session.exit_code is None:
        raise _kube_error(f"{session.what}: {session.error}")
    return ExecResult(session.exit_code, bytes(stdout), bytes(stderr))


# -- port-forward ---------------------------------------------------------------------------
class PortForwardConnection:
    """One TCP connection to pod:port through the API server. ``socket`` is the caller's
    end (a connected stream socket: read and write it as a TCP connection); a pump thread
    moves bytes between it and the websocket until either side ends, then closes both."""

    def __init__(self, ws: Any, port: int, what: str) -> None:
        self._ws = ws
        self.port = port
        self.what = what
        self.socket, self._local = socket.socketpair()
        self.bytes_in = 0  # from the pod
        self.bytes_out = 0  # to the pod
        self.error: str | None = None
        self._stop = threading.Event()
        self.finished = threading.Event()
        self._thread = threading.Thread(target=self._pump, name=f"gok-portforward {what}")
        self._thread.daemon = True
        self._thread.start()

    def _pump(self) -> None:
        import websocket

        started = [False, False]  # the data and error channels' port prefixes
        prefix = bytes([0])
        try:
            while not self._stop.is_set():
                sock = self._ws.sock
                pending = isinstance(sock, ssl.SSLSocket) and sock.pending() > 0
                ready = [sock] if pending else select.select([sock, self._local], [], [], POLL)[0]
                if self._local in ready:
                    data = self._local.recv(READ_CHUNK)
                    if not data:
                        return  # the caller closed its end
                    self._ws.send_bytes(prefix + data)
                    self.bytes_out += len(data)
                if sock in ready:
                    opcode, frame = self._ws.recv_data_frame(True)
                    if opcode == websocket.ABNF.OPCODE_CLOSE:
                        return
                    data = frame.data if frame is not None else b""
                    if opcode != websocket.ABNF.OPCODE_BINARY or not data or data[0] > 1:
                        continue
                    channel, payload = data[0], data[1:]
                    if not started[channel]:
                        started[channel] = True  # 2 bytes: the port, little-endian
                        continue
                    if channel == 1:
                        self.error = payload.decode("utf-8", "replace").strip()[:500]
                        return
                    self.bytes_in += len(payload)
                    self._local.sendall(payload)
        except Exception as exc:
            if not self._stop.is_set():
                self.error = f"the connection to the cluster broke ({_words(exc)})"
        finally:
            with contextlib.suppress(Exception):
                self._ws.close(timeout=1)
            with contextlib.suppress(OSError):
                self._local.shutdown(socket.SHUT_RDWR)
            self._local.close()
            self.finished.set()

    @property
    def ended(self) -> bool:
        return self.finished.is_set()

    def close(self, timeout: float = 5.0) -> None:
        """Close both ends and wait (up to ``timeout``) for the pump thread to end."""
        self._stop.set()
        with contextlib.suppress(OSError):
            self.socket.close()
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout)

    def __enter__(self) -> PortForwardConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def port_forward(
    backend: KubeBackend, namespace: str, pod: str, port: int, *, timeout: float | None = None
) -> PortForwardConnection:
    what = f"{namespace}/{pod}:{port}"
    _refuse_readonly(backend, f"port-forward to pod {what}")
    if not 0 < port < 65536:
        raise _kube_error(f"port-forward to pod {what}: a port is between 1 and 65535")
    ws = _open(
        backend,
        namespace,
        pod,
        "portforward",
        [("ports", str(port))],
        timeout or backend.timeout[1],
        "port-forward to",
    )
    return PortForwardConnection(ws, port, what)
