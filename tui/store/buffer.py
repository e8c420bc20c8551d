"""A latest-wins buffer between a watch thread and the UI's drain tick.

The writer (a watch loop) records snapshots, events and its connection state; the reader (the
UI, every tick) drains whatever accumulated. Only the latest state of each object is kept, so a
burst of updates to one pod costs one row update, and memory is bounded by the object count.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from gok_tui.domain.kinds import object_key

FeedState = Literal["connecting", "live", "retrying", "forbidden", "unauthorized", "stopped"]


@dataclass(frozen=True)
class FeedStatus:
    state: FeedState
    message: str = ""
    retry_at: float | None = None  # monotonic time of the next attempt
    since: float = field(default_factory=time.monotonic)
    # the server answered, 404: the kind is not served (a CRD deleted); not a connection fault
    not_served: bool = False

    @property
    def healthy(self) -> bool:
        return self.state == "live"


@dataclass
class Drained:
    """What a buffer held: a full snapshot (replaces everything) and/or later changes."""

    snapshot: dict[str, dict[str, Any]] | None = None
    changes: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    status: FeedStatus | None = None

    @property
    def has_data(self) -> bool:
        return self.snapshot is not None or bool(self.changes)


class LatestWinsBuffer:
    def __init__(self, on_snapshot: Callable[[], None] | None = None) -> None:
        self._on_snapshot = on_snapshot  # called (on the writer's thread) after a snapshot
        self._lock = threading.Lock()
        self._snapshot: dict[str, dict[str, Any]] | None = None
        self._changes: dict[str, dict[str, Any] | None] = {}
        self._status: FeedStatus | None = None
        self.events_in = 0

    def put_snapshot(self, items: list[dict[str, Any]]) -> None:
        snapshot = {object_key(item): item for item in items}
        with self._lock:
            self._snapshot = snapshot
            self._changes = {}
        if self._on_snapshot is not None:
            self._on_snapshot()

    def put_event(self, event_type: str, obj: dict[str, Any]) -> None:
        key = object_key(obj)
        value = None if event_type == "DELETED" else obj
        with self._lock:
            self.events_in += 1
            if self._snapshot is not None:
                if value is None:
                    self._snapshot.pop(key, None)
                else:
                    self._snapshot[key] = value
            else:
                self._changes[key] = value

    def holds_snapshot(self) -> bool:
        """Whether a full list waits to be drained."""
        with self._lock:
            return self._snapshot is not None

    def put_status(self, status: FeedStatus) -> None:
        with self._lock:
            self._status = status

    def drain(self) -> Drained:
        with self._lock:
            drained = Drained(self._snapshot, self._changes, self._status)
            self._snapshot = None
            self._changes = {}
            self._status = None
            return drained
