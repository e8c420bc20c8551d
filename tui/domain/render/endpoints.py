"""Endpoints, as ``kubectl get endpoints`` shows them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gok_tui.domain.pods import EMPTY
from gok_tui.domain.table import NONE, Column, Row, Tone, name_cell, table_row
from gok_tui.domain.text import clean
from gok_tui.domain.timefmt import age

ENDPOINTS_COLUMNS: tuple[Column, ...] = (
    Column("name", "NAME", 32),
    Column("endpoints", "ENDPOINTS", 48),
    Column("age", "AGE", 6),
)


def format_endpoint_addresses(
    endpoints: Mapping[str, Any] | None, port_name: str | None = None, limit: int = 3
) -> str:
    """Ready ``ip:port`` pairs of an Endpoints object, first ``limit`` then ``+ N more...``.

    kubectl's formatting; ``port_name`` keeps only that (service) port's pairs.
    """
    shown: list[str] = []
    count = 0
    for subset in (endpoints or EMPTY).get("subsets") or ():
        ports = subset.get("ports") or ()
        for addr in subset.get("addresses") or ():
            ip = addr.get("ip") or ""
            if not ports:
                count += 1
                if len(shown) < limit:
                    shown.append(ip)
                continue
            for port in ports:
                if port_name is not None and (port.get("name") or "") != port_name:
                    continue
                count += 1
                if len(shown) < limit:
                    host = f"[{ip}]" if ":" in ip else ip
                    shown.append(f"{host}:{port.get('port')}")
    if not count:
        return NONE
    text = ",".join(shown)
    return f"{text} + {count - limit} more..." if count > limit else text


def render_endpoints(obj: dict[str, Any], now: float, all_namespaces: bool = False) -> Row:
    text = format_endpoint_addresses(obj)
    tone: Tone = "warning" if text == NONE else "ok"
    cells = (name_cell(obj), clean(text), age(obj, now))
    return table_row(obj, cells, tone, all_namespaces)
