"""PersistentVolumeClaims, as ``kubectl get pvc`` shows them."""

from __future__ import annotations

from typing import Any

from gok_tui.domain.table import Column, Row, Tone, name_cell, table_row
from gok_tui.domain.text import clean
from gok_tui.domain.timefmt import age

PVC_COLUMNS: tuple[Column, ...] = (
    Column("name", "NAME", 32),
    Column("status", "STATUS", 8),
    Column("volume", "VOLUME", 40),
    Column("capacity", "CAPACITY", 8),
    Column("access_modes", "ACCESS MODES", 12),
    Column("storageclass", "STORAGECLASS", 14),
    Column("age", "AGE", 6),
)


_ACCESS_MODES = (
    ("ReadWriteOnce", "RWO"),
    ("ReadOnlyMany", "ROX"),
    ("ReadWriteMany", "RWX"),
    ("ReadWriteOncePod", "RWOP"),
)


def render_pvc(obj: dict[str, Any], now: float, all_namespaces: bool = False) -> Row:
    spec = obj.get("spec") or {}
    status = obj.get("status") or {}
    phase = status.get("phase") or "Pending"
    volume = spec.get("volumeName") or ""
    capacity = modes = ""
    if volume:
        capacity = (status.get("capacity") or {}).get("storage") or ""
        have = status.get("accessModes") or ()
        modes = ",".join(short for mode, short in _ACCESS_MODES if mode in have)
    annotations = (obj.get("metadata") or {}).get("annotations") or {}
    klass = spec.get("storageClassName") or annotations.get(
        "volume.beta.kubernetes.io/storage-class", ""
    )
    tones: dict[str, Tone] = {"Bound": "ok", "Pending": "progressing", "Lost": "error"}
    tone: Tone = tones.get(phase, "warning")
    cells = (
        name_cell(obj),
        clean(phase, 16),
        clean(volume),
        clean(capacity, 16),
        modes,
        clean(klass),
        age(obj, now),
    )
    return table_row(obj, cells, tone, all_namespaces)
