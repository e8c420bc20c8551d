"""Where a Service's traffic goes: blue/green pairs and canary splits, found or declared.

Pure: objects in, routes out. A blue/green pair is two Deployments whose pod labels differ by
one key that the Service selects on; a canary is either an ingress-nginx canary Ingress (its
``canary-weight``) or two Deployments behind one Service (the split is their replica ratio).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from gok_tui.domain.endpoints import leaving, ready_endpoint
from gok_tui.domain.rollout import rollout_state
from gok_tui.domain.text import clean

CANARY_ANNOTATION = "nginx.ingress.kubernetes.io/canary"
CANARY_WEIGHT_ANNOTATION = "nginx.ingress.kubernetes.io/canary-weight"
CANARY_TRACK_VALUES = ("canary",)
STABLE_TRACK_VALUES = ("stable", "main", "primary", "prod", "production")

Obj = Mapping[str, Any]
RouteKind = Literal["bluegreen", "canary-ingress", "canary-replicas"]


@dataclass(frozen=True)
class Side:
    """One Deployment of a pair, and what it would take to send it traffic."""

    deployment: str
    value: str  # its value of the pair's label ("blue", "green", "canary")
    desired: int
    ready: int
    images: tuple[str, ...]
    not_ready_reason: str  # "" when every pod the Service would select is Ready


@dataclass(frozen=True)
class TrafficRoute:
    kind: RouteKind
    namespace: str
    name: str  # the Service (blue/green, replica canary) or the canary Ingress
    label: str = ""  # the label the pair differs by
    sides: tuple[Side, ...] = ()  # blue/green: both; canary-replicas: (stable, canary)
    live: str = ""  # blue/green: the label value the Service selects now
    weight: int = 0  # canary: percent of requests to the canary
    stable_ingress: str = ""  # canary-ingress: the Ingress it shadows, if found
    declared: bool = False  # named in gok.toml rather than detected
    notes: tuple[str, ...] = field(default=(), compare=False)

    @property
    def key(self) -> str:
        return f"{self.namespace}/{self.kind}/{self.name}"

    def split(self) -> str:
        if self.kind == "bluegreen":
            return " · ".join(
                f"{side.value} {100 if side.value == self.live else 0}%" for side in self.sides
            )
        return f"stable {100 - self.weight}% · canary {self.weight}%"

    def side(self, value: str) -> Side | None:
        return next((s for s in self.sides if s.value == value), None)

    @property
    def other(self) -> Side | None:
        """Blue/green: the side that is not live (where a switch would send traffic)."""
        return next((s for s in self.sides if s.value != self.live), None)


@dataclass(frozen=True)
class DeclaredTraffic:
    """``[traffic]`` in gok.toml: pairs named by hand, found even when detection cannot."""

    namespace: str | None = None
    service: str | None = None
    bluegreen: tuple[str, ...] = ()  # two Deployment names
    stable: str | None = None
    canary: str | None = None


def _meta(obj: Obj) -> Mapping[str, Any]:
    return obj.get("metadata") or {}


def _name(obj: Obj) -> str:
    return str(_meta(obj).get("name", ""))


def template_labels(deployment: Obj) -> dict[str, str]:
    template = (deployment.get("spec") or {}).get("template") or {}
    return {
        str(k): str(v) for k, v in ((template.get("metadata") or {}).get("labels") or {}).items()
    }


def service_selector(service: Obj) -> dict[str, str]:
    return {str(k): str(v) for k, v in ((service.get("spec") or {}).get("selector") or {}).items()}


def _matches(labels: Mapping[str, str], selector: Mapping[str, str]) -> bool:
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def pods_selected(pods: Iterable[Obj], selector: Mapping[str, str]) -> list[Obj]:
    return [p for p in pods if _matches(_meta(p).get("labels") or {}, selector)]


def readiness_problem(deployment: Obj, selected_pods: Sequence[Obj]) -> str:
    """Why a Service pointed at these pods would not have all its endpoints Ready ("" if it
    would): the rollout must be complete and every selected pod a Ready endpoint, as the
    endpoints controller decides it (see ``endpoints``); terminating pods are leaving and
    count for nothing."""
    name = _name(deployment)
    desired = int((deployment.get("spec") or {}).get("replicas", 1) or 0)
    if desired == 0:
        return f"{name} has 0 replicas: scale it up first"
    state = rollout_state(deployment)
    if state.phase != "complete":
        return f"{name} is not rolled out: {state.message}"
    staying = [pod for pod in selected_pods if not leaving(pod)]
    waiting = [pod for pod in staying if not ready_endpoint(pod)]
    ready_count = len(staying) - len(waiting)
    if waiting:
        no_ip = [_name(p) for p in waiting if not (p.get("status") or {}).get("podIP")]
        not_ready = [_name(p) for p in waiting if (p.get("status") or {}).get("podIP")]
        why = "; ".join(
            f"{label}: {_listed(names)}"
            for label, names in (("not Ready", not_ready), ("no address yet", no_ip))
            if names
        )
        return f"{name}: {ready_count} of {len(staying)} pods Ready ({why})"
    if ready_count < desired:
        return f"{name}: {ready_count} of {desired} pods Ready"
    return ""


def _listed(names: list[str]) -> str:
    return ", ".join(sorted(names)[:3]) + (" …" if len(names) > 3 else "")


def _side(deployment: Obj, label: str, service_sel: Mapping[str, str], pods: Sequence[Obj]) -> Side:
    value = template_labels(deployment).get(label, "")
    selector = {**service_sel, label: value}
    containers = (((deployment.get("spec") or {}).get("template") or {}).get("spec") or {}).get(
        "containers"
    ) or []
    status = deployment.get("status") or {}
    return Side(
        deployment=_name(deployment),
        value=value,
        desired=int((deployment.get("spec") or {}).get("replicas", 1) or 0),
        ready=int(status.get("readyReplicas") or 0),
        images=tuple(str(c.get("image", "")) for c in containers),
        not_ready_reason=readiness_problem(deployment, pods_selected(pods, selector)),
    )


def _differing_key(a: Mapping[str, str], b: Mapping[str, str]) -> str | None:
    keys = {k for k in set(a) | set(b) if a.get(k) != b.get(k)}
    return keys.pop() if len(keys) == 1 else None


def _pair_for_service(
    service: Obj, deployments: Sequence[Obj], pods: Sequence[Obj], wanted: tuple[str, ...] = ()
) -> TrafficRoute | None:
    selector = service_selector(service)
    if not selector:
        return None
    namespace = str(_meta(service).get("namespace", ""))
    in_ns = [d for d in deployments if _meta(d).get("namespace") == namespace]
    if wanted:
        chosen = [d for d in in_ns if _name(d) in wanted]
        if len(chosen) != 2:
            return None
        label = _differing_key(template_labels(chosen[0]), template_labels(chosen[1]))
        if label is None or label not in selector:
            return None
        candidates = {label: chosen}
    else:
        candidates = {}
        for label in selector:
            rest = {k: v for k, v in selector.items() if k != label}
            found = [
                d
                for d in in_ns
                if label in template_labels(d) and _matches(template_labels(d), rest)
            ]
            if (
                len(found) == 2
                and _differing_key(template_labels(found[0]), template_labels(found[1])) == label
            ):
                candidates[label] = found
    for label, pair in candidates.items():
        live = selector[label]
        values = [template_labels(d).get(label) for d in pair]
        if live not in values:
            continue
        sides = tuple(_side(d, label, selector, pods) for d in sorted(pair, key=lambda d: _name(d)))
        return TrafficRoute(
            "bluegreen",
            namespace,
            _name(service),
            label=label,
            sides=sides,
            live=live,
            declared=bool(wanted),
        )
    return None


@dataclass(frozen=True)
class CanaryWeight:
    """The ``canary-weight`` annotation as the server has it and as ingress-nginx reads it: the
    table, the confirm and the plan all use this one reading."""

    value: int  # the percent ingress-nginx sends to the canary
    written: str  # the annotation's text on the server ("" when it is not set)

    @property
    def problem(self) -> str:
        if self.written in ("", str(self.value)):
            return ""
        return (
            f"canary-weight '{clean(self.written, 40)}' is not a whole number from 0 to 100; "
            f"ingress-nginx reads it as {self.value}"
        )

    def describe(self) -> str:
        return f"canary {self.value}%" + (f" ({self.problem})" if self.problem else "")


def canary_weight(annotations: Mapping[str, Any]) -> CanaryWeight:
    written = annotations.get(CANARY_WEIGHT_ANNOTATION)
    text = "" if written is None else str(written)
    try:
        value = max(0, min(100, int(text.strip() or "0")))
    except ValueError:
        value = 0  # ingress-nginx falls back to its default weight, 0
    return CanaryWeight(value, text)


def _ingress_paths(ingress: Obj) -> set[tuple[str, str]]:
    found = set()
    for rule in (ingress.get("spec") or {}).get("rules") or []:
        for path in (rule.get("http") or {}).get("paths") or []:
            found.add((str(rule.get("host") or "*"), str(path.get("path") or "/")))
    return found


def canary_ingresses(ingresses: Sequence[Obj]) -> list[TrafficRoute]:
    routes = []
    for ingress in ingresses:
        annotations = _meta(ingress).get("annotations") or {}
        if str(annotations.get(CANARY_ANNOTATION, "")).lower() != "true":
            continue
        namespace = _meta(ingress).get("namespace", "")
        paths = _ingress_paths(ingress)
        stable = next(
            (
                _name(other)
                for other in ingresses
                if other is not ingress
                and _meta(other).get("namespace") == namespace
                and str((_meta(other).get("annotations") or {}).get(CANARY_ANNOTATION, "")).lower()
                != "true"
                and _ingress_paths(other) & paths
            ),
            "",
        )
        notes = () if stable else ("no non-canary Ingress serves the same host and path",)
        weight = canary_weight(annotations)
        routes.append(
            TrafficRoute(
                "canary-ingress",
                str(namespace),
                _name(ingress),
                weight=weight.value,
                stable_ingress=stable,
                notes=(*notes, weight.problem) if weight.problem else notes,
            )
        )
    return routes


def _replica_canary(
    service: Obj, deployments: Sequence[Obj], pods: Sequence[Obj], declared: DeclaredTraffic
) -> TrafficRoute | None:
    """Two Deployments behind one Service, one of them the canary: the split is by replicas."""
    selector = service_selector(service)
    namespace = str(_meta(service).get("namespace", ""))
    behind = [
        d
        for d in deployments
        if _meta(d).get("namespace") == namespace and _matches(template_labels(d), selector)
    ]
    if len(behind) != 2:
        return None
    by_name = {_name(d): d for d in behind}
    if declared.stable in by_name and declared.canary in by_name:
        stable, canary = by_name[declared.stable], by_name[declared.canary]
    else:
        label = _differing_key(template_labels(behind[0]), template_labels(behind[1]))
        if label is None:
            return None
        values = {template_labels(d).get(label, ""): d for d in behind}
        canary_value = next((v for v in values if v in CANARY_TRACK_VALUES), None)
        if canary_value is None:
            return None
        canary = values[canary_value]
        stable = next(d for d in behind if d is not canary)
    label = _differing_key(template_labels(stable), template_labels(canary)) or ""
    sides = (_side(stable, label, selector, pods), _side(canary, label, selector, pods))
    total = sides[0].desired + sides[1].desired
    weight = round(100 * sides[1].desired / total) if total else 0
    return TrafficRoute(
        "canary-replicas",
        namespace,
        _name(service),
        label=label,
        sides=sides,
        weight=weight,
        declared=declared.canary is not None,
    )


def traffic_routes(
    services: Sequence[Obj],
    deployments: Sequence[Obj],
    ingresses: Sequence[Obj],
    pods: Sequence[Obj],
    declared: DeclaredTraffic | None = None,
) -> list[TrafficRoute]:
    declared = declared or DeclaredTraffic()
    routes: list[TrafficRoute] = []
    for service in services:
        wanted = (
            declared.bluegreen
            if declared.service == _name(service)
            and (declared.namespace in (None, _meta(service).get("namespace")))
            else ()
        )
        pair = _pair_for_service(service, deployments, pods, wanted)
        if pair is not None:
            routes.append(pair)
            continue
        canary = _replica_canary(service, deployments, pods, declared)
        if canary is not None:
            routes.append(canary)
    routes.extend(canary_ingresses(ingresses))
    return sorted(routes, key=lambda r: r.key)
