"""What a HorizontalPodAutoscaler (autoscaling/v2) says, read once for every place that shows
it: the HPA view's row and describe, the rollout panel's HPA line, the scale plan's warning.

A metric is read as current against target ("cpu 83%/70%"), matched to its status entry by
what it measures (type, name, container, described object), not by position. Anything the
object leaves out or that this code does not know (a missing status, a new metric type, a value
that is not a quantity) reads ``<unknown>``; nothing here raises on what a server sends.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from gok_tui.domain.quantity import quantity_or_none
from gok_tui.domain.text import clean
from gok_tui.domain.timefmt import UNKNOWN

# the HPA controller leaves the replicas alone while every ratio is this close to 1
# (--horizontal-pod-autoscaler-tolerance)
TOLERANCE = Decimal("0.1")
_TEXT_LIMIT = 64


@dataclass(frozen=True)
class MetricReading:
    """One metric of an HPA: what it measures, its current value and its target."""

    name: str  # "cpu", "memory of app", "requests_per_second", ...
    current: str  # "83%", "415m", "<unknown>"
    target: str  # "70%", "500m", "10 (avg)", "<unknown>"
    ratio: Decimal | None = None  # current / target, when both are numbers

    def __str__(self) -> str:
        return f"{self.name} {self.current}/{self.target}"


@dataclass(frozen=True)
class ConditionWords:
    """One of an HPA's conditions, in words."""

    type: str  # "AbleToScale", "ScalingActive", "ScalingLimited", ...
    words: str  # "desired 14 is above max 10 (TooManyReplicas)"
    message: str  # the controller's own sentence, "" when it gave none
    bad: bool  # shown as a warning

    def __str__(self) -> str:
        return f"{self.type}: {self.words}"

    @property
    def line(self) -> str:
        """The words and the controller's message: what describe shows."""
        return f"{self}: {self.message}" if self.message else str(self)


@dataclass(frozen=True)
class Autoscaler:
    name: str
    namespace: str
    target_kind: str
    target_name: str
    min_replicas: int
    max_replicas: int | None
    current: int | None  # replicas as the HPA last saw them
    desired: int | None  # what it last asked for (within its bounds)
    metrics: tuple[MetricReading, ...]
    conditions: tuple[ConditionWords, ...]
    wanted_by_metrics: int | None  # what the metrics ask for, before the bounds (estimated)

    @property
    def reference(self) -> str:
        return f"{self.target_kind}/{self.target_name}"

    @property
    def bounds(self) -> str:
        """``2-10``: the replicas it keeps the target between."""
        return f"{self.min_replicas}-{_count(self.max_replicas)}"

    @property
    def metrics_text(self) -> str:
        return ", ".join(str(metric) for metric in self.metrics) or "no metrics"

    @property
    def trouble(self) -> ConditionWords | None:
        """The first condition that is a warning (cannot scale, no metrics, limited)."""
        return next((c for c in self.conditions if c.bad), None)

    def summary(self) -> str:
        """``HPA web: 2-10, wants 4, cpu 83%/70%``: one line for the rollout panel."""
        parts = [self.bounds]
        if self.current is not None and self.current != self.desired:
            parts.append(f"at {self.current}")
        parts.append(f"wants {_count(self.desired)}")
        parts.append(self.metrics_text)
        return f"HPA {self.name}: " + ", ".join(parts)

    def scale_warning(self, replicas: int, kind: str) -> str:
        """What this HPA will do after the target is scaled to ``replicas`` by hand."""
        head = f"HorizontalPodAutoscaler {self.name} ({self.bounds}) controls this {kind}"
        if replicas == 0:
            return (
                f"{head}: at 0 replicas it stops scaling it (ScalingDisabled) "
                "until it is scaled up again"
            )
        if self.max_replicas is not None and replicas > self.max_replicas:
            return (
                f"{head}: {replicas} is above its max {self.max_replicas}; "
                f"it will scale it back to {self.max_replicas}"
            )
        if replicas < self.min_replicas:
            return (
                f"{head}: {replicas} is below its min {self.min_replicas}; "
                f"it will scale it back to {self.min_replicas}"
            )
        wants = f" (it wants {self.desired} now)" if self.desired else ""
        return f"{head}: it sets the replicas from its metrics and will undo this{wants}"


def _count(value: int | None) -> str:
    return UNKNOWN if value is None else str(value)


def _int_or_none(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:  # "--5", "²", "1.5": not a count
            return None
    return None


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _items(value: object) -> list[Mapping[str, Any]]:
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, Mapping)]


def _text(value: object) -> str:
    return clean(value, _TEXT_LIMIT) if value is not None else ""


# -- metrics ---------------------------------------------------------------------------------

# where each metric type keeps its source in a spec and a status entry
_SOURCE_FIELD = {
    "Resource": "resource",
    "ContainerResource": "containerResource",
    "Pods": "pods",
    "Object": "object",
    "External": "external",
}


def _identity(mtype: str, source: Mapping[str, Any]) -> tuple[str, ...]:
    """What a metric measures: a spec metric and its status entry share it."""
    if mtype in ("Resource", "ContainerResource"):
        return (mtype, str(source.get("name")), str(source.get("container")))
    metric_name = str(_mapping(source.get("metric")).get("name"))
    if mtype == "Object":
        described = _mapping(source.get("describedObject"))
        return (mtype, metric_name, str(described.get("kind")), str(described.get("name")))
    return (mtype, metric_name)


def _label(mtype: str, source: Mapping[str, Any]) -> str:
    if mtype == "Resource":
        return _text(source.get("name")) or UNKNOWN
    if mtype == "ContainerResource":
        return f"{_text(source.get('name')) or UNKNOWN} of {_text(source.get('container'))}"
    name = _text(_mapping(source.get("metric")).get("name")) or UNKNOWN
    if mtype == "Object":
        described = _mapping(source.get("describedObject"))
        return f"{name} of {_text(described.get('kind'))}/{_text(described.get('name'))}"
    return name


def _reading(
    mtype: str, name: str, target: Mapping[str, Any], current: Mapping[str, Any] | None
) -> MetricReading:
    """Current against target, by what the target is: a utilization, an average or a value
    (kubectl's order: averageValue, then value, then utilization)."""
    now = current or {}
    kind = target.get("type")
    if kind == "Utilization" or (kind is None and "averageUtilization" in target):
        want = _int_or_none(target.get("averageUtilization"))
        have = _int_or_none(now.get("averageUtilization"))
        ratio = Decimal(have) / Decimal(want) if want and have is not None else None
        return MetricReading(
            name,
            UNKNOWN if have is None else f"{have}%",
            UNKNOWN if want is None else f"{want}%",
            ratio,
        )
    if kind in ("AverageValue", "Value"):
        field = "averageValue" if kind == "AverageValue" else "value"
    else:
        field = "averageValue" if "averageValue" in target else "value"
    if kind not in (None, "AverageValue", "Value") or field not in target:
        return MetricReading(name, UNKNOWN, UNKNOWN)
    want_text, have_text = _text(target.get(field)), _text(now.get(field))
    average = field == "averageValue" and mtype in ("Object", "External")
    want_q, have_q = quantity_or_none(target.get(field)), quantity_or_none(now.get(field))
    ratio = have_q / want_q if want_q and have_q is not None else None
    return MetricReading(
        name,
        have_text or UNKNOWN,
        (want_text or UNKNOWN) + (" (avg)" if average else ""),
        ratio,
    )


def metric_readings(
    spec: Mapping[str, Any], status: Mapping[str, Any]
) -> tuple[MetricReading, ...]:
    """Each metric of ``spec`` with its current value from ``status``."""
    current: dict[tuple[str, ...], Mapping[str, Any]] = {}
    for entry in _items(status.get("currentMetrics")):
        mtype = str(entry.get("type") or "")
        field = _SOURCE_FIELD.get(mtype)
        if field is not None:
            source = _mapping(entry.get(field))
            current[_identity(mtype, source)] = _mapping(source.get("current"))
    readings = []
    for metric in _items(spec.get("metrics")):
        mtype = str(metric.get("type") or "")
        field = _SOURCE_FIELD.get(mtype)
        if field is None:  # a metric type newer than this code
            readings.append(MetricReading(_text(mtype) or UNKNOWN, UNKNOWN, UNKNOWN))
            continue
        source = _mapping(metric.get(field))
        target = _mapping(source.get("target"))
        readings.append(
            _reading(mtype, _label(mtype, source), target, current.get(_identity(mtype, source)))
        )
    return tuple(readings)


def wanted_by_metrics(readings: Sequence[MetricReading], current: int | None) -> int | None:
    """The replicas the metrics ask for, as the controller reckons it (current x ratio, the
    largest over the metrics, unchanged within the tolerance); None when no metric says."""
    if not current:
        return None
    wanted = [
        current if abs(reading.ratio - 1) <= TOLERANCE else math.ceil(reading.ratio * current)
        for reading in readings
        if reading.ratio is not None
    ]
    return max(wanted) if wanted else None


# -- conditions ------------------------------------------------------------------------------


def _condition_words(
    condition: Mapping[str, Any],
    min_replicas: int,
    max_replicas: int | None,
    desired: int | None,
    wanted: int | None,
) -> ConditionWords:
    ctype = _text(condition.get("type")) or UNKNOWN
    status = condition.get("status")
    reason = _text(condition.get("reason"))
    message = clean(condition.get("message") or "", 400)
    because = f" ({reason})" if reason else ""
    yes = status == "True"
    if ctype == "ScalingLimited" and yes and reason == "TooManyReplicas":
        asked = f"desired {wanted}" if wanted is not None else "desired"
        words = f"{asked} is above max {_count(max_replicas)}{because}"
    elif ctype == "ScalingLimited" and yes and reason == "TooFewReplicas":
        asked = f"desired {wanted}" if wanted is not None else "desired"
        words = f"{asked} is below min {min_replicas}{because}"
    elif ctype == "ScalingLimited" and yes:
        words = f"held back by its scaling rules{because}"
    elif ctype == "ScalingLimited" and status == "False":
        bounds = f"{min_replicas}-{_count(max_replicas)}"
        words = f"no: desired {_count(desired)} is within {bounds}{because}"
    elif ctype == "ScalingActive" and status == "False":
        words = f"NO: it cannot compute a replica count{because}"
        if reason == "ScalingDisabled":
            words = f"off: the target has 0 replicas{because}"
    elif ctype == "AbleToScale" and status == "False":
        words = f"NO: it cannot change the target's scale{because}"
    elif yes:
        words = f"yes{because}"
    elif status == "False":
        words = f"no{because}"
    else:
        words = f"{_text(status) or UNKNOWN}{because}"
    bad = (
        (ctype in ("AbleToScale", "ScalingActive") and status == "False")
        or (ctype == "ScalingLimited" and yes)
    ) and reason != "ScalingDisabled"
    return ConditionWords(ctype, words, message, bad)


# -- the object ------------------------------------------------------------------------------


def autoscaler(obj: Mapping[str, Any]) -> Autoscaler:
    """An HPA object (autoscaling/v2 JSON) as the console shows it."""
    meta, spec = _mapping(obj.get("metadata")), _mapping(obj.get("spec"))
    status = _mapping(obj.get("status"))
    ref = _mapping(spec.get("scaleTargetRef"))
    min_replicas = _int_or_none(spec.get("minReplicas"))
    min_replicas = 1 if min_replicas is None else min_replicas  # the API's default
    max_replicas = _int_or_none(spec.get("maxReplicas"))
    current = _int_or_none(status.get("currentReplicas"))
    desired = _int_or_none(status.get("desiredReplicas"))
    active = next(
        (c for c in _items(status.get("conditions")) if c.get("type") == "ScalingActive"), None
    )
    if active is not None and active.get("status") == "False" and not desired:
        desired = None  # it computed none: the 0 it writes then is no count it wants
    readings = metric_readings(spec, status)
    wanted = wanted_by_metrics(readings, current)
    conditions = tuple(
        _condition_words(c, min_replicas, max_replicas, desired, wanted)
        for c in _items(status.get("conditions"))
    )
    return Autoscaler(
        name=_text(meta.get("name")),
        namespace=_text(meta.get("namespace")),
        target_kind=_text(ref.get("kind")) or UNKNOWN,
        target_name=_text(ref.get("name")) or UNKNOWN,
        min_replicas=min_replicas,
        max_replicas=max_replicas,
        current=current,
        desired=desired,
        metrics=readings,
        conditions=conditions,
        wanted_by_metrics=wanted,
    )


def targets(obj: Mapping[str, Any], kind: str, name: str) -> bool:
    """Whether the HPA ``obj`` scales the ``kind`` (e.g. "Deployment") named ``name``."""
    ref = _mapping(_mapping(obj.get("spec")).get("scaleTargetRef"))
    return ref.get("kind") == kind and ref.get("name") == name


def autoscalers_of(kind: str, name: str, hpas: Iterable[Mapping[str, Any]]) -> list[Autoscaler]:
    """The HPAs that scale ``kind``/``name`` (more than one fight each other), by name."""
    found = [
        autoscaler(hpa) for hpa in hpas if isinstance(hpa, Mapping) and targets(hpa, kind, name)
    ]
    return sorted(found, key=lambda hpa: hpa.name)
