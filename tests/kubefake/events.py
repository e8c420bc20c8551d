"""Events as the control plane writes them (named OBJECT.HEX like a real API server's)."""

from __future__ import annotations

import time
from typing import Any

from tests.kubefake.state import State


def record(
    state: State,
    involved: dict[str, Any],
    reason: str,
    message: str,
    type: str = "Normal",
    component: str = "fake",
) -> dict[str, Any]:
    now = state.timestamp()
    namespace = involved.get("namespace") or "default"
    return state.create(
        "events",
        {
            "metadata": {
                "name": f"{involved.get('name', 'x')}.{time.time_ns():x}",
                "namespace": namespace,
            },
            "involvedObject": involved,
            "reason": reason,
            "message": message,
            "type": type,
            "count": 1,
            "firstTimestamp": now,
            "lastTimestamp": now,
            "source": {"component": component},
        },
    )


def about_pod(pod: dict[str, Any]) -> dict[str, Any]:
    meta = pod["metadata"]
    return {
        "kind": "Pod",
        "apiVersion": "v1",
        "name": meta["name"],
        "namespace": meta.get("namespace", ""),
        "uid": meta.get("uid", ""),
    }
