"""Put a ConfigMap's data back as it was before a change seen while gok-tui was running (the
timeline keeps the data around such a change; a Secret's values are never kept, so a Secret
change has no restore)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gok_tui.actions.base import JSON_PATCH, ObjectRef, Plan, pointer, still
from gok_tui.domain.kinds import KINDS
from gok_tui.domain.text import cut
from gok_tui.domain.timeline import ConfigData, config_data, last_writer

if TYPE_CHECKING:
    from gok_tui.backends.kube import KubeBackend

SECRET_NOT_RESTORABLE = (
    "a Secret change cannot be restored from here: gok-tui never keeps Secret values, so "
    "it does not know the previous ones"
)
VALUE_SHOWN = 60  # characters of a value a confirm line shows


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _shown(section: str, value: str | None) -> str:
    if value is None:
        return "<none>"
    return "(binary)" if section == "binaryData" else repr(cut(value, VALUE_SHOWN))


def _sections(data: ConfigData) -> dict[str, dict[str, str]]:
    return {"data": data.data, "binaryData": data.binary}


def restore_operations(
    configmap: dict[str, Any], restore: ConfigData
) -> tuple[list[dict[str, Any]], list[str], int, int]:
    """The JSON patch that makes ``configmap``'s data ``restore`` (each key it touches tested
    first: nothing moves if a key changed after the plan), one line per key, and how many keys
    it puts back and removes."""
    now = config_data(configmap)
    operations: list[dict[str, Any]] = []
    lines: list[str] = []
    restored = removed = 0
    for section, old in _sections(restore).items():
        current = _sections(now)[section]
        if section not in configmap and old:
            operations.append({"op": "add", "path": pointer(section), "value": dict(old)})
        for key in sorted(set(old) | set(current)):
            if old.get(key) == current.get(key):
                continue
            lines.append(
                f"{key}: {_shown(section, current.get(key))} -> {_shown(section, old.get(key))}"
            )
            if key in old:
                restored += 1
            else:
                removed += 1
            if section not in configmap:
                continue  # added whole above
            path = pointer(section, key)
            if key in current:
                operations.append(still(path, current[key]))
                operations.append(
                    {"op": "replace", "path": path, "value": old[key]}
                    if key in old
                    else {"op": "remove", "path": path}
                )
            else:
                operations.append({"op": "add", "path": path, "value": old[key]})
    return operations, lines, restored, removed


@dataclass(frozen=True)
class RestoreConfigMap:
    """The ConfigMap's data and binaryData back to ``restore``, only while it still holds what
    the chosen change left (``left``): otherwise it says that it changed since, and who."""

    ref: ObjectRef  # kind "configmaps"
    restore: ConfigData
    left: ConfigData
    change: str  # "the change of 10:05:03 by kubectl-edit"
    name: str = "restore"

    def fetch(self, backend: KubeBackend) -> dict[str, Any]:
        return {"configmap": backend.get(KINDS["configmaps"], self.ref.namespace, self.ref.name)}

    def plan(self, snapshot: dict[str, Any]) -> Plan:
        configmap = snapshot["configmap"]
        now = config_data(configmap)
        operations, lines, restored, removed = restore_operations(configmap, self.restore)
        counts = [f"restore {_count(restored, 'key')}"] if restored else []
        counts += [f"remove {removed}"] if removed else []
        keys, restored_keys = (
            len(now.data) + len(now.binary),
            len(self.restore.data) + len(self.restore.binary),
        )
        base: dict[str, Any] = {
            "action": self.name,
            "ref": self.ref,
            "method": "PATCH",
            "path": KINDS["configmaps"].object_path(self.ref.namespace, self.ref.name),
            "content_type": JSON_PATCH,
            "before": f"{_count(keys, 'key')} now",
            "after": f"{_count(restored_keys, 'key')} as before",
        }
        if now == self.restore:
            return Plan(summary=f"restore {self.ref}", body=[], noop=True, **base)
        if now != self.left:
            changed = sorted(
                key
                for section in ("data", "binaryData")
                for key in set(_sections(now)[section]) | set(_sections(self.left)[section])
                if _sections(now)[section].get(key) != _sections(self.left)[section].get(key)
            )
            return Plan(
                summary=f"restore {self.ref}",
                body=[],
                refusal=(
                    f"{self.ref} changed since {self.change}: keys {', '.join(changed)} "
                    f"differ{last_writer(configmap)}; not restored"
                ),
                **base,
            )
        return Plan(
            summary=f"restore {self.ref} to before {self.change}: {', '.join(counts)}",
            body=operations,
            warnings=tuple(lines),
            inverse=RestoreConfigMap(self.ref, now, self.restore, "the restore"),
            **base,
        )
