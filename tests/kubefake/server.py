"""FakeKube: an HTTP server that speaks enough of the Kubernetes API for the real client."""

from __future__ import annotations

import contextlib
import copy
import random
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import yaml

from tests.kubefake import crds, events, rbac
from tests.kubefake.controllers import (
    HASH_LABEL,
    REVISION,
    Controllers,
    condition,
    owner_ref,
    running_status,
    set_ready,
    template_hash,
)
from tests.kubefake.errors import ApiError
from tests.kubefake.metrics import MetricsApi
from tests.kubefake.resources import BY_KIND, RESOURCES, Resource, merge_patch
from tests.kubefake.state import State
from tests.kubefake.streams import Streams

MUTATING = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class RequestRecord:
    method: str
    path: str
    query: dict[str, str]
    content_type: str
    body: bytes = b""


@dataclass
class Route:
    resource: Resource
    namespace: str  # "" = all namespaces / cluster-scoped
    name: str
    subresource: str


class LogStore:
    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock  # when a line was written, on the cluster's clock
        self.lock = threading.Condition()
        self.lines: dict[tuple[str, str, str], list[tuple[float, bytes]]] = {}
        self.previous: dict[tuple[str, str, str], list[tuple[float, bytes]]] = {}
        self.generation: dict[tuple[str, str, str], int] = {}

    def append(
        self, key: tuple[str, str, str], lines: Iterable[str | bytes], previous: bool
    ) -> None:
        with self.lock:
            target = self.previous if previous else self.lines
            bucket = target.setdefault(key, [])
            for line in lines:
                data = line.encode() if isinstance(line, str) else line
                bucket.append((self.clock(), data.rstrip(b"\n")))
            self.lock.notify_all()

    def restart(self, key: tuple[str, str, str]) -> None:
        with self.lock:
            self.previous[key] = self.lines.pop(key, [])
            self.generation[key] = self.generation.get(key, 0) + 1
            self.lock.notify_all()


class FakeKube:
    """See the package docstring for the API."""

    def __init__(
        self,
        port: int = 0,
        *,
        history_limit: int = 10_000,
        controllers: bool = True,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.state = State(history_limit, clock)
        self.controllers = Controllers(self.state)
        # False: no controller thread (objects stay exactly as written; for large benchmarks,
        # where a reconcile pass over thousands of pods would hold the state lock for seconds)
        self.run_controllers = controllers
        self.logs = LogStore(clock)
        self.port = port
        self.latency = 0.0
        self.requests: list[RequestRecord] = []
        self._requests_lock = threading.Lock()
        self._forbidden: list[tuple[str, str | None, frozenset[str]]] = []
        self._token: str | None = None
        self._gone_next = 0
        self._fail_next: list[int] = []
        # discovery (/api, /apis and group versions): True serves the aggregated form; False
        # answers the legacy one to its Accept (as v1.27 builds did); a status code answers
        # that to it (406). ``discovery_status``: that code to every discovery request (403).
        self.aggregated_discovery: bool | int = True
        self.discovery_status: int | None = None
        self._conflict_next: dict[str, int] = {}
        self._status_writes_on_read: set[str] = set()
        self.tokens = rbac.Tokens()
        self.streams = Streams()  # exec and port-forward: the fake containers (streams.py)
        self._server: ThreadingHTTPServer | None = None
        self._serve_thread: threading.Thread | None = None
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        self._watch_epoch = 0
        self.lists_open = threading.Event()  # cleared by hold_lists()
        self.lists_open.set()
        # answer a Table request with 406 NotAcceptable, as a very old aggregated API does
        self.refuse_tables = False
        self.metrics = MetricsApi()  # metrics.k8s.io, as metrics-server serves it (metrics.py)
        self._bootstrap()

    # -- lifecycle -------------------------------------------------------------------------
    def _bootstrap(self) -> None:
        for name in ("default", "kube-system"):
            self.create_namespace(name)
        self.state.create(
            "nodes",
            {
                "metadata": {
                    "name": "fake-node-1",
                    "labels": {"kubernetes.io/hostname": "fake-node-1"},
                },
                "status": {
                    "conditions": [{"type": "Ready", "status": "True"}],
                    "capacity": {"cpu": "4", "memory": "8Gi", "pods": "110"},
                    "allocatable": {"cpu": "4", "memory": "8Gi", "pods": "110"},
                },
            },
        )

    def start(self) -> FakeKube:
        from tests.kubefake.handler import make_handler

        handler = make_handler(self)
        server = _Server(("127.0.0.1", self.port), handler, self)
        self.port = server.server_address[1]
        self._server = server
        self._serve_thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fakekube-http",
            daemon=True,
        )
        self._serve_thread.start()
        if self.run_controllers:
            self.controllers.start()
        return self

    def stop(self) -> None:
        """Close the listener and every open connection (watches end); state is kept."""
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        self.expire_watches()
        with self._connections_lock:
            connections = list(self._connections)
            self._connections.clear()
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            conn.close()
        self.controllers.stop()

    def __enter__(self) -> FakeKube:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def write_kubeconfig(
        self,
        path: Path,
        context: str = "fake",
        namespace: str = "default",
        token: str | None = None,
        extra_contexts: Iterable[str] = (),
        server: str | None = None,
    ) -> Path:
        """``server``: the address the kubeconfig names instead of the fake's own URL (whose
        port changes from run to run); the client then reaches the fake through its
        ``proxy-url``, as it would a cluster behind an HTTP proxy. Snapshot tests use it to
        show the same server on every run."""
        user: dict[str, Any] = {"token": token} if token else {}
        names = [context, *extra_contexts]
        cluster: dict[str, str] = {"server": self.url}
        if server is not None:
            cluster = {"server": server, "proxy-url": self.url}
        doc = {
            "apiVersion": "v1",
            "kind": "Config",
            "current-context": context,
            "clusters": [{"name": f"{name}-cluster", "cluster": dict(cluster)} for name in names],
            "users": [{"name": f"{name}-user", "user": user} for name in names],
            "contexts": [
                {
                    "name": name,
                    "context": {
                        "cluster": f"{name}-cluster",
                        "user": f"{name}-user",
                        "namespace": namespace,
                    },
                }
                for name in names
            ],
        }
        path.write_text(yaml.safe_dump(doc))
        return path

    # -- faults ----------------------------------------------------------------------------
    def forbid(
        self,
        resource: str,
        namespace: str | None = None,
        verbs: Iterable[str] = ("list", "watch", "get"),
    ) -> None:
        self._forbidden.append((resource, namespace, frozenset(verbs)))

    def allow_all(self) -> None:
        self._forbidden.clear()

    def review_access(self, headers: Any, request: dict[str, Any]) -> dict[str, Any]:
        """A SelfSubjectAccessReview by the caller (see rbac.review)."""

        def refused(verb: str, resource: str, namespace: str) -> bool:
            # forbid("pods") covers its subresources too; forbid("pods/exec") that one only
            return any(
                plural in (resource, resource.split("/")[0])
                and (where is None or where == namespace)
                and verb in verbs
                for plural, where, verbs in self._forbidden
            )

        return rbac.review(self.state, self.tokens.user_of(headers), request, refused)

    def require_token(self, token: str | None) -> None:
        self._token = token

    def hold_lists(self) -> None:
        """Every list request waits (up to handler.LIST_HOLD_LIMIT) until release_lists():
        a test can let a client's lists be answered together."""
        self.lists_open.clear()

    def release_lists(self) -> None:
        self.lists_open.set()

    def expire_watches(self) -> None:
        with self.state.lock:
            self._watch_epoch += 1
            self.state.changed.notify_all()
        with self.logs.lock:
            self.logs.lock.notify_all()

    def compact(self) -> None:
        self.state.compact()

    def gone_next_watches(self, count: int) -> None:
        self._gone_next = count

    def fail_next(self, count: int, code: int = 500) -> None:
        self._fail_next = [code] * count

    def conflict_next(self, count: int, resource: str = "deployments") -> None:
        self._conflict_next[resource] = count

    def status_writes_on_read(self, *resources: str) -> None:
        """A busy controller: each GET of one of these objects answers the version it read
        while a status write has already moved the object on (its resourceVersion with it)."""
        self._status_writes_on_read = set(resources)

    def after_read(self, plural: str, namespace: str, name: str) -> None:
        if plural in self._status_writes_on_read:
            self.state.rewrite(plural, namespace, name)

    # -- requests log ------------------------------------------------------------------------
    def record(self, record: RequestRecord) -> None:
        with self._requests_lock:
            self.requests.append(record)

    def clear_requests(self) -> None:
        with self._requests_lock:
            self.requests.clear()

    # -- direct state access for tests ------------------------------------------------------
    @property
    def pod_readiness(self) -> Any:
        return self.controllers.readiness

    @pod_readiness.setter
    def pod_readiness(self, value: Any) -> None:
        self.controllers.readiness = value
        self.controllers.wake.set()

    @property
    def ready_skew(self) -> float:
        return self.controllers.readiness_reporter.skew

    @ready_skew.setter
    def ready_skew(self, value: float) -> None:
        self.controllers.readiness_reporter.skew = value

    @property
    def ready_delay(self) -> float:
        return self.controllers.ready_delay

    @ready_delay.setter
    def ready_delay(self, value: float) -> None:
        self.controllers.ready_delay = value

    def create_namespace(self, name: str) -> dict[str, Any]:
        return self.state.create(
            "namespaces",
            {
                "metadata": {"name": name},
                "spec": {"finalizers": ["kubernetes"]},
                "status": {"phase": "Active"},
            },
        )

    def apply_object(self, obj: dict[str, Any]) -> dict[str, Any]:
        crds.served(self.state)  # the kinds CRDs add, by kind
        resource = BY_KIND[obj["kind"]]
        if (
            resource.plural == crds.CRD_PLURAL
            and self.state.get(crds.CRD_PLURAL, "", obj["metadata"]["name"]) is None
        ):
            return self.create_crd(obj)
        meta = obj.get("metadata") or {}
        namespace = (meta.get("namespace") or "default") if resource.namespaced else ""
        with self.state.lock:
            current = self.state.get(resource.plural, namespace, meta["name"])
            if current is None:
                result = self.state.create(resource.plural, obj)
            else:
                merged = copy.deepcopy(obj)
                merged.setdefault("metadata", {})
                merged["metadata"].pop("resourceVersion", None)
                for keep in ("ownerReferences",):
                    if keep in current["metadata"] and keep not in merged["metadata"]:
                        merged["metadata"][keep] = current["metadata"][keep]
                annotations = dict(current["metadata"].get("annotations") or {})
                annotations.update(merged["metadata"].get("annotations") or {})
                if annotations:
                    merged["metadata"]["annotations"] = annotations
                if "status" not in merged and "status" in current:
                    merged["status"] = current["status"]
                result = self.state.replace(resource.plural, namespace, meta["name"], merged)
        self.controllers.wake.set()
        return result

    def create_crd(self, crd: dict[str, Any]) -> dict[str, Any]:
        """A CustomResourceDefinition, Established at once (crds.py)."""
        crds.check(crd)
        created = self.state.create(crds.CRD_PLURAL, crd)
        crds.established(self.state, created)
        return created

    def delete_crd(self, name: str) -> None:
        """Delete a CRD and its custom resources."""
        crds.removed(self.state, self.state.delete(crds.CRD_PLURAL, "", name))

    def get_object(self, plural: str, namespace: str | None, name: str) -> dict[str, Any] | None:
        return self.state.get(plural, namespace or "", name)

    def list_objects(self, plural: str, namespace: str | None = None) -> list[dict[str, Any]]:
        return self.state.list(plural, namespace)

    def delete_object(self, plural: str, namespace: str | None, name: str) -> None:
        self.state.delete(plural, namespace or "", name)
        self.controllers.wake.set()

    def set_pod_ready(self, namespace: str, name: str, ready: bool) -> None:
        set_ready(self.state, namespace, name, ready)

    def patch_pod_status(self, namespace: str, name: str, fragment: dict[str, Any]) -> None:
        self.state.mutate(
            "pods",
            namespace,
            name,
            lambda obj: obj.__setitem__("status", merge_patch(obj.get("status"), fragment)),
        )

    def set_container_state(
        self,
        namespace: str,
        pod: str,
        container: str,
        state: dict[str, Any],
        restart_count: int | None = None,
        last_state: dict[str, Any] | None = None,
    ) -> None:
        def change(obj: dict[str, Any]) -> None:
            status = obj.setdefault("status", {})
            for entry in status.get("containerStatuses") or []:
                if entry.get("name") != container:
                    continue
                entry["state"] = state
                entry["ready"] = False
                if restart_count is not None:
                    entry["restartCount"] = restart_count
                if last_state is not None:
                    entry["lastState"] = last_state
            if "running" not in state:
                for condition in status.get("conditions") or []:
                    if condition.get("type") in ("Ready", "ContainersReady"):
                        condition["status"] = "False"

        self.state.mutate("pods", namespace, pod, change)

    def append_log(
        self,
        namespace: str,
        pod: str,
        container: str,
        lines: Iterable[str | bytes],
        previous: bool = False,
    ) -> None:
        self.logs.append((namespace, pod, container), lines, previous)

    def restart_container(self, namespace: str, pod: str, container: str) -> None:
        self.logs.restart((namespace, pod, container))

        def bump(obj: dict[str, Any]) -> None:
            for entry in (obj.get("status") or {}).get("containerStatuses") or []:
                if entry.get("name") == container:
                    entry["restartCount"] = entry.get("restartCount", 0) + 1

        self.state.mutate("pods", namespace, pod, bump)

    def add_event(
        self,
        namespace: str,
        involved: dict[str, Any],
        reason: str,
        message: str,
        type: str = "Normal",
    ) -> dict[str, Any]:
        return events.record(
            self.state, {"namespace": namespace, **involved}, reason, message, type
        )

    def bulk_create_pods(
        self, namespace: str, count: int, prefix: str = "pod", labels: dict[str, str] | None = None
    ) -> None:
        """Running, ready pods in bulk (no controller round-trips): for benchmarks."""
        now = self.state.timestamp()
        for index in range(count):
            pod = {
                "metadata": {
                    "name": f"{prefix}-{index:05d}",
                    "namespace": namespace,
                    "labels": labels or {"app": prefix},
                },
                "spec": {
                    "nodeName": "fake-node-1",
                    "containers": [{"name": "main", "image": "busybox:1.36"}],
                },
            }
            pod["status"] = running_status(
                pod, f"10.1.{index // 250 % 250}.{index % 250 + 1}", ready=True, now=now
            )
            self.state.create("pods", pod)

    def bulk_create_deployments(
        self,
        namespace: str,
        count: int,
        pods_each: int,
        prefix: str = "app",
        image: str = "registry.local/app:1.0.0",
    ) -> list[str]:
        """Rolled-out Deployments in bulk, each with its ReplicaSet and ``pods_each`` running,
        ready pods (owner references and labels as the controllers would make them, written
        directly: no controller round-trips). Returns the Deployment names. For benchmarks."""
        now = self.state.timestamp()
        names = []
        for index in range(count):
            name = f"{prefix}-{index:03d}"
            labels = {"app": name}
            template = {
                "metadata": {"labels": dict(labels)},
                "spec": {"containers": [{"name": "main", "image": image}]},
            }
            pod_hash = template_hash(template)
            deployment = self.state.create(
                "deployments",
                {
                    "metadata": {
                        "name": name,
                        "namespace": namespace,
                        "labels": labels,
                        "annotations": {REVISION: "1"},
                    },
                    "spec": {
                        "replicas": pods_each,
                        "selector": {"matchLabels": dict(labels)},
                        "template": template,
                    },
                    "status": _rolled_out_status(pods_each, now),
                },
            )
            rs_template = copy.deepcopy(template)
            rs_template["metadata"]["labels"][HASH_LABEL] = pod_hash
            rs_labels = dict(rs_template["metadata"]["labels"])
            replicaset = self.state.create(
                "replicasets",
                {
                    "metadata": {
                        "name": f"{name}-{pod_hash}",
                        "namespace": namespace,
                        "labels": rs_labels,
                        "annotations": {REVISION: "1"},
                        "ownerReferences": [owner_ref(deployment)],
                    },
                    "spec": {
                        "replicas": pods_each,
                        "selector": {"matchLabels": dict(rs_labels)},
                        "template": rs_template,
                    },
                    "status": {
                        "replicas": pods_each,
                        "readyReplicas": pods_each,
                        "availableReplicas": pods_each,
                        "observedGeneration": 1,
                    },
                },
            )
            for number in range(pods_each):
                serial = index * pods_each + number
                pod = {
                    "metadata": {
                        "name": f"{replicaset['metadata']['name']}-{number:05d}",
                        "namespace": namespace,
                        "labels": dict(rs_labels),
                        "ownerReferences": [owner_ref(replicaset)],
                    },
                    "spec": {"nodeName": "fake-node-1", **copy.deepcopy(rs_template["spec"])},
                }
                pod["status"] = running_status(
                    pod, f"10.2.{serial // 250 % 250}.{serial % 250 + 1}", ready=True, now=now
                )
                self.state.create("pods", pod)
            names.append(name)
        return names

    def set_pod_metrics(
        self, namespace: str, pod: str, containers: dict[str, tuple[object, object]]
    ) -> None:
        """What metrics.k8s.io says a pod's containers use: name -> (cpu, memory), as given
        (quantities such as "250m" and "243Mi", or anything a test wants the client to meet)."""
        with self.metrics.lock:
            self.metrics.pods[(namespace, pod)] = dict(containers)

    def remove_pod_metrics(self, namespace: str, pod: str) -> None:
        with self.metrics.lock:
            self.metrics.pods.pop((namespace, pod), None)

    def set_node_metrics(self, node: str, cpu: object, memory: object) -> None:
        with self.metrics.lock:
            self.metrics.nodes[node] = (cpu, memory)

    def start_churn(self, rate: float, namespace: str | None = None, seed: int = 0) -> Churn:
        """Change ``rate`` pod statuses a second until ``stop()``; see ``Churn``."""
        return Churn(self, rate, namespace, seed).start()

    # -- request handling (called by the HTTP handler) ---------------------------------------
    def check_access(self, method: str, route: Route, query: dict[str, str], headers: Any) -> None:
        user = self.tokens.user_of(headers)
        if (
            user is None
            and self._token is not None
            and headers.get("Authorization", "") != f"Bearer {self._token}"
        ):
            raise ApiError(401, "Unauthorized", "Unauthorized")
        if self._fail_next:
            code = self._fail_next.pop(0)
            raise ApiError(code, "InternalError", "Internal error occurred: injected fault")
        verb = _verb(method, route, query)
        if user is not None and route.resource.plural != "selfsubjectaccessreviews":
            # every authenticated user may ask what it may do (ClusterRole system:basic-user)
            resource = route.resource.plural + (
                f"/{route.subresource}" if route.subresource else ""
            )
            rbac.authorize(
                self.state, user, verb, route.resource.group, resource, route.namespace, route.name
            )
        subresource = f"{route.resource.plural}/{route.subresource}"
        for resource, namespace, verbs in self._forbidden:
            if (
                resource in (route.resource.plural, subresource)
                and (namespace is None or namespace == route.namespace)
                and verb in verbs
            ):
                raise rbac.forbidden(
                    "system:serviceaccount:default:gok",
                    verb,
                    route.resource.group,
                    resource,
                    route.namespace,
                    route.name,
                )
        if method in MUTATING and self._conflict_next.get(route.resource.plural, 0) > 0:
            self._conflict_next[route.resource.plural] -= 1
            raise ApiError(
                409,
                "Conflict",
                f"Operation cannot be fulfilled on {route.resource.plural} "
                f'"{route.name}": the object has been modified; please apply '
                "your changes to the latest version and try again",
            )

    def printers_for(self, resource: Any) -> Any:
        """The Table columns and cells of a served kind (``tables.printers``; a custom
        resource's come from its CRD: ``tables.crd_printers``)."""
        from tests.kubefake import crds, tables

        with self.state.lock:
            for crd in self.state.iter_raw(crds.CRD_PLURAL):
                if crds.resource_of(crd) == resource:
                    return tables.crd_printers(crd, resource.version)
        return tables.printers(resource.plural)

    def take_gone(self) -> bool:
        if self._gone_next > 0:
            self._gone_next -= 1
            return True
        return False

    @property
    def watch_epoch(self) -> int:
        return self._watch_epoch


class Churn:
    """Status churn on random pods, ``rate`` changes a second, alternately flipping a pod's
    readiness and bumping its first container's restartCount (one watch event each).

    With the controllers running and ``pod_readiness == "auto"`` the fake kubelet flips
    readiness straight back (an extra event per flip): use ``controllers=False`` or
    ``pod_readiness = "manual"`` for exactly ``rate`` events a second.
    """

    def __init__(
        self, fake: FakeKube, rate: float, namespace: str | None = None, seed: int = 0
    ) -> None:
        self.fake = fake
        self.rate = rate
        self.namespace = namespace
        self.changes = 0
        self._random = random.Random(seed)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="fakekube-churn", daemon=True)

    def start(self) -> Churn:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)

    def _pods(self) -> list[tuple[str, str]]:
        with self.fake.state.lock:
            return [
                (namespace, name)
                for (plural, namespace, name) in self.fake.state.objects
                if plural == "pods" and (self.namespace is None or namespace == self.namespace)
            ]

    def _change(self, namespace: str, name: str) -> None:
        if self.changes % 2 == 0:

            def flip(obj: dict[str, Any]) -> None:
                status = obj.setdefault("status", {})
                ready = any(
                    c.get("type") == "Ready" and c.get("status") == "True"
                    for c in status.get("conditions") or []
                )
                flag = "False" if ready else "True"
                for condition in status.get("conditions") or []:
                    if condition.get("type") in ("Ready", "ContainersReady"):
                        condition["status"] = flag
                for container in status.get("containerStatuses") or []:
                    container["ready"] = not ready

            self.fake.state.mutate("pods", namespace, name, flip)
        else:

            def bump(obj: dict[str, Any]) -> None:
                statuses = (obj.get("status") or {}).get("containerStatuses") or []
                if statuses:
                    statuses[0]["restartCount"] = statuses[0].get("restartCount", 0) + 1

            self.fake.state.mutate("pods", namespace, name, bump)
        self.changes += 1

    def _run(self) -> None:
        started = time.monotonic()
        pods = self._pods()
        refreshed = started
        while not self._stop.wait(0.005):
            now = time.monotonic()
            if now - refreshed >= 5.0:
                pods, refreshed = self._pods(), now
            if not pods:
                continue
            due = int((now - started) * self.rate) - self.changes
            for _ in range(max(0, due)):
                self._change(*self._random.choice(pods))


def _rolled_out_status(replicas: int, now: str) -> dict[str, Any]:
    return {
        "observedGeneration": 1,
        "replicas": replicas,
        "updatedReplicas": replicas,
        "readyReplicas": replicas,
        "availableReplicas": replicas,
        "conditions": [
            condition(
                "Available",
                "True",
                "MinimumReplicasAvailable",
                "Deployment has minimum availability.",
                now,
            ),
            condition(
                "Progressing",
                "True",
                "NewReplicaSetAvailable",
                "ReplicaSet has successfully progressed.",
                now,
            ),
        ],
    }


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], handler: type, fake: FakeKube) -> None:
        self.fake = fake
        super().__init__(address, handler)

    def process_request(self, request: socket.socket, client_address: Any) -> None:
        with self.fake._connections_lock:
            self.fake._connections.add(request)
        super().process_request(request, client_address)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # a client that drops an idle pooled connection is normal, as for a real API server
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)

    def shutdown_request(self, request: socket.socket) -> None:
        with self.fake._connections_lock:
            self.fake._connections.discard(request)
        super().shutdown_request(request)


def _verb(method: str, route: Route, query: dict[str, str]) -> str:
    if method == "GET":
        if query.get("watch") in ("1", "true"):
            return "watch"
        return "get" if route.name else "list"
    return {"POST": "create", "PUT": "update", "PATCH": "patch", "DELETE": "delete"}[method]


def parse_route(path: str, custom: dict[tuple[str, str], Resource] | None = None) -> Route | None:
    """``custom``: the kinds CRDs add, (group, plural) -> Resource (see crds.served)."""
    parts = [p for p in path.split("/") if p]
    if parts[:2] == ["api", "v1"]:
        group, rest = "", parts[2:]
    elif len(parts) >= 3 and parts[0] == "apis":
        group, rest = parts[1], parts[3:]
    else:
        return None
    namespace = ""
    if len(rest) >= 3 and rest[0] == "namespaces":
        namespace, rest = rest[1], rest[2:]
    if not rest:
        return None
    resource = RESOURCES.get((group, rest[0])) or (custom or {}).get((group, rest[0]))
    if resource is None:
        if rest[0] == "namespaces" and len(rest) == 2 and not group:
            return Route(RESOURCES[("", "namespaces")], "", rest[1], "")
        return None
    name = rest[1] if len(rest) > 1 else ""
    sub = rest[2] if len(rest) > 2 else ""
    return Route(resource, namespace, name, sub)
