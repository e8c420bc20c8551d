"""Table rows from raw API JSON: kubectl-accurate pod status, deployments, ingress routes."""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from gok_tui.domain.kinds import KINDS, kind_for, object_key
from gok_tui.domain.pods import pod_ready, pod_status, pod_tone
from gok_tui.domain.render import columns_for, rows_for
from gok_tui.domain.render.deployment import DEPLOYMENT_COLUMNS, render_deployment
from gok_tui.domain.render.event import render_event
from gok_tui.domain.render.ingress import INGRESS_ROUTE_COLUMNS, render_ingress_routes
from gok_tui.domain.render.pod import POD_COLUMNS, render_pod
from gok_tui.domain.table import Row
from gok_tui.domain.text import clean
from gok_tui.domain.timefmt import age, format_rfc1123z, human_duration, parse_timestamp
from gok_tui.domain.workloads import deployment_tone

FIXTURES = Path(__file__).parent / "fixtures" / "k8s"
NOW = parse_timestamp("2024-05-14T10:30:00Z")
assert NOW is not None


@cache
def _load(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_text())


def fixture(name: str) -> dict[str, Any]:
    """A fresh copy, so a test may change it."""
    return copy.deepcopy(_load(name))


def pod(name: str) -> dict[str, Any]:
    for item in fixture("pods_status_variants.json")["items"]:
        if item["metadata"]["name"] == name:
            return item
    raise KeyError(name)


def deployment(name: str) -> dict[str, Any]:
    if name == "web":
        return fixture("deployment_web.json")
    for item in fixture("deployments.json")["items"]:
        if item["metadata"]["name"] == name:
            return item
    raise KeyError(name)


def by_key(name: str) -> dict[str, dict[str, Any]]:
    return {object_key(item): item for item in fixture(name)["items"]}


def cells(row: Row, columns: tuple[Any, ...]) -> dict[str, str]:
    assert len(row.cells) == len(columns)
    return {col.title: cell for col, cell in zip(columns, row.cells, strict=True)}


# --------------------------------------------------------------------------- pod status

POD_CASES = [
    # name, STATUS, READY, RESTARTS, tone
    ("report-5f7d9c8b4-unsched", "Pending", "0/1", "0", "progressing"),
    ("web-7c9f8b6d5-creat", "ContainerCreating", "0/1", "0", "progressing"),
    ("api-6d8f7b9c5-crash", "CrashLoopBackOff", "0/1", "5 (30s ago)", "error"),
    ("cache-0", "OOMKilled", "0/1", "2 (8m55s ago)", "error"),
    ("web-canary-7b5d-pullb", "ImagePullBackOff", "0/1", "0", "error"),
    ("web-canary-7b5d-errpl", "ErrImagePull", "0/1", "0", "error"),
    ("api-6d8f7b9c5-nocfg", "CreateContainerConfigError", "0/1", "0", "error"),
    ("worker-84c6f5d7b9-initw", "Init:0/1", "0/1", "0", "progressing"),
    ("worker-84c6f5d7b9-initc", "Init:CrashLoopBackOff", "0/1", "6 (3m ago)", "error"),
    ("db-backup-28593510-kq7xz", "Completed", "0/1", "0", "muted"),
    ("web-7c9f8b6d5-term1", "Terminating", "1/1", "0", "muted"),
    ("api-6d8f7b9c5-evict", "Evicted", "0/1", "0", "error"),
    ("web-7c9f8b6d5-sidec", "Running", "2/2", "1 (30m ago)", "ok"),
    ("batch-gated-4xk2p", "SchedulingGated", "0/1", "0", "warning"),
    ("web-7c9f8b6d5-lost1", "Unknown", "0/1", "0", "warning"),
]


@pytest.mark.parametrize(("name", "status", "ready", "restarts", "tone"), POD_CASES)
def test_pod_row_matches_kubectl(name: str, status: str, ready: str, restarts: str, tone: str):
    obj = pod(name)
    row = render_pod(obj, NOW)
    got = cells(row, POD_COLUMNS)
    assert got["STATUS"] == status
    assert pod_status(obj) == status
    assert got["READY"] == ready
    assert got["RESTARTS"] == restarts
    assert row.tone == tone
    assert row.key == f"shop/{name}"


def test_running_pod_row_in_full():
    row = render_pod(fixture("pod_running.json"), NOW)
    assert row == Row(
        "shop/web-7c9f8b6d5-x2kqp",
        (
            "web-7c9f8b6d5-x2kqp",
            "2/2",
            "Running",
            "3 (2m ago)",
            "2d2h",
            "kind-worker2",
            "10.244.2.17",
        ),
        "ok",
    )


def test_pending_pod_without_node_or_ip():
    got = cells(render_pod(pod("report-5f7d9c8b4-unsched"), NOW), POD_COLUMNS)
    assert (got["NODE"], got["IP"], got["AGE"]) == ("<none>", "<none>", "5m")


def _with_state(name: str, state: dict[str, Any], **extra: Any) -> dict[str, Any]:
    obj = pod(name)
    obj["status"]["containerStatuses"][0]["state"] = state
    obj["status"]["containerStatuses"][0].update(extra)
    return obj


def test_terminated_without_reason_shows_exit_code_or_signal():
    exit_code = _with_state("cache-0", {"terminated": {"exitCode": 3, "finishedAt": None}})
    assert pod_status(exit_code) == "ExitCode:3"
    signal = _with_state("cache-0", {"terminated": {"exitCode": 137, "signal": 9}})
    assert pod_status(signal) == "Signal:9"
    assert pod_tone("ExitCode:3", 0, 1) == "error"


def test_error_reason_from_terminated_container():
    obj = _with_state("cache-0", {"terminated": {"exitCode": 1, "reason": "Error"}})
    assert pod_status(obj) == "Error"


def test_evicted_pod_with_container_status_shows_container_reason_like_kubectl():
    # Since kubelet reports ContainerStatusUnknown for containers of an evicted pod,
    # kubectl (and so the console) shows that instead of "Evicted".
    obj = pod("api-6d8f7b9c5-evict")
    obj["status"]["containerStatuses"] = [
        {
            "name": "api",
            "state": {
                "terminated": {
                    "exitCode": 137,
                    "reason": "ContainerStatusUnknown",
                    "message": "The container could not be located when the pod was terminated",
                }
            },
            "lastState": {},
            "ready": False,
            "restartCount": 0,
        }
    ]
    assert pod_status(obj) == "ContainerStatusUnknown"


def test_failed_init_container_variants():
    base = pod("worker-84c6f5d7b9-initc")
    status = base["status"]["initContainerStatuses"][0]

    status["state"] = {"terminated": {"exitCode": 2, "reason": "Error"}}
    assert pod_status(base) == "Init:Error"
    status["state"] = {"terminated": {"exitCode": 2}}
    assert pod_status(base) == "Init:ExitCode:2"
    status["state"] = {"terminated": {"exitCode": 143, "signal": 15}}
    assert pod_status(base) == "Init:Signal:15"
    assert pod_tone("Init:Signal:15", 0, 1) == "error"


def test_init_progress_counts_finished_init_containers():
    obj = pod("worker-84c6f5d7b9-initw")
    obj["spec"]["initContainers"].append({"name": "seed", "image": "busybox"})
    done = {"terminated": {"exitCode": 0, "reason": "Completed"}}
    obj["status"]["initContainerStatuses"] = [
        {"name": "wait-for-db", "state": done, "ready": True, "restartCount": 0},
        {"name": "seed", "state": {"running": {}}, "ready": False, "restartCount": 0},
    ]
    assert pod_status(obj) == "Init:1/2"


def test_completed_container_with_a_running_one_is_running_or_not_ready():
    obj = fixture("pod_running.json")
    obj["status"]["containerStatuses"][0]["state"] = {
        "terminated": {"exitCode": 0, "reason": "Completed"}
    }
    # containerStatuses are read last to first: log-shipper (Completed) wins,
    # and the running, ready "web" turns it back into Running
    assert pod_status(obj) == "Running"
    obj["status"]["conditions"][2]["status"] = "False"
    assert pod_status(obj) == "NotReady"
    assert pod_tone("NotReady", 1, 2) == "warning"


def test_running_but_not_all_ready_is_progressing():
    obj = fixture("pod_running.json")
    obj["status"]["containerStatuses"][0]["ready"] = False
    row = render_pod(obj, NOW)
    assert cells(row, POD_COLUMNS)["READY"] == "1/2"
    assert row.tone == "progressing"
    assert pod_ready(obj) == (1, 2)


def test_restart_without_known_finish_time_is_a_bare_count():
    obj = pod("api-6d8f7b9c5-crash")
    obj["status"]["containerStatuses"][0]["lastState"] = {}
    assert cells(render_pod(obj, NOW), POD_COLUMNS)["RESTARTS"] == "5"


def test_minimal_pod_does_not_crash():
    row = render_pod({"metadata": {"name": "bare"}}, NOW)
    assert row.cells == ("bare", "0/0", "", "0", "<unknown>", "<none>", "<none>")


# --------------------------------------------------------------------------- deployments


def test_stable_deployment_row():
    row = render_deployment(deployment("web"), NOW)
    assert cells(row, DEPLOYMENT_COLUMNS) == {
        "NAME": "web",
        "READY": "3/3",
        "UP-TO-DATE": "3",
        "AVAILABLE": "3",
        "AGE": "13d",
        "IMAGES": "ghcr.io/acme/shop-web:1.8.2,busybox:1.36",
        "STRATEGY": "RollingUpdate 25%/25%",
        "REVISION": "4",
    }
    assert row.tone == "ok"
    assert row.key == "shop/web"


def test_rolling_update_in_progress():
    row = render_deployment(deployment("api"), NOW)
    got = cells(row, DEPLOYMENT_COLUMNS)
    assert (got["READY"], got["UP-TO-DATE"], got["AVAILABLE"]) == ("3/3", "2", "3")
    assert got["STRATEGY"] == "RollingUpdate 1/0"  # maxSurge/maxUnavailable as integers
    assert got["REVISION"] == "12"
    assert row.tone == "progressing"


def test_progress_deadline_exceeded_is_error():
    obj = deployment("worker")
    assert deployment_tone(obj) == "error"
    assert cells(render_deployment(obj, NOW), DEPLOYMENT_COLUMNS)["IMAGES"] == (
        "ghcr.io/acme/shop-worker:0.9.4,telegraf:1.30"
    )


def test_replica_failure_is_error():
    obj = deployment("web")
    obj["status"]["conditions"].append(
        {
            "type": "ReplicaFailure",
            "status": "True",
            "reason": "FailedCreate",
            "message": 'pods "web-7c9f8b6d5-" is forbidden: exceeded quota: compute',
        }
    )
    assert deployment_tone(obj) == "error"


def test_scaled_to_zero_recreate_deployment_is_muted():
    row = render_deployment(deployment("nightly-report"), NOW)
    got = cells(row, DEPLOYMENT_COLUMNS)
    assert (got["READY"], got["STRATEGY"], got["REVISION"]) == ("0/0", "Recreate", "2")
    assert row.tone == "muted"


def test_unobserved_generation_is_progressing_and_long_image_list_is_cut():
    row = render_deployment(deployment("gateway"), NOW)
    assert row.tone == "progressing"  # observedGeneration 8 < generation 9
    images = cells(row, DEPLOYMENT_COLUMNS)["IMAGES"]
    assert len(images) == 80
    assert images.endswith("…")
    assert images.startswith("registry.internal.example.com:5000/platform/edge/envoy")


def test_missing_revision_and_strategy_defaults():
    obj = deployment("web")
    del obj["metadata"]["annotations"]
    del obj["spec"]["strategy"]
    got = cells(render_deployment(obj, NOW), DEPLOYMENT_COLUMNS)
    assert (got["STRATEGY"], got["REVISION"]) == ("RollingUpdate 25%/25%", "<none>")


# --------------------------------------------------------------------------- ingress routes


def _routes(ingress: dict[str, Any] | None = None, **kwargs: Any) -> list[Row]:
    services = kwargs.pop("services", by_key("services.json"))
    endpoints = kwargs.pop("endpoints", by_key("endpoints.json"))
    return render_ingress_routes(
        ingress or fixture("ingress_shop.json"), services, endpoints, NOW, **kwargs
    )


def test_one_route_per_host_and_path_plus_default_backend():
    table = {row.key: cells(row, INGRESS_ROUTE_COLUMNS) for row in _routes()}
    assert list(table) == [
        "shop/shop#shop.example.com#/",
        "shop/shop#shop.example.com#/api",
        "shop/shop#shop.example.com#/healthz",
        "shop/shop#admin.example.com#/",
        "shop/shop#*#/static",
        "shop/shop#*.preview.example.com#/",
        "shop/shop#*#<default>",
    ]
    assert table["shop/shop#shop.example.com#/"] == {
        "NAME": "shop",
        "HOST": "shop.example.com",
        "PATH": "/",
        "BACKEND": "web:80",
        "TLS": "yes",
        "ENDPOINTS": "2/3 ready",
        "AGE": "13d",
    }
    api = table["shop/shop#shop.example.com#/api"]
    assert (api["BACKEND"], api["ENDPOINTS"]) == ("api:http", "3/3 ready")  # named port
    assert table["shop/shop#shop.example.com#/healthz"]["PATH"] == "/healthz (Exact)"


def test_route_tones_and_failures():
    rows = {row.key: row for row in _routes()}
    admin = rows["shop/shop#admin.example.com#/"]
    assert cells(admin, INGRESS_ROUTE_COLUMNS)["ENDPOINTS"] == "no service"
    assert admin.tone == "error"
    static = rows["shop/shop#*#/static"]
    got = cells(static, INGRESS_ROUTE_COLUMNS)
    assert (got["HOST"], got["PATH"], got["ENDPOINTS"]) == (
        "*",
        "/static (ImplementationSpecific)",
        "no endpoints",
    )
    assert static.tone == "error"
    assert rows["shop/shop#shop.example.com#/api"].tone == "ok"
    assert rows["shop/shop#shop.example.com#/"].tone == "warning"  # 2 of 3 ready


def test_tls_matching():
    rows = {row.key: cells(row, INGRESS_ROUTE_COLUMNS) for row in _routes()}
    assert rows["shop/shop#admin.example.com#/"]["TLS"] == "no"
    assert rows["shop/shop#*#/static"]["TLS"] == "no"
    assert rows["shop/shop#*.preview.example.com#/"]["TLS"] == "yes"
    ingress = fixture("ingress_shop.json")
    ingress["spec"]["tls"] = [{"secretName": "default-cert"}]  # no hosts: covers every host
    assert all(cells(r, INGRESS_ROUTE_COLUMNS)["TLS"] == "yes" for r in _routes(ingress))
    ingress["spec"]["tls"] = [{"hosts": ["*.example.com"], "secretName": "wildcard"}]
    tls = {r.key: cells(r, INGRESS_ROUTE_COLUMNS)["TLS"] for r in _routes(ingress)}
    assert tls["shop/shop#admin.example.com#/"] == "yes"
    assert tls["shop/shop#*.preview.example.com#/"] == "no"  # a wildcard covers one label


def test_default_backend_row():
    row = _routes()[-1]
    got = cells(row, INGRESS_ROUTE_COLUMNS)
    assert (got["HOST"], got["PATH"]) == ("*", "*")
    assert got["BACKEND"].startswith("default-backend")
    assert got["BACKEND"] == "default-backend web:80"
    assert got["ENDPOINTS"] == "2/3 ready"


def test_missing_endpoints_object_and_unknown_port():
    ingress = fixture("ingress_shop.json")
    ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]["port"] = {"number": 8443}
    endpoints = by_key("endpoints.json")
    del endpoints["shop/api"]
    rows = {r.key: cells(r, INGRESS_ROUTE_COLUMNS) for r in _routes(ingress, endpoints=endpoints)}
    assert rows["shop/shop#shop.example.com#/"]["ENDPOINTS"] == "no such port"
    assert rows["shop/shop#shop.example.com#/api"]["ENDPOINTS"] == "no endpoints"


def test_routes_without_service_cache_and_in_all_namespaces():
    rows = _routes(services=None, endpoints=None, all_namespaces=True)
    assert all(r.cells[0] == "shop" for r in rows)
    assert all(len(r.cells) == len(columns_for("ingresses", True)) for r in rows)
    assert {r.cells[-2] for r in rows} == {"-"}


def test_host_without_http_and_duplicate_paths_keep_keys_unique():
    ingress = fixture("ingress_shop.json")
    ingress["spec"]["rules"].append({"host": "legacy.example.com"})
    ingress["spec"]["rules"].append(copy.deepcopy(ingress["spec"]["rules"][1]))
    rows = _routes(ingress)
    keys = [r.key for r in rows]
    assert len(keys) == len(set(keys))
    assert "shop/shop#admin.example.com#/#2" in keys
    legacy = next(r for r in rows if r.key == "shop/shop#legacy.example.com#*")
    assert cells(legacy, INGRESS_ROUTE_COLUMNS)["BACKEND"] == "default-backend web:80"


def test_rows_for_ingress_dispatches_to_routes():
    rows = rows_for(
        "ingresses",
        fixture("ingress_shop.json"),
        NOW,
        False,
        services=by_key("services.json"),
        endpoints=by_key("endpoints.json"),
    )
    assert len(rows) == 7


# --------------------------------------------------------------------------- time


KUBECTL_DURATIONS = [
    # apimachinery duration_test.go, TestHumanDuration and TestHumanDurationBoundaries
    (1, "1s"),
    (70, "70s"),
    (190, "3m10s"),
    (70 * 60, "70m"),
    (47 * 3600, "47h"),
    (49 * 3600, "2d1h"),
    ((8 * 24 + 2) * 3600, "8d"),
    (367 * 24 * 3600, "367d"),
    ((365 * 2 * 24 + 25) * 3600, "2y1d"),
    ((365 * 8 * 24 + 2) * 3600, "8y"),
    (0, "0s"),
    (0.999, "0s"),
    (119.999, "119s"),
    (120, "2m"),
    (121, "2m1s"),
    (599.999, "9m59s"),
    (600, "10m"),
    (601, "10m"),
    (3 * 3600 - 0.001, "179m"),
    (3 * 3600, "3h"),
    (3 * 3600 + 60, "3h1m"),
    (8 * 3600 - 0.001, "7h59m"),
    (8 * 3600, "8h"),
    (8 * 3600 + 59 * 60, "8h"),
    (2 * 86400 - 0.001, "47h"),
    (2 * 86400, "2d"),
    (2 * 86400 + 3600, "2d1h"),
    (8 * 86400 - 0.001, "7d23h"),
    (8 * 86400, "8d"),
    (8 * 86400 + 23 * 3600, "8d"),
    (2 * 365 * 86400 - 0.001, "729d"),
    (2 * 365 * 86400, "2y"),
    (2 * 365 * 86400 + 23 * 3600 + 59 * 60, "2y"),
    (2 * 365 * 86400 + 86400 - 0.001, "2y"),
    (2 * 365 * 86400 + 86400, "2y1d"),
    (3 * 365 * 86400, "3y"),
    (7 * 365 * 86400, "7y"),
    (8 * 365 * 86400 - 0.001, "7y364d"),
    (8 * 365 * 86400, "8y"),
    (8 * 365 * 86400 + 364 * 86400, "8y"),
    (9 * 365 * 86400, "9y"),
]


@pytest.mark.parametrize(("seconds", "expected"), KUBECTL_DURATIONS)
def test_human_duration_matches_kubectl(seconds: float, expected: str):
    assert human_duration(seconds) == expected


@pytest.mark.parametrize("seconds", [-1, -2, -3600, float("nan")])
def test_negative_duration_is_zero(seconds: float):
    # kubectl prints "<invalid>" below -1s; clock skew should not read as an error here
    assert human_duration(seconds) == "0s"


def test_parse_timestamp_forms():
    base = 1715682600.0  # 2024-05-14T10:30:00Z
    assert parse_timestamp("2024-05-14T10:30:00Z") == base
    assert parse_timestamp("2024-05-14T10:30:00.250000Z") == base + 0.25
    assert parse_timestamp("2024-05-14T10:30:00.123456789Z") == pytest.approx(base + 0.123456)
    assert parse_timestamp("2024-05-14T12:30:00+02:00") == base
    assert parse_timestamp("2024-05-14t10:30:00z") == base
    assert parse_timestamp("2024-05-14T10:30:00") == base  # no zone: UTC
    for bad in (None, "", "yesterday", "2024-13-45T99:00:00Z"):
        assert parse_timestamp(bad) is None
    assert parse_timestamp(12345) is None  # type: ignore[arg-type]


def test_age_and_rfc1123z():
    assert age({"metadata": {"creationTimestamp": "2024-05-14T10:29:15Z"}}, NOW) == "45s"
    assert age({"metadata": {}}, NOW) == "<unknown>"
    assert age({}, NOW) == "<unknown>"
    assert format_rfc1123z("2024-05-12T08:14:03Z") == "Sun, 12 May 2024 08:14:03 +0000"
    assert format_rfc1123z(None) == "<unknown>"


# --------------------------------------------------------------------------- sanitising

HOSTILE = "evil\x1b[2J\x1b]0;pwned\x07\nline2\r\tTAB\x9b31m\u202egnp.exe\u200b\u00a0end"


def _assert_terminal_safe(text: str) -> None:
    assert text.isprintable(), repr(text)
    assert "\n" not in text and "\t" not in text and "\x1b" not in text


def test_clean_escapes_controls():
    text = clean(HOSTILE)
    _assert_terminal_safe(text)
    assert text.startswith("evil^[[2J^[]0;pwned^G line2  TAB\\x9b31m\\u202egnp.exe\\u200b end")
    assert clean("fine: ünïcödé ✓") == "fine: ünïcödé ✓"
    assert clean(None) == "" and clean(3) == "3" and clean(True) == "True"


def test_clean_truncates_with_ellipsis():
    assert clean("x" * 1000) == "x" * 255 + "…"
    assert clean("abcdef", 4) == "abc…"
    assert clean("abcd", 4) == "abcd"


def test_hostile_strings_never_reach_cells():
    obj = pod("api-6d8f7b9c5-crash")
    obj["metadata"]["name"] = HOSTILE
    obj["metadata"]["namespace"] = "ns\x1b[0m"
    obj["spec"]["nodeName"] = "node\nname"
    obj["status"]["containerStatuses"][0]["state"]["waiting"]["reason"] = "Crash\x1bLoop\n"
    obj["status"]["podIPs"] = [{"ip": "10.0.0.1\x00"}]
    row = render_pod(obj, NOW, all_namespaces=True)
    for cell in row.cells:
        _assert_terminal_safe(cell)
        assert len(cell) <= 256

    event = fixture("events_shop.json")["items"][3]
    event["message"] = HOSTILE * 40
    event["involvedObject"]["name"] = "a\u2028b"
    for cell in render_event(event, NOW).cells:
        _assert_terminal_safe(cell)
        assert len(cell) <= 256

    deploy = deployment("web")
    deploy["spec"]["template"]["spec"]["containers"][0]["image"] = "img\x1b[31m:1\n"
    for cell in render_deployment(deploy, NOW).cells:
        _assert_terminal_safe(cell)

    ingress = fixture("ingress_shop.json")
    ingress["spec"]["rules"][0]["host"] = "shop\x1b.example.com"
    ingress["spec"]["rules"][0]["http"]["paths"][0]["path"] = "/\napi\t"
    for row in _routes(ingress):
        for cell in row.cells:
            _assert_terminal_safe(cell)


# --------------------------------------------------------------------------- columns and dispatch


def test_namespace_column_only_in_all_namespaces_mode():
    assert columns_for("pods", False) == POD_COLUMNS
    all_ns = columns_for("pods", True)
    assert all_ns[0].title == "NAMESPACE"
    assert all_ns[1:] == POD_COLUMNS
    assert [c.title for c in columns_for("deployments", True)][:3] == ["NAMESPACE", "NAME", "READY"]
    assert [c.title for c in columns_for("ingresses", False)] == [
        "NAME",
        "HOST",
        "PATH",
        "BACKEND",
        "TLS",
        "ENDPOINTS",
        "AGE",
    ]
    assert columns_for("namespaces", True)[0].title == "NAME"  # cluster-scoped
    assert [c.title for c in columns_for("widgets.example.com", True)] == [
        "NAMESPACE",
        "NAME",
        "AGE",
    ]


def test_all_namespaces_row_starts_with_namespace():
    row = render_pod(fixture("pod_running.json"), NOW, all_namespaces=True)
    assert row.cells[0] == "shop"
    assert row.cells[1:] == render_pod(fixture("pod_running.json"), NOW).cells
    assert row.key == "shop/web-7c9f8b6d5-x2kqp"


def _samples() -> list[tuple[str, dict[str, Any]]]:
    out: list[tuple[str, dict[str, Any]]] = [
        ("pods", fixture("pod_running.json")),
        ("deployments", deployment("web")),
        ("services", by_key("services.json")["shop/edge"]),
        ("endpoints", by_key("endpoints.json")["shop/web"]),
        ("events", fixture("events_shop.json")["items"][0]),
        ("secrets", fixture("secret_db.json")),
    ]
    out.append(
        (
            "replicasets",
            {
                "metadata": {
                    "name": "web-7c9f8b6d5",
                    "namespace": "shop",
                    "creationTimestamp": "2024-05-12T08:13:58Z",
                    "annotations": {"deployment.kubernetes.io/revision": "4"},
                },
                "spec": {"replicas": 3, "template": deployment("web")["spec"]["template"]},
                "status": {"replicas": 3, "readyReplicas": 2, "availableReplicas": 2},
            },
        )
    )
    out.append(
        (
            "namespaces",
            {
                "metadata": {"name": "shop", "creationTimestamp": "2024-04-30T13:50:00Z"},
                "status": {"phase": "Active"},
            },
        )
    )
    out.append(("configmaps", {"metadata": {"name": "web-config", "namespace": "shop"}}))
    out.append(("widgets", {"metadata": {"name": "w", "namespace": "shop"}}))
    return out


@pytest.mark.parametrize("all_namespaces", [False, True])
def test_rows_line_up_with_columns_for_every_kind(all_namespaces: bool):
    for plural, obj in _samples():
        columns = columns_for(plural, all_namespaces)
        for row in rows_for(plural, obj, NOW, all_namespaces):
            assert len(row.cells) == len(columns), plural
            for cell in row.cells:
                _assert_terminal_safe(cell)


def test_simple_renderers():
    samples = dict(_samples())
    rs = rows_for("replicasets", samples["replicasets"], NOW, False)[0]
    assert rs.cells == (
        "web-7c9f8b6d5",
        "3",
        "3",
        "2",
        "2d2h",
        "4",
        "ghcr.io/acme/shop-web:1.8.2,busybox:1.36",
    )
    assert rs.tone == "progressing"
    svc = rows_for("services", samples["services"], NOW, False)[0]
    assert svc.cells == (
        "edge",
        "LoadBalancer",
        "10.96.200.14",
        "80:31380/TCP,443:31443/TCP",
        "app.kubernetes.io/name=web",
        "30m",
    )
    assert svc.tone == "progressing"  # no load balancer address yet
    ev = rows_for("events", fixture("events_shop.json")["items"][3], NOW, False)[0]
    assert ev.cells == (
        "2m5s",
        "Warning",
        "Unhealthy",
        "pod/web-7c9f8b6d5-x2kqp",
        "Readiness probe failed: HTTP probe failed with statuscode: 503",
    )
    assert ev.tone == "warning"
    scheduled = rows_for("events", fixture("events_shop.json")["items"][2], NOW, False)[0]
    assert scheduled.cells[0] == "2d2h"  # eventTime only (events.k8s.io style)
    ns = rows_for("namespaces", samples["namespaces"], NOW, True)[0]
    assert (ns.key, ns.cells, ns.tone) == ("shop", ("shop", "Active", "13d"), "ok")
    secret = rows_for("secrets", samples["secrets"], NOW, False)[0]
    assert secret.cells == ("db-credentials", "Opaque", "3", "13d")
    ep = rows_for("endpoints", samples["endpoints"], NOW, False)[0]
    assert ep.cells == ("web", "10.244.1.3:8080,10.244.2.17:8080", "13d")


# --------------------------------------------------------------------------- kinds


@pytest.mark.parametrize(
    ("alias", "plural"),
    [
        ("po", "pods"),
        ("pod", "pods"),
        ("Pods", "pods"),
        ("deploy", "deployments"),
        ("dp", "deployments"),
        ("deployments.apps", "deployments"),
        ("ing", "ingresses"),
        ("svc", "services"),
        ("ep", "endpoints"),
        ("ns", "namespaces"),
        ("cm", "configmaps"),
        ("rs", "replicasets"),
        ("ev", "events"),
        ("no", "nodes"),
        ("PVC", "persistentvolumeclaims"),
        ("hpa", "horizontalpodautoscalers"),
        ("secret", "secrets"),
    ],
)
def test_kind_aliases(alias: str, plural: str):
    kind = kind_for(alias)
    assert kind is not None and kind.plural == plural


def test_kind_paths():
    assert kind_for("bogus") is None and kind_for("") is None
    deploy = KINDS["deployments"]
    assert deploy.api_prefix == "/apis/apps/v1"
    assert deploy.collection_path("shop") == "/apis/apps/v1/namespaces/shop/deployments"
    assert deploy.collection_path(None) == "/apis/apps/v1/deployments"
    assert deploy.object_path("shop", "web") == "/apis/apps/v1/namespaces/shop/deployments/web"
    assert KINDS["pods"].api_prefix == "/api/v1"
    assert KINDS["nodes"].collection_path("shop") == "/api/v1/nodes"
    assert KINDS["nodes"].object_path(None, "kind-worker") == "/api/v1/nodes/kind-worker"
    assert KINDS["horizontalpodautoscalers"].api_prefix == "/apis/autoscaling/v2"
    assert KINDS["ingresses"].object_path("shop", "a/../b") == (
        "/apis/networking.k8s.io/v1/namespaces/shop/ingresses/a%2F..%2Fb"
    )
    with pytest.raises(ValueError):
        KINDS["pods"].object_path(None, "web")


def test_object_key():
    assert object_key({"metadata": {"name": "web", "namespace": "shop"}}) == "shop/web"
    assert object_key({"metadata": {"name": "kind-worker"}}) == "kind-worker"
    assert object_key({}) == ""


def test_cluster_and_storage_renderers():
    node = {
        "metadata": {
            "name": "kind-control-plane",
            "creationTimestamp": "2024-01-01T00:00:00Z",
            "labels": {"node-role.kubernetes.io/control-plane": "", "kubernetes.io/os": "linux"},
        },
        "spec": {"unschedulable": True},
        "status": {
            "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady"}],
            "nodeInfo": {"kubeletVersion": "v1.30.0"},
        },
    }
    row = rows_for("nodes", node, NOW, True)[0]
    assert row.cells == (
        "kind-control-plane",
        "Ready,SchedulingDisabled",
        "-",  # the pods on it are not known here: the node view counts them
        "-",
        "-",
        "<none>",
        "<none>",
        "control-plane",
        "v1.30.0",
        "134d",
    )
    assert row.tone == "warning"
    pvc = {
        "metadata": {"name": "data-db-0", "namespace": "shop"},
        "spec": {"volumeName": "pvc-1234", "storageClassName": "standard"},
        "status": {
            "phase": "Bound",
            "capacity": {"storage": "10Gi"},
            "accessModes": ["ReadWriteOnce", "ReadWriteOncePod"],
        },
    }
    assert rows_for("pvc", pvc, NOW, False) == rows_for("persistentvolumeclaims", pvc, NOW, False)
    assert columns_for("pvc", False) == columns_for("persistentvolumeclaims", False)
    row = rows_for("persistentvolumeclaims", pvc, NOW, False)[0]
    assert row.cells == (
        "data-db-0",
        "Bound",
        "pvc-1234",
        "10Gi",
        "RWO,RWOP",
        "standard",
        "<unknown>",
    )
    hpa = {
        "metadata": {"name": "web", "namespace": "shop"},
        "spec": {
            "scaleTargetRef": {"kind": "Deployment", "name": "web"},
            "minReplicas": 2,
            "maxReplicas": 6,
            "metrics": [
                {
                    "type": "Resource",
                    "resource": {
                        "name": "cpu",
                        "target": {"type": "Utilization", "averageUtilization": 70},
                    },
                }
            ],
        },
        "status": {
            "currentReplicas": 3,
            "currentMetrics": [
                {
                    "type": "Resource",
                    "resource": {"name": "cpu", "current": {"averageUtilization": 45}},
                }
            ],
        },
    }
    row = rows_for("horizontalpodautoscalers", hpa, NOW, False)[0]
    assert row.cells == ("web", "Deployment/web", "2/6", "3/<unknown>", "cpu 45%/70%", "<unknown>")
    configmap = {"metadata": {"name": "c", "namespace": "shop"}, "data": {"a": "1", "b": "2"}}
    assert rows_for("configmaps", configmap, NOW, False)[0].cells == ("c", "2", "<unknown>")
