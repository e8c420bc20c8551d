"""Discovery as a v1.28 API server answers it: /version, the legacy documents (/api, /apis,
/api/v1, /apis/GROUP/VERSION) and the aggregated one (Accept ...as=APIGroupDiscoveryList), built
from the kinds the fake serves (resources.RESOURCES)."""

from __future__ import annotations

from typing import Any

from tests.kubefake.resources import GROUP_VERSIONS, RESOURCES, Resource

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


def _in(group: str, version: str) -> list[Resource]:
    return [r for r in RESOURCES.values() if (r.group, r.version) == (group, version)]


def resource_list(group: str, version: str) -> dict[str, Any]:
    resources: list[dict[str, Any]] = []
    for resource in sorted(_in(group, version), key=lambda r: r.plural):
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


def group_list() -> dict[str, Any]:
    return {
        "kind": "APIGroupList",
        "apiVersion": "v1",
        "groups": [
            {
                "name": group,
                "versions": [{"groupVersion": f"{group}/{version}", "version": version}],
                "preferredVersion": {"groupVersion": f"{group}/{version}", "version": version},
            }
            for group, version in GROUP_VERSIONS
        ],
    }


def _aggregated_resource(resource: Resource) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "resource": resource.plural,
        "responseKind": {"group": "", "version": "", "kind": resource.kind},
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


def aggregated(core: bool) -> dict[str, Any]:
    """/api (core) or /apis as one APIGroupDiscoveryList."""
    pairs = [("", "v1")] if core else GROUP_VERSIONS
    items = []
    for group, version in pairs:
        metadata: dict[str, Any] = {"creationTimestamp": None}
        if group:
            metadata = {"name": group, **metadata}
        resources = sorted(_in(group, version), key=lambda r: r.plural)
        items.append(
            {
                "metadata": metadata,
                "versions": [
                    {
                        "version": version,
                        "resources": [_aggregated_resource(r) for r in resources],
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


def document(path: str, accept: str) -> dict[str, Any] | None:
    """The discovery document at ``path``, or None when ``path`` is not one."""
    path = path.rstrip("/")
    if path == "/version":
        return dict(VERSION)
    if path in ("/api", "/apis") and AGGREGATED_KIND in accept:
        return aggregated(core=path == "/api")
    if path == "/api":
        return {
            "kind": "APIVersions",
            "versions": ["v1"],
            "serverAddressByClientCIDRs": [
                {"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}
            ],
        }
    if path == "/apis":
        return group_list()
    for group, version in [("", "v1"), *GROUP_VERSIONS]:
        if path == (f"/apis/{group}/{version}" if group else "/api/v1"):
            return resource_list(group, version)
    return None


def known_prefix(path: str) -> bool:
    """Whether a path is under a group version the fake serves (else the server's mux answers
    a plain-text 404)."""
    parts = [p for p in path.split("/") if p]
    if parts[:2] == ["api", "v1"]:
        return True
    return len(parts) >= 3 and parts[0] == "apis" and (parts[1], parts[2]) in GROUP_VERSIONS
