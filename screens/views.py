"""Where the Deployments, Pods and Ingress views lived before each had its own module.

Kept so imports written before the split keep working; nothing in the package imports it (start
loads only the start view's module). New code imports ``gok_tui.screens.deployments``,
``.pods`` or ``.ingress``.
"""

from __future__ import annotations

from gok_tui.screens.deployments import DeploymentsScreen
from gok_tui.screens.ingress import IngressScreen, route_service
from gok_tui.screens.pods import PodsScreen, pods_of_deployment
from gok_tui.store.logs import deployment_log_request

__all__ = [
    "DeploymentsScreen",
    "IngressScreen",
    "PodsScreen",
    "deployment_log_request",
    "pods_of_deployment",
    "route_service",
]
