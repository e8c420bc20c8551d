"""The timeline's feed: list + watch of the kinds the timeline reads, in one namespace (or all),
on the hub the views use, folded into a ``Timeline`` one changed object at a time."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gok_tui.domain.kinds import KINDS
from gok_tui.domain.timeline import Timeline
from gok_tui.store.buffer import Drained
from gok_tui.store.feeds import Feed, FeedHub, first_problem, worst_state
from gok_tui.store.watch import FeedSpec

TIMELINE_KINDS = (
    "deployments",
    "replicasets",
    "events",
    "pods",
    "configmaps",
    "secrets",
    "statefulsets",
    "daemonsets",
    "controllerrevisions",
    "horizontalpodautoscalers",
)


def _version(obj: dict[str, Any]) -> str:
    return str((obj.get("metadata") or {}).get("resourceVersion", ""))


def fold(timeline: Timeline, plural: str, store: dict[str, dict[str, Any]], batch: Drained) -> int:
    """Apply one drained batch to ``store`` and the timeline; returns how many objects it
    re-derived (a relist re-derives only the objects whose resourceVersion moved). Deployments
    come before ReplicaSets in TIMELINE_KINDS so a revision finds its Deployment."""
    touched = 0
    if batch.snapshot is not None:
        for key in [k for k in store if k not in batch.snapshot]:
            timeline.remove(plural, store.pop(key))
            touched += 1
        for key, obj in batch.snapshot.items():
            old = store.get(key)
            if old is None or _version(old) != _version(obj) or not _version(obj):
                store[key] = obj
                timeline.update(plural, obj)
                touched += 1
    for key, changed in batch.changes.items():
        if changed is None:
            gone = store.pop(key, None)
            if gone is not None:
                timeline.remove(plural, gone)
        else:
            store[key] = changed
            timeline.update(plural, changed)
        touched += 1
    return touched


class TimelineFeed:
    def __init__(
        self,
        hub: FeedHub,
        namespace: str | None,
        clock: Callable[[], float],
        kinds: tuple[str, ...] = TIMELINE_KINDS,
    ) -> None:
        self.hub = hub
        self.namespace = namespace
        self.clock = clock
        self.kinds = kinds
        self.timeline = Timeline()
        self.objects: dict[str, dict[str, dict[str, Any]]] = {plural: {} for plural in kinds}
        self.feeds: dict[str, Feed] = {}

    def open(self) -> None:
        self.close()
        for plural in self.kinds:
            self.feeds[plural] = self.hub.open(FeedSpec(KINDS[plural], self.namespace))

    def close(self) -> None:
        for feed in self.feeds.values():
            self.hub.close(feed)
        self.feeds = {}

    def drain(self) -> bool:
        """Fold in what the feeds received; True when anything changed."""
        changed = False
        self.timeline.now = self.clock()
        for plural in self.kinds:
            feed = self.feeds.get(plural)
            if feed is None:
                continue
            batch = feed.drain()
            if batch.has_data and fold(self.timeline, plural, self.objects[plural], batch):
                changed = True
            if batch.status is not None:
                changed = True
        return changed

    def state(self) -> str:
        """The worst connection state of the feeds ("connecting" before any is open). A kind the
        user may not list (Secrets, often) is left out while another is readable: the rest of
        the timeline is live, and ``hidden()`` names what is missing."""
        readable = [feed for feed in self.feeds.values() if feed.status.state != "forbidden"]
        return worst_state(readable or self.feeds.values())

    def hidden(self) -> tuple[str, ...]:
        """The kinds left off the timeline because listing them is forbidden (none when every
        kind is: then the view itself says forbidden)."""
        forbidden = tuple(
            plural for plural, feed in self.feeds.items() if feed.status.state == "forbidden"
        )
        return forbidden if len(forbidden) < len(self.feeds) else ()

    def problem(self) -> str:
        """What a failing feed says ("" while all are live or still connecting)."""
        return first_problem(self.feeds.values())
