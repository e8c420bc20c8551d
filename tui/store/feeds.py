"""Feeds: a watch loop and its buffer, owned by a hub that re-targets them all at once."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from gok_tui.backends.kube import KubeBackend
from gok_tui.store.buffer import Drained, FeedStatus, LatestWinsBuffer
from gok_tui.store.watch import FeedSpec, WatchLoop


@dataclass
class Feed:
    spec: FeedSpec
    buffer: LatestWinsBuffer = field(default_factory=LatestWinsBuffer)
    loop: WatchLoop | None = None
    status: FeedStatus = field(default_factory=lambda: FeedStatus("connecting"))

    def drain(self) -> Drained:
        drained = self.buffer.drain()
        if drained.status is not None:
            self.status = drained.status
        return drained


WORST_FIRST = ("unauthorized", "forbidden", "retrying", "connecting")


def worst_state(feeds: Iterable[Feed]) -> str:
    """The worst connection state of several feeds ("connecting" before any is open)."""
    states = [feed.status.state for feed in feeds]
    for state in WORST_FIRST:
        if state in states:
            return state
    return "live" if states else "connecting"


def first_problem(feeds: Iterable[Feed]) -> str:
    """What the first failing feed says ("" while all are live or still connecting)."""
    return next(
        (
            f"{feed.spec.kind.plural}: {feed.status.message}"
            for feed in feeds
            if feed.status.state not in ("live", "connecting") and feed.status.message
        ),
        "",
    )


class FeedHub:
    """Starts, stops and re-targets the watch loops behind every open screen.

    ``wake``, when set, is called from a watch thread each time a full list lands (a view's
    first data, a relist), so the UI can show it without waiting for its next tick."""

    def __init__(self, backend: KubeBackend | None, *, watch_timeout: int = 240) -> None:
        self.backend = backend
        self.watch_timeout = watch_timeout
        self.wake: Callable[[], None] | None = None
        self._feeds: list[Feed] = []
        self._early: Feed | None = None  # opened before any screen asked (see open_early)
        self._lock = threading.Lock()

    def open_early(self, spec: FeedSpec) -> None:
        """Open the start view's feed while the UI is still starting: importing the client,
        the list and its decoding overlap the UI's own start. The first ``open`` takes it
        over if it asks for the same spec; otherwise it is closed then."""
        feed = Feed(spec, LatestWinsBuffer(on_snapshot=self._snapshot_landed))
        with self._lock:
            self._feeds.append(feed)
            self._early = feed
        self._start(feed)

    def open(self, spec: FeedSpec) -> Feed:
        with self._lock:
            early, self._early = self._early, None
        if early is not None:
            if early.spec == spec and early.loop is not None:  # not stopped by a retarget
                if early.buffer.holds_snapshot():
                    self._snapshot_landed()  # it landed before anyone could be woken
                return early
            self.close(early)
        feed = Feed(spec, LatestWinsBuffer(on_snapshot=self._snapshot_landed))
        with self._lock:
            self._feeds.append(feed)
        self._start(feed)
        return feed

    def close(self, feed: Feed) -> None:
        with self._lock:
            if feed in self._feeds:
                self._feeds.remove(feed)
        if feed.loop is not None:
            feed.loop.stop()
            feed.loop = None

    def _snapshot_landed(self) -> None:
        wake = self.wake
        if wake is not None:
            wake()

    def retarget(self, backend: KubeBackend | None) -> None:
        """Stop every loop and switch backends; screens open fresh feeds when next shown."""
        old = self.backend
        self.backend = backend
        for feed in self.feeds:
            if feed.loop is not None:
                feed.loop.stop()
                feed.loop = None
        if old is not None and old is not backend:
            old.close()

    def stop_all(self) -> None:
        with self._lock:
            feeds = list(self._feeds)
            self._feeds.clear()
        for feed in feeds:
            if feed.loop is not None:
                feed.loop.stop()
        if self.backend is not None:
            self.backend.close()

    @property
    def feeds(self) -> list[Feed]:
        with self._lock:
            return list(self._feeds)

    def _start(self, feed: Feed) -> None:
        if self.backend is None:
            feed.buffer.put_status(FeedStatus("stopped", "no cluster configured (no kubeconfig)"))
            return
        feed.loop = WatchLoop(
            self.backend, feed.spec, feed.buffer, watch_timeout=self.watch_timeout
        ).start()
