"""The incident timeline's sources, each alone, and how they merge."""

from __future__ import annotations

import base64
import gzip
import json
from typing import Any

from gok_tui.domain.timeline import (
    HELM_MAX_BYTES,
    Timeline,
    audit_entries,
    data_change,
    event_entry,
    focus_refs,
    helm_entry,
    helm_rollback_command,
    managed_entries,
    pod_entries,
    revision_before,
    template_summary,
)

from tests.helm_release import helm_release_secret

UID = "d-uid"


def template(image: str, env: dict[str, str] | None = None, memory: str = "") -> dict[str, Any]:
    container: dict[str, Any] = {"name": "app", "image": image}
    if env:
        container["env"] = [{"name": k, "value": v} for k, v in env.items()]
    if memory:
        container["resources"] = {"limits": {"memory": memory}}
    return {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [container]}}


def deployment(revision: int, tmpl: dict[str, Any], managers: list[dict[str, Any]]) -> dict:
    return {
        "metadata": {
            "name": "web",
            "namespace": "shop",
            "uid": UID,
            "annotations": {"deployment.kubernetes.io/revision": str(revision)},
            "managedFields": managers,
        },
        "spec": {"replicas": 3, "template": tmpl},
    }


def replicaset(name: str, revision: int, tmpl: dict[str, Any], created: str) -> dict:
    return {
        "metadata": {
            "name": name,
            "namespace": "shop",
            "creationTimestamp": created,
            "annotations": {"deployment.kubernetes.io/revision": str(revision)},
            "ownerReferences": [{"kind": "Deployment", "name": "web", "uid": UID}],
        },
        "spec": {"template": tmpl},
    }


def managed(manager: str, when: str, fields: dict[str, Any], operation: str = "Update") -> dict:
    return {"manager": manager, "operation": operation, "time": when, "fieldsV1": fields}


TEMPLATE_FIELDS = {"f:spec": {"f:template": {"f:spec": {"f:containers": {}}}}}


def test_revisions_say_what_changed_and_who_made_the_newest() -> None:
    v1, v2 = template("shop/web:1"), template("shop/web:2", {"MODE": "fast"}, "256Mi")
    timeline = Timeline()
    timeline.update(
        "deployments",
        deployment(2, v2, [managed("kubectl-set", "2026-12-07T10:05:00Z", TEMPLATE_FIELDS)]),
    )
    timeline.update("replicasets", replicaset("web-1", 1, v1, "2026-12-07T09:00:00Z"))
    timeline.update("replicasets", replicaset("web-2", 2, v2, "2026-12-07T10:05:00Z"))
    revisions = [e for e in timeline.entries() if e.change == "revision"]
    assert [(e.revision, e.who) for e in revisions] == [(2, "kubectl-set"), (1, "?")]
    assert revisions[0].what == "revision 2: image web:2, env MODE, limits.memory 256Mi"
    assert "app: image: shop/web:1 -> shop/web:2" in revisions[0].detail
    assert revision_before(timeline.entries(), revisions[0]) == 1


def test_probe_and_nothing_changes_are_summarised() -> None:
    before, after = template("a:1"), template("a:1")
    after["spec"]["containers"][0]["readinessProbe"] = {"httpGet": {"path": "/ready"}}
    assert template_summary(before, after)[0] == "readinessProbe"
    assert template_summary(before, before) == ("same pod template", "")


def test_managed_fields_tell_who_scaled_and_who_edited() -> None:
    obj = deployment(
        1,
        template("a:1"),
        [
            managed("kubectl", "2026-12-07T10:00:00Z", {"f:spec": {"f:replicas": {}}}),
            managed("helm", "2026-12-07T09:00:00Z", {"f:metadata": {"f:labels": {"f:tier": {}}}}),
            managed("kube-controller-manager", "2026-12-07T10:01:00Z", {"f:status": {}}),
        ],
    )
    entries = managed_entries("deployments", obj)
    assert [(e.who, e.change, e.what) for e in entries] == [
        ("kubectl", "scale", "scaled (replicas now 3)"),
        ("helm", "edit", "update metadata.labels.tier"),
    ]


def test_warning_events_are_grouped_with_counts_and_a_missing_time_is_kept() -> None:
    involved = {"kind": "Pod", "namespace": "shop", "name": "web-x"}
    events = [
        {
            "type": "Warning",
            "reason": "BackOff",
            "count": 4,
            "message": "old",
            "lastTimestamp": "2026-12-07T10:00:00Z",
            "involvedObject": involved,
        },
        {
            "type": "Warning",
            "reason": "BackOff",
            "count": 2,
            "message": "newest",
            "lastTimestamp": "2026-12-07T10:09:00Z",
            "involvedObject": involved,
        },
    ]
    entry = event_entry(events)
    assert entry is not None
    assert (entry.what, entry.ref) == ("BackOff x6: newest", "pods/shop/web-x")
    timeless = event_entry([{"type": "Warning", "reason": "Failed", "involvedObject": involved}])
    assert timeless is not None and timeless.when is None and timeless.readable
    normal = {"type": "Normal", "reason": "Pulled", "involvedObject": involved}
    assert event_entry([normal]) is None


def test_pod_restarts_oom_and_unschedulable() -> None:
    pod = {
        "metadata": {"name": "web-x", "namespace": "shop"},
        "status": {
            "containerStatuses": [
                {
                    "name": "app",
                    "restartCount": 3,
                    "lastState": {
                        "terminated": {
                            "reason": "OOMKilled",
                            "exitCode": 137,
                            "finishedAt": "2026-12-07T10:00:00Z",
                        }
                    },
                }
            ],
            "conditions": [{"type": "PodScheduled", "status": "False", "message": "0/3 nodes"}],
        },
    }
    entries = pod_entries(pod)
    assert [(e.what, e.severity) for e in entries] == [
        ("app: OOMKilled, 3 restarts", "error"),
        ("FailedScheduling: 0/3 nodes", "error"),
    ]


def test_helm_release_secret_is_read_without_helm() -> None:
    secret = helm_release_secret(
        "shop",
        3,
        namespace="shop",
        chart_version="1.2.0",
        app_version="2.0",
        description="Upgrade complete",
    )
    entry = helm_entry(secret)
    assert entry.readable
    assert entry.what == "release shop revision 3 deployed: web-1.2.0 (app 2.0)"
    assert entry.detail == "Upgrade complete"
    assert helm_rollback_command(entry) == "helm rollback shop 2 -n shop"


def test_corrupt_and_oversized_helm_secrets_are_unreadable_not_fatal() -> None:
    corrupt = helm_release_secret("shop", 2, namespace="shop")
    corrupt["data"]["release"] = base64.b64encode(b"H4sInot-gzip").decode()
    bomb = helm_release_secret("shop", 3, namespace="shop")
    packed = gzip.compress(b" " * (HELM_MAX_BYTES + 10))
    bomb["data"]["release"] = base64.b64encode(base64.b64encode(packed)).decode()
    timeline = Timeline()
    for secret in (corrupt, bomb, helm_release_secret("shop", 1, namespace="shop")):
        timeline.update("secrets", secret)
    readable = sorted((e.revision, e.readable) for e in timeline.entries())
    assert readable == [(1, True), (2, False), (3, False)]
    assert "16 MiB" in next(e.what for e in timeline.entries() if e.revision == 3)


def test_a_torn_audit_line_is_one_unreadable_entry() -> None:
    good = json.dumps(
        {
            "time": "2026-12-07T10:00:00+0000",
            "kube_user": "ann",
            "kind": "deployments",
            "namespace": "shop",
            "name": "web",
            "action": "scale",
            "from": "1",
            "to": "3",
            "ok": True,
        }
    )
    entries = audit_entries([good + "\n", '{"time": "2026-12-07T10:0'])
    assert [(e.what, e.readable, e.who) for e in entries] == [
        ("scale: 1 -> 3", True, "ann"),
        ("audit line 2: unreadable", False, "gok-tui"),
    ]


def test_secret_changes_name_keys_never_values() -> None:
    before = {"metadata": {"name": "db", "namespace": "shop"}, "data": {"password": "czNjcmV0"}}
    after = {
        "metadata": {"name": "db", "namespace": "shop"},
        "data": {"password": "bmV3", "user": "YQ=="},
    }
    assert data_change("secrets", before, after) == "changed password; added user"
    timeline = Timeline(now=1_800_000_000.0)
    timeline.update("secrets", before)
    timeline.update("secrets", after)
    (entry,) = [e for e in timeline.entries() if e.source == "live"]
    assert "czNjcmV0" not in entry.detail + entry.what and "bmV3" not in entry.detail


def test_newest_first_untimed_last_and_where_history_begins() -> None:
    timeline = Timeline()
    involved = {"kind": "Pod", "namespace": "shop", "name": "p"}
    for name, stamp in (("a", "2026-12-07T09:00:00Z"), ("b", "2026-12-07T11:00:00Z"), ("c", None)):
        event = {
            "metadata": {"name": name, "namespace": "shop"},
            "type": "Warning",
            "reason": f"R{name}",
            "involvedObject": involved,
        }
        if stamp:
            event["lastTimestamp"] = stamp
        timeline.update("events", event)
    assert [e.what.split(":")[0] for e in timeline.entries()] == ["Rb", "Ra", "Rc"]
    assert timeline.begins() == {"events": 1796634000.0}


def test_an_update_rederives_only_that_object() -> None:
    timeline = Timeline()
    timeline.update("configmaps", {"metadata": {"name": "a", "namespace": "s"}, "data": {"k": "1"}})
    timeline.update("configmaps", {"metadata": {"name": "b", "namespace": "s"}, "data": {"k": "1"}})
    other = timeline.by_key.get("live/configmaps/s/b")
    timeline.update("configmaps", {"metadata": {"name": "a", "namespace": "s"}, "data": {"k": "2"}})
    assert [e.what for e in timeline.entries()] == ["changed k"]
    assert timeline.by_key.get("live/configmaps/s/b") is other


def controller_revision(name: str, number: int, tmpl: dict[str, Any], created: str) -> dict:
    return {
        "metadata": {
            "name": name,
            "namespace": "shop",
            "creationTimestamp": created,
            "ownerReferences": [{"kind": "StatefulSet", "name": "db", "uid": "s-uid"}],
        },
        "revision": number,
        "data": {"spec": {"template": {**tmpl, "$patch": "replace"}}},
    }


def test_statefulset_revisions_come_from_its_controller_revisions() -> None:
    v1, v2 = template("db:1"), template("db:2", memory="1Gi")
    statefulset = {
        "metadata": {
            "name": "db",
            "namespace": "shop",
            "uid": "s-uid",
            "managedFields": [managed("kubectl-set", "2026-12-07T10:05:00Z", TEMPLATE_FIELDS)],
        },
        "spec": {"template": v2},
    }
    timeline = Timeline()
    timeline.update("controllerrevisions", controller_revision("db-a", 1, v1, "2026-12-07T09:00Z"))
    timeline.update("statefulsets", statefulset)
    timeline.update("controllerrevisions", controller_revision("db-b", 2, v2, "2026-12-07T10:05Z"))
    revisions = [e for e in timeline.entries() if e.change == "revision"]
    assert [(e.ref, e.revision, e.who, e.what) for e in revisions] == [
        ("statefulsets/shop/db", 2, "kubectl-set", "revision 2: image db:2, limits.memory 1Gi"),
        ("statefulsets/shop/db", 1, "?", "revision 1: first revision remembered"),
    ]
    assert "app: image: db:1 -> db:2" in revisions[0].detail
    assert revision_before(timeline.entries(), revisions[0]) == 1
    timeline.remove("controllerrevisions", controller_revision("db-a", 1, v1, ""))
    assert [e.revision for e in timeline.entries() if e.change == "revision"] == [2]
    timeline.remove("statefulsets", statefulset)
    assert not [e for e in timeline.entries() if e.change == "revision"]


def owned(kind: str, name: str, uid: str, owner: tuple[str, str, str] | None = None) -> dict:
    meta: dict[str, Any] = {"name": name, "namespace": "shop", "uid": uid}
    if owner is not None:
        meta["ownerReferences"] = [
            {"kind": owner[0], "name": owner[1], "uid": owner[2], "controller": True}
        ]
    return {"kind": kind, "metadata": meta, "spec": {}}


def test_t_follows_owner_references_not_name_prefixes() -> None:
    web = owned("Deployment", "web", "d1")
    web["spec"] = {
        "selector": {"matchLabels": {"app": "web"}},
        "template": {
            "spec": {
                "containers": [{"name": "app", "envFrom": [{"configMapRef": {"name": "conf"}}]}],
                "volumes": [{"name": "tls", "secret": {"secretName": "web-tls"}}],
            }
        },
    }
    rs = owned("ReplicaSet", "web-7d4f", "r1", ("Deployment", "web", "d1"))
    pod = owned("Pod", "web-7d4f-abc", "p1", ("ReplicaSet", "web-7d4f", "r1"))
    pod["spec"] = {
        "containers": [
            {
                "name": "app",
                "env": [
                    {"name": "K", "valueFrom": {"secretKeyRef": {"name": "api-key", "key": "k"}}}
                ],
            }
        ]
    }
    impostor = owned("Pod", "web-7d4f-zzz", "p2")  # a name like web's, owned by nothing
    other = owned("Deployment", "web-admin", "d2")
    hpa = {
        "metadata": {"name": "web", "namespace": "shop"},
        "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "web"}},
    }
    objects = {
        "deployments": {"shop/web": web, "shop/web-admin": other},
        "replicasets": {"shop/web-7d4f": rs},
        "pods": {"shop/web-7d4f-abc": pod, "shop/web-7d4f-zzz": impostor},
        "horizontalpodautoscalers": {"shop/web": hpa},
    }
    assert focus_refs("deployments/shop/web", objects) == {
        "deployments/shop/web",
        "replicasets/shop/web-7d4f",
        "pods/shop/web-7d4f-abc",
        "horizontalpodautoscalers/shop/web",
        "configmaps/shop/conf",
        "secrets/shop/web-tls",
        "secrets/shop/api-key",
    }
    assert focus_refs("pods/shop/web-7d4f-abc", objects) == {
        "pods/shop/web-7d4f-abc",
        "replicasets/shop/web-7d4f",
        "deployments/shop/web",
    }
    assert focus_refs("configmaps/shop/conf", objects) == {"configmaps/shop/conf"}
