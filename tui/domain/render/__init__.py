"""Raw Kubernetes JSON to table rows, one module per kind with its columns beside its renderer
(k9s' ``internal/render/<kind>.go``); this module only says which kind renders how.

Headless, stdlib only, on the API server's JSON (never the client's typed models). Every cell
is terminal-safe (``domain.text.clean``) and bounded; the logic follows kubectl's printers so
the console and ``kubectl get`` agree. A kind without a renderer gets NAME and AGE.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from gok_tui.domain.kinds import kind_for
from gok_tui.domain.render.configmap import CONFIGMAP_COLUMNS, render_configmap
from gok_tui.domain.render.deployment import DEPLOYMENT_COLUMNS, render_deployment
from gok_tui.domain.render.endpoints import ENDPOINTS_COLUMNS, render_endpoints
from gok_tui.domain.render.event import EVENT_COLUMNS, render_event
from gok_tui.domain.render.generic import render_generic
from gok_tui.domain.render.hpa import HPA_COLUMNS, render_hpa
from gok_tui.domain.render.ingress import INGRESS_ROUTE_COLUMNS, render_ingress_routes
from gok_tui.domain.render.namespace import NAMESPACE_COLUMNS, render_namespace
from gok_tui.domain.render.node import NODE_COLUMNS, render_node
from gok_tui.domain.render.pod import POD_COLUMNS, render_pod
from gok_tui.domain.render.pvc import PVC_COLUMNS, render_pvc
from gok_tui.domain.render.replicaset import REPLICASET_COLUMNS, render_replicaset
from gok_tui.domain.render.secret import SECRET_COLUMNS, render_secret
from gok_tui.domain.render.service import SERVICE_COLUMNS, render_service
from gok_tui.domain.table import GENERIC_COLUMNS, NAMESPACE_COLUMN, Column, Row

_COLUMNS: dict[str, tuple[Column, ...]] = {
    "pods": POD_COLUMNS,
    "deployments": DEPLOYMENT_COLUMNS,
    "replicasets": REPLICASET_COLUMNS,
    "services": SERVICE_COLUMNS,
    "endpoints": ENDPOINTS_COLUMNS,
    "ingresses": INGRESS_ROUTE_COLUMNS,
    "events": EVENT_COLUMNS,
    "configmaps": CONFIGMAP_COLUMNS,
    "secrets": SECRET_COLUMNS,
    "namespaces": NAMESPACE_COLUMNS,
    "nodes": NODE_COLUMNS,
    "persistentvolumeclaims": PVC_COLUMNS,
    "horizontalpodautoscalers": HPA_COLUMNS,
}


_CLUSTER_SCOPED = frozenset({"namespaces", "nodes"})


_WITH_NS: dict[str, tuple[Column, ...]] = {
    plural: (NAMESPACE_COLUMN, *cols) for plural, cols in _COLUMNS.items()
}


def _plural(kind: str) -> str:
    plural = kind.lower()
    if plural in _COLUMNS:
        return plural
    resolved = kind_for(plural)
    return resolved.plural if resolved is not None else plural


def columns_for(kind_plural: str, all_namespaces: bool) -> tuple[Column, ...]:
    """Columns for a kind; NAMESPACE first when listing all namespaces.

    Takes the plural or any alias kind_for knows.  Cluster-scoped kinds never
    get a NAMESPACE column.  Unknown kinds get NAME, AGE.
    """
    plural = _plural(kind_plural)
    if all_namespaces and plural not in _CLUSTER_SCOPED:
        return _WITH_NS.get(plural) or (NAMESPACE_COLUMN, *GENERIC_COLUMNS)
    return _COLUMNS.get(plural, GENERIC_COLUMNS)


_Renderer = Callable[[dict[str, Any], float, bool], Row]


_RENDERERS: dict[str, _Renderer] = {
    "pods": render_pod,
    "deployments": render_deployment,
    "replicasets": render_replicaset,
    "services": render_service,
    "endpoints": render_endpoints,
    "events": render_event,
    "namespaces": render_namespace,
    "configmaps": render_configmap,
    "secrets": render_secret,
    "nodes": render_node,
    "persistentvolumeclaims": render_pvc,
    "horizontalpodautoscalers": render_hpa,
}


def rows_for(
    kind_plural: str,
    obj: dict[str, Any],
    now: float,
    all_namespaces: bool,
    *,
    services: Mapping[str, dict[str, Any]] | None = None,
    endpoints: Mapping[str, dict[str, Any]] | None = None,
) -> list[Row]:
    """Rows for one object of ``kind_plural``; cells line up with ``columns_for``.

    Ingresses yield one row per route; give ``services``/``endpoints`` (keyed
    "ns/name") to fill the ENDPOINTS column.  Unknown kinds get NAME, AGE.
    """
    plural = _plural(kind_plural)
    if plural == "ingresses":
        return render_ingress_routes(obj, services, endpoints, now, all_namespaces)
    renderer = _RENDERERS.get(plural, render_generic)
    if plural in _CLUSTER_SCOPED:
        all_namespaces = False
    return [renderer(obj, now, all_namespaces)]


def has_renderer(kind_plural: str) -> bool:
    """Whether a kind has a hand-made renderer (else the server's Table columns serve)."""
    return kind_plural in _RENDERERS or kind_plural == "ingresses"
