"""Discovery on any cluster (the fake in CI, a real one in e2e): a CRD installed while the
console runs becomes a kind it resolves and lists, and goes away with the CRD."""

from __future__ import annotations

from gok_tui.backends.kube import KubeBackend, KubeError
from gok_tui.domain.discovery import KindCatalog

from tests.integration.scenario_kit import wait
from tests.kubefake.crds import crd

CRDS = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions"


def _established(backend: KubeBackend, name: str) -> bool:
    conditions = (backend.get_json(f"{CRDS}/{name}").get("status") or {}).get("conditions")
    return any(
        c.get("type") == "Established" and c.get("status") == "True" for c in conditions or []
    )


def crd_comes_and_goes(backend: KubeBackend, namespace: str) -> None:
    group = f"{namespace}.gok.example.com"  # one group per run: nothing left from another
    before = backend.discover()
    assert before.resolve(f"widgets.{group}") is None
    definition = crd("widgets", group, "Widget", short_names=("wdg",), categories=("gok-e2e",))
    name = definition["metadata"]["name"]
    backend.mutate("POST", CRDS, definition)
    try:
        wait(lambda: _established(backend, name), 30, "the CRD Established")
        catalog: list[KindCatalog] = []

        def discovered() -> bool:
            catalog[:] = [backend.discover()]
            return catalog[0].resolve(f"widgets.{group}") is not None

        wait(discovered, 30, "the CRD's kind in discovery")
        resolved = catalog[0].resolve(f"widgets.{group}")
        assert resolved is not None
        widgets = resolved.kinds[0]
        assert (widgets.name, widgets.namespaced, widgets.listable) == ("Widget", True, True)
        assert catalog[0].resolve("gok-e2e") is not None  # its category
        assert before.resolve("wdg") is None and catalog[0].resolve("wdg") is not None
        path = widgets.collection_path(namespace)
        backend.mutate(
            "POST",
            path,
            {"apiVersion": f"{group}/v1", "kind": "Widget", "metadata": {"name": "w1"}},
        )
        listed = backend.list(widgets, namespace)
        assert [item["metadata"]["name"] for item in listed.items] == ["w1"]
        stream = backend.watch(widgets, namespace, listed.resource_version, timeout_seconds=10)
        backend.mutate("DELETE", widgets.object_path(namespace, "w1"))
        events = []
        for event_type, obj in stream:
            events.append((event_type, obj.get("metadata", {}).get("name")))
            if event_type == "DELETED":
                break
        stream.close()
        assert ("DELETED", "w1") in events
    finally:
        backend.mutate("DELETE", f"{CRDS}/{name}")

    def gone() -> bool:
        try:
            backend.list(widgets, namespace)
        except KubeError as error:
            return error.status == 404
        return False

    wait(gone, 60, "the custom resources' collection gone with the CRD")
    wait(
        lambda: backend.discover().resolve(f"widgets.{group}") is None,
        30,
        "the kind gone from discovery",
    )
