"""Cases 58 on, recorded by record.py: what gok-tui and the fixes of issue 14 rely on beyond
the hand-recorded answers (DELETE options in the body, grace 0 for an unbound pod, the Scale
of a Deployment at 0 replicas, JSON patch tests, pods/status conditions, selector watches,
server-side apply, a restricted ServiceAccount, namespace deletion)."""

from __future__ import annotations

from collections.abc import Callable

from tests.conformance.case import (
    APPLY,
    JSON,
    JSON_PATCH,
    LIST,
    MERGE,
    OBJECT,
    STRATEGIC,
    WATCH,
    Case,
    delete_pod,
    get,
    labelled_changes,
    save,
    scale_patch,
)
from tests.conformance.wire import Req
from tests.conformance.world import APPS, CORE, IMAGE_V2, World, web_deployment

NETWORKING = "/apis/networking.k8s.io/v1/namespaces"
WEIGHT = "/metadata/annotations/nginx.ingress.kubernetes.io~1canary-weight"


def _delete(name: str, **options: object) -> Callable[[World], Req]:
    params = {"dryRun": "All"} if name == "pend2" else {}  # a query beside a body
    return delete_pod(name, lambda w: w.saved[name], params, **options)


def _zero(w: World) -> None:
    w.create(f"{APPS}/{w.ns}/deployments", web_deployment(IMAGE_V2, 0, "zero"))


def _gated(w: World) -> None:
    w.running_pod("gated", readinessGates=[{"conditionType": "gok.example.com/gate"}])


def _canary_ingress(w: World) -> None:
    annotations = {
        "nginx.ingress.kubernetes.io/canary": "true",
        "nginx.ingress.kubernetes.io/canary-weight": "0",
    }
    w.create(
        f"{NETWORKING}/{w.ns}/ingresses",
        {
            "metadata": {"name": "canary", "annotations": annotations},
            "spec": {"defaultBackend": {"service": {"name": "web", "port": {"number": 80}}}},
        },
    )


def _first_page(w: World) -> None:
    page = w.wire.send(Req("GET", f"{CORE}/{w.ns}/configmaps", {"limit": "1"}))["body"]
    w.saved["continue"] = page["metadata"]["continue"]


def _service_to_delete(w: World) -> None:
    w.create(
        f"{CORE}/{w.ns}/services", {"metadata": {"name": "gone"}, "spec": {"ports": [{"port": 80}]}}
    )


def _doomed_namespace(w: World) -> None:
    w.create("/api/v1/namespaces", {"metadata": {"name": f"{w.ns}-gone"}})
    w.create(f"{CORE}/{w.ns}-gone/configmaps", {"metadata": {"name": "inside"}})


PRODUCT: tuple[Case, ...] = (
    Case(
        "58-delete-pending-pod",
        "a pod no node fits is removed at once: 200 with the object, grace 0",
        _delete("pend"),
        OBJECT,
        before=save("pend", lambda w: w.pending_pod("pend")),
    ),
    Case("59-get-after-pending-delete", "gone", get(CORE + "/{ns}/pods/pend")),
    Case(
        "60-delete-body-beside-query-dryrun",
        "DeleteOptions in the body: ?dryRun=All beside it is not read, the pod is deleted",
        _delete("pend2"),
        OBJECT,
        before=save("pend2", lambda w: w.pending_pod("pend2")),
    ),
    Case("61-get-after-query-dryrun", "deleted for real", get(CORE + "/{ns}/pods/pend2")),
    Case(
        "62-delete-dryrun-in-body",
        "dryRun in the DeleteOptions body",
        _delete("pend3", dryRun=["All"]),
        OBJECT,
        before=save("pend3", lambda w: w.pending_pod("pend3")),
    ),
    Case("63-get-after-body-dryrun", "still there", get(CORE + "/{ns}/pods/pend3"), OBJECT),
    Case(
        "64-scale-get-zero",
        "the Scale of a Deployment at 0 replicas (autoscaling/v1 leaves replicas out)",
        get(APPS + "/{ns}/deployments/zero/scale"),
        (*OBJECT, "path:spec", "path:status.replicas"),
        before=_zero,
    ),
    Case(
        "65-scale-json-patch-test",
        "JSON patch of a Scale: test the spec, add replicas",
        scale_patch(0),
        (*OBJECT, "path:spec"),
    ),
    Case(
        "66-scale-json-patch-test-stale",
        "the same patch when the spec moved: 422",
        scale_patch(5),
    ),
    Case(
        "67-patch-stale-resourceversion",
        "merge patch carrying an old resourceVersion: 409",
        lambda w: Req(
            "PATCH",
            f"{APPS}/{w.ns}/deployments/web",
            {},
            MERGE,
            {"metadata": {"resourceVersion": "1"}, "spec": {"replicas": 2}},
        ),
    ),
    Case(
        "68-patch-pod-status-condition",
        "a readiness gate's condition set through pods/status",
        lambda w: Req(
            "PATCH",
            f"{CORE}/{w.ns}/pods/gated/status",
            {},
            STRATEGIC,
            {"status": {"conditions": [{"type": "gok.example.com/gate", "status": "True"}]}},
        ),
        (*OBJECT, "condition-types"),
        before=_gated,
    ),
    Case(
        "69-json-patch-selector",
        "JSON patch: test a Service's selector, replace it (dry run)",
        lambda w: Req(
            "PATCH",
            f"{CORE}/{w.ns}/services/web",
            {"dryRun": "All"},
            JSON_PATCH,
            [
                {"op": "test", "path": "/spec/selector", "value": {"app": "web"}},
                {"op": "replace", "path": "/spec/selector", "value": {"app": "web", "t": "x"}},
            ],
        ),
        (*OBJECT, "path:spec.selector"),
    ),
    Case(
        "70-json-patch-selector-moved",
        "the same when the selector is not what was read: 422",
        lambda w: Req(
            "PATCH",
            f"{CORE}/{w.ns}/services/web",
            {},
            JSON_PATCH,
            [
                {"op": "test", "path": "/spec/selector", "value": {"app": "other"}},
                {"op": "replace", "path": "/spec/selector", "value": {"app": "web"}},
            ],
        ),
    ),
    Case(
        "71-json-patch-annotation",
        "JSON patch of an annotation whose key has a slash (~1)",
        lambda w: Req(
            "PATCH",
            f"{NETWORKING}/{w.ns}/ingresses/canary",
            {},
            JSON_PATCH,
            [
                {"op": "test", "path": WEIGHT, "value": "0"},
                {"op": "add", "path": WEIGHT, "value": "10"},
            ],
        ),
        (*OBJECT, "path:metadata.annotations"),
        before=_canary_ingress,
    ),
    Case(
        "72-watch-label-selector",
        "a watch by label: only the matching object's events",
        lambda w: Req(
            "GET",
            f"{CORE}/{w.ns}/configmaps",
            {
                "watch": "true",
                "labelSelector": "watched=yes",
                "resourceVersion": w.list_rv(f"{CORE}/{w.ns}/configmaps"),
                "timeoutSeconds": "2",
            },
        ),
        ("status", "events"),
        during=labelled_changes,
        watch=True,
    ),
    Case(
        "73-watch-rv-0",
        "a watch from resourceVersion 0: the current objects as ADDED first",
        lambda w: Req(
            "GET",
            f"{CORE}/{w.ns}/configmaps",
            {
                "watch": "true",
                "resourceVersion": "0",
                "fieldSelector": "metadata.name=settings",
                "timeoutSeconds": "1",
            },
        ),
        ("status", "events"),
        watch=True,
    ),
    Case(
        "74-list-rv-0",
        "list from the cache",
        get(CORE + "/{ns}/configmaps", resourceVersion="0"),
        LIST,
    ),
    Case(
        "75-apply-create",
        "server-side apply of an object that does not exist: 201",
        lambda w: Req(
            "PATCH",
            f"{CORE}/{w.ns}/configmaps/applied",
            {"fieldManager": "gok-tui"},
            APPLY,
            {
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": {"name": "applied"},
                "data": {"a": "1"},
            },
        ),
        (*OBJECT, "path:data"),
    ),
    Case(
        "76-apply-force",
        "server-side apply, forced over kubectl's ownership (what gok-tui's dev loop sends)",
        lambda w: Req(
            "PATCH",
            f"{APPS}/{w.ns}/deployments/web",
            {"fieldManager": "gok-tui", "force": "true"},
            APPLY,
            {
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "metadata": {"name": "web"},
                "spec": {"replicas": 3},
            },
        ),
        (*OBJECT, "path:spec.replicas"),
    ),
    Case(
        "77-delete-service",
        "delete a Service: the object comes back",
        lambda w: Req("DELETE", f"{CORE}/{w.ns}/services/gone"),
        ("status", "kind"),
        before=_service_to_delete,
    ),
    Case(
        "78-create-dryrun",
        "create, dryRun=All: 201 and nothing stored",
        lambda w: Req(
            "POST",
            f"{APPS}/{w.ns}/deployments",
            {"dryRun": "All"},
            JSON,
            web_deployment(IMAGE_V2, 1, "dry"),
        ),
        OBJECT,
    ),
    Case("79-get-after-create-dryrun", "not stored", get(APPS + "/{ns}/deployments/dry")),
    Case("80-get-deployment-404", "a missing Deployment", get(APPS + "/{ns}/deployments/missing")),
    Case(
        "81-strategic-containers",
        "strategic merge: one container's image by name (set image), dry run",
        lambda w: Req(
            "PATCH",
            f"{APPS}/{w.ns}/deployments/web",
            {"dryRun": "All"},
            STRATEGIC,
            {
                "spec": {
                    "template": {
                        "spec": {"containers": [{"name": "web", "image": "example/web:v3"}]}
                    }
                }
            },
        ),
        (*OBJECT, "containers"),
    ),
    Case(
        "82-list-continue",
        "the second page of a paged list",
        lambda w: Req(
            "GET", f"{CORE}/{w.ns}/configmaps", {"limit": "1", "continue": w.saved["continue"]}
        ),
        (*LIST, "item-count"),
        before=_first_page,
    ),
    Case(
        "83-forbidden-get",
        "a ServiceAccount that may only read pods gets a Deployment",
        get(APPS + "/{ns}/deployments/web"),
        viewer=True,
    ),
    Case(
        "84-forbidden-watch",
        "... and watches Deployments",
        get(APPS + "/{ns}/deployments", watch="true", timeoutSeconds="1"),
        viewer=True,
        watch=True,
    ),
    Case(
        "85-allowed-list",
        "... and lists pods",
        get(CORE + "/{ns}/pods"),
        LIST,
        viewer=True,
    ),
    Case(
        "86-token-request",
        "a token for a ServiceAccount (TokenRequest)",
        lambda w: Req(
            "POST",
            f"{CORE}/{w.ns}/serviceaccounts/default/token",
            {},
            JSON,
            {"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest", "spec": {}},
        ),
        ("status", "kind", "apiVersion", "keys:status"),
    ),
    Case(
        "87-unknown-resource",
        "a resource a served group does not have",
        get(APPS + "/{ns}/gizmos"),
        ("status", "content-type"),
    ),
    Case(
        "88-events-of-a-pod",
        "events by involvedObject kind and name",
        get(
            CORE + "/{ns}/events", fieldSelector="involvedObject.kind=Pod,involvedObject.name=solo"
        ),
        ("status", "kind", "apiVersion", "metadata-keys"),
    ),
    Case(
        "89-delete-namespace",
        "delete a namespace: 200, the namespace Terminating until its content is gone",
        lambda w: Req("DELETE", f"/api/v1/namespaces/{w.ns}-gone"),
        (*OBJECT, "path:status.phase"),
        before=_doomed_namespace,
    ),
    Case(
        "90-watch-bookmark",
        "a watch with allowWatchBookmarks and nothing happening: bookmarks only",
        lambda w: Req(
            "GET",
            f"{CORE}/{w.ns}/secrets",
            {
                "watch": "true",
                "allowWatchBookmarks": "true",
                "resourceVersion": w.list_rv(f"{CORE}/{w.ns}/secrets"),
                "timeoutSeconds": "3",
            },
        ),
        WATCH,
        watch=True,
    ),
)
