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


def test_a_failed_rollout_is_the_outcome_of_the_build_it_rolled_out() -> None:
    from gok_tui.devloop.history import BuildRecord
    from gok_tui.devloop.loop import BuildDone, DeployDone, DeployStarted, RolloutUpdate
    from gok_tui.domain.rollout import RolloutState

    view = BuildView()
    record = BuildRecord(0.0, ("app.txt",), 2.0, "ok", tag="t1", image="r/web:t1")
    view.apply(BuildStarted(("app.txt",), "r/web:t1"))
    view.apply(BuildDone(record))
    view.apply(DeployStarted("r/web:t1", "web", "set image"))
    view.apply(RolloutUpdate(RolloutState("failed", "container web keeps crashing", 1, 1, 0, 0)))
    view.apply(DeployDone(False, "default/web: rollout failed: container web keeps crashing"))
    assert view.last is not None and view.last.result == "rollout failed"
    assert view.last.message == "default/web: rollout failed: container web keeps crashing"
    assert [r.result for r in view.history] == ["rollout failed"]


def test_a_failed_set_image_leaves_the_build_as_it_was() -> None:
    from gok_tui.devloop.history import BuildRecord
    from gok_tui.devloop.loop import BuildDone, DeployDone, DeployStarted

    view = BuildView()
    view.apply(BuildDone(BuildRecord(0.0, ("b",), 2.0, "ok", tag="t1", image="r/web:t1")))
    view.apply(DeployStarted("r/web:t1", "web", "set image"))
    view.apply(DeployDone(False, "forbidden"))
    assert view.last is not None and view.last.result == "ok"
