"""Following the logs of many pods at once, stern-like, without dropping a line silently.

The UI tells the follower which pods exist (from a pod watch with the Deployment's selector) on
every tick; the follower keeps one thread per (pod, container) stream. Streams start for pods
that appear during a rollout and end for pods that go away. A container restart ends the
kubelet's stream: the follower writes a marker and reads the new container from its start; a
dropped connection resumes from the last timestamp seen, skipping lines already shown. Lines are
batched; the UI drains them per tick.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gok_tui.backends.kube import KubeBackend, KubeError, LogStream
from gok_tui.domain.logs import LogLine, marker
from gok_tui.domain.selectors import selector_string

RECONNECT_SECONDS = 1.0
ERROR_BACKOFF_SECONDS = 3.0


@dataclass(frozen=True)
class LogRequest:
    namespace: str
    title: str  # "deploy/web", "pod/web-1"
    selector: str | None = None  # label selector (a Deployment's), or
    pod: str | None = None  # one pod
    container: str | None = None  # None: every container
    previous: bool = False
    since_seconds: int | None = None
    tail_lines: int | None = 200


def deployment_log_request(obj: Mapping[str, Any]) -> LogRequest | None:
    """Every pod of the Deployment, by its own selector: pods of a rollout join as they start."""
    meta = obj.get("metadata") or {}
    selector = selector_string((obj.get("spec") or {}).get("selector"))
    if not selector:
        return None
    return LogRequest(meta.get("namespace", ""), f"deploy/{meta.get('name')}", selector=selector)


@dataclass(frozen=True)
class LogSource:
    pod: str
    container: str

    @property
    def label(self) -> str:
        return f"{self.pod}/{self.container}"


def _stamp_key(stamp: str) -> tuple[str, int]:
    """RFC 3339 timestamps compare as (seconds, nanoseconds): kubelets trim trailing zeros."""
    head, _, fraction = stamp.rstrip("Z").partition(".")
    digits = "".join(ch for ch in fraction if ch.isdigit())[:9]
    return head, int(digits.ljust(9, "0") or 0)


def _container_status(pod: Mapping[str, Any], container: str) -> Mapping[str, Any]:
    status = pod.get("status") or {}
    for entry in [
        *(status.get("containerStatuses") or []),
        *(status.get("initContainerStatuses") or []),
    ]:
        if entry.get("name") == container:
            return entry
    return {}


def pod_containers(pod: Mapping[str, Any]) -> list[tuple[str, bool]]:
    """Every container of a pod as (name, is_init), in spec order: the main ones, then the
    init ones (kubectl logs -c takes either)."""
    spec = pod.get("spec") or {}
    return [(str(c.get("name", "")), False) for c in spec.get("containers") or []] + [
        (str(c.get("name", "")), True) for c in spec.get("initContainers") or []
    ]


def _initialising(pod: Mapping[str, Any]) -> bool:
    """Whether the pod's init containers have not all finished yet."""
    status = pod.get("status") or {}
    for condition in status.get("conditions") or []:
        if condition.get("type") == "Initialized":
            return condition.get("status") != "True"
    if status.get("phase") not in (None, "Pending"):
        return False
    return not any(
        "running" in (entry.get("state") or {}) or "terminated" in (entry.get("state") or {})
        for entry in status.get("containerStatuses") or []
    )


def containers_to_follow(pod: Mapping[str, Any], container: str | None) -> list[str]:
    """The containers of one pod to follow: the chosen one (main or init), or for "all" the
    main ones (and native sidecars, init containers that keep running), except while the pod
    is still initialising: then the init containers so far, up to the one running or crashing,
    since the main ones have nothing to say yet."""
    if container is not None:
        return [container] if any(name == container for name, _ in pod_containers(pod)) else []
    spec = pod.get("spec") or {}
    inits = spec.get("initContainers") or []
    sidecars = [str(c.get("name", "")) for c in inits if c.get("restartPolicy") == "Always"]
    mains = [str(c.get("name", "")) for c in spec.get("containers") or []]
    if inits and _initialising(pod):
        so_far: list[str] = []
        for init in inits:
            name = str(init.get("name", ""))
            so_far.append(name)
            if init.get("restartPolicy") == "Always":
                continue  # a native sidecar counts as done once started
            state = _container_status(pod, name).get("state") or {}
            if (state.get("terminated") or {}).get("exitCode") != 0:
                return so_far  # this one runs, crashes or waits: the pod waits on it
    return sidecars + mains


class _Stream(threading.Thread):
    def __init__(self, follower: LogFollower, index: int, source: LogSource) -> None:
        super().__init__(name=f"gok-log-{source.label}", daemon=True)
        self.follower, self.index, self.source = follower, index, source
        self.stop_event = threading.Event()
        self.changed = threading.Event()  # the pod object changed
        self.stream: LogStream | None = None
        self.last_stamp: str | None = None
        self.same_stamp_count = 0  # lines shown with exactly last_stamp

    def stop(self) -> None:
        self.stop_event.set()
        self.changed.set()
        if self.stream is not None:
            self.stream.close()

    def _emit(self, text: str) -> None:
        self.follower._push([marker(self.index, text)])

    def _state(self) -> tuple[Mapping[str, Any] | None, Mapping[str, Any]]:
        pod = self.follower.pod(self.source.pod)
        return pod, _container_status(pod or {}, self.source.container)

    def run(self) -> None:
        request = self.follower.request
        waiting_said = ""
        restarts_seen: int | None = None
        first = True
        while not self.stop_event.is_set():
            pod, status = self._state()
            if pod is None:
                self._emit(f"--- pod {self.source.pod} is gone; its log ends here ---")
                return
            restarts = int(status.get("restartCount") or 0)
            if restarts_seen is None:
                restarts_seen = restarts
            state = status.get("state") or {}
            if not request.previous and "running" not in state and "terminated" not in state:
                reason = (state.get("waiting") or {}).get("reason") or (
                    (pod.get("status") or {}).get("phase") or "Pending"
                )
                if reason != waiting_said:
                    self._emit(f"--- waiting for {self.source.container} to start: {reason} ---")
                    waiting_said = reason
                self.changed.wait(2.0)
                self.changed.clear()
                continue
            if restarts > restarts_seen:
                self._emit(f"--- container {self.source.container} restarted ({restarts}) ---")
                restarts_seen, self.last_stamp, self.same_stamp_count = restarts, None, 0
                first = False
            ended = self._read(first)
            first = False
            if request.previous or self.stop_event.is_set():
                if request.previous and ended:
                    self._emit("--- end of the previous container's log ---")
                return
            # the stream ended: the container stopped, or the connection did; look again
            self.stop_event.wait(RECONNECT_SECONDS)

    def _remember_last_stamp(self, batch: list[LogLine]) -> None:
        """Where a reconnect resumes: the newest timestamp, and how many lines carry it.
        Only the batch's tail is read, so ingesting stays one object per line."""
        newest = batch[-1].raw_timestamp()
        if not newest:
            return
        same = 0
        for line in reversed(batch):
            if line.raw_timestamp() != newest:
                break
            same += 1
        if same == len(batch) and newest == self.last_stamp:
            self.same_stamp_count += same
        else:
            self.last_stamp, self.same_stamp_count = newest, same

    def _read(self, first: bool) -> bool:
        request = self.follower.request
        backend = self.follower.backend
        try:
            since: dict[str, Any]
            if self.last_stamp is not None:
                since = {"since_time": self.last_stamp.split(".")[0] + "Z"}
            elif first:
                since = {"since_seconds": request.since_seconds, "tail_lines": request.tail_lines}
            else:
                since = {}
            self.stream = backend.stream_log(
                request.namespace,
                self.source.pod,
                self.source.container,
                follow=not request.previous,
                previous=request.previous,
                **since,
            )
        except KubeError as error:
            if error.status in (400, 404) and request.previous:
                self._emit(f"--- no previous container: {error.message} ---")
                self.stop_event.set()
                return False
            if not self.stop_event.is_set():
                self._emit(f"--- log stream error: {error.message} ---")
                self.stop_event.wait(ERROR_BACKOFF_SECONDS)
            return False
        # After a reconnect (sinceTime has second precision) the server repeats lines: skip
        # those older than the last one shown, and as many at its exact time as were shown.
        resume = _stamp_key(self.last_stamp) if self.last_stamp else None
        skip_same = self.same_stamp_count
        index = self.index
        for raw_lines in self.stream:
            batch = [LogLine(index, raw, True) for raw in raw_lines]
            if resume is not None:
                kept = []
                for line in batch:
                    key = _stamp_key(line.raw_timestamp())
                    if resume is not None:
                        if key < resume:
                            continue
                        if key == resume and skip_same > 0:
                            skip_same -= 1
                            continue
                        resume = None
                    kept.append(line)
                batch = kept
            if batch:
                self._remember_last_stamp(batch)
                self.follower._push(batch)
        if self.stream.broken and not self.stop_event.is_set():
            self._emit(f"--- connection lost ({self.stream.broken}); reconnecting ---")
        return True


class LogFollower:
    def __init__(self, backend: KubeBackend, request: LogRequest) -> None:
        self.backend = backend
        self.request = request
        self.sources: list[LogSource] = []
        self._index: dict[LogSource, int] = {}
        self._streams: dict[LogSource, _Stream] = {}
        self._pods: dict[str, Mapping[str, Any]] = {}
        self._lock = threading.Lock()
        self._batch: list[LogLine] = []
        self.lines_received = 0

    # -- from the UI tick ------------------------------------------------------------------
    def update_pods(self, pods: Mapping[str, Mapping[str, Any]]) -> None:
        """The pods that exist now (by name). Starts and ends streams to match."""
        with self._lock:
            self._pods = dict(pods)
        wanted: list[LogSource] = []
        for name, pod in sorted(pods.items()):
            if (pod.get("metadata") or {}).get("deletionTimestamp") and not self.request.previous:
                continue
            for cname in containers_to_follow(pod, self.request.container):
                wanted.append(LogSource(name, cname))
        for source in wanted:
            stream = self._streams.get(source)
            if stream is None:
                index = self._index.setdefault(source, len(self.sources))
                if index == len(self.sources):
                    self.sources.append(source)
                stream = _Stream(self, index, source)
                self._streams[source] = stream
                stream.start()
        for source, stream in self._streams.items():
            if source.pod in pods:
                stream.changed.set()  # the pod object may have changed: look again
        for source in [s for s in self._streams if s.pod not in pods]:
            stream = self._streams.pop(source)
            stream.changed.set()  # it sees the pod gone, says so and ends

    def drain(self) -> list[LogLine]:
        with self._lock:
            batch, self._batch = self._batch, []
        return batch

    def stop(self) -> None:
        for stream in list(self._streams.values()):
            stream.stop()
        self._streams.clear()

    @property
    def streams(self) -> int:
        return sum(1 for s in self._streams.values() if s.is_alive())

    # -- from stream threads ---------------------------------------------------------------
    def pod(self, name: str) -> Mapping[str, Any] | None:
        with self._lock:
            return self._pods.get(name)

    def _push(self, lines: list[LogLine]) -> None:
        with self._lock:
            self._batch.extend(lines)
            self.lines_received += len(lines)
