"""Resource usage columns (metrics.k8s.io) on a live table: the pods, workloads and nodes views.

A view with usage polls the metrics API while it is on screen and stops when hidden (the store
does the asking: tui/store/metrics.py). Its usage columns come after an anchor column (READY, or
a node's PODS) and are shown only while the API answers: absent or forbidden, they are hidden
and the view says so once. Below ``WIDE_AT`` terminal columns only the usage and the share of
the memory limit are shown (that cell carries the OOM mark); at 80 columns the rest would be
off-screen anyway, and a node drops its request columns (describe shows them) so that its
pressure stays in sight.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from gok_tui.domain.metrics import (
    NARROW_POD_METRIC_KEYS,
    NODE_METRIC_COLUMNS,
    POD_METRIC_COLUMNS,
)
from gok_tui.domain.table import Column, Row
from gok_tui.store.metrics import MetricsKind, MetricsState
from gok_tui.widgets.resource_table import ResourceTable
from textual import events

if TYPE_CHECKING:
    from gok_tui.screens.resource import ResourceScreen

    _Base = ResourceScreen
else:
    _Base = object

WIDE_AT = 120  # terminal columns from which every usage column is shown
ANCHORS = ("ready", "pods", "status", "name")  # the usage columns come after the first found
NARROW_NODE_DROPS = ("cpu", "memory")  # a node's request columns, dropped below WIDE_AT


class UsageView(_Base):
    """Mixed into a ResourceScreen (first among its bases). The screen's ``columns`` passes its
    columns through ``usage_columns`` and its ``render_rows`` each row through ``with_usage``."""

    METRICS_KIND: ClassVar[MetricsKind] = "pods"
    _metrics_seen = -1
    _metrics_generation = -1
    _usage_on = False  # the usage columns are shown
    _usage_wide = False  # ... all of them (the terminal is wide enough)

    # -- what the metrics store is asked -----------------------------------------------------
    def metrics_scope(self) -> tuple[str | None, str]:
        """The namespace (None: all, or nodes) and context whose metrics this view shows."""
        target = self.session.target
        context = target.context if target is not None else ""
        if self.METRICS_KIND == "nodes":
            return None, context
        if self.scope is not None:
            return self.scope.namespace, context
        return self.session.namespace, context

    def metrics_state(self) -> MetricsState:
        namespace, context = self.metrics_scope()
        return self.session.metrics.state(self.METRICS_KIND, namespace, context)

    def _watch_metrics(self) -> None:
        if not self.is_attached or self.app.screen is not self:
            return
        self._metrics_generation = self.session.generation
        namespace, context = self.metrics_scope()
        self.session.metrics.show(self, self.METRICS_KIND, namespace, context)

    # (Textual calls the handler of every class that defines one: these do not call super)
    def on_mount(self) -> None:
        self._usage_wide = self.app.size.width >= WIDE_AT
        self.call_after_refresh(self._watch_metrics)

    def on_screen_resume(self) -> None:
        self._watch_metrics()

    def on_screen_suspend(self) -> None:
        self.session.metrics.hide(self)

    def on_unmount(self) -> None:
        self.session.metrics.hide(self)

    def on_resize(self, event: events.Resize) -> None:
        wide = self.app.size.width >= WIDE_AT
        if wide != self._usage_wide:
            self._usage_wide = wide
            if self._usage_on:
                self._reset_usage_columns()

    # -- the tick ----------------------------------------------------------------------------
    def sync(self, now: float) -> None:
        super().sync(now)
        if self.model is None or not self.is_attached or not self.query(ResourceTable):
            return
        store = self.session.metrics
        if self.session.generation != self._metrics_generation:
            self._watch_metrics()  # another namespace or context: another scope
        notice = store.take_notice()
        if notice is not None and notice.quiet:
            self.gok.remember(notice.text, "warning")
        elif notice is not None:
            self.notify(notice.text, severity="warning", timeout=8)
        if store.version == self._metrics_seen:
            return
        self._metrics_seen = store.version
        shown = self.metrics_state().shows_columns
        if shown != self._usage_on:
            self._usage_on = shown
            self._reset_usage_columns()
        elif shown:  # new samples: the rows on screen now, the others when scrolled to
            table = self.query_one(ResourceTable)
            keys = table.keys_between(*table.visible_rows()[:2])
            table.apply_delta(self.model.rerender_rows(keys, self.session.clock()))
        self.usage_changed()

    @property
    def usage_settled(self) -> bool:
        """Whether the metrics API has answered this view and the answer is shown (tests)."""
        if self.session.target is None:
            return True
        seen = self._metrics_seen == self.session.metrics.version
        return seen and self.metrics_state().state != "waiting"

    def usage_changed(self) -> None:
        """New samples (or none any more): for views that derive more from them."""

    def _reset_usage_columns(self) -> None:
        if self.model is None:
            return
        table = self.query_one(ResourceTable)
        self.model.rerender_rows(list(self.model.rows), self.session.clock())
        table.set_columns(self.columns(self.all_namespaces))
        table.apply_delta(self.model.full())

    # -- columns and cells -------------------------------------------------------------------
    def _layout(self, base: Sequence[Column]) -> tuple[int, tuple[int, ...], frozenset[int]]:
        """Where the usage cells go (after this index of the base row), which of them, and
        which base cells are dropped."""
        keys = [column.key for column in base]
        anchor = next((keys.index(key) for key in ANCHORS if key in keys), 0)
        usage = NODE_METRIC_COLUMNS if self.METRICS_KIND == "nodes" else POD_METRIC_COLUMNS
        if self._usage_wide:
            return anchor, tuple(range(len(usage))), frozenset()
        if self.METRICS_KIND == "nodes":
            dropped = frozenset(keys.index(key) for key in NARROW_NODE_DROPS if key in keys)
            return anchor, tuple(range(len(usage))), dropped
        picked = tuple(i for i, c in enumerate(usage) if c.key in NARROW_POD_METRIC_KEYS)
        return anchor, picked, frozenset()

    def usage_columns(self, base: Sequence[Column]) -> tuple[Column, ...]:
        if not self._usage_on:
            return tuple(base)
        anchor, picked, dropped = self._layout(base)
        usage = NODE_METRIC_COLUMNS if self.METRICS_KIND == "nodes" else POD_METRIC_COLUMNS
        kept = [c for i, c in enumerate(base) if i not in dropped]  # all after the anchor
        return (*kept[: anchor + 1], *(usage[i] for i in picked), *kept[anchor + 1 :])

    def with_usage(self, row: Row, base: Sequence[Column], cells: Sequence[str]) -> Row:
        """The row with its usage cells (``cells``: all of them, in the columns' order)."""
        if not self._usage_on:
            return row
        offset = len(row.cells) - len(base)  # a NAMESPACE cell the base columns may not name
        anchor, picked, dropped = self._layout(base)
        own = [c for i, c in enumerate(row.cells[offset:]) if i not in dropped]
        return Row(
            row.key,
            (
                *row.cells[:offset],
                *own[: anchor + 1],
                *(cells[i] for i in picked),
                *own[anchor + 1 :],
            ),
            row.tone,
        )

    def workload_usage(self, obj: dict[str, Any]) -> tuple[str, ...]:
        from gok_tui.domain.metrics import workload_cells

        store = self.session.metrics
        namespace = (obj.get("metadata") or {}).get("namespace") or ""
        return workload_cells(obj, store.pod_usages(), store.pod_labels(), store.pods_in(namespace))
