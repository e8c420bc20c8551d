"""Controllers of the fake for the other workloads, as kube-controller-manager runs them:

- StatefulSet: pods ``NAME-0..N-1`` made in order (each waits for the lower ones to be Running
  and Ready, unless ``podManagementPolicy: Parallel``) and removed highest first; one
  ControllerRevision per pod template (``revision`` numbers, an old template that comes back
  gets the next number, as ``kubectl rollout undo`` makes it); RollingUpdate replaces the pods
  with an ordinal >= ``partition`` that are not at ``updateRevision``, highest first, one at a
  time once every pod is Ready; ``currentRevision`` follows when all pods are updated.
- DaemonSet: one pod per schedulable node (Ready, not cordoned, ``nodeSelector`` matching),
  ControllerRevisions as above, RollingUpdate one pod at a time.
- Job: pods until ``completions`` succeeded (``parallelism`` at a time); the fake's job pods
  succeed once running (``job_pods = "succeed"``) or when a test says so (``"manual"`` and
  ``finish_job_pod``); ``backoffLimit``, ``suspend``; status and conditions as v1.28 writes them.
- CronJob: no schedule runs; ``run_cronjob`` makes the Job the schedule would make now, and
  sets ``lastScheduleTime``; ``active`` and ``lastSuccessfulTime`` follow the Jobs it made.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from tests.kubefake.state import State

REVISION_HASH = "controller-revision-hash"
CR_HASH = "controller.kubernetes.io/hash"
POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name"
POD_INDEX_LABEL = "apps.kubernetes.io/pod-index"
SCHEDULED_AT = "batch.kubernetes.io/cronjob-scheduled-timestamp"


def _owned(obj: dict[str, Any], owner: dict[str, Any]) -> bool:
    uid = owner["metadata"]["uid"]
    return any(ref.get("uid") == uid for ref in obj["metadata"].get("ownerReferences") or [])


def _ready(pod: dict[str, Any]) -> bool:
    return any(
        c.get("type") == "Ready" and c.get("status") == "True"
        for c in (pod.get("status") or {}).get("conditions") or []
    )


def _deleting(obj: dict[str, Any]) -> bool:
    return bool(obj["metadata"].get("deletionTimestamp"))


def _healthy(pod: dict[str, Any]) -> bool:
    return _ready(pod) and not _deleting(pod)


def _drop_zeros(status: dict[str, Any], *keys: str) -> dict[str, Any]:
    """Go's ``omitempty``: the zero counts are left out of the status."""
    return {k: v for k, v in status.items() if not (k in keys and not v)}


class Workloads:
    def __init__(
        self,
        state: State,
        owner_ref: Callable[[dict[str, Any]], dict[str, Any]],
        template_hash: Callable[[dict[str, Any]], str],
    ) -> None:
        self.state = state
        self._owner_ref = owner_ref
        self._hash = template_hash
        self.job_pods = "succeed"  # or "manual": finish_job_pod says how each one ends

    def reconcile(self) -> bool:
        """One pass under the state's lock; True while something is on its way."""
        pending = False
        for sts in self.state.list("statefulsets"):
            if not _deleting(sts):
                pending |= self._statefulset(sts)
        for ds in self.state.list("daemonsets"):
            if not _deleting(ds):
                pending |= self._daemonset(ds)
        for job in self.state.list("jobs"):
            if not _deleting(job):
                pending |= self._job(job)
        for cronjob in self.state.list("cronjobs"):
            self._cronjob(cronjob)
        return pending

    def _write_status(self, plural: str, obj: dict[str, Any], status: dict[str, Any]) -> None:
        if obj.get("status") == status:
            return
        meta = obj["metadata"]

        def write(fresh: dict[str, Any]) -> None:
            fresh["status"] = status

        self.state.mutate(plural, meta["namespace"], meta["name"], write)

    # -- ControllerRevisions ---------------------------------------------------------------
    def _revisions(self, owner: dict[str, Any]) -> list[dict[str, Any]]:
        namespace = owner["metadata"]["namespace"]
        owned = [
            cr for cr in self.state.list("controllerrevisions", namespace) if _owned(cr, owner)
        ]
        return sorted(owned, key=lambda cr: int(cr.get("revision") or 0))

    def _update_revision(self, owner: dict[str, Any]) -> dict[str, Any]:
        """The ControllerRevision of the owner's template, made or renumbered as needed."""
        meta = owner["metadata"]
        template = (owner.get("spec") or {}).get("template") or {}
        digest = self._hash(template)
        history = self._revisions(owner)
        newest = max((int(cr.get("revision") or 0) for cr in history), default=0)
        found = next(
            (cr for cr in history if cr["metadata"]["labels"].get(CR_HASH) == digest), None
        )
        if found is None:
            labels = dict((template.get("metadata") or {}).get("labels") or {})
            labels[CR_HASH] = digest
            return self.state.create(
                "controllerrevisions",
                {
                    "metadata": {
                        "name": f"{meta['name']}-{digest}",
                        "namespace": meta["namespace"],
                        "labels": labels,
                        # the controller copies the owner's annotations (answers/26)
                        "annotations": dict(meta.get("annotations") or {}),
                        "ownerReferences": [self._owner_ref(owner)],
                    },
                    "data": {"spec": {"template": {"$patch": "replace", **template}}},
                    "revision": newest + 1,
                },
            )
        if int(found.get("revision") or 0) < newest:  # an old template came back

            def renumber(cr: dict[str, Any]) -> None:
                cr["revision"] = newest + 1

            return (
                self.state.mutate(
                    "controllerrevisions", meta["namespace"], found["metadata"]["name"], renumber
                )
                or found
            )
        return found

    def _revision_template(self, cr: dict[str, Any]) -> dict[str, Any]:
        template = copy.deepcopy(((cr.get("data") or {}).get("spec") or {}).get("template") or {})
        template.pop("$patch", None)
        return template

    def _pod(
        self, owner: dict[str, Any], name: str, template: dict[str, Any], labels: dict[str, str]
    ) -> dict[str, Any]:
        template_meta = template.get("metadata") or {}
        return {
            "metadata": {
                "name": name,
                "namespace": owner["metadata"]["namespace"],
                "labels": {**(template_meta.get("labels") or {}), **labels},
                "annotations": dict(template_meta.get("annotations") or {}),
                "ownerReferences": [self._owner_ref(owner)],
            },
            "spec": copy.deepcopy(template.get("spec") or {}),
            "status": {"phase": "Pending"},
        }

    # -- StatefulSet -----------------------------------------------------------------------
    def _statefulset(self, sts: dict[str, Any]) -> bool:
        meta, spec = sts["metadata"], sts.get("spec") or {}
        namespace, name = meta["namespace"], meta["name"]
        replicas = int(spec.get("replicas", 1))
        update = self._update_revision(sts)
        update_name = update["metadata"]["name"]
        by_name = {cr["metadata"]["name"]: cr for cr in self._revisions(sts)}
        current_name = (sts.get("status") or {}).get("currentRevision") or update_name
        current = by_name.get(current_name, update)
        strategy = spec.get("updateStrategy") or {}
        rolling = strategy.get("type", "RollingUpdate") == "RollingUpdate"
        partition = int((strategy.get("rollingUpdate") or {}).get("partition") or 0)
        parallel = spec.get("podManagementPolicy") == "Parallel"
        pods: dict[int, dict[str, Any]] = {}
        for pod in self.state.list("pods", namespace):
            ordinal = pod["metadata"]["name"].rpartition("-")[2]
            if _owned(pod, sts) and ordinal.isdigit():
                pods[int(ordinal)] = pod
        pending = False
        for ordinal in range(replicas):
            if ordinal in pods:
                continue
            if not parallel and not all(_healthy(pods[i]) for i in range(ordinal) if i in pods):
                break
            revision = current if rolling and ordinal < partition else update
            pod = self._pod(
                sts,
                f"{name}-{ordinal}",
                self._revision_template(revision),
                {
                    REVISION_HASH: revision["metadata"]["name"],
                    POD_NAME_LABEL: f"{name}-{ordinal}",
                    POD_INDEX_LABEL: str(ordinal),
                },
            )
            pod["spec"].update(hostname=f"{name}-{ordinal}", subdomain=spec.get("serviceName", ""))
            pods[ordinal] = self.state.create("pods", pod)
            pending = True
            if not parallel:
                break
        terminating = any(_deleting(pod) for pod in pods.values())
        condemned = sorted((o for o in pods if o >= replicas), reverse=True)
        if condemned and not terminating:
            self.state.delete("pods", namespace, pods[condemned[0]]["metadata"]["name"])
            pending = terminating = True
        all_up = all(o in pods and _healthy(pods[o]) for o in range(replicas))
        if rolling and all_up and not terminating and not condemned:
            stale = [
                o
                for o in range(partition, replicas)
                if pods[o]["metadata"]["labels"].get(REVISION_HASH) != update_name
            ]
            if stale:
                self.state.delete("pods", namespace, pods[max(stale)]["metadata"]["name"])
                pending = True
        live = [pod for pod in pods.values() if not _deleting(pod)]
        ready = sum(1 for pod in live if _ready(pod))
        updated = sum(
            1 for pod in live if pod["metadata"]["labels"].get(REVISION_HASH) == update_name
        )
        current_count = sum(
            1 for pod in live if pod["metadata"]["labels"].get(REVISION_HASH) == current_name
        )
        if rolling and updated == len(live) == replicas and ready == replicas:
            current_name, current_count = update_name, updated
        status = _drop_zeros(
            {
                "observedGeneration": meta.get("generation", 1),
                "replicas": len(live),
                "readyReplicas": ready,
                "currentReplicas": current_count,
                "updatedReplicas": updated,
                "currentRevision": current_name,
                "updateRevision": update_name,
                "collisionCount": 0,
                "availableReplicas": ready,
            },
            "readyReplicas",
            "currentReplicas",
            "updatedReplicas",
            "availableReplicas",
        )
        self._write_status("statefulsets", sts, status)
        return pending or ready < replicas or updated < replicas

    # -- DaemonSet -------------------------------------------------------------------------
    def _nodes_for(self, ds: dict[str, Any]) -> list[str]:
        template_spec = ((ds.get("spec") or {}).get("template") or {}).get("spec") or {}
        wanted = template_spec.get("nodeSelector") or {}
        names = []
        for node in self.state.list("nodes"):
            labels = node["metadata"].get("labels") or {}
            if (node.get("spec") or {}).get("unschedulable"):
                continue
            if not _ready(node):
                continue
            if all(labels.get(k) == v for k, v in wanted.items()):
                names.append(str(node["metadata"]["name"]))
        return names

    def _daemonset(self, ds: dict[str, Any]) -> bool:
        meta, spec = ds["metadata"], ds.get("spec") or {}
        namespace, name = meta["namespace"], meta["name"]
        update = self._update_revision(ds)
        digest = update["metadata"]["labels"][CR_HASH]
        nodes = self._nodes_for(ds)
        pods = [pod for pod in self.state.list("pods", namespace) if _owned(pod, ds)]
        by_node = {pod["spec"].get("nodeName"): pod for pod in pods if not _deleting(pod)}
        pending = False
        for node in nodes:
            if node in by_node:
                continue
            pod = self._pod(
                ds,
                f"{name}-{self.state.name_suffix(name)}",
                self._revision_template(update),
                {REVISION_HASH: digest, "pod-template-generation": str(meta.get("generation", 1))},
            )
            pod["spec"]["nodeName"] = node
            by_node[node] = self.state.create("pods", pod)
            pending = True
        for node, pod in list(by_node.items()):
            if node not in nodes:
                self.state.delete("pods", namespace, pod["metadata"]["name"])
                del by_node[node]
                pending = True
        terminating = any(_deleting(pod) for pod in pods)
        rolling = (spec.get("updateStrategy") or {}).get("type", "RollingUpdate") == "RollingUpdate"
        if rolling and not terminating and all(_ready(pod) for pod in by_node.values()):
            stale = sorted(
                node
                for node, pod in by_node.items()
                if pod["metadata"]["labels"].get(REVISION_HASH) != digest
            )
            if stale:
                self.state.delete("pods", namespace, by_node[stale[0]]["metadata"]["name"])
                pending = True
        ready = sum(1 for pod in by_node.values() if _ready(pod))
        updated = sum(
            1 for pod in by_node.values() if pod["metadata"]["labels"].get(REVISION_HASH) == digest
        )
        status = _drop_zeros(
            {
                "currentNumberScheduled": len(by_node),
                "numberMisscheduled": 0,
                "desiredNumberScheduled": len(nodes),
                "numberReady": ready,
                "observedGeneration": meta.get("generation", 1),
                "updatedNumberScheduled": updated,
                "numberAvailable": ready,
                "numberUnavailable": len(nodes) - ready,
            },
            "updatedNumberScheduled",
            "numberAvailable",
            "numberUnavailable",
        )
        self._write_status("daemonsets", ds, status)
        return pending or ready < len(nodes) or updated < len(nodes)

    # -- Job -------------------------------------------------------------------------------
    def finish_job_pod(self, namespace: str, name: str, succeeded: bool = True) -> None:
        """The pod's containers exit (0, or 1 when not ``succeeded``)."""
        now = self.state.timestamp()

        def finish(pod: dict[str, Any]) -> None:
            code = 0 if succeeded else 1
            status = pod.setdefault("status", {})
            status["phase"] = "Succeeded" if succeeded else "Failed"
            for condition in status.get("conditions") or []:
                if condition.get("type") in ("Ready", "ContainersReady"):
                    condition.update(status="False", reason="PodCompleted")
            status["containerStatuses"] = [
                {
                    **container,
                    "ready": False,
                    "started": False,
                    "state": {
                        "terminated": {
                            "exitCode": code,
                            "reason": "Completed" if succeeded else "Error",
                            "startedAt": now,
                            "finishedAt": now,
                        }
                    },
                }
                for container in status.get("containerStatuses") or []
            ]

        self.state.mutate("pods", namespace, name, finish)

    def _job(self, job: dict[str, Any]) -> bool:
        meta, spec = job["metadata"], job.get("spec") or {}
        namespace, name, uid = meta["namespace"], meta["name"], meta["uid"]
        old = job.get("status") or {}
        conditions = list(old.get("conditions") or [])
        finished = any(
            c.get("type") in ("Complete", "Failed") and c.get("status") == "True"
            for c in conditions
        )
        pods = [pod for pod in self.state.list("pods", namespace) if _owned(pod, job)]
        if self.job_pods == "succeed":
            for pod in pods:
                running = (pod.get("status") or {}).get("phase") == "Running"
                if running and not _deleting(pod) and not finished:
                    self.finish_job_pod(namespace, pod["metadata"]["name"])
                    pod["status"]["phase"] = "Succeeded"
        phases = [(pod.get("status") or {}).get("phase") for pod in pods]
        succeeded, failed = phases.count("Succeeded"), phases.count("Failed")
        active = [
            pod
            for pod, phase in zip(pods, phases, strict=True)
            if phase not in ("Succeeded", "Failed") and not _deleting(pod)
        ]
        completions = int(spec.get("completions") or 1)
        parallelism = int(spec.get("parallelism", 1))
        now = self.state.timestamp()
        status: dict[str, Any] = {
            k: v for k, v in old.items() if k in ("startTime", "completionTime")
        }
        if not finished and succeeded >= completions:
            conditions.append(_job_condition("Complete", "", "", now))
            status["completionTime"] = now
            finished = True
        elif not finished and failed > int(spec.get("backoffLimit", 6)):
            conditions.append(
                _job_condition(
                    "Failed",
                    "BackoffLimitExceeded",
                    "Job has reached the specified backoff limit",
                    now,
                )
            )
            finished = True
        suspended = bool(spec.get("suspend"))
        if finished or suspended:
            for pod in active:
                self.state.delete("pods", namespace, pod["metadata"]["name"])
            active = []
        else:
            status.setdefault("startTime", now)
            for _ in range(min(parallelism, completions - succeeded) - len(active)):
                labels = {
                    "batch.kubernetes.io/controller-uid": uid,
                    "batch.kubernetes.io/job-name": name,
                    "controller-uid": uid,
                    "job-name": name,
                }
                template = spec.get("template") or {}
                pod = self._pod(job, f"{name}-{self.state.name_suffix(name)}", template, labels)
                active.append(self.state.create("pods", pod))
        was_suspended = any(
            c.get("type") == "Suspended" and c.get("status") == "True" for c in conditions
        )
        if suspended != was_suspended and not finished:
            conditions = [c for c in conditions if c.get("type") != "Suspended"]
            conditions.append(
                _job_condition(
                    "Suspended",
                    "JobSuspended" if suspended else "JobResumed",
                    "Job suspended" if suspended else "Job resumed",
                    now,
                    "True" if suspended else "False",
                )
            )
        status.update(
            active=len(active),
            succeeded=succeeded,
            failed=failed,
            ready=sum(1 for pod in active if _ready(pod)),
            uncountedTerminatedPods={},
        )
        if conditions:
            status["conditions"] = conditions
        self._write_status("jobs", job, _drop_zeros(status, "active", "succeeded", "failed"))
        return not finished and not suspended

    # -- CronJob ---------------------------------------------------------------------------
    def run_cronjob(self, namespace: str, name: str) -> dict[str, Any]:
        """The Job the CronJob's schedule would start now (its name from the minute)."""
        with self.state.lock:
            cronjob = self.state.get("cronjobs", namespace, name)
            if cronjob is None:
                raise KeyError(f"no cronjob {namespace}/{name}")
            template = (cronjob.get("spec") or {}).get("jobTemplate") or {}
            template_meta = template.get("metadata") or {}
            minute = int(self.state.clock() // 60)
            now = self.state.timestamp()
            job = self.state.create(
                "jobs",
                {
                    "metadata": {
                        "name": f"{name}-{minute}",
                        "namespace": namespace,
                        "labels": dict(template_meta.get("labels") or {}),
                        "annotations": {
                            **(template_meta.get("annotations") or {}),
                            SCHEDULED_AT: now,
                        },
                        "ownerReferences": [self._owner_ref(cronjob)],
                    },
                    "spec": copy.deepcopy(template.get("spec") or {}),
                },
            )
            reference = {
                "apiVersion": "batch/v1",
                "kind": "Job",
                "name": job["metadata"]["name"],
                "namespace": namespace,
                "uid": job["metadata"]["uid"],
                "resourceVersion": job["metadata"]["resourceVersion"],
            }

            def scheduled(obj: dict[str, Any]) -> None:
                status = obj.setdefault("status", {})
                status["lastScheduleTime"] = now
                status["active"] = [*(status.get("active") or []), reference]

            self.state.mutate("cronjobs", namespace, name, scheduled)
            return job

    def _cronjob(self, cronjob: dict[str, Any]) -> None:
        """Jobs it started leave ``active`` when they finish; the newest success is noted."""
        status = cronjob.get("status") or {}
        active = status.get("active") or []
        if not active:
            return
        namespace = cronjob["metadata"]["namespace"]
        still_active, last_success = [], status.get("lastSuccessfulTime")
        for reference in active:
            job = self.state.get("jobs", namespace, reference.get("name", ""))
            if job is None:
                continue
            done = {
                c.get("type")
                for c in (job.get("status") or {}).get("conditions") or []
                if c.get("status") == "True"
            }
            if "Complete" in done:
                last_success = (job.get("status") or {}).get("completionTime") or last_success
            elif "Failed" not in done:
                still_active.append(reference)
        fresh = {k: v for k, v in status.items() if k not in ("active", "lastSuccessfulTime")}
        if still_active:
            fresh["active"] = still_active
        if last_success:
            fresh["lastSuccessfulTime"] = last_success
        self._write_status("cronjobs", cronjob, fresh)


def _job_condition(
    kind: str, reason: str, message: str, now: str, status: str = "True"
) -> dict[str, str]:
    condition = {"type": kind, "status": status, "lastProbeTime": now, "lastTransitionTime": now}
    if reason:
        condition.update(reason=reason, message=message)
    return condition
