"""Builds through gok-tui against the `docker build` CLI, and save-to-build-start latency.

    scripts/test-services start && source .test-env/env
    .venv/bin/python bench/bench_build.py [--runs N]

Same engine, same context (a two-stage busybox Dockerfile), both builders in one run:
- uncached (no cache) and cached builds: median seconds of each, and gok/CLI ratios
  (target: <= 1.2, i.e. gok-tui adds at most 20% over the CLI);
- the file watcher: from a file write to the build's first step (median over N saves;
  target: <= debounce + 300 ms);
- two services (gok.toml [[service]]) changing at once, built side by side, pushed to
  GOK_TEST_REGISTRY (or left in the engine without it) and rolled out on the fake API server:
  per service, save -> rollout started against that build's own time (build + push, measured
  by the loop in the same run; target: <= build time + 0.5 s).
Prints figures and PASS/FAIL; it asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from gok_tui.backends.docker_backend import DockerBackend
from gok_tui.config.project import load_project
from gok_tui.devloop.loop import (
    BuildDone,
    BuildStarted,
    DeployDone,
    DeployStarted,
    DevLoop,
    LoopEvent,
)
from gok_tui.devloop.services import ServiceEvent, ServiceLoops
from gok_tui.domain.build import BuildSucceeded

DOCKERFILE = """\
FROM scratch AS builder
COPY busybox /bin/busybox
COPY src/ /src/
RUN ["/bin/busybox", "sh", "-c", "/bin/busybox mkdir -p /out && /bin/busybox cp -r /src/. /out/"]
FROM scratch
COPY --from=builder /out /app
"""
RATIO_TARGET = 1.2
DEBOUNCE_MS = 100
ROLLOUT_SLACK_S = 0.5  # save -> rollout started may exceed the build's own time by this
SERVICES = ("api", "web")


def make_context(root: Path, busybox: Path, files: int = 50) -> Path:
    shutil.copy2(busybox, root / "busybox")
    (root / "Dockerfile").write_text(DOCKERFILE)
    (root / "src").mkdir()
    for n in range(files):
        (root / "src" / f"file{n}.txt").write_text(f"content {n}\n" * 200)
    return root


def gok_build(engine: DockerBackend, context: Path, tag: str, nocache: bool) -> float:
    started = time.perf_counter()
    events = list(engine.build(context, tags=[tag], nocache=nocache, network_mode="none"))
    last = events[-1] if events else None
    elapsed = time.perf_counter() - started
    if not isinstance(last, BuildSucceeded):
        raise SystemExit(f"gok-tui build failed: {last}")
    return elapsed


def cli_build(docker_cli: str, context: Path, tag: str, nocache: bool) -> float:
    command = [docker_cli, "build", "-q", "--network", "none", "-t", tag]
    if nocache:
        command.append("--no-cache")
    env = {**os.environ, "DOCKER_BUILDKIT": "0"}  # the same legacy builder the SDK drives
    started = time.perf_counter()
    done = subprocess.run([*command, str(context)], capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"docker build failed: {done.stderr.strip()[-400:]}")
    return elapsed


def watch_latency(engine: DockerBackend, busybox: Path, saves: int) -> list[float]:
    root = Path(tempfile.mkdtemp(prefix="gok-bench-watch-"))
    make_context(root, busybox, files=5)
    (root / "gok.toml").write_text(
        '[image]\nrepository = "gok-bench/watch"\ntag_policy = "content"\n'
        '[deploy]\ndelivery = "none"\nauto_deploy = false\n'
        f'[watch]\npaths = ["."]\ndebounce_ms = {DEBOUNCE_MS}\n'
    )
    started_at: list[float] = []
    done = threading.Event()

    def emit(event: LoopEvent) -> None:
        if isinstance(event, BuildStarted):
            started_at.append(time.perf_counter())
        elif isinstance(event, BuildDone):
            done.set()

    loop = DevLoop(load_project(root), engine, lambda: None, emit, network_mode="none")
    loop.start(watch=True)
    time.sleep(0.5)
    latencies = []
    try:
        for n in range(saves):
            done.clear()
            before = len(started_at)
            saved = time.perf_counter()
            (root / "src" / "file0.txt").write_text(f"save {n}\n")
            if not done.wait(60):
                raise SystemExit("the watcher never started a build")
            latencies.append(started_at[before] - saved)
            time.sleep(0.3)
    finally:
        loop.stop()
        shutil.rmtree(root, ignore_errors=True)
    return latencies


def two_services(
    engine: DockerBackend, busybox: Path, saves: int
) -> list[tuple[str, float, float]]:
    """(service, save -> rollout started, build time) for each service and save: both
    services' files are written at once; no depends_on, so neither waits for the other."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from gok_tui.backends.kube import KubeBackend
    from gok_tui.config.kubeconfig import resolve_target

    from tests.integration.helpers import deployment
    from tests.kubefake import FakeKube

    root = Path(tempfile.mkdtemp(prefix="gok-bench-services-"))
    registry = os.environ.get("GOK_TEST_REGISTRY")
    delivery = "push" if registry else "none"
    suffix = f"{os.getpid()}-{int(time.time())}"
    blocks = []
    for name in SERVICES:
        (root / name).mkdir()
        make_context(root / name, busybox, files=5)
        repository = f"{registry}/bench-{name}-{suffix}" if registry else f"gok-bench/{name}"
        blocks.append(
            f'[[service]]\nname = "{name}"\n'
            f'[service.image]\nrepository = "{repository}"\ncontext = "{name}"\n'
            'tag_policy = "content"\n'
            f'[service.deploy]\nnamespace = "default"\ndeployment = "{name}"\n'
            f'container = "{name}"\ndelivery = "{delivery}"\n'
            f'[service.watch]\npaths = ["{name}"]\ndebounce_ms = {DEBOUNCE_MS}\n'
        )
    (root / "gok.toml").write_text("".join(blocks))
    fake = FakeKube(port=0)
    fake.start()
    for name in SERVICES:
        fake.apply_object(deployment(name, image=f"{name}:old", replicas=1))
    target = resolve_target(kubeconfig=str(fake.write_kubeconfig(root / "kubeconfig")), environ={})
    assert target is not None
    backend = KubeBackend(target)
    lock = threading.Lock()
    seen: list[tuple[float, ServiceEvent]] = []

    def emit(event: ServiceEvent) -> None:
        with lock:
            seen.append((time.perf_counter(), event))

    def of(kind: type) -> list[tuple[float, str, LoopEvent]]:
        with lock:
            return [(t, e.service, e.event) for t, e in seen if isinstance(e.event, kind)]

    group = ServiceLoops(
        load_project(root),
        emit,
        lambda project, **options: DevLoop(project, engine, lambda: backend, **options),
        network_mode="none",
    )
    group.start(watch=True)
    time.sleep(0.5)
    figures = []
    try:
        for n in range(saves):
            done_before = len(of(DeployDone))
            saved = time.perf_counter()
            for name in SERVICES:
                (root / name / "src" / "file0.txt").write_text(f"{name} save {n}\n")
            deadline = time.monotonic() + 120
            while len(of(DeployDone)) < done_before + len(SERVICES):
                if time.monotonic() > deadline:
                    raise SystemExit(f"the two rollouts did not end: {seen[-6:]}")
                time.sleep(0.02)
            for name in SERVICES:
                started = [t for t, who, _ in of(DeployStarted) if who == name and t > saved]
                began = [t for t, who, _ in of(BuildStarted) if who == name and t > saved]
                built = [(t, e) for t, who, e in of(BuildDone) if who == name and t > saved]
                done_at, done = built[0]
                assert isinstance(done, BuildDone) and done.record.ok, built
                figures.append(
                    (
                        name,
                        started[0] - saved,
                        done.record.duration_s,
                        began[0] - saved,
                        started[0] - done_at,
                    )
                )
            time.sleep(0.3)
    finally:
        group.stop()
        backend.close()
        fake.stop()
        shutil.rmtree(root, ignore_errors=True)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    docker_cli = shutil.which("docker")
    busybox = Path(os.environ.get("GOK_TEST_BUSYBOX", "/bin/busybox"))
    if docker_cli is None or "DOCKER_HOST" not in os.environ:
        raise SystemExit("needs the docker CLI and DOCKER_HOST (scripts/test-services start)")
    engine = DockerBackend(os.environ["DOCKER_HOST"], timeout=120)
    context = make_context(Path(tempfile.mkdtemp(prefix="gok-bench-build-")), busybox)
    print(f"engine {engine.ping().version} at {engine.endpoint}; {args.runs} runs each\n")
    print(f"{'build':<10} {'gok-tui s':>10} {'docker CLI s':>13} {'ratio':>7}  target")
    failed = False
    for label, nocache in (("uncached", True), ("cached", False)):
        gok, cli = [], []
        for run in range(args.runs):  # interleaved, so drift hits both alike
            gok.append(gok_build(engine, context, f"gok-bench/build:gok{run}", nocache))
            cli.append(cli_build(docker_cli, context, f"gok-bench/build:cli{run}", nocache))
        ratio = statistics.median(gok) / statistics.median(cli)
        verdict = "PASS" if ratio <= RATIO_TARGET else "FAIL"
        failed |= verdict == "FAIL"
        print(
            f"{label:<10} {statistics.median(gok):>10.3f} {statistics.median(cli):>13.3f} "
            f"{ratio:>7.2f}  <= {RATIO_TARGET} {verdict}"
        )
    latencies = watch_latency(engine, busybox, args.runs)
    median_ms = statistics.median(latencies) * 1000
    target_ms = DEBOUNCE_MS + 300
    verdict = "PASS" if median_ms <= target_ms else "FAIL"
    print(
        f"\nsave -> build start: median {median_ms:.0f} ms, max {max(latencies) * 1000:.0f} ms "
        f"(debounce {DEBOUNCE_MS} ms; target <= {target_ms} ms) {verdict}"
    )
    figures = two_services(engine, busybox, args.runs)
    registry = os.environ.get("GOK_TEST_REGISTRY")
    delivered = f"push to {registry}" if registry else "no push"
    print(f"\ntwo services changing at once ({', '.join(SERVICES)}, {delivered}, fake API server)")
    print(
        f"{'service':<8} {'save->rollout':>14} {'build':>6} {'excess':>7} {'worst':>6} "
        f"{'save->build':>12} {'built->rollout':>15}  target (medians, seconds)"
    )
    for name in SERVICES:
        mine = [f[1:] for f in figures if f[0] == name]
        excesses = [f[0] - f[1] for f in mine]
        excess = statistics.median(excesses)
        verdict = "PASS" if excess <= ROLLOUT_SLACK_S else "FAIL"
        medians = [statistics.median(f[i] for f in mine) for i in range(4)]
        print(
            f"{name:<8} {medians[0]:>14.3f} {medians[1]:>6.3f} {excess:>7.3f} "
            f"{max(excesses):>6.3f} {medians[2]:>12.3f} {medians[3]:>15.3f}  "
            f"excess <= {ROLLOUT_SLACK_S} {verdict}"
        )
    shutil.rmtree(context, ignore_errors=True)
    engine.close()


if __name__ == "__main__":
    main()
