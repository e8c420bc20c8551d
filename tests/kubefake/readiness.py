"""How the fake kubelet reports readiness, as a real one may: the pod's Ready condition (what
the endpoints controller and the Deployment's availability follow) includes the pod's readiness
gates, and it is written apart from the containers' ``ready`` flags, so for a moment the two
can disagree.

``skew`` seconds: 0 writes both at once; > 0 the Ready condition moves first and the containers'
flags follow ``skew`` seconds later (what the issue saw on a kubemark node); < 0 the containers
move first and the condition follows.
"""

from __future__ import annotations

import time
from typing import Any

from tests.kubefake.state import State


def condition_true(pod: dict[str, Any], kind: str) -> bool:
    return any(
        c.get("type") == kind and c.get("status") == "True"
        for c in (pod.get("status") or {}).get("conditions") or []
    )


def gates_met(pod: dict[str, Any]) -> bool:
    gates = (pod.get("spec") or {}).get("readinessGates") or []
    return all(condition_true(pod, str(gate.get("conditionType", ""))) for gate in gates)


def containers_ready(pod: dict[str, Any]) -> bool:
    statuses = (pod.get("status") or {}).get("containerStatuses") or []
    return bool(statuses) and all(c.get("ready") for c in statuses)


def write(
    state: State,
    namespace: str,
    name: str,
    *,
    containers: bool | None,
    condition: bool | None,
) -> None:
    """Set the containers' flags (and ContainersReady) and/or the Ready condition."""

    def change(obj: dict[str, Any]) -> None:
        status = obj.setdefault("status", {})
        for entry in status.get("conditions") or []:
            if entry.get("type") == "ContainersReady" and containers is not None:
                entry["status"] = "True" if containers else "False"
            if entry.get("type") == "Ready" and condition is not None:
                entry["status"] = "True" if condition else "False"
        if containers is not None:
            for entry in status.get("containerStatuses") or []:
                entry["ready"] = containers

    state.mutate("pods", namespace, name, change)


class Reporter:
    """Moves a running pod's readiness towards what the test wants; see the module doc."""

    def __init__(self, state: State) -> None:
        self.state = state
        self.skew = 0.0
        self._led_at: dict[str, float] = {}  # pod uid -> when the leading side was written

    def report(self, pod: dict[str, Any], wanted: bool) -> bool:
        """True while a trailing write is still due."""
        uid = pod["metadata"]["uid"]
        where = (pod["metadata"]["namespace"], pod["metadata"]["name"])
        target = (wanted, wanted and gates_met(pod))  # (containers, Ready condition)
        have = (containers_ready(pod), condition_true(pod, "Ready"))
        if have == target:
            self._led_at.pop(uid, None)
            return False
        if self.skew == 0:
            write(self.state, *where, containers=target[0], condition=target[1])
            return False
        lead = 1 if self.skew > 0 else 0
        if have[lead] != target[lead]:
            leading = {"containers": None, "condition": None}
            leading["condition" if lead else "containers"] = target[lead]
            write(self.state, *where, **leading)
            self._led_at[uid] = time.monotonic()
            return True
        if time.monotonic() - self._led_at.setdefault(uid, time.monotonic()) < abs(self.skew):
            return True
        write(self.state, *where, containers=target[0], condition=target[1])
        return False
