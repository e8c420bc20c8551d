"""Field ownership for server-side apply, simplified: each manager owns the leaf fields it set
(lists with a merge key are owned entry by entry, other lists whole). A write that is not an
apply takes the fields it changed; an apply whose value differs from a field another manager
owns is a 409 Conflict in the API server's words unless forced, and takes it when forced.
managedFields carry the owners (fieldsV1 in the API's f:/k: notation)."""

from __future__ import annotations

import json
from typing import Any

from tests.kubefake.errors import ApiError
from tests.kubefake.resources import MERGE_KEYS

Path = tuple[str, ...]  # ("f:spec", "f:replicas"), ('f:containers', 'k:{"name":"web"}', ...)


def user_agent_manager(user_agent: str) -> str:
    """What the API server names a manager that gave none: the user agent's first word."""
    return user_agent.split("/")[0] or "unknown"


def leaves(obj: Any, prefix: Path = ()) -> dict[Path, Any]:
    """The leaf fields of ``obj`` and their values; metadata only for labels/annotations."""
    found: dict[Path, Any] = {}
    if isinstance(obj, dict):
        for key, value in obj.items():
            if not prefix and key in ("apiVersion", "kind", "status"):
                continue
            if prefix == ("f:metadata",) and key not in ("labels", "annotations"):
                continue
            field = (*prefix, f"f:{key}")
            merge_key = MERGE_KEYS.get(key)
            if (
                merge_key
                and isinstance(value, list)
                and value
                and all(isinstance(v, dict) and merge_key in v for v in value)
            ):
                for entry in value:
                    item = f"k:{json.dumps({merge_key: entry[merge_key]}, separators=(',', ':'))}"
                    found.update(leaves(entry, (*field, item)))
            elif isinstance(value, dict) and value:
                found.update(leaves(value, field))
            else:
                found[field] = value
    return found


def _encode(paths: set[Path]) -> dict[str, Any]:
    tree: dict[str, Any] = {}
    for path in sorted(paths):
        node = tree
        for step in path:
            node = node.setdefault(step, {})
    return tree


def _decode(tree: dict[str, Any], prefix: Path = ()) -> set[Path]:
    paths: set[Path] = set()
    for step, child in tree.items():
        if step == ".":
            continue
        path = (*prefix, step)
        paths.update(_decode(child, path) if child else {path})
    return paths


def _owners(obj: dict[str, Any] | None) -> list[dict[str, Any]]:
    return list(((obj or {}).get("metadata") or {}).get("managedFields") or [])


def _entry(
    manager: str, operation: str, api_version: str, paths: set[Path], at: str
) -> dict[str, Any]:
    return {
        "manager": manager,
        "operation": operation,
        "apiVersion": api_version,
        "time": at,
        "fieldsType": "FieldsV1",
        "fieldsV1": _encode(paths),
    }


def _without(entries: list[dict[str, Any]], taken: set[Path]) -> list[dict[str, Any]]:
    kept = []
    for entry in entries:
        left = _decode(entry.get("fieldsV1") or {}) - taken
        if left:
            kept.append({**entry, "fieldsV1": _encode(left)})
    return kept


def after_update(
    current: dict[str, Any] | None,
    new: dict[str, Any],
    manager: str,
    api_version: str,
    at: str,
) -> list[dict[str, Any]]:
    """managedFields after a create, update or patch by ``manager`` at ``at`` (the cluster's
    clock, RFC 3339)."""
    before = leaves(current or {})
    changed = {p for p, v in leaves(new).items() if p not in before or before[p] != v}
    entries = _owners(current)
    mine = next((e for e in entries if (e["manager"], e["operation"]) == (manager, "Update")), None)
    owned = _decode(mine.get("fieldsV1") or {}) if mine else set()
    others = _without([e for e in entries if e is not mine], changed)
    paths = (owned | changed) & set(leaves(new))
    return [*others, _entry(manager, "Update", api_version, paths, at)] if paths else others


def after_scale(
    current: dict[str, Any], manager: str, api_version: str, at: str
) -> list[dict[str, Any]]:
    """managedFields after a write through the scale subresource: ``manager`` owns
    spec.replicas, in an entry marked ``subresource: scale`` (as a v1.28 API server keeps it)."""
    replicas: set[Path] = {("f:spec", "f:replicas")}
    entries = _owners(current)
    others = _without(
        [e for e in entries if not (e["manager"] == manager and e.get("subresource") == "scale")],
        replicas,
    )
    scaled = _entry(manager, "Update", api_version, replicas, at)
    return [*others, {**scaled, "subresource": "scale"}]


def _path_text(path: Path) -> str:
    out = ""
    for step in path:
        if step.startswith("k:"):
            key, value = next(iter(json.loads(step[2:]).items()))
            out += f"[{key}={json.dumps(value)}]"
        else:
            out += "." + step[2:]
    return out


def after_apply(
    current: dict[str, Any],
    applied: dict[str, Any],
    manager: str,
    api_version: str,
    force: bool,
    at: str,
) -> list[dict[str, Any]]:
    """managedFields after an apply; raises the 409 the API server answers on a conflict."""
    values, wanted = leaves(current), leaves(applied)
    entries = _owners(current)
    conflicts: list[tuple[str, str, Path]] = []
    for entry in entries:
        if entry["manager"] == manager and entry["operation"] == "Apply":
            continue
        for path in _decode(entry.get("fieldsV1") or {}) & set(wanted):
            if values.get(path) != wanted[path]:
                conflicts.append((entry["manager"], entry.get("apiVersion", ""), path))
    if conflicts and not force:
        raise _conflict_error(conflicts, entries)
    taken = {path for _, _, path in conflicts}
    others = _without(
        [e for e in entries if not (e["manager"] == manager and e["operation"] == "Apply")], taken
    )
    return [*others, _entry(manager, "Apply", api_version, set(wanted), at)]


def _who(manager: str, api_version: str, entries: list[dict[str, Any]]) -> str:
    operation = next((e["operation"] for e in entries if e["manager"] == manager), "Update")
    return f'"{manager}" using {api_version}' if operation == "Update" else f'"{manager}"'


def _conflict_error(
    conflicts: list[tuple[str, str, Path]], entries: list[dict[str, Any]]
) -> ApiError:
    causes = [
        {
            "reason": "FieldManagerConflict",
            "message": f"conflict with {_who(m, v, entries)}",
            "field": _path_text(p),
        }
        for m, v, p in conflicts
    ]
    if len(conflicts) == 1:
        manager, version, path = conflicts[0]
        message = (
            f"Apply failed with 1 conflict: conflict with {_who(manager, version, entries)}: "
            f"{_path_text(path)}"
        )
    else:
        lines = []
        for manager in sorted({m for m, _, _ in conflicts}):
            version = next(v for m, v, _ in conflicts if m == manager)
            lines.append(f"conflicts with {_who(manager, version, entries)}:")
            lines += [f"- {_path_text(p)}" for m, _, p in conflicts if m == manager]
        message = f"Apply failed with {len(conflicts)} conflicts: " + "\n".join(lines)
    return ApiError(409, "Conflict", message, {"causes": causes})
