"""The keys of a ConfigMap or Secret, and one value on request.

A Secret's values are never part of a row: its rows say the key and the size only, and
``revealed`` decodes one key's value when the person asks for that key. Pure.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gok_tui.domain.text import clean

PREVIEW_CHARS = 60


@dataclass(frozen=True)
class DataEntry:
    key: str
    size: int  # bytes, as stored (decoded for a Secret)
    preview: str  # one safe line; for a Secret, never the value


def _secret_bytes(encoded: object) -> bytes | None:
    try:
        return base64.b64decode(str(encoded), validate=True)
    except (binascii.Error, ValueError):
        return None


def data_entries(obj: Mapping[str, Any], secret: bool) -> list[DataEntry]:
    entries = []
    for key, value in sorted((obj.get("data") or {}).items()):
        if secret:
            raw = _secret_bytes(value)
            size = len(raw) if raw is not None else 0
            preview = "hidden: enter shows it" if raw is not None else "not base64: enter shows why"
        else:
            text = str(value)
            size = len(text.encode())
            preview = clean(text, PREVIEW_CHARS)
        entries.append(DataEntry(str(key), size, preview))
    for key, value in sorted((obj.get("binaryData") or {}).items()):
        raw = _secret_bytes(value)
        entries.append(DataEntry(str(key), len(raw or b""), "binary data"))
    return entries


def revealed(obj: Mapping[str, Any], key: str, secret: bool) -> str:
    """One key's value as text (a Secret's decoded), or what it is when it is not text."""
    data = obj.get("data") or {}
    if key in data and not secret:
        return str(data[key])
    encoded = data.get(key, (obj.get("binaryData") or {}).get(key))
    if encoded is None:
        return f"{key}: no such key any more"
    raw = _secret_bytes(encoded)
    if raw is None:
        return f"{key}: the stored value is not base64"
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return f"{key}: binary, {len(raw):,} bytes (not shown)"
