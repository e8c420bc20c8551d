"""metrics.k8s.io/v1beta1 as metrics-server serves it behind the aggregator: the APIService
``v1beta1.metrics.k8s.io``, discovery (the group appears in /apis and its resource list), and
PodMetrics / NodeMetrics lists and objects with the values a test sets.

    fake.set_pod_metrics("default", "web-1", {"web": ("250m", "243Mi")})
    fake.set_node_metrics("fake-node-1", "1200m", "3Gi")
    fake.metrics.mode = "absent"     # no APIService: every path is the mux's plain 404 (answer 09)
    fake.metrics.mode = "hang"       # the aggregated server never answers (until hang_limit)
    fake.metrics.forbidden = True    # 403 for the metrics resources, in the API server's words
    fake.metrics.request_count("pods", "default")   # metrics requests served so far

RBAC applies as for any kind (a restricted token needs ``pods``/``nodes`` in group
``metrics.k8s.io``). Metrics are kept for objects the test deleted until it removes them
(metrics-server lags a scrape behind), so a client must not trust them to name live pods.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from typing import TYPE_CHECKING, Any

from tests.kubefake import rbac
from tests.kubefake.errors import ApiError
from tests.kubefake.resources import Resource

if TYPE_CHECKING:
    from tests.kubefake.handler import _Handler
    from tests.kubefake.server import FakeKube

GROUP, VERSION = "metrics.k8s.io", "v1beta1"
API_VERSION = f"{GROUP}/{VERSION}"
APISERVICE = f"{VERSION}.{GROUP}"
WINDOW = "15s"
_READ = ("get", "list")
POD_METRICS = Resource("pods", "PodMetrics", GROUP, VERSION, True, verbs=_READ)
NODE_METRICS = Resource("nodes", "NodeMetrics", GROUP, VERSION, False, verbs=_READ)
_APISERVICES = "/apis/apiregistration.k8s.io/v1/apiservices"


class MetricsApi:
    """What the fake's metrics-server holds and how it behaves."""

    def __init__(self) -> None:
        # "absent" | "served" | "hang": absent by default, as on a cluster without
        # metrics-server (kind, k3d); a test that wants usage serves it
        self.mode = "absent"
        self.forbidden = False
        self.hang_limit = 30.0  # seconds a hung request is held before a 503
        self.lock = threading.Lock()
        self.pods: dict[tuple[str, str], dict[str, tuple[object, object]]] = {}
        self.nodes: dict[str, tuple[object, object]] = {}
        self._served: Counter[tuple[str, str]] = Counter()  # (plural, namespace) -> requests
        self._unhang = threading.Event()

    def served(self) -> dict[tuple[str, str], Resource]:
        """The kinds discovery lists ((group, plural) -> Resource): none while absent."""
        if self.mode == "absent":
            return {}
        return {(GROUP, "pods"): POD_METRICS, (GROUP, "nodes"): NODE_METRICS}

    def request_count(self, plural: str | None = None, namespace: str | None = None) -> int:
        """Metrics requests answered or refused so far (``plural``: "pods" or "nodes";
        ``namespace``: "" for all namespaces / nodes)."""
        with self.lock:
            return sum(
                count
                for (kind, where), count in self._served.items()
                if (plural is None or kind == plural) and (namespace is None or where == namespace)
            )

    @staticmethod
    def owns(path: str) -> bool:
        """Whether a path is the metrics API's (its requests are counted by request_count, not
        logged in fake.requests, so what a test counts there stays what it counted before)."""
        return path.startswith(f"/apis/{GROUP}/")

    def unhang(self) -> None:
        """Let the requests held by ``mode = "hang"`` go (with a 503)."""
        self._unhang.set()

    # -- the handler's hook ------------------------------------------------------------------
    def answer(self, handler: _Handler, method: str, path: str, query: dict[str, str]) -> bool:
        """Answer ``path`` if it is the metrics API's (or its APIService); False otherwise."""
        parts = [p for p in path.split("/") if p]
        if path.rstrip("/").startswith(_APISERVICES):
            return self._apiservice(handler, parts[4:])
        if parts[:3] != ["apis", GROUP, VERSION] or len(parts) < 4:
            return False
        rest, namespace = parts[3:], ""
        if len(rest) >= 3 and rest[0] == "namespaces":
            namespace, rest = rest[1], rest[2:]
        with self.lock:
            self._served[(rest[0], namespace)] += 1
        if self.mode == "absent":
            handler._raw(404, b"404 page not found\n", "text/plain; charset=utf-8")
            return True
        resource = {"pods": POD_METRICS, "nodes": NODE_METRICS}.get(rest[0])
        if resource is None or len(rest) > 2 or (namespace and resource is NODE_METRICS):
            raise ApiError(404, "NotFound", "the server could not find the requested resource", {})
        if method != "GET":
            raise ApiError(
                405, "MethodNotAllowed", f"the server does not allow this method ({method})"
            )
        name = rest[1] if len(rest) == 2 else ""
        from tests.kubefake.server import Route

        handler.fake.check_access(
            method, Route(resource, namespace, name, ""), query, handler.headers
        )
        if self.forbidden:
            raise rbac.forbidden(
                "system:serviceaccount:default:gok",
                "get" if name else "list",
                GROUP,
                resource.plural,
                namespace,
                name,
            )
        if self.mode == "hang":
            self._hang(handler.fake)
            raise ApiError(
                503, "ServiceUnavailable", "the server is currently unable to handle the request"
            )
        stamp = handler.fake.state.timestamp()
        if resource is POD_METRICS:
            handler._json(200, self._pods(handler.fake, namespace, name, stamp))
        else:
            handler._json(200, self._nodes(name, stamp))
        return True

    def _hang(self, fake: FakeKube) -> None:
        deadline = time.monotonic() + self.hang_limit
        while time.monotonic() < deadline and fake._server is not None:
            if self._unhang.wait(0.2):
                return

    def _apiservice(self, handler: _Handler, rest: list[str]) -> bool:
        if rest and rest[0] != APISERVICE:
            raise ApiError(
                404, "NotFound", f'apiservices.apiregistration.k8s.io "{rest[0]}" not found'
            )
        service = self._apiservice_object()
        if rest and service is None:
            raise ApiError(
                404, "NotFound", f'apiservices.apiregistration.k8s.io "{APISERVICE}" not found'
            )
        if rest:
            handler._json(200, service or {})
            return True
        handler._json(
            200,
            {
                "kind": "APIServiceList",
                "apiVersion": "apiregistration.k8s.io/v1",
                "metadata": {"resourceVersion": "1"},
                "items": [service] if service else [],
            },
        )
        return True

    def _apiservice_object(self) -> dict[str, Any] | None:
        if self.mode == "absent":
            return None
        available = self.mode == "served"
        return {
            "kind": "APIService",
            "apiVersion": "apiregistration.k8s.io/v1",
            "metadata": {"name": APISERVICE, "labels": {"k8s-app": "metrics-server"}},
            "spec": {
                "service": {"namespace": "kube-system", "name": "metrics-server", "port": 443},
                "group": GROUP,
                "version": VERSION,
                "insecureSkipTLSVerify": True,
                "groupPriorityMinimum": 100,
                "versionPriority": 100,
            },
            "status": {
                "conditions": [
                    {
                        "type": "Available",
                        "status": "True" if available else "False",
                        "reason": "Passed" if available else "FailedDiscoveryCheck",
                        "message": "all checks passed"
                        if available
                        else "failing or missing response from the metrics-server service",
                    }
                ]
            },
        }

    def _pods(self, fake: FakeKube, namespace: str, name: str, stamp: str) -> dict[str, Any]:
        with self.lock:
            found = sorted(
                (key, dict(containers))
                for key, containers in self.pods.items()
                if (not namespace or key[0] == namespace) and (not name or key[1] == name)
            )
        items = [
            {
                "metadata": {
                    "name": pod,
                    "namespace": where,
                    "creationTimestamp": stamp,
                    "labels": _labels(fake, where, pod),
                },
                "timestamp": stamp,
                "window": WINDOW,
                "containers": [
                    {"name": container, "usage": {"cpu": cpu, "memory": memory}}
                    for container, (cpu, memory) in containers.items()
                ],
            }
            for (where, pod), containers in found
        ]
        if name:
            if not items:
                raise ApiError(404, "NotFound", f'podmetrics.metrics.k8s.io "{name}" not found')
            return {"kind": "PodMetrics", "apiVersion": API_VERSION, **items[0]}
        return {"kind": "PodMetricsList", "apiVersion": API_VERSION, "metadata": {}, "items": items}

    def _nodes(self, name: str, stamp: str) -> dict[str, Any]:
        with self.lock:
            found = sorted((n, usage) for n, usage in self.nodes.items() if not name or n == name)
        items = [
            {
                "metadata": {"name": node, "creationTimestamp": stamp, "labels": {}},
                "timestamp": stamp,
                "window": WINDOW,
                "usage": {"cpu": cpu, "memory": memory},
            }
            for node, (cpu, memory) in found
        ]
        if name:
            if not items:
                raise ApiError(404, "NotFound", f'nodemetrics.metrics.k8s.io "{name}" not found')
            return {"kind": "NodeMetrics", "apiVersion": API_VERSION, **items[0]}
        return {
            "kind": "NodeMetricsList",
            "apiVersion": API_VERSION,
            "metadata": {},
            "items": items,
        }


def _labels(fake: FakeKube, namespace: str, pod: str) -> dict[str, Any]:
    """metrics-server copies a pod's labels into its PodMetrics (none once the pod is gone)."""
    with fake.state.lock:  # read in place: a list of 10,000 pods must not copy each one
        obj = fake.state.objects.get(("pods", namespace, pod))
        return dict(((obj or {}).get("metadata") or {}).get("labels") or {})


def serve_sample_usage(fake: FakeKube) -> int:
    """Serve the metrics API with a usage for every container of every pod and every node,
    each value its own (as metrics-server's nanocores and bytes are): for benchmarks and the
    demo. Returns how many pods got one."""
    fake.metrics.mode = "served"
    with fake.state.lock:
        pods = [obj for (plural, _, _), obj in fake.state.objects.items() if plural == "pods"]
        nodes = [name for (plural, _, name) in fake.state.objects if plural == "nodes"]
        found = [
            (
                obj["metadata"].get("namespace", ""),
                obj["metadata"]["name"],
                [c.get("name", "") for c in (obj.get("spec") or {}).get("containers") or ()],
            )
            for obj in pods
        ]
    for index, (namespace, name, containers) in enumerate(found):
        usage = (f"{1_000_000 + index * 997}n", str(50_000_000 + index * 4099))
        fake.set_pod_metrics(namespace, name, dict.fromkeys(containers, usage))
    for index, node in enumerate(nodes):
        fake.set_node_metrics(node, f"{1200 + index}m", f"{3 * 2**30 + index}")
    return len(found)
