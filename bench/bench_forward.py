"""Bytes through a port-forward, and the latency one adds, against the fake API server.

    .venv/bin/python bench/bench_forward.py [--megabytes N] [--round-trips N]

One run measures both sides on the same machine:
- throughput: N MB written into ``KubeBackend.port_forward(...).socket`` and read back from the
  fake container's echo server (client websocket -> fake API server -> echo), against the same
  bytes through a plain local TCP echo server;
- latency: the median round trip of a 64-byte message through the forward, against the same
  through the local TCP echo; the difference is what the forward adds.
The fake's side is Python too (a real API server and kubelet are Go, with a network in
between), so these are figures for gok-tui's own client path, not for a cluster.
Prints figures and ratios; it asserts nothing.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gok_tui.backends.kube import KubeBackend
from gok_tui.config.kubeconfig import resolve_target

from tests.kubefake import FakeKube, wait_until

CHUNK = 64 * 1024
MESSAGE = b"x" * 64


class LocalEcho:
    """A TCP echo server on 127.0.0.1: the baseline."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._echo, args=(conn,), daemon=True).start()

    @staticmethod
    def _echo(conn: socket.socket) -> None:
        with conn:
            while data := conn.recv(CHUNK):
                conn.sendall(data)

    def connect(self) -> socket.socket:
        sock = socket.create_connection(("127.0.0.1", self.port))
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock

    def close(self) -> None:
        self.listener.close()


def throughput(sock: socket.socket, total: int) -> float:
    """Bytes a second, written and echoed back whole."""
    payload = b"\xa5" * CHUNK
    sender = threading.Thread(
        target=lambda: [sock.sendall(payload) for _ in range(total // CHUNK)], daemon=True
    )
    started = time.perf_counter()
    sender.start()
    received = 0
    while received < total // CHUNK * CHUNK:
        data = sock.recv(CHUNK * 4)
        if not data:
            raise RuntimeError(f"EOF after {received} bytes")
        received += len(data)
    elapsed = time.perf_counter() - started
    sender.join()
    return received / elapsed


def round_trips(sock: socket.socket, count: int) -> list[float]:
    times = []
    for _ in range(count):
        started = time.perf_counter()
        sock.sendall(MESSAGE)
        got = b""
        while len(got) < len(MESSAGE):
            data = sock.recv(len(MESSAGE) - len(got))
            if not data:
                raise RuntimeError("EOF")
            got += data
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=int, default=32)
    parser.add_argument("--round-trips", type=int, default=500)
    args = parser.parse_args()
    total = args.megabytes * 1024 * 1024

    with FakeKube() as fake, tempfile.TemporaryDirectory() as folder:
        fake.apply_object(
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": "echo", "namespace": "default"},
                "spec": {
                    "containers": [
                        {"name": "main", "image": "echo:1", "ports": [{"containerPort": 7}]}
                    ]
                },
            }
        )
        wait_until(
            lambda: (
                (fake.get_object("pods", "default", "echo") or {}).get("status", {}).get("phase")
                == "Running"
            ),
            timeout=30,
        )
        kubeconfig = fake.write_kubeconfig(Path(folder) / "kubeconfig")
        target = resolve_target(kubeconfig=str(kubeconfig), environ={})
        assert target is not None
        backend = KubeBackend(target)
        local = LocalEcho()
        try:
            with local.connect() as sock:
                direct_rate = throughput(sock, total)
            with backend.port_forward("default", "echo", 7) as forward:
                forward_rate = throughput(forward.socket, total)
            with local.connect() as sock:
                direct_rtt = statistics.median(round_trips(sock, args.round_trips))
            opened = time.perf_counter()
            with backend.port_forward("default", "echo", 7) as forward:
                open_time = time.perf_counter() - opened
                forward_rtt = statistics.median(round_trips(forward.socket, args.round_trips))
        finally:
            local.close()
            backend.close()

    mb = 1024 * 1024
    print(f"throughput, {args.megabytes} MB echoed:")
    print(f"  local TCP echo      {direct_rate / mb:8.1f} MB/s")
    print(f"  port-forward (fake) {forward_rate / mb:8.1f} MB/s")
    print(f"  ratio forward/local {forward_rate / direct_rate:8.3f}")
    print(f"round trip of {len(MESSAGE)} bytes, median of {args.round_trips}:")
    print(f"  local TCP echo      {direct_rtt * 1e6:8.0f} us")
    print(f"  port-forward (fake) {forward_rtt * 1e6:8.0f} us")
    print(f"  added by forward    {(forward_rtt - direct_rtt) * 1e6:8.0f} us")
    print(f"  ratio forward/local {forward_rtt / direct_rtt:8.1f}")
    print(f"opening a forward (websocket handshake): {open_time * 1e3:.1f} ms")


if __name__ == "__main__":
    main()
