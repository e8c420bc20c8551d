"""What is compared of an answer: values that differ between any two runs (names the
controllers generate, UIDs, timestamps, resourceVersion values, continue tokens, durations) are
replaced by placeholders, and each case projects the answer onto the parts the product relies
on (see ``project``)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

_UID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")
_POD = re.compile(r"^(?P<base>[a-z0-9-]+?)-[a-z0-9]{6,10}-[a-z0-9]{5}$")  # deployment pods
_RS = re.compile(r"^(?P<base>[a-z0-9-]+?)-[a-z0-9]{8,10}$")  # a Deployment's ReplicaSets
_EVENT = re.compile(r"^(?P<base>.+)\.[0-9a-f]{12,}$")  # events: object.hexid
_AGE = re.compile(r"^\d+(s|m|h|d|y)(\d+(s|m|h))?$")
_NUMBER = re.compile(r"\d+")
_VOLATILE_KEYS = frozenset({"resourceVersion", "continue", "uid", "generateName"})


def name(value: str) -> str:
    for pattern, suffix in ((_POD, "-<hash>-<id>"), (_RS, "-<hash>"), (_EVENT, ".<id>")):
        match = pattern.match(value)
        if match:
            return match["base"] + suffix
    return value


def text(value: str) -> str:
    """A message: UIDs, times and numbers (resourceVersions, ages) become placeholders."""
    value = _UID.sub("<uid>", value)
    value = _TIME.sub("<time>", value)
    value = re.sub(r'"[a-z0-9-]+-[a-z0-9]{6,10}-[a-z0-9]{5}"', '"<pod>"', value)
    return _NUMBER.sub("<n>", value)


def scrub(value: Any, key: str = "") -> Any:
    """The whole answer with its volatile values replaced (what the recorder writes)."""
    if isinstance(value, dict):
        return {k: scrub(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub(v, key) for v in value]
    if not isinstance(value, str):
        return value
    if key in _VOLATILE_KEYS or _UID.fullmatch(value):
        return f"<{key or 'value'}>"
    if _TIME.fullmatch(value) or _AGE.fullmatch(value):
        return "<time>"
    if key == "name":
        return name(value)
    return value


def _get(obj: Any, path: str) -> Any:
    for step in path.split(".") if path else []:
        obj = obj.get(step) if isinstance(obj, dict) else None
    return obj


def status_body(body: dict[str, Any]) -> dict[str, Any]:
    details = body.get("details") or {}
    return {
        "kind": body.get("kind"),
        "status": body.get("status"),
        "reason": body.get("reason"),
        "code": body.get("code"),
        "message": text(str(body.get("message", ""))),
        "details": {
            **{k: name(str(details[k])) for k in ("name", "group", "kind") if details.get(k)},
            "causes": [
                {"reason": c.get("reason"), "field": c.get("field")}
                for c in details.get("causes") or []
            ],
        },
    }


def object_shape(obj: dict[str, Any]) -> dict[str, Any]:
    meta = obj.get("metadata") or {}
    keys = {"name", "namespace", "deletionTimestamp", "deletionGracePeriodSeconds", "generation"}
    return {
        "kind": obj.get("kind"),
        "apiVersion": obj.get("apiVersion"),
        "metadata": sorted(k for k in meta if k in keys),
        "name": name(str(meta.get("name", ""))),
        "deletionGracePeriodSeconds": meta.get("deletionGracePeriodSeconds"),
    }


def _events(answer: dict[str, Any]) -> list[dict[str, Any]]:
    return answer.get("events") or []


def _event_shapes(answer: dict[str, Any]) -> list[Any]:
    shapes = []
    for event in _events(answer):
        obj = event.get("object") or {}
        if event.get("type") == "BOOKMARK":
            continue
        if event.get("type") == "ERROR":
            shapes.append(["ERROR", status_body(obj)])
        else:
            shapes.append([event.get("type"), obj.get("kind"), name(_get(obj, "metadata.name"))])
    return shapes


def _bookmark_shapes(answer: dict[str, Any]) -> list[Any]:
    """Bookmarks come when the server likes (about once a minute, and before a watch times
    out): their place is not compared, their form is."""
    found = {
        (
            tuple(sorted(obj)),
            tuple(sorted(k for k in obj.get("metadata") or {} if k != "creationTimestamp")),
        )
        for event in _events(answer)
        if event.get("type") == "BOOKMARK"
        for obj in [event.get("object") or {}]
    }
    return [list(map(list, shape)) for shape in sorted(found)]


def _columns(body: dict[str, Any]) -> list[Any]:
    return [
        [c.get("name"), c.get("type"), c.get("format"), c.get("priority")]
        for c in body.get("columnDefinitions") or []
    ]


def _rows(body: dict[str, Any]) -> list[Any]:
    """The forms of the rows (cells per row, the kind of object each carries)."""
    shapes = {
        (len(row.get("cells") or []), _get(row, "object.kind"), _get(row, "object.apiVersion"))
        for row in body.get("rows") or []
    }
    return [list(shape) for shape in sorted(shapes, key=str)]


def _row_names(body: dict[str, Any]) -> list[str]:
    return sorted(name(str((row.get("cells") or [""])[0])) for row in body.get("rows") or [])


def _items(body: dict[str, Any]) -> list[Any]:
    return sorted(name(str(_get(item, "metadata.name"))) for item in body.get("items") or [])


def _item_keys(body: dict[str, Any]) -> list[str]:
    return sorted({key for item in body.get("items") or [] for key in item})


def _resources(served: set[str]) -> Callable[[dict[str, Any]], Any]:
    def project(body: dict[str, Any]) -> Any:
        group_version = body.get("groupVersion")
        return sorted(
            [
                r.get("name"),
                r.get("singularName"),
                r.get("namespaced"),
                r.get("kind"),
                r.get("group", ""),
                r.get("version", ""),
                sorted(r.get("verbs") or []),
                sorted(r.get("shortNames") or []),
                sorted(r.get("categories") or []),
            ]
            for r in body.get("resources") or []
            if f"{group_version}/{r.get('name')}" in served
        )

    return project


def aggregated_entries(body: dict[str, Any]) -> list[tuple[str, Any]]:
    """(GROUPVERSION/NAME, entry) of every resource and subresource in an
    APIGroupDiscoveryList."""
    found = []
    for item in body.get("items") or []:
        group = _get(item, "metadata.name") or ""
        for version in item.get("versions") or []:
            gv = f"{group}/{version.get('version')}" if group else str(version.get("version"))
            for resource in version.get("resources") or []:
                shape = [
                    gv,
                    resource.get("resource"),
                    resource.get("scope"),
                    resource.get("singularResource"),
                    resource.get("responseKind"),
                    sorted(resource.get("verbs") or []),
                    sorted(resource.get("shortNames") or []),
                    sorted(resource.get("categories") or []),
                ]
                found.append((f"{gv}/{resource.get('resource')}", shape))
                for sub in resource.get("subresources") or []:
                    sub_name = f"{gv}/{resource.get('resource')}/{sub.get('subresource')}"
                    entry = [sub_name, sub.get("responseKind"), sorted(sub.get("verbs") or [])]
                    found.append((sub_name, entry))
    return found


def _aggregated(served: set[str]) -> Callable[[dict[str, Any]], Any]:
    def project(body: dict[str, Any]) -> Any:
        return sorted((e for n, e in aggregated_entries(body) if n in served), key=str)

    return project


PROJECTIONS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "kind": lambda b: b.get("kind"),
    "apiVersion": lambda b: b.get("apiVersion"),
    "keys": lambda b: sorted(b),
    "metadata-keys": lambda b: sorted(b.get("metadata") or {}),
    "status-body": status_body,
    "object": object_shape,
    "items": _items,
    "item-count": lambda b: len(b.get("items") or []),
    "item-keys": _item_keys,
    "columns": _columns,
    "rows": _rows,
    "row-names": _row_names,
    "row-count": lambda b: len(b.get("rows") or []),
}


def project(answer: dict[str, Any], compare: tuple[str, ...], served: set[str]) -> dict[str, Any]:
    """The compared parts: ``status`` (the HTTP code), ``content-type``, ``text`` (a non-JSON
    body), ``events``/``bookmarks`` (a watch), a name from PROJECTIONS, ``path:a.b.c`` (one
    value), ``resources`` (discovery entries of what the fake serves, ``served``)."""
    body = answer.get("body")
    out: dict[str, Any] = {}
    for part in compare:
        if part == "status":
            out[part] = answer.get("status")
        elif part == "content-type":
            out[part] = str((answer.get("headers") or {}).get("Content-Type", "")).split(";")[0]
        elif part == "text":
            out[part] = body if isinstance(body, str) else None
        elif part == "events":
            out[part] = _event_shapes(answer)
        elif part == "bookmarks":
            out[part] = _bookmark_shapes(answer)
        elif part == "resources":
            out[part] = _resources(served)(body or {})
        elif part == "aggregated":
            out[part] = _aggregated(served)(body or {})
        elif part.startswith("keys:"):
            value = _get(body, part[5:])
            out[part] = sorted(value) if isinstance(value, dict) else None
        elif part == "condition-types":
            out[part] = sorted(c.get("type") for c in _get(body, "status.conditions") or [])
        elif part == "containers":
            containers = _get(body, "spec.template.spec.containers") or []
            out[part] = [[c.get("name"), c.get("image")] for c in containers]
        elif part.startswith("path:"):
            value = _get(body, part[5:])
            out[part] = scrub(value, part.rsplit(".", 1)[-1])
        else:
            out[part] = PROJECTIONS[part](body if isinstance(body, dict) else {})
    return out
