"""10,000 pods in 200 Deployments with 200 status changes a second: memory, keys, freshness.

    .venv/bin/python bench/bench_scale.py [--deployments 200] [--pods-per-deployment 50]
        [--churn 200] [--presses 50] [--probes 10] [--profile SECONDS] [--generic]

The fake API server runs in a child process (its CPU is not this process's) with the pods
written directly (no controllers) and RATE pod status changes a second (readiness flips and
restart counts). gok-tui runs in this process, headless at 120x40, on the Pods view of the
namespace holding them. Once the table holds every pod, with the churn running:
1. resident memory (VmRSS) of this process, against the baseline before the app started
   (interpreter and imports); target <= 250 MB;
2. key press latency: `j` from `pilot.press` to the table cursor having moved (median, p95;
   also to the next paint); target < 100 ms;
3. a change on screen: a pod in view gets a distinctive restartCount through the API (JSON
   patch on pods/status), timed until the table's cell shows it and until a paint shows it
   (median); target < 1 s.
Also: the longest stall of the UI event loop and the UI tick's cost. A UI thread blocked for
longer than --stall-limit seconds ends the run with what was measured, where it was stuck, and
FAIL for what could not be measured. `--profile N` profiles the UI thread for N seconds.
`--generic` measures the same on the generic view of any kind (screens/generic.py): the pods
listed and watched as the server's Tables with their objects, in the server's columns.
`--with-metrics` serves metrics.k8s.io with a usage for every pod (each value its own) and
measures once the usage columns show, polled every `--metrics-interval` seconds (5: three times
the default rate, to load it); `--compare-metrics` runs the bench twice, in two processes (so
the memory figures are each their own), without and with metrics, and prints both and a
summary of the two (key p95 and resident memory).
Prints figures and PASS/FAIL; it asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import io
import json
import os
import pstats
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MEMORY_TARGET_MB = 250.0
KEY_TARGET_MS = 100.0
CHANGE_TARGET_S = 1.0
NAMESPACE = "default"
PROBE_BASE = 100_000  # restart counts the churn (which bumps by one) never reaches


def rss_mb(field: str = "VmRSS") -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def spread(values: list[float]) -> str:
    return (
        f"median {statistics.median(values):7.1f} ms  p95 {percentile(values, 0.95):7.1f} ms  "
        f"max {max(values):7.1f} ms"
    )


def start_fake(
    args: argparse.Namespace, workdir: Path
) -> tuple[subprocess.Popen[bytes], Path, str]:
    kubeconfig = workdir / "kubeconfig"
    ready = workdir / "ready"
    command = [
        sys.executable,
        "-m",
        "tests.kubefake",
        "--empty",
        "--no-controllers",
        "--deployments",
        str(args.deployments),
        "--pods-per-deployment",
        str(args.pods_per_deployment),
        "--namespace",
        NAMESPACE,
        "--churn",
        str(args.churn),
        "--kubeconfig",
        str(kubeconfig),
        "--ready-file",
        str(ready),
    ]
    if args.with_metrics:
        command.append("--metrics")
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while not ready.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("fake API server did not start")
        time.sleep(0.05)
    return proc, kubeconfig, ready.read_text().strip()


def patch_restart_count(url: str, name: str, value: int) -> None:
    body = json.dumps(
        [{"op": "replace", "path": "/status/containerStatuses/0/restartCount", "value": value}]
    ).encode()
    request = urllib.request.Request(
        f"{url}/api/v1/namespaces/{NAMESPACE}/pods/{name}/status",
        data=body,
        method="PATCH",
        headers={"Content-Type": "application/json-patch+json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()


@dataclass
class Measurements:
    pods: int = 0
    load_s: float | None = None
    rss_after_load: float | None = None
    census: str = ""
    rss_samples: list[float] = field(default_factory=list)
    key_ms: list[float] = field(default_factory=list)
    key_paint_ms: list[float] = field(default_factory=list)
    keys_wanted: int = 0
    change_ack_ms: list[float] = field(default_factory=list)
    change_cell_ms: list[float] = field(default_factory=list)
    change_paint_ms: list[float] = field(default_factory=list)
    changes_wanted: int = 0
    screen_checked: int = 0
    ticks_ms: list[float] = field(default_factory=list)
    window_s: float = 0.0
    stalls_ms: list[float] = field(default_factory=list)  # event loop gaps over 50 ms
    gc_ms: dict[int, list[float]] = field(default_factory=dict)  # pauses by generation
    profile: str = ""
    stuck: str = ""  # where the UI thread was when the watchdog gave up
    usage_s: float | None = None  # --with-metrics: from the table full to usage shown
    metrics_polls: int = 0  # --with-metrics: metrics lists read while measuring
    phase: str = "start"  # what the bench was doing (for the watchdog's report)


class GcPauses:
    """Garbage collector pauses by generation (a full collection of a large heap stalls)."""

    def __init__(self, into: dict[int, list[float]]) -> None:
        self.into = into
        self.started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self.started = time.perf_counter()
        else:
            pause = (time.perf_counter() - self.started) * 1000
            self.into.setdefault(info["generation"], []).append(pause)


class Heartbeat:
    """The UI event loop's pulse: gaps show how long it was blocked."""

    def __init__(self) -> None:
        self.last = time.perf_counter()
        self.gaps: list[float] = []
        self.recording = False

    async def run(self) -> None:
        while True:
            await asyncio.sleep(0.01)
            now = time.perf_counter()
            gap = now - self.last - 0.01
            if self.recording and gap > 0.05:
                self.gaps.append(gap * 1000)
            self.last = now


def watchdog(heart: Heartbeat, limit: float, on_stall: Callable[[str], None]) -> None:
    main = threading.main_thread().ident
    while True:
        time.sleep(1.0)
        if time.perf_counter() - heart.last > limit:
            frame = sys._current_frames().get(main or 0)
            stack = traceback.format_stack(frame)[-8:] if frame is not None else []
            on_stall("".join(stack))
            return


async def measure(
    args: argparse.Namespace, kubeconfig: Path, url: str, out: Measurements, heart: Heartbeat
) -> None:
    from gok_tui.app import GokApp
    from gok_tui.config.kubeconfig import resolve_target
    from gok_tui.config.settings import Settings
    from gok_tui.session import Session
    from gok_tui.widgets.resource_table import ResourceTable
    from textual.coordinate import Coordinate

    target = resolve_target(kubeconfig=str(kubeconfig), environ={})
    settings = Settings(metrics_interval_seconds=args.metrics_interval)
    session = Session(settings=settings, target=target)
    # --generic: start on a small view, then open the pods as a kind without a renderer
    app = GokApp(session, start_view="deployments" if args.generic else "pods")
    paints: list[tuple[float, int]] = []  # (time, cursor row) at every screen update
    probe: dict[str, Any] = {}
    moves: list[float] = []

    async with app.run_test(size=(120, 40)) as pilot:
        beat = asyncio.create_task(heart.run())
        if args.generic:
            from gok_tui.domain.kinds import KINDS
            from gok_tui.screens.generic import TableKindScreen

            await app.push_screen(TableKindScreen(KINDS["pods"]))
            await pilot.pause()
        table = app.screen.query_one(ResourceTable)
        screen = app.screen

        def cell_value(key: str) -> int:
            text = str(table.get_cell(key, "restarts")).split(" ", 1)[0]
            return int(text) if text.isdigit() else -1

        display = app._display

        def timed_display(on: Any, renderable: Any) -> None:
            display(on, renderable)
            if renderable is None:
                return
            now = time.perf_counter()
            paints.append((now, table.cursor_row))
            key = probe.get("key")
            if key and "painted" not in probe and cell_value(key) >= probe["value"]:
                probe["painted"] = now

        cursor_down = screen.action_cursor_down  # type: ignore[attr-defined]

        def timed_cursor_down() -> None:
            cursor_down()
            moves.append(time.perf_counter())

        sync = screen.sync
        ticks: list[float] = []

        def timed_sync(now: float) -> None:
            started = time.perf_counter()
            sync(now)
            ticks.append((time.perf_counter() - started) * 1000)

        app._display = timed_display  # type: ignore[method-assign]
        screen.action_cursor_down = timed_cursor_down  # type: ignore[attr-defined]
        screen.sync = timed_sync  # type: ignore[method-assign]

        started = time.perf_counter()
        out.phase = "loading the table"
        progress(f"waiting for {out.pods:,} rows")
        reported = 0.0
        while table.row_count < out.pods:
            elapsed = time.perf_counter() - started
            if elapsed > args.load_timeout:
                raise SystemExit(f"the table has {table.row_count} rows, not {out.pods}")
            if elapsed - reported >= 10:
                reported = elapsed
                progress(f"  {table.row_count:,} rows after {elapsed:.0f} s")
            await asyncio.sleep(0.05)
        out.load_s = time.perf_counter() - started
        out.rss_after_load = rss_mb()
        out.census = census()
        if args.with_metrics:
            out.phase = "waiting for the usage columns"
            progress("waiting for the usage columns")
            shown = time.perf_counter()
            while not (getattr(screen, "_usage_on", False) and screen.usage_settled):
                if time.perf_counter() - shown > args.load_timeout:
                    raise SystemExit("the usage columns never showed")
                await asyncio.sleep(0.05)
            out.usage_s = time.perf_counter() - shown
        progress(f"table full after {out.load_s:.1f} s; settling {args.settle:g} s")
        out.phase = f"settling {args.settle:g} s after the load (churn running, no keys yet)"
        await asyncio.sleep(args.settle)  # churn events queued during the load drain away
        ticks.clear()
        heart.recording = True
        heart.gaps = out.stalls_ms
        out.ticks_ms = ticks  # the same list: what is there if the watchdog fires
        window_start = time.perf_counter()
        polls_before = session.metrics.polls
        pauses = GcPauses(out.gc_ms)
        gc.callbacks.append(pauses)
        rng = random.Random(7)

        # -- key presses -------------------------------------------------------------------
        out.phase = "key presses"
        progress(f"{args.presses} key presses")
        phase_end = time.perf_counter() + args.phase_budget
        for _ in range(args.presses):
            if time.perf_counter() > phase_end:
                break
            await asyncio.sleep(rng.uniform(0.02, 0.15))  # any phase of the tick
            before = table.cursor_row
            count = len(moves)
            pressed = time.perf_counter()
            press = asyncio.create_task(pilot.press("j"))
            while len(moves) == count and time.perf_counter() < phase_end:
                await asyncio.sleep(0.001)
            if len(moves) == count:
                press.cancel()
                break
            moved = moves[count]
            out.key_ms.append((moved - pressed) * 1000)
            await press
            painted = None
            while painted is None and time.perf_counter() < moved + 2:
                painted = next((t for t, row in paints if t >= moved and row == before + 1), None)
                if painted is None:
                    await asyncio.sleep(0.001)
            if painted is not None:
                out.key_paint_ms.append((painted - pressed) * 1000)
            out.rss_samples.append(rss_mb())

        # -- a change made through the API, until it is in the table and painted ------------
        out.phase = "changes through the API"
        progress(f"{args.probes} changes through the API")
        phase_end = time.perf_counter() + args.phase_budget
        for number in range(args.probes):
            if time.perf_counter() > phase_end:
                break
            await asyncio.sleep(rng.uniform(0.2, 0.5))
            first = int(table.scroll_y)
            visible = max(1, table.size.height - 2)
            row = rng.randint(first, min(table.row_count - 1, first + visible - 1))
            key = table.coordinate_to_cell_key(Coordinate(row, 0))[0].value
            assert key is not None
            value = PROBE_BASE + number
            probe.clear()
            probe.update(key=key, value=value)
            sent = time.perf_counter()
            await asyncio.to_thread(patch_restart_count, url, key.split("/", 1)[1], value)
            acked = time.perf_counter()
            while cell_value(key) < value and time.perf_counter() < phase_end:
                await asyncio.sleep(0.002)
            if cell_value(key) < value:
                break
            in_cell = time.perf_counter()
            while "painted" not in probe and time.perf_counter() - in_cell < 5:
                await asyncio.sleep(0.002)
            painted = probe.get("painted")
            probe.clear()
            out.change_ack_ms.append((acked - sent) * 1000)
            out.change_cell_ms.append((in_cell - sent) * 1000)
            if painted is not None:
                out.change_paint_ms.append((painted - sent) * 1000)
            text = "\n".join(
                "".join(segment.text for segment in strip)
                for strip in app.screen._compositor.render_strips()
            )
            out.screen_checked += str(value) in text
            out.rss_samples.append(rss_mb())

        await asyncio.sleep(1.0)
        out.rss_samples.append(rss_mb())
        out.window_s = time.perf_counter() - window_start
        out.metrics_polls = session.metrics.polls - polls_before
        heart.recording = False
        gc.callbacks.remove(pauses)

        if args.profile > 0:
            progress(f"profiling {args.profile:g} s")
            profiler = cProfile.Profile()
            profiler.enable()
            await asyncio.sleep(args.profile)
            profiler.disable()
            text_out = io.StringIO()
            stats = pstats.Stats(profiler, stream=text_out)
            stats.sort_stats("tottime").print_stats(12)
            stats.sort_stats("cumulative").print_stats(r"/(tui|screens|widgets)/|_data_table", 20)
            out.profile = text_out.getvalue()
        beat.cancel()
        app.exit()


def census() -> str:
    """The objects the garbage collector tracks (what a full collection walks), by module."""
    counts: dict[str, int] = {}
    objects = gc.get_objects()
    for obj in objects:
        kind = type(obj)
        name = f"{kind.__module__}.{kind.__qualname__}"
        counts[name] = counts.get(name, 0) + 1
    top = sorted(counts.items(), key=lambda item: -item[1])[:6]
    return f"{len(objects):,} (" + ", ".join(f"{name} {count:,}" for name, count in top) + ")"


def report(args: argparse.Namespace, baseline: float, out: Measurements) -> None:
    print(
        f"{out.pods:,} pods in {args.deployments} Deployments, {args.churn:g} pod status "
        "changes/s (fake API server in a child process); gok-tui headless 120x40, "
        + ("the generic view (server-side Tables)" if args.generic else "Pods view")
        + (
            f", with metrics.k8s.io usage polled every {args.metrics_interval:g} s"
            if args.with_metrics
            else ", no metrics"
        )
    )
    if out.usage_s is not None:
        print(
            f"usage columns shown {out.usage_s:.1f} s after the table filled; "
            f"{out.metrics_polls} metrics lists read in the {out.window_s:.0f} s measured"
        )
    if out.load_s is None:
        print("the table never filled")
    else:
        print(f"table filled with {out.pods:,} rows in {out.load_s:.1f} s (paged list + watch)")
    samples = out.rss_samples or ([out.rss_after_load] if out.rss_after_load else [rss_mb()])
    peak = max(samples)
    print(
        f"memory: baseline {baseline:.0f} MB before the app (interpreter + imports), "
        f"{out.rss_after_load or float('nan'):.0f} MB with the table full, max {peak:.0f} MB "
        f"under churn (the app's share: {peak - baseline:.0f} MB); "
        f"high-water mark {rss_mb('VmHWM'):.0f} MB"
    )
    if out.census:
        print(f"objects the garbage collector tracks with the table full: {out.census}")
    print(
        f"  RESULT memory: {peak:.0f} MB resident (target <= {MEMORY_TARGET_MB:.0f} MB) "
        f"{verdict(peak <= MEMORY_TARGET_MB)}"
    )
    keys_done = len(out.key_ms)
    if out.key_ms:
        print(f"key j -> cursor moved, {keys_done}/{out.keys_wanted} presses: {spread(out.key_ms)}")
    if out.key_paint_ms:
        print(f"key j -> next paint,   {len(out.key_paint_ms)} presses: {spread(out.key_paint_ms)}")
    if keys_done < out.keys_wanted or not out.key_ms:
        print(
            f"  RESULT key latency: only {keys_done} of {out.keys_wanted} presses moved the cursor "
            f"within the {args.phase_budget:g} s budget (target < {KEY_TARGET_MS:.0f} ms) FAIL"
        )
    else:
        median, p95 = statistics.median(out.key_ms), percentile(out.key_ms, 0.95)
        print(
            f"  RESULT key latency: median {median:.1f} ms, p95 {p95:.1f} ms "
            f"(target < {KEY_TARGET_MS:.0f} ms) {verdict(median < KEY_TARGET_MS)}"
            f" (p95 {verdict(p95 < KEY_TARGET_MS)})"
        )
    done = len(out.change_cell_ms)
    if out.change_ack_ms:
        print(f"change via API -> API answered,  {done} probes: {spread(out.change_ack_ms)}")
        print(f"change via API -> cell shows it, {done} probes: {spread(out.change_cell_ms)}")
    if out.change_paint_ms:
        print(
            f"change via API -> painted,       {len(out.change_paint_ms)} probes: "
            f"{spread(out.change_paint_ms)}"
        )
    if done < out.changes_wanted or not done:
        print(
            f"  RESULT change visible: only {done} of {out.changes_wanted} changes reached the "
            f"table within the {args.phase_budget:g} s budget (target < "
            f"{CHANGE_TARGET_S * 1000:.0f} ms) FAIL"
        )
    else:
        shown = statistics.median(out.change_paint_ms or out.change_cell_ms)
        print(
            f"  RESULT change visible: median {shown:.0f} ms (target < "
            f"{CHANGE_TARGET_S * 1000:.0f} ms) {verdict(shown < CHANGE_TARGET_S * 1000)}; "
            f"found on the rendered screen afterwards: {out.screen_checked}/{done}"
        )
    if out.ticks_ms:
        window = out.window_s or 1.0
        busy = sum(out.ticks_ms) / 1000 / window
        print(
            f"UI tick (drain + model + table) while measuring: {len(out.ticks_ms)} ticks, "
            f"median {statistics.median(out.ticks_ms):.1f} ms, "
            f"p95 {percentile(out.ticks_ms, 0.95):.1f} ms, max {max(out.ticks_ms):.1f} ms, "
            f"{busy:.0%} of wall time"
        )
    if out.stalls_ms:
        print(
            f"UI event loop stalls over 50 ms while measuring: {len(out.stalls_ms)}, "
            f"longest {max(out.stalls_ms):.0f} ms, total {sum(out.stalls_ms) / 1000:.1f} s"
            f" of {out.window_s or float('nan'):.1f} s"
        )
    if out.gc_ms:
        print(
            "garbage collector pauses while measuring: "
            + "; ".join(
                f"generation {generation}: {len(pauses)}, longest {max(pauses):.0f} ms, "
                f"total {sum(pauses) / 1000:.1f} s"
                for generation, pauses in sorted(out.gc_ms.items())
            )
        )
    if out.stuck:
        print(
            f"\nUI thread blocked for over {args.stall_limit:g} s while {out.phase}; "
            f"it was in:\n{out.stuck}"
        )
    if out.profile:
        print(f"\nprofile of the UI thread, {args.profile:g} s of churn (by own time):")
        print(out.profile.strip())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deployments", type=int, default=200)
    parser.add_argument("--pods-per-deployment", type=int, default=50)
    parser.add_argument("--churn", type=float, default=200.0, help="pod changes a second")
    parser.add_argument("--presses", type=int, default=50)
    parser.add_argument("--probes", type=int, default=10)
    parser.add_argument("--settle", type=float, default=2.0, help="seconds after the load")
    parser.add_argument("--load-timeout", type=float, default=300.0)
    parser.add_argument("--phase-budget", type=float, default=90.0, help="seconds per phase")
    parser.add_argument("--stall-limit", type=float, default=60.0, help="watchdog seconds")
    parser.add_argument("--profile", type=float, default=0.0, help="seconds of cProfile")
    parser.add_argument(
        "--generic", action="store_true", help="the generic view (server-side Tables) of the pods"
    )
    parser.add_argument(
        "--with-metrics", action="store_true", help="metrics.k8s.io served and shown"
    )
    parser.add_argument("--metrics-interval", type=int, default=5, help="seconds between polls")
    parser.add_argument(
        "--compare-metrics",
        action="store_true",
        help="run without and with metrics (two processes) and compare",
    )
    args = parser.parse_args()
    if args.compare_metrics:
        return compare_metrics()
    folder = Path(tempfile.mkdtemp(prefix="gok-bench-scale-"))
    for variable, sub in (("XDG_STATE_HOME", "state"), ("XDG_CONFIG_HOME", "config")):
        os.environ[variable] = str(folder / sub)  # never the developer's own config or audit
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so the child is stopped too
    # everything the app imports, loaded before the baseline
    import gok_tui.app
    import gok_tui.session  # noqa: F401
    import textual.coordinate  # noqa: F401

    baseline = rss_mb()
    out = Measurements(
        pods=args.deployments * args.pods_per_deployment,
        keys_wanted=args.presses,
        changes_wanted=args.probes,
    )
    proc, kubeconfig, url = start_fake(args, folder)

    def on_stall(stack: str) -> None:
        out.stuck = stack
        proc.terminate()
        report(args, baseline, out)
        sys.stdout.flush()
        os._exit(1)

    heart = Heartbeat()
    threading.Thread(target=watchdog, args=(heart, args.stall_limit, on_stall), daemon=True).start()
    try:
        asyncio.run(measure(args, kubeconfig, url, out, heart))
    finally:
        proc.terminate()
        proc.wait(10)
    report(args, baseline, out)
    return 0


def compare_metrics() -> int:
    """The bench twice, each in its own process: no metrics (the baseline), then metrics."""
    passed = [a for a in sys.argv[1:] if a not in ("--compare-metrics", "--with-metrics")]
    figures: dict[str, dict[str, str]] = {}
    for name, extra in (("no metrics", []), ("metrics", ["--with-metrics"])):
        progress(f"run: {name}")
        run = subprocess.run(
            [sys.executable, __file__, *passed, *extra],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        print(f"===== {name} =====\n{run.stdout.strip()}\n")
        found: dict[str, str] = {}
        for line in run.stdout.splitlines():
            if "RESULT memory:" in line:
                found["memory"] = line.split("RESULT memory:")[1].split(" resident")[0].strip()
            if "RESULT key latency:" in line and "p95" in line:
                found["key p95"] = line.split("p95 ")[1].split(" ms")[0] + " ms"
        figures[name] = found
    base, with_metrics = figures["no metrics"], figures["metrics"]
    print("===== summary (targets: key p95 < 100 ms, memory <= 250 MB) =====")
    for figure in ("key p95", "memory"):
        print(
            f"{figure}: {base.get(figure, '?')} without metrics, "
            f"{with_metrics.get(figure, '?')} with metrics"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
