"""What the Build view folds from the loop's events."""

from __future__ import annotations

from gok_tui.devloop.loop import BuildStarted, LoopNote
from gok_tui.devloop.view import BuildView


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
