"""The dev loop's manifest apply on any cluster: the manifests of a project, the freshly built
image put in, applied server-side (field manager gok-tui, forced) as devloop.loop does it."""

from __future__ import annotations

from pathlib import Path

import yaml
from gok_tui.actions.audit import AuditLog
from gok_tui.actions.manifests import apply_actions, load_manifests, with_image
from gok_tui.actions.run import execute
from gok_tui.backends.kube import KubeBackend
from gok_tui.domain.kinds import KINDS

from tests.integration.helpers import deployment, service
from tests.integration.scenario_kit import PAUSE_IMAGE, PAUSE_IMAGE_NEXT, get, wait


def _apply(
    backend: KubeBackend, project: Path, namespace: str, image: str, audit: AuditLog
) -> None:
    documents = [
        (source, with_image(doc, "app", "web", image))
        for source, doc in load_manifests(project, ["k8s/app.yaml"])
    ]
    target = backend.target
    for action in apply_actions(documents, target.context, target.cluster_server, namespace):
        result = execute(action, backend, audit=audit)
        assert result.ok, result.message


def manifest_apply(backend: KubeBackend, namespace: str, project: Path) -> None:
    """First deploy creates the objects; the next build's apply rolls the image out, even
    over a change someone made with kubectl meanwhile (apply is forced, as the loop's is)."""
    manifests = project / "k8s"
    manifests.mkdir(parents=True)
    app = deployment("app", "placeholder", 1, namespace)
    del app["metadata"]["namespace"]  # the loop applies into the context's namespace
    svc = service("app", {"app": "app"}, namespace)
    del svc["metadata"]["namespace"]
    (manifests / "app.yaml").write_text(yaml.safe_dump_all([app, svc]))
    audit = AuditLog(project / "audit.jsonl")

    _apply(backend, project, namespace, PAUSE_IMAGE, audit)
    live = get(backend, "deployments", namespace, "app")
    assert live["spec"]["template"]["spec"]["containers"][0]["image"] == PAUSE_IMAGE
    assert get(backend, "services", namespace, "app")["spec"]["selector"] == {"app": "app"}
    managers = {entry["manager"] for entry in live["metadata"].get("managedFields") or []}
    assert "gok-tui" in managers

    backend.mutate(  # someone edits the image by hand
        "PATCH",
        KINDS["deployments"].object_path(namespace, "app"),
        {"spec": {"template": {"spec": {"containers": [{"name": "web", "image": "x:1"}]}}}},
        content_type="application/strategic-merge-patch+json",
        query={"fieldManager": "kubectl-edit"},
    )
    _apply(backend, project, namespace, PAUSE_IMAGE_NEXT, audit)

    def image() -> str:
        obj = get(backend, "deployments", namespace, "app")
        return str(obj["spec"]["template"]["spec"]["containers"][0]["image"])

    wait(lambda: image() == PAUSE_IMAGE_NEXT, 30, "the new image applied")
    assert [(e["action"], e["ok"]) for e in audit.entries()] == [("apply", True)] * 4
