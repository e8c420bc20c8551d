"""Exec and port-forward over WebSocket, as the API server and kubelet speak them to the
official Python client (``kubernetes.stream``), with a fake container at the other end.

The wire (hand-written RFC 6455 server side: handshake, masked client frames, fragments,
ping -> pong, close -> close):
- ``GET .../pods/NAME/exec?command=..&container=..&stdin=..&stdout=..&stderr=..&tty=..`` and
  ``GET .../pods/NAME/portforward?ports=..`` with ``Sec-WebSocket-Protocol``; the first of the
  client's protocols we speak is chosen (``v5.channel.k8s.io``, ``v4.channel.k8s.io``;
  ``fake.streams.protocols = (V4,)`` speaks v4 only, as a v1.28 server).
  A plain GET (no upgrade) is answered 400 "Upgrade request required", as the real one.
- Every message is binary, its first byte the channel: exec 0 stdin, 1 stdout, 2 stderr,
  3 status (one ``metav1.Status`` JSON when the command ends: Success, or NonZeroExitCode
  with the exit code in ``details.causes[{reason: ExitCode}]``, or the runtime's
  InternalError), 4 resize (``{"Width": W, "Height": H}``); v5 adds 255 CLOSE
  (``[255, 0]``: the client closed stdin). Port-forward: per requested port k, data
  channel 2k and error channel 2k+1, each first sent the port as 2 bytes little-endian.
- Access: RBAC or ``fake.forbid("pods/exec", verbs=("create",))``; the upgrade is checked for
  ``get`` (as v1.28) and ``create`` (as v1.31+) on pods/exec or pods/portforward.
- A pod without a node: 400 "pod NAME does not have a host assigned"; a container that is
  not running: the kubelet's answer passed through (500, plain text
  ``container not found ("NAME")``). A port-forward to a port no container declares is
  accepted, then its error channel says what kubelet says (connection refused inside the
  pod's network namespace) and the stream ends.
- ``fake.streams.reset()``: every open stream's connection is cut with no close frame.

The fake container (per namespace/pod/container, its files in ``fake.streams.files(...)``):
- ``cat`` echoes stdin to stdout until stdin closes; ``cat PATH..`` prints stored files
  (else stderr ``cat: PATH: No such file or directory``, exit 1).
- ``tar -xf - -C DIR`` / ``tar xf - -C DIR`` reads a tar stream from stdin (to its close:
  v5, or the connection's end) and stores its regular files under DIR.
- ``echo ARGS``, ``true``, ``false``, ``touch PATH``, ``stty size`` (the last resize:
  "ROWS COLS"), ``exit N``; ``sh -c SCRIPT`` / ``bash -c SCRIPT`` run these, separated by
  ``;`` or ``&&``; ``sh`` / ``bash`` alone read such lines from stdin (prompt ``$ ``; with a
  tty, typed bytes are echoed and Enter is ``\\r``), ``exit N`` ends them.
- Anything else, and ``bash`` in an image whose name says alpine/busybox (or any program
  named in ``fake.streams.missing``), fails as the runtime does: ``exec: "bash": executable
  file not found in $PATH``.
- Port-forward to a declared container port: an echo server.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import json
import posixpath
import select
import shlex
import socket
import struct
import tarfile
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tests.kubefake.errors import ApiError, bad_request

if TYPE_CHECKING:
    from tests.kubefake.server import FakeKube, Route

WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
V5 = "v5.channel.k8s.io"
V4 = "v4.channel.k8s.io"
SPOKEN = (V5, V4)
STDIN, STDOUT, STDERR, STATUS, RESIZE, CLOSE = 0, 1, 2, 3, 4, 255
OP_CONT, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA
POLL = 0.2  # seconds between checks of the fake's stop/reset flags while a stream is idle
NO_BASH_IMAGES = ("alpine", "busybox", "distroless")

ContainerKey = tuple[str, str, str]  # namespace, pod, container


class StreamClosed(Exception):
    """The client went away (close frame, EOF, reset) or the fake stopped or reset streams."""


class WebSocket:
    """The server end of one upgraded connection."""

    def __init__(self, sock: socket.socket, buffered: bytes, stopped: Callable[[], bool]) -> None:
        self.sock = sock
        self.buffer = bytearray(buffered)
        self.stopped = stopped
        self.send_lock = threading.Lock()
        self.closed = False

    def _fill(self, wanted: int) -> None:
        while len(self.buffer) < wanted:
            if self.stopped():
                raise StreamClosed()
            try:
                ready, _, _ = select.select([self.sock], [], [], POLL)
                if not ready:
                    continue
                data = self.sock.recv(65536)
            except (OSError, ValueError) as error:
                raise StreamClosed() from error
            if not data:
                raise StreamClosed()
            self.buffer += data

    def _take(self, count: int) -> bytes:
        self._fill(count)
        data = bytes(self.buffer[:count])
        del self.buffer[:count]
        return data

    def _frame(self) -> tuple[bool, int, bytes]:
        first, second = self._take(2)
        length = second & 0x7F
        if length == 126:
            (length,) = struct.unpack("!H", self._take(2))
        elif length == 127:
            (length,) = struct.unpack("!Q", self._take(8))
        mask = self._take(4) if second & 0x80 else b""
        payload = self._take(length)
        if mask and payload:
            size = len(payload)  # XOR as one big integer: a byte at a time is ~100x slower
            key = (mask * (size // 4 + 1))[:size]
            value = int.from_bytes(payload, "big") ^ int.from_bytes(key, "big")
            payload = value.to_bytes(size, "big")
        return bool(first & 0x80), first & 0x0F, payload

    def receive(self) -> bytes:
        """The next data message (text or binary); pings answered, a close echoed."""
        message = b""
        while True:
            final, opcode, payload = self._frame()
            if opcode == OP_PING:
                self.send(payload, OP_PONG)
                continue
            if opcode == OP_PONG:
                continue
            if opcode == OP_CLOSE:
                self.close(payload[:2] or struct.pack("!H", 1000))
                raise StreamClosed()
            message += payload
            if final:
                return message

    def send(self, payload: bytes, opcode: int = OP_BINARY) -> None:
        length = len(payload)
        if length < 126:
            header = struct.pack("!BB", 0x80 | opcode, length)
        elif length < 1 << 16:
            header = struct.pack("!BBH", 0x80 | opcode, 126, length)
        else:
            header = struct.pack("!BBQ", 0x80 | opcode, 127, length)
        with self.send_lock:
            try:
                self.sock.sendall(header + payload)
            except OSError as error:
                raise StreamClosed() from error

    def close(self, payload: bytes = struct.pack("!H", 1000)) -> None:
        if self.closed:
            return
        self.closed = True
        with contextlib.suppress(StreamClosed):
            self.send(payload, OP_CLOSE)


class Streams:
    """The fake containers' state: files, missing programs, resizes; open streams."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self._files: dict[ContainerKey, dict[str, bytes]] = {}
        self.missing: set[str] = set()  # programs no container has
        # the subprotocols the server speaks, preferred first: (V4,) is a v1.28 server's
        self.protocols: tuple[str, ...] = SPOKEN
        self.resizes: dict[ContainerKey, list[tuple[int, int]]] = {}
        self.execs: list[tuple[ContainerKey, tuple[str, ...]]] = []  # every command run
        self._open: set[socket.socket] = set()
        self._epoch = 0

    def files(self, namespace: str, pod: str, container: str) -> dict[str, bytes]:
        """A copy of one container's stored files, path -> content."""
        with self.lock:
            return dict(self._files.get((namespace, pod, container), {}))

    def put_file(self, namespace: str, pod: str, container: str, path: str, data: bytes) -> None:
        with self.lock:
            self._files.setdefault((namespace, pod, container), {})[path] = data

    def reset(self) -> None:
        """Cut every open stream's connection, as a dropped network would (no close frame)."""
        with self.lock:
            self._epoch += 1
            connections = list(self._open)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)

    @property
    def open_count(self) -> int:
        with self.lock:
            return len(self._open)

    def track(self, conn: socket.socket) -> int:
        with self.lock:
            self._open.add(conn)
            return self._epoch

    def untrack(self, conn: socket.socket) -> None:
        with self.lock:
            self._open.discard(conn)

    def epoch(self) -> int:
        with self.lock:
            return self._epoch


# -- entry point from the HTTP handler ------------------------------------------------------
def serve(handler: Any, fake: FakeKube, route: Route, query: dict[str, list[str]]) -> None:
    """Answer an exec or portforward request on ``handler`` (a BaseHTTPRequestHandler)."""
    headers = handler.headers
    fake.check_access("POST", route, {}, headers)  # create, as v1.31+ also asks
    pod = fake.state.get("pods", route.namespace, route.name)
    if pod is None:
        from tests.kubefake.errors import not_found

        raise not_found("pods", route.name)
    if (headers.get("Upgrade") or "").lower() != "websocket":
        raise bad_request("Upgrade request required")
    spec = pod.get("spec") or {}
    if not spec.get("nodeName"):
        raise bad_request(f"pod {route.name} does not have a host assigned")
    if route.subresource == "exec":
        container = _exec_container(pod, route.name, query)
        command = tuple(query.get("command") or [])
        if not command:
            raise bad_request("you must specify at least 1 command")
        if not _running(pod, container):
            handler._raw(500, f'container not found ("{container}")'.encode(), "text/plain")
            return
        flags = {
            name: (query.get(name) or ["false"])[-1] in ("1", "true")
            for name in ("stdin", "stdout", "stderr", "tty")
        }
        ws = _upgrade(handler, fake)
        try:
            _exec(ws, fake, (route.namespace, route.name, container), command, flags)
        finally:
            _finish(handler, fake, ws)
        return
    ports = _ports(query)
    ws = _upgrade(handler, fake)
    try:
        _portforward(ws, pod, ports)
    finally:
        _finish(handler, fake, ws)


def _exec_container(pod: dict[str, Any], name: str, query: dict[str, list[str]]) -> str:
    containers = [c.get("name", "") for c in (pod.get("spec") or {}).get("containers") or []]
    container = (query.get("container") or [""])[-1]
    if not container:
        if len(containers) != 1:
            raise bad_request(
                f"a container name must be specified for pod {name}, "
                f"choose one of: [{' '.join(containers)}]"
            )
        return containers[0]
    if container not in containers:
        raise bad_request(f"container {container} is not valid for pod {name}")
    return container


def _running(pod: dict[str, Any], container: str) -> bool:
    status = pod.get("status") or {}
    if status.get("phase") != "Running":
        return False
    for entry in status.get("containerStatuses") or []:
        if entry.get("name") == container:
            return "running" in (entry.get("state") or {})
    return False


def _ports(query: dict[str, list[str]]) -> list[int]:
    ports: list[int] = []
    for value in query.get("ports") or []:
        for text in value.split(","):
            try:
                port = int(text)
            except ValueError:
                raise bad_request(f'unable to parse "{text}" as a port: invalid syntax') from None
            if not 0 < port < 65536:
                raise bad_request(f"port {port} must be > 0 and < 65536")
            ports.append(port)
    if not ports:
        raise bad_request("at least one port must be specified")
    return ports


def _upgrade(handler: Any, fake: FakeKube) -> WebSocket:
    key = handler.headers.get("Sec-WebSocket-Key") or ""
    offered = [p.strip() for p in (handler.headers.get("Sec-WebSocket-Protocol") or "").split(",")]
    chosen = next((p for p in offered if p in fake.streams.protocols), None)
    if chosen is None:
        raise ApiError(400, "BadRequest", "unable to upgrade: no supported subprotocol offered")
    accept = base64.b64encode(hashlib.sha1((key + WS_GUID).encode()).digest()).decode()
    handler.send_response(101, "Switching Protocols")
    handler.send_header("Upgrade", "websocket")
    handler.send_header("Connection", "Upgrade")
    handler.send_header("Sec-WebSocket-Accept", accept)
    handler.send_header("Sec-WebSocket-Protocol", chosen)
    handler.end_headers()
    handler.wfile.flush()
    handler.close_connection = True
    conn: socket.socket = handler.connection
    buffered = b""
    # what the client sent after its request may already sit in the handler's read buffer
    conn.setblocking(False)
    try:
        buffered = handler.rfile.read1(65536) or b""
    except (BlockingIOError, OSError):
        buffered = b""
    finally:
        conn.setblocking(True)
    epoch = fake.streams.track(conn)

    def stopped() -> bool:
        return fake._server is None or fake.streams.epoch() != epoch

    ws = WebSocket(conn, buffered, stopped)
    ws.protocol = chosen  # type: ignore[attr-defined]
    return ws


def _finish(handler: Any, fake: FakeKube, ws: WebSocket) -> None:
    fake.streams.untrack(ws.sock)
    ws.close()
    handler.close_connection = True


# -- exec ---------------------------------------------------------------------------------
def _exec(
    ws: WebSocket,
    fake: FakeKube,
    key: ContainerKey,
    command: tuple[str, ...],
    flags: dict[str, bool],
) -> None:
    streams = fake.streams
    with streams.lock:
        streams.execs.append((key, command))
    image = _image_of(fake, key)
    process = Process(streams, key, image, flags["tty"])
    stdout = STDOUT if flags["stdout"] else None
    stderr = (STDOUT if flags["tty"] else STDERR) if flags["stderr"] else None

    def flush() -> None:
        for channel, data in process.take_output():
            target = stdout if channel == STDOUT else stderr
            if target is not None and data:
                ws.send(bytes([target]) + data)

    try:
        process.start(command)
        flush()
        v5 = ws.protocol == V5  # type: ignore[attr-defined]
        while process.exit_code is None and process.error is None:
            if not flags["stdin"]:
                process.end_stdin()
                flush()
                continue
            try:
                message = ws.receive()
            except StreamClosed:
                return
            if not message:
                continue
            channel, data = message[0], message[1:]
            if channel == STDIN:
                process.feed(data)
            elif channel == RESIZE:
                size = json.loads(data or b"{}")
                process.resize(int(size.get("Width", 0)), int(size.get("Height", 0)))
            elif channel == CLOSE and v5 and data[:1] == bytes([STDIN]):
                process.end_stdin()
            flush()
        ws.send(bytes([STATUS]) + json.dumps(process.status()).encode())
    except StreamClosed:
        return


def _image_of(fake: FakeKube, key: ContainerKey) -> str:
    pod = fake.state.get("pods", key[0], key[1]) or {}
    for container in (pod.get("spec") or {}).get("containers") or []:
        if container.get("name") == key[2]:
            return str(container.get("image", ""))
    return ""


class Process:
    """One command in a fake container: fed stdin, it writes output and ends with a code."""

    def __init__(self, streams: Streams, key: ContainerKey, image: str, tty: bool) -> None:
        self.streams = streams
        self.key = key
        self.image = image
        self.tty = tty
        self.output: list[tuple[int, bytes]] = []
        self.exit_code: int | None = None
        self.error: str | None = None  # the runtime could not start the command
        self.command: tuple[str, ...] = ()
        self._stdin = bytearray()
        self._on_input: Callable[[bytes], None] | None = None
        self._on_end: Callable[[], None] | None = None

    # -- plumbing
    def out(self, text: str | bytes) -> None:
        data = text.encode() if isinstance(text, str) else text
        if self.tty:
            data = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        self.output.append((STDOUT, data))

    def err(self, text: str) -> None:
        data = text.encode()
        if self.tty:
            data = data.replace(b"\n", b"\r\n")
        self.output.append((STDERR, data))

    def take_output(self) -> list[tuple[int, bytes]]:
        taken, self.output = self.output, []
        return taken

    def has(self, program: str) -> bool:
        if program in self.streams.missing:
            return False
        if program == "bash" and any(name in self.image for name in NO_BASH_IMAGES):
            return False
        return program in PROGRAMS

    def start(self, command: tuple[str, ...]) -> None:
        self.command = command
        program = posixpath.basename(command[0])
        if not self.has(program):
            self.error = (
                "error executing command in container: failed to exec in container: "
                f'failed to start exec "{_exec_id(command)}": OCI runtime exec failed: exec '
                f'failed: unable to start container process: exec: "{command[0]}": '
                "executable file not found in $PATH: unknown"
            )
            return
        PROGRAMS[program](self, list(command[1:]))

    def feed(self, data: bytes) -> None:
        if self._on_input is not None:
            self._on_input(data)

    def end_stdin(self) -> None:
        on_end, self._on_end, self._on_input = self._on_end, None, None
        if on_end is not None:
            on_end()
        elif self.exit_code is None and self.error is None:
            self.exit_code = 0

    def resize(self, width: int, height: int) -> None:
        with self.streams.lock:
            self.streams.resizes.setdefault(self.key, []).append((width, height))

    def status(self) -> dict[str, Any]:
        if self.error is not None:
            return {
                "metadata": {},
                "status": "Failure",
                "message": f"Internal error occurred: {self.error}",
                "reason": "InternalError",
                "details": {"causes": [{"message": self.error}]},
                "code": 500,
            }
        if self.exit_code == 0:
            return {"metadata": {}, "status": "Success"}
        return {
            "metadata": {},
            "status": "Failure",
            "message": (
                "command terminated with non-zero exit code: error executing command "
                f"[{' '.join(self.command)}], exit code {self.exit_code}"
            ),
            "reason": "NonZeroExitCode",
            "details": {"causes": [{"reason": "ExitCode", "message": str(self.exit_code)}]},
        }

    # -- the container's files
    def path(self, name: str) -> str:
        return posixpath.normpath(posixpath.join("/", name))

    def read_file(self, name: str) -> bytes | None:
        with self.streams.lock:
            return self.streams._files.get(self.key, {}).get(self.path(name))

    def write_file(self, name: str, data: bytes) -> None:
        with self.streams.lock:
            self.streams._files.setdefault(self.key, {})[self.path(name)] = data


def _exec_id(command: tuple[str, ...]) -> str:
    return hashlib.sha256(" ".join(command).encode()).hexdigest()


# -- programs -------------------------------------------------------------------------------
def _cat(process: Process, args: list[str]) -> None:
    if args and args != ["-"]:
        code = 0
        for name in args:
            data = process.read_file(name)
            if data is None:
                process.err(f"cat: {name}: No such file or directory\n")
                code = 1
            else:
                process.out(data)
        process.exit_code = code
        return
    process._on_input = process.out


def _tar(process: Process, args: list[str]) -> None:
    flags = args[0].lstrip("-") if args else ""
    rest = args[1:]
    directory = "/"
    if "-C" in rest:
        index = rest.index("-C")
        if index + 1 >= len(rest):
            process.err("tar: option requires an argument -- 'C'\n")
            process.exit_code = 2
            return
        directory = rest[index + 1]
        del rest[index : index + 2]
    if "x" not in flags or "f" not in flags or rest[:1] != ["-"]:
        process.err("tar: the fake container only understands: tar -xf - -C DIR\n")
        process.exit_code = 2
        return
    received = bytearray()

    def collect(data: bytes) -> None:
        received.extend(data)

    def extract() -> None:
        try:
            with tarfile.open(fileobj=io.BytesIO(bytes(received)), mode="r|*") as archive:
                for member in archive:
                    if not member.isfile():
                        continue
                    handle = archive.extractfile(member)
                    data = handle.read() if handle is not None else b""
                    process.write_file(posixpath.join(directory, member.name), data)
        except tarfile.TarError as error:
            process.err(f"tar: {error}\n")
            process.exit_code = 2
            return
        process.exit_code = 0

    process._on_input = collect
    process._on_end = extract


def _echo(process: Process, args: list[str]) -> None:
    process.out(" ".join(args) + "\n")
    process.exit_code = 0


def _true(process: Process, args: list[str]) -> None:
    process.exit_code = 0


def _false(process: Process, args: list[str]) -> None:
    process.exit_code = 1


def _touch(process: Process, args: list[str]) -> None:
    for name in args:
        if process.read_file(name) is None:
            process.write_file(name, b"")
    process.exit_code = 0


def _stty(process: Process, args: list[str]) -> None:
    if args != ["size"]:
        process.err("stty: the fake container only understands: stty size\n")
        process.exit_code = 1
        return
    with process.streams.lock:
        sizes = process.streams.resizes.get(process.key) or [(80, 24)]
    width, height = sizes[-1]
    process.out(f"{height} {width}\n")
    process.exit_code = 0


def _shell(process: Process, args: list[str]) -> None:
    if args[:1] == ["-c"]:
        if len(args) < 2:
            process.err("sh: -c: option requires an argument\n")
            process.exit_code = 2
            return
        code = _script(process, args[1])
        process.exit_code = 0 if code is None else code
        return
    line = bytearray()
    last = 0

    def prompt() -> None:
        process.out("$ ")

    def on_input(data: bytes) -> None:
        nonlocal last
        for byte in data:
            char = bytes([byte])
            if process.tty and char != b"\r":
                process.out(char)  # the terminal's echo
            if char in (b"\r", b"\n"):
                if process.tty:
                    process.out("\n")
                text = line.decode(errors="replace")
                line.clear()
                code = _script(process, text) if text.strip() else None
                if code is not None and process.exit_code is not None:
                    return
                last = last if code is None else code
                prompt()
            else:
                line.extend(char)

    def on_end() -> None:
        process.exit_code = last

    process._on_input = on_input
    process._on_end = on_end
    prompt()


def _script(process: Process, script: str) -> int | None:
    """Run a ``;``/``&&`` list of simple commands; ``exit N`` sets the exit code and stops.
    Returns the last command's code."""
    code: int | None = None
    for part in script.replace("&&", ";").split(";"):
        try:
            words = shlex.split(part)
        except ValueError:
            process.err("sh: syntax error\n")
            return 2
        if not words:
            continue
        if words[0] == "exit":
            process.exit_code = int(words[1]) if len(words) > 1 and words[1].isdigit() else 0
            return process.exit_code
        program = words[0]
        if program in ("sh", "bash") or not process.has(program) or program == "tar":
            process.err(f"sh: {program}: not found\n")
            code = 127
            continue
        inner = Process(process.streams, process.key, process.image, process.tty)
        PROGRAMS[program](inner, words[1:])
        inner.end_stdin()  # a script's command reads no stdin
        process.output.extend(inner.take_output())
        code = inner.exit_code
    return code


PROGRAMS: dict[str, Callable[[Process, list[str]], None]] = {
    "cat": _cat,
    "tar": _tar,
    "echo": _echo,
    "true": _true,
    "false": _false,
    "touch": _touch,
    "stty": _stty,
    "sh": _shell,
    "bash": _shell,
}


# -- port-forward -----------------------------------------------------------------------------
def _portforward(ws: WebSocket, pod: dict[str, Any], ports: list[int]) -> None:
    exposed = {
        int(port.get("containerPort", 0))
        for container in (pod.get("spec") or {}).get("containers") or []
        for port in container.get("ports") or []
    }
    open_ports: set[int] = set()
    for index, port in enumerate(ports):
        number = struct.pack("<H", port)
        ws.send(bytes([2 * index]) + number)
        ws.send(bytes([2 * index + 1]) + number)
    for index, port in enumerate(ports):
        if port in exposed:
            open_ports.add(index)
        else:
            ws.send(bytes([2 * index + 1]) + _refused(pod, port).encode())
    if not open_ports:
        return
    while True:
        try:
            message = ws.receive()
        except StreamClosed:
            return
        if not message:
            continue
        channel, data = message[0], message[1:]
        if channel % 2 == 0 and channel // 2 in open_ports and data:
            ws.send(bytes([channel]) + data)  # the container's echo server


def _refused(pod: dict[str, Any], port: int) -> str:
    """What kubelet (containerd) writes on the error channel when nothing listens there."""
    meta = pod.get("metadata") or {}
    uid = meta.get("uid", "")
    sandbox = hashlib.sha256(str(uid).encode()).hexdigest()
    netns = f"/var/run/netns/cni-{uid}"
    return (
        f"an error occurred forwarding {port} -> {port}: error forwarding port {port} to pod "
        f"{sandbox}, uid : failed to execute portforward in network namespace "
        f'"{netns}": failed to connect to localhost:{port} inside namespace '
        f'"{sandbox}", IPv4: dial tcp4 127.0.0.1:{port}: connect: connection refused '
        f"IPv6 dial tcp6 [::1]:{port}: connect: connection refused "
    )
