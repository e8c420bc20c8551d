"""TableModel turns watch events into minimal row deltas."""

from __future__ import annotations

from typing import Any

import pytest
from gok_tui.domain.table import Row
from gok_tui.store.buffer import LatestWinsBuffer
from gok_tui.store.model import RowFilter, TableModel


def pod(name: str, phase: str = "Running", ns: str = "default") -> dict[str, Any]:
    return {"metadata": {"name": name, "namespace": ns}, "status": {"phase": phase}}


def render(obj: dict[str, Any], objects: Any, now: float) -> list[Row]:
    meta = obj["metadata"]
    phase = obj["status"]["phase"]
    tone = "ok" if phase == "Running" else "error"
    return [Row(f"{meta['namespace']}/{meta['name']}", (meta["name"], phase), tone)]


def drained(buffer: LatestWinsBuffer):
    return {"pods": buffer.drain()}


def test_snapshot_then_one_change_updates_one_cell() -> None:
    model = TableModel("pods", render)
    buffer = LatestWinsBuffer()
    buffer.put_snapshot([pod("a"), pod("b")])
    first = model.apply(drained(buffer), 0)
    assert [r.key for r in first.added] == ["default/a", "default/b"]

    buffer.put_event("MODIFIED", pod("b", "Pending"))
    delta = model.apply(drained(buffer), 0)
    assert delta.added == [] and delta.removed == []
    assert len(delta.updated) == 1
    row, cells = delta.updated[0]
    assert row.key == "default/b" and row.cells[1] == "Pending"
    assert cells == (0, 1)  # tone changed: the whole row restyles


def test_unchanged_event_gives_empty_delta() -> None:
    model = TableModel("pods", render)
    buffer = LatestWinsBuffer()
    buffer.put_snapshot([pod("a")])
    model.apply(drained(buffer), 0)
    buffer.put_event("MODIFIED", pod("a"))
    assert model.apply(drained(buffer), 0).empty


def test_latest_wins_collapses_a_burst() -> None:
    model = TableModel("pods", render)
    buffer = LatestWinsBuffer()
    buffer.put_snapshot([pod("a")])
    model.apply(drained(buffer), 0)
    for phase in ("Pending", "Failed", "Running", "Pending"):
        buffer.put_event("MODIFIED", pod("a", phase))
    buffer.put_event("ADDED", pod("c"))
    buffer.put_event("DELETED", pod("c"))
    delta = model.apply(drained(buffer), 0)
    assert [row.cells[1] for row, _ in delta.updated] == ["Pending"]
    assert delta.added == [] and delta.removed == []


def test_delete_removes_the_row() -> None:
    model = TableModel("pods", render)
    buffer = LatestWinsBuffer()
    buffer.put_snapshot([pod("a"), pod("b")])
    model.apply(drained(buffer), 0)
    buffer.put_event("DELETED", pod("a"))
    delta = model.apply(drained(buffer), 0)
    assert delta.removed == ["default/a"]


def test_relist_drops_rows_that_vanished_while_disconnected() -> None:
    model = TableModel("pods", render)
    buffer = LatestWinsBuffer()
    buffer.put_snapshot([pod("a"), pod("b"), pod("c")])
    model.apply(drained(buffer), 0)
    buffer.put_snapshot([pod("a"), pod("c", "Failed"), pod("d")])
    delta = model.apply(drained(buffer), 0)
    assert delta.removed == ["default/b"]
    assert [r.key for r in delta.added] == ["default/d"]
    assert [row.key for row, _ in delta.updated] == ["default/c"]


def test_mass_removal_becomes_a_reset() -> None:
    model = TableModel("pods", render)
    buffer = LatestWinsBuffer()
    buffer.put_snapshot([pod(f"p{i:03}") for i in range(100)])
    model.apply(drained(buffer), 0)
    buffer.put_snapshot([pod("p000"), pod("new")])
    delta = model.apply(drained(buffer), 0)
    assert delta.reset
    assert [r.key for r in delta.added] == ["default/new", "default/p000"]


def test_filter_hides_and_shows_rows_incrementally() -> None:
    model = TableModel("pods", render)
    buffer = LatestWinsBuffer()
    buffer.put_snapshot([pod("api-1"), pod("api-2"), pod("web-1", "Pending")])
    model.apply(drained(buffer), 0)
    delta = model.set_filter("api")
    assert delta.removed == ["default/web-1"]
    buffer.put_event("ADDED", pod("web-2"))
    assert model.apply(drained(buffer), 0).empty  # filtered out: nothing to draw
    buffer.put_event("ADDED", pod("api-3"))
    assert [r.key for r in model.apply(drained(buffer), 0).added] == ["default/api-3"]
    assert model.set_filter("!api").removed == ["default/api-1", "default/api-2", "default/api-3"]
    cleared = model.set_filter("")
    assert {r.key for r in cleared.added} == {"default/api-1", "default/api-2", "default/api-3"}


def test_invalid_regex_filter_is_taken_literally() -> None:
    model = TableModel("pods", render)
    buffer = LatestWinsBuffer()
    buffer.put_snapshot([pod("a[1"), pod("b")])
    model.apply(drained(buffer), 0)
    assert model.set_filter("a[1").removed == ["default/b"]


def test_a_filter_that_is_not_a_regex_says_why() -> None:
    model = TableModel("pods", render)
    buffer = LatestWinsBuffer()
    buffer.put_snapshot([pod("a(1"), pod("b")])
    model.apply(drained(buffer), 0)
    assert model.filter_error == ""
    model.set_filter("!a(")
    assert model.filter_error == "not a regular expression: missing ) at position 2"
    assert list(model.shown) == ["default/b"]  # inverted, and still taken literally
    model.set_filter("a(1|2)")
    assert model.filter_error == ""
    model.set_filter("!")
    assert model.filter_error == ""


def test_secondary_kind_change_rerenders_primary_rows() -> None:
    def with_label(obj: dict[str, Any], objects: Any, now: float) -> list[Row]:
        label = "yes" if objects["services"] else "no"
        return [Row(obj["metadata"]["name"], (obj["metadata"]["name"], label), "ok")]

    model = TableModel("ingresses", with_label, ("services",))
    ing = LatestWinsBuffer()
    svc = LatestWinsBuffer()
    ing.put_snapshot([pod("route")])
    model.apply({"ingresses": ing.drain(), "services": svc.drain()}, 0)
    svc.put_event("ADDED", pod("svc"))
    delta = model.apply({"ingresses": ing.drain(), "services": svc.drain()}, 0)
    assert [(row.cells[1], cells) for row, cells in delta.updated] == [("yes", (1,))]


def test_rerender_rows_brings_only_the_rows_asked_for_up_to_date() -> None:
    def with_age(obj: dict[str, Any], objects: Any, now: float) -> list[Row]:
        name = obj["metadata"]["name"]
        return [Row(f"default/{name}", (name, f"{now:.0f}s"), "ok")]

    model = TableModel("pods", with_age)
    buffer = LatestWinsBuffer()
    buffer.put_snapshot([pod("a"), pod("b"), pod("c")])
    model.apply(drained(buffer), 10)
    delta = model.rerender_rows(["default/b", "default/gone"], 15)
    assert [(row.key, row.cells[1], cells) for row, cells in delta.updated] == [
        ("default/b", "15s", (1,))
    ]
    assert [row.cells[1] for row in model.shown.values()] == ["10s", "15s", "10s"]
    assert model.rerender_rows([], 20).empty


def test_a_change_is_checked_against_the_filter_row_by_row() -> None:
    model = TableModel("pods", render)
    buffer = LatestWinsBuffer()
    buffer.put_snapshot([pod("a"), pod("b", "Pending")])
    model.apply(drained(buffer), 0)
    model.set_filter("Pending")
    buffer.put_event("MODIFIED", pod("a", "Pending"))  # now matches: shown
    buffer.put_event("MODIFIED", pod("b"))  # no longer matches: hidden
    delta = model.apply(drained(buffer), 0)
    assert [row.key for row in delta.added] == ["default/a"]
    assert delta.removed == ["default/b"]
    assert list(model.shown) == ["default/a"]


def test_backoff_stays_capped_after_days_of_failures() -> None:
    from gok_tui.store.watch import Backoff

    backoff = Backoff(first=0.5, cap=10.0)
    backoff.attempt = 5000
    assert 0 < backoff.next_delay() <= 10.0
    assert backoff.next_delay(cap=60.0) <= 60.0


@pytest.mark.timeout(20)  # with Python's re, each of these rows takes seconds: minutes in all
def test_a_backtracking_table_filter_answers_at_once() -> None:
    row_filter = RowFilter("(a+)+b")
    rows = [Row(f"default/p{n}", ("a" * 26 + "c", "Running"), "ok") for n in range(100)]
    assert not any(row_filter.matches(row) for row in rows)
    assert row_filter.matches(Row("default/q", ("aab", "Running"), "ok"))


def test_a_list_that_timed_out_is_given_longer_on_the_next_tries() -> None:
    """A silent server is said after 5 s; a slow one is given 15 s, then 30 s, and a list that
    is answered brings the wait back to 5 s."""
    from gok_tui.backends.kube import KubeError, ListResult
    from gok_tui.domain.kinds import KINDS
    from gok_tui.store.watch import FeedSpec, WatchLoop

    class SlowServer:
        timeout = (5.0, 30.0)

        def __init__(self, answers: list[str]) -> None:
            self.answers = answers
            self.waits: list[float] = []

        def list(self, kind: Any, namespace: Any, **options: Any) -> ListResult:
            read = options["timeout"][1]
            self.waits.append(read)
            answer = self.answers.pop(0)
            if answer == "timeout":
                raise KubeError(f"did not answer within {read:g} s", reason="Timeout")
            if answer == "error":
                raise KubeError("API server error 500", status=500)
            return ListResult([], "1")

        def watch(self, *args: Any, **options: Any) -> Any:
            raise KubeError("watch expired", status=410)  # list again at once

    server = SlowServer(["timeout", "error", "timeout", "timeout", "ok", "ok"])
    loop = WatchLoop(server, FeedSpec(KINDS["pods"], "default"), LatestWinsBuffer())  # type: ignore[arg-type]
    loop._report_and_wait = lambda error, backoff: None  # type: ignore[method-assign]
    loop.run(max_iterations=6)
    # an error that is not a timeout does not lengthen the wait; an answer resets it
    assert server.waits == [5.0, 15.0, 15.0, 30.0, 30.0, 5.0]
