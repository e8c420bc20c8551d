"""A wire-level fake Kubernetes API server for tests; the real client talks to it over HTTP.

    fake = FakeKube(port=0).start()            # or `with FakeKube() as fake:`
    fake.url, fake.port
    fake.write_kubeconfig(path, context="fake", namespace="default", token=None, extra_contexts=(),
                          server=None)         # server: a stable name, reached via proxy-url
    fake.stop(); fake.start()                  # same port, state kept; open watches end

State, as API calls would change it (watchers see the events):
    apply_object(obj), get_object(plural, ns, name), list_objects(plural, ns=None),
    delete_object(plural, ns, name), create_namespace(name), bulk_create_pods(ns, n),
    set_pod_ready(ns, name, ready), set_container_state(ns, pod, container, state, ...),
    patch_pod_status(ns, name, fragment), append_log(ns, pod, container, lines, previous=False),
    restart_container(ns, pod, container), add_event(ns, involved, reason, message, type)
Pod readiness: `fake.pod_readiness = "auto" | "manual" | callable(pod) -> bool | None`,
    `fake.ready_delay` seconds before containers run, `fake.ready_skew` seconds between the
    pod's Ready condition and its containers' flags (see readiness.py); readiness gates hold.
Faults: forbid(resource, namespace=None, verbs=...), allow_all(), require_token(token),
    expire_watches(), compact(), gone_next_watches(n), fail_next(n, code), conflict_next(n, res),
    status_writes_on_read(*resources) (a controller moves the resourceVersion after each GET),
    latency (seconds per request), hold_lists() / release_lists() (lists answered together),
    aggregated_discovery = False (legacy only) | 406, discovery_status = 403 (all discovery).
CRDs (crds.py): create/delete CustomResourceDefinitions; their kinds are then served.
metrics.k8s.io (metrics.py): absent by default; `fake.metrics.mode = "served" | "hang"`,
    `fake.metrics.forbidden`, set_pod_metrics(ns, pod, {container: (cpu, memory)}),
    remove_pod_metrics(ns, pod), set_node_metrics(node, cpu, memory),
    `fake.metrics.request_count(plural, ns)` (its requests are not in fake.requests).
Repeatable runs: `FakeKube(clock=...)` is the cluster's wall clock (creation times, conditions,
    events, log lines); generated names and uids come from what they name, not from a random
    source.
Requests: fake.requests (RequestRecord(method, path, query, content_type, body)),
    clear_requests().
Exec and port-forward over WebSocket (streams.py): fake containers that echo, run a tiny
    shell and keep files: fake.streams.files(ns, pod, container), put_file(...), reset()
    (cut every open stream), missing (programs no container has), protocols, resizes, execs.
Deletes as the real server does them: see ``deletion`` (a pod on a node terminates for up to
    ``fake.controllers.stop_delay`` seconds; a pod whose nodeSelector no node matches stays
    Pending, Unschedulable).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from tests.kubefake.server import FakeKube, RequestRecord


def wait_until(
    predicate: Callable[[], object], timeout: float = 5.0, interval: float = 0.02
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s: {predicate}")


__all__ = ["FakeKube", "RequestRecord", "wait_until"]
