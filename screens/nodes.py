"""`:no`: the nodes, how full each one is, and cordon / uncordon / drain.

How full a node is comes from the pods scheduled on it: the view also watches the pods of
every namespace, but only the running ones that are on a node (the field selector kubectl
describe node uses), and the sums move pod by pod (tui/store/nodes.py)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from gok_tui.actions.base import Action
from gok_tui.actions.nodes import Cordon, Drain, Uncordon, node_ref
from gok_tui.domain.kinds import Kind
from gok_tui.domain.metrics import node_cells
from gok_tui.domain.nodes import allocatable
from gok_tui.domain.render.node import NODE_COLUMNS, render_node
from gok_tui.domain.table import Column, Row
from gok_tui.screens.bindings import bindings_for
from gok_tui.screens.kinds import KindScreen
from gok_tui.screens.resource import ResourceScreen, Scope
from gok_tui.screens.usage import UsageView
from gok_tui.store.model import Objects, RowSet
from gok_tui.store.nodes import NodeModel
from gok_tui.store.watch import FeedSpec
from gok_tui.widgets.plain import SafeText
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.widgets import Static

# the pods that count against a node: on one, and not finished
PODS_ON_NODES = "spec.nodeName!=,status.phase!=Succeeded,status.phase!=Failed"


class NodeScreen(UsageView, KindScreen):
    """The live table of the nodes; c, u and r cordon, uncordon and drain the selected one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *ResourceScreen.BINDINGS,
        *bindings_for("nodes"),
    ]
    SECONDARY = ("pods",)
    METRICS_KIND = "nodes"
    DEFAULT_CSS = """
    NodeScreen #progress { height: 1; padding: 0 1; color: $warning; display: none; }
    """

    def __init__(self, scope: Scope | None = None) -> None:
        super().__init__("nodes", scope)

    def compose_body(self) -> ComposeResult:
        yield from super().compose_body()
        yield Static(id="progress")

    def make_model(
        self, render: Callable[[dict[str, Any], Objects, float], list[Row]], all_ns: bool
    ) -> RowSet:
        return NodeModel(render)

    def _spec_for(self, kind: Kind) -> FeedSpec:
        if kind.plural == "pods":  # every namespace's, whatever the session's namespace
            return FeedSpec(kind, None, None, PODS_ON_NODES)
        return super()._spec_for(kind)

    def render_rows(
        self, obj: dict[str, Any], objects: Objects, now: float, all_namespaces: bool
    ) -> list[Row]:
        name = (obj.get("metadata") or {}).get("name") or ""
        usage = self.model.usage_of(name) if isinstance(self.model, NodeModel) else None
        offered = allocatable(obj)
        used = self.session.metrics.node_usage(name) if self._usage_on else None
        now_cells = node_cells(used, offered.cpu, offered.memory)
        return [self.with_usage(render_node(obj, now, False, usage), NODE_COLUMNS, now_cells)]

    def columns(self, all_namespaces: bool) -> Sequence[Column]:
        return self.usage_columns(NODE_COLUMNS)

    # -- the keys --------------------------------------------------------------------------
    def _propose(self, make: Callable[..., Action]) -> None:
        picked, target = self.selected(), self.session.target
        if picked is None or target is None:
            return
        name = (picked[1].get("metadata") or {}).get("name", "")
        self.gok.propose(make(node_ref(target.context, target.cluster_server, name)))

    def action_cordon(self) -> None:
        self._propose(Cordon)

    def action_uncordon(self) -> None:
        self._propose(Uncordon)

    def action_drain(self) -> None:
        self._propose(Drain)

    def show_progress(self, text: str) -> None:
        """A drain's progress ("drain node-1: 3 of 5 left"); "" when it is over."""
        line = self.query_one("#progress", Static)
        line.display = bool(text)
        line.update(SafeText(text, no_wrap=True, overflow="ellipsis"))
