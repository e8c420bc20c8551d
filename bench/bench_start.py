"""Start to first live Pods table with N pods, against `kubectl get pods` on the same server.

Runs the fake API server in a child process with N pods, then, alternating, times
- `kubectl get pods` (full output to /dev/null), and
- `gok-tui --view pods` started in tmux at 80x24, until the screen shows the N-pod table.
Prints medians, the ratio and PASS/FAIL against the target (<= 1.5x). Also times the floor any
Textual app on the official client pays before its first request: a Python process that only
imports `textual.app` and `kubernetes.client` and prints the marker, timed the same way (tmux
start and screen reads included), so the ratio can be read against it. Against a
real cluster:
`--kubeconfig PATH --namespace NS` (the pods must already exist; N is read from the cluster).

Both Python programs run with a bytecode cache (PYTHONPYCACHEPREFIX, in a temporary folder,
filled by the warm-up run), as an installed gok-tui has its .pyc files: with
PYTHONDONTWRITEBYTECODE set and an editable install, gok-tui's ~15,000 lines were compiled
again at every start, while the libraries of the floor come with theirs.
`--compile-each-start` measures that way.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATIO = 1.5


def start_fake(pods: int, workdir: Path) -> tuple[subprocess.Popen[bytes], Path]:
    kubeconfig = workdir / "kubeconfig"
    ready = workdir / "ready"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.kubefake",
            "--empty",
            "--pods",
            str(pods),
            "--kubeconfig",
            str(kubeconfig),
            "--ready-file",
            str(ready),
        ],
        cwd=ROOT,
    )
    deadline = time.monotonic() + 60
    while not ready.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("fake API server did not start")
        time.sleep(0.05)
    return proc, kubeconfig


def time_kubectl(kubectl: str, kubeconfig: Path, namespace: str) -> float:
    started = time.perf_counter()
    subprocess.run(
        [kubectl, "--kubeconfig", str(kubeconfig), "get", "pods", "-n", namespace],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def time_in_tmux(command: str, marker: str) -> float:
    """Seconds from starting ``command`` in a fresh 80x24 tmux session until ``marker`` is on
    its screen."""
    session = f"gokbench{os.getpid()}"
    for attempt in range(5):
        started = time.perf_counter()
        created = subprocess.run(
            ["tmux", "new-session", "-d", "-s", session, "-x", "80", "-y", "24", command],
            stderr=subprocess.PIPE,
        )
        if created.returncode == 0:
            break
        # the previous session's tmux server may still be exiting ("server exited
        # unexpectedly"): start again rather than lose the whole run
        if attempt == 4:
            raise SystemExit(f"tmux new-session failed: {created.stderr.decode().strip()}")
        time.sleep(0.2)
    try:
        while True:
            screen = subprocess.run(
                ["tmux", "capture-pane", "-p", "-t", session], capture_output=True, text=True
            ).stdout
            if marker in screen:
                return time.perf_counter() - started
            if time.perf_counter() - started > 60:
                raise SystemExit(f"never saw {marker} on screen:\n{screen}")
            time.sleep(0.005)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], stderr=subprocess.DEVNULL)


def python_env(pycache: Path | None) -> str:
    """``env`` arguments for the measured Python programs: a bytecode cache in ``pycache``
    (None: as the environment says)."""
    if pycache is None:
        return "env"
    return f"env -u PYTHONDONTWRITEBYTECODE PYTHONPYCACHEPREFIX={pycache}"


def time_gok(gok: str, kubeconfig: Path, namespace: str, pods: int, env: str = "env") -> float:
    command = f"{gok} --kubeconfig {kubeconfig} -n {namespace} --view pods"
    return time_in_tmux(f"cd {tempfile.gettempdir()} && exec {env} {command}", f"[{pods}]")


def time_floor(pods: int, env: str = "env") -> float:
    """The same measure for a program that only imports textual.app and kubernetes.client,
    then prints the marker: what any Textual app on the official client pays first."""
    code = (
        "import textual.app, kubernetes.client, time; "
        f"print('[{pods}]', flush=True); time.sleep(60)"
    )
    return time_in_tmux(
        f'cd {tempfile.gettempdir()} && exec {env} {sys.executable} -c "{code}"', f"[{pods}]"
    )


def milliseconds(times: list[float]) -> list[int]:
    return [round(t * 1000) for t in times]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pods", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--kubeconfig", help="a real cluster instead of the fake server")
    parser.add_argument("--namespace", default="default")
    parser.add_argument(
        "--compile-each-start",
        action="store_true",
        help="no bytecode cache: with PYTHONDONTWRITEBYTECODE set, gok-tui's source is "
        "compiled at every start",
    )
    args = parser.parse_args()
    kubectl = shutil.which("kubectl")
    gok = shutil.which("gok-tui") or str(Path(sys.executable).parent / "gok-tui")
    if kubectl is None:
        print("kubectl not found: no baseline, nothing to compare (install kubectl)")
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        fake = None
        if args.kubeconfig:
            kubeconfig = Path(args.kubeconfig)
        else:
            fake, kubeconfig = start_fake(args.pods, Path(tmp))
        try:
            env = python_env(None if args.compile_each_start else Path(tmp) / "pycache")
            time_kubectl(kubectl, kubeconfig, args.namespace)  # warm every cache once
            time_gok(gok, kubeconfig, args.namespace, args.pods, env)
            time_floor(args.pods, env)
            kubectl_times, gok_times, floor_times = [], [], []
            for _ in range(args.runs):
                kubectl_times.append(time_kubectl(kubectl, kubeconfig, args.namespace))
                gok_times.append(time_gok(gok, kubeconfig, args.namespace, args.pods, env))
                floor_times.append(time_floor(args.pods, env))
        finally:
            if fake is not None:
                fake.terminate()
                fake.wait(10)
    k, g = statistics.median(kubectl_times), statistics.median(gok_times)
    floor = statistics.median(floor_times)
    ratio = g / k
    cache = "none (compiled at every start)" if args.compile_each_start else "cached"
    print(f"pods: {args.pods}, runs: {args.runs}, Python bytecode: {cache}")
    verdict = "PASS" if ratio <= TARGET_RATIO else "FAIL"
    print(
        f"kubectl get pods        median {k * 1000:7.0f} ms  (all: {milliseconds(kubectl_times)})"
    )
    print(f"gok-tui first table     median {g * 1000:7.0f} ms  (all: {milliseconds(gok_times)})")
    print(f"ratio gok-tui/kubectl   {ratio:.2f}  target <= {TARGET_RATIO}  {verdict}")
    print(
        f"floor: python importing textual.app + kubernetes.client, then printing the marker "
        f"(same tmux measure, no request): median "
        f"{floor * 1000:.0f} ms = {floor / k:.2f} x kubectl (all: {milliseconds(floor_times)}); "
        f"gok-tui spends {max(0.0, g - floor) * 1000:.0f} ms above it"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
