"""HorizontalPodAutoscalers (autoscaling/v2) as the console shows them: the `:hpa` row, the
describe, the rollout panel's HPA line and the scale plan's warning, on JSON fixtures with every
metric type, a missing status and odd fields."""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from gok_tui.actions.base import ObjectRef
from gok_tui.actions.deployments import Scale
from gok_tui.domain.autoscaling import autoscaler, autoscalers_of
from gok_tui.domain.describe import describe
from gok_tui.domain.render import columns_for, rows_for
from gok_tui.domain.rollout import rollout_panel
from gok_tui.domain.timefmt import parse_timestamp

FIXTURES = Path(__file__).parent / "fixtures" / "k8s"
RECORDED = Path(__file__).parents[1] / "conformance" / "answers" / "18-table-hpa.json"
NOW = parse_timestamp("2024-05-14T10:30:00Z") or 0.0
DEPLOY = ObjectRef("kind-dev", "https://127.0.0.1:6443", "deployments", "shop", "web")
STS = ObjectRef("kind-dev", "https://127.0.0.1:6443", "statefulsets", "shop", "api")


@cache
def _items() -> dict[str, dict[str, Any]]:
    listed = json.loads((FIXTURES / "hpas_v2.json").read_text())["items"]
    return {item["metadata"]["name"]: item for item in listed}


def hpa(name: str) -> dict[str, Any]:
    return copy.deepcopy(_items()[name])


def all_hpas() -> list[dict[str, Any]]:
    return [hpa(name) for name in _items()]


def recorded_hpa() -> dict[str, Any]:
    """The HPA a real v1.28.7 server returned, its metrics API absent."""
    answer = json.loads(RECORDED.read_text())
    return answer["response"]["body"]["rows"][0]["object"]


def cells(obj: dict[str, Any]) -> dict[str, str]:
    keys = [column.key for column in columns_for("hpa", False)]
    row = rows_for("hpa", obj, NOW, False)[0]
    return dict(zip(keys, row.cells, strict=True))


# -- the row ---------------------------------------------------------------------------------


def test_columns_are_name_reference_bounds_replicas_targets_age() -> None:
    titles = [column.title for column in columns_for("horizontalpodautoscalers", False)]
    assert titles == ["NAME", "REFERENCE", "MIN/MAX", "REPLICAS", "TARGETS", "AGE"]
    assert columns_for("hpa", True)[0].title == "NAMESPACE"


def test_a_cpu_hpa_scaling_up_shows_current_against_target_and_what_it_wants() -> None:
    assert cells(hpa("web")) == {
        "name": "web",
        "reference": "Deployment/web",
        "minmax": "2/10",
        "replicas": "3/4",
        "targets": "cpu 83%/70%",
        "age": "30m",
    }
    assert rows_for("hpa", hpa("web"), NOW, False)[0].tone == "progressing"


def test_every_v2_metric_type_is_matched_to_its_status_by_what_it_measures() -> None:
    # the status lists them in another order than the spec: matched by name, not position
    assert cells(hpa("api"))["targets"] == (
        "queue_messages_ready 45/30 (avg), memory 300Mi/512Mi, packets-per-second 900/1k, "
        "requests-per-second of Ingress/main-route 2k/10k, cpu of app 50%/60%"
    )


def test_a_missing_status_reads_unknown_and_min_defaults_to_one() -> None:
    assert cells(hpa("fresh")) == {
        "name": "fresh",
        "reference": "Deployment/fresh",
        "minmax": "1/4",
        "replicas": "<unknown>/<unknown>",
        "targets": "cpu <unknown>/50%",
        "age": "30m",
    }


def test_odd_fields_read_unknown_and_are_made_safe() -> None:
    row = cells(hpa("odd"))
    assert row["reference"] == "Deployment^[[31m/odd name"
    assert row["minmax"] == "1/<unknown>"  # "ten" is no count
    assert row["replicas"] == "3/<unknown>"
    assert row["targets"] == (
        "Custom <unknown>/<unknown>, <unknown> <unknown>/<unknown>, rps 12/not-a-quantity"
    )


def test_no_metrics_at_all_says_none() -> None:
    bare = {"metadata": {"name": "bare"}, "spec": {"maxReplicas": 3}}
    assert cells(bare)["targets"] == "<none>"
    assert autoscaler(bare).summary() == "HPA bare: 1-3, wants <unknown>, no metrics"


@pytest.mark.parametrize(
    "broken",
    [
        {},
        {"spec": None, "status": None},
        {"spec": [], "status": "x"},
        {"spec": {"metrics": "cpu", "scaleTargetRef": "web"}, "status": {"conditions": {}}},
        {"spec": {"metrics": [{"type": "Resource", "resource": {"target": "70%"}}]}},
        {"status": {"currentMetrics": [{"type": "Resource", "resource": None}]}},
    ],
)
def test_malformed_objects_never_raise(broken: dict[str, Any]) -> None:
    row = rows_for("hpa", broken, NOW, False)[0]
    assert len(row.cells) == 6
    describe(broken, [], NOW, kind="HorizontalPodAutoscaler")


def test_the_recorded_server_answer_when_metrics_cannot_be_read() -> None:
    read = autoscaler(recorded_hpa())
    # the 0 it writes as desiredReplicas then is no count it wants
    assert read.desired is None
    assert read.summary() == "HPA web: 2-5, at 2, wants <unknown>, cpu <unknown>/70%"
    assert str(read.trouble) == (
        "ScalingActive: NO: it cannot compute a replica count (FailedGetResourceMetric)"
    )
    assert rows_for("hpa", recorded_hpa(), NOW, False)[0].tone == "warning"


# -- conditions in words ---------------------------------------------------------------------


def test_scaling_limited_says_what_the_metrics_ask_for_against_the_bound() -> None:
    read = autoscaler(hpa("burst"))
    limited = [str(c) for c in read.conditions if c.type == "ScalingLimited"]
    # 10 replicas at 140% of a 100% target ask for 14
    assert limited == ["ScalingLimited: desired 14 is above max 10 (TooManyReplicas)"]
    assert read.trouble is not None and read.trouble.type == "ScalingLimited"


def test_too_few_and_within_range_in_words() -> None:
    low = hpa("burst")
    low["status"]["currentReplicas"] = 2
    low["status"]["currentMetrics"][0]["resource"]["current"]["averageUtilization"] = 20
    low["status"]["conditions"][2].update(reason="TooFewReplicas", message="")
    words = [str(c) for c in autoscaler(low).conditions]
    assert words[2] == "ScalingLimited: desired 1 is below min 2 (TooFewReplicas)"
    within = [c.line for c in autoscaler(hpa("web")).conditions]
    assert within == [
        "AbleToScale: yes (SucceededRescale): the HPA controller was able to update the "
        "target scale to 4",
        "ScalingActive: yes (ValidMetricFound): the HPA was able to successfully calculate a "
        "replica count from cpu resource utilization (percentage of request)",
        "ScalingLimited: no: desired 4 is within 2-10 (DesiredWithinRange): the desired count "
        "is within the acceptable range",
    ]


def test_within_the_tolerance_the_metrics_ask_for_no_change() -> None:
    near = hpa("burst")
    near["status"]["currentMetrics"][0]["resource"]["current"]["averageUtilization"] = 108
    assert autoscaler(near).wanted_by_metrics == 10


def test_without_a_number_to_go_on_the_limit_is_said_without_one() -> None:
    blind = hpa("burst")
    blind["status"]["currentMetrics"] = None
    assert str(autoscaler(blind).conditions[2]) == (
        "ScalingLimited: desired is above max 10 (TooManyReplicas)"
    )


def field(line: str) -> tuple[str, str]:
    """A describe line as its label and its value, blanks collapsed."""
    label, _, value = line.partition(":")
    return label, " ".join(value.split())


def test_describe_lists_metrics_conditions_in_words_and_events() -> None:
    event = {
        "type": "Normal",
        "reason": "SuccessfulRescale",
        "message": "New size: 4; reason: cpu resource utilization (percentage of request) above "
        "target",
        "source": {"component": "horizontal-pod-autoscaler"},
        "firstTimestamp": "2024-05-14T10:25:00Z",
        "lastTimestamp": "2024-05-14T10:25:00Z",
        "count": 1,
    }
    text = describe(hpa("burst"), [event], NOW, kind="HorizontalPodAutoscaler")
    lines = text.splitlines()
    assert "Reference:          Deployment/burst" in lines
    assert "Metrics:            ( current / target )" in lines
    assert "  cpu: 140% / 100%" in lines
    fields = dict(field(line) for line in lines if ":" in line)
    assert fields["Min replicas"] == "2" and fields["Max replicas"] == "10"
    assert fields["Deployment pods"] == "10 current / 10 desired"
    assert (
        "  ScalingLimited: desired 14 is above max 10 (TooManyReplicas): the desired replica "
        "count is more than the maximum replica count"
    ) in lines
    assert any(
        line.split()[:3] == ["Normal", "SuccessfulRescale", "5m"] and "New size: 4" in line
        for line in lines
    )


def test_describe_of_an_hpa_with_no_status() -> None:
    text = describe(hpa("fresh"), [], NOW, kind="HorizontalPodAutoscaler")
    fields = dict(field(line) for line in text.splitlines() if ":" in line)
    assert fields["Deployment pods"] == "<unknown> current / <unknown> desired"
    assert fields["Conditions"] == "<none>" and fields["Events"] == "<none>"


# -- the rollout panel -----------------------------------------------------------------------


def web_deployment() -> dict[str, Any]:
    return {
        "metadata": {"name": "web", "namespace": "shop", "uid": "d-1", "generation": 1},
        "spec": {"replicas": 3},
        "status": {"observedGeneration": 1},
    }


def test_the_rollout_panel_of_a_deployment_names_its_hpa_with_bounds_and_metrics() -> None:
    objects = {
        "replicasets": {},
        "pods": {},
        "horizontalpodautoscalers": {f"shop/{h['metadata']['name']}": h for h in all_hpas()},
    }
    tree = rollout_panel("deployments", web_deployment(), objects, NOW)
    assert [h.summary() for h in tree.autoscalers] == ["HPA web: 2-10, at 3, wants 4, cpu 83%/70%"]
    objects["horizontalpodautoscalers"] = {}
    assert rollout_panel("deployments", web_deployment(), objects, NOW).autoscalers == ()


def test_a_statefulsets_panel_has_its_hpa_and_a_daemonsets_none() -> None:
    sts = {
        "metadata": {"name": "api", "namespace": "shop", "uid": "s-1"},
        "spec": {"replicas": 3},
        "status": {},
    }
    objects = {
        "controllerrevisions": {},
        "pods": {},
        "horizontalpodautoscalers": {"shop/api": hpa("api")},
    }
    tree = rollout_panel("statefulsets", sts, objects, NOW)
    assert [h.name for h in tree.autoscalers] == ["api"]
    daemonset = {"metadata": {"name": "api", "namespace": "shop"}, "spec": {}, "status": {}}
    assert rollout_panel("daemonsets", daemonset, objects, NOW).autoscalers == ()


def test_an_hpa_of_a_statefulset_of_the_same_name_is_not_the_deployments() -> None:
    found = autoscalers_of("Deployment", "api", all_hpas())
    assert found == []
    assert [h.name for h in autoscalers_of("StatefulSet", "api", all_hpas())] == ["api"]


# -- the scale plan --------------------------------------------------------------------------


def deployment(replicas: int) -> dict[str, Any]:
    return {"metadata": {"name": "web", "namespace": "shop"}, "spec": {"replicas": replicas}}


def test_scaling_without_an_hpa_warns_of_nothing() -> None:
    plan = Scale(DEPLOY, 5).plan({"deployment": deployment(3), "hpas": [hpa("burst")]})
    assert plan.warnings == ()


@pytest.mark.parametrize(
    ("replicas", "said"),
    [
        (
            5,
            "HorizontalPodAutoscaler web (2-10) controls this Deployment: it sets the replicas "
            "from its metrics and will undo this (it wants 4 now)",
        ),
        (
            14,
            "HorizontalPodAutoscaler web (2-10) controls this Deployment: 14 is above its max "
            "10; it will scale it back to 10",
        ),
        (
            1,
            "HorizontalPodAutoscaler web (2-10) controls this Deployment: 1 is below its min 2; "
            "it will scale it back to 2",
        ),
        (
            0,
            "HorizontalPodAutoscaler web (2-10) controls this Deployment: at 0 replicas it "
            "stops scaling it (ScalingDisabled) until it is scaled up again",
        ),
    ],
)
def test_scaling_a_deployment_an_hpa_controls_says_what_the_hpa_will_do(
    replicas: int, said: str
) -> None:
    plan = Scale(DEPLOY, replicas).plan({"deployment": deployment(3), "hpas": all_hpas()})
    assert plan.warnings == (said,)
    assert plan.runnable  # a warning, not a refusal: the user may still want it


def test_scaling_a_statefulset_an_hpa_controls_warns_too() -> None:
    sts = {"metadata": {"name": "api", "namespace": "shop"}, "spec": {"replicas": 3}}
    plan = Scale(STS, 20).plan({"deployment": sts, "hpas": all_hpas()})
    assert plan.warnings == (
        "HorizontalPodAutoscaler api (3-12) controls this StatefulSet: 20 is above its max 12; "
        "it will scale it back to 12",
    )


def test_two_hpas_on_one_deployment_are_both_named() -> None:
    second = hpa("web")
    second["metadata"]["name"] = "web-memory"
    second["spec"]["maxReplicas"] = 6
    plan = Scale(DEPLOY, 8).plan({"deployment": deployment(3), "hpas": [hpa("web"), second]})
    assert [w.split(" controls")[0] for w in plan.warnings] == [
        "HorizontalPodAutoscaler web (2-10)",
        "HorizontalPodAutoscaler web-memory (2-6)",
    ]
