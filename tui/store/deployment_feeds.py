"""One Deployment and what it owns, live: the Deployment by name, then its ReplicaSets (and
pods) by its selector, on the same list + watch feeds the tables use. The rollout panel and the
revision list follow a Deployment this way, whoever changes it; a StatefulSet or DaemonSet
(``kind``) the same way, with its ControllerRevisions as children. Kinds ``beside`` it (the
namespace's HPAs, to find the one that scales it) are watched in the whole namespace, and are
optional: that they cannot be read is said apart (``beside_problem``), never as the panel's
connection state."""

from __future__ import annotations

from typing import Any

from gok_tui.domain.kinds import KINDS
from gok_tui.domain.selectors import selector_string
from gok_tui.store.feeds import Feed, FeedHub, first_problem, worst_state
from gok_tui.store.model import apply_batch
from gok_tui.store.watch import FeedSpec


class DeploymentFeeds:
    def __init__(
        self,
        hub: FeedHub,
        namespace: str,
        name: str,
        children: tuple[str, ...] = ("replicasets", "pods"),
        kind: str = "deployments",
        beside: tuple[str, ...] = (),
    ) -> None:
        self.hub = hub
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.children = children
        self.beside = beside
        self.objects: dict[str, dict[str, dict[str, Any]]] = {
            plural: {} for plural in (kind, *children, *beside)
        }
        self.feeds: dict[str, Feed] = {}
        self._selector: str | None = None

    @property
    def deployment(self) -> dict[str, Any] | None:
        """The followed object (a Deployment, or the ``kind`` given)."""
        return self.objects[self.kind].get(f"{self.namespace}/{self.name}")

    def open(self) -> None:
        self.close()
        self.feeds[self.kind] = self.hub.open(
            FeedSpec(KINDS[self.kind], self.namespace, field_selector=f"metadata.name={self.name}")
        )
        for plural in self.beside:
            self.feeds[plural] = self.hub.open(FeedSpec(KINDS[plural], self.namespace))

    def close(self) -> None:
        for feed in self.feeds.values():
            self.hub.close(feed)
        self.feeds = {}
        self._selector = None

    def drain(self) -> bool:
        """Fold in what the feeds received; True when anything changed (objects or a state).
        The children's feeds open once the Deployment, and so its selector, is known (the
        selector is immutable in apps/v1)."""
        changed = False
        for plural, feed in list(self.feeds.items()):
            batch = feed.drain()
            if batch.has_data:
                apply_batch(self.objects[plural], batch)
                changed = True
            if batch.status is not None:
                changed = True
        deployment = self.deployment
        if deployment is not None and self._selector is None:
            selector = selector_string((deployment.get("spec") or {}).get("selector"))
            if selector:
                self._selector = selector
                for plural in self.children:
                    self.feeds[plural] = self.hub.open(
                        FeedSpec(KINDS[plural], self.namespace, label_selector=selector)
                    )
        return changed

    def _needed(self) -> list[Feed]:
        return [feed for plural, feed in self.feeds.items() if plural not in self.beside]

    def state(self) -> str:
        """The worst connection state of the feeds ("connecting" before any is open)."""
        return worst_state(self._needed())

    def problem(self) -> str:
        """What a failing feed says ("" while all are live or still connecting)."""
        return first_problem(self._needed())

    def beside_problem(self) -> str:
        """What a failing feed of a kind ``beside`` says ("" while they are fine)."""
        return first_problem(feed for plural, feed in self.feeds.items() if plural in self.beside)

    @property
    def missing(self) -> bool:
        """The Deployment's feed is live and it is not there: it does not exist."""
        feed = self.feeds.get(self.kind)
        return self.deployment is None and feed is not None and feed.status.state == "live"
