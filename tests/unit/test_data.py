"""ConfigMap and Secret keys: a Secret's values stay out of every row."""

from __future__ import annotations

import base64

from gok_tui.domain.data import data_entries, revealed


def b64(value: bytes) -> str:
    return base64.b64encode(value).decode()


SECRET = {
    "metadata": {"name": "db", "namespace": "default"},
    "data": {
        "password": b64(b"hunter2\x1b]52;c;eA==\x07"),
        "cert": b64(b"\x00\xff\xfe"),
        "broken": "not*base64",
    },
}


def test_secret_rows_name_keys_and_sizes_never_values() -> None:
    entries = data_entries(SECRET, secret=True)
    assert [(e.key, e.size) for e in entries] == [("broken", 0), ("cert", 3), ("password", 19)]
    assert all("hunter2" not in e.preview for e in entries)
    assert entries[2].preview == "hidden: enter shows it"


def test_one_key_is_decoded_when_asked_for() -> None:
    assert revealed(SECRET, "password", secret=True).startswith("hunter2")
    assert revealed(SECRET, "cert", secret=True) == "cert: binary, 3 bytes (not shown)"
    assert revealed(SECRET, "broken", secret=True) == "broken: the stored value is not base64"
    assert revealed(SECRET, "gone", secret=True) == "gone: no such key any more"


def test_configmap_values_are_previewed_on_one_safe_line() -> None:
    cm = {"data": {"app.conf": "a=1\nb=\x1b[31m2"}, "binaryData": {"blob": b64(b"\x01\x02")}}
    entries = data_entries(cm, secret=False)
    assert [(e.key, e.preview) for e in entries] == [
        ("app.conf", "a=1 b=^[[31m2"),
        ("blob", "binary data"),
    ]
    assert revealed(cm, "app.conf", secret=False) == "a=1\nb=\x1b[31m2"  # shown through block()
