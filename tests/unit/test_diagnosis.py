"""Each diagnosis rule on API-shaped objects: the sentence, the evidence and the next step."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from gok_tui.domain.diagnosis import Finding, Snapshot, diagnose, manifest_findings, why


def pod(
    name: str = "web-1",
    *,
    phase: str = "Running",
    waiting: dict[str, Any] | None = None,
    last: dict[str, Any] | None = None,
    restarts: int = 0,
    container: dict[str, Any] | None = None,
    labels: dict[str, str] | None = None,
    conditions: list[dict[str, Any]] | None = None,
    node: str | None = "node-1",
    volumes: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    spec_container = {"name": "web", "image": "shop/web:1.2", **(container or {})}
    status_container: dict[str, Any] = {
        "name": "web",
        "image": spec_container["image"],
        "ready": waiting is None and last is None,
        "restartCount": restarts,
        "state": {"waiting": waiting} if waiting else {"running": {}},
    }
    if last:
        status_container["lastState"] = {"terminated": last}
    spec: dict[str, Any] = {"containers": [spec_container]}
    if node:
        spec["nodeName"] = node
    if volumes:
        spec["volumes"] = volumes
    return {
        "metadata": {
            "name": name,
            "namespace": "shop",
            "uid": f"uid-{name}",
            "labels": labels or {"app": "web"},
        },
        "spec": spec,
        "status": {
            "phase": phase,
            "conditions": conditions or [],
            "containerStatuses": [status_container],
        },
    }


def event(obj: dict[str, Any], reason: str, message: str, count: int = 1) -> dict[str, Any]:
    return {
        "metadata": {"name": f"{obj['metadata']['name']}.1", "namespace": "shop"},
        "involvedObject": {
            "kind": "Pod",
            "name": obj["metadata"]["name"],
            "namespace": "shop",
            "uid": obj["metadata"]["uid"],
        },
        "reason": reason,
        "message": message,
        "count": count,
        "lastTimestamp": "2026-11-22T10:00:00Z",
    }


def only(findings: list[Finding], rule: str) -> Finding:
    matching = [f for f in findings if f.rule == rule]
    assert len(matching) == 1, findings
    return matching[0]


PULL_BACKOFF = "ImagePullBackOff"


@pytest.mark.parametrize(
    ("message", "cause"),
    [
        (
            'rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/shop/'
            'web:1.2": failed to resolve reference: docker.io/shop/web:1.2: not found',
            "image shop/web:1.2 cannot be pulled",
        ),
        (
            "Failed to pull image: manifest unknown: manifest unknown",
            "tag of shop/web:1.2 not found in the registry",
        ),
        (
            "failed to authorize: failed to fetch oauth token: 401 Unauthorized",
            "the registry refused to hand out shop/web:1.2: not authorised",
        ),
        (
            "pull access denied for shop/web, repository does not exist or may require "
            "'docker login'",
            "repository of shop/web:1.2 does not exist or is private",
        ),
        (
            "dial tcp: lookup registry.example.com: no such host",
            "the registry of shop/web:1.2 cannot be reached from the node",
        ),
    ],
)
def test_image_pull_causes(message: str, cause: str) -> None:
    findings = diagnose(Snapshot(pods=[pod(waiting={"reason": PULL_BACKOFF, "message": message})]))
    finding = only(findings, "image-pull")
    assert finding.severity == "error" and finding.cause == cause
    assert finding.evidence.startswith("web: ImagePullBackOff: ")


def test_image_pull_asks_the_registry_when_it_can() -> None:
    asked: list[str] = []

    def tag_exists(image: str) -> bool | None:
        asked.append(image)
        return False

    snapshot = Snapshot(
        pods=[pod(waiting={"reason": "ErrImagePull", "message": "not found"})],
        tag_exists=tag_exists,
    )
    finding = only(diagnose(snapshot), "image-pull")
    assert asked == ["shop/web:1.2"]
    assert finding.cause == "image shop/web:1.2 does not exist: its registry has no such tag"


def test_image_not_loaded_into_a_local_cluster() -> None:
    snapshot = Snapshot(
        pods=[pod(waiting={"reason": PULL_BACKOFF, "message": "pull access denied"})],
        local_cluster="kind",
    )
    finding = only(diagnose(snapshot), "image-pull")
    assert finding.cause == "image shop/web:1.2 is not loaded into the kind cluster"
    assert "load" in finding.next_step


def test_crash_loop_with_exit_code_and_previous_log() -> None:
    crashing = pod(
        waiting={"reason": "CrashLoopBackOff", "message": "back-off 40s restarting"},
        last={"exitCode": 1, "reason": "Error"},
        restarts=4,
    )
    snapshot = Snapshot(
        pods=[crashing],
        previous_logs={
            ("shop", "web-1", "web"): ["starting", "", "panic: DATABASE_URL is not set"]
        },
    )
    finding = only(diagnose(snapshot), "crash-loop")
    assert finding.cause == "container web keeps crashing (exit code 1, Error)"
    assert finding.evidence == (
        "web: restarted 4 times, last exit code 1 (Error); "
        "last log: starting | panic: DATABASE_URL is not set"
    )
    assert "(l, then p)" in finding.next_step


def test_oom_killed_names_the_limit_and_is_not_also_a_crash_loop() -> None:
    oom = pod(
        waiting={"reason": "CrashLoopBackOff"},
        last={"exitCode": 137, "reason": "OOMKilled"},
        restarts=3,
        container={"resources": {"limits": {"memory": "64Mi"}}},
    )
    findings = diagnose(Snapshot(pods=[oom]))
    assert only(findings, "oom-killed").cause == "container web ran out of memory (limit 64Mi)"
    assert not [f for f in findings if f.rule == "crash-loop"]


def test_missing_configmap_from_the_kubelet_message() -> None:
    broken = pod(
        waiting={
            "reason": "CreateContainerConfigError",
            "message": 'configmap "shop-config" not found',
        }
    )
    finding = only(diagnose(Snapshot(pods=[broken])), "config-missing")
    assert finding.cause == "Configmap 'shop-config' does not exist"


def test_missing_secret_key_from_the_pod_spec() -> None:
    broken = pod(
        waiting={"reason": "CreateContainerConfigError", "message": ""},
        container={
            "env": [
                {
                    "name": "PASSWORD",
                    "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}},
                }
            ]
        },
    )
    secret = {"metadata": {"name": "db", "namespace": "shop"}, "data": {"user": "..."}}
    finding = only(diagnose(Snapshot(pods=[broken], secrets=[secret])), "config-missing")
    assert finding.cause == 'Secret "db" has no key "password"'


def test_unschedulable_for_lack_of_cpu_and_with_no_nodes() -> None:
    pending = pod(phase="Pending", node=None, waiting=None)
    pending["status"]["containerStatuses"] = []
    cpu = event(pending, "FailedScheduling", "0/3 nodes are available: 3 Insufficient cpu.")
    finding = only(diagnose(Snapshot(pods=[pending], events=[cpu])), "unschedulable")
    assert finding.cause == "no node has enough cpu for its requests"
    assert finding.evidence == "scheduler: 0/3 nodes are available: 3 Insufficient cpu."

    no_nodes = copy.deepcopy(pending)
    no_nodes["status"]["conditions"] = [
        {
            "type": "PodScheduled",
            "status": "False",
            "reason": "Unschedulable",
            "message": "no nodes available to schedule pods",
        }
    ]
    finding = only(diagnose(Snapshot(pods=[no_nodes])), "unschedulable")
    assert finding.cause == "no nodes to run on: the cluster has no schedulable nodes"


def test_unbound_claim() -> None:
    pending = pod(
        phase="Pending",
        node=None,
        volumes=[{"name": "data", "persistentVolumeClaim": {"claimName": "data"}}],
    )
    claim = {"metadata": {"name": "data", "namespace": "shop"}, "status": {"phase": "Pending"}}
    finding = only(diagnose(Snapshot(pods=[pending], pvcs=[claim])), "pvc-unbound")
    assert finding.cause == "PersistentVolumeClaim 'data' is not bound"


def test_failing_probe_from_events_and_a_probe_on_an_undeclared_port() -> None:
    probed = pod(
        container={
            "ports": [{"name": "http", "containerPort": 8080}],
            "readinessProbe": {"httpGet": {"path": "/healthz", "port": "metrics"}},
        }
    )
    unhealthy = event(probed, "Unhealthy", "Readiness probe failed: HTTP probe failed with 503", 7)
    findings = diagnose(Snapshot(pods=[probed], events=[unhealthy]))
    assert only(findings, "probe-readiness").evidence == (
        "event Unhealthy x7: Readiness probe failed: HTTP probe failed with 503"
    )
    assert "port name 'metrics'" in only(findings, "probe-port").evidence


def service(selector: dict[str, str], target: Any = 8080) -> dict[str, Any]:
    return {
        "metadata": {"name": "web", "namespace": "shop"},
        "spec": {
            "selector": selector,
            "ports": [{"name": "http", "port": 80, "targetPort": target}],
        },
    }


def test_service_selecting_nothing_and_a_target_port_nobody_exposes() -> None:
    running = pod(container={"ports": [{"name": "http", "containerPort": 8080}]})
    findings = diagnose(Snapshot(pods=[running], services=[service({"app": "wbe"})]))
    assert only(findings, "selector-matches-nothing").evidence == "selector app=wbe"

    findings = diagnose(Snapshot(pods=[running], services=[service({"app": "web"}, 9090)]))
    assert "targets 9090" in only(findings, "target-port").cause
    assert not diagnose(Snapshot(pods=[running], services=[service({"app": "web"}, "http")]))


def test_ingress_backend_missing_or_without_ready_endpoints() -> None:
    ingress = {
        "metadata": {"name": "shop", "namespace": "shop"},
        "spec": {
            "rules": [
                {
                    "host": "shop.example.com",
                    "http": {
                        "paths": [
                            {"path": "/", "backend": {"service": {"name": "web"}}},
                            {"path": "/api", "backend": {"service": {"name": "api"}}},
                        ]
                    },
                }
            ]
        },
    }
    endpoints = {
        "metadata": {"name": "web", "namespace": "shop"},
        "subsets": [{"notReadyAddresses": [{"ip": "10.0.0.1"}]}],
    }
    findings = diagnose(
        Snapshot(ingresses=[ingress], services=[service({"app": "web"})], endpoints=[endpoints])
    )
    assert only(findings, "backend-missing").cause == "backend Service 'api' does not exist"
    assert "no ready endpoints" in only(findings, "backend-no-endpoints").cause


def deployment(**status: Any) -> dict[str, Any]:
    return {
        "metadata": {"name": "web", "namespace": "shop", "generation": 2},
        "spec": {
            "replicas": 3,
            "progressDeadlineSeconds": 120,
            "template": {
                "spec": {
                    "securityContext": {"runAsNonRoot": True},
                    "containers": [
                        {
                            "name": "web",
                            "image": "shop/web:latest",
                            "resources": {"requests": {"cpu": "10m"}},
                            "securityContext": {"allowPrivilegeEscalation": False},
                        }
                    ],
                }
            },
        },
        "status": {"observedGeneration": 2, **status},
    }


def test_deployment_past_its_deadline_and_a_stuck_rollout() -> None:
    late = deployment(
        conditions=[
            {
                "type": "Progressing",
                "status": "False",
                "reason": "ProgressDeadlineExceeded",
                "message": 'ReplicaSet "web-7d" has timed out progressing.',
            }
        ]
    )
    finding = only(diagnose(Snapshot(deployments=[late])), "progress-deadline")
    assert finding.cause == "rollout did not finish within 120 s"
    assert "undo" in finding.next_step

    stuck = deployment(updatedReplicas=1, unavailableReplicas=1, replicas=3)
    assert only(diagnose(Snapshot(deployments=[stuck])), "rollout-stuck").cause == (
        "rollout in progress: 1/3 updated, 1 unavailable"
    )
    assert not diagnose(Snapshot(deployments=[deployment(updatedReplicas=3)]))


def test_hygiene_and_latest_tags_in_production() -> None:
    bare = deployment(updatedReplicas=3)
    template = bare["spec"]["template"]["spec"]
    template.pop("securityContext")
    template["containers"][0].pop("resources")
    template["containers"][0].pop("securityContext")
    rules = {f.rule for f in diagnose(Snapshot(deployments=[bare]))}
    assert rules == {"no-resources", "runs-as-root", "privilege-escalation"}
    findings = diagnose(Snapshot(deployments=[deployment(updatedReplicas=3)], production=True))
    assert only(findings, "latest-tag").severity == "warning"


def test_removed_api_versions_in_manifests() -> None:
    docs = [
        {"apiVersion": "extensions/v1beta1", "kind": "Ingress", "metadata": {"name": "shop"}},
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}},
    ]
    (finding,) = manifest_findings(docs, "k8s/ingress.yaml")
    assert finding.cause == "Ingress extensions/v1beta1 was removed in Kubernetes 1.22"
    assert finding.next_step == "use apiVersion: networking.k8s.io/v1"


def test_worst_first_and_the_why_column() -> None:
    crashing = pod(
        "web-2", waiting={"reason": "CrashLoopBackOff"}, last={"exitCode": 2}, restarts=5
    )
    findings = diagnose(
        Snapshot(pods=[pod(), crashing], deployments=[deployment(updatedReplicas=3)])
    )
    assert [f.severity for f in findings] == sorted(
        (f.severity for f in findings), key=["error", "warning", "info"].index
    )
    assert why(findings, "pods", "shop/web-2") is not None
    assert why(findings, "pods", "shop/web-1") is None


def test_hostile_text_is_made_safe() -> None:
    message = "not found\x1b[2J\x1b]0;pwned\x07\nsecond line"
    finding = only(
        diagnose(Snapshot(pods=[pod(waiting={"reason": PULL_BACKOFF, "message": message})])),
        "image-pull",
    )
    assert "\x1b" not in finding.evidence and "\n" not in finding.evidence
