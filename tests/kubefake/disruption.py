"""PodDisruptionBudgets and the pods/eviction subresource, as a v1.28 API server and its
disruption controller do them (pkg/controller/disruption, pkg/registry/core/pod/storage/
eviction.go; the recorded answers 19 and 49):

- the controller writes each budget's status from the pods its selector matches in its
  namespace: expectedPods, currentHealthy (Ready and not terminating), desiredHealthy
  (minAvailable, or expected - maxUnavailable; a percentage of expected, rounded up),
  disruptionsAllowed = max(0, currentHealthy - desiredHealthy), a DisruptionAllowed condition;
- an eviction (POST .../pods/NAME/eviction, an Eviction body) deletes the pod gracefully when
  no budget covers it, or when the pod is not running yet / finished / on no node; when one
  budget covers it, it is refused with 429 TooManyRequests (the budget named in the cause)
  while the budget allows no disruption or has not observed its newest generation, else the
  budget's disruptionsAllowed goes down by one and the pod is deleted (an unready pod of a
  budget that has its healthy pods goes without taking one: IfHealthyBudget); two budgets: 500;
- dryRun (the query's, or the Eviction's deleteOptions') checks everything and changes nothing;
- the answer to an eviction that went through is a Status with code 201.
"""

from __future__ import annotations

import copy
import math
from typing import Any

from tests.kubefake import deletion
from tests.kubefake.errors import ApiError, not_found
from tests.kubefake.resources import label_matcher
from tests.kubefake.state import State

TOO_MANY = "Cannot evict pod as it would violate the pod's disruption budget."


def _ready(pod: dict[str, Any]) -> bool:
    if pod["metadata"].get("deletionTimestamp"):
        return False
    for condition in (pod.get("status") or {}).get("conditions") or []:
        if condition.get("type") == "Ready":
            return condition.get("status") == "True"
    return False


def _selector(pdb: dict[str, Any]) -> Any:
    """A matcher of labels for the budget's selector (matchLabels and matchExpressions)."""
    selector = (pdb.get("spec") or {}).get("selector")
    if selector is None:
        return lambda labels: False  # policy/v1: a nil selector selects nothing
    parts = [f"{k}={v}" for k, v in sorted((selector.get("matchLabels") or {}).items())]
    for expression in selector.get("matchExpressions") or []:
        key, op, values = expression["key"], expression["operator"], expression.get("values")
        if op in ("In", "NotIn"):
            parts.append(f"{key} {op.lower()} ({','.join(values or [])})")
        else:
            parts.append(key if op == "Exists" else f"!{key}")
    if not parts:
        return lambda labels: True  # an empty selector selects every pod of the namespace
    return label_matcher(",".join(parts))


def _pods_of(state: State, pdb: dict[str, Any]) -> list[dict[str, Any]]:
    namespace, matches = pdb["metadata"]["namespace"], _selector(pdb)
    return [
        pod
        for pod in state.iter_raw("pods")
        if pod["metadata"].get("namespace") == namespace
        and matches(pod["metadata"].get("labels") or {})
    ]


def _count(value: Any, expected: int) -> int:
    if isinstance(value, str) and value.endswith("%"):
        return math.ceil(int(value[:-1]) * expected / 100)
    return int(value)


def _expected(state: State, pdb: dict[str, Any], pods: list[dict[str, Any]]) -> int:
    """How many pods the budget expects: the pods, for an integer minAvailable; else the
    scale of their controllers (a ReplicaSet's spec.replicas), as the controller counts."""
    spec = pdb.get("spec") or {}
    if spec.get("maxUnavailable") is None and not str(spec.get("minAvailable", 1)).endswith("%"):
        return len(pods)
    scales: dict[str, int] = {}
    for pod in pods:
        meta = pod["metadata"]
        owner = next((r for r in meta.get("ownerReferences") or [] if r.get("controller")), None)
        if owner is None:
            scales[meta["uid"]] = 1
            continue
        if owner.get("kind") == "ReplicaSet":
            owned = state.objects.get(("replicasets", meta["namespace"], owner.get("name", "")))
            replicas = ((owned or {}).get("spec") or {}).get("replicas", 1)
        else:
            replicas = 1
        scales[owner.get("uid", "")] = int(replicas)
    return sum(scales.values())


def budget_status(
    pdb: dict[str, Any], pods: list[dict[str, Any]], expected: int | None = None
) -> dict[str, Any]:
    spec = pdb.get("spec") or {}
    expected = len(pods) if expected is None else expected
    healthy = sum(1 for pod in pods if _ready(pod))
    if spec.get("maxUnavailable") is not None:
        desired = max(0, expected - _count(spec["maxUnavailable"], expected))
    else:
        desired = _count(spec.get("minAvailable", 1), expected)
    allowed = max(0, healthy - desired)
    old = pdb.get("status") or {}
    condition = {
        "type": "DisruptionAllowed",
        "status": "True" if allowed else "False",
        "observedGeneration": pdb["metadata"].get("generation", 1),
        "lastTransitionTime": "",
        "reason": "SufficientPods" if allowed else "InsufficientPods",
        "message": "",
    }
    for kept in old.get("conditions") or []:
        if kept.get("type") == "DisruptionAllowed" and kept.get("status") == condition["status"]:
            condition["lastTransitionTime"] = kept.get("lastTransitionTime", "")
    return {
        "observedGeneration": pdb["metadata"].get("generation", 1),
        "disruptionsAllowed": allowed,
        "currentHealthy": healthy,
        "desiredHealthy": desired,
        "expectedPods": expected,
        "conditions": [condition],
    }


def reconcile(state: State) -> None:
    """The disruption controller's pass over every budget (under the state's lock)."""
    for pdb in list(state.iter_raw("poddisruptionbudgets")):
        pods = _pods_of(state, pdb)
        status = budget_status(pdb, pods, _expected(state, pdb, pods))
        old = pdb.get("status") or {}
        same = {k: v for k, v in status.items() if k != "conditions"} == {
            k: old.get(k) for k in status if k != "conditions"
        }
        if same and old.get("conditions"):
            continue
        stamp = state.timestamp()
        for condition in status["conditions"]:
            condition["lastTransitionTime"] = condition["lastTransitionTime"] or stamp

        def write(obj: dict[str, Any], status: dict[str, Any] = status) -> None:
            obj["status"] = status

        meta = pdb["metadata"]
        state.mutate("poddisruptionbudgets", meta["namespace"], meta["name"], write)


def refused_by_budget(error: ApiError) -> bool:
    causes = (error.details or {}).get("causes") or []
    return any(cause.get("reason") == "DisruptionBudget" for cause in causes)


def _budget_refusal(pdb: dict[str, Any], message: str) -> ApiError:
    return ApiError(
        429,
        "TooManyRequests",
        TOO_MANY,
        {"causes": [{"reason": "DisruptionBudget", "message": message}]},
    )


def evict(
    state: State, namespace: str, name: str, eviction: dict[str, Any], dry_run: bool
) -> dict[str, Any]:
    """Answer one eviction; raises ApiError when it is refused."""
    options = dict(eviction.get("deleteOptions") or {})
    dry_run = dry_run or deletion.is_dry_run(options)
    with state.lock:
        pod = state.get("pods", namespace, name)
        if pod is None:
            raise not_found("pods", name)
        if pod["metadata"].get("deletionTimestamp"):
            return _success()
        phase = (pod.get("status") or {}).get("phase")
        if phase not in ("Succeeded", "Failed", "Pending") and (pod.get("spec") or {}).get(
            "nodeName"
        ):
            _take_a_disruption(state, pod, dry_run)
        state.delete(
            "pods",
            namespace,
            name,
            dry_run=dry_run,
            preconditions=options.get("preconditions") or {},
            grace=deletion.grace_seconds("pods", pod, options),
        )
    return _success()


def _take_a_disruption(state: State, pod: dict[str, Any], dry_run: bool) -> None:
    labels = pod["metadata"].get("labels") or {}
    namespace = pod["metadata"]["namespace"]
    budgets = [
        pdb
        for pdb in state.iter_raw("poddisruptionbudgets")
        if pdb["metadata"].get("namespace") == namespace and _selector(pdb)(labels)
    ]
    if not budgets:
        return
    if len(budgets) > 1:
        raise ApiError(
            500,
            "InternalError",
            "This pod has more than one PodDisruptionBudget, which the eviction subresource "
            "does not support.",
        )
    pdb = budgets[0]
    status = pdb.get("status") or {}
    name = pdb["metadata"]["name"]
    healthy, desired = status.get("currentHealthy", 0), status.get("desiredHealthy", 0)
    if not _ready(pod) and desired > 0 and healthy >= desired:
        return  # IfHealthyBudget: an unready pod of a healthy budget goes without taking one
    if status.get("observedGeneration", 0) < pdb["metadata"].get("generation", 1):
        raise _budget_refusal(
            pdb, f"The disruption budget {name} is still being processed by the server."
        )
    if int(status.get("disruptionsAllowed") or 0) <= 0:
        raise _budget_refusal(
            pdb,
            f"The disruption budget {name} needs {desired} healthy pods and has {healthy} "
            "currently",
        )
    if dry_run:
        return

    def take(obj: dict[str, Any]) -> None:
        taken = copy.deepcopy(obj.get("status") or {})
        taken["disruptionsAllowed"] = max(0, int(taken.get("disruptionsAllowed") or 0) - 1)
        taken.setdefault("disruptedPods", {})[pod["metadata"]["name"]] = state.timestamp()
        obj["status"] = taken

    state.mutate("poddisruptionbudgets", namespace, name, take)


def _success() -> dict[str, Any]:
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201}
