"""`:svc`, `:ev`, `:no`, `:cm`, `:secret`, ...: the live table of any kind the console renders,
from the same list+watch feeds, model and table as the hand-made views. Events come newest
first (k9s and `kubectl get events --sort-by` users look at the top); `/Warning` keeps the
warnings."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any

from gok_tui.domain.kinds import KINDS, Kind
from gok_tui.domain.render import columns_for, has_renderer, rows_for
from gok_tui.domain.table import Column, Row
from gok_tui.domain.timefmt import parse_timestamp
from gok_tui.screens.resource import OneKindScreen, ResourceScreen, Scope
from gok_tui.store.model import Objects

NEWEST_FIRST = frozenset({"events"})
_FAR_FUTURE = 10**11  # seconds: inverted times sort newest first as text


def newest_first_key(obj: dict[str, Any], key: str) -> str:
    """A row key that sorts the newest event first (the table keeps rows in key order)."""
    stamp = (
        obj.get("lastTimestamp")
        or (obj.get("series") or {}).get("lastObservedTime")
        or obj.get("eventTime")
        or (obj.get("metadata") or {}).get("creationTimestamp")
    )
    seconds = parse_timestamp(stamp) or 0.0
    return f"{_FAR_FUTURE - int(seconds):011d}#{key}"


class KindScreen(OneKindScreen):
    """The live table of one kind we have a renderer for (`kind_screen` sends any other kind to
    the server's own columns)."""

    def __init__(self, kind: Kind | str, scope: Scope | None = None) -> None:
        super().__init__(scope)
        self.kind: Kind = KINDS[kind] if isinstance(kind, str) else kind

    def columns(self, all_namespaces: bool) -> Sequence[Column]:
        return columns_for(self.kind.plural, all_namespaces)

    def render_rows(
        self, obj: dict[str, Any], objects: Objects, now: float, all_namespaces: bool
    ) -> list[Row]:
        rows = rows_for(self.kind.plural, obj, now, all_namespaces)
        if self.kind.plural in NEWEST_FIRST:
            return [Row(newest_first_key(obj, row.key), row.cells, row.tone) for row in rows]
        return rows

    def action_back(self) -> None:
        if self._filter_text or len(self.app.screen_stack) > 1:
            super().action_back()
        else:
            self.gok.back_from_kind()

    def open_selected(self, obj: dict[str, Any], row_key: str) -> None:
        """enter on a node: the pods running on it; on a ConfigMap or Secret: its keys; on
        anything else: describe."""
        if self.kind.plural in ("configmaps", "secrets"):
            from gok_tui.screens.data import DataScreen

            self.app.push_screen(DataScreen(obj, secret=self.kind.plural == "secrets"))
            return
        if self.kind.plural != "nodes":
            super().open_selected(obj, row_key)
            return
        from gok_tui.screens.pods import PodsScreen

        name = (obj.get("metadata") or {}).get("name", "")
        scope = Scope(None, None, f"node/{name}", f"spec.nodeName={name}")
        self.app.push_screen(PodsScreen(scope))


# kinds with a view of their own (their keys, enter): "module:Class" under gok_tui.screens,
# imported when first opened
OWN_VIEWS: dict[tuple[str, str], str] = {
    ("", "nodes"): "nodes:NodeScreen",
    ("apps", "statefulsets"): "workloads:StatefulSetsScreen",
    ("apps", "daemonsets"): "workloads:DaemonSetsScreen",
    ("batch", "jobs"): "workloads:JobsScreen",
    ("batch", "cronjobs"): "workloads:CronJobsScreen",
    ("autoscaling", "horizontalpodautoscalers"): "autoscalers:AutoscalersScreen",
    ("", "services"): "services:ServicesScreen",
}


def kind_screen(kind: Kind, scope: Scope | None = None) -> ResourceScreen:
    """The one way a kind's view is made (`:KIND`, a category, a mode): a kind with a view of
    its own opens it; a kind we have a renderer for shows our columns (they show more); any
    other kind the server's own Table columns."""
    own = OWN_VIEWS.get((kind.group, kind.plural))
    if own is not None:
        module, _, name = own.partition(":")
        screen: ResourceScreen = getattr(
            importlib.import_module(f"gok_tui.screens.{module}"), name
        )(scope)
        return screen
    ours = KINDS.get(kind.plural)
    if ours is not None and ours.group == kind.group and has_renderer(kind.plural):
        return KindScreen(ours, scope)
    from gok_tui.screens.generic import TableKindScreen

    return TableKindScreen(kind, scope)
