"""Ingress routes: one row per host and path, with its backend Service, TLS and how many of
the Service's endpoints are ready."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from gok_tui.domain.kinds import object_key
from gok_tui.domain.table import NONE, Column, Row, Tone, name_cell, table_row
from gok_tui.domain.text import clean
from gok_tui.domain.timefmt import age

INGRESS_ROUTE_COLUMNS: tuple[Column, ...] = (
    Column("name", "NAME", 24),
    Column("host", "HOST", 32),
    Column("path", "PATH", 20),
    Column("backend", "BACKEND", 24),
    Column("tls", "TLS", 3),
    Column("endpoints", "ENDPOINTS", 14),
    Column("age", "AGE", 6),
)


def _backend_label(backend: Mapping[str, Any]) -> str:
    svc = backend.get("service")
    if svc:
        port = svc.get("port") or {}
        number = port.get("number")
        return f"{svc.get('name', '')}:{number if number else port.get('name', '')}"
    resource = backend.get("resource")
    if resource:
        return f"{resource.get('kind', '')}/{resource.get('name', '')}"
    return NONE


def _tls_covers(host: str, tls: Sequence[Mapping[str, Any]]) -> bool:
    for entry in tls:
        hosts = entry.get("hosts") or ()
        if not hosts:
            return True  # TLS for every host the controller serves
        if not host:
            continue
        for tls_host in hosts:
            if tls_host == host:
                return True
            if tls_host.startswith("*.") and not host.startswith("*."):
                # a wildcard certificate name covers exactly one more label
                head, dot, rest = host.partition(".")
                if dot and head and rest == tls_host[2:]:
                    return True
    return False


def _service_port_name(service: Mapping[str, Any], port: Mapping[str, Any]) -> str | None:
    """The service port's name for a backend port, or None when the service has no such port."""
    number = port.get("number")
    name = port.get("name")
    for sp in (service.get("spec") or {}).get("ports") or ():
        if (number and sp.get("port") == number) or (name and sp.get("name") == name):
            return sp.get("name") or ""
    return None


def _endpoint_counts(endpoints: Mapping[str, Any], port_name: str) -> tuple[int, int]:
    ready = not_ready = 0
    for subset in endpoints.get("subsets") or ():
        ports = subset.get("ports") or ()
        if ports and not any((p.get("name") or "") == port_name for p in ports):
            continue
        ready += len(subset.get("addresses") or ())
        not_ready += len(subset.get("notReadyAddresses") or ())
    return ready, ready + not_ready


def _route_endpoints(
    namespace: str,
    backend: Mapping[str, Any],
    services: Mapping[str, dict[str, Any]] | None,
    endpoints: Mapping[str, dict[str, Any]] | None,
) -> tuple[str, Tone]:
    svc_ref = backend.get("service")
    if not svc_ref:
        return ("n/a", "muted") if backend.get("resource") else ("no backend", "error")
    if services is None:
        return "-", "muted"
    key = f"{namespace}/{svc_ref.get('name', '')}"
    service = services.get(key)
    if service is None:
        return "no service", "error"
    if (service.get("spec") or {}).get("type") == "ExternalName":
        return "external", "ok"
    port_name = _service_port_name(service, svc_ref.get("port") or {})
    if port_name is None:
        return "no such port", "error"
    ep = endpoints.get(key) if endpoints is not None else None
    if ep is None:
        return "no endpoints", "error"
    ready, total = _endpoint_counts(ep, port_name)
    if total == 0:
        return "no endpoints", "error"
    tone: Tone = "ok" if ready == total else ("warning" if ready else "error")
    return f"{ready}/{total} ready", tone


def _path_label(path: Mapping[str, Any]) -> str:
    text = path.get("path") or "/"
    ptype = path.get("pathType") or "Prefix"
    return text if ptype == "Prefix" else f"{text} ({ptype})"


def render_ingress_routes(
    ingress: dict[str, Any],
    services: Mapping[str, dict[str, Any]] | None,
    endpoints: Mapping[str, dict[str, Any]] | None,
    now: float,
    all_namespaces: bool = False,
) -> list[Row]:
    """One row per rule host + path, plus one for ``spec.defaultBackend``.

    ``services`` / ``endpoints`` are keyed "ns/name".  Passing ``None`` for
    ``services`` means "not known": the ENDPOINTS cell then reads "-".
    A rule with a host but no ``http`` paths is served by the default backend
    and gets one row with PATH "*".
    """
    meta = ingress.get("metadata") or {}
    namespace = meta.get("namespace") or ""
    base_key = object_key(ingress)
    spec = ingress.get("spec") or {}
    tls = spec.get("tls") or ()
    name = name_cell(ingress)
    created = age(ingress, now)
    default_backend = spec.get("defaultBackend")
    rows: list[Row] = []
    seen: dict[str, int] = {}

    def add(
        host: str, path_cell: str, path_key: str, backend: Mapping[str, Any] | None, label: str
    ) -> None:
        key = f"{base_key}#{host or '*'}#{path_key}"
        n = seen.get(key, 0) + 1
        seen[key] = n
        if n > 1:
            key = f"{key}#{n}"
        tone: Tone
        if backend is None:  # the controller's own default backend
            ep_text, tone = "-", "muted"
        else:
            ep_text, tone = _route_endpoints(namespace, backend, services, endpoints)
        cells = (
            name,
            clean(host or "*"),
            clean(path_cell),
            clean(label),
            "yes" if _tls_covers(host, tls) else "no",
            ep_text,
            created,
        )
        rows.append(table_row(ingress, cells, tone, all_namespaces, key))

    for rule in spec.get("rules") or ():
        host = rule.get("host") or ""
        paths = (rule.get("http") or {}).get("paths")
        if not paths:
            if default_backend:
                add(
                    host,
                    "*",
                    "*",
                    default_backend,
                    "default-backend " + _backend_label(default_backend),
                )
            else:
                add(host, "*", "*", None, "default-backend")
            continue
        for path in paths:
            backend = path.get("backend") or {}
            add(host, _path_label(path), path.get("path") or "/", backend, _backend_label(backend))
    if default_backend:
        add(
            "",
            "*",
            "<default>",
            default_backend,
            "default-backend " + _backend_label(default_backend),
        )
    return rows
