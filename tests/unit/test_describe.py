"""kubectl-describe-like text and YAML; Secret values must never show."""

from __future__ import annotations

import base64
import copy
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from gok_tui.domain.describe import (
    _tabify,
    describe,
    describe_probe,
    is_secret,
    related_events,
    to_yaml,
)
from gok_tui.domain.kinds import object_key
from gok_tui.domain.timefmt import parse_timestamp

FIXTURES = Path(__file__).parent / "fixtures" / "k8s"
NOW = parse_timestamp("2024-05-14T10:30:00Z")
CANARY = "hunter2-CANARY-7f3a9c"


@cache
def _load(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_text())


def fixture(name: str) -> dict[str, Any]:
    return copy.deepcopy(_load(name))


def by_key(name: str) -> dict[str, dict[str, Any]]:
    return {object_key(item): item for item in fixture(name)["items"]}


def events_for(obj: dict[str, Any]) -> list[dict[str, Any]]:
    return list(related_events(obj, fixture("events_shop.json")["items"]))


def has_line(text: str, pattern: str) -> bool:
    """A line matching ``pattern``, where a run of blanks stands for tabwriter padding."""
    regex = re.escape(pattern).replace(r"\ \ ", r"\s+")
    return re.search(rf"^{regex}$", text, re.MULTILINE) is not None


def assert_terminal_safe(text: str) -> None:
    for line in text.splitlines():
        assert line.isprintable(), repr(line)


# --------------------------------------------------------------------------- deployment


def test_deployment_describe_essentials():
    obj = fixture("deployment_web.json")
    text = describe(obj, events_for(obj), NOW)
    for line in [
        "Name:  web",
        "Namespace:  shop",
        "CreationTimestamp:  Tue, 30 Apr 2024 14:02:11 +0000",
        "Labels:  app.kubernetes.io/name=web",
        "  app.kubernetes.io/part-of=shop",
        "Annotations:  deployment.kubernetes.io/revision: 4",
        "Selector:  app.kubernetes.io/name=web",
        "Replicas:  3 desired | 3 updated | 3 total | 3 available | 0 unavailable",
        "StrategyType:  RollingUpdate",
        "MinReadySeconds:  0",
        "RollingUpdateStrategy:  25% max unavailable, 25% max surge",
        "Pod Template:",
        "  Containers:",
        "   web:",
        "    Image:  ghcr.io/acme/shop-web:1.8.2",
        "    Port:  8080/TCP (http)",
        "      memory:  256Mi",
        "      cpu:  100m",
        "    Liveness:  http-get http://:http/healthz delay=5s timeout=1s period=10s "
        "successThreshold=1 failureThreshold=3",
        "      LOG_LEVEL:  info",
        "      DB_PASSWORD:  <set to the key 'password' in secret 'db-credentials'>  "
        "Optional: false",
        "      FEATURE_FLAGS:  <set to the key 'flags' of config map 'web-config'>  Optional: true",
        "      /etc/shop from config (ro)",
        "    Type:  ConfigMap (a volume populated by a ConfigMap)",
        "Conditions:",
        "  Type  Status  Reason",
        "  Available  True  MinimumReplicasAvailable",
        "  Progressing  True  NewReplicaSetAvailable",
        "Events:",
        "  Type  Reason  Age  From  Message",
        "  Normal  ScalingReplicaSet  2d2h  deployment-controller  "
        "Scaled up replica set web-7c9f8b6d5 to 1",
    ]:
        assert has_line(text, line), f"missing {line!r} in\n{text}"
    # kubectl hides the last-applied annotation
    assert "last-applied-configuration" not in text
    assert_terminal_safe(text)


def test_describe_aligns_like_go_tabwriter():
    text = describe(fixture("deployment_web.json"), (), NOW)
    lines = text.splitlines()
    head = lines[: lines.index("Pod Template:")]
    # one column block: every value starts in the same column
    starts = {len(line) - len(line[line.index(":") + 1 :].lstrip()) for line in head[:3]}
    assert len(starts) == 1
    assert head[0] == "Name:                   web"
    # like Go's tabwriter, "Events:" lines up with the conditions table right above it
    assert text.endswith("  Progressing   True    NewReplicaSetAvailable\nEvents:         <none>\n")


def test_tabify_matches_go_semantics():
    lines = ["a:\tx", "long key:\ty", "single line", "k:\tv\tw", "kk:\tvv"]
    assert _tabify(lines) == ("a:         x\nlong key:  y\nsingle line\nk:   v  w\nkk:  vv\n")


def test_deployment_without_events_says_none():
    assert has_line(describe(fixture("deployment_web.json"), (), NOW), "Events:  <none>")


# --------------------------------------------------------------------------- pod


def test_pod_describe_essentials():
    obj = fixture("pod_running.json")
    text = describe(obj, events_for(obj), NOW)
    for line in [
        "Name:  web-7c9f8b6d5-x2kqp",
        "Namespace:  shop",
        "Priority:  0",
        "Service Account:  default",
        "Node:  kind-worker2/172.18.0.3",
        "Start Time:  Sun, 12 May 2024 08:14:03 +0000",
        "Status:  Running",
        "IP:  10.244.2.17",
        "Controlled By:  ReplicaSet/web-7c9f8b6d5",
        "Containers:",
        "  web:",
        "    Container ID:  containerd://a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90",
        "    State:  Running",
        "      Started:  Tue, 14 May 2024 10:28:04 +0000",
        "    Last State:  Terminated",
        "      Reason:  OOMKilled",
        "      Exit Code:  137",
        "      Finished:  Tue, 14 May 2024 10:28:00 +0000",
        "    Ready:  True",
        "    Restart Count:  3",
        "      POD_NAME:  web-7c9f8b6d5-x2kqp (v1:metadata.name)",
        "  log-shipper:",
        "      tail -F /var/log/shop/access.log",
        "Conditions:",
        "  Ready  True",
        "Volumes:",
        "  kube-api-access-9wlxk:",
        "    TokenExpirationSeconds:  3607",
        "QoS Class:  Burstable",
        "Tolerations:  node.kubernetes.io/not-ready:NoExecute op=Exists for 300s",
        "  node.kubernetes.io/unreachable:NoExecute op=Exists for 300s",
        "  Warning  Unhealthy  2m5s (x12 over 80m)  kubelet  spec.containers{web}: "
        "Readiness probe failed: HTTP probe failed with statuscode: 503",
    ]:
        assert has_line(text, line), f"missing {line!r} in\n{text}"
    assert_terminal_safe(text)


def test_pod_events_are_filtered_and_sorted_oldest_first():
    obj = fixture("pod_running.json")
    events = events_for(obj)
    assert {e["involvedObject"]["kind"] for e in events} == {"Pod"}
    text = describe(obj, events, NOW)
    table = text[text.index("\nEvents:") :]
    order = [table.index(reason) for reason in ("Scheduled", "Unhealthy", "Pulled", "Started")]
    assert order == sorted(order)
    assert "ScalingReplicaSet" not in text


def test_waiting_and_terminating_pods():
    pods = by_key("pods_status_variants.json")
    crash = describe(pods["shop/api-6d8f7b9c5-crash"], (), NOW, kind="pods")
    assert has_line(crash, "    State:  Waiting")
    assert has_line(crash, "      Reason:  CrashLoopBackOff")
    assert has_line(crash, "    Last State:  Terminated")
    assert has_line(crash, "      Exit Code:  1")
    terminating = describe(pods["shop/web-7c9f8b6d5-term1"], (), NOW, kind="po")
    assert re.search(r"^Status:\s+Terminating \(lasts \S+\)$", terminating, re.MULTILINE)
    assert has_line(terminating, "Termination Grace Period:  30s")
    evicted = describe(pods["shop/api-6d8f7b9c5-evict"], (), NOW, kind="Pod")
    assert has_line(evicted, "Status:  Failed")
    assert has_line(evicted, "Reason:  Evicted")
    init = describe(pods["shop/worker-84c6f5d7b9-initw"], (), NOW, kind="pod")
    assert has_line(init, "Init Containers:")
    assert has_line(init, "  wait-for-db:")


def test_probe_descriptions():
    assert describe_probe({"exec": {"command": ["cat", "/tmp/healthy"]}}) == (
        "exec [cat /tmp/healthy] delay=0s timeout=1s period=10s "
        "successThreshold=1 failureThreshold=3"
    )
    assert describe_probe(
        {"tcpSocket": {"port": 5432}, "periodSeconds": 20, "failureThreshold": 6}
    ).startswith("tcp-socket :5432 delay=0s timeout=1s period=20s")
    assert describe_probe({"httpGet": {"host": "::1", "port": 80, "path": "x", "scheme": "HTTPS"}})
    assert describe_probe({"httpGet": {"host": "::1", "port": 80, "path": "x"}}).startswith(
        "http-get http://[::1]:80/x "
    )


# --------------------------------------------------------------------------- ingress, service


def test_ingress_describe_essentials():
    text = describe(
        fixture("ingress_shop.json"),
        (),
        NOW,
        services=by_key("services.json"),
        endpoints=by_key("endpoints.json"),
    )
    for line in [
        "Name:  shop",
        "Namespace:  shop",
        "Address:  172.18.0.240",
        "Ingress Class:  nginx",
        "Default backend:  web:80 (10.244.1.3:8080,10.244.2.17:8080)",
        "TLS:",
        "  shop-tls terminates shop.example.com,*.preview.example.com",
        "Rules:",
        "  Host  Path  Backends",
        "  shop.example.com",
        "  /  web:80 (10.244.1.3:8080,10.244.2.17:8080)",
        "  /api  api:http (10.244.1.40:8080,10.244.2.41:8080,10.244.2.42:8080)",
        '  /  admin:8080 (<error: services "admin" not found>)',
        "  /static  static:80 (<none>)",
        "  *.preview.example.com",
        "Annotations:  cert-manager.io/cluster-issuer: letsencrypt",
        "  nginx.ingress.kubernetes.io/proxy-body-size: 8m",
    ]:
        assert has_line(text, line), f"missing {line!r} in\n{text}"


def test_ingress_describe_without_lookups_shows_plain_backends():
    text = describe(fixture("ingress_shop.json"), (), NOW)
    assert has_line(text, "Default backend:  web:80")
    assert has_line(text, "  /api  api:http")


def test_service_describe():
    services = by_key("services.json")
    text = describe(services["shop/api"], (), NOW, kind="svc", endpoints=by_key("endpoints.json"))
    for line in [
        "Selector:  app.kubernetes.io/name=api,app.kubernetes.io/part-of=shop",
        "Type:  ClusterIP",
        "IP:  10.96.12.200",
        "Port:  http  80/TCP",
        "TargetPort:  8080/TCP",
        "Endpoints:  10.244.1.40:8080,10.244.2.41:8080,10.244.2.42:8080",
        "Port:  metrics  9090/TCP",
        "Endpoints:  10.244.1.40:9090,10.244.2.41:9090,10.244.2.42:9090",
        "Session Affinity:  None",
    ]:
        assert has_line(text, line), f"missing {line!r} in\n{text}"
    edge = describe(services["shop/edge"], (), NOW, kind="services")
    assert has_line(edge, "NodePort:  https  31443/TCP")
    assert "Endpoints:" not in edge  # not known without an endpoints lookup


def test_replicaset_describe():
    rs = {
        "kind": "ReplicaSet",
        "apiVersion": "apps/v1",
        "metadata": {
            "name": "web-7c9f8b6d5",
            "namespace": "shop",
            "ownerReferences": [
                {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web", "controller": True}
            ],
        },
        "spec": {
            "replicas": 3,
            "selector": {
                "matchLabels": {"app.kubernetes.io/name": "web"},
                "matchExpressions": [{"key": "tier", "operator": "In", "values": ["b", "a"]}],
            },
            "template": fixture("deployment_web.json")["spec"]["template"],
        },
        "status": {"replicas": 3, "readyReplicas": 3, "availableReplicas": 3},
    }
    text = describe(rs, (), NOW)
    assert has_line(text, "Selector:  app.kubernetes.io/name=web,tier in (a,b)")
    assert has_line(text, "Controlled By:  Deployment/web")
    assert has_line(text, "Replicas:  3 current / 3 desired")
    assert has_line(text, "Pod Template:")


def test_generic_fallback_shows_metadata_and_yaml():
    endpoints = by_key("endpoints.json")["shop/api"]
    text = describe(endpoints, (), NOW, kind="ep")
    assert has_line(text, "Kind:  Endpoints")
    assert has_line(text, "API Version:  v1")
    assert has_line(text, "Subsets:")
    assert has_line(text, "    - ip: 10.244.1.40")
    configmap = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "web-config", "namespace": "shop"},
        "data": {"flags": "beta=true\nnew-cart=false\n"},
    }
    text = describe(configmap, (), NOW)
    assert has_line(text, "Data:")
    assert has_line(text, "  flags: |")
    assert has_line(text, "    new-cart=false")
    assert_terminal_safe(text)


# --------------------------------------------------------------------------- secrets


def _secret_leaks(text: str) -> list[str]:
    data = _load("secret_db.json")["data"]
    needles = [CANARY, "app_user", *data.values()]
    needles += [base64.b64decode(v).decode() for v in data.values()]
    return [n for n in needles if n in text]


def test_secret_describe_shows_keys_and_sizes_only():
    text = describe(fixture("secret_db.json"), (), NOW)
    assert _secret_leaks(text) == []
    assert has_line(text, "Type:  Opaque")
    assert has_line(text, "password:  21 bytes")
    assert has_line(text, "username:  8 bytes")
    assert has_line(text, "url:  63 bytes")


def test_secret_from_a_list_response_is_still_redacted():
    secret = fixture("secret_db.json")
    del secret["kind"], secret["apiVersion"]  # list items come without them
    assert is_secret(secret)
    assert _secret_leaks(describe(secret, (), NOW)) == []
    assert _secret_leaks(to_yaml(secret)) == []
    assert _secret_leaks(describe(secret, (), NOW, kind="secrets")) == []
    # even when the caller names the wrong kind, a Secret-shaped object is a Secret
    assert _secret_leaks(describe(secret, (), NOW, kind="configmaps")) == []
    assert _secret_leaks(to_yaml(secret, kind="cm")) == []


def test_service_account_token_is_not_shown_either():
    secret = fixture("secret_db.json")
    secret["type"] = "kubernetes.io/service-account-token"
    secret["data"]["token"] = base64.b64encode(f"eyJ{CANARY}".encode()).decode()
    text = describe(secret, (), NOW)
    assert CANARY not in text
    assert has_line(text, "token:  24 bytes")


@pytest.mark.parametrize("show_managed_fields", [False, True])
def test_secret_yaml_redacts_values(show_managed_fields: bool):
    text = to_yaml(fixture("secret_db.json"), show_managed_fields=show_managed_fields)
    assert _secret_leaks(text) == []
    loaded = yaml.safe_load(text)
    assert loaded["data"] == {
        "password": "<redacted: 21 bytes>",
        "url": "<redacted: 63 bytes>",
        "username": "<redacted: 8 bytes>",
    }
    annotations = loaded["metadata"]["annotations"]
    assert annotations["kubectl.kubernetes.io/last-applied-configuration"] == "<redacted>"
    assert ("managedFields" in loaded["metadata"]) is show_managed_fields


def test_secret_list_yaml_and_string_data_redacted():
    secret = fixture("secret_db.json")
    secret["stringData"] = {"extra": CANARY}
    listing = {"kind": "SecretList", "apiVersion": "v1", "items": [secret]}
    text = to_yaml(listing)
    assert CANARY not in text
    assert "<redacted: 21 bytes>" in text
    assert _secret_leaks(describe(listing, (), NOW)) == []


# --------------------------------------------------------------------------- YAML


def test_yaml_key_order_and_managed_fields():
    text = to_yaml(fixture("deployment_web.json"))
    top = [line.split(":")[0] for line in text.splitlines() if line and not line[0].isspace()]
    assert top == ["apiVersion", "kind", "metadata", "spec", "status"]
    assert "managedFields" not in text
    loaded = yaml.safe_load(text)
    original = fixture("deployment_web.json")
    del original["metadata"]["managedFields"]
    assert loaded == original  # a faithful round trip
    assert 'creationTimestamp: "2024-04-30T14:02:11Z"' in text  # kubectl's double quotes
    with_fields = to_yaml(fixture("deployment_web.json"), show_managed_fields=True)
    assert "managedFields:" in with_fields
    meta = [line.strip().split(":")[0] for line in text.splitlines() if line.startswith("  ")]
    assert meta[:3] == [
        "annotations",
        "deployment.kubernetes.io/revision",
        "kubectl.kubernetes.io/last-applied-configuration",
    ]


def test_yaml_for_list_items_fills_in_kind():
    pod = by_key("pods_status_variants.json")["shop/cache-0"]
    text = to_yaml(pod, kind="po")
    assert text.startswith("apiVersion: v1\nkind: Pod\nmetadata:\n")


def test_yaml_is_terminal_safe_and_round_trips():
    obj = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "evil", "labels": {"x": "a\x1b[31mb"}},
        "data": {"script": "#!/bin/sh\necho hi\n", "bidi": "abc\u202edef\u200b", "tab": "a\tb"},
    }
    text = to_yaml(obj)
    assert_terminal_safe(text)
    assert "\x1b" not in text and "\u202e" not in text
    assert "script: |" in text
    assert yaml.safe_load(text) == obj


def test_describe_sanitises_hostile_values():
    pod = fixture("pod_running.json")
    pod["metadata"]["labels"]["evil"] = "x\x1b]0;owned\x07\ninjected: line"
    pod["spec"]["containers"][0]["env"][0]["value"] = "first\nsecond\x1b[2J"
    pod["status"]["containerStatuses"][1]["lastState"]["terminated"]["message"] = "boom\r\n\tat x"
    text = describe(pod, (), NOW)
    assert_terminal_safe(text)
    assert "\x1b" not in text
    assert not any(line.startswith("injected") for line in text.splitlines())
    assert has_line(text, "      LOG_LEVEL:  first")
    assert has_line(text, "  second^[[2J")  # multi-line env values continue, as kubectl does
