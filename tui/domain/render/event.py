"""Events, as ``kubectl get events`` shows them."""

from __future__ import annotations

from typing import Any

from gok_tui.domain.table import Column, Row, Tone, table_row
from gok_tui.domain.text import clean
from gok_tui.domain.timefmt import since

EVENT_COLUMNS: tuple[Column, ...] = (
    Column("last_seen", "LAST SEEN", 9),
    Column("type", "TYPE", 7),
    Column("reason", "REASON", 20),
    Column("object", "OBJECT", 40),
    Column("message", "MESSAGE", 80),
)


def render_event(obj: dict[str, Any], now: float, all_namespaces: bool = False) -> Row:
    """kubectl's printEvent: LAST SEEN, TYPE, REASON, OBJECT, MESSAGE."""
    first = obj.get("firstTimestamp")
    first_seen = since(first, now) if first else since(obj.get("eventTime"), now)
    last = obj.get("lastTimestamp")
    last_seen = since(last, now) if last else first_seen
    series = obj.get("series")
    if series:
        last_seen = since(series.get("lastObservedTime"), now)
    involved = obj.get("involvedObject") or {}
    kind = (involved.get("kind") or "").lower()
    target = f"{kind}/{involved['name']}" if involved.get("name") else kind
    etype = obj.get("type") or ""
    tone: Tone = "warning" if etype == "Warning" else "ok"
    cells = (
        last_seen,
        clean(etype, 16),
        clean(obj.get("reason") or "", 48),
        clean(target),
        clean((obj.get("message") or "").strip()),
    )
    return table_row(obj, cells, tone, all_namespaces)
