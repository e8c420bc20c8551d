"""The live table of any kind without a hand-made renderer, in the columns the server itself
gives ``kubectl get`` (server-side Tables; a CRD's additionalPrinterColumns): filter, describe,
YAML, enter=describe, ``w`` for the ``-o wide`` columns, ctrl+d to delete."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any, ClassVar

from gok_tui.domain.kinds import Kind
from gok_tui.domain.server_table import entry_row, view_columns, visible_columns
from gok_tui.domain.table import Column, Row
from gok_tui.screens.bindings import bindings_for
from gok_tui.screens.resource import OneKindScreen, ResourceScreen, Scope
from gok_tui.store.model import Objects, RowSet, ServerTableModel
from gok_tui.store.watch import FeedSpec
from gok_tui.widgets.resource_table import ResourceTable
from textual import events
from textual.binding import BindingType

WIDE_AT = 120  # terminal columns from which the ``-o wide`` columns are shown


def sort_key(column: str, cell: str, obj: dict[str, Any]) -> str:
    """Text that sorts as the column's values do: an age by the creation time (oldest first),
    a number by its value, anything else as text."""
    if column == "age":
        return str((obj.get("metadata") or {}).get("creationTimestamp") or "")
    if cell.isdigit():
        return cell.rjust(20, "0")
    return cell.lower()


class TableKindScreen(OneKindScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        *ResourceScreen.BINDINGS,
        *bindings_for("generic"),
    ]

    def __init__(self, kind: Kind, scope: Scope | None = None) -> None:
        super().__init__(scope)
        self.kind = kind
        self._wide_asked: bool | None = None  # w pressed: overrides the terminal's width
        self._wide_shown = False
        self._said_plain = False
        self._sort_by: str | None = None  # a column's key; None: by namespace and name

    @property
    def all_namespaces(self) -> bool:
        return self.kind.namespaced and super().all_namespaces

    def _spec_for(self, kind: Kind) -> FeedSpec:
        spec = super()._spec_for(kind)
        return replace(spec, table=True) if kind == self.kind else spec

    def make_model(
        self, render: Callable[[dict[str, Any], Objects, float], list[Row]], all_ns: bool
    ) -> RowSet:
        return ServerTableModel(self.primary, render)

    @property
    def wide(self) -> bool:
        if self._wide_asked is not None:
            return self._wide_asked
        return self.app.size.width >= WIDE_AT

    def _server_model(self) -> ServerTableModel | None:
        return self.model if isinstance(self.model, ServerTableModel) else None

    def columns(self, all_namespaces: bool) -> Sequence[Column]:
        model = self._server_model()
        if model is None:
            return ()
        return view_columns(model.columns, self._wide_shown, all_namespaces)

    def render_rows(
        self, obj: dict[str, Any], objects: Objects, now: float, all_namespaces: bool
    ) -> list[Row]:
        model = self._server_model()
        if model is None:
            return []
        shown = visible_columns(model.columns, self._wide_shown)
        row = entry_row(obj, shown, now, all_namespaces)
        keys = [column.key for column in shown]
        if self._sort_by is None or self._sort_by not in keys:
            return [row]
        # the table keeps rows in key order: a key that starts with the sorted value
        cell = row.cells[keys.index(self._sort_by) + (1 if all_namespaces else 0)]
        entry_object = obj.get("object") or {}
        return [
            Row(f"{sort_key(self._sort_by, cell, entry_object)}\0{row.key}", row.cells, row.tone)
        ]

    def columns_changed(self) -> bool:
        model = self._server_model()
        if model is None or not model.columns_changed:
            return False
        if model.plain and not self._said_plain:
            self._said_plain = True
            self.notify(
                f"{self.kind.plural}: the server gave no table of columns; showing names and ages",
                severity="warning",
            )
        return True

    def _reshape(self) -> None:
        """Show (or hide) the wide columns: every row again in the new columns."""
        model = self._server_model()
        if model is None:
            return
        self._wide_shown = self.wide
        table = self.query_one(ResourceTable)
        table.set_columns(self.columns(self.all_namespaces))
        model.rerender_rows(list(model.owner_of), self.session.clock())
        table.apply_delta(model.full())

    def on_mount(self) -> None:
        self._wide_shown = self.wide
        super().on_mount()

    def on_resize(self, event: events.Resize) -> None:
        if self.model is not None and self.wide != self._wide_shown:
            self._reshape()

    def action_sort(self) -> None:
        """o: sort by the next column (ages oldest first, numbers by value), then by name."""
        model = self._server_model()
        if model is None:
            return
        keys = [
            c.key for c in visible_columns(model.columns, self._wide_shown) if c.format != "name"
        ]
        if not keys:
            return
        at = keys.index(self._sort_by) + 1 if self._sort_by in keys else 0
        self._sort_by = keys[at] if at < len(keys) else None
        self.notify(f"sorted by {(self._sort_by or 'name').upper()}")
        self._reshape()

    def action_toggle_wide(self) -> None:
        self._wide_asked = not self.wide
        self._reshape()

    def event_target(self, item: Any) -> tuple[str, dict[str, Any]] | None:
        return (self.primary, item) if isinstance(item, dict) else None

    def action_delete_object(self) -> None:
        from gok_tui.actions.objects import DeleteObject

        ref = self.selected_ref()
        if ref is None:
            return
        self.gok.propose(DeleteObject(ref, self.kind))
