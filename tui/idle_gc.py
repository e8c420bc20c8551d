"""Full garbage collections while nobody is typing.

A full collection walks every object Python tracks. With 10,000 pods on screen that is half a
million objects and about half a second with the UI frozen, and under a busy watch stream
CPython's own trigger fires one every few seconds, whenever it likes: in the middle of a
keypress. Most of what the app holds is acyclic (decoded JSON, rows, cells) and is freed by
reference counting anyway; the full pass only looks for cycles. So it is moved to moments when
the user has not pressed a key for a while, and forced only after a long wait (a user who types
for minutes on end still gets one). What is alive after start-up (modules, classes, functions)
is frozen, so no full pass walks it again.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

NO_AUTOMATIC_FULL_COLLECTION = 1_000_000_000  # CPython's third threshold, effectively "never"
ENOUGH_YOUNG_COLLECTIONS = 10  # CPython's own default: a full pass is worth it after ten of them


def hold_collections_until_started() -> None:
    """No automatic collection at all until ``IdleCollector.start``: start-up allocates half a
    million objects (modules, widgets, the first list's JSON), over which CPython runs some 250
    young passes and one or two full ones, 0.1-0.25 s before the first table is drawn.
    ``start`` freezes what start-up leaves, its garbage included: about 10,000 unreachable
    objects (~1.5 MB, Textual's start-up cycles) stay, where the young passes had left a few
    hundred; collecting them there would stop the UI for 0.1-0.2 s just after it has drawn."""
    gc.disable()


def young_collections_since_full() -> int:
    return gc.get_count()[2]


class IdleCollector:
    def __init__(
        self,
        *,
        quiet_seconds: float = 1.0,
        every_seconds: float = 10.0,
        longest_wait_seconds: float = 120.0,
        clock: Callable[[], float] = time.monotonic,
        collect: Callable[[], object] = gc.collect,
        pending: Callable[[], int] = young_collections_since_full,
    ) -> None:
        self.quiet_seconds = quiet_seconds
        self.every_seconds = every_seconds
        self.longest_wait_seconds = longest_wait_seconds
        self.clock = clock
        self.collect = collect
        self.pending = pending
        self.last_input = clock()
        self.last_full = clock()
        self.collections = 0
        self._saved_threshold: tuple[int, int, int] | None = None

    def start(self) -> None:
        """Take over full collections; freeze what exists now (call once start-up is done)."""
        if self._saved_threshold is not None:
            return
        self._saved_threshold = gc.get_threshold()
        young, middle, _ = self._saved_threshold
        gc.freeze()
        gc.set_threshold(young, middle, NO_AUTOMATIC_FULL_COLLECTION)
        gc.enable()  # held since the process started (hold_collections_until_started)
        self.last_full = self.clock()

    def stop(self) -> None:
        if self._saved_threshold is None:
            return
        gc.set_threshold(*self._saved_threshold)
        gc.unfreeze()
        self._saved_threshold = None

    def key_pressed(self) -> None:
        self.last_input = self.clock()

    def tick(self) -> bool:
        """Run a full collection if one is due and the moment is right; says whether it did."""
        if self._saved_threshold is None or self.pending() < ENOUGH_YOUNG_COLLECTIONS:
            return False  # not started, or too little allocated since the last pass to bother
        now = self.clock()
        waited = now - self.last_full
        quiet = now - self.last_input >= self.quiet_seconds
        if (quiet and waited >= self.every_seconds) or waited >= self.longest_wait_seconds:
            self.collect()
            self.last_full = self.clock()
            self.collections += 1
            return True
        return False
