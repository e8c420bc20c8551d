"""Where a Deployment's rollout stands, as ``kubectl rollout status`` judges it."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from gok_tui.domain.autoscaling import Autoscaler, autoscalers_of
from gok_tui.domain.pods import pod_facts
from gok_tui.domain.revisions import (
    CHANGE_CAUSE_ANNOTATION,
    REVISION_ANNOTATION,
    controller_revisions,
)
from gok_tui.domain.timefmt import age, human_duration, parse_timestamp
from gok_tui.domain.workloads import strategy_text

RolloutPhase = Literal["waiting", "progressing", "complete", "failed"]


@dataclass(frozen=True)
class ReplicaSetCount:
    name: str
    revision: str
    replicas: int
    ready: int
    images: tuple[str, ...]


@dataclass(frozen=True)
class RolloutState:
    phase: RolloutPhase
    message: str
    desired: int
    updated: int
    ready: int
    available: int
    new: ReplicaSetCount | None = None
    old: tuple[ReplicaSetCount, ...] = ()

    @property
    def finished(self) -> bool:
        return self.phase in ("complete", "failed")


def _int(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def _count(rs: Mapping[str, Any]) -> ReplicaSetCount:
    meta = rs.get("metadata") or {}
    containers = ((rs.get("spec") or {}).get("template") or {}).get("spec", {}).get(
        "containers"
    ) or []
    return ReplicaSetCount(
        name=str(meta.get("name", "")),
        revision=str((meta.get("annotations") or {}).get(REVISION_ANNOTATION, "")),
        replicas=_int((rs.get("status") or {}).get("replicas")),
        ready=_int((rs.get("status") or {}).get("readyReplicas")),
        images=tuple(str(c.get("image", "")) for c in containers),
    )


def rollout_state(
    deployment: Mapping[str, Any], replicasets: Sequence[Mapping[str, Any]] = ()
) -> RolloutState:
    meta, spec, status = (
        deployment.get("metadata") or {},
        deployment.get("spec") or {},
        deployment.get("status") or {},
    )
    desired = _int(spec.get("replicas", 1) if spec.get("replicas") is not None else 1)
    updated = _int(status.get("updatedReplicas"))
    ready = _int(status.get("readyReplicas"))
    available = _int(status.get("availableReplicas"))
    total = _int(status.get("replicas"))
    revision = str((meta.get("annotations") or {}).get(REVISION_ANNOTATION, ""))
    uid = meta.get("uid")
    owned = [
        rs
        for rs in replicasets
        if not uid
        or any(o.get("uid") == uid for o in (rs.get("metadata") or {}).get("ownerReferences") or [])
    ]
    counts = [_count(rs) for rs in owned]
    new = next((c for c in counts if revision and c.revision == revision), None)
    old = tuple(c for c in counts if c is not new and c.replicas > 0)

    def state(phase: RolloutPhase, message: str) -> RolloutState:
        return RolloutState(phase, message, desired, updated, ready, available, new, old)

    if _int(meta.get("generation")) > _int(status.get("observedGeneration")):
        return state("waiting", "waiting for the deployment spec update to be observed")
    for condition in status.get("conditions") or []:
        if condition.get("type") == "Progressing" and (
            condition.get("reason") == "ProgressDeadlineExceeded"
        ):
            seconds = spec.get("progressDeadlineSeconds", 600)
            return state("failed", f"exceeded its progress deadline ({seconds} s)")
    if updated < desired:
        return state("progressing", f"{updated} of {desired} new replicas updated")
    if total > updated:
        return state("progressing", f"{total - updated} old replicas pending termination")
    if available < updated:
        return state("progressing", f"{available} of {updated} updated replicas available")
    return state("complete", f"successfully rolled out ({desired} of {desired} ready)")


# -- the rollout panel: ReplicaSets as a tree with their pods ------------------------------


@dataclass(frozen=True)
class PodLeaf:
    name: str
    status: str
    ready: str  # "1/1"
    restarts: int
    age: str
    healthy: bool


@dataclass(frozen=True)
class ReplicaSetBranch:
    name: str
    revision: int
    images: tuple[str, ...]
    desired: int
    current: int
    ready: int
    newest: bool
    change_cause: str
    pods: tuple[PodLeaf, ...]


@dataclass(frozen=True)
class RolloutTree:
    name: str
    namespace: str
    state: RolloutState
    strategy: str
    paused: bool
    revision: int
    branches: tuple[ReplicaSetBranch, ...]  # newest revision first
    conditions: tuple[ConditionLine, ...]  # in words
    deadline: str  # "" or "progress deadline 600 s; last progress 12s ago"
    kind_prefix: str = "deploy"  # "sts", "ds": the panel's heading names the kind so
    autoscalers: tuple[Autoscaler, ...] = ()  # the HPAs that scale it (rollout_panel)

    @property
    def progress(self) -> float:
        """How far the newest revision is toward the desired count of available replicas."""
        if self.state.desired <= 0:
            return 1.0 if self.state.phase == "complete" else 0.0
        newest = next((b for b in self.branches if b.newest), None)
        ready = newest.ready if newest is not None else 0
        return max(0.0, min(1.0, ready / self.state.desired))


_CONDITION_WORDS = {
    ("Available", "True"): "yes: at least the minimum number of replicas is ready",
    ("Available", "False"): "NO: fewer ready replicas than the minimum",
    ("Progressing", "True"): "yes",
    ("Progressing", "False"): "NO",
    ("ReplicaFailure", "True"): "FAILING: pods cannot be created",
}


@dataclass(frozen=True)
class ConditionLine:
    kind: str  # "Available", "Progressing", ...
    text: str
    bad: bool


def condition_words(condition: Mapping[str, Any], now: float) -> ConditionLine:
    kind, status = str(condition.get("type", "")), str(condition.get("status", ""))
    head = _CONDITION_WORDS.get((kind, status), status)
    reason = str(condition.get("reason") or "")
    message = str(condition.get("message") or "")
    stamp = parse_timestamp(condition.get("lastUpdateTime") or condition.get("lastTransitionTime"))
    text = head
    if reason:
        text += f" ({reason})"
    if message:
        text += f": {message}"
    if stamp is not None:
        text += f", {human_duration(now - stamp)} ago"
    bad = (kind == "ReplicaFailure") == (status == "True") or reason == "ProgressDeadlineExceeded"
    return ConditionLine(kind, text, bad)


def _deadline(deployment: Mapping[str, Any], now: float) -> str:
    spec, status = deployment.get("spec") or {}, deployment.get("status") or {}
    seconds = _int(spec.get("progressDeadlineSeconds") or 600)
    progressing = next(
        (c for c in status.get("conditions") or [] if c.get("type") == "Progressing"), None
    )
    if progressing is None:
        return f"progress deadline {seconds} s"
    if progressing.get("reason") == "ProgressDeadlineExceeded":
        return f"progress deadline {seconds} s EXCEEDED"
    if progressing.get("reason") == "NewReplicaSetAvailable":
        return f"progress deadline {seconds} s (rollout finished)"
    last = parse_timestamp(progressing.get("lastUpdateTime"))
    if last is None:
        return f"progress deadline {seconds} s"
    left = seconds - (now - last)
    return (
        f"progress deadline {seconds} s; last progress {human_duration(now - last)} ago, "
        f"{human_duration(max(0.0, left))} left"
    )


def _pod_leaf(pod: Mapping[str, Any], now: float) -> PodLeaf:
    status, ready, total, restarts, _ = pod_facts(pod)
    return PodLeaf(
        name=str((pod.get("metadata") or {}).get("name", "")),
        status=status,
        ready=f"{ready}/{total}",
        restarts=restarts,
        age=age(dict(pod), now),
        healthy=status == "Running" and ready == total and total > 0,
    )


def _owner_uids(obj: Mapping[str, Any]) -> set[str]:
    return {
        str(ref.get("uid"))
        for ref in (obj.get("metadata") or {}).get("ownerReferences") or []
        if ref.get("uid")
    }


def rollout_tree(
    deployment: Mapping[str, Any],
    replicasets: Sequence[Mapping[str, Any]],
    pods: Sequence[Mapping[str, Any]],
    now: float,
) -> RolloutTree:
    """The panel on-call reads during a rollout: which revision runs where, and why it waits.

    ReplicaSets with no replicas and no pods are left out (they are history, see the
    revisions view), except the newest one, which is the rollout's goal.
    """
    meta, spec = deployment.get("metadata") or {}, deployment.get("spec") or {}
    state = rollout_state(deployment, replicasets)
    uid = meta.get("uid")
    revision = _int((meta.get("annotations") or {}).get(REVISION_ANNOTATION))
    pods_by_owner: dict[str, list[Mapping[str, Any]]] = {}
    for pod in pods:
        for owner in _owner_uids(pod):
            pods_by_owner.setdefault(owner, []).append(pod)
    branches = []
    for rs in replicasets:
        rs_meta = rs.get("metadata") or {}
        if uid and uid not in _owner_uids(rs):
            continue
        rs_revision = _int((rs_meta.get("annotations") or {}).get(REVISION_ANNOTATION))
        its_pods = sorted(
            pods_by_owner.get(str(rs_meta.get("uid")), []),
            key=lambda p: str((p.get("metadata") or {}).get("name", "")),
        )
        desired = _int((rs.get("spec") or {}).get("replicas"))
        newest = bool(revision) and rs_revision == revision
        if not newest and desired == 0 and not its_pods:
            continue
        count = _count(rs)
        branches.append(
            ReplicaSetBranch(
                name=count.name,
                revision=rs_revision,
                images=count.images,
                desired=desired,
                current=count.replicas,
                ready=count.ready,
                newest=newest,
                change_cause=str(
                    (rs_meta.get("annotations") or {}).get(CHANGE_CAUSE_ANNOTATION, "")
                ),
                pods=tuple(_pod_leaf(p, now) for p in its_pods),
            )
        )
    branches.sort(key=lambda b: b.revision, reverse=True)
    conditions = tuple(
        condition_words(c, now) for c in (deployment.get("status") or {}).get("conditions") or []
    )
    return RolloutTree(
        name=str(meta.get("name", "")),
        namespace=str(meta.get("namespace", "")),
        state=state,
        strategy=strategy_text(spec),
        paused=bool(spec.get("paused")),
        revision=revision,
        branches=tuple(branches),
        conditions=conditions,
        deadline=_deadline(deployment, now),
    )


# -- StatefulSets and DaemonSets: the same tree, one branch per ControllerRevision ---------


def _ordinal(pod: Mapping[str, Any]) -> tuple[int, str]:
    name = str((pod.get("metadata") or {}).get("name", ""))
    head, _, tail = name.rpartition("-")
    return (int(tail), head) if tail.isdigit() else (-1, name)


def _revision_branches(
    owner: Mapping[str, Any],
    revisions_seen: Sequence[Mapping[str, Any]],
    pods: Sequence[Mapping[str, Any]],
    newest_desired: int,
    now: float,
) -> tuple[tuple[ReplicaSetBranch, ...], int]:
    """A branch per ControllerRevision that runs pods (and the newest, the goal), pods by
    ordinal; and the newest revision's number."""
    history = controller_revisions(owner, revisions_seen, pods)
    owned_pods = [
        pod
        for pod in pods
        if str((owner.get("metadata") or {}).get("uid")) in _owner_uids(pod)
        and not (pod.get("metadata") or {}).get("deletionTimestamp")
    ]
    by_name = {str((r.get("metadata") or {}).get("name")): r for r in revisions_seen}
    branches = []
    for revision in history:
        item = by_name.get(revision.replicaset) or {}
        hash_label = ((item.get("metadata") or {}).get("labels") or {}).get(
            "controller.kubernetes.io/hash"
        )
        its_pods = sorted(
            (
                pod
                for pod in owned_pods
                if ((pod.get("metadata") or {}).get("labels") or {}).get("controller-revision-hash")
                in (revision.replicaset, hash_label)
            ),
            key=_ordinal,
        )
        if not revision.current and not its_pods:
            continue
        branches.append(
            ReplicaSetBranch(
                name=revision.replicaset,
                revision=revision.number,
                images=revision.images,
                desired=newest_desired if revision.current else len(its_pods),
                current=len(its_pods),
                ready=revision.ready,
                newest=revision.current,
                change_cause=revision.change_cause,
                pods=tuple(_pod_leaf(p, now) for p in its_pods),
            )
        )
    return tuple(branches), history[0].number if history else 0


def statefulset_rollout_tree(
    sts: Mapping[str, Any],
    revisions_seen: Sequence[Mapping[str, Any]],
    pods: Sequence[Mapping[str, Any]],
    now: float,
) -> RolloutTree:
    """Where a StatefulSet's rolling update stands, as ``kubectl rollout status`` judges it:
    pods with an ordinal >= the partition move to the update revision, highest first."""
    meta, spec, status = sts.get("metadata") or {}, sts.get("spec") or {}, sts.get("status") or {}
    desired = _int(spec.get("replicas", 1) if spec.get("replicas") is not None else 1)
    strategy = spec.get("updateStrategy") or {}
    partition = _int((strategy.get("rollingUpdate") or {}).get("partition"))
    to_update = max(0, desired - partition)
    updated, ready = _int(status.get("updatedReplicas")), _int(status.get("readyReplicas"))
    available = _int(status.get("availableReplicas"))

    def state(phase: RolloutPhase, message: str) -> RolloutState:
        return RolloutState(phase, message, desired, updated, ready, available)

    if strategy.get("type") == "OnDelete":
        rollout = state("complete", "OnDelete: pods take the new template when you delete them")
        strategy_words = "OnDelete"
    else:
        strategy_words = f"RollingUpdate partition {partition}"
        if _int(meta.get("generation")) > _int(status.get("observedGeneration")):
            rollout = state("waiting", "waiting for the statefulset spec update to be observed")
        elif _int(status.get("replicas")) > desired:
            extra = _int(status.get("replicas")) - desired
            rollout = state("progressing", f"{extra} pods pending termination (highest first)")
        elif ready < desired:
            rollout = state("progressing", f"{ready} of {desired} pods ready")
        elif partition and updated < to_update:
            rollout = state(
                "progressing",
                f"{updated} of {to_update} pods with ordinal >= {partition} updated",
            )
        elif partition:
            rollout = state(
                "complete", f"partitioned roll out complete: {updated} new pods have been updated"
            )
        elif status.get("updateRevision") != status.get("currentRevision") or updated < desired:
            rollout = state("progressing", f"{updated} of {desired} pods updated")
        else:
            rollout = state(
                "complete",
                f"rolling update complete: {desired} pods at revision "
                f"{status.get('updateRevision')}",
            )
    return _revisions_tree(
        sts, revisions_seen, pods, to_update, now, rollout, strategy_words, kind_prefix="sts"
    )


def daemonset_rollout_tree(
    ds: Mapping[str, Any],
    revisions_seen: Sequence[Mapping[str, Any]],
    pods: Sequence[Mapping[str, Any]],
    now: float,
) -> RolloutTree:
    """Where a DaemonSet's update stands: updated and available pods against the nodes it
    should run on."""
    meta, spec, status = ds.get("metadata") or {}, ds.get("spec") or {}, ds.get("status") or {}
    desired = _int(status.get("desiredNumberScheduled"))
    updated = _int(status.get("updatedNumberScheduled"))
    ready, available = _int(status.get("numberReady")), _int(status.get("numberAvailable"))

    def state(phase: RolloutPhase, message: str) -> RolloutState:
        return RolloutState(phase, message, desired, updated, ready, available)

    strategy = spec.get("updateStrategy") or {}
    if strategy.get("type") == "OnDelete":
        rollout = state("complete", "OnDelete: pods take the new template when you delete them")
        words = "OnDelete"
    else:
        unavailable = (strategy.get("rollingUpdate") or {}).get("maxUnavailable", 1)
        words = f"RollingUpdate {unavailable} unavailable"
        if _int(meta.get("generation")) > _int(status.get("observedGeneration")):
            rollout = state("waiting", "waiting for the daemon set spec update to be observed")
        elif updated < desired:
            rollout = state("progressing", f"{updated} of {desired} updated pods scheduled")
        elif available < desired:
            rollout = state("progressing", f"{available} of {desired} updated pods available")
        else:
            rollout = state("complete", f"{available} of {desired} updated pods are available")
    return _revisions_tree(ds, revisions_seen, pods, desired, now, rollout, words, kind_prefix="ds")


def _revisions_tree(
    obj: Mapping[str, Any],
    revisions_seen: Sequence[Mapping[str, Any]],
    pods: Sequence[Mapping[str, Any]],
    to_update: int,
    now: float,
    rollout: RolloutState,
    strategy: str,
    *,
    kind_prefix: str,
) -> RolloutTree:
    """The panel's tree of a kind whose revisions are ControllerRevisions (StatefulSet,
    DaemonSet): one branch per revision with its pods; no pause and no progress deadline."""
    meta, status = obj.get("metadata") or {}, obj.get("status") or {}
    branches, revision = _revision_branches(obj, revisions_seen, pods, to_update, now)
    return RolloutTree(
        name=str(meta.get("name", "")),
        namespace=str(meta.get("namespace", "")),
        state=rollout,
        strategy=strategy,
        paused=False,
        revision=revision,
        branches=branches,
        conditions=tuple(condition_words(c, now) for c in status.get("conditions") or []),
        deadline="",
        kind_prefix=kind_prefix,
    )


# -- what the rollout panel follows for each kind ------------------------------------------
Objects = Mapping[str, Mapping[str, dict[str, Any]]]


AUTOSCALERS = "horizontalpodautoscalers"


@dataclass(frozen=True)
class RolloutSource:
    """The feeds the panel opens beside the object (``children`` by its selector, ``beside``
    the whole namespace's) and its tree; ``scaled_as``: the kind an HPA names to scale it
    ("" when nothing scales it)."""

    children: tuple[str, ...]
    tree: Callable[[Mapping[str, Any], Objects, float], RolloutTree]
    scaled_as: str = ""

    @property
    def beside(self) -> tuple[str, ...]:
        return (AUTOSCALERS,) if self.scaled_as else ()


def _of(plural: str, objects: Objects) -> list[dict[str, Any]]:
    return list(objects[plural].values())


ROLLOUT_SOURCES: dict[str, RolloutSource] = {
    "deployments": RolloutSource(
        ("replicasets", "pods"),
        lambda obj, objects, now: rollout_tree(
            obj, _of("replicasets", objects), _of("pods", objects), now
        ),
        scaled_as="Deployment",
    ),
    "statefulsets": RolloutSource(
        ("controllerrevisions", "pods"),
        lambda obj, objects, now: statefulset_rollout_tree(
            obj, _of("controllerrevisions", objects), _of("pods", objects), now
        ),
        scaled_as="StatefulSet",
    ),
    "daemonsets": RolloutSource(
        ("controllerrevisions", "pods"),
        lambda obj, objects, now: daemonset_rollout_tree(
            obj, _of("controllerrevisions", objects), _of("pods", objects), now
        ),
    ),
}


def rollout_panel(kind: str, obj: Mapping[str, Any], objects: Objects, now: float) -> RolloutTree:
    """The panel's tree of ``obj`` (a ``kind``, plural), with the HPAs among ``objects`` that
    scale it."""
    source = ROLLOUT_SOURCES[kind]
    tree = source.tree(obj, objects, now)
    if not source.scaled_as:
        return tree
    name = str((obj.get("metadata") or {}).get("name", ""))
    hpas = (objects.get(AUTOSCALERS) or {}).values()
    return replace(tree, autoscalers=tuple(autoscalers_of(source.scaled_as, name, hpas)))
