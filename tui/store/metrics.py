"""Resource usage from metrics.k8s.io, read only while a view that shows it is on screen.

A view calls ``show(viewer, kind, namespace, context)`` when it comes on screen and
``hide(viewer)`` when it leaves; while shown, one thread asks for the namespace's (or every
namespace's, or the nodes') metrics once per interval: one list request, never one per pod.
The latest usage and the last ``history`` samples of every container and node are kept in
memory (fixed-size rings); what the latest list no longer names is forgotten.

When the API is absent (404: no metrics-server) nothing more is asked of that context for the
run; when it is forbidden (403) nothing more is asked until the namespace or context changes.
Either is said once (``take_notice``: an absent API quietly, in the Messages view, as it is the
common case of a cluster without metrics-server; a forbidden one as a toast) and the views hide
their usage columns (``MetricsState.shows_columns``).
A request that fails otherwise (a timeout, a 5xx) makes the usage unknown until the next one
answers.
"""

from __future__ import annotations

import math
import threading
from array import array
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from gok_tui.backends.kube import KubeBackend, KubeError
from gok_tui.domain.metrics import (
    PodUsage,
    Usage,
    parse_node_metrics,
    parse_pod_metrics,
)

MetricsKind = Literal["pods", "nodes"]
Samples = tuple[list[Decimal | None], list[Decimal | None]]
BASE = "/apis/metrics.k8s.io/v1beta1"
REQUEST_TIMEOUT = (3.05, 10.0)  # (connect, read) seconds for one metrics request
DEFAULT_HISTORY = 30  # samples kept per container and node (7.5 minutes at 15 s)


def metrics_path(kind: MetricsKind, namespace: str | None) -> str:
    if kind == "pods" and namespace:
        return f"{BASE}/namespaces/{namespace}/pods"
    return f"{BASE}/{kind}"


class Ring:
    """The last ``size`` (cpu, memory) samples, interleaved in one array of 32-bit floats
    (NaN: unknown) that grows to ``size`` pairs and then wraps: about 300 bytes per container
    at 30 samples, whatever the number of polls (enough precision for a sparkline)."""

    __slots__ = ("_next", "_samples", "_size")

    def __init__(self, size: int) -> None:
        self._samples = array("f")
        self._size = size
        self._next = 0  # the pair the next sample overwrites, once full

    def add(self, usage: Usage) -> None:
        cpu = math.nan if usage.cpu is None else float(usage.cpu)
        memory = math.nan if usage.memory is None else float(usage.memory)
        if len(self._samples) < 2 * self._size:
            self._samples.extend((cpu, memory))
            return
        self._samples[2 * self._next] = cpu
        self._samples[2 * self._next + 1] = memory
        self._next = (self._next + 1) % self._size

    def _ordered(self, offset: int) -> list[Decimal | None]:
        pairs = len(self._samples) // 2
        start = self._next if pairs == self._size else 0
        picked = [self._samples[2 * ((start + i) % pairs) + offset] for i in range(pairs)]
        # seven significant digits: what a 32-bit float holds ("1.2", not "1.2000000476...")
        return [None if math.isnan(v) else Decimal(f"{v:.7g}") for v in picked]

    def cpu(self) -> list[Decimal | None]:
        return self._ordered(0)

    def memory(self) -> list[Decimal | None]:
        return self._ordered(1)


@dataclass(frozen=True)
class MetricsState:
    """How the metrics of one view's scope stand: "waiting" (no answer yet), "live",
    "absent", "forbidden" or "unknown" (the last request failed; ``message`` says how)."""

    state: str
    message: str = ""

    @property
    def shows_columns(self) -> bool:
        """Whether a view shows its usage columns: once the API answered (or timed out: the
        usage is then unknown); not while it is first asked, nor when absent or forbidden."""
        return self.state in ("live", "unknown")


@dataclass(frozen=True)
class Notice:
    """A sentence to say once; ``quiet``: kept in the Messages view, not shown as a toast."""

    text: str
    quiet: bool = False


@dataclass(frozen=True)
class _Scope:
    kind: MetricsKind
    namespace: str | None
    context: str


class _Poller:
    def __init__(self, store: MetricsStore, scope: _Scope) -> None:
        self.store = store
        self.scope = scope
        self.stop_flag = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"metrics-{scope.kind}", daemon=True)

    def _run(self) -> None:
        while not self.stop_flag.is_set():
            if not self.store._poll(self.scope):
                return  # absent or forbidden: nothing more to ask
            if self.stop_flag.wait(self.store.interval):
                return


class MetricsStore:
    """See the module docstring. ``backend`` gives the current cluster's backend (None: no
    cluster); ``interval`` is in seconds."""

    def __init__(
        self,
        backend: Callable[[], KubeBackend | None],
        interval: float = 15.0,
        history: int = DEFAULT_HISTORY,
        timeout: tuple[float, float] = REQUEST_TIMEOUT,
    ) -> None:
        self.backend = backend
        self.interval = interval
        self.history = history
        self.timeout = timeout
        self._lock = threading.Lock()
        self._pollers: dict[int, _Poller] = {}
        self._pods: dict[str, PodUsage] = {}  # "namespace/name" -> container -> usage
        self._labels: dict[str, Mapping[str, Any]] = {}  # the pods' labels, as metrics gave them
        self._in_namespace: dict[str, list[str]] = {}  # namespace -> its pods' keys
        self._nodes: dict[str, Usage] = {}
        self._rings: dict[tuple[str, str], Ring] = {}  # (pod key, container)
        self._node_rings: dict[str, Ring] = {}
        self._states: dict[_Scope, MetricsState] = {}
        self._absent: set[str] = set()  # contexts without the API, for the run
        self._forbidden: set[_Scope] = set()
        self._notices: list[Notice] = []
        self._said: set[object] = set()
        self.version = 0  # moves on whenever what the views show may have changed
        self.polls = 0  # requests made (for benchmarks)

    # -- views -----------------------------------------------------------------------------
    def show(self, viewer: object, kind: MetricsKind, namespace: str | None, context: str) -> None:
        """Poll ``kind``'s metrics while ``viewer`` is on screen (again: a new scope)."""
        scope = _Scope(kind, namespace if kind == "pods" else None, context)
        with self._lock:
            current = self._pollers.get(id(viewer))
            if current is not None and current.scope == scope and current.thread.is_alive():
                return
        self.hide(viewer)
        if self.backend() is None or self._blocked(scope):
            return
        poller = _Poller(self, scope)
        with self._lock:
            self._pollers[id(viewer)] = poller
        poller.thread.start()

    def hide(self, viewer: object) -> None:
        with self._lock:
            poller = self._pollers.pop(id(viewer), None)
        if poller is not None:
            poller.stop_flag.set()

    def stop_all(self) -> None:
        with self._lock:
            pollers = list(self._pollers.values())
            self._pollers.clear()
        for poller in pollers:
            poller.stop_flag.set()

    @property
    def settled(self) -> bool:
        """Whether every view being polled for has had its first answer (for tests)."""
        with self._lock:
            scopes = [p.scope for p in self._pollers.values() if p.thread.is_alive()]
            return all(s in self._states or s.context in self._absent for s in scopes)

    def retarget(self) -> None:
        """The namespace or context changed: stop polling; a forbidden scope may be asked again
        (an absent API stays absent for the run)."""
        self.stop_all()
        with self._lock:
            self._forbidden.clear()
            self._states.clear()
            self._said = {key for key in self._said if isinstance(key, tuple)}
            # another context may have pods and nodes of the same names (db-0, kind-control-
            # plane): their samples start again rather than continue another cluster's lines
            self._pods, self._labels, self._in_namespace, self._nodes = {}, {}, {}, {}
            self._rings.clear()
            self._node_rings.clear()
            self.version += 1

    @property
    def polling(self) -> int:
        """How many views are being polled for (for tests and benchmarks)."""
        with self._lock:
            return sum(1 for p in self._pollers.values() if p.thread.is_alive())

    # -- what views read -------------------------------------------------------------------
    def state(self, kind: MetricsKind, namespace: str | None, context: str) -> MetricsState:
        scope = _Scope(kind, namespace if kind == "pods" else None, context)
        with self._lock:
            if context in self._absent:
                return MetricsState("absent", "metrics.k8s.io is not served (no metrics-server)")
            return self._states.get(scope, MetricsState("waiting"))

    def pod_usage(self, key: str) -> PodUsage | None:
        """A pod's containers' latest usage ("namespace/name"); None when no sample names it."""
        return self._pods.get(key)

    def pod_usages(self) -> Mapping[str, PodUsage]:
        return self._pods

    def pod_labels(self) -> Mapping[str, Mapping[str, Any]]:
        return self._labels

    def pods_in(self, namespace: str) -> list[str]:
        """The keys of the pods with metrics in a namespace."""
        return self._in_namespace.get(namespace, [])

    def node_usage(self, name: str) -> Usage | None:
        return self._nodes.get(name)

    def pod_samples(self, key: str, container: str) -> Samples:
        """The last CPU and memory samples (oldest first) of a pod's container."""
        with self._lock:
            ring = self._rings.get((key, container))
            return (ring.cpu(), ring.memory()) if ring is not None else ([], [])

    def node_samples(self, name: str) -> Samples:
        with self._lock:
            ring = self._node_rings.get(name)
            return (ring.cpu(), ring.memory()) if ring is not None else ([], [])

    def take_notice(self) -> Notice | None:
        """What to say once (the API is absent or forbidden), or None."""
        with self._lock:
            return self._notices.pop(0) if self._notices else None

    # -- polling (a poller's thread) ---------------------------------------------------------
    def _blocked(self, scope: _Scope) -> bool:
        with self._lock:
            return scope.context in self._absent or scope in self._forbidden

    def _poll(self, scope: _Scope) -> bool:
        """One request; False when polling this scope must stop."""
        backend = self.backend()
        if backend is None:
            return False
        self.polls += 1
        try:
            answer = backend.get_json(
                metrics_path(scope.kind, scope.namespace), timeout=self.timeout
            )
        except KubeError as error:
            return self._failed(scope, error)
        if scope.kind == "pods":
            self._take_pods(scope, *parse_pod_metrics(answer))
        else:
            self._take_nodes(parse_node_metrics(answer))
        with self._lock:
            self._states[scope] = MetricsState("live")
            self.version += 1
        return True

    def _failed(self, scope: _Scope, error: KubeError) -> bool:
        with self._lock:
            self.version += 1
            if error.status == 404:
                self._absent.add(scope.context)
                self._say(
                    ("absent", scope.context),
                    "resource usage is not available: this cluster does not serve "
                    "metrics.k8s.io (no metrics-server); usage columns hidden",
                    quiet=True,
                )
                return False
            if error.status == 403:
                self._forbidden.add(scope)
                self._states[scope] = MetricsState("forbidden", error.message)
                where = f" in {scope.namespace}" if scope.namespace else ""
                self._say(
                    scope,
                    f"resource usage is not available: reading {scope.kind} metrics{where} "
                    "is forbidden; usage columns hidden",
                )
                return False
            # a timeout or a failing server: the usage is unknown until an answer comes
            self._states[scope] = MetricsState("unknown", error.message)
            self._forget_scope(scope)
            return True

    def _say(self, key: object, sentence: str, quiet: bool = False) -> None:
        if key not in self._said:
            self._said.add(key)
            self._notices.append(Notice(sentence, quiet))

    def _forget_scope(self, scope: _Scope) -> None:
        if scope.kind == "nodes":
            self._nodes = {}
            return
        self._set_pods(scope, {}, {})

    def _set_pods(
        self,
        scope: _Scope,
        pods: dict[str, dict[str, Usage]],
        labels: dict[str, Mapping[str, Any]],
    ) -> None:
        """What this list covers is replaced (what it does not name any more is gone); the
        maps are replaced whole, never changed in place, so readers need no lock."""
        prefix = f"{scope.namespace}/" if scope.namespace else ""
        kept = {k: v for k, v in self._pods.items() if not k.startswith(prefix)}
        kept.update(pods)
        kept_labels = {k: v for k, v in self._labels.items() if not k.startswith(prefix)}
        kept_labels.update(labels)
        by_namespace: dict[str, list[str]] = {}
        for key in kept:
            by_namespace.setdefault(key.partition("/")[0], []).append(key)
        self._pods, self._labels, self._in_namespace = kept, kept_labels, by_namespace

    def _take_pods(
        self,
        scope: _Scope,
        pods: dict[str, dict[str, Usage]],
        labels: dict[str, Mapping[str, Any]],
    ) -> None:
        prefix = f"{scope.namespace}/" if scope.namespace else ""
        with self._lock:
            self._set_pods(scope, pods, labels)
            stale = [
                ring_key
                for ring_key in self._rings
                if ring_key[0].startswith(prefix) and ring_key[1] not in pods.get(ring_key[0], {})
            ]
            for ring_key in stale:
                del self._rings[ring_key]
            for key, containers in pods.items():
                for container, usage in containers.items():
                    self._ring(key, container).add(usage)

    def _take_nodes(self, nodes: dict[str, Usage]) -> None:
        with self._lock:
            self._nodes = nodes
            self._node_rings = {
                name: ring for name, ring in self._node_rings.items() if name in nodes
            }
            for name, usage in nodes.items():
                ring = self._node_rings.get(name)
                if ring is None:
                    ring = self._node_rings[name] = Ring(self.history)
                ring.add(usage)

    def _ring(self, key: str, container: str) -> Ring:
        ring = self._rings.get((key, container))
        if ring is None:
            ring = self._rings[(key, container)] = Ring(self.history)
        return ring


def pods_of(usages: Mapping[str, PodUsage], keys: Iterable[str]) -> dict[str, PodUsage]:
    """The usage of these pods only (metrics for pods that no longer exist are not counted)."""
    return {key: usages[key] for key in keys if key in usages}
