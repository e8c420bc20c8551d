"""HorizontalPodAutoscalers for tests: the object as a user applies it (autoscaling/v2) and the
status the HPA controller writes (currentReplicas/desiredReplicas, currentMetrics, the three
conditions with the controller's own reasons and messages, from pkg/controller/podautoscaler).
The fake runs no HPA controller: a test sets the status it wants with ``set_hpa_status``."""

from __future__ import annotations

from typing import Any

HPAS = "horizontalpodautoscalers"
_STAMP = "2026-12-07T12:38:44Z"


def cpu_target(utilization: int = 70) -> dict[str, Any]:
    return {
        "type": "Resource",
        "resource": {
            "name": "cpu",
            "target": {"type": "Utilization", "averageUtilization": utilization},
        },
    }


def cpu_current(utilization: int, average: str = "") -> dict[str, Any]:
    current: dict[str, Any] = {"averageUtilization": utilization}
    if average:
        current["averageValue"] = average
    return {"type": "Resource", "resource": {"name": "cpu", "current": current}}


def hpa(
    name: str = "web",
    target: str = "web",
    kind: str = "Deployment",
    min_replicas: int | None = 2,
    max_replicas: int = 10,
    metrics: list[dict[str, Any]] | None = None,
    ns: str = "default",
) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "scaleTargetRef": {"apiVersion": "apps/v1", "kind": kind, "name": target},
        "maxReplicas": max_replicas,
        "metrics": [cpu_target()] if metrics is None else metrics,
    }
    if min_replicas is not None:
        spec["minReplicas"] = min_replicas
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": name, "namespace": ns},
        "spec": spec,
    }


def _condition(ctype: str, status: str, reason: str, message: str) -> dict[str, Any]:
    return {
        "type": ctype,
        "status": status,
        "lastTransitionTime": _STAMP,
        "reason": reason,
        "message": message,
    }


def hpa_status(
    current: int,
    desired: int,
    current_metrics: list[dict[str, Any]] | None = None,
    *,
    limited: str = "",  # "TooManyReplicas" or "TooFewReplicas": desired held at a bound
    metrics_fail: bool = False,  # the controller cannot read the metrics
) -> dict[str, Any]:
    """What the controller writes after a pass over a CPU-scaled target."""
    if metrics_fail:
        return {
            "currentReplicas": current,
            "desiredReplicas": 0,
            "currentMetrics": None,
            "conditions": [
                _condition(
                    "AbleToScale",
                    "True",
                    "SucceededGetScale",
                    "the HPA controller was able to get the target's current scale",
                ),
                _condition(
                    "ScalingActive",
                    "False",
                    "FailedGetResourceMetric",
                    "the HPA was unable to compute the replica count: failed to get cpu "
                    "utilization: unable to get metrics for resource cpu: no metrics returned "
                    "from resource metrics API",
                ),
            ],
        }
    limits = {
        "TooManyReplicas": "the desired replica count is more than the maximum replica count",
        "TooFewReplicas": "the desired replica count is less than the minimum replica count",
    }
    scaling_limited = (
        _condition("ScalingLimited", "True", limited, limits[limited])
        if limited
        else _condition(
            "ScalingLimited",
            "False",
            "DesiredWithinRange",
            "the desired count is within the acceptable range",
        )
    )
    return {
        "currentReplicas": current,
        "desiredReplicas": desired,
        "currentMetrics": current_metrics or [],
        "conditions": [
            _condition(
                "AbleToScale", "True", "ReadyForNewScale", "recommended size matches current size"
            ),
            _condition(
                "ScalingActive",
                "True",
                "ValidMetricFound",
                "the HPA was able to successfully calculate a replica count from cpu resource "
                "utilization (percentage of request)",
            ),
            scaling_limited,
        ],
    }


def set_hpa_status(fake: Any, namespace: str, name: str, status: dict[str, Any]) -> None:
    """Write ``status`` as the HPA controller would (watchers see a MODIFIED event)."""
    fake.state.mutate(HPAS, namespace, name, lambda obj: obj.__setitem__("status", status))
