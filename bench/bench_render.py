"""Render 10,000 synthetic pods into table rows and report the cost.

    .venv/bin/python bench/bench_render.py [--pods N] [--rounds R]

Prints the time per 10k pods for a cold pass (timestamps not yet cached), the
best of R warm passes (what a watch-driven re-render costs), and rows/s.
No assertion: a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from gok_tui.domain import timefmt
from gok_tui.domain.render import rows_for
from gok_tui.domain.render.pod import render_pod

NOW = datetime(2024, 5, 14, 10, 30, tzinfo=UTC)


def _ts(delta_seconds: float) -> str:
    return (NOW - timedelta(seconds=delta_seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _container_status(name: str, rng: random.Random) -> dict[str, Any]:
    roll = rng.random()
    restarts = 0 if roll < 0.8 else rng.randint(1, 40)
    status: dict[str, Any] = {
        "name": name,
        "image": f"ghcr.io/acme/{name}:1.{rng.randint(0, 9)}.{rng.randint(0, 20)}",
        "imageID": "ghcr.io/acme/x@sha256:" + "ab" * 32,
        "containerID": "containerd://" + "cd" * 32,
        "restartCount": restarts,
        "lastState": {},
        "started": True,
        "ready": True,
        "state": {"running": {"startedAt": _ts(rng.randint(60, 86400 * 30))}},
    }
    if restarts:
        status["lastState"] = {
            "terminated": {
                "exitCode": 137,
                "reason": "OOMKilled",
                "startedAt": _ts(rng.randint(3600, 7200)),
                "finishedAt": _ts(rng.randint(10, 3600)),
            }
        }
    if roll > 0.97:
        status["ready"] = False
        status["started"] = False
        status["state"] = {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 5m0s"}}
    elif roll > 0.95:
        status["ready"] = False
        status["state"] = {"waiting": {"reason": "ImagePullBackOff"}}
    return status


def make_pod(i: int, rng: random.Random) -> dict[str, Any]:
    names = ["app", "sidecar"] if i % 3 == 0 else ["app"]
    created = _ts(rng.randint(30, 86400 * 90))
    return {
        "metadata": {
            "name": f"service-{i % 400}-7c9f8b6d5-{i:05d}",
            "namespace": f"team-{i % 25}",
            "uid": f"00000000-0000-4000-8000-{i:012d}",
            "resourceVersion": str(100000 + i),
            "creationTimestamp": created,
            "labels": {"app": f"service-{i % 400}", "pod-template-hash": "7c9f8b6d5"},
        },
        "spec": {
            "containers": [{"name": n, "image": f"ghcr.io/acme/{n}:1.0.0"} for n in names],
            "nodeName": f"node-{i % 60}",
            "restartPolicy": "Always",
        },
        "status": {
            "phase": "Running",
            "conditions": [
                {"type": "Initialized", "status": "True"},
                {"type": "Ready", "status": "True"},
                {"type": "ContainersReady", "status": "True"},
                {"type": "PodScheduled", "status": "True"},
            ],
            "hostIP": f"172.18.{i % 60}.1",
            "podIP": f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}",
            "podIPs": [{"ip": f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}"}],
            "startTime": created,
            "containerStatuses": [_container_status(n, rng) for n in names],
            "qosClass": "BestEffort",
        },
    }


def _timed(pods: list[dict[str, Any]], now: float, all_namespaces: bool) -> float:
    start = time.perf_counter()
    for pod in pods:
        render_pod(pod, now, all_namespaces)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pods", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()

    rng = random.Random(42)
    pods = [make_pod(i, rng) for i in range(args.pods)]
    now = NOW.timestamp()
    per_10k = 10_000 / args.pods

    timefmt.clear_parse_cache()
    cold = _timed(pods, now, False)
    warm = min(_timed(pods, now, False) for _ in range(args.rounds))
    warm_all_ns = min(_timed(pods, now, True) for _ in range(args.rounds))
    start = time.perf_counter()
    for pod in pods:
        rows_for("pods", pod, now, True)
    dispatch = time.perf_counter() - start

    print(f"pods rendered:              {args.pods}")
    print(f"cold (parse timestamps):    {cold * per_10k * 1000:7.1f} ms per 10k")
    print(f"warm, one namespace:        {warm * per_10k * 1000:7.1f} ms per 10k")
    print(f"warm, all namespaces:       {warm_all_ns * per_10k * 1000:7.1f} ms per 10k")
    print(f"rows_for dispatch, all ns:  {dispatch * per_10k * 1000:7.1f} ms per 10k")
    print(f"throughput (warm):          {args.pods / warm:,.0f} rows/s")


if __name__ == "__main__":
    main()
