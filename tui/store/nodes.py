"""The nodes' table model: nodes, and what the pods scheduled on each one request of it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from gok_tui.domain.nodes import Usage, occupies_node, pod_requests
from gok_tui.domain.table import Row
from gok_tui.store.buffer import Drained
from gok_tui.store.model import Objects, RowDelta, TableModel


class NodeModel(TableModel):
    """Nodes, with what the pods on each request: kept up to date pod by pod (a change of one
    pod moves its node's sums, not every pod's), summed afresh only on a new list."""

    def __init__(self, render: Callable[[dict[str, Any], Objects, float], list[Row]]) -> None:
        super().__init__("nodes", render, ("pods",))
        self._pods_listed = False
        self._per_pod: dict[str, tuple[str, Usage]] = {}  # pod key -> its node and requests
        self._per_node: dict[str, Usage] = {}

    def apply(self, drained: Mapping[str, Drained], now: float) -> RowDelta:
        pods = drained.get("pods")
        if pods is not None and pods.has_data:
            self._fold(pods)
        return super().apply(drained, now)

    def _fold(self, batch: Drained) -> None:
        if batch.snapshot is not None:
            self._pods_listed = True
            self._per_pod, self._per_node = {}, {}
            for key, pod in batch.snapshot.items():
                self._add(key, pod)
        for key, changed in batch.changes.items():
            old = self._per_pod.pop(key, None)
            if old is not None:
                self._per_node[old[0]] = self._per_node[old[0]] - old[1]
            if changed is not None:
                self._add(key, changed)

    def _add(self, key: str, pod: dict[str, Any]) -> None:
        node = occupies_node(pod)
        if node:
            asked = pod_requests(pod)
            self._per_pod[key] = (node, asked)
            self._per_node[node] = self._per_node.get(node, Usage()) + asked

    def usage_of(self, node: str) -> Usage | None:
        """What the pods on ``node`` request; None until the pods are listed."""
        return self._per_node.get(node, Usage()) if self._pods_listed else None
