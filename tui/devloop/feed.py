"""Where the build loop's worker thread leaves its events for the UI tick to pick up."""

from __future__ import annotations

import threading
from typing import Any


class BuildFeed:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._events: list[Any] = []

    def put(self, event: Any) -> None:
        with self._lock:
            self._events.append(event)

    def drain(self) -> list[Any]:
        with self._lock:
            events, self._events = self._events, []
        return events
