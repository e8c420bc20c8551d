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


def test_each_services_events_fold_into_its_own_view_and_row() -> None:
    from gok_tui.devloop.history import BuildRecord
    from gok_tui.devloop.loop import BuildDone, BuildQueued, DeployDone, DeployStarted
    from gok_tui.devloop.services import ServiceEvent
    from gok_tui.devloop.view import BuildViews

    views = BuildViews(("api", "web", "worker"))
    assert [r.state for r in views.rows()] == ["no build yet"] * 3
    ok = BuildRecord(0.0, ("start",), 3.25, "ok", tag="abc123")
    views.apply(ServiceEvent("api", BuildStarted(("start",), "r/api:abc123")))
    views.apply(ServiceEvent("web", BuildQueued(("web/app.txt",))))
    assert [(r.state, r.tone, r.tag) for r in views.rows()] == [
        ("building", "busy", "abc123"),
        ("queued", "busy", ""),
        ("no build yet", "idle", ""),
    ]
    views.apply(ServiceEvent("api", BuildDone(ok)))
    views.apply(ServiceEvent("api", DeployStarted("r/api:abc123", "api", "set image")))
    assert views.rows()[0].state == "rolling out"
    views.apply(ServiceEvent("api", DeployDone(False, "default/api: rollout failed: ...")))
    views.apply(ServiceEvent("worker", BuildDone(BuildRecord(0.0, ("b",), 1.0, "failed"))))
    views.apply(ServiceEvent("nobody", LoopNote("a service gok.toml no longer names")))
    api, _, worker = views.rows()
    assert (api.state, api.tone, api.tag, api.duration) == (
        "deploy failed",
        "error",
        "abc123",
        "3.2s",
    )
    assert (worker.state, worker.tone) == ("failed", "error")
    views.apply(LoopNote("untagged: the first service's"))
    assert views.first.notes == [("information", "untagged: the first service's")]


def test_opening_builds_at_start_unless_the_context_or_gok_toml_say_not_to(tmp_path) -> None:
    from gok_tui.config.project import load_project
    from gok_tui.devloop.services import start_refusal

    (tmp_path / "gok.toml").write_text('[image]\nrepository = "r"\n')
    project = load_project(tmp_path)
    assert start_refusal(project, watching=True, production=False, readonly=False) is None
    assert "production context" in str(
        start_refusal(project, watching=True, production=True, readonly=False)
    )
    assert "read-only" in str(
        start_refusal(project, watching=True, production=False, readonly=True)
    )
    (tmp_path / "gok.toml").unlink()
    inferred = load_project(tmp_path)
    assert "no gok.toml" in str(
        start_refusal(inferred, watching=True, production=False, readonly=False)
    )
