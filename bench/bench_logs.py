"""Log throughput and memory.

    .venv/bin/python bench/bench_logs.py [--lines N] [--runs R]

1. A pod log of N lines on the fake API server (run in its own process, so it does not share
   this process's interpreter lock). Baseline: the official client reads the same stream the
   Logs view reads (`read_namespaced_pod_log(follow=True, timestamps=True,
   _preload_content=False)`) and writes it to /dev/null until every line has come. gok-tui: the
   follower (stream, batch) feeding a LogView in a headless app, drained per tick at the app's
   default refresh interval as the Logs view does, with gok-tui's garbage collection regime
   (tui/idle_gc.py: GokApp moves full collections to idle moments; left to CPython, each of
   the 3-4 full passes a 200,000-line buffer triggers walks every line, 0.4-0.7 s in all),
   until every line is in the view's buffer.
   Targets: gok-tui >= 0.8 x the baseline's lines/s, and >= 50,000 lines/s.
   For reference only, the same log read whole (no follow: one body, no chunk framing) is
   printed too; a followed log arrives as HTTP chunks, one per line when lines come one by one.
2. Memory: 1,000,000 lines pushed through a 100,000-line buffer in batches of 1,000;
   resident memory growth (target <= 150 MB) and the dropped counter (must be 900,000).
With ``--runs R`` the throughput is measured R times, each run in ABBA order (baseline,
gok-tui, gok-tui, baseline) so that load from elsewhere on a shared machine weighs on both sides
alike; each run's ratio is its two gok-tui figures' mean over its two baselines' mean, printed
with the machine's load average, and the verdict is on the worst run.
Prints figures and PASS/FAIL; it asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

RATIO_TARGET = 0.8
RATE_TARGET = 50_000
MEMORY_TARGET_MB = 150


def serve(kubeconfig: str, lines: int, ready: multiprocessing.synchronize.Event) -> None:  # type: ignore[name-defined]
    from tests.kubefake import FakeKube, wait_until

    fake = FakeKube(port=0)
    fake.start()
    fake.apply_object(
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "chatty", "namespace": "default", "labels": {"app": "chatty"}},
            "spec": {"containers": [{"name": "main", "image": "busybox:1"}]},
        }
    )
    wait_until(
        lambda: (fake.get_object("pods", "default", "chatty").get("status") or {}).get(
            "containerStatuses"
        )
    )
    body = [
        f'{{"level":"info","msg":"request served","path":"/api/items/{n}","ms":{n % 97}}}'
        if n % 3 == 0
        else f"2026-11-22 10:00:00 INFO GET /api/items/{n} 200 in {n % 97} ms"
        for n in range(lines)
    ]
    fake.append_log("default", "chatty", "main", body)
    fake.write_kubeconfig(Path(kubeconfig))
    ready.set()
    while True:
        time.sleep(3600)


def baseline(kubeconfig: str, expected: int, *, follow: bool) -> float:
    from kubernetes import client, config

    config.load_kube_config(config_file=kubeconfig)
    api = client.CoreV1Api()
    started = time.perf_counter()
    response = api.read_namespaced_pod_log(
        "chatty",
        "default",
        container="main",
        timestamps=True,
        follow=follow,
        _preload_content=False,
    )
    count = 0
    with open(os.devnull, "wb") as sink:
        for chunk in response.stream(65536):
            sink.write(chunk)
            count += chunk.count(b"\n")
            if count >= expected:
                break  # following, the server keeps the stream open for more
    elapsed = time.perf_counter() - started
    response.release_conn()
    if count != expected:
        raise SystemExit(f"baseline read {count} lines, expected {expected}")
    return expected / elapsed


def gok(kubeconfig: str, expected: int) -> float:
    from gok_tui.backends.kube import KubeBackend
    from gok_tui.config.kubeconfig import resolve_target
    from gok_tui.config.settings import Settings
    from gok_tui.idle_gc import IdleCollector
    from gok_tui.store.logs import LogFollower, LogRequest
    from gok_tui.widgets.log_view import LogView
    from textual.app import App, ComposeResult

    target = resolve_target(kubeconfig=kubeconfig, environ={})
    assert target is not None
    backend = KubeBackend(target)
    pod = backend.get_json("/api/v1/namespaces/default/pods/chatty")
    result: dict[str, float] = {}

    class Bench(App[None]):
        def compose(self) -> ComposeResult:
            yield LogView(max(expected, 100_000), id="view")

        def on_mount(self) -> None:
            self.idle_gc = IdleCollector()  # as GokApp runs every view (started long before)
            self.idle_gc.start()
            self.follower = LogFollower(
                backend, LogRequest("default", "pod/chatty", pod="chatty", tail_lines=None)
            )
            self.started = time.perf_counter()
            self.follower.update_pods({"chatty": pod})
            self.set_interval(Settings().refresh_interval_ms / 1000, self.tick)

        def tick(self) -> None:
            view = self.query_one(LogView)
            view.append(self.follower.drain())
            self.idle_gc.tick()
            if view.buffer.total >= expected:
                result["elapsed"] = time.perf_counter() - self.started
                self.follower.stop()
                self.idle_gc.stop()
                self.exit()

    async def run() -> None:
        app = Bench()
        async with app.run_test(size=(120, 40)) as pilot:
            deadline = time.monotonic() + 120
            while "elapsed" not in result and time.monotonic() < deadline:
                await pilot.pause(0.05)

    asyncio.run(run())
    backend.close()
    if "elapsed" not in result:
        raise SystemExit("gok-tui never received every line")
    return expected / result["elapsed"]


def memory() -> tuple[float, int]:
    from gok_tui.domain.logs import parse_line
    from gok_tui.widgets.log_view import LogView

    def rss_mb() -> float:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    view = LogView(100_000)
    before = rss_mb()
    peak = before
    for batch_start in range(0, 1_000_000, 1_000):
        batch = [
            parse_line(0, f"2026-11-22T10:00:00.{n:09d}Z GET /api/items/{n} 200".encode(), True)
            for n in range(batch_start, batch_start + 1_000)
        ]
        view.buffer.extend(batch)
        if batch_start % 100_000 == 0:
            peak = max(peak, rss_mb())
    peak = max(peak, rss_mb())
    return peak - before, view.buffer.dropped


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=1, help="ABBA runs of the throughput")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="gok-bench-logs-"))
    kubeconfig = str(folder / "kubeconfig")
    ready = multiprocessing.Event()
    server = multiprocessing.Process(
        target=serve, args=(kubeconfig, args.lines, ready), daemon=True
    )
    server.start()
    if not ready.wait(120):
        raise SystemExit("the fake API server did not start")
    runs: list[tuple[float, float, float]] = []  # (baseline, gok-tui, load average)
    try:
        whole = baseline(kubeconfig, args.lines, follow=False)
        for _ in range(args.runs):
            first = baseline(kubeconfig, args.lines, follow=True)
            ours = (gok(kubeconfig, args.lines) + gok(kubeconfig, args.lines)) / 2
            base = (first + baseline(kubeconfig, args.lines, follow=True)) / 2
            runs.append((base, ours, os.getloadavg()[0]))
    finally:
        server.terminate()
    where = f"the fake API server (separate process), {os.cpu_count()} cores"
    print(f"{args.lines:,} log lines from {where}")
    print(f"  client, whole log        : {whole:>10,.0f} lines/s (reference: not followed)")
    for n, (base, ours, load) in enumerate(runs, start=1):
        print(f"  run {n} (ABBA, load {load:.1f})")
        print(f"    client, followed stream: {base:>10,.0f} lines/s (baseline, to /dev/null)")
        print(f"    gok-tui follower + view: {ours:>10,.0f} lines/s   ratio {ours / base:.2f}")
    ratios = [ours / base for base, ours, _ in runs]
    worst = min(ratios)
    verdict = "PASS" if worst >= RATIO_TARGET else "FAIL"
    listed = ", ".join(f"{r:.2f}" for r in ratios)
    print(f"  ratios {listed}; worst {worst:.2f} (target >= {RATIO_TARGET} in every run) {verdict}")
    slowest = min(ours for _, ours, _ in runs)
    verdict = "PASS" if slowest >= RATE_TARGET else "FAIL"
    print(f"  rate {slowest:,.0f} lines/s at worst (target >= {RATE_TARGET:,}) {verdict}")
    grown, dropped = memory()
    verdict = "PASS" if grown <= MEMORY_TARGET_MB and dropped == 900_000 else "FAIL"
    print(
        f"1,000,000 lines through a 100,000-line buffer: +{grown:.0f} MB resident, "
        f"{dropped:,} dropped (target <= {MEMORY_TARGET_MB} MB, 900,000 dropped) {verdict}"
    )


if __name__ == "__main__":
    main()
