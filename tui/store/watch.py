"""Watch loops: list, then watch from the list's resourceVersion, forever, until stopped.

One thread per (kind, namespace, selector). The loop owns the retry policy:
- a watch that ends at its server-side timeout is renewed from the last resourceVersion;
- 410 Gone (in-stream ERROR or HTTP) re-lists at once;
- other errors are reported to the buffer in words and retried with capped exponential backoff
  (longer for 401/403, so expired credentials never cause a retry storm);
- ``stop()`` closes the open stream, so the thread ends promptly.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from gok_tui.backends.kube import KubeBackend, KubeError, WatchStream
from gok_tui.domain.kinds import Kind
from gok_tui.domain.server_table import Columns
from gok_tui.store.buffer import FeedState, FeedStatus, LatestWinsBuffer


def state_after(error: KubeError) -> FeedState:
    """What a failed request says of the connection: the watch loops' states, and the cluster
    bar's word for the views without watches of their own."""
    if error.status == 401:
        return "unauthorized"
    if error.status == 403:
        return "forbidden"
    return "retrying"


@dataclass(frozen=True)
class FeedSpec:
    kind: Kind
    namespace: str | None  # None: all namespaces (or cluster-scoped)
    label_selector: str | None = None
    field_selector: str | None = None
    # list and watch as server-side Tables: the buffer holds entries (domain.server_table)
    table: bool = False

    def describe(self) -> str:
        where = f"in {self.namespace}" if self.namespace else "in all namespaces"
        scope = f" ({self.label_selector})" if self.label_selector else ""
        return f"{self.kind.plural} {where}{scope}"


QUICK_END_SECONDS = 1.0
# Read timeouts of a list, one per attempt in a row that timed out: a page of at most 500
# objects is answered in well under a second by a healthy API server, so a silent one is said
# within seconds; a slow one is given longer on the attempts that follow.
LIST_READ_TIMEOUTS = (5.0, 15.0, 30.0)
# seconds between tries after an error no retry can mend (KubeError.permanent)
PERMANENT_RETRY_FIRST = 30.0
PERMANENT_RETRY_CAP = 300.0


def not_served(kind: Kind) -> str:
    """What a 404 on a list or watch means: the kind is gone from the server."""
    return f"{kind.plural} is not served (now): CRD deleted? API removed?"


class Backoff:
    def __init__(self, first: float = 0.5, cap: float = 10.0) -> None:
        self.first = first
        self.cap = cap
        self.attempt = 0

    def next_delay(self, cap: float | None = None) -> float:
        limit = cap if cap is not None else self.cap
        delay = min(limit, self.first * (2 ** min(self.attempt, 20)))
        self.attempt += 1
        return delay * random.uniform(0.8, 1.0)

    def reset(self) -> None:
        self.attempt = 0


class WatchLoop:
    def __init__(
        self,
        backend: KubeBackend,
        spec: FeedSpec,
        buffer: LatestWinsBuffer,
        *,
        watch_timeout: int = 240,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.backend = backend
        self.spec = spec
        self.buffer = buffer
        self.watch_timeout = watch_timeout
        self.clock = clock
        self.list_count = 0
        self.watch_count = 0
        self._stop = threading.Event()
        self._stream_lock = threading.Lock()
        self._stream: WatchStream | None = None
        self._live = False
        self._dropped = Backoff(first=0.1, cap=2.0)
        self._list_timeouts = 0  # lists in a row that timed out
        self._until_fixed = Backoff(first=PERMANENT_RETRY_FIRST, cap=PERMANENT_RETRY_CAP)
        self.last_watch_healthy = False
        self._columns: Columns | None = None  # a Table feed's, from its last list
        self._thread = threading.Thread(
            target=self.run, name=f"watch {spec.describe()}", daemon=True
        )

    def start(self) -> WatchLoop:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        with self._stream_lock:
            stream = self._stream
        if stream is not None:
            stream.close()

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    def run(self, max_iterations: int | None = None) -> None:
        """The loop body; ``max_iterations`` bounds it for tests."""
        backoff = Backoff()
        resource_version: str | None = None
        iterations = 0
        self.buffer.put_status(FeedStatus("connecting", f"loading {self.spec.describe()}"))
        while not self._stop.is_set():
            if max_iterations is not None and iterations >= max_iterations:
                return
            iterations += 1
            try:
                if resource_version is None:
                    resource_version = self._list()
                resource_version = self._watch(resource_version)
                if self.last_watch_healthy:
                    # only a watch that held or delivered proves the server well again
                    backoff.reset()
            except KubeError as error:
                if self._stop.is_set():
                    break
                if error.gone:
                    resource_version = None
                    continue
                if error.timed_out and resource_version is None:
                    self._list_timeouts += 1
                if error.status == 404:  # the kind went away (a CRD deleted): no stale rows
                    self.buffer.put_snapshot([])
                    resource_version = None
                    error = KubeError(not_served(self.spec.kind), status=404, permanent=True)
                if error.unreachable or error.status in (401, 403):
                    # After an outage, list again rather than resume: the server may have been
                    # restored or compacted, and a fresh list leaves no stale rows behind.
                    resource_version = None
                self._report_and_wait(error, backoff)
            except Exception as error:
                if self._stop.is_set():
                    break
                resource_version = None
                self._report_and_wait(KubeError(f"unexpected error: {error!r}"[:300]), backoff)

    def _list(self) -> str:
        spec = self.spec
        attempt = min(self._list_timeouts, len(LIST_READ_TIMEOUTS) - 1)
        lister = self.backend.list_table if spec.table else self.backend.list
        result = lister(
            spec.kind,
            spec.namespace,
            label_selector=spec.label_selector,
            field_selector=spec.field_selector,
            timeout=(self.backend.timeout[0], LIST_READ_TIMEOUTS[attempt]),
        )
        self._list_timeouts = 0
        self._until_fixed.reset()
        self.list_count += 1
        self._columns = result.columns
        self.buffer.put_snapshot(result.items)
        self._live = False
        self._mark_live()
        return result.resource_version

    def _mark_live(self) -> None:
        if not self._live:
            self._live = True
            self.buffer.put_status(FeedStatus("live"))

    def _watch(self, resource_version: str) -> str | None:
        """Follow one watch; returns the RV to resume from, or None to re-list."""
        spec = self.spec
        stream: WatchStream
        if spec.table:
            stream = self.backend.watch_table(
                spec.kind,
                spec.namespace,
                resource_version,
                self._columns,
                timeout_seconds=self.watch_timeout,
                label_selector=spec.label_selector,
                field_selector=spec.field_selector,
            )
        else:
            stream = self.backend.watch(
                spec.kind,
                spec.namespace,
                resource_version,
                timeout_seconds=self.watch_timeout,
                label_selector=spec.label_selector,
                field_selector=spec.field_selector,
            )
        self.watch_count += 1
        with self._stream_lock:
            if self._stop.is_set():
                stream.discard()
                return resource_version
            self._stream = stream
        self._mark_live()
        started = self.clock()
        delivered = 0
        gone = False
        try:
            for event_type, obj in stream:
                if self._stop.is_set():
                    break
                if event_type == "ERROR":
                    code = obj.get("code")
                    if code == 410:
                        gone = True
                        break
                    raise KubeError(f"watch error: {obj.get('message', 'unknown')}", status=code)
                delivered += 1
                new_rv = (obj.get("metadata") or {}).get("resourceVersion")
                if new_rv:
                    resource_version = new_rv
                if event_type != "BOOKMARK":
                    self.buffer.put_event(event_type, obj)
        finally:
            stream.discard()
            with self._stream_lock:
                self._stream = None
        self.last_watch_healthy = delivered > 0 or self.clock() - started >= QUICK_END_SECONDS
        if self.last_watch_healthy:
            self._dropped.reset()
        elif not self._stop.is_set():
            # Ended at once with nothing delivered (dropped connection, server shutting down,
            # repeated 410): pause before the next request so nothing spins.
            self._stop.wait(self._dropped.next_delay())
        return None if gone else resource_version

    def _report_and_wait(self, error: KubeError, backoff: Backoff) -> None:
        self._live = False
        slow = error.status in (401, 403)
        if error.permanent:  # waits for a fix: trying every few seconds only makes noise
            delay = self._until_fixed.next_delay()
        else:
            self._until_fixed.reset()
            delay = backoff.next_delay(cap=60.0 if slow else None)
        state = state_after(error)
        self.buffer.put_status(
            FeedStatus(
                state, error.message, retry_at=self.clock() + delay, not_served=error.status == 404
            )
        )
        self._stop.wait(delay)
