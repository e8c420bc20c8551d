"""Discovery as a v1.28 API server answers it: /version, the legacy documents (/api, /apis,
/api/v1, /apis/GROUP/VERSION) and the aggregated one (Accept ...as=APIGroupDiscoveryList), built
from the kinds the fake serves (resources.RESOURCES)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tests.kubefake.resources import GROUP_VERSIONS, RESOURCES, Resource

Custom = Mapping[tuple[str, str], Resource]  # the kinds CRDs add (crds.served)

VERSION = {
    "major": "1",
    "minor": "28",
    "gitVersion": "v1.28.7-gok-fake",
    "gitCommit": "0000000000000000000000000000000000000000",
    "gitTreeState": "clean",
    "buildDate": "2026-01-01T00:00:00Z",
    "goVersion": "go1.21.13",
    "compiler": "gc",
    "platform": "linux/amd64",
}
AGGREGATED_KIND = "as=APIGroupDiscoveryList"


def wants_aggregated(accept: str) -> bool:
    """Whether an Accept header asks for the aggregated form a v1.28 server serves (v2beta1;
    it does not serve v2, which newer clients ask for first)."""
    for entry in accept.split(","):
        params = {p.strip() for p in entry.split(";")[1:]}
        if {"g=apidiscovery.k8s.io", "v=v2beta1", AGGREGATED_KIND} <= params:
            return True
    return False


def _all(custom: Custom) -> list[Resource]:
    return [*RESOURCES.values(), *custom.values()]


def _group_versions(custom: Custom) -> list[tuple[str, str]]:
    return sorted({*GROUP_VERSIONS, *((r.group, r.version) for r in custom.values())})


def _in(group: str, version: str, custom: Custom) -> list[Resource]:
    return [r for r in _all(custom) if (r.group, r.version) == (group, version)]


def resource_list(group: str, version: str, custom: Custom | None = None) -> dict[str, Any]:
    resources: list[dict[str, Any]] = []
    for resource in sorted(_in(group, version, custom or {}), key=lambda r: r.plural):
        entry: dict[str, Any] = {
            "name": resource.plural,
            "singularName": resource.kind.lower(),
            "namespaced": resource.namespaced,
            "kind": resource.kind,
            "verbs": list(resource.verbs),
        }
        if resource.short_names:
            entry["shortNames"] = list(resource.short_names)
        if resource.categories:
            entry["categories"] = list(resource.categories)
        resources.append(entry)
        for sub in resource.subs:
            item: dict[str, Any] = {
                "name": f"{resource.plural}/{sub.name}",
                "singularName": "",
                "namespaced": resource.namespaced,
            }
            if sub.group or sub.version:
                item.update(group=sub.group, version=sub.version)
            item.update(kind=sub.kind, verbs=list(sub.verbs))
            resources.append(item)
    answer: dict[str, Any] = {"kind": "APIResourceList"}
    if group:  # the core group's list has no apiVersion (as v1.28 answers it)
        answer["apiVersion"] = "v1"
    answer["groupVersion"] = f"{group}/{version}" if group else version
    answer["resources"] = resources
    return answer


def group_list(custom: Custom | None = None) -> dict[str, Any]:
    return {
        "kind": "APIGroupList",
        "apiVersion": "v1",
        "groups": [
            {
                "name": group,
                "versions": [{"groupVersion": f"{group}/{version}", "version": version}],
                "preferredVersion": {"groupVersion": f"{group}/{version}", "version": version},
            }
            for group, version in _group_versions(custom or {})
        ],
    }


def _aggregated_resource(resource: Resource, custom: bool = False) -> dict[str, Any]:
    # a CRD's kinds name their group and version in responseKind (answer 08), built-in ones not
    group, version = (resource.group, resource.version) if custom else ("", "")
    entry: dict[str, Any] = {
        "resource": resource.plural,
        "responseKind": {"group": group, "version": version, "kind": resource.kind},
        "scope": "Namespaced" if resource.namespaced else "Cluster",
        "singularResource": resource.kind.lower(),
        "verbs": list(resource.verbs),
    }
    if resource.short_names:
        entry["shortNames"] = list(resource.short_names)
    if resource.categories:
        entry["categories"] = list(resource.categories)
    if resource.subs:
        entry["subresources"] = [
            {
                "subresource": sub.name,
                "responseKind": {"group": sub.group, "version": sub.version, "kind": sub.kind},
                "verbs": list(sub.verbs),
            }
            for sub in resource.subs
        ]
    return entry


def aggregated(core: bool, custom: Custom | None = None) -> dict[str, Any]:
    """/api (core) or /apis as one APIGroupDiscoveryList."""
    custom = custom or {}
    pairs = [("", "v1")] if core else _group_versions(custom)
    items = []
    for group, version in pairs:
        metadata: dict[str, Any] = {"creationTimestamp": None}
        if group:
            metadata = {"name": group, **metadata}
        resources = sorted(_in(group, version, custom), key=lambda r: r.plural)
        items.append(
            {
                "metadata": metadata,
                "versions": [
                    {
                        "version": version,
                        "resources": [
                            _aggregated_resource(r, r in custom.values()) for r in resources
                        ],
                        "freshness": "Current",
                    }
                ],
            }
        )
    return {
        "kind": "APIGroupDiscoveryList",
        "apiVersion": "apidiscovery.k8s.io/v2beta1",
        "metadata": {},
        "items": items,
    }


def document(path: str, accept: str, custom: Custom | None = None) -> dict[str, Any] | None:
    """The discovery document at ``path``, or None when ``path`` is not one."""
    custom = custom or {}
    path = path.rstrip("/")
    if path == "/version":
        return dict(VERSION)
    if path in ("/api", "/apis") and wants_aggregated(accept):
        return aggregated(path == "/api", custom)
    if path == "/api":
        return {
            "kind": "APIVersions",
            "versions": ["v1"],
            "serverAddressByClientCIDRs": [
                {"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}
            ],
        }
    if path == "/apis":
        return group_list(custom)
    for group, version in [("", "v1"), *_group_versions(custom)]:
        if path == (f"/apis/{group}/{version}" if group else "/api/v1"):
            return resource_list(group, version, custom)
    return None


def content_type(document: dict[str, Any]) -> str:
    """What a v1.28 server says its discovery answer is (clients read the form from it)."""
    if document.get("kind") == "APIGroupDiscoveryList":
        return "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList"
    return "application/json"


def known_prefix(path: str, custom: Custom | None = None) -> bool:
    """Whether a path is under a group version the fake serves (else the server's mux answers
    a plain-text 404)."""
    parts = [p for p in path.split("/") if p]
    if parts[:2] == ["api", "v1"]:
        return True
    group_versions = _group_versions(custom or {})
    return len(parts) >= 3 and parts[0] == "apis" and (parts[1], parts[2]) in group_versions
