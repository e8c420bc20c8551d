"""Discovery documents -> the kinds a cluster serves, and a typed name -> a kind, as kubectl
reads it. The documents are those a v1.28.7 API server answered (tests/conformance/answers)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from gok_tui.commands import Command, command_candidates, parse_command
from gok_tui.config.kubeconfig import KubeTarget
from gok_tui.domain.discovery import (
    BUILTIN,
    KindCatalog,
    core_versions,
    kinds_from_aggregated,
    kinds_from_resource_list,
    preferred_group_versions,
)
from gok_tui.domain.kinds import KINDS
from gok_tui.store.discovery import DiscoveryCache, DiscoveryStore

ANSWERS = Path(__file__).parent.parent / "conformance" / "answers"


def answer(name: str) -> dict[str, Any]:
    return json.loads((ANSWERS / f"{name}.json").read_text())["response"]["body"]


@pytest.fixture(scope="module")
def catalog() -> KindCatalog:
    kinds = kinds_from_aggregated(answer("07-discovery-aggregated-api"))
    kinds += kinds_from_aggregated(answer("08-discovery-aggregated-apis"))
    return KindCatalog(kinds, from_server=True)


def full_names(catalog: KindCatalog, typed: str) -> list[str]:
    resolved = catalog.resolve(typed)
    return [kind.full_name for kind in resolved.kinds] if resolved else []


# -- parsing ---------------------------------------------------------------------------------
def test_aggregated_discovery_gives_every_kind_in_its_preferred_version(
    catalog: KindCatalog,
) -> None:
    by_name = {kind.full_name: kind for kind in catalog.kinds}
    assert len(catalog.listable) == 49
    hpa = by_name["horizontalpodautoscalers.autoscaling"]
    assert hpa == KINDS["horizontalpodautoscalers"]  # the hand-listed entry, with server facts
    assert hpa.version == "v2" and hpa.categories == ("all",)
    assert by_name["flowschemas.flowcontrol.apiserver.k8s.io"].version == "v1beta3"
    gizmos = by_name["gizmos.rec.example.com"]
    assert (gizmos.name, gizmos.namespaced, gizmos.short_names) == ("Gizmo", True, ("gz",))
    assert not by_name["tokenreviews.authentication.k8s.io"].listable
    assert not any("/" in kind.plural for kind in catalog.kinds)  # subresources are not kinds


def test_legacy_discovery_reads_the_same_kinds() -> None:
    assert core_versions(answer("02-discovery-legacy-api")) == ["v1"]
    pairs = preferred_group_versions(answer("03-discovery-legacy-apis"))
    assert ("autoscaling", "v2") in pairs and ("rec.example.com", "v1") in pairs
    core = kinds_from_resource_list(answer("04-discovery-legacy-core-v1"))
    apps = kinds_from_resource_list(answer("05-discovery-legacy-apps-v1"))
    crd = kinds_from_resource_list(answer("06-discovery-legacy-crd-group"))
    legacy = KindCatalog(core + apps + crd, from_server=True)
    assert full_names(legacy, "sts") == ["statefulsets.apps"]
    assert full_names(legacy, "gz") == ["gizmos.rec.example.com"]
    assert "pods/log" not in [kind.plural for kind in core]
    assert {k.plural for k in core} >= {"pods", "nodes", "events", "configmaps"}


HOSTILE = [
    "widgets\x1b]52;c;aGk=\x07",  # an OSC 52 clipboard write
    "wid\u202egets",  # a bidi override
    "../secrets",
    "a/b",
    "Widgets",  # not a DNS label: no server gives it
    "",
]


@pytest.mark.parametrize("plural", HOSTILE)
def test_names_no_api_server_would_give_are_dropped(plural: str) -> None:
    resource = {
        "resource": plural,
        "responseKind": {"group": "x.io", "version": "v1", "kind": "Widget"},
        "scope": "Namespaced",
        "verbs": ["list", "watch"],
    }
    good = {**resource, "resource": "gadgets", "responseKind": {"kind": "Gadget"}}
    document = {
        "kind": "APIGroupDiscoveryList",
        "items": [
            {"metadata": {"name": "x.io"}, "versions": [{"version": "v1", "resources": [resource]}]}
        ],
    }
    document["items"][0]["versions"][0]["resources"].append(good)
    assert [kind.plural for kind in kinds_from_aggregated(document)] == ["gadgets"]


def test_hostile_groups_kinds_and_short_names_are_dropped_too() -> None:
    def one(group: str, kind: str, short: list[str]) -> list[str]:
        doc = {
            "groupVersion": f"{group}/v1",
            "resources": [{"name": "things", "kind": kind, "verbs": [], "shortNames": short}],
        }
        return [f"{k.full_name} {k.short_names}" for k in kinds_from_resource_list(doc)]

    assert one("ok.io", "Thing", ["th", "t\x1b[2J", "../x"]) == ["things.ok.io ('th',)"]
    assert one("..", "Thing", []) == []
    assert one("evil.io\x1b[31m", "Thing", []) == []
    assert one("ok.io", "Th\x00ing", []) == []
    assert one("ok.io", "Th\u2067ing", []) == []


# -- resolution ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("statefulsets", "statefulsets.apps"),  # plural
        ("statefulset", "statefulsets.apps"),  # singular
        ("sts", "statefulsets.apps"),  # short name
        ("StatefulSet", "statefulsets.apps"),  # Kind, any case
        ("STS", "statefulsets.apps"),
        ("cronjobs.batch", "cronjobs.batch"),  # name.group
        ("cj.batch", "cronjobs.batch"),
        ("deployments.v1.apps", "deployments.apps"),  # name.version.group
        ("gizmos.rec.example.com", "gizmos.rec.example.com"),
        ("gizmo.v1.rec.example.com", "gizmos.rec.example.com"),
        ("events", "events"),  # core first, as kubectl
        ("events.events.k8s.io", "events.events.k8s.io"),
        ("crd", "customresourcedefinitions.apiextensions.k8s.io"),
    ],
)
def test_names_resolve_as_kubectl_resolves_them(
    catalog: KindCatalog, typed: str, expected: str
) -> None:
    assert full_names(catalog, typed) == [expected]


def test_a_category_resolves_to_its_kinds_in_discovery_order(catalog: KindCatalog) -> None:
    resolved = catalog.resolve("all")
    assert resolved is not None and resolved.category == "all"
    names = [kind.full_name for kind in resolved.kinds]
    assert names[0] == "pods" and "gizmos.rec.example.com" in names
    assert "statefulsets.apps" in names and "nodes" not in names


def test_unknown_names_and_wrong_groups_do_not_resolve(catalog: KindCatalog) -> None:
    assert catalog.resolve("gizmos.other.example.com") is None
    assert catalog.resolve("deployments.v2.apps") is None
    assert catalog.resolve("nope") is None
    assert catalog.nearest("statefulset") and catalog.nearest("gizmoz")[0] == "gizmo"


def test_hand_listed_kinds_resolve_with_no_discovery() -> None:
    assert parse_command(":svc") == Command("kind", "services")
    assert parse_command(":hpa") == Command("kind", "horizontalpodautoscalers")
    assert BUILTIN.resolve("no") is not None and not BUILTIN.from_server
    assert parse_command(":pdb").unknown  # unknown until discovery says


def test_commands_resolve_through_the_catalog(catalog: KindCatalog) -> None:
    assert parse_command(":sts", catalog) == Command("kind", "statefulsets")  # hand-listed
    assert parse_command(":pdb", catalog) == Command("kind", "poddisruptionbudgets.policy")
    assert parse_command(":certificatesigningrequests.certificates.k8s.io", catalog) == Command(
        "kind", "certificatesigningrequests.certificates.k8s.io"
    )
    everything = parse_command(":all", catalog)
    assert (everything.kind, everything.argument) == ("view", "pods")  # the Pods view
    assert everything.message.startswith("all: also ")
    assert "services" in everything.message
    refused = parse_command(":tokenreviews", catalog)
    assert refused.kind == "error" and "cannot be listed" in refused.message
    typo = parse_command(":gizmoz", catalog)
    assert typo.unknown and "did you mean :gizmo" in typo.message
    lines = command_candidates([], [], catalog)
    assert {"sts", "gizmos", "gz", "crd", "all"} <= set(lines)
    assert "tokenreviews" not in lines


# -- the cache -------------------------------------------------------------------------------
def target(server: str = "https://a.example:6443", user: str = "alice") -> KubeTarget:
    return KubeTarget("ctx", server, user, "default", False)


def test_the_cache_keeps_each_clusters_kinds(tmp_path: Path, catalog: KindCatalog) -> None:
    cache = DiscoveryCache(tmp_path)
    cache.save(target(), catalog)
    assert cache.load(target("https://b.example:6443")) is None  # another server
    assert cache.load(target(user="bob")) is None  # another user: RBAC may hide groups
    loaded = cache.load(target())
    assert loaded is not None and loaded.records() == catalog.records()
    assert DiscoveryStore(cache).catalog(target()).resolve("gz") is not None
    assert DiscoveryStore(cache).catalog(target(user="bob")) is BUILTIN


def test_the_cache_is_written_atomically(tmp_path: Path, catalog: KindCatalog) -> None:
    cache = DiscoveryCache(tmp_path)
    cache.save(target(), catalog)
    replaced: list[tuple[str, str]] = []
    real_replace = os.replace

    def spy(src: str, dst: str) -> None:
        replaced.append((str(src), str(dst)))
        assert json.loads(Path(src).read_text())["kinds"]  # whole before it takes the name
        real_replace(src, dst)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "replace", spy)
        cache.save(target(), BUILTIN)
    assert replaced and replaced[0][1] == str(cache.path_for(target()))
    assert [p.name for p in tmp_path.iterdir()] == [cache.path_for(target()).name]


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        "[]",
        '{"format": 99, "kinds": []}',
        '{"format": 1, "cluster": "elsewhere", "kinds": []}',
        "\x00\x01\x02",
    ],
)
def test_a_corrupt_cache_is_ignored(tmp_path: Path, content: str) -> None:
    cache = DiscoveryCache(tmp_path)
    path = cache.path_for(target())
    path.write_text(content)
    assert cache.load(target()) is None
    assert DiscoveryStore(cache).catalog(target()) is BUILTIN


def test_hostile_names_in_a_cache_file_are_dropped_as_from_a_server(tmp_path: Path) -> None:
    cache = DiscoveryCache(tmp_path)
    record = {"group": "x.io", "version": "v1", "plural": "a\x1b]0;t\x07", "kind": "A"}
    data = {"format": 1, "cluster": "https://a.example:6443 alice", "kinds": [record]}
    cache.path_for(target()).write_text(json.dumps(data))
    loaded = cache.load(target())
    assert loaded is not None and all(k.group != "x.io" for k in loaded.kinds)


def test_an_answer_older_than_the_catalog_held_is_not_kept(tmp_path: Path) -> None:
    """Two discoveries overlap (the one after the first table, one for an unknown name): the
    one asked first and answered last must not put back what the other has replaced."""
    store = DiscoveryStore(DiscoveryCache(tmp_path))
    old = KindCatalog(from_server=True)
    new = KindCatalog(kinds_from_resource_list(answer("06-discovery-legacy-crd-group")))

    class Overlapping:
        def __init__(self) -> None:
            self.calls = 0

        def discover(self, timeout: object = None) -> KindCatalog:
            self.calls += 1
            if self.calls == 1:  # while the first waits, a second is asked and answered
                assert store.discover(backend, target()).catalog is new  # type: ignore[arg-type]
                return old
            return new

    backend = Overlapping()
    assert store.discover(backend, target()).catalog is new  # type: ignore[arg-type]
    assert store.catalog(target()) is new
    assert DiscoveryCache(tmp_path).load(target()).resolve("gz") is not None  # type: ignore[union-attr]
