"""Requests an idle gok-tui makes: lists, watches and others, per minute.

    .venv/bin/python bench/bench_idle.py [--seconds 60] [--watch-timeout 15]

The fake API server (in this process, small demo seed: two Deployments, a Service and an
Ingress) records every request. gok-tui runs headless at 80x24; it opens the Deployments, Pods
and Ingress views until each table is live, returns to Deployments, and the user then does
nothing for --seconds. Every request in that window is counted as
- list: a GET of a collection without watch=true,
- watch: a GET with watch=true (renewals, each from a resourceVersion),
- other: anything else (discovery, single GETs, writes).
The server-side watch timeout is the Session's `watch_timeout` (the app's default is 240 s; it
is not a setting or a CLI option), shortened here so that watches end and are renewed within the
window. Target: no list at all in the window (a watch renewed from its resourceVersion needs no
list), and every renewal carries a resourceVersion.
The fake also serves metrics.k8s.io (a usage for every pod); the views show it, polled every
--metrics-interval seconds while shown. Its requests are counted apart (the fake's own counter):
target at most one per interval for the one view on screen (the Deployments and Pods views ask
for the same list: were the hidden Pods view still polled, there would be two).
Prints figures and PASS/FAIL.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.kubefake import FakeKube, RequestRecord, wait_until  # noqa: E402
from tests.kubefake.__main__ import seed_demo  # noqa: E402
from tests.kubefake.metrics import serve_sample_usage  # noqa: E402
from tests.kubefake.server import parse_route  # noqa: E402

VIEWS = ("deployments", "pods", "ingress")


def classify(record: RequestRecord) -> str:
    if record.method != "GET":
        return "other"
    if record.query.get("watch") in ("1", "true"):
        return "watch"
    route = parse_route(record.path)
    if route is not None and not route.name:
        return "list"
    return "other"


def describe(record: RequestRecord) -> str:
    query = " ".join(
        f"{key}={value}" for key, value in sorted(record.query.items()) if key != "watch"
    )
    return f"{record.method} {record.path} {query}".strip()


async def drive(fake: FakeKube, kubeconfig: Path, args: argparse.Namespace) -> dict[str, float]:
    from gok_tui.app import GokApp
    from gok_tui.config.kubeconfig import resolve_target
    from gok_tui.config.settings import Settings
    from gok_tui.screens.resource import ResourceScreen
    from gok_tui.session import Session
    from gok_tui.widgets.resource_table import ResourceTable

    target = resolve_target(kubeconfig=str(kubeconfig), environ={})
    settings = Settings(metrics_interval_seconds=args.metrics_interval)
    session = Session(settings=settings, target=target, watch_timeout=args.watch_timeout)
    app = GokApp(session, start_view=VIEWS[0])
    marks: dict[str, float] = {}
    async with app.run_test(size=(80, 24)) as pilot:

        async def live() -> None:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                await pilot.pause(0.05)
                screen = app.screen
                if (
                    isinstance(screen, ResourceScreen)
                    and screen.connection_state() == "live"
                    and screen.query_one(ResourceTable).row_count > 0
                ):
                    return
            raise SystemExit(f"{app.current_mode} never became live with rows")

        for view in (*VIEWS, VIEWS[0]):
            app.goto(view)
            await live()
        await pilot.pause(1.0)  # the last snapshot drained, nothing in flight
        loops = [feed.loop for feed in session.hub.feeds if feed.loop is not None]
        marks["feeds"] = len(loops)
        lists_before = sum(loop.list_count for loop in loops)
        watches_before = sum(loop.watch_count for loop in loops)
        marks["first"] = len(fake.requests)
        metrics_before = fake.metrics.request_count()
        cpu, wall = time.process_time(), time.monotonic()
        await asyncio.sleep(args.seconds)  # the user does nothing
        marks["last"] = len(fake.requests)
        marks["metrics"] = fake.metrics.request_count() - metrics_before
        marks["metrics_pollers"] = session.metrics.polling
        marks["cpu"] = time.process_time() - cpu
        marks["wall"] = time.monotonic() - wall
        marks["loop_lists"] = sum(loop.list_count for loop in loops) - lists_before
        marks["loop_watches"] = sum(loop.watch_count for loop in loops) - watches_before
        app.exit()
    return marks


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="idle window")
    parser.add_argument(
        "--watch-timeout", type=int, default=15, help="server-side watch timeout (s)"
    )
    parser.add_argument(
        "--metrics-interval", type=int, default=5, help="seconds between metrics polls"
    )
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="gok-bench-idle-"))
    for variable, sub in (("XDG_STATE_HOME", "state"), ("XDG_CONFIG_HOME", "config")):
        os.environ[variable] = str(folder / sub)  # never the developer's own config or audit
    fake = FakeKube(port=0).start()
    try:
        kubeconfig = fake.write_kubeconfig(folder / "kubeconfig")
        seed_demo(fake)
        wait_until(
            lambda: all(
                (d.get("status") or {}).get("readyReplicas") == d["spec"]["replicas"]
                for d in fake.list_objects("deployments")
            ),
            timeout=30,
        )
        serve_sample_usage(fake)
        marks = asyncio.run(drive(fake, kubeconfig, args))
        window = list(fake.requests)[int(marks["first"]) : int(marks["last"])]
    finally:
        fake.stop()

    minutes = marks["wall"] / 60
    kinds = Counter(classify(record) for record in window)
    watches = [record for record in window if classify(record) == "watch"]
    no_rv = [w for w in watches if w.query.get("resourceVersion") in (None, "", "0")]
    feeds = int(marks["feeds"])
    expected = feeds * marks["wall"] / args.watch_timeout
    print(
        f"idle {marks['wall']:.0f} s with {feeds} live feeds (views: {', '.join(VIEWS)}), "
        f"server-side watch timeout {args.watch_timeout} s (Session.watch_timeout; the app's "
        "default is 240 s)"
    )
    print(f"{'requests':<10} {'count':>6} {'per minute':>11}")
    for kind in ("list", "watch", "other"):
        print(f"{kind:<10} {kinds[kind]:>6} {kinds[kind] / minutes:>11.1f}")
    print(
        f"watch renewals: {len(watches)} (about {expected:.0f} expected: {feeds} feeds x "
        f"{marks['wall']:.0f} s / {args.watch_timeout} s); the watch loops counted "
        f"{marks['loop_watches']:.0f} watches and {marks['loop_lists']:.0f} lists"
    )
    print(
        f"CPU time of this process (app + in-process fake server) while idle: "
        f"{marks['cpu']:.2f} s over {marks['wall']:.0f} s ({marks['cpu'] / marks['wall']:.1%})"
    )
    for record in [r for r in window if classify(r) != "watch"][:10]:
        print(f"  {classify(record):<5} {describe(record)}")
    lists_ok = kinds["list"] == 0
    print(f"  RESULT lists while idle: {kinds['list']} (target 0) {'PASS' if lists_ok else 'FAIL'}")
    intervals = marks["wall"] / args.metrics_interval
    per_interval = marks["metrics"] / intervals
    print(
        f"metrics.k8s.io requests: {marks['metrics']:.0f} in {intervals:.1f} intervals of "
        f"{args.metrics_interval} s, {marks['metrics_pollers']:.0f} view(s) polled at the end"
    )
    metrics_ok = 0 < marks["metrics"] <= intervals + 1 and marks["metrics_pollers"] == 1
    print(
        f"  RESULT metrics requests per interval per visible view: {per_interval:.2f} "
        f"(target <= 1, one view polled) {'PASS' if metrics_ok else 'FAIL'}"
    )
    renewals_ok = bool(watches) and not no_rv
    print(
        f"  RESULT watch renewals from a resourceVersion: {len(watches) - len(no_rv)}/"
        f"{len(watches)} (target: all, at least one) {'PASS' if renewals_ok else 'FAIL'}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
