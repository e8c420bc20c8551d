"""Why a workload is failing, in words: raw API objects in, findings out.

Pure and headless. Each rule reads the raw JSON the API server returns (and Secrets by name and
key only: values are never read) and says, per object, the cause in one line, the evidence it
read (a field or an event) and the next step, usually a key in gok-tui. ``diagnose()`` runs every
rule over a ``Snapshot`` and returns findings worst first.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from .metrics import PodUsage, oom_risks
from .text import clean
from .timefmt import parse_timestamp

Severity = Literal["error", "warning", "info"]
SEVERITY_ORDER: Mapping[str, int] = {"error": 0, "warning": 1, "info": 2}

# (apiVersion, kind) -> (replacement apiVersion, Kubernetes release that removed it)
REMOVED_APIS: Mapping[tuple[str, str], tuple[str, str]] = {
    ("extensions/v1beta1", "Ingress"): ("networking.k8s.io/v1", "1.22"),
    ("networking.k8s.io/v1beta1", "Ingress"): ("networking.k8s.io/v1", "1.22"),
    ("networking.k8s.io/v1beta1", "IngressClass"): ("networking.k8s.io/v1", "1.22"),
    ("extensions/v1beta1", "Deployment"): ("apps/v1", "1.16"),
    ("apps/v1beta1", "Deployment"): ("apps/v1", "1.16"),
    ("apps/v1beta2", "Deployment"): ("apps/v1", "1.16"),
    ("extensions/v1beta1", "DaemonSet"): ("apps/v1", "1.16"),
    ("apps/v1beta2", "DaemonSet"): ("apps/v1", "1.16"),
    ("extensions/v1beta1", "ReplicaSet"): ("apps/v1", "1.16"),
    ("apps/v1beta1", "StatefulSet"): ("apps/v1", "1.16"),
    ("apps/v1beta2", "StatefulSet"): ("apps/v1", "1.16"),
    ("extensions/v1beta1", "NetworkPolicy"): ("networking.k8s.io/v1", "1.16"),
    ("extensions/v1beta1", "PodSecurityPolicy"): ("(none: use Pod Security Admission)", "1.25"),
    ("policy/v1beta1", "PodSecurityPolicy"): ("(none: use Pod Security Admission)", "1.25"),
    ("policy/v1beta1", "PodDisruptionBudget"): ("policy/v1", "1.25"),
    ("batch/v1beta1", "CronJob"): ("batch/v1", "1.25"),
    ("autoscaling/v2beta1", "HorizontalPodAutoscaler"): ("autoscaling/v2", "1.25"),
    ("autoscaling/v2beta2", "HorizontalPodAutoscaler"): ("autoscaling/v2", "1.26"),
    ("rbac.authorization.k8s.io/v1beta1", "Role"): ("rbac.authorization.k8s.io/v1", "1.22"),
    ("rbac.authorization.k8s.io/v1beta1", "ClusterRole"): ("rbac.authorization.k8s.io/v1", "1.22"),
    ("rbac.authorization.k8s.io/v1beta1", "RoleBinding"): ("rbac.authorization.k8s.io/v1", "1.22"),
    ("rbac.authorization.k8s.io/v1beta1", "ClusterRoleBinding"): (
        "rbac.authorization.k8s.io/v1",
        "1.22",
    ),
    ("apiextensions.k8s.io/v1beta1", "CustomResourceDefinition"): (
        "apiextensions.k8s.io/v1",
        "1.22",
    ),
    ("admissionregistration.k8s.io/v1beta1", "MutatingWebhookConfiguration"): (
        "admissionregistration.k8s.io/v1",
        "1.22",
    ),
    ("admissionregistration.k8s.io/v1beta1", "ValidatingWebhookConfiguration"): (
        "admissionregistration.k8s.io/v1",
        "1.22",
    ),
    ("storage.k8s.io/v1beta1", "CSIStorageCapacity"): ("storage.k8s.io/v1", "1.27"),
}


@dataclass(frozen=True, order=True)
class Finding:
    severity: Severity
    kind: str  # plural resource name: pods, deployments, services, ingresses, manifests
    namespace: str
    name: str
    rule: str
    cause: str  # one line a person reads first
    evidence: str  # what the rule read: a field or an event
    next_step: str  # what to do, often a gok-tui key

    @property
    def key(self) -> str:
        return f"{self.namespace}/{self.name}" if self.namespace else self.name

    def line(self) -> str:
        return f"{self.cause} ({self.evidence}) -> {self.next_step}"


@dataclass(frozen=True)
class Snapshot:
    """What the rules read. Secrets carry names and data keys only."""

    pods: Sequence[Mapping[str, Any]] = ()
    deployments: Sequence[Mapping[str, Any]] = ()
    replicasets: Sequence[Mapping[str, Any]] = ()
    services: Sequence[Mapping[str, Any]] = ()
    endpoints: Sequence[Mapping[str, Any]] = ()
    ingresses: Sequence[Mapping[str, Any]] = ()
    events: Sequence[Mapping[str, Any]] = ()
    configmaps: Sequence[Mapping[str, Any]] = ()
    secrets: Sequence[Mapping[str, Any]] = ()
    pvcs: Sequence[Mapping[str, Any]] = ()
    # the previous container's last log lines, by (namespace, pod, container)
    previous_logs: Mapping[tuple[str, str, str], Sequence[str]] = field(default_factory=dict)
    production: bool = False  # the context matches a production pattern
    local_cluster: str | None = None  # "kind", "minikube", "k3d" when the context is one
    # answers "is this image's tag in its registry?": True, False, or None when unknown
    tag_exists: Callable[[str], bool | None] | None = None
    now: float | None = None
    # what metrics.k8s.io says each pod's containers use: "namespace/name" -> container -> usage
    pod_usage: Mapping[str, PodUsage] = field(default_factory=dict)


def _meta(obj: Mapping[str, Any]) -> Mapping[str, Any]:
    return obj.get("metadata") or {}


def _ns(obj: Mapping[str, Any]) -> str:
    return str(_meta(obj).get("namespace") or "")


def _name(obj: Mapping[str, Any]) -> str:
    return str(_meta(obj).get("name") or "")


def _finding(
    severity: Severity,
    kind: str,
    obj: Mapping[str, Any],
    rule: str,
    cause: str,
    evidence: str,
    next_step: str,
) -> Finding:
    return Finding(
        severity,
        kind,
        _ns(obj),
        _name(obj),
        rule,
        clean(cause, 300),
        clean(evidence, 300),
        clean(next_step, 200),
    )


def _events_for(snapshot: Snapshot, kind: str, obj: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    uid, name, ns = _meta(obj).get("uid"), _name(obj), _ns(obj)
    found = []
    for event in snapshot.events:
        involved = event.get("involvedObject") or event.get("regarding") or {}
        if involved.get("kind") != kind:
            continue
        if uid and involved.get("uid") and involved.get("uid") != uid:
            continue
        if involved.get("name") == name and (involved.get("namespace") or "") == ns:
            found.append(event)
    return sorted(found, key=_event_time)


def _event_time(event: Mapping[str, Any]) -> float:
    for key in ("lastTimestamp", "eventTime", "firstTimestamp"):
        stamp = parse_timestamp(event.get(key) or (_meta(event).get("creationTimestamp") or ""))
        if stamp is not None:
            return stamp
    return 0.0


def _event_message(event: Mapping[str, Any]) -> str:
    return str(event.get("message") or event.get("note") or "")


# -- pods ------------------------------------------------------------------------------------


def _pod_spec_containers(pod: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    spec = pod.get("spec") or {}
    return list(spec.get("initContainers") or []) + list(spec.get("containers") or [])


def _container_spec(pod: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    for container in _pod_spec_containers(pod):
        if container.get("name") == name:
            return container
    return {}


def _container_statuses(pod: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    status = pod.get("status") or {}
    return list(status.get("initContainerStatuses") or []) + list(
        status.get("containerStatuses") or []
    )


def _image_registry(image: str) -> str | None:
    first = image.split("/", 1)[0]
    if "/" in image and ("." in first or ":" in first or first == "localhost"):
        return first
    return None


def _pull_cause(message: str, image: str, snapshot: Snapshot) -> tuple[str, str]:
    text = message.lower()
    if snapshot.tag_exists is not None:
        exists = snapshot.tag_exists(image)
        if exists is False:
            return (
                f"image {image} does not exist: its registry has no such tag",
                "push the image, or fix the tag (5 images, then rollout)",
            )
    not_there = any(w in text for w in ("not found", "pull access denied", "does not exist"))
    if snapshot.local_cluster and _image_registry(image) in (None, "docker.io") and not_there:
        return (
            f"image {image} is not loaded into the {snapshot.local_cluster} cluster",
            'load it (delivery = "load" in gok.toml), then restart (r)',
        )
    if any(w in text for w in ("unauthorized", "authentication required", "403 forbidden")):
        return (
            f"the registry refused to hand out {image}: not authorised",
            "add an imagePullSecret for the registry to the pod's service account",
        )
    if "manifest unknown" in text or ("not found" in text and "manifest" in text):
        return (
            f"tag of {image} not found in the registry",
            "push that tag, or roll out one that exists (5 images)",
        )
    if "pull access denied" in text or "repository does not exist" in text:
        return (
            f"repository of {image} does not exist or is private",
            "check the repository name in the image; if private, add an imagePullSecret",
        )
    if "no such host" in text or "i/o timeout" in text or "connection refused" in text:
        return (
            f"the registry of {image} cannot be reached from the node",
            "check the registry host and the node's network",
        )
    return (f"image {image} cannot be pulled", "read the pod's events (d)")


_MISSING_REF = re.compile(r'(configmap|secret) "(?P<name>[^"]+)" not found', re.IGNORECASE)
_MISSING_KEY = re.compile(
    r"couldn't find key (?P<key>\S+) in (?P<kind>ConfigMap|Secret) (?P<ref>\S+)", re.IGNORECASE
)


def _missing_config_refs(pod: Mapping[str, Any], snapshot: Snapshot) -> list[str]:
    """References from the pod's containers to ConfigMaps/Secrets (or keys) that do not exist."""
    ns = _ns(pod)
    configmaps = {
        _name(c): set((c.get("data") or {}) | (c.get("binaryData") or {}))
        for c in (c for c in snapshot.configmaps if _ns(c) == ns)
    }
    secrets = {_name(s): set(s.get("data") or {}) for s in snapshot.secrets if _ns(s) == ns}
    missing: list[str] = []

    def check(kind: str, ref: Mapping[str, Any], key: str | None) -> None:
        if ref.get("optional"):
            return
        name = str(ref.get("name") or "")
        table = configmaps if kind == "ConfigMap" else secrets
        if name not in table:
            missing.append(f'{kind} "{name}" does not exist')
        elif key is not None and key not in table[name]:
            missing.append(f'{kind} "{name}" has no key "{key}"')

    for container in _pod_spec_containers(pod):
        for env in container.get("env") or []:
            source = env.get("valueFrom") or {}
            if "configMapKeyRef" in source:
                ref = source["configMapKeyRef"]
                check("ConfigMap", ref, str(ref.get("key")))
            if "secretKeyRef" in source:
                ref = source["secretKeyRef"]
                check("Secret", ref, str(ref.get("key")))
        for env_from in container.get("envFrom") or []:
            if "configMapRef" in env_from:
                check("ConfigMap", env_from["configMapRef"], None)
            if "secretRef" in env_from:
                check("Secret", env_from["secretRef"], None)
    return list(dict.fromkeys(missing))


def _probe_port_problems(pod: Mapping[str, Any]) -> list[str]:
    problems = []
    for container in (pod.get("spec") or {}).get("containers") or []:
        ports = container.get("ports") or []
        names = {p.get("name") for p in ports if p.get("name")}
        numbers = {p.get("containerPort") for p in ports}
        for probe_name in ("readinessProbe", "livenessProbe", "startupProbe"):
            probe = container.get(probe_name) or {}
            action = probe.get("httpGet") or probe.get("tcpSocket") or probe.get("grpc")
            if not action or "port" not in action:
                continue
            port = action["port"]
            if isinstance(port, str) and not port.isdigit() and port not in names:
                problems.append(
                    f"{container.get('name')}: {probe_name} uses port name {port!r}, "
                    "which the container does not declare"
                )
            elif isinstance(port, int) and ports and port not in numbers:
                problems.append(
                    f"{container.get('name')}: {probe_name} probes port {port}, "
                    f"the container declares {sorted(n for n in numbers if n)}"
                )
    return problems


def _pod_findings(pod: Mapping[str, Any], snapshot: Snapshot) -> list[Finding]:
    findings: list[Finding] = []
    phase = (pod.get("status") or {}).get("phase")
    if _meta(pod).get("deletionTimestamp") or phase in ("Succeeded",):
        return findings
    if snapshot.pod_usage:
        for risk in oom_risks(pod, snapshot.pod_usage.get(f"{_ns(pod)}/{_name(pod)}")):
            findings.append(
                _finding(
                    "warning",
                    "pods",
                    pod,
                    "oom-risk",
                    risk.sentence(),
                    f"{risk.container}: metrics.k8s.io usage against resources.limits.memory",
                    "raise the container's memory limit, or find what grows (l: logs)",
                )
            )
    for status in _container_statuses(pod):
        name = str(status.get("name") or "")
        waiting = (status.get("state") or {}).get("waiting") or {}
        terminated_now = (status.get("state") or {}).get("terminated") or {}
        last = (status.get("lastState") or {}).get("terminated") or {}
        reason = str(waiting.get("reason") or "")
        message = str(waiting.get("message") or "")
        image = str(status.get("image") or _container_spec(pod, name).get("image") or "")
        if reason in ("ImagePullBackOff", "ErrImagePull", "InvalidImageName", "ErrImageNeverPull"):
            if reason == "InvalidImageName":
                cause, step = f"image name {image!r} is not valid", "fix the image reference"
            elif reason == "ErrImageNeverPull":
                cause = f"image {image} is not on the node and imagePullPolicy is Never"
                step = "load the image into the cluster, or change imagePullPolicy"
            else:
                cause, step = _pull_cause(message, image, snapshot)
            findings.append(
                _finding(
                    "error",
                    "pods",
                    pod,
                    "image-pull",
                    cause,
                    f"{name}: {reason}{': ' + message if message else ''}",
                    step,
                )
            )
        elif last.get("reason") != "OOMKilled" and (  # the OOM rule below says it better
            reason == "CrashLoopBackOff"
            or (
                reason == ""
                and last
                and not status.get("ready")
                and int(status.get("restartCount") or 0) > 2
            )
        ):
            code = last.get("exitCode")
            why = last.get("reason") or "Error"
            lines = list(snapshot.previous_logs.get((_ns(pod), _name(pod), name), ()))[-3:]
            tail = " | ".join(line.strip() for line in lines if line.strip())
            evidence = (
                f"{name}: restarted {status.get('restartCount', 0)} times, last exit code "
                f"{code} ({why})" + (f"; last log: {tail}" if tail else "")
            )
            findings.append(
                _finding(
                    "error",
                    "pods",
                    pod,
                    "crash-loop",
                    f"container {name} keeps crashing (exit code {code}, {why})",
                    evidence,
                    "read the previous container's log (l, then p)",
                )
            )
        elif reason in ("CreateContainerConfigError", "CreateContainerError"):
            missing = _missing_config_refs(pod, snapshot)
            ref = _MISSING_REF.search(message) or None
            key = _MISSING_KEY.search(message) or None
            if key:
                cause = f"{key['kind']} {key['ref']} has no key {key['key']!r}"
            elif ref:
                cause = f"{ref.group(1).capitalize()} {ref['name']!r} does not exist"
            elif missing:
                cause = missing[0]
            else:
                cause = f"container {name} cannot be created"
            findings.append(
                _finding(
                    "error",
                    "pods",
                    pod,
                    "config-missing",
                    cause,
                    f"{name}: {reason}: {message}" if message else f"{name}: {reason}",
                    "create it (or its key) in this namespace, then restart the pods (r)",
                )
            )
        oom = (
            last
            if last.get("reason") == "OOMKilled"
            else (terminated_now if terminated_now.get("reason") == "OOMKilled" else {})
        )
        if oom:
            limit = ((_container_spec(pod, name).get("resources") or {}).get("limits") or {}).get(
                "memory"
            )
            findings.append(
                _finding(
                    "error",
                    "pods",
                    pod,
                    "oom-killed",
                    f"container {name} ran out of memory"
                    + (f" (limit {limit})" if limit else " (no memory limit: the node ran out)"),
                    f"{name}: terminated OOMKilled, exit code {oom.get('exitCode')}",
                    "raise resources.limits.memory, or find the leak",
                )
            )
    if phase == "Pending" and not (pod.get("spec") or {}).get("nodeName"):
        findings.extend(_pending_findings(pod, snapshot))
    for event in _events_for(snapshot, "Pod", pod)[-20:]:
        if event.get("reason") == "Unhealthy":
            text = _event_message(event)
            which = (
                "liveness"
                if text.lower().startswith("liveness")
                else ("startup" if text.lower().startswith("startup") else "readiness")
            )
            findings.append(
                _finding(
                    "warning",
                    "pods",
                    pod,
                    f"probe-{which}",
                    f"{which} probe failing",
                    f"event Unhealthy x{event.get('count') or 1}: {text}",
                    "check the probe's path and port, and the app's log (l)",
                )
            )
            break
    for problem in _probe_port_problems(pod):
        findings.append(
            _finding(
                "warning",
                "pods",
                pod,
                "probe-port",
                "probe port not exposed",
                problem,
                "point the probe at a declared container port",
            )
        )
    return findings


def _pending_findings(pod: Mapping[str, Any], snapshot: Snapshot) -> list[Finding]:
    ns = _ns(pod)
    pvcs = {_name(p): p for p in snapshot.pvcs if _ns(p) == ns}
    for volume in (pod.get("spec") or {}).get("volumes") or []:
        claim = (volume.get("persistentVolumeClaim") or {}).get("claimName")
        if not claim:
            continue
        pvc = pvcs.get(claim)
        if pvc is None:
            return [
                _finding(
                    "error",
                    "pods",
                    pod,
                    "pvc-missing",
                    f"PersistentVolumeClaim {claim!r} does not exist",
                    f"volume {volume.get('name')} claims it",
                    "create the claim, or fix claimName",
                )
            ]
        if (pvc.get("status") or {}).get("phase") != "Bound":
            return [
                _finding(
                    "error",
                    "pods",
                    pod,
                    "pvc-unbound",
                    f"PersistentVolumeClaim {claim!r} is not bound",
                    f"claim phase {(pvc.get('status') or {}).get('phase') or 'Pending'}",
                    "check its storageClassName and that a provisioner runs",
                )
            ]
    message = ""
    for condition in (pod.get("status") or {}).get("conditions") or []:
        if condition.get("type") == "PodScheduled" and condition.get("status") == "False":
            message = str(condition.get("message") or condition.get("reason") or "")
    events = [e for e in _events_for(snapshot, "Pod", pod) if e.get("reason") == "FailedScheduling"]
    if events:
        message = _event_message(events[-1]) or message
    if not message:
        return []
    lower = message.lower()
    if "no nodes available" in lower or lower.startswith("0/0 nodes"):
        cause = "no nodes to run on: the cluster has no schedulable nodes"
        step = "add nodes, or uncordon one"
    elif "insufficient" in lower:
        resources = sorted(set(re.findall(r"insufficient (\S+?)[,.]?(?:\s|$)", lower)))
        cause = f"no node has enough {' and '.join(resources) or 'resources'} for its requests"
        step = "lower resources.requests, or add capacity"
    elif "taint" in lower:
        cause = "every node has a taint the pod does not tolerate"
        step = "add a toleration, or schedule elsewhere"
    elif "affinity" in lower or "selector" in lower:
        cause = "no node matches the pod's node selector or affinity"
        step = "fix nodeSelector/affinity, or label a node"
    elif "persistentvolumeclaim" in lower:
        cause = "a PersistentVolumeClaim is not bound"
        step = "check the claim and its storage class"
    else:
        cause = "the pod cannot be scheduled"
        step = "read the scheduler's message (d)"
    return [_finding("error", "pods", pod, "unschedulable", cause, f"scheduler: {message}", step)]


# -- deployments -----------------------------------------------------------------------------


def _condition(obj: Mapping[str, Any], kind: str) -> Mapping[str, Any]:
    for condition in (obj.get("status") or {}).get("conditions") or []:
        if condition.get("type") == kind:
            return condition
    return {}


def _deployment_findings(deployment: Mapping[str, Any], snapshot: Snapshot) -> list[Finding]:
    findings: list[Finding] = []
    spec, status = deployment.get("spec") or {}, deployment.get("status") or {}
    progressing = _condition(deployment, "Progressing")
    if progressing.get("reason") == "ProgressDeadlineExceeded":
        findings.append(
            _finding(
                "error",
                "deployments",
                deployment,
                "progress-deadline",
                f"rollout did not finish within {spec.get('progressDeadlineSeconds', 600)} s",
                f"Progressing=False ProgressDeadlineExceeded: {progressing.get('message', '')}",
                "look at the new pods (enter) or undo to the previous revision (u)",
            )
        )
    elif not spec.get("paused"):
        desired = int(spec.get("replicas", 1) if spec.get("replicas") is not None else 1)
        updated = int(status.get("updatedReplicas") or 0)
        unavailable = int(status.get("unavailableReplicas") or 0)
        observed = status.get("observedGeneration", 0) >= _meta(deployment).get("generation", 0)
        if observed and desired and unavailable and updated < desired:
            findings.append(
                _finding(
                    "warning",
                    "deployments",
                    deployment,
                    "rollout-stuck",
                    f"rollout in progress: {updated}/{desired} updated, {unavailable} unavailable",
                    "status.updatedReplicas < spec.replicas with unavailable replicas",
                    "follow it (enter); if the new pods fail, undo (u)",
                )
            )
    template = (spec.get("template") or {}).get("spec") or {}
    for container in template.get("containers") or []:
        findings.extend(_hygiene(deployment, template, container, snapshot))
    return findings


def _hygiene(
    deployment: Mapping[str, Any],
    pod_spec: Mapping[str, Any],
    container: Mapping[str, Any],
    snapshot: Snapshot,
) -> list[Finding]:
    found: list[Finding] = []
    name = container.get("name")
    resources = container.get("resources") or {}
    if not resources.get("requests") and not resources.get("limits"):
        found.append(
            _finding(
                "info",
                "deployments",
                deployment,
                "no-resources",
                f"container {name} has no resource requests or limits",
                "resources: {}",
                "set requests (scheduling) and a memory limit",
            )
        )
    pod_sc = pod_spec.get("securityContext") or {}
    sc = container.get("securityContext") or {}
    run_as_user = sc.get("runAsUser", pod_sc.get("runAsUser"))
    non_root = sc.get("runAsNonRoot", pod_sc.get("runAsNonRoot"))
    if run_as_user == 0 or (not non_root and run_as_user is None):
        found.append(
            _finding(
                "info",
                "deployments",
                deployment,
                "runs-as-root",
                f"container {name} may run as root",
                "runAsUser 0" if run_as_user == 0 else "no runAsNonRoot/runAsUser",
                "set securityContext.runAsNonRoot: true",
            )
        )
    if sc.get("privileged") or sc.get("allowPrivilegeEscalation", True) is not False:
        found.append(
            _finding(
                "info",
                "deployments",
                deployment,
                "privilege-escalation",
                f"container {name} allows privilege escalation",
                "privileged" if sc.get("privileged") else "allowPrivilegeEscalation not false",
                "set securityContext.allowPrivilegeEscalation: false",
            )
        )
    image = str(container.get("image") or "")
    moving = image.endswith(":latest") or ":" not in image.rsplit("/", 1)[-1]
    if snapshot.production and moving and "@sha256:" not in image:
        found.append(
            _finding(
                "warning",
                "deployments",
                deployment,
                "latest-tag",
                f"container {name} runs a moving tag ({image}) in a production context",
                f"image {image}",
                "pin a version tag or a digest",
            )
        )
    return found


# -- services and ingresses ------------------------------------------------------------------


def _matches(selector: Mapping[str, str], labels: Mapping[str, str]) -> bool:
    return all(labels.get(k) == v for k, v in selector.items())


def _service_findings(service: Mapping[str, Any], snapshot: Snapshot) -> list[Finding]:
    spec = service.get("spec") or {}
    selector = spec.get("selector") or {}
    if not selector or spec.get("type") == "ExternalName":
        return []
    ns = _ns(service)
    pods = [
        p
        for p in snapshot.pods
        if _ns(p) == ns
        and _matches(selector, _meta(p).get("labels") or {})
        and not _meta(p).get("deletionTimestamp")
    ]
    selector_text = ",".join(f"{k}={v}" for k, v in sorted(selector.items()))
    if not pods:
        return [
            _finding(
                "error",
                "services",
                service,
                "selector-matches-nothing",
                f"Service {_name(service)} selects no pods",
                f"selector {selector_text}",
                "fix the selector or the pods' labels (d on the Service)",
            )
        ]
    findings = []
    for port in spec.get("ports") or []:
        target = port.get("targetPort", port.get("port"))
        matched = False
        for pod in pods:
            for container in (pod.get("spec") or {}).get("containers") or []:
                for cport in container.get("ports") or []:
                    by_name = isinstance(target, str) and cport.get("name") == target
                    if by_name or str(cport.get("containerPort")) == str(target):
                        matched = True
        declares_ports = any(
            c.get("ports") for p in pods for c in (p.get("spec") or {}).get("containers") or []
        )
        named = isinstance(target, str) and not target.isdigit()
        if not matched and (named or declares_ports):
            findings.append(
                _finding(
                    "error",
                    "services",
                    service,
                    "target-port",
                    f"Service port {port.get('name') or port.get('port')} targets "
                    f"{target!r}, which no selected container exposes",
                    f"targetPort {target}; selector {selector_text}",
                    "fix targetPort or the container's ports",
                )
            )
    return findings


def _ready_endpoint_count(endpoints: Mapping[str, Any] | None) -> int:
    if not endpoints:
        return 0
    return sum(len(subset.get("addresses") or []) for subset in endpoints.get("subsets") or [])


def _ingress_findings(ingress: Mapping[str, Any], snapshot: Snapshot) -> list[Finding]:
    ns = _ns(ingress)
    services = {_name(s): s for s in snapshot.services if _ns(s) == ns}
    endpoints = {_name(e): e for e in snapshot.endpoints if _ns(e) == ns}
    spec = ingress.get("spec") or {}
    backends: list[str] = []
    default = ((spec.get("defaultBackend") or {}).get("service") or {}).get("name")
    if default:
        backends.append(default)
    for rule in spec.get("rules") or []:
        for path in (rule.get("http") or {}).get("paths") or []:
            name = ((path.get("backend") or {}).get("service") or {}).get("name")
            if name:
                backends.append(name)
    findings = []
    for name in dict.fromkeys(backends):
        if name not in services:
            findings.append(
                _finding(
                    "error",
                    "ingresses",
                    ingress,
                    "backend-missing",
                    f"backend Service {name!r} does not exist",
                    f"Ingress {_name(ingress)} routes to it",
                    "create the Service or fix the backend name",
                )
            )
        elif name in endpoints and _ready_endpoint_count(endpoints.get(name)) == 0:
            findings.append(
                _finding(
                    "error",
                    "ingresses",
                    ingress,
                    "backend-no-endpoints",
                    f"backend Service {name!r} has no ready endpoints: requests fail (503)",
                    f"Endpoints {name}: 0 ready addresses",
                    "look at the Service's pods (enter on the route)",
                )
            )
    return findings


# -- manifests -------------------------------------------------------------------------------


def manifest_findings(documents: Iterable[Mapping[str, Any]], source: str) -> list[Finding]:
    """Removed API versions in the project's manifest files, with the replacement."""
    findings = []
    for doc in documents:
        if not isinstance(doc, Mapping):
            continue
        key = (str(doc.get("apiVersion") or ""), str(doc.get("kind") or ""))
        if key in REMOVED_APIS:
            replacement, release = REMOVED_APIS[key]
            findings.append(
                Finding(
                    "error",
                    "manifests",
                    "",
                    f"{source}: {key[1]}/{_name(doc)}",
                    "removed-api",
                    clean(f"{key[1]} {key[0]} was removed in Kubernetes {release}", 300),
                    clean(f"apiVersion: {key[0]} in {source}", 300),
                    clean(f"use apiVersion: {replacement}", 200),
                )
            )
    return findings


# -- everything ------------------------------------------------------------------------------


def diagnose(snapshot: Snapshot) -> list[Finding]:
    findings: list[Finding] = []
    for pod in snapshot.pods:
        findings.extend(_pod_findings(pod, snapshot))
    for deployment in snapshot.deployments:
        findings.extend(_deployment_findings(deployment, snapshot))
    for service in snapshot.services:
        findings.extend(_service_findings(service, snapshot))
    for ingress in snapshot.ingresses:
        findings.extend(_ingress_findings(ingress, snapshot))
    return sorted(
        dict.fromkeys(findings),
        key=lambda f: (SEVERITY_ORDER[f.severity], f.kind, f.namespace, f.name, f.rule),
    )


def why(findings: Iterable[Finding], kind: str, key: str) -> Finding | None:
    """The worst finding about one object: what a status/why column shows."""
    for finding in findings:
        if finding.kind == kind and finding.key == key and finding.severity != "info":
            return finding
    return None
