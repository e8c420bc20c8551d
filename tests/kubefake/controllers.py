"""Controllers of the fake: deployment (ReplicaSets with revisions, rolling within maxSurge and
maxUnavailable, progress deadline), ReplicaSet (pods), a kubelet (pod status, scriptable
readiness), endpoints and EndpointSlices. One thread runs them all until stable after every
change."""

from __future__ import annotations

import copy
import hashlib
import json
import math
import threading
import time
from collections.abc import Callable
from typing import Any

from tests.kubefake import disruption, events, readiness
from tests.kubefake.readiness import Reporter
from tests.kubefake.state import State

REVISION = "deployment.kubernetes.io/revision"
CHANGE_CAUSE = "kubernetes.io/change-cause"
HASH_LABEL = "pod-template-hash"
ROOT_CA = "kube-root-ca.crt"
SERVICE_NAME_LABEL = "kubernetes.io/service-name"

Readiness = Callable[[dict[str, Any]], "bool | None"]


def template_hash(template: dict[str, Any]) -> str:
    clean = copy.deepcopy(template)
    (clean.get("metadata") or {}).get("labels", {}).pop(HASH_LABEL, None)
    digest = hashlib.sha256(json.dumps(clean, sort_keys=True).encode()).hexdigest()
    alphabet = "bcdfghjklmnpqrstvwxz2456789"
    number = int(digest[:16], 16)
    out = ""
    for _ in range(10):
        number, index = divmod(number, len(alphabet))
        out += alphabet[index]
    return out


def _int_or_percent(value: Any, total: int, round_up: bool, default: str) -> int:
    value = default if value is None else value
    if isinstance(value, str) and value.endswith("%"):
        exact = total * int(value[:-1]) / 100
        return math.ceil(exact) if round_up else math.floor(exact)
    return int(value)


def _revision(obj: dict[str, Any]) -> int:
    try:
        return int((obj["metadata"].get("annotations") or {}).get(REVISION, "0"))
    except ValueError:
        return 0


def _owned(obj: dict[str, Any], owner: dict[str, Any]) -> bool:
    uid = owner["metadata"]["uid"]
    return any(ref.get("uid") == uid for ref in obj["metadata"].get("ownerReferences") or [])


def owner_ref(owner: dict[str, Any]) -> dict[str, Any]:
    return {
        "apiVersion": owner["apiVersion"],
        "kind": owner["kind"],
        "name": owner["metadata"]["name"],
        "uid": owner["metadata"]["uid"],
        "controller": True,
        "blockOwnerDeletion": True,
    }


def _pod_ready(pod: dict[str, Any]) -> bool:
    for condition in (pod.get("status") or {}).get("conditions") or []:
        if condition.get("type") == "Ready":
            return condition.get("status") == "True"
    return False


def _matches(labels: dict[str, str], selector: dict[str, str]) -> bool:
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


class Controllers:
    def __init__(self, state: State) -> None:
        self.state = state
        self.readiness: str | Readiness = "auto"
        self.ready_delay = 0.05
        # seconds a terminating pod's containers take to stop (at most its grace period):
        # the fake's containers exit on SIGTERM at once
        self.stop_delay = 0.05
        self.readiness_reporter = Reporter(state)  # its ``skew``: see readiness.py
        self._started_at: dict[str, float] = {}  # pod uid -> when its containers started
        self._deadline_from: dict[str, float] = {}  # deployment uid -> when progress began
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._pod_ip = 0
        self.wake = threading.Event()

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="fakekube-controllers", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self.wake.set()
        if self._thread is not None:
            self._thread.join(5)

    def _run(self) -> None:
        while not self._stop.is_set():
            with self.state.lock:
                before = self.state.rv
            pending = self._reconcile_all()
            with self.state.lock:
                wrote = self.state.rv != before
            if wrote:
                continue  # our own writes may enable the next step at once
            self.wake.wait(0.01 if pending else 0.2)
            self.wake.clear()

    def _reconcile_all(self) -> bool:
        """One pass; True while something is still on its way (timers, rollouts)."""
        pending = False
        with self.state.lock:
            for namespace in list(self.state.iter_raw("namespaces")):
                if namespace["metadata"].get("deletionTimestamp"):
                    self._empty(namespace["metadata"]["name"])
                else:
                    self._namespace(namespace["metadata"]["name"])
            for deployment in self.state.list("deployments"):
                pending |= self._deployment(deployment)
            for replicaset in self.state.list("replicasets"):
                self._replicaset(replicaset)
            for pod in list(self.state.iter_raw("pods")):
                pending |= self._kubelet(pod)
            for service in list(self.state.iter_raw("services")):
                self._endpoints(service)
            disruption.reconcile(self.state)
        return pending

    # -- namespace -----------------------------------------------------------------------
    def _namespace(self, name: str) -> None:
        """What the serviceaccount controller and the root CA publisher put in each one."""
        if self.state.get("serviceaccounts", name, "default") is None:
            self.state.create(
                "serviceaccounts", {"metadata": {"name": "default", "namespace": name}}
            )
        if self.state.get("configmaps", name, ROOT_CA) is None:
            self.state.create(
                "configmaps",
                {
                    "metadata": {"name": ROOT_CA, "namespace": name},
                    "data": {
                        "ca.crt": "-----BEGIN CERTIFICATE-----\nfake\n-----END CERTIFICATE-----\n"
                    },
                },
            )

    def _empty(self, name: str) -> None:
        """The namespace controller: delete what is in a Terminating namespace, then it."""
        for plural, namespace, obj_name in list(self.state.objects):
            if namespace == name and (plural, namespace, obj_name) in self.state.objects:
                self.state.delete(plural, namespace, obj_name)
        self.state.delete("namespaces", "", name)

    # -- deployment ----------------------------------------------------------------------
    def _deployment(self, deployment: dict[str, Any]) -> bool:
        meta, spec = deployment["metadata"], deployment.get("spec") or {}
        namespace = meta["namespace"]
        desired = int(spec.get("replicas", 1))
        template = spec.get("template") or {}
        owned = [rs for rs in self.state.list("replicasets", namespace) if _owned(rs, deployment)]
        wanted_hash = template_hash(template)
        new_rs = next(
            (rs for rs in owned if template_hash(rs["spec"]["template"]) == wanted_hash), None
        )
        max_revision = max((_revision(rs) for rs in owned), default=0)
        if spec.get("paused"):
            self._deployment_status(deployment, owned, new_rs, desired)
            return False
        if new_rs is None:
            new_rs = self._create_replicaset(deployment, wanted_hash, max_revision + 1)
            owned.append(new_rs)
            self._deadline_from[meta["uid"]] = time.monotonic()
        elif _revision(new_rs) < max_revision:  # an old template came back: kubectl rollout undo
            new_rs = self._set_rs(new_rs, revision=max_revision + 1, cause=self._cause(deployment))
            self._deadline_from[meta["uid"]] = time.monotonic()
        old = [rs for rs in owned if rs["metadata"]["uid"] != new_rs["metadata"]["uid"]]
        strategy = (spec.get("strategy") or {}).get("type", "RollingUpdate")
        if strategy == "Recreate":
            self._recreate(new_rs, old, desired)
        else:
            self._rolling(spec, new_rs, old, desired)
        if _revision(new_rs) != _revision(deployment):

            def set_revision(obj: dict[str, Any], rev: str = str(_revision(new_rs))) -> None:
                obj["metadata"].setdefault("annotations", {})[REVISION] = rev

            self.state.mutate("deployments", namespace, meta["name"], set_revision)
        fresh = self.state.get("deployments", namespace, meta["name"])
        owned = [rs for rs in self.state.list("replicasets", namespace) if _owned(rs, deployment)]
        new_rs = next(rs for rs in owned if rs["metadata"]["uid"] == new_rs["metadata"]["uid"])
        return self._deployment_status(fresh or deployment, owned, new_rs, desired)

    def _cause(self, deployment: dict[str, Any]) -> str | None:
        return (deployment["metadata"].get("annotations") or {}).get(CHANGE_CAUSE)

    def _create_replicaset(
        self, deployment: dict[str, Any], pod_hash: str, revision: int
    ) -> dict[str, Any]:
        meta = deployment["metadata"]
        template = copy.deepcopy(deployment["spec"]["template"])
        template.setdefault("metadata", {}).setdefault("labels", {})[HASH_LABEL] = pod_hash
        selector = copy.deepcopy(deployment["spec"].get("selector") or {})
        selector.setdefault("matchLabels", {})[HASH_LABEL] = pod_hash
        annotations = {REVISION: str(revision)}
        cause = self._cause(deployment)
        if cause:
            annotations[CHANGE_CAUSE] = cause
        return self.state.create(
            "replicasets",
            {
                "metadata": {
                    "name": f"{meta['name']}-{pod_hash}",
                    "namespace": meta["namespace"],
                    "labels": dict(template["metadata"]["labels"]),
                    "annotations": annotations,
                    "ownerReferences": [owner_ref(deployment)],
                },
                "spec": {"replicas": 0, "selector": selector, "template": template},
            },
        )

    def _set_rs(
        self,
        rs: dict[str, Any],
        *,
        replicas: int | None = None,
        revision: int | None = None,
        cause: str | None = None,
    ) -> dict[str, Any]:
        def change(obj: dict[str, Any]) -> None:
            if replicas is not None:
                obj["spec"]["replicas"] = replicas
            annotations = obj["metadata"].setdefault("annotations", {})
            if revision is not None:
                annotations[REVISION] = str(revision)
            if cause:
                annotations[CHANGE_CAUSE] = cause

        updated = self.state.mutate(
            "replicasets", rs["metadata"]["namespace"], rs["metadata"]["name"], change
        )
        return updated or rs

    def _ready_count(self, rs: dict[str, Any]) -> int:
        return sum(
            1
            for pod in self.state.iter_raw("pods")
            if _owned(pod, rs) and _pod_ready(pod) and not pod["metadata"].get("deletionTimestamp")
        )

    def _recreate(self, new_rs: dict[str, Any], old: list[dict[str, Any]], desired: int) -> None:
        for rs in old:
            if rs["spec"].get("replicas", 0):
                self._set_rs(rs, replicas=0)
        old_pods = sum(
            1 for pod in self.state.iter_raw("pods") if any(_owned(pod, rs) for rs in old)
        )
        if old_pods == 0 and new_rs["spec"].get("replicas", 0) != desired:
            self._set_rs(new_rs, replicas=desired)

    def _rolling(
        self, spec: dict[str, Any], new_rs: dict[str, Any], old: list[dict[str, Any]], desired: int
    ) -> None:
        rolling = (spec.get("strategy") or {}).get("rollingUpdate") or {}
        surge = _int_or_percent(rolling.get("maxSurge"), desired, True, "25%")
        unavailable = _int_or_percent(rolling.get("maxUnavailable"), desired, False, "25%")
        if surge == 0 and unavailable == 0:
            unavailable = 1
        old_total = sum(rs["spec"].get("replicas", 0) for rs in old)
        new_count = new_rs["spec"].get("replicas", 0)
        if new_count > desired:
            self._set_rs(new_rs, replicas=desired)
            new_count = desired
        elif new_count < desired:
            allowed = max(0, desired + surge - old_total - new_count)
            target = min(desired, new_count + allowed)
            if target != new_count:
                self._set_rs(new_rs, replicas=target)
                new_count = target
        if not old_total:
            return
        ready_total = self._ready_count(new_rs) + sum(self._ready_count(rs) for rs in old)
        min_available = desired - unavailable
        # old pods that are not ready can go at once; ready ones only above the minimum
        for rs in sorted(old, key=_revision):
            count = rs["spec"].get("replicas", 0)
            if count == 0:
                continue
            not_ready = count - self._ready_count(rs)
            removable = max(0, ready_total - min_available) + max(0, not_ready)
            cut = min(count, removable)
            if cut:
                self._set_rs(rs, replicas=count - cut)
                ready_total -= max(0, cut - max(0, not_ready))

    def _deployment_status(
        self,
        deployment: dict[str, Any],
        owned: list[dict[str, Any]],
        new_rs: dict[str, Any] | None,
        desired: int,
    ) -> bool:
        meta = deployment["metadata"]
        pods = [pod for pod in self.state.iter_raw("pods") if any(_owned(pod, rs) for rs in owned)]
        ready = sum(1 for pod in pods if _pod_ready(pod))
        updated = sum(1 for pod in pods if new_rs is not None and _owned(pod, new_rs))
        updated_ready = self._ready_count(new_rs) if new_rs is not None else 0
        complete = updated == desired and updated_ready == desired and len(pods) == desired
        deadline = int((deployment.get("spec") or {}).get("progressDeadlineSeconds", 600))
        started = self._deadline_from.setdefault(meta["uid"], time.monotonic())
        now = self.state.timestamp()
        rs_name = new_rs["metadata"]["name"] if new_rs else "?"
        if complete:
            progressing = (
                "True",
                "NewReplicaSetAvailable",
                f'ReplicaSet "{new_rs["metadata"]["name"]}" has successfully progressed.',
            )
        elif time.monotonic() - started > deadline:
            progressing = (
                "False",
                "ProgressDeadlineExceeded",
                f'ReplicaSet "{rs_name}" has timed out progressing.',
            )
        else:
            progressing = (
                "True",
                "ReplicaSetUpdated",
                f'ReplicaSet "{rs_name}" is progressing.',
            )
        rolling = ((deployment.get("spec") or {}).get("strategy") or {}).get("rollingUpdate") or {}
        max_unavailable = _int_or_percent(rolling.get("maxUnavailable"), desired, False, "25%")
        available_ok = ready >= desired - max_unavailable
        status = {
            "observedGeneration": meta.get("generation", 1),
            "replicas": len(pods),
            "updatedReplicas": updated,
            "readyReplicas": ready,
            "availableReplicas": ready,
            "conditions": [
                condition(
                    "Available",
                    "True" if available_ok else "False",
                    "MinimumReplicasAvailable" if available_ok else "MinimumReplicasUnavailable",
                    "Deployment has minimum availability."
                    if available_ok
                    else "Deployment does not have minimum availability.",
                    now,
                ),
                condition("Progressing", *progressing, now),
            ],
        }
        if desired - ready > 0:
            status["unavailableReplicas"] = desired - ready
        for key in ("readyReplicas", "availableReplicas", "updatedReplicas", "replicas"):
            if not status[key]:
                del status[key]
        old_status = deployment.get("status") or {}
        if _without_times(old_status) != _without_times(status):

            def write(obj: dict[str, Any]) -> None:
                obj["status"] = status

            self.state.mutate("deployments", meta["namespace"], meta["name"], write)
        return not complete and progressing[1] != "ProgressDeadlineExceeded"

    # -- replicaset ----------------------------------------------------------------------
    def _replicaset(self, rs: dict[str, Any]) -> None:
        meta = rs["metadata"]
        desired = int(rs["spec"].get("replicas", 0))
        pods = [  # active pods: a terminating one is already replaced
            pod
            for pod in self.state.list("pods", meta["namespace"])
            if _owned(pod, rs) and not pod["metadata"].get("deletionTimestamp")
        ]
        for _ in range(desired - len(pods)):
            self._create_pod(rs)
        if len(pods) > desired:
            doomed = sorted(pods, key=lambda p: (_pod_ready(p), p["metadata"]["creationTimestamp"]))
            for pod in doomed[: len(pods) - desired]:
                self.state.delete("pods", meta["namespace"], pod["metadata"]["name"])
        ready = sum(1 for pod in pods[:desired] if _pod_ready(pod))
        status = {
            "replicas": min(len(pods), max(desired, len(pods))),
            "observedGeneration": meta.get("generation", 1),
        }
        if ready:
            status["readyReplicas"] = ready
            status["availableReplicas"] = ready
        current = self.state.get("replicasets", meta["namespace"], meta["name"])
        if current is not None and current.get("status") != status:

            def write(obj: dict[str, Any]) -> None:
                obj["status"] = status

            self.state.mutate("replicasets", meta["namespace"], meta["name"], write)

    def _create_pod(self, rs: dict[str, Any]) -> None:
        template = copy.deepcopy(rs["spec"]["template"])
        suffix = self.state.name_suffix(rs["metadata"]["name"])
        pod = {
            "metadata": {
                "name": f"{rs['metadata']['name']}-{suffix}",
                "namespace": rs["metadata"]["namespace"],
                "labels": (template.get("metadata") or {}).get("labels", {}),
                "annotations": (template.get("metadata") or {}).get("annotations", {}),
                "ownerReferences": [owner_ref(rs)],
            },
            "spec": template.get("spec") or {},
            "status": {"phase": "Pending"},
        }
        self.state.create("pods", pod)

    # -- kubelet -------------------------------------------------------------------------
    def _kubelet(self, pod: dict[str, Any]) -> bool:
        """Schedule, start and stop pods; readiness from the test's policy. True while
        waiting."""
        meta, status = pod["metadata"], pod.get("status") or {}
        uid = meta["uid"]
        if meta.get("deletionTimestamp"):
            return self._terminate(pod)
        if status.get("phase") not in (None, "Pending") or status.get("containerStatuses"):
            return self._apply_readiness(pod)
        if not pod["spec"].get("nodeName") and self._node_for(pod) is None:
            self._unschedulable(pod)
            return False
        started = self._started_at.setdefault(uid, time.monotonic())
        if time.monotonic() - started < self.ready_delay:
            return True
        self._pod_ip += 1
        ip = f"10.0.{(self._pod_ip // 250) % 250}.{self._pod_ip % 250 + 1}"

        node = pod["spec"].get("nodeName") or self._node_for(pod)

        def start(obj: dict[str, Any]) -> None:
            obj["spec"]["nodeName"] = node
            obj["status"] = running_status(obj, ip, ready=False, now=self.state.timestamp())

        self.state.mutate("pods", meta["namespace"], meta["name"], start)
        events.record(
            self.state,
            events.about_pod(pod),
            "Scheduled",
            f"Successfully assigned {meta['namespace']}/{meta['name']} to {node}",
            component="default-scheduler",
        )
        return True

    def _node_for(self, pod: dict[str, Any]) -> str | None:
        """The scheduler: the first Ready node whose labels match the pod's nodeSelector."""
        wanted = (pod.get("spec") or {}).get("nodeSelector") or {}
        for node in self.state.iter_raw("nodes"):
            labels = node["metadata"].get("labels") or {}
            ready = any(
                c.get("type") == "Ready" and c.get("status") == "True"
                for c in (node.get("status") or {}).get("conditions") or []
            )
            cordoned = (node.get("spec") or {}).get("unschedulable")
            if ready and not cordoned and all(labels.get(k) == v for k, v in wanted.items()):
                return str(node["metadata"]["name"])
        return None

    def _unschedulable(self, pod: dict[str, Any]) -> None:
        conditions = (pod.get("status") or {}).get("conditions") or []
        if any(c.get("reason") == "Unschedulable" for c in conditions):
            return
        nodes = sum(1 for _ in self.state.iter_raw("nodes"))
        message = (
            f"0/{nodes} nodes are available: {nodes} node(s) didn't match Pod's node "
            f"affinity/selector. preemption: 0/{nodes} nodes are available: {nodes} "
            "Preemption is not helpful for scheduling.."
            if nodes
            else "no nodes available to schedule pods"
        )

        def mark(obj: dict[str, Any]) -> None:
            obj["status"] = {
                "phase": "Pending",
                "qosClass": "BestEffort",
                "conditions": [
                    {
                        "type": "PodScheduled",
                        "status": "False",
                        "reason": "Unschedulable",
                        "message": message,
                        "lastTransitionTime": self.state.timestamp(),
                    }
                ],
            }

        meta = pod["metadata"]
        self.state.mutate("pods", meta["namespace"], meta["name"], mark)
        events.record(
            self.state,
            events.about_pod(pod),
            "FailedScheduling",
            message,
            "Warning",
            "default-scheduler",
        )

    def _terminate(self, pod: dict[str, Any]) -> bool:
        """A pod marked for deletion: its containers stop, then the kubelet removes it."""
        meta = pod["metadata"]
        key = f"stop:{meta['uid']}"
        asked = self._started_at.setdefault(key, time.monotonic())
        grace = float(meta.get("deletionGracePeriodSeconds") or 0)
        if time.monotonic() - asked < min(grace, self.stop_delay):
            return True
        self.state.delete("pods", meta["namespace"], meta["name"])
        self._started_at.pop(key, None)
        return False

    def _apply_readiness(self, pod: dict[str, Any]) -> bool:
        if self.readiness == "manual":
            return False
        if self.readiness == "auto":
            wanted: bool | None = True
        else:
            wanted = self.readiness(pod)  # type: ignore[operator]
        if wanted is None:
            return False
        statuses = (pod.get("status") or {}).get("containerStatuses") or []
        running = all("running" in (c.get("state") or {}) for c in statuses) and statuses
        if not running:
            return False
        return self.readiness_reporter.report(pod, wanted)

    # -- endpoints -----------------------------------------------------------------------
    def _endpoints(self, service: dict[str, Any]) -> None:
        meta, spec = service["metadata"], service.get("spec") or {}
        selector = spec.get("selector")
        if not selector:
            return
        ready, not_ready = [], []
        selected = [
            pod
            for pod in self.state.iter_raw("pods")
            if pod["metadata"].get("namespace") == meta["namespace"]
            and _matches(pod["metadata"].get("labels") or {}, selector)
        ]
        self._endpoint_slice(service, selected)
        for pod in selected:
            ip = (pod.get("status") or {}).get("podIP")
            if not ip or pod["metadata"].get("deletionTimestamp"):
                continue
            address = {
                "ip": ip,
                "nodeName": pod["spec"].get("nodeName", ""),
                "targetRef": {
                    "kind": "Pod",
                    "name": pod["metadata"]["name"],
                    "namespace": meta["namespace"],
                    "uid": pod["metadata"]["uid"],
                },
            }
            (ready if _pod_ready(pod) else not_ready).append(address)
        ports = [
            {
                "name": p.get("name", ""),
                "port": _target_port(p),
                "protocol": p.get("protocol", "TCP"),
            }
            for p in spec.get("ports") or []
        ]
        subset: dict[str, Any] = {"ports": ports}
        if ready:
            subset["addresses"] = ready
        if not_ready:
            subset["notReadyAddresses"] = not_ready
        body = {
            "metadata": {
                "name": meta["name"],
                "namespace": meta["namespace"],
                "labels": meta.get("labels") or {},
            },
            "subsets": [subset] if (ready or not_ready) else [],
        }
        current = self.state.get("endpoints", meta["namespace"], meta["name"])
        if current is None:
            self.state.create("endpoints", body)
        elif current.get("subsets") != body["subsets"]:

            def write(obj: dict[str, Any]) -> None:
                obj["subsets"] = body["subsets"]

            self.state.mutate("endpoints", meta["namespace"], meta["name"], write)

    def _endpoint_slice(self, service: dict[str, Any], pods: list[dict[str, Any]]) -> None:
        """The EndpointSlice controller, for one slice per Service (a real one splits at 100
        endpoints): the pods with an IP, terminating ones included with ready false, as
        discovery.k8s.io/v1 publishes them."""
        meta, spec = service["metadata"], service.get("spec") or {}
        endpoints = []
        for pod in sorted(pods, key=lambda p: p["metadata"]["name"]):
            ip = (pod.get("status") or {}).get("podIP")
            if not ip:
                continue
            terminating = bool(pod["metadata"].get("deletionTimestamp"))
            serving = _pod_ready(pod)
            endpoint: dict[str, Any] = {
                "addresses": [ip],
                "conditions": {
                    "ready": serving and not terminating,
                    "serving": serving,
                    "terminating": terminating,
                },
                "targetRef": {
                    "kind": "Pod",
                    "namespace": meta["namespace"],
                    "name": pod["metadata"]["name"],
                    "uid": pod["metadata"]["uid"],
                },
            }
            if pod["spec"].get("nodeName"):
                endpoint["nodeName"] = pod["spec"]["nodeName"]
            endpoints.append(endpoint)
        ports = [
            {
                "name": p.get("name", ""),
                "protocol": p.get("protocol", "TCP"),
                "port": _target_port(p),
            }
            for p in spec.get("ports") or []
        ]
        existing = next(
            (
                s
                for s in self.state.iter_raw("endpointslices")
                if s["metadata"].get("namespace") == meta["namespace"]
                and (s["metadata"].get("labels") or {}).get(SERVICE_NAME_LABEL) == meta["name"]
            ),
            None,
        )
        # lists the API returns as null when empty (no omitempty on these fields)
        wanted = {"endpoints": endpoints or None, "ports": ports or None}
        if existing is None:
            labels = {
                **(meta.get("labels") or {}),
                SERVICE_NAME_LABEL: meta["name"],
                "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
            }
            body = {
                "metadata": {
                    "generateName": f"{meta['name']}-",
                    "namespace": meta["namespace"],
                    "labels": labels,
                    "ownerReferences": [owner_ref(service)],
                },
                "addressType": "IPv4",
                **wanted,
            }
            self.state.create("endpointslices", body)
        elif any(existing.get(key) != value for key, value in wanted.items()):

            def write(obj: dict[str, Any]) -> None:
                obj.update(wanted)

            slice_meta = existing["metadata"]
            self.state.mutate("endpointslices", slice_meta["namespace"], slice_meta["name"], write)


def _target_port(port: dict[str, Any]) -> int:
    target = port.get("targetPort", port.get("port"))
    return target if isinstance(target, int) else int(port.get("port", 0))


def condition(kind: str, status: str, reason: str, message: str, now: str) -> dict[str, str]:
    return {
        "type": kind,
        "status": status,
        "reason": reason,
        "message": message,
        "lastUpdateTime": now,
        "lastTransitionTime": now,
    }


def _without_times(status: dict[str, Any]) -> dict[str, Any]:
    clean = copy.deepcopy(status)
    for condition in clean.get("conditions") or []:
        condition.pop("lastUpdateTime", None)
        condition.pop("lastTransitionTime", None)
    return clean


def running_status(pod: dict[str, Any], ip: str, *, ready: bool, now: str) -> dict[str, Any]:
    containers = (pod.get("spec") or {}).get("containers") or []
    flag = "True" if ready else "False"
    return {
        "phase": "Running",
        "hostIP": "192.168.49.2",
        "podIP": ip,
        "podIPs": [{"ip": ip}],
        "startTime": now,
        "qosClass": "BestEffort",
        "conditions": [
            {"type": "Initialized", "status": "True", "lastTransitionTime": now},
            {"type": "Ready", "status": flag, "lastTransitionTime": now},
            {"type": "ContainersReady", "status": flag, "lastTransitionTime": now},
            {"type": "PodScheduled", "status": "True", "lastTransitionTime": now},
        ],
        "containerStatuses": [
            {
                "name": c.get("name", ""),
                "image": c.get("image", ""),
                "imageID": f"docker-pullable://{c.get('image', '')}",
                "containerID": f"containerd://{c.get('name', '')}{ip.replace('.', '')}",
                "ready": ready,
                "started": True,
                "restartCount": 0,
                "state": {"running": {"startedAt": now}},
            }
            for c in containers
        ],
    }


def set_ready(state: State, namespace: str, name: str, ready: bool) -> None:
    readiness.write(state, namespace, name, containers=ready, condition=ready)
