"""Live update: from a saved file to that file in every running container, on the fake.

    .venv/bin/python bench/bench_sync.py [--saves N] [--replicas R] [--debounce-ms MS]

The fake API server runs in its own process (as a cluster would) with a Deployment of R Ready
pods; the dev loop watches a project whose ``static/`` syncs to ``/www``. Measured in one run:
- baseline: one exec round trip alone (``cat /www/index.html`` in one pod), median;
- sync alone: ``LiveUpdater.sync`` of one file into the R pods, median;
- save -> file in container: from the write on disk to the loop's "synced" (every pod has
  it; checked with ``cat`` after each), median and max over N saves, against the target
  (<= 1 s), with the debounce it includes.
Prints figures and PASS/FAIL; it asserts nothing.
"""

from __future__ import annotations

import argparse
import multiprocessing
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_S = 1.0
REPOSITORY = "gok-bench/sync"
IMAGE = f"{REPOSITORY}:running"


def serve(kubeconfig: str, replicas: int, ready: Any, stop: Any) -> None:
    from tests.integration.helpers import deployment
    from tests.kubefake import FakeKube, wait_until

    fake = FakeKube(port=0)
    fake.start()
    fake.apply_object(deployment("web", image=IMAGE, replicas=replicas))

    def all_ready() -> bool:
        pods = fake.list_objects("pods", "default")
        return len(pods) == replicas and all(
            any(
                c.get("type") == "Ready" and c.get("status") == "True"
                for c in (p.get("status") or {}).get("conditions") or []
            )
            for p in pods
        )

    wait_until(all_ready, timeout=60)
    fake.write_kubeconfig(Path(kubeconfig), context="fake", namespace="default")
    ready.set()
    stop.wait()
    fake.stop()


def make_project(root: Path, debounce_ms: int) -> None:
    (root / "static").mkdir(parents=True)
    (root / "Dockerfile").write_text("FROM scratch\nCOPY static /www\n")
    (root / "static" / "index.html").write_text("<h1>0</h1>\n")
    (root / "gok.toml").write_text(
        f'[image]\nrepository = "{REPOSITORY}"\ntag_policy = "content"\n'
        '[deploy]\nnamespace = "default"\ndeployment = "web"\ncontainer = "web"\n'
        'delivery = "none"\nauto_deploy = false\n'
        f"[watch]\ndebounce_ms = {debounce_ms}\n"
        '[[sync]]\nlocal = "static"\ncontainer = "/www"\n'
    )


def median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=10)
    parser.add_argument("--replicas", type=int, default=3)
    parser.add_argument("--debounce-ms", type=int, default=100)
    args = parser.parse_args()

    from gok_tui.backends.docker_backend import DockerBackend
    from gok_tui.backends.kube import KubeBackend
    from gok_tui.config.kubeconfig import resolve_target
    from gok_tui.config.project import load_project
    from gok_tui.devloop.history import BuildHistory, BuildRecord
    from gok_tui.devloop.live_update import LiveUpdater
    from gok_tui.devloop.loop import BuildStarted, ChangeRouted, DevLoop, LoopEvent
    from gok_tui.devloop.sync import SyncChanges, route

    work = Path(tempfile.mkdtemp(prefix="gok-bench-sync-"))
    kubeconfig = work / "kubeconfig"
    context = multiprocessing.get_context("spawn")
    ready, stop = context.Event(), context.Event()
    server = context.Process(target=serve, args=(str(kubeconfig), args.replicas, ready, stop))
    server.start()
    loop: DevLoop | None = None
    try:
        if not ready.wait(120):
            raise SystemExit("the fake API server did not come up")
        target = resolve_target(kubeconfig=str(kubeconfig), environ={})
        assert target is not None
        backend, reader = KubeBackend(target), KubeBackend(target)
        project_root = work / "project"
        make_project(project_root, args.debounce_ms)
        project = load_project(project_root)
        pods = sorted(
            p["metadata"]["name"]
            for p in reader.get_json("/api/v1/namespaces/default/pods")["items"]
        )

        def cat(pod: str) -> bytes:
            return reader.run_command("default", pod, "web", ["cat", "/www/index.html"]).stdout

        # baseline: one exec round trip
        reader.run_command("default", pods[0], "web", ["true"])  # warm the connection
        baseline = []
        for _ in range(args.saves):
            started = time.perf_counter()
            cat(pods[0])
            baseline.append(time.perf_counter() - started)

        # the sync alone, into every pod
        updater = LiveUpdater(backend)
        index = project_root / "static" / "index.html"
        alone = []
        for n in range(args.saves):
            index.write_text(f"<h1>alone {n}</h1>\n")
            changes = route(
                project.services[0].sync, project_root, project_root / "Dockerfile", [index]
            )
            assert isinstance(changes, SyncChanges)
            started = time.perf_counter()
            updater.sync("web", "default", "web", "web", IMAGE, changes)
            alone.append(time.perf_counter() - started)

        # save -> file in every container, through the watcher and the loop
        history = BuildHistory(work / "history.jsonl")
        history.append(
            BuildRecord(
                time.time(),
                ("manual",),
                0.0,
                "ok",
                tag="running",
                image=IMAGE,
                delivery="none",
                project=str(project.root),
            )
        )
        synced_at: list[float] = []
        problems: list[str] = []
        arrived = threading.Event()

        def emit(event: LoopEvent) -> None:
            if isinstance(event, ChangeRouted):
                if event.path == "synced":
                    synced_at.append(time.perf_counter())
                else:
                    problems.append(event.message)
                arrived.set()
            elif isinstance(event, BuildStarted):
                problems.append(f"a build started: {event.trigger}")

        engine = DockerBackend("unix:///nonexistent/docker.sock")  # nothing may build
        loop = DevLoop(project, engine, lambda: backend, emit, history=history)
        loop.start(watch=True)
        time.sleep(0.5)
        latencies = []
        for n in range(args.saves):
            arrived.clear()
            before = len(synced_at)
            content = f"<h1>save {n}</h1>\n".encode()
            saved = time.perf_counter()
            index.write_bytes(content)
            if not arrived.wait(30) or problems:
                raise SystemExit(f"no sync: {problems or 'nothing happened within 30 s'}")
            latencies.append(synced_at[before] - saved)
            wrong = [pod for pod in pods if cat(pod) != content]
            if wrong:
                raise SystemExit(f"synced, but {', '.join(wrong)} show other content")
            time.sleep(0.3)
    finally:
        if loop is not None:
            loop.stop()
        stop.set()
        server.join(10)
        shutil.rmtree(work, ignore_errors=True)

    print(f"fake API server, {args.replicas} Ready pods, {args.saves} runs each\n")
    print(f"{'exec round trip alone (cat, 1 pod)':<36} median {median_ms(baseline):6.1f} ms")
    print(
        f"{f'sync of 1 file into {args.replicas} pods':<36} median {median_ms(alone):6.1f} ms "
        f"({statistics.median(alone) / statistics.median(baseline):.1f}x the round trip)"
    )
    worst = max(latencies) * 1000
    verdict = "PASS" if statistics.median(latencies) <= TARGET_S else "FAIL"
    print(
        f"{'save -> file in every container':<36} median {median_ms(latencies):6.1f} ms, "
        f"max {worst:.0f} ms (debounce {args.debounce_ms} ms included; "
        f"target <= {TARGET_S * 1000:.0f} ms) {verdict}"
    )


if __name__ == "__main__":
    main()
