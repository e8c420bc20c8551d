"""DELETE as the real API server does it (apiserver handlers/delete.go, registry/rest/delete.go,
registry/core/pod/strategy.go):

- DeleteOptions come from the body when there is one, and then the query is not read at all
  (``?dryRun=All`` beside a body deletes for real);
- a pod is deleted gracefully: its grace period is the options', else its spec's (30 by
  default); a pod bound to no node, or finished, goes at once (grace 0), and grace 0 is a
  write of ``deletionTimestamp`` then the removal; a longer grace sets ``deletionTimestamp``
  and the kubelet removes the pod when its containers stopped;
- a namespace turns Terminating, and goes once the namespace controller has deleted what is
  in it;
- pods, services and namespaces answer with the object; other kinds with a Status.
"""

from __future__ import annotations

import time
from typing import Any

from tests.kubefake.resources import BY_PLURAL

DEFAULT_POD_GRACE = 30  # what the API server defaults spec.terminationGracePeriodSeconds to
RETURNS_OBJECT = frozenset({"pods", "services", "namespaces"})


def options_from(body: dict[str, Any] | None, query: dict[str, str]) -> dict[str, Any]:
    """The DeleteOptions the server acts on: the body's, else the query's."""
    if body:
        return body
    options: dict[str, Any] = {}
    if "gracePeriodSeconds" in query:
        options["gracePeriodSeconds"] = int(query["gracePeriodSeconds"])
    if "dryRun" in query:
        options["dryRun"] = [query["dryRun"]]
    if "propagationPolicy" in query:
        options["propagationPolicy"] = query["propagationPolicy"]
    return options


def is_dry_run(options: dict[str, Any]) -> bool:
    return "All" in (options.get("dryRun") or [])


def grace_seconds(plural: str, obj: dict[str, Any], options: dict[str, Any]) -> int | None:
    """The grace period this delete gets; None for a kind without graceful deletion."""
    if plural != "pods":
        return None
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    period = options.get("gracePeriodSeconds")
    if period is None:
        period = spec.get("terminationGracePeriodSeconds", DEFAULT_POD_GRACE)
    if not spec.get("nodeName") or status.get("phase") in ("Failed", "Succeeded"):
        period = 0
    return max(0, int(period))


def terminate_namespace(obj: dict[str, Any]) -> None:
    if not obj["metadata"].get("deletionTimestamp"):
        obj["metadata"]["deletionTimestamp"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    obj.setdefault("status", {})["phase"] = "Terminating"


def answer(plural: str, obj: dict[str, Any]) -> dict[str, Any]:
    """The response body of a successful delete."""
    if plural in RETURNS_OBJECT:
        return obj
    meta = obj.get("metadata") or {}
    details = {"name": meta.get("name", ""), "kind": plural, "uid": meta.get("uid", "")}
    group = BY_PLURAL[plural].group
    if group:
        details["group"] = group
    return {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Success",
        "details": details,
    }
