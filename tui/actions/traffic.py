"""Traffic switches: flip a blue/green Service, set a canary's weight (Ingress or replicas)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gok_tui.actions.base import JSON_PATCH, MERGE_PATCH, ObjectRef, Plan, Request, pointer, still
from gok_tui.actions.deployments import hpas_targeting, readable_hpas
from gok_tui.domain.kinds import KINDS
from gok_tui.domain.traffic import (
    CANARY_ANNOTATION,
    CANARY_WEIGHT_ANNOTATION,
    canary_weight,
    pods_selected,
    readiness_problem,
    service_selector,
    template_labels,
)

if TYPE_CHECKING:
    from gok_tui.backends.kube import KubeBackend


def _replicas(deployment: dict[str, Any]) -> int:
    value = (deployment.get("spec") or {}).get("replicas")
    return 1 if value is None else int(value)


@dataclass(frozen=True)
class SwitchService:
    """Blue/green: point the Service's selector at the other Deployment's pods, but only when
    every one of them is Ready (a Service with no ready endpoints drops every request)."""

    ref: ObjectRef  # the Service
    label: str
    to_value: str
    to_deployment: str
    from_deployment: str = ""  # the side live now: where the one-key revert goes
    name: str = "switch"

    def fetch(self, backend: KubeBackend) -> dict[str, Any]:
        namespace = self.ref.namespace
        service = backend.get(KINDS["services"], namespace, self.ref.name)
        target = backend.get(KINDS["deployments"], namespace, self.to_deployment)
        wanted = {**service_selector(service), self.label: self.to_value}
        selector = ",".join(f"{k}={v}" for k, v in sorted(wanted.items()))
        pods = backend.list(KINDS["pods"], namespace, label_selector=selector).items
        return {"service": service, "target": target, "pods": pods}

    def plan(self, snapshot: dict[str, Any]) -> Plan:
        service, target = snapshot["service"], snapshot["target"]
        selector = service_selector(service)
        current = selector.get(self.label, "")
        new_selector = {**selector, self.label: self.to_value}
        refusal = ""
        if template_labels(target).get(self.label) != self.to_value:
            refusal = (
                f"deployment {self.to_deployment} has no pods labelled {self.label}={self.to_value}"
            )
        else:
            problem = readiness_problem(target, pods_selected(snapshot["pods"], new_selector))
            if problem:
                refusal = f"not every endpoint would be Ready: {problem}"
        return Plan(
            action=self.name,
            ref=self.ref,
            summary=(
                f"send all traffic of {self.ref} to {self.label}={self.to_value} "
                f"(deployment {self.to_deployment})"
            ),
            before=f"{self.label}={current}",
            after=f"{self.label}={self.to_value}",
            method="PATCH",
            path=KINDS["services"].object_path(self.ref.namespace, self.ref.name),
            body=[
                still("/spec/selector", selector),
                {"op": "replace", "path": "/spec/selector", "value": new_selector},
            ],
            content_type=JSON_PATCH,
            dangerous=True,
            refusal=refusal,
            noop=not refusal and current == self.to_value,
            inverse=(
                SwitchService(
                    self.ref, self.label, current, self.from_deployment, self.to_deployment
                )
                if current and self.from_deployment
                else None
            ),
        )


@dataclass(frozen=True)
class SetCanaryWeight:
    """ingress-nginx: the canary Ingress's ``canary-weight`` annotation (0-100)."""

    ref: ObjectRef  # the canary Ingress
    weight: int
    name: str = "canary weight"

    def fetch(self, backend: KubeBackend) -> dict[str, Any]:
        return {"ingress": backend.get(KINDS["ingresses"], self.ref.namespace, self.ref.name)}

    def plan(self, snapshot: dict[str, Any]) -> Plan:
        ingress = snapshot["ingress"]
        annotations = (ingress.get("metadata") or {}).get("annotations") or {}
        current = canary_weight(annotations)
        weight_path = pointer("metadata", "annotations", CANARY_WEIGHT_ANNOTATION)
        refusal = ""
        if str(annotations.get(CANARY_ANNOTATION, "")).lower() != "true":
            refusal = f'{self.ref} is not a canary Ingress ({CANARY_ANNOTATION} is not "true")'
        elif not 0 <= self.weight <= 100:
            refusal = f"a weight is 0 to 100, not {self.weight}"
        # going back to a value that was not a weight would be no undo: there is none then
        inverse = None if current.problem else SetCanaryWeight(self.ref, current.value)
        return Plan(
            action=self.name,
            ref=self.ref,
            summary=f"send {self.weight}% of {self.ref}'s requests to the canary",
            before=current.describe(),
            after=f"canary {self.weight}%",
            method="PATCH",
            path=KINDS["ingresses"].object_path(self.ref.namespace, self.ref.name),
            body=[
                *(
                    [still(weight_path, current.written)]
                    if CANARY_WEIGHT_ANNOTATION in annotations
                    else []
                ),
                {"op": "add", "path": weight_path, "value": str(self.weight)},
            ],
            content_type=JSON_PATCH,
            dangerous=self.weight == 100,
            refusal=refusal,
            noop=not refusal and current.written == str(self.weight),
            inverse=inverse,
        )


def replica_split(total: int, weight: int) -> tuple[int, int]:
    """(stable, canary) replicas for a weight, keeping the total."""
    canary = round(total * weight / 100)
    return total - canary, canary


@dataclass(frozen=True)
class SetCanaryReplicas:
    """No canary Ingress: the split is the replica ratio of two Deployments behind one Service.
    The total stays; the side that grows is scaled first so capacity never dips."""

    ref: ObjectRef  # the canary Deployment
    stable: str
    canary_replicas: int
    name: str = "canary replicas"

    def fetch(self, backend: KubeBackend) -> dict[str, Any]:
        namespace = self.ref.namespace
        return {
            "canary": backend.get(KINDS["deployments"], namespace, self.ref.name),
            "stable": backend.get(KINDS["deployments"], namespace, self.stable),
            "hpas": readable_hpas(backend, namespace),
        }

    def plan(self, snapshot: dict[str, Any]) -> Plan:
        canary_now, stable_now = _replicas(snapshot["canary"]), _replicas(snapshot["stable"])
        total = canary_now + stable_now
        canary_to = self.canary_replicas
        stable_to = total - canary_to
        refusal = ""
        if not 0 <= canary_to <= total:
            refusal = f"the canary can have 0 to {total} of the {total} replicas"
        deployments = KINDS["deployments"]
        canary_scale = (
            "PATCH",
            deployments.object_path(self.ref.namespace, self.ref.name) + "/scale",
            {"spec": {"replicas": canary_to}},
            f"scale {self.ref.name} to {canary_to}",
        )
        stable_scale = (
            "PATCH",
            deployments.object_path(self.ref.namespace, self.stable) + "/scale",
            {"spec": {"replicas": stable_to}},
            f"scale {self.stable} to {stable_to}",
        )
        first, second = (
            (canary_scale, stable_scale)
            if canary_to >= canary_now
            else (stable_scale, canary_scale)
        )
        percent = round(100 * canary_to / total) if total else 0
        warnings = tuple(
            f"HorizontalPodAutoscaler {hpa} controls {name} and will move this split"
            for name in (self.ref.name, self.stable)
            for hpa in hpas_targeting(name, snapshot.get("hpas", []))
        )
        return Plan(
            action=self.name,
            ref=self.ref,
            summary=(
                f"canary {self.ref.name} {canary_to} of {total} replicas (~{percent}%), "
                f"stable {self.stable} {stable_to}"
            ),
            before=f"stable {stable_now} / canary {canary_now}",
            after=f"stable {stable_to} / canary {canary_to}",
            method=first[0],
            path=first[1],
            body=first[2],
            content_type=MERGE_PATCH,
            then=(Request(second[0], second[1], second[2], MERGE_PATCH, second[3]),),
            dangerous=stable_to == 0,
            warnings=warnings,
            refusal=refusal,
            noop=not refusal and canary_to == canary_now,
            inverse=SetCanaryReplicas(self.ref, self.stable, canary_now),
        )
