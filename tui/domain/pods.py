"""Pod facts: status, readiness and restarts as ``kubectl get pods`` shows them (printPod),
and the tone a row of that status gets."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from gok_tui.domain.table import Tone, as_int
from gok_tui.domain.timefmt import parse_timestamp

_POD_ERROR = frozenset(
    {
        "CrashLoopBackOff",
        "ImagePullBackOff",
        "ErrImagePull",
        "ErrImageNeverPull",
        "InvalidImageName",
        "ImageInspectError",
        "RegistryUnavailable",
        "CreateContainerConfigError",
        "CreateContainerError",
        "PreCreateHookError",
        "PreStartHookError",
        "PostStartHookError",
        "RunContainerError",
        "StartError",
        "ContainerCannotRun",
        "OOMKilled",
        "Error",
        "Failed",
        "Evicted",
        "DeadlineExceeded",
        "ContainerStatusUnknown",
        "NodeAffinity",
        "OutOfcpu",
        "OutOfmemory",
        "UnexpectedAdmissionError",
    }
)


_POD_PROGRESSING = frozenset({"Pending", "ContainerCreating", "PodInitializing"})


_POD_MUTED = frozenset({"Completed", "Succeeded", "Terminating"})


_POD_WARNING = frozenset({"NotReady", "Unknown", "SchedulingGated", "Shutdown", "Terminated"})


class PodFacts(NamedTuple):
    """What kubectl's printPod makes of a pod: its STATUS (phase or reason), READY counts
    (restartable init containers, i.e. sidecars, included) and RESTARTS."""

    status: str
    ready: int
    total: int
    restarts: int
    last_restart: float | None  # epoch seconds of the newest restart, when known


EMPTY: Mapping[str, Any] = {}


def _is_restartable(spec: Mapping[str, Any] | None) -> bool:
    return spec is not None and spec.get("restartPolicy") == "Always"


def _count(value: object) -> int:
    return value if type(value) is int else as_int(value)


def _finished_at(cstatus: Mapping[str, Any]) -> float | None:
    last = cstatus.get("lastState")
    if not last:
        return None
    term = last.get("terminated")
    if term is None:
        return None
    finished = term.get("finishedAt")
    return parse_timestamp(finished) if finished and type(finished) is str else None


def _pod_summary(
    meta: Mapping[str, Any], spec: Mapping[str, Any], status: Mapping[str, Any]
) -> PodFacts:
    """(status, ready, total, restarts, last restart epoch) following kubectl's printPod."""
    containers = spec.get("containers") or ()
    init_specs = spec.get("initContainers") or ()

    total = len(containers)
    ready = 0
    restarts = 0
    last_restart: float | None = None
    sidecar_restarts = 0
    sidecar_last: float | None = None

    phase = status.get("phase") or ""
    reason = status.get("reason") or phase
    # kubectl reads each condition type from its first occurrence
    initialized: bool | None = None
    pod_ready: bool | None = None
    for cond in status.get("conditions") or ():
        ctype = cond.get("type")
        if ctype == "PodScheduled":
            if cond.get("reason") == "SchedulingGated":
                reason = "SchedulingGated"
        elif ctype == "Initialized":
            if initialized is None:
                initialized = cond.get("status") == "True"
        elif ctype == "Ready" and pod_ready is None:
            pod_ready = cond.get("status") == "True"

    initializing = False
    if init_specs:
        init_by_name: dict[str, Mapping[str, Any]] = {}
        for ic in init_specs:
            init_by_name[ic.get("name") or ""] = ic
            if _is_restartable(ic):
                total += 1
        for index, cs in enumerate(status.get("initContainerStatuses") or ()):
            count = _count(cs.get("restartCount") or 0)
            restarts += count
            finished = _finished_at(cs)
            if finished is not None and (last_restart is None or finished > last_restart):
                last_restart = finished
            sidecar = _is_restartable(init_by_name.get(cs.get("name") or ""))
            if sidecar:
                sidecar_restarts += count
                if finished is not None and (sidecar_last is None or finished > sidecar_last):
                    sidecar_last = finished
            state = cs.get("state") or EMPTY
            term = state.get("terminated")
            waiting = state.get("waiting")
            if term is not None and _count(term.get("exitCode") or 0) == 0:
                continue
            if sidecar and cs.get("started") is True:
                if cs.get("ready"):
                    ready += 1
                continue
            if term is not None:
                signal = _count(term.get("signal") or 0)
                if term.get("reason"):
                    reason = f"Init:{term['reason']}"
                elif signal:
                    reason = f"Init:Signal:{signal}"
                else:
                    reason = f"Init:ExitCode:{_count(term.get('exitCode') or 0)}"
            elif (
                waiting is not None
                and waiting.get("reason")
                and waiting["reason"] != "PodInitializing"
            ):
                reason = f"Init:{waiting['reason']}"
            else:
                reason = f"Init:{index}/{len(init_specs)}"
            initializing = True
            break

    if not initializing or initialized:
        restarts = sidecar_restarts
        last_restart = sidecar_last
        has_running = False
        for cs in reversed(status.get("containerStatuses") or ()):
            count = cs.get("restartCount")
            if count:
                restarts += _count(count)
            if cs.get("lastState"):
                finished = _finished_at(cs)
                if finished is not None and (last_restart is None or finished > last_restart):
                    last_restart = finished
            state = cs.get("state") or EMPTY
            waiting = state.get("waiting")
            if waiting is not None and waiting.get("reason"):
                reason = waiting["reason"]
                continue
            term = state.get("terminated")
            if term is not None:
                if term.get("reason"):
                    reason = term["reason"]
                else:
                    signal = _count(term.get("signal") or 0)
                    exit_code = _count(term.get("exitCode") or 0)
                    reason = f"Signal:{signal}" if signal else f"ExitCode:{exit_code}"
            elif cs.get("ready") and state.get("running") is not None:
                has_running = True
                ready += 1
        if reason == "Completed" and has_running:
            reason = "Running" if pod_ready else "NotReady"

    if meta.get("deletionTimestamp"):
        if status.get("reason") == "NodeLost":
            reason = "Unknown"
        elif phase not in ("Succeeded", "Failed"):
            reason = "Terminating"

    if type(reason) is not str:
        reason = str(reason)
    return PodFacts(reason, ready, total, restarts, last_restart)


def pod_facts(obj: Mapping[str, Any]) -> PodFacts:
    """The one reading of a pod's status, readiness and restarts: the tables, diagnosis, the
    rollout panel and actions all use it."""
    return _pod_summary(
        obj.get("metadata") or EMPTY, obj.get("spec") or EMPTY, obj.get("status") or EMPTY
    )


def pod_status(obj: dict[str, Any]) -> str:
    """The STATUS column of ``kubectl get pods`` (kubectl's printPod), unsanitised."""
    return pod_facts(obj)[0]


def pod_ready(obj: dict[str, Any]) -> tuple[int, int]:
    """(ready, total) containers as kubectl's READY column counts them (sidecars included)."""
    summary = pod_facts(obj)
    return summary[1], summary[2]


def pod_tone(status: str, ready: int, total: int) -> Tone:
    """Colour class for a pod row from its STATUS and READY counts."""
    if status == "Running":
        return "ok" if ready >= total else "progressing"
    if status in _POD_ERROR:
        return "error"
    if status in _POD_MUTED:
        return "muted"
    if status in _POD_PROGRESSING:
        return "progressing"
    if status in _POD_WARNING:
        return "warning"
    if status.startswith("Init:"):
        rest = status[5:]
        head, sep, tail = rest.partition("/")
        if sep and head.isdigit() and tail.isdigit():
            return "progressing"
        return "error"
    if status.startswith(("ExitCode:", "Signal:")):
        return "error"
    return "warning"


def controller_of(obj: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The ownerReference with ``controller: true`` (what recreates the object), if any."""
    for owner in (obj.get("metadata") or EMPTY).get("ownerReferences") or ():
        if owner.get("controller"):
            return owner
    return None
