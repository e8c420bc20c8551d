"""CustomResourceDefinitions (apiextensions.k8s.io/v1) and the kinds they add.

A CRD is stored as it was sent (``spec.versions[].additionalPrinterColumns`` included, for the
server-side Tables); once created it is Established at once (status conditions NamesAccepted and
Established, acceptedNames, storedVersions, as the apiextensions controllers write them a few
milliseconds later on a real server). What a fake serves is derived from the CRDs in its state
on every request: a CRD's served versions appear in discovery (aggregated and legacy), its
custom resources get the generic create/get/list/watch/update/patch/delete, and deleting the
CRD removes its objects, its discovery entries and its routes (a real server first marks the CRD
terminating while a finalizer deletes the objects; the fake does both at once).

Simplifications: the storage version is the version kept; no schema validation, defaulting or
conversion; a CRD whose plural is one the fake already serves is refused (the fake's state is
keyed by plural).
"""

from __future__ import annotations

import copy
import weakref
from typing import Any

from tests.kubefake.errors import ApiError, invalid
from tests.kubefake.resources import (
    BY_KIND,
    BY_PLURAL,
    RESOURCES,
    VERBS,
    Resource,
    Sub,
)
from tests.kubefake.state import State

CRD_PLURAL = "customresourcedefinitions"
CRD_GROUP = "apiextensions.k8s.io"
STATIC_PLURALS = frozenset(r.plural for r in RESOURCES.values())
# the order a v1.28 server lists a custom resource's verbs in (answers 06, 08)
CUSTOM_VERBS = ("delete", "deletecollection", "get", "list", "patch", "create", "update", "watch")
assert set(CUSTOM_VERBS) == set(VERBS)


def _served_version(crd: dict[str, Any]) -> str | None:
    """The version discovery prefers: the storage version if served, else the first served."""
    versions = [v for v in (crd.get("spec") or {}).get("versions") or [] if v.get("served")]
    if not versions:
        return None
    storage = [v for v in versions if v.get("storage")]
    return str((storage or versions)[0].get("name"))


def resource_of(crd: dict[str, Any]) -> Resource | None:
    """The kind a CRD adds (in its preferred served version), or None if it serves none."""
    spec = crd.get("spec") or {}
    names = spec.get("names") or {}
    version = _served_version(crd)
    if version is None or not names.get("plural") or not names.get("kind"):
        return None
    subs: tuple[Sub, ...] = ()
    for served in spec.get("versions") or []:
        if served.get("name") == version and "status" in (served.get("subresources") or {}):
            subs = (Sub("status", names["kind"]),)
    return Resource(
        plural=names["plural"],
        kind=names["kind"],
        group=spec.get("group", ""),
        version=version,
        namespaced=spec.get("scope") == "Namespaced",
        subs=subs,
        short_names=tuple(names.get("shortNames") or ()),
        categories=tuple(names.get("categories") or ()),
        verbs=CUSTOM_VERBS,
    )


_SERVED: weakref.WeakKeyDictionary[State, tuple[int, dict[tuple[str, str], Resource]]] = (
    weakref.WeakKeyDictionary()
)


def served(state: State) -> dict[tuple[str, str], Resource]:
    """(group, plural) -> Resource of every CRD in ``state``; registered in the lookup tables
    the state and error messages use (by plural and by kind). Read again only after a CRD
    was written (every request asks; a scan of 10,000 objects takes ~10 ms)."""
    with state.lock:
        written = state.writes[CRD_PLURAL]
        known = _SERVED.get(state)
        if known is not None and known[0] == written:
            return known[1]
        out = _served(state)
        _SERVED[state] = (written, out)
        return out


def _served(state: State) -> dict[tuple[str, str], Resource]:
    out: dict[tuple[str, str], Resource] = {}
    with state.lock:
        crds = [obj for obj in state.iter_raw(CRD_PLURAL)]
        for crd in crds:
            resource = resource_of(crd)
            if resource is None or resource.plural in STATIC_PLURALS:
                continue
            out[(resource.group, resource.plural)] = resource
            BY_PLURAL[resource.plural] = resource
            BY_KIND[resource.kind] = resource
    return out


def check(crd: dict[str, Any]) -> None:
    """What the API server refuses in a CRD (the part the fake checks)."""
    spec = crd.get("spec") or {}
    names = spec.get("names") or {}
    name = (crd.get("metadata") or {}).get("name", "")
    plural, group = names.get("plural", ""), spec.get("group", "")
    if name != f"{plural}.{group}":
        raise invalid(
            CRD_PLURAL,
            name,
            "metadata.name",
            f'Invalid value: "{name}": must be spec.names.plural+"."+spec.group',
        )
    if plural in STATIC_PLURALS:
        raise ApiError(422, "Invalid", f"the fake cannot serve a second kind named {plural}", {})
    if _served_version(crd) is None:
        raise invalid(
            CRD_PLURAL,
            name,
            "spec.versions",
            "Invalid value: must have exactly one version marked as storage version",
        )


def established(state: State, crd: dict[str, Any]) -> None:
    """Write the status the apiextensions controllers write once the names are accepted."""
    name = crd["metadata"]["name"]
    names = copy.deepcopy((crd.get("spec") or {}).get("names") or {})
    names.setdefault("singular", str(names.get("kind", "")).lower())
    names.setdefault("listKind", f"{names.get('kind', '')}List")
    now = state.timestamp()
    storage = [v["name"] for v in (crd.get("spec") or {}).get("versions") or [] if v.get("storage")]

    def accept(obj: dict[str, Any]) -> None:
        obj["status"] = {
            "conditions": [
                {
                    "type": "NamesAccepted",
                    "status": "True",
                    "lastTransitionTime": now,
                    "reason": "NoConflicts",
                    "message": "no conflicts found",
                },
                {
                    "type": "Established",
                    "status": "True",
                    "lastTransitionTime": now,
                    "reason": "InitialNamesAccepted",
                    "message": "the initial names have been accepted",
                },
            ],
            "acceptedNames": names,
            "storedVersions": storage,
        }

    state.mutate(CRD_PLURAL, "", name, accept)


def removed(state: State, crd: dict[str, Any]) -> None:
    """A CRD deleted: its custom resources go with it."""
    resource = resource_of(crd)
    if resource is None or resource.plural in STATIC_PLURALS:
        return
    with state.lock:
        for key in [k for k in state.objects if k[0] == resource.plural]:
            state.delete(*key)


def crd(
    plural: str,
    group: str,
    kind: str,
    *,
    namespaced: bool = True,
    short_names: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
    printer_columns: tuple[dict[str, Any], ...] = (),
) -> dict[str, Any]:
    """A CRD as ``kubectl apply`` would send it (one version, v1, any content kept)."""
    names: dict[str, Any] = {"plural": plural, "singular": kind.lower(), "kind": kind}
    if short_names:
        names["shortNames"] = list(short_names)
    if categories:
        names["categories"] = list(categories)
    version: dict[str, Any] = {
        "name": "v1",
        "served": True,
        "storage": True,
        "schema": {
            "openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
        },
    }
    if printer_columns:
        version["additionalPrinterColumns"] = list(printer_columns)
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": f"{plural}.{group}"},
        "spec": {
            "group": group,
            "scope": "Namespaced" if namespaced else "Cluster",
            "names": names,
            "versions": [version],
        },
    }
