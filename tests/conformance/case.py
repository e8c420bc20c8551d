"""A conformance case: one request (made against the world, world.py), what is compared of its
answer (normalise.project), and, when the fake is not held to it, why. Helpers to write them."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.conformance.wire import TABLE, Req
from tests.conformance.world import APPS, CORE, World

STATUS = ("status", "content-type", "status-body")
OBJECT = ("status", "object")
LIST = ("status", "kind", "apiVersion", "metadata-keys", "item-keys")
TABLES = ("status", "kind", "apiVersion", "metadata-keys", "columns", "rows")
WATCH = ("status", "events", "bookmarks")
JSON = {"Content-Type": "application/json"}
MERGE = {"Content-Type": "application/merge-patch+json"}
STRATEGIC = {"Content-Type": "application/strategic-merge-patch+json"}
JSON_PATCH = {"Content-Type": "application/json-patch+json"}
APPLY = {"Content-Type": "application/apply-patch+yaml"}
NOT_SERVED = "the fake does not serve {}: gok-tui never asks for it"


@dataclass(frozen=True)
class Case:
    name: str
    note: str
    request: Callable[[World], Req]
    compare: tuple[str, ...] = STATUS
    before: Callable[[World], None] | None = None
    during: Callable[[World], None] | None = None  # a watch: changes made while it is open
    not_compared: str = ""  # why the fake is not held to this answer
    watch: bool = False  # read the answer as a watch stream
    viewer: bool = False  # sent as a ServiceAccount that may only read pods


def get(path: str, **params: str) -> Callable[[World], Req]:
    return lambda w: Req("GET", path.format(ns=w.ns), params)


def table(path: str, include: bool = True) -> Callable[[World], Req]:
    params = {"includeObject": "Object"} if include else {}
    return lambda w: Req("GET", path.format(ns=w.ns), params, {"Accept": TABLE})


def delete_pod(
    name: str, uid: Callable[[World], str], params: dict[str, str] | None = None, **options: Any
) -> Callable[[World], Req]:
    """DELETE a pod with DeleteOptions in the body, its UID as the precondition."""

    def build(w: World) -> Req:
        body = {"kind": "DeleteOptions", "apiVersion": "v1", **options}
        body["preconditions"] = {"uid": uid(w)}
        return Req("DELETE", f"{CORE}/{w.ns}/pods/{name}", dict(params or {}), JSON, body)

    return build


def save(key: str, make: Callable[[World], Any]) -> Callable[[World], None]:
    def before(w: World) -> None:
        w.saved[key] = make(w)

    return before


def configmap_changes(w: World) -> None:
    path = f"{CORE}/{w.ns}/configmaps"
    w.ok(Req("PATCH", f"{path}/settings", {}, MERGE, {"data": {"mode": "w1"}}))
    w.create(path, {"metadata": {"name": "tmpcm"}, "data": {"a": "1"}})
    time.sleep(2.5)  # a bookmark may come here (the server sends one before a watch ends)
    w.ok(Req("DELETE", f"{path}/tmpcm"))


def labelled_changes(w: World) -> None:
    path = f"{CORE}/{w.ns}/configmaps"
    w.create(path, {"metadata": {"name": "seen", "labels": {"watched": "yes"}}})
    w.create(path, {"metadata": {"name": "unseen"}})
    w.ok(Req("DELETE", f"{path}/seen"))


def scale_patch(value: int) -> Callable[[World], Req]:
    return lambda w: Req(
        "PATCH",
        f"{APPS}/{w.ns}/deployments/zero/scale",
        {},
        JSON_PATCH,
        [
            {"op": "test", "path": "/spec", "value": {"replicas": value} if value else {}},
            {"op": "add", "path": "/spec/replicas", "value": 1},
        ],
    )
