"""Cases 01-57: the requests behind the answers recorded by hand from a v1.28.7 API server
(answers/README.md), in the order they were sent."""

from __future__ import annotations

from tests.conformance.budgets import evict_a_web_pod, web_budget
from tests.conformance.case import (
    APPLY,
    JSON,
    JSON_PATCH,
    LIST,
    MERGE,
    NOT_SERVED,
    OBJECT,
    TABLES,
    WATCH,
    Case,
    configmap_changes,
    delete_pod,
    get,
    save,
    table,
)
from tests.conformance.wire import AGGREGATED, Req
from tests.conformance.world import APPS, CORE, World


def _access_review(w: World) -> Req:
    """May the caller patch Deployments here? (As the admin: yes; as the viewer: no.)"""
    attributes = {"namespace": w.ns, "verb": "patch", "group": "apps", "resource": "deployments"}
    body = {
        "apiVersion": "authorization.k8s.io/v1",
        "kind": "SelfSubjectAccessReview",
        "spec": {"resourceAttributes": attributes},
    }
    return Req("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", {}, JSON, body)


ACCESS_REVIEW = ("status", "kind", "apiVersion", "path:spec", "path:status")


GIVEN: tuple[Case, ...] = (
    Case("01-version", "server version", get("/version"), ("status", "keys")),
    Case("02-discovery-legacy-api", "/api", get("/api"), ("status", "kind", "keys")),
    Case("03-discovery-legacy-apis", "/apis", get("/apis"), ("status", "kind", "apiVersion")),
    Case(
        "04-discovery-legacy-core-v1",
        "core/v1 resources",
        get("/api/v1"),
        ("status", "kind", "keys", "resources"),
    ),
    Case(
        "05-discovery-legacy-apps-v1",
        "apps/v1 resources",
        get("/apis/apps/v1"),
        ("status", "kind", "keys", "resources"),
    ),
    Case(
        "06-discovery-legacy-crd-group",
        "a CRD's group",
        get("/apis/rec.example.com/v1"),
        ("status", "kind", "keys", "resources"),
    ),
    Case(
        "07-discovery-aggregated-api",
        "aggregated discovery of the core group",
        lambda w: Req("GET", "/api", {}, {"Accept": AGGREGATED}),
        ("status", "kind", "apiVersion", "aggregated"),
    ),
    Case(
        "08-discovery-aggregated-apis",
        "aggregated discovery of the groups",
        lambda w: Req("GET", "/apis", {}, {"Accept": AGGREGATED}),
        ("status", "kind", "apiVersion", "aggregated"),
    ),
    Case(
        "09-metrics-api-absent",
        "a group the server does not serve",
        get("/apis/metrics.k8s.io/v1beta1"),
        ("status", "content-type", "text"),
    ),
    Case("10-table-pods", "Table of pods", table("/api/v1/namespaces/{ns}/pods"), TABLES),
    Case(
        "11-table-deployments",
        "Table of deployments",
        table("/apis/apps/v1/namespaces/{ns}/deployments"),
        (*TABLES, "row-names"),
    ),
    Case(
        "12-table-replicasets",
        "Table of replicasets",
        table("/apis/apps/v1/namespaces/{ns}/replicasets"),
        (*TABLES, "row-names"),
    ),
    Case(
        "13-table-services",
        "Table of services",
        table("/api/v1/namespaces/{ns}/services"),
        (*TABLES, "row-names"),
    ),
    Case(
        "14-table-endpoints",
        "Table of endpoints",
        table("/api/v1/namespaces/{ns}/endpoints"),
        (*TABLES, "row-names"),
    ),
    Case(
        "15-table-ingresses",
        "Table of ingresses",
        table("/apis/networking.k8s.io/v1/namespaces/{ns}/ingresses"),
        (*TABLES, "row-names"),
    ),
    Case(
        "16-table-statefulsets",
        "Table of statefulsets",
        table("/apis/apps/v1/namespaces/{ns}/statefulsets"),
        not_compared=NOT_SERVED.format("StatefulSets"),
    ),
    Case(
        "17-table-cronjobs",
        "Table of cronjobs",
        table("/apis/batch/v1/namespaces/{ns}/cronjobs"),
        not_compared=NOT_SERVED.format("CronJobs"),
    ),
    Case(
        "18-table-hpa",
        "Table of HPAs",
        table("/apis/autoscaling/v2/namespaces/{ns}/horizontalpodautoscalers"),
        (*TABLES, "row-names"),
    ),
    Case(
        "19-table-pdb",
        "Table of PDBs",
        table("/apis/policy/v1/namespaces/{ns}/poddisruptionbudgets"),
        (*TABLES, "row-names"),
        before=web_budget,
    ),
    Case(
        "20-table-configmaps",
        "Table of configmaps",
        table("/api/v1/namespaces/{ns}/configmaps"),
        (*TABLES, "row-names"),
    ),
    Case(
        "21-table-secrets",
        "Table of secrets",
        table("/api/v1/namespaces/{ns}/secrets"),
        TABLES,
    ),
    Case("22-table-events", "Table of events", table("/api/v1/namespaces/{ns}/events"), TABLES),
    Case("23-table-nodes", "Table of nodes", table("/api/v1/nodes"), TABLES),
    Case("24-table-namespaces", "Table of namespaces", table("/api/v1/namespaces"), TABLES),
    Case(
        "25-table-crd-gizmos",
        "Table of a CRD's objects",
        table("/apis/rec.example.com/v1/namespaces/{ns}/gizmos"),
        not_compared=NOT_SERVED.format("CustomResourceDefinitions"),
    ),
    Case(
        "26-table-controllerrevisions",
        "Table of controllerrevisions",
        table("/apis/apps/v1/namespaces/{ns}/controllerrevisions"),
        not_compared=NOT_SERVED.format("ControllerRevisions"),
    ),
    Case(
        "27-table-pods-metadata-only",
        "Table of pods, objects as metadata",
        table("/api/v1/namespaces/{ns}/pods", include=False),
        TABLES,
    ),
    Case(
        "28-list-pods-limit-continue",
        "a page of one",
        get("/api/v1/namespaces/{ns}/pods", limit="1"),
        (*LIST, "item-count"),
    ),
    Case(
        "29-list-fieldselector-events",
        "events by field selector",
        get(
            "/api/v1/namespaces/{ns}/events",
            fieldSelector="involvedObject.kind=StatefulSet,involvedObject.name=db",
        ),
        ("status", "kind", "apiVersion", "metadata-keys"),
    ),
    Case(
        "30-list-labelselector",
        "pods by set-based label selector",
        get("/api/v1/namespaces/{ns}/pods", labelSelector="app in (web)"),
        (*LIST, "items"),
    ),
    Case(
        "31-list-bad-fieldselector",
        "an unsupported field selector",
        get("/api/v1/namespaces/{ns}/pods", fieldSelector="spec.image=x"),
    ),
    Case("32-get-404", "a missing pod", get("/api/v1/namespaces/{ns}/pods/missing")),
    Case(
        "33-get-namespace-404",
        "pods of a namespace that does not exist",
        get("/api/v1/namespaces/nosuchns/pods"),
        (*LIST, "item-count"),
    ),
    Case(
        "34-create-409-exists",
        "AlreadyExists",
        lambda w: Req(
            "POST",
            f"{CORE}/{w.ns}/configmaps",
            {},
            JSON,
            {"metadata": {"name": "settings"}, "data": {"mode": "b"}},
        ),
    ),
    Case(
        "35-update-409-conflict",
        "PUT with a stale resourceVersion",
        lambda w: Req(
            "PUT",
            f"{CORE}/{w.ns}/configmaps/settings",
            {},
            JSON,
            {
                "metadata": {"name": "settings", "resourceVersion": "1"},
                "data": {"mode": "stale"},
            },
        ),
    ),
    Case(
        "36-create-422-invalid",
        "an invalid name",
        lambda w: Req(
            "POST",
            f"{CORE}/{w.ns}/configmaps",
            {},
            JSON,
            {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "Bad_Name"}},
        ),
    ),
    Case(
        "37-patch-422-invalid",
        "replicas -1",
        lambda w: Req(
            "PATCH", f"{APPS}/{w.ns}/deployments/web", {}, MERGE, {"spec": {"replicas": -1}}
        ),
    ),
    Case(
        "38-patch-json-test-fail",
        "a JSON patch whose test fails",
        lambda w: Req(
            "PATCH",
            f"{APPS}/{w.ns}/deployments/web",
            {},
            JSON_PATCH,
            [
                {"op": "test", "path": "/metadata/resourceVersion", "value": "1"},
                {"op": "replace", "path": "/spec/replicas", "value": 3},
            ],
        ),
    ),
    Case(
        "39-patch-merge-dryrun",
        "merge patch, dryRun=All",
        lambda w: Req(
            "PATCH",
            f"{APPS}/{w.ns}/deployments/web",
            {"dryRun": "All"},
            MERGE,
            {"spec": {"replicas": 3}},
        ),
        (*OBJECT, "path:spec.replicas"),
    ),
    Case(
        "40-scale-get",
        "a Deployment's scale",
        get(APPS + "/{ns}/deployments/web/scale"),
        (*OBJECT, "path:spec", "path:status"),
    ),
    Case(
        "41-scale-patch",
        "a StatefulSet's scale",
        lambda w: Req(
            "PATCH",
            f"{APPS}/{w.ns}/statefulsets/db/scale",
            {},
            MERGE,
            {"spec": {"replicas": 1}},
        ),
        not_compared=NOT_SERVED.format("StatefulSets"),
    ),
    Case(
        "42-apply-ssa-conflict",
        "server-side apply of a field kubectl apply owns",
        lambda w: Req(
            "PATCH",
            f"{APPS}/{w.ns}/deployments/web",
            {"fieldManager": "gok-tui"},
            APPLY,
            {
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "metadata": {"name": "web"},
                "spec": {"replicas": 4},
            },
        ),
    ),
    Case(
        "43-delete-precondition-wrong-uid",
        "delete with a wrong UID",
        delete_pod("solo", lambda w: "00000000-0000-0000-0000-000000000000"),
        before=save("solo", lambda w: w.running_pod("solo")),
    ),
    Case(
        "44-delete-graceful",
        "graceful delete of a running pod",
        delete_pod("solo", lambda w: w.saved["solo"]),
        OBJECT,
    ),
    Case("45-get-terminating", "the pod, terminating", get(CORE + "/{ns}/pods/solo"), OBJECT),
    Case(
        "46-delete-grace-0",
        "delete with grace 0",
        delete_pod("solo0", lambda w: w.saved["solo0"], gracePeriodSeconds=0),
        OBJECT,
        before=save("solo0", lambda w: w.running_pod("solo0")),
    ),
    Case("47-get-after-grace-0", "gone at once", get(CORE + "/{ns}/pods/solo0")),
    Case(
        "48-delete-dryrun",
        "delete a Deployment, dryRun=All",
        lambda w: Req("DELETE", f"{APPS}/{w.ns}/deployments/web", {"dryRun": "All"}),
    ),
    Case(
        "49-evict-pdb-429",
        "eviction a PDB forbids",
        evict_a_web_pod,
        before=web_budget,
    ),
    Case(
        "50-ssar-allowed",
        "SelfSubjectAccessReview",
        _access_review,
        ACCESS_REVIEW,
    ),
    Case(
        "51-forbidden-403",
        "a ServiceAccount that may only read pods lists deployments",
        get(APPS + "/{ns}/deployments"),
        viewer=True,
    ),
    Case(
        "52-ssar-denied",
        "SelfSubjectAccessReview as a ServiceAccount that may only read pods",
        _access_review,
        ACCESS_REVIEW,
        viewer=True,
    ),
    Case(
        "53-logs-hollow-node",
        "a pod log on a kubemark hollow node",
        get(CORE + "/{ns}/pods/solo/log"),
        not_compared="a hollow node has no kubelet logs (500); the fake serves logs, and the "
        "product's log views are tested against it only",
    ),
    Case(
        "54-watch-events",
        "a watch from a list's resourceVersion with bookmarks",
        lambda w: Req(
            "GET",
            f"{CORE}/{w.ns}/configmaps",
            {
                "watch": "1",
                "resourceVersion": w.list_rv(f"{CORE}/{w.ns}/configmaps"),
                "allowWatchBookmarks": "true",
                "timeoutSeconds": "5",
            },
        ),
        WATCH,
        during=configmap_changes,
        watch=True,
    ),
    Case(
        "55-watch-410",
        "a watch from a compacted resourceVersion",
        lambda w: Req(
            "GET",
            f"{CORE}/{w.ns}/configmaps",
            {"watch": "1", "resourceVersion": "1", "timeoutSeconds": "3"},
        ),
        ("status", "events"),
        watch=True,
    ),
    Case(
        "56-list-rv-too-old",
        "list NotOlderThan an old resourceVersion",
        get(CORE + "/{ns}/configmaps", resourceVersion="1", resourceVersionMatch="NotOlderThan"),
        LIST,
    ),
    Case(
        "57-list-rv-exact-old",
        "list at an exact old resourceVersion",
        get(CORE + "/{ns}/configmaps", resourceVersion="2", resourceVersionMatch="Exact"),
    ),
)
