"""Discovery against the fake API server over HTTP: aggregated, legacy, 406, 403, the cache,
and CRDs coming and going."""

from __future__ import annotations

from pathlib import Path

from gok_tui.backends.kube import KubeBackend

from tests.integration import discovery_scenarios
from tests.kubefake import FakeKube
from tests.kubefake.crds import crd

DISCOVERY = ("/api", "/apis")


def discovery_paths(fake: FakeKube) -> list[str]:
    return [r.path for r in fake.requests if r.path.startswith(DISCOVERY)]


def test_aggregated_discovery_is_two_requests_and_legacy_gives_the_same_kinds(
    fake_kube: FakeKube, fake_backend: KubeBackend
) -> None:
    aggregated = fake_backend.discover()
    assert discovery_paths(fake_kube) == ["/api", "/apis"]
    assert aggregated.resolve("hpa") is not None and aggregated.resolve("crd") is not None
    for answer in (False, 406):  # a server without aggregated discovery; one refusing it
        fake_kube.aggregated_discovery = answer
        fake_kube.clear_requests()
        legacy = fake_backend.discover()
        assert legacy.records() == aggregated.records()
        assert "/api/v1" in discovery_paths(fake_kube)
        assert "/apis/apps/v1" in discovery_paths(fake_kube)


def test_a_crd_comes_and_goes(fake_kube: FakeKube, fake_backend: KubeBackend) -> None:
    discovery_scenarios.crd_comes_and_goes(fake_backend, "default")


def test_the_fake_keeps_a_crd_as_sent_and_establishes_it(fake_kube: FakeKube) -> None:
    column = {"name": "Size", "type": "string", "jsonPath": ".spec.size"}
    fake_kube.create_crd(crd("gizmos", "rec.example.com", "Gizmo", printer_columns=(column,)))
    stored = fake_kube.get_object("customresourcedefinitions", None, "gizmos.rec.example.com")
    assert stored is not None
    assert stored["spec"]["versions"][0]["additionalPrinterColumns"] == [column]
    status = stored["status"]
    assert [c["type"] for c in status["conditions"]] == ["NamesAccepted", "Established"]
    assert status["acceptedNames"]["listKind"] == "GizmoList"
    assert status["storedVersions"] == ["v1"]


def test_refresh_caches_the_kinds_and_a_refusal_keeps_them(
    fake_kube: FakeKube, fake_backend: KubeBackend, tmp_path: Path
) -> None:
    from gok_tui.store.discovery import DiscoveryCache, DiscoveryStore

    fake_kube.create_crd(crd("widgets", "example.com", "Widget"))
    store = DiscoveryStore(DiscoveryCache(tmp_path))
    target = fake_backend.target
    first = store.discover(fake_backend, target)
    assert first.error == "" and first.catalog.resolve("widgets") is not None
    fake_kube.discovery_status = 403
    refused = store.discover(fake_backend, target)
    assert refused.status == 403 and "not allowed" in refused.error
    assert refused.catalog is first.catalog  # what was learnt stays
    # the next run reads it from the cache, with no request
    fake_kube.clear_requests()
    assert DiscoveryStore(DiscoveryCache(tmp_path)).catalog(target).resolve("widget")
    assert discovery_paths(fake_kube) == []
