"""The namespace every conformance case runs in, made the same way on a real cluster (the
recorder) and on the fake (the replay): a Deployment ``web`` rolled from v1 to v2 by kubectl's
field managers, its Service, Ingress and HorizontalPodAutoscaler, a ConfigMap ``settings`` and
a Secret, the CRD ``gizmos.rec.example.com`` and one Gizmo (what ``answers/README.md``
describes, less the kinds the fake does not serve)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from gok_tui.backends.kube import KubeBackend

from tests.conformance.wire import Req, Wire
from tests.integration.helpers import deployment
from tests.integration.identity import restricted_backend
from tests.integration.scenario_kit import wait
from tests.kubefake.crds import crd

IMAGE_V1 = "registry.k8s.io/pause:3.9"
IMAGE_V2 = "registry.k8s.io/pause:3.10"
APPS = "/apis/apps/v1/namespaces"
CORE = "/api/v1/namespaces"
CRDS = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions"
GIZMOS = "/apis/rec.example.com/v1/namespaces"
GIZMOS_CRD = crd(
    "gizmos",
    "rec.example.com",
    "Gizmo",
    short_names=("gz",),
    categories=("all",),
    printer_columns=(
        {"name": "Size", "type": "integer", "jsonPath": ".spec.size"},
        {"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"},
    ),
)


def web_deployment(image: str, replicas: int = 2, name: str = "web") -> dict[str, Any]:
    obj = deployment(name, image, replicas)
    del obj["metadata"]["namespace"]  # created in the world's namespace
    return obj


def pod(name: str, **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "labels": {"app": name}},
        "spec": {"containers": [{"name": "c", "image": IMAGE_V1}], **spec},
    }


class World:
    """One namespace and what the cases need to find in it (UIDs, versions, earlier answers)."""

    def __init__(self, backend: KubeBackend, namespace: str, workdir: Path, fake: Any = None):
        self.backend = backend
        self.wire = Wire(backend)
        self.ns = namespace
        self.workdir = workdir
        self.fake = fake  # the FakeKube when replaying; None on a real cluster
        self.last: dict[str, Any] = {}  # the previous case's answer
        self.saved: dict[str, Any] = {}
        self._restricted: Wire | None = None

    # -- requests ----------------------------------------------------------------------------
    def ok(self, req: Req) -> dict[str, Any]:
        answer = self.wire.send(req)
        if not 200 <= answer["status"] <= 299:
            raise AssertionError(f"{req.method} {req.path}: {answer['status']} {answer['body']}")
        return answer["body"]

    def create(self, path: str, obj: dict[str, Any], **params: str) -> dict[str, Any]:
        return self.ok(Req("POST", path, dict(params), {}, obj))

    def get(self, path: str) -> dict[str, Any]:
        return self.ok(Req("GET", path))

    def exists(self, path: str) -> bool:
        return self.wire.send(Req("GET", path))["status"] == 200

    def wait(self, predicate: Callable[[], Any], what: str, timeout: float = 120.0) -> None:
        wait(predicate, timeout, what)

    def uid(self, path: str) -> str:
        return str(self.get(path)["metadata"]["uid"])

    def list_rv(self, path: str) -> str:
        return str(self.get(path)["metadata"]["resourceVersion"])

    def restricted(self) -> Wire:
        """Requests as a ServiceAccount that may only read pods."""
        if self._restricted is None:
            backend = restricted_backend(self.backend, self.ns, self.workdir, "viewer")
            self._restricted = Wire(backend)
        return self._restricted

    # -- the namespace -----------------------------------------------------------------------
    def build(self) -> None:
        ns = self.ns
        self.create("/api/v1/namespaces", {"metadata": {"name": ns}})
        self.wait(lambda: self.exists(f"{CORE}/{ns}/serviceaccounts/default"), "default SA")
        csa = {"fieldManager": "kubectl-client-side-apply"}
        self.create(f"{APPS}/{ns}/deployments", web_deployment(IMAGE_V1), **csa)
        self.create(
            f"{CORE}/{ns}/services",
            {
                "metadata": {"name": "web"},
                "spec": {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": 8080}]},
            },
            **csa,
        )
        self.create(
            f"/apis/networking.k8s.io/v1/namespaces/{ns}/ingresses",
            {
                "metadata": {"name": "web"},
                "spec": {
                    "rules": [
                        {
                            "host": "web.example.com",
                            "http": {
                                "paths": [
                                    {
                                        "path": "/",
                                        "pathType": "Prefix",
                                        "backend": {
                                            "service": {"name": "web", "port": {"number": 80}}
                                        },
                                    }
                                ]
                            },
                        }
                    ]
                },
            },
        )
        self.create(
            f"/apis/autoscaling/v2/namespaces/{ns}/horizontalpodautoscalers",
            {
                "metadata": {"name": "web"},
                "spec": {
                    "scaleTargetRef": {
                        "apiVersion": "apps/v1",
                        "kind": "Deployment",
                        "name": "web",
                    },
                    "minReplicas": 2,
                    "maxReplicas": 4,
                },
            },
        )
        self.create(
            f"{CORE}/{ns}/configmaps",
            {"metadata": {"name": "settings"}, "data": {"mode": "a"}},
            **csa,
        )
        self.create(f"{CORE}/{ns}/secrets", {"metadata": {"name": "creds"}, "data": {"pw": "eA=="}})
        self._gizmos()
        self.wait(lambda: self._rolled_out(IMAGE_V1), "web v1 rolled out")
        self.ok(
            Req(
                "PATCH",
                f"{APPS}/{ns}/deployments/web",
                {"fieldManager": "kubectl-set"},
                {"Content-Type": "application/strategic-merge-patch+json"},
                {
                    "spec": {
                        "template": {"spec": {"containers": [{"name": "web", "image": IMAGE_V2}]}}
                    }
                },
            )
        )
        self.wait(lambda: self._rolled_out(IMAGE_V2), "web v2 rolled out")

    def _gizmos(self) -> None:
        """The CRD of answers/README.md (cluster-wide: made once per cluster) and one object."""
        path = f"{CRDS}/{GIZMOS_CRD['metadata']['name']}"
        if not self.exists(path):
            self.create(CRDS, GIZMOS_CRD)

        def established() -> bool:
            conditions = (self.get(path).get("status") or {}).get("conditions") or []
            return any(
                c.get("type") == "Established" and c.get("status") == "True" for c in conditions
            )

        self.wait(established, "the gizmos CRD established")
        self.wait(lambda: self.exists(f"{GIZMOS}/{self.ns}/gizmos"), "gizmos served")
        gizmo = {"apiVersion": "rec.example.com/v1", "kind": "Gizmo", "metadata": {"name": "g1"}}
        self.create(f"{GIZMOS}/{self.ns}/gizmos", {**gizmo, "spec": {"size": 3}})

    def _rolled_out(self, image: str) -> bool:
        pods = self.get(f"{CORE}/{self.ns}/pods")["items"]
        web = [p for p in pods if (p["metadata"].get("labels") or {}).get("app") == "web"]
        ready = [
            p
            for p in web
            if p["spec"]["containers"][0]["image"] == image
            and not p["metadata"].get("deletionTimestamp")
            and any(
                c.get("type") == "Ready" and c.get("status") == "True"
                for c in (p.get("status") or {}).get("conditions") or []
            )
        ]
        return len(ready) == 2 and len(web) == 2

    def running_pod(self, name: str, **spec: Any) -> str:
        """A pod on a node, running; its UID."""
        self.create(f"{CORE}/{self.ns}/pods", pod(name, **spec))
        path = f"{CORE}/{self.ns}/pods/{name}"
        self.wait(lambda: (self.get(path).get("status") or {}).get("phase") == "Running", name)
        return self.uid(path)

    def pending_pod(self, name: str) -> str:
        """A pod no node fits (Unschedulable); its UID."""
        self.create(f"{CORE}/{self.ns}/pods", pod(name, nodeSelector={"gok.example.com/none": "x"}))
        path = f"{CORE}/{self.ns}/pods/{name}"

        def unschedulable() -> bool:
            conditions = (self.get(path).get("status") or {}).get("conditions") or []
            return any(c.get("reason") == "Unschedulable" for c in conditions)

        self.wait(unschedulable, f"{name} unschedulable")
        return self.uid(path)
