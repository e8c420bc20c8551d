"""Server-side Tables: cells as kubectl prints them, which columns show, ages that move on,
the fallback to names and ages, and the fake's CRD printer columns (held to answer 25)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from gok_tui.domain.server_table import (
    FALLBACK_COLUMNS,
    ServerColumn,
    entries,
    entry_row,
    format_cell,
    parse_columns,
    plain_entry,
    view_columns,
    visible_columns,
)
from gok_tui.domain.timefmt import parse_timestamp
from gok_tui.store.buffer import Drained
from gok_tui.store.model import ServerTableModel

from tests.kubefake import tables

ANSWERS = Path(__file__).parents[1] / "conformance" / "answers"


def answer(name: str) -> dict[str, Any]:
    return json.loads((ANSWERS / name).read_text())["response"]["body"]


def test_cells_are_printed_as_kubectl_prints_them() -> None:
    assert format_cell("line one\nline two") == "line one..."
    assert format_cell("a\r\nb") == "a..."
    assert format_cell(None) == "<none>"
    assert format_cell(True) == "true"
    assert format_cell(3) == "3" and format_cell(2.0) == "2" and format_cell(0.5) == "0.5"
    assert format_cell({"b": 1, "a": [2]}) == '{"a":[2],"b":1}'
    assert format_cell("\x1b]52;c;aGk=\x07x") == "^[]52;c;aGk=^Gx"  # never drives a terminal


def test_wide_columns_show_only_when_asked_and_namespace_comes_first() -> None:
    columns = parse_columns(answer("10-table-pods.json")["columnDefinitions"])
    narrow = [c.title for c in view_columns(columns, wide=False, all_namespaces=False)]
    assert narrow == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    wide = [c.title for c in view_columns(columns, wide=True, all_namespaces=True)]
    assert wide[:2] == ["NAMESPACE", "NAME"] and wide[-2:] == ["NOMINATED NODE", "READINESS GATES"]


def test_a_recorded_crd_table_becomes_rows_with_the_object_and_a_moving_age() -> None:
    table = answer("25-table-crd-gizmos.json")
    columns = parse_columns(table["columnDefinitions"])
    (entry,) = entries(table, columns, "Gizmo")
    assert entry["object"]["spec"] == {"size": 3} and entry["metadata"]["name"] == "g1"
    created = parse_timestamp(entry["object"]["metadata"]["creationTimestamp"])
    assert created is not None
    row = entry_row(entry, visible_columns(columns, False), created + 7200, False)
    assert row.key == "rec/g1" and row.cells == ("g1", "3", "120m")


def test_an_entry_listed_under_older_columns_leaves_new_ones_empty() -> None:
    old = (ServerColumn("Name", "string", "name", 0), ServerColumn("Size", "integer", "", 0))
    entry = {"metadata": {"name": "g"}, "object": {"metadata": {"name": "g"}}, "cells": ["g", 1]}
    entry["columns"] = old
    shown = (old[0], ServerColumn("Colour", "string", "", 0))
    assert entry_row(entry, shown, 0.0, False).cells == ("g", "")


def test_a_plain_answer_shows_names_and_ages() -> None:
    obj = {"metadata": {"name": "x", "namespace": "a", "creationTimestamp": "2024-01-01T00:00:00Z"}}
    start = parse_timestamp("2024-01-01T00:00:00Z") or 0.0
    row = entry_row(plain_entry(obj), FALLBACK_COLUMNS, start + 90, True)
    assert row.cells == ("a", "x", "90s")


def test_the_model_says_when_columns_change_and_hands_out_the_object() -> None:
    def render(entry: dict[str, Any], objects: Any, now: float) -> list[Any]:
        return [entry_row(entry, visible_columns(model.columns, False), now, False)]

    model = ServerTableModel("gizmos", render)
    table = answer("25-table-crd-gizmos.json")
    listed = entries(table, parse_columns(table["columnDefinitions"]), "Gizmo")
    model.apply({"gizmos": Drained(snapshot={"rec/g1": listed[0]})}, 0.0)
    assert model.columns_changed and [c.name for c in model.columns] == ["Name", "Size", "Age"]
    assert model.item("rec/g1") == listed[0]["object"]
    same = dict(listed[0], cells=["g1", 4, "1s"])  # a watch event: the list's columns
    model.apply({"gizmos": Drained(changes={"rec/g1": same})}, 0.0)
    assert not model.columns_changed and model.shown["rec/g1"].cells[1] == "4"
    plain = plain_entry(listed[0]["object"])
    model.apply({"gizmos": Drained(snapshot={"rec/g1": plain})}, 0.0)
    assert model.columns_changed and model.plain and model.columns == FALLBACK_COLUMNS


GIZMO_CRD: dict[str, Any] = {
    "spec": {
        "versions": [
            {
                "name": "v1",
                "additionalPrinterColumns": [
                    {"name": "Size", "type": "integer", "jsonPath": ".spec.size"},
                    {"name": "Phase", "type": "string", "jsonPath": ".status.phase", "priority": 1},
                    {"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"},
                ],
            },
            {"name": "v2"},
        ]
    }
}


def test_the_fakes_crd_columns_follow_its_printer_columns_as_answer_25_shows() -> None:
    recorded = answer("25-table-crd-gizmos.json")
    columns, render, named = tables.crd_printers(GIZMO_CRD, "v1")
    assert named and [(n, t, p) for n, t, _, p in columns] == [
        ("Name", "string", 0),
        ("Size", "integer", 0),
        ("Phase", "string", 1),
        ("Age", "date", 0),
    ]
    obj = recorded["rows"][0]["object"]
    size, phase, age = render(obj)
    assert size == 3 and phase == "" and age.endswith(("s", "m", "h", "d"))
    v2_columns, _, _ = tables.crd_printers(GIZMO_CRD, "v2")  # none: Name and Age
    assert [(n, t) for n, t, _, _ in v2_columns] == [("Name", "string"), ("Age", "date")]
    assert [c["name"] for c in recorded["columnDefinitions"]] == ["Name", "Size", "Age"]


def test_the_fakes_json_path_subset() -> None:
    obj = {"status": {"conditions": [{"type": "Ready"}]}, "spec": {"n": 0}}
    assert tables._json_path(obj, ".status.conditions[0].type") == "Ready"
    assert tables._json_path(obj, ".spec.n") == 0
    assert tables._json_path(obj, ".spec.missing.x") is None
