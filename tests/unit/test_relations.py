"""The xray tree (gok_tui.domain.relations) built over objects in memory: each relation, owner
cycles, missing and forbidden objects, the depth cap."""

from __future__ import annotations

from typing import Any

from gok_tui.domain.relations import (
    Listing,
    ObjectsSource,
    build_tree,
    ingress_backends,
    pod_uses,
    relations_of,
    tree_lines,
)

NS = "shop"


def obj(
    kind: str, name: str, *, owners: tuple[dict[str, Any], ...] = (), **fields: Any
) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name, "namespace": NS, "uid": f"uid-{kind}-{name}"}
    meta.update(fields.pop("metadata", {}))
    if owners:
        meta["ownerReferences"] = [
            {
                "kind": o["kind"],
                "name": o["metadata"]["name"],
                "uid": o["metadata"]["uid"],
                "controller": True,
            }
            for o in owners
        ]
    return {"kind": kind, "metadata": meta, **fields}


def running_pod(name: str, *owners: dict[str, Any], **spec: Any) -> dict[str, Any]:
    return obj(
        "Pod",
        name,
        owners=owners,
        spec={"nodeName": "node-1", "containers": [{"name": "app"}], **spec},
        status={
            "phase": "Running",
            "podIP": "10.0.0.1",
            "containerStatuses": [{"name": "app", "ready": True, "state": {"running": {}}}],
            "conditions": [{"type": "Ready", "status": "True"}],
        },
    )


SELECTOR = {"matchLabels": {"app": "web"}}
DEPLOYMENT = obj(
    "Deployment",
    "web",
    spec={"replicas": 2, "selector": SELECTOR},
    status={"readyReplicas": 2, "replicas": 2, "updatedReplicas": 2, "availableReplicas": 2},
)
RS = obj(
    "ReplicaSet",
    "web-7d4f",
    owners=(DEPLOYMENT,),
    spec={"replicas": 2, "selector": SELECTOR},
    status={"readyReplicas": 2, "replicas": 2},
)
POD_A = running_pod("web-7d4f-aaaaa", RS, metadata={"labels": {"app": "web"}})
POD_B = running_pod("web-7d4f-bbbbb", RS, metadata={"labels": {"app": "web"}})
STRANGER = running_pod("other-xxxxx")  # same namespace, owned by nobody
NODE = {
    "kind": "Node",
    "metadata": {"name": "node-1", "uid": "uid-node"},
    "status": {"conditions": [{"type": "Ready", "status": "True"}]},
}
SERVICE = obj("Service", "web", spec={"selector": {"app": "web"}, "type": "ClusterIP"})


def endpoint_slice(service: str, *pods: dict[str, Any], ready: bool = True) -> dict[str, Any]:
    return obj(
        "EndpointSlice",
        f"{service}-abcde",
        metadata={"labels": {"kubernetes.io/service-name": service}},
        addressType="IPv4",
        endpoints=[
            {
                "addresses": ["10.0.0.1"],
                "conditions": {"ready": ready},
                "targetRef": {
                    "kind": "Pod",
                    "name": p["metadata"]["name"],
                    "uid": p["metadata"]["uid"],
                },
            }
            for p in pods
        ],
    )


def world(**more: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    objects = {
        "deployments": [DEPLOYMENT],
        "replicasets": [RS],
        "pods": [POD_A, POD_B, STRANGER],
        "nodes": [NODE],
        "serviceaccounts": [obj("ServiceAccount", "default")],
        "services": [SERVICE],
        "endpointslices": [endpoint_slice("web", POD_A, POD_B)],
    }
    objects.update(more)
    return objects


def lines(plural: str, name: str, source: ObjectsSource, **options: Any) -> list[str]:
    return tree_lines(relations_of(source, plural, NS, name, **options))


def test_a_pod_shows_its_owners_up_to_the_deployment_and_what_it_uses() -> None:
    pod = running_pod(
        "web-7d4f-ccccc",
        RS,
        volumes=[
            {"name": "cfg", "configMap": {"name": "web-config"}},
            {"name": "data", "persistentVolumeClaim": {"claimName": "web-data"}},
            {"name": "opt", "secret": {"secretName": "maybe", "optional": True}},
        ],
        serviceAccountName="web",
        imagePullSecrets=[{"name": "pull"}],
    )
    pod["spec"]["containers"][0]["env"] = [
        {"name": "K", "valueFrom": {"secretKeyRef": {"name": "web-secret", "key": "k"}}}
    ]
    source = ObjectsSource(
        world(
            pods=[pod],
            configmaps=[obj("ConfigMap", "web-config", data={"a": "1"})],
            secrets=[obj("Secret", "web-secret", type="Opaque")],
            persistentvolumeclaims=[
                obj("PersistentVolumeClaim", "web-data", status={"phase": "Bound"})
            ],
            serviceaccounts=[obj("ServiceAccount", "web")],
        )
    )
    assert lines("pods", "web-7d4f-ccccc", source) == [
        "Pod web-7d4f-ccccc  Running",
        "  owned by ReplicaSet web-7d4f  2/2 ready",
        "    owned by Deployment web  2/2 ready",
        "  uses ConfigMap web-config  1 keys",
        "  mounts PersistentVolumeClaim web-data  Bound",
        "  uses Secret maybe  not found (optional)",
        "  uses Secret web-secret  Opaque",
        "  uses Secret pull  not found",
        "  runs as ServiceAccount web",
        "  runs on Node node-1  Ready",
    ]


def test_a_deployment_shows_its_replicasets_and_their_pods_not_other_pods() -> None:
    assert lines("deployments", "web", ObjectsSource(world())) == [
        "Deployment web  2/2 ready",
        "  owns ReplicaSet web-7d4f  2/2 ready",
        "    owns Pod web-7d4f-aaaaa  Running",
        "      runs as ServiceAccount default",
        "      runs on Node node-1  Ready",
        "    owns Pod web-7d4f-bbbbb  Running",
        "      runs as ServiceAccount default",
        "      runs on Node node-1  Ready",
    ]


def test_a_service_reaches_its_pods_through_its_endpoint_slices() -> None:
    tree = relations_of(ObjectsSource(world()), "services", NS, "web", max_depth=2)
    assert tree_lines(tree) == [
        "Service web  ClusterIP",
        "  endpoints EndpointSlice web-abcde  2/2 ready",
        "    endpoint Pod web-7d4f-aaaaa  Running",
        "      … deeper relations not shown (depth 2)",
        "    endpoint Pod web-7d4f-bbbbb  Running",
        "      … deeper relations not shown (depth 2)",
    ]


def test_without_slices_a_service_reaches_its_pods_through_endpoints() -> None:
    endpoints = obj(
        "Endpoints",
        "web",
        subsets=[
            {
                "addresses": [
                    {"ip": "10.0.0.1", "targetRef": {"kind": "Pod", "name": "web-7d4f-aaaaa"}}
                ],
                "notReadyAddresses": [
                    {"ip": "10.0.0.2", "targetRef": {"kind": "Pod", "name": "gone"}}
                ],
            }
        ],
    )
    source = ObjectsSource(world(endpointslices=[], endpoints=[endpoints]))
    assert lines("services", "web", source, max_depth=2)[:4] == [
        "Service web  ClusterIP",
        "  endpoints Endpoints web  1/2 ready",
        "    endpoint Pod gone  not found",
        "    endpoint Pod web-7d4f-aaaaa  Running",
    ]


def test_an_ingress_reaches_the_pods_behind_its_backends() -> None:
    ingress = obj(
        "Ingress",
        "web",
        spec={
            "defaultBackend": {"service": {"name": "missing"}},
            "rules": [
                {"http": {"paths": [{"path": "/", "backend": {"service": {"name": "web"}}}]}}
            ],
        },
    )
    assert ingress_backends(ingress) == ["web", "missing"]
    shown = lines("ingresses", "web", ObjectsSource(world(ingresses=[ingress])), max_depth=3)
    assert shown[:4] == [
        "Ingress web  1 rules",
        "  backend Service web  ClusterIP",
        "    endpoints EndpointSlice web-abcde  2/2 ready",
        "      endpoint Pod web-7d4f-aaaaa  Running",
    ]
    assert shown[-1] == "  backend Service missing  not found"


def test_an_hpa_shows_its_target_and_what_the_target_owns() -> None:
    hpa = obj(
        "HorizontalPodAutoscaler",
        "web",
        spec={"scaleTargetRef": {"kind": "Deployment", "name": "web", "apiVersion": "apps/v1"}},
        status={"currentReplicas": 2, "desiredReplicas": 3},
    )
    shown = lines(
        "horizontalpodautoscalers", "web", ObjectsSource(world(horizontalpodautoscalers=[hpa]))
    )
    assert shown[:3] == [
        "HorizontalPodAutoscaler web  2 -> 3 replicas",
        "  scales Deployment web  2/2 ready",
        "    owns ReplicaSet web-7d4f  2/2 ready",
    ]


def test_a_pvc_shows_the_pods_that_mount_it() -> None:
    mounting = running_pod(
        "db-0", volumes=[{"name": "d", "persistentVolumeClaim": {"claimName": "data"}}]
    )
    pvc = obj("PersistentVolumeClaim", "data", status={"phase": "Pending"})
    source = ObjectsSource(world(pods=[mounting, STRANGER], persistentvolumeclaims=[pvc]))
    assert lines("persistentvolumeclaims", "data", source, max_depth=1) == [
        "PersistentVolumeClaim data  Pending",
        "  mounted by Pod db-0  Running",
        "    … deeper relations not shown (depth 1)",
    ]


def test_cronjob_job_and_pod_chain_up_and_down() -> None:
    cronjob = obj("CronJob", "nightly", spec={"schedule": "0 3 * * *"})
    job = obj(
        "Job",
        "nightly-123",
        owners=(cronjob,),
        spec={"selector": {"matchLabels": {"job": "n"}}},
        status={"conditions": [{"type": "Complete", "status": "True"}]},
    )
    pod = running_pod("nightly-123-abcde", job)
    source = ObjectsSource(world(cronjobs=[cronjob], jobs=[job], pods=[pod]))
    assert lines("pods", "nightly-123-abcde", source)[:3] == [
        "Pod nightly-123-abcde  Running",
        "  owned by Job nightly-123  Complete",
        "    owned by CronJob nightly  0 3 * * *",
    ]
    assert lines("cronjobs", "nightly", source, max_depth=2)[:3] == [
        "CronJob nightly  0 3 * * *",
        "  owns Job nightly-123  Complete",
        "    owns Pod nightly-123-abcde  Running",
    ]


def test_an_owner_cycle_ends_in_a_leaf() -> None:
    first = obj("ReplicaSet", "a", spec={"selector": SELECTOR})
    second = obj("Deployment", "b", owners=(first,), spec={"selector": SELECTOR})
    first["metadata"]["ownerReferences"] = [
        {"kind": "Deployment", "name": "b", "uid": second["metadata"]["uid"]}
    ]
    source = ObjectsSource(world(replicasets=[first], deployments=[second], pods=[]))
    assert lines("replicasets", "a", source) == [
        "ReplicaSet a  0/1 ready",
        "  owned by Deployment b  0/1 ready",
        "    owned by ReplicaSet a  cycle: already above",
    ]


def test_an_owner_that_is_gone_or_of_an_unknown_kind_is_a_leaf() -> None:
    orphan = running_pod("orphan", RS)
    orphan["metadata"]["ownerReferences"].append({"kind": "Widget", "name": "w", "uid": "u"})
    source = ObjectsSource(world(pods=[orphan], replicasets=[]))
    assert lines("pods", "orphan", source)[:3] == [
        "Pod orphan  Running",
        "  owned by ReplicaSet web-7d4f  not found",
        "  owned by Widget w  not looked up",
    ]


def test_a_kind_not_allowed_says_so_and_the_rest_shows() -> None:
    source = ObjectsSource(world(), denied=["endpointslices", "nodes"])
    shown = lines("services", "web", source, max_depth=1)
    assert shown[:2] == ["Service web  ClusterIP", "  not allowed to list endpointslices"]
    pod_lines = lines("pods", "web-7d4f-aaaaa", source)
    assert "  runs on Node node-1  not allowed to list nodes" in pod_lines
    assert "    owned by Deployment web  2/2 ready" in pod_lines


def test_a_root_that_is_not_there_is_a_not_found_root() -> None:
    assert lines("pods", "nope", ObjectsSource(world())) == ["Pod nope  not found"]


def test_each_question_is_asked_once_per_tree() -> None:
    class Counting(ObjectsSource):
        asked: list[tuple[str, str | None]] = []

        def selected(self, plural: str, namespace: str | None, selector: str | None) -> Listing:
            self.asked.append((plural, selector))
            return super().selected(plural, namespace, selector)

    source = Counting(world())
    build_tree("Service", SERVICE, source)
    assert ("pods", None) in source.asked


def test_pod_uses_reads_projected_volumes_and_env_from() -> None:
    pod = running_pod(
        "p",
        volumes=[
            {
                "name": "proj",
                "projected": {
                    "sources": [{"configMap": {"name": "c1"}}, {"secret": {"name": "s1"}}]
                },
            }
        ],
    )
    pod["spec"]["initContainers"] = [{"name": "i", "envFrom": [{"configMapRef": {"name": "c2"}}]}]
    names = [(link.kind, link.name) for link in pod_uses(pod)]
    assert names == [
        ("ConfigMap", "c1"),
        ("Secret", "s1"),
        ("ConfigMap", "c2"),
        ("ServiceAccount", "default"),
        ("Node", "node-1"),
    ]
