"""The incident timeline of a busy namespace: 200 Deployments x 10 revisions (2,000
ReplicaSets) and 5,000 events, built from their JSON, then one change folded in.

    .venv/bin/python bench/bench_timeline.py [--deployments N] [--revisions R] [--events E]

Prints the cost of decoding the same JSON alone (the baseline: what the feeds pay to read
it anyway), the timeline's build from the decoded objects (target < 1 s), and an
incremental update after one Deployment's new revision (target < 50 ms). PASS/FAIL per target; it
asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gok_tui.domain import timefmt
from gok_tui.domain.timeline import Timeline

BUILD_TARGET_S = 1.0
UPDATE_TARGET_S = 0.05


def stamp(seconds: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(1_800_000_000 + seconds))


def template(name: str, revision: int) -> dict[str, Any]:
    return {
        "metadata": {"labels": {"app": name}},
        "spec": {
            "containers": [
                {
                    "name": "app",
                    "image": f"ghcr.io/acme/{name}:{revision}",
                    "env": [{"name": "REVISION", "value": str(revision)}],
                    "resources": {"limits": {"memory": f"{128 + revision}Mi"}},
                }
            ]
        },
    }


def world(deployments: int, revisions: int, events: int) -> dict[str, list[dict[str, Any]]]:
    objects: dict[str, list[dict[str, Any]]] = {"deployments": [], "replicasets": [], "events": []}
    for d in range(deployments):
        name, uid = f"svc-{d}", f"uid-{d}"
        objects["deployments"].append(
            {
                "metadata": {
                    "name": name,
                    "namespace": "shop",
                    "uid": uid,
                    "resourceVersion": str(d),
                    "annotations": {"deployment.kubernetes.io/revision": str(revisions)},
                    "managedFields": [
                        {
                            "manager": "kubectl-set",
                            "operation": "Update",
                            "time": stamp(d * 10),
                            "fieldsV1": {"f:spec": {"f:template": {"f:spec": {}}}},
                        }
                    ],
                },
                "spec": {"replicas": 2, "template": template(name, revisions)},
            }
        )
        for r in range(1, revisions + 1):
            objects["replicasets"].append(
                {
                    "metadata": {
                        "name": f"{name}-{r}",
                        "namespace": "shop",
                        "creationTimestamp": stamp(d * 10 + r),
                        "annotations": {"deployment.kubernetes.io/revision": str(r)},
                        "ownerReferences": [{"kind": "Deployment", "name": name, "uid": uid}],
                    },
                    "spec": {"template": template(name, r)},
                }
            )
    for e in range(events):
        objects["events"].append(
            {
                "metadata": {"name": f"ev-{e}", "namespace": "shop"},
                "type": "Warning" if e % 3 else "Normal",
                "reason": ("BackOff", "Unhealthy", "FailedScheduling")[e % 3],
                "message": f"event {e}",
                "count": 1 + e % 4,
                "lastTimestamp": stamp(e),
                "involvedObject": {"kind": "Pod", "namespace": "shop", "name": f"pod-{e % 700}"},
            }
        )
    return objects


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deployments", type=int, default=200)
    parser.add_argument("--revisions", type=int, default=10)
    parser.add_argument("--events", type=int, default=5000)
    args = parser.parse_args()
    payload = {
        plural: json.dumps(items)
        for plural, items in world(args.deployments, args.revisions, args.events).items()
    }

    started = time.perf_counter()
    decoded = {plural: json.loads(text) for plural, text in payload.items()}
    decode_s = time.perf_counter() - started

    timefmt.clear_parse_cache()
    started = time.perf_counter()
    timeline = Timeline()
    for plural in ("deployments", "replicasets", "events"):
        for obj in decoded[plural]:
            timeline.update(plural, obj)
    entries = len(timeline.entries())
    build_s = time.perf_counter() - started

    # one Deployment rolls out a new revision: its ReplicaSet and the Deployment change
    name, uid, revision = "svc-7", "uid-7", args.revisions + 1
    started = time.perf_counter()
    timeline.update(
        "replicasets",
        {
            "metadata": {
                "name": f"{name}-{revision}",
                "namespace": "shop",
                "creationTimestamp": stamp(99_999),
                "annotations": {"deployment.kubernetes.io/revision": str(revision)},
                "ownerReferences": [{"kind": "Deployment", "name": name, "uid": uid}],
            },
            "spec": {"template": template(name, revision)},
        },
    )
    newest = timeline.entries()[0]
    update_s = time.perf_counter() - started

    print(
        f"objects: {args.deployments} deployments, "
        f"{args.deployments * args.revisions} replicasets, {args.events} events"
    )
    print(f"entries: {entries}; newest after the update: {newest.what}")
    print(f"baseline: json decode alone  {decode_s * 1000:8.1f} ms")
    verdict = "PASS" if build_s < BUILD_TARGET_S else "FAIL"
    print(
        f"timeline build from the dicts {build_s * 1000:8.1f} ms  "
        f"({build_s / decode_s:.1f}x the decode)  target < {BUILD_TARGET_S:.0f} s  {verdict}"
    )
    verdict = "PASS" if update_s < UPDATE_TARGET_S else "FAIL"
    print(
        f"incremental update:           {update_s * 1000:8.1f} ms  "
        f"target < {UPDATE_TARGET_S * 1000:.0f} ms  {verdict}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
