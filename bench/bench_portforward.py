"""Port-forward: bytes/s through a forward against the fake API server, and the latency it adds.

    .venv/bin/python bench/bench_portforward.py [--megabytes 8] [--pings 300]

One Deployment with one pod in the fake (in this process); its container echoes what it is sent
over the API server's port-forward websocket. Measured in the same run:
- baseline: one connection opened with the backend's ``port_forward`` (the websocket and its
  socket pair, no listener of ours): a 1-byte round trip, --pings times (median, p95), and
  --megabytes sent and echoed back (MB/s both ways);
- forward: the same through a ForwardManager forward, by a TCP client on its local port (our
  listener and the two threads that bridge each connection).
Prints the figures and the ratios. Target: the forward adds at most 1 ms to the median round
trip and keeps at least half the baseline's throughput. Prints PASS/FAIL.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.integration.helpers import deployment  # noqa: E402
from tests.kubefake import FakeKube, wait_until  # noqa: E402

CHUNK = 64 * 1024


def pings(send: Callable[[bytes], None], recv: Callable[[int], bytes], count: int) -> list[float]:
    times = []
    for _ in range(count):
        started = time.perf_counter()
        send(b"x")
        if recv(1) != b"x":
            raise SystemExit("the echo did not come back")
        times.append(time.perf_counter() - started)
    return times


def throughput(sock: socket.socket, total: int) -> float:
    """Send ``total`` bytes while reading the echo on another thread; MB/s of the echo."""
    received = 0

    def read() -> None:
        nonlocal received
        while received < total:
            data = sock.recv(CHUNK)
            if not data:
                return
            received += len(data)

    reader = threading.Thread(target=read)
    started = time.perf_counter()
    reader.start()
    block = b"\x00" * CHUNK
    sent = 0
    while sent < total:
        sock.sendall(block[: min(CHUNK, total - sent)])
        sent += min(CHUNK, total - sent)
    reader.join()
    elapsed = time.perf_counter() - started
    if received < total:
        raise SystemExit(f"only {received} of {total} bytes came back")
    return total / elapsed / 1e6


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--megabytes", type=float, default=8.0)
    parser.add_argument("--pings", type=int, default=300)
    args = parser.parse_args()
    total = int(args.megabytes * 1e6)

    from gok_tui.backends.kube import KubeBackend
    from gok_tui.config.kubeconfig import resolve_target
    from gok_tui.domain.forwards import ForwardTarget
    from gok_tui.store.forwards import ForwardManager, ForwardRequest, open_pod_stream

    fake = FakeKube(port=0)
    web = deployment("web", replicas=1)
    web["spec"]["template"]["spec"]["containers"][0]["ports"] = [{"containerPort": 8080}]
    fake.apply_object(web)
    fake.start()
    try:
        kubeconfig = fake.write_kubeconfig(Path(tempfile.mkdtemp()) / "config")
        target = resolve_target(kubeconfig=str(kubeconfig), environ={})
        assert target is not None

        def ready() -> list[str]:
            return [
                p["metadata"]["name"]
                for p in fake.list_objects("pods", "default")
                if any(
                    c.get("type") == "Ready" and c.get("status") == "True"
                    for c in p.get("status", {}).get("conditions", [])
                )
            ]

        wait_until(lambda: ready(), timeout=15)
        pod = ready()[0]

        backend = KubeBackend(target)
        with backend.port_forward("default", pod, 8080) as direct:
            base_rtt = pings(direct.socket.sendall, direct.socket.recv, args.pings)
        with backend.port_forward("default", pod, 8080) as direct:
            base_mbs = throughput(direct.socket, total)
        backend.close()

        manager = ForwardManager(open_pod_stream)
        with socket.create_server(("127.0.0.1", 0)) as probe:
            local = probe.getsockname()[1]
        request = ForwardRequest(ForwardTarget("deployments", "default", "web"), 8080, local)
        manager.start(request, KubeBackend(target))
        with socket.create_connection(("127.0.0.1", local)) as client:
            client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            fwd_rtt = pings(client.sendall, client.recv, args.pings)
        with socket.create_connection(("127.0.0.1", local)) as client:
            fwd_mbs = throughput(client, total)
        manager.stop_all(audit=False)
    finally:
        fake.stop()

    def ms(values: list[float], percentile: int) -> float:
        return statistics.quantiles(values, n=100)[percentile - 1] * 1000

    base_median, fwd_median = statistics.median(base_rtt) * 1000, statistics.median(fwd_rtt) * 1000
    added = fwd_median - base_median
    print(f"round trip, 1 byte ({args.pings} times)   median    p95")
    print(f"  backend connection (baseline)  {base_median:7.3f} ms {ms(base_rtt, 95):7.3f} ms")
    print(f"  through the forward            {fwd_median:7.3f} ms {ms(fwd_rtt, 95):7.3f} ms")
    print(f"  added by the forward           {added:7.3f} ms")
    print(f"echo throughput, {args.megabytes:g} MB each way")
    print(f"  backend connection (baseline)  {base_mbs:7.2f} MB/s")
    print(
        f"  through the forward            {fwd_mbs:7.2f} MB/s ({fwd_mbs / base_mbs:.2f}x baseline)"
    )
    ok = added <= 1.0 and fwd_mbs >= 0.5 * base_mbs
    print(
        "PASS" if ok else "FAIL", "(target: adds <= 1 ms to the median, keeps >= 0.5x throughput)"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
