"""Resource usage (metrics.k8s.io) on JSON fixtures: parsing, the usage cells of pods,
workloads and nodes, the OOMKill risk, the diagnosis that says it in words, sparklines."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from gok_tui.domain.diagnosis import Snapshot, diagnose
from gok_tui.domain.metrics import (
    UNKNOWN,
    Usage,
    describe_node_usage,
    describe_pod_usage,
    describe_workload_usage,
    node_cells,
    oom_risks,
    parse_node_metrics,
    parse_pod_metrics,
    pod_cells,
    sparkline,
    workload_cells,
)
from gok_tui.domain.nodes import pressure_lines
from gok_tui.domain.quantity import QuantityError, parse_quantity
from gok_tui.domain.selectors import selects

FIXTURES = Path(__file__).parent / "fixtures" / "k8s"
WEB = "shop/web-7d4b9c-abcde"


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def pods() -> dict[str, Any]:
    return parse_pod_metrics(load("podmetrics_shop.json"))[0]


def deployment(replicas: int = 2) -> dict[str, Any]:
    pod = load("pod_limits.json")
    return {
        "metadata": {"name": "web", "namespace": "shop"},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}}, "spec": pod["spec"]},
        },
    }


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("249873121n", Decimal("0.249873121")),
        ("1500u", Decimal("0.0015")),
        ("250m", Decimal("0.25")),
        ("128Ki", Decimal(131072)),
        ("243Mi", Decimal(254803968)),
        ("2Gi", Decimal(2147483648)),
        ("1Ti", Decimal(2**40)),
        ("3k", Decimal(3000)),
        ("7M", Decimal(7_000_000)),
        ("7G", Decimal(7_000_000_000)),
        ("1e-1", Decimal("0.1")),
        ("12E3", Decimal(12000)),
    ],
)
def test_the_units_metrics_server_writes_are_read(text: str, value: Decimal) -> None:
    assert parse_quantity(text) == value


@pytest.mark.parametrize("text", ["12 cores", "Ki", "1.5.2Mi", "", "1e99", "--1"])
def test_what_is_not_a_quantity_is_refused(text: str) -> None:
    with pytest.raises(QuantityError):
        parse_quantity(text)


def test_a_pod_metrics_list_is_read_and_bad_entries_are_unknown_or_skipped() -> None:
    usage, labels = parse_pod_metrics(load("podmetrics_shop.json"))
    assert sorted(usage) == ["shop/odd-units", WEB, "shop/web-7d4b9c-fghij"]
    assert usage[WEB]["web"] == Usage(Decimal("0.249873121"), Decimal(254803968))
    assert labels[WEB] == {"app": "web", "pod-template-hash": "7d4b9c"}
    odd = usage["shop/odd-units"]
    assert odd["main"] == Usage(None, Decimal("1.5") * 2**40)  # "12 cores": unknown
    assert odd["side"] == Usage(Decimal("0.25"), Decimal(3000))
    assert odd["broken"] == Usage(None, None)


def test_what_is_not_a_metrics_list_gives_nothing() -> None:
    assert parse_pod_metrics("404 page not found\n") == ({}, {})
    assert parse_node_metrics({"items": "nope"}) == {}


def test_a_pod_row_sets_usage_against_requests_and_limits() -> None:
    pod = load("pod_limits.json")
    # web 250m+proxy 1.5m of 510m requested, 1 core limit (proxy has none); 255Mi of
    # 128Mi requested (web only), 256Mi limit
    assert pod_cells(pod, pods()[WEB]) == ("251m", "49", "25", "255Mi", "199", "100 OOM")


def test_a_pod_without_a_sample_is_unknown_and_a_container_without_limits_is_not_set() -> None:
    pod = load("pod_limits.json")
    assert pod_cells(pod, None) == (UNKNOWN,) * 6
    pod["spec"]["containers"] = [{"name": "web", "image": "web:1"}]
    cells = pod_cells(pod, {"web": Usage(Decimal("0.1"), None)})
    assert cells == ("100m", "n/a", "n/a", UNKNOWN, "n/a", "n/a")


def test_a_container_at_ninety_percent_of_its_memory_limit_is_an_oom_risk() -> None:
    pod = load("pod_limits.json")
    risks = oom_risks(pod, pods()[WEB])
    assert [r.sentence() for r in risks] == [
        "web uses 243Mi of its 256Mi memory limit (95 %): OOMKill risk"
    ]
    below = {"web": Usage(Decimal(0), Decimal(230 * 2**20))}  # 89.8 %
    assert oom_risks(pod, below) == []


def test_the_diagnosis_says_the_oom_risk_in_words() -> None:
    pod = load("pod_limits.json")
    findings = diagnose(Snapshot(pods=[pod], pod_usage={WEB: pods()[WEB]}))
    risk = [f for f in findings if f.rule == "oom-risk"]
    assert [(f.severity, f.cause) for f in risk] == [
        ("warning", "web uses 243Mi of its 256Mi memory limit (95 %): OOMKill risk")
    ]
    assert not [f for f in diagnose(Snapshot(pods=[pod])) if f.rule == "oom-risk"]


def test_a_deployment_sums_the_pods_its_selector_selects() -> None:
    usage, labels = parse_pod_metrics(load("podmetrics_shop.json"))
    cells = workload_cells(deployment(), usage, labels, list(usage))
    # 251.4m + 102m of 2 x 510m requested; 255Mi + 110.24Mi of 2 x 128Mi
    assert cells == ("353m", "35", "18", "365.2Mi", "143", "71 OOM")
    nobody = {**deployment(), "spec": {**deployment()["spec"], "selector": {}}}
    assert workload_cells(nobody, usage, labels, list(usage)) == (UNKNOWN,) * 6


def test_a_node_shows_its_usage_of_what_it_offers() -> None:
    nodes = parse_node_metrics(load("nodemetrics.json"))
    assert node_cells(nodes["node-1"], Decimal(4), Decimal(8 * 2**30)) == (
        "1.2 (30%)",
        "3Gi (38%)",
    )
    assert node_cells(nodes["node-2"], Decimal(4), Decimal(8 * 2**30)) == (
        UNKNOWN,
        "6.5Gi (81%)",
    )
    assert node_cells(None, Decimal(4), Decimal(0)) == (UNKNOWN, UNKNOWN)


def test_sparklines_scale_to_their_largest_and_keep_only_the_last_samples() -> None:
    assert sparkline([Decimal(0), Decimal(4), Decimal(8), None, Decimal(2)]) == "▁▄█ ▂"
    assert sparkline([Decimal(0)] * 3) == "▁▁▁"
    assert len(sparkline([Decimal(i) for i in range(100)], width=20)) == 20
    assert sparkline([]) == ""


def test_describe_says_each_containers_usage_with_its_sparkline() -> None:
    pod = load("pod_limits.json")
    samples = ([Decimal("0.1"), Decimal("0.25")], [Decimal(200 * 2**20), Decimal(243 * 2**20)])
    lines = describe_pod_usage(pod, pods()[WEB], lambda name: samples)
    assert lines[:4] == [
        "web:",
        "  CPU 250m (50% of request 500m, 25% of limit 1)  ▃█",
        "  MEM 243Mi (190% of request 128Mi, 95% of limit 256Mi)  ▆█",
        "  OOMKill risk: web uses 243Mi of its 256Mi memory limit (95 %): OOMKill risk",
    ]
    assert lines[4] == "proxy:"
    assert lines[5].startswith("  CPU 2m (15% of request 10m, no limit)")


def test_describe_of_a_deployment_sums_its_pods_samples() -> None:
    usage, labels = parse_pod_metrics(load("podmetrics_shop.json"))
    seen: list[tuple[str, str]] = []

    def samples(key: str, container: str) -> tuple[list[Decimal | None], list[Decimal | None]]:
        seen.append((key, container))
        return [Decimal(1), Decimal(2)], [Decimal(1), None]

    lines = describe_workload_usage(deployment(), usage, labels, list(usage), samples)
    assert lines[0].startswith("2 pods: CPU 353m, %CPU/R 35")
    assert lines[1:3] == ["CPU  ▄█", "MEM  █"]
    assert any("OOMKill risk: pod web-7d4b9c-abcde: web uses 243Mi" in line for line in lines)
    assert len(seen) == 4  # two pods, two containers each


def test_a_node_describe_says_its_pressure_and_usage_in_words() -> None:
    node = {
        "status": {
            "conditions": [
                {"type": "Ready", "status": "True"},
                {
                    "type": "MemoryPressure",
                    "status": "True",
                    "reason": "KubeletHasInsufficientMemory",
                    "message": "kubelet has insufficient memory available",
                },
                {"type": "DiskPressure", "status": "False"},
            ]
        }
    }
    assert pressure_lines(node) == [
        "MemoryPressure: the node is short of memory: the kubelet evicts pods to free some "
        "(KubeletHasInsufficientMemory: kubelet has insufficient memory available)"
    ]
    assert pressure_lines({})[0].startswith("none")
    lines = describe_node_usage(
        Usage(Decimal("1.2"), Decimal(3 * 2**30)), Decimal(4), Decimal(8 * 2**30), ([], [])
    )
    assert lines == ["CPU 1.2 (30% of allocatable 4)  ", "MEM 3Gi (38% of allocatable 8Gi)  "]


def test_selectors_select_as_the_api_server_does() -> None:
    labels = {"app": "web", "tier": "front"}
    assert selects({"matchLabels": {"app": "web"}}, labels)
    assert not selects({"matchLabels": {"app": "db"}}, labels)
    expression = {"key": "tier", "operator": "In", "values": ["front", "back"]}
    assert selects({"matchExpressions": [expression]}, labels)
    assert not selects({"matchExpressions": [{**expression, "operator": "NotIn"}]}, labels)
    assert selects({"matchExpressions": [{"key": "x", "operator": "DoesNotExist"}]}, labels)
    assert not selects({"matchExpressions": [{"key": "x", "operator": "Exists"}]}, labels)
    assert not selects({"matchExpressions": [{"key": "x", "operator": "Near"}]}, labels)
    assert not selects(None, labels)
