"""What the Build view folds from the loop's events."""

from __future__ import annotations

from gok_tui.devloop.history import BuildRecord
from gok_tui.devloop.loop import BuildDone, BuildQueued, BuildStarted, ChangeRouted, LoopNote
from gok_tui.devloop.view import BuildView, service_row


def test_a_new_build_starts_without_the_notes_of_the_last_one() -> None:
    view = BuildView()
    view.apply(LoopNote("web:1 is ready but not deployed: prod-eu is a production context"))
    assert [text for _, text in view.notes] == [
        "web:1 is ready but not deployed: prod-eu is a production context"
    ]
    view.apply(BuildStarted(("app.txt",), "web:2"))
    assert view.notes == []
    view.apply(LoopNote("late"))
    version = view.version
    view.forget_notes()
    assert view.notes == [] and view.version == version + 1


def test_the_path_each_change_took_stays_across_builds_and_a_build_gains_its_time() -> None:
    view = BuildView()
    view.apply(BuildQueued(("static/index.html",)))
    view.apply(ChangeRouted("synced", "synced 1 file to 2 pods in 80 ms", 0.08))
    assert view.queued == ()  # nothing waits: the file is in the containers
    view.apply(ChangeRouted("rebuilt", "rebuilt: Dockerfile changed"))
    view.apply(BuildStarted(("Dockerfile",), "web:2"))
    view.apply(BuildDone(BuildRecord(0.0, ("Dockerfile",), 12.34, "ok")))
    view.apply(BuildStarted(("manual",), "web:3"))  # b: no route line of its own
    view.apply(BuildDone(BuildRecord(0.0, ("manual",), 3.0, "ok")))
    assert view.routes == [
        ("synced", "synced 1 file to 2 pods in 80 ms"),
        ("rebuilt", "rebuilt: Dockerfile changed (ok, 12.3 s)"),
    ]


def test_the_services_list_says_synced_until_the_next_build() -> None:
    view = BuildView()
    view.apply(BuildStarted(("manual",), "web:1"))
    view.apply(BuildDone(BuildRecord(0.0, ("manual",), 3.0, "ok", tag="1")))
    view.apply(ChangeRouted("synced", "synced 1 file to 2 pods in 80 ms", 0.08))
    assert service_row("web", view).state == "synced"
    assert service_row("web", view).duration == "0.1s"
    view.apply(BuildStarted(("manual",), "web:2"))
    view.apply(BuildDone(BuildRecord(0.0, ("manual",), 3.0, "ok", tag="2")))
    assert service_row("web", view).state == "built"
