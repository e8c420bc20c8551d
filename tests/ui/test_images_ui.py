"""The Images view on the private Docker engine and registry, with the fake API server."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from gok_tui.backends.docker_backend import DockerBackend
from gok_tui.domain.build import BuildSucceeded, PushSucceeded
from gok_tui.screens.images import ImagesScreen, TextPanel
from gok_tui.widgets.confirm import ConfirmModal

from tests.integration.helpers import deployment
from tests.integration.test_devloop import QUICK_DOCKERFILE, make_project
from tests.kubefake import FakeKube
from tests.ui.helpers import SIZE, make_app, screen_text, table_column, table_keys, until
from tests.ui.notices import toast_texts
from tests.ui.test_actions_ui import press_and_expect_refusal


def build(engine: DockerBackend, root: Path, ref: str, content: str) -> str:
    (root / "app.txt").write_text(content)
    events = list(engine.build(root, tags=[ref], network_mode="none"))
    assert isinstance(events[-1], BuildSucceeded), events[-3:]
    return events[-1].image_id


async def test_images_of_the_project_with_users_layers_tags_and_delete(
    fake_kube: FakeKube,
    fake_kubeconfig: Path,
    tmp_path: Path,
    busybox_binary: Path,
    registry: str,
    docker_host: str,
) -> None:
    repository = f"{registry}/images-{uuid.uuid4().hex[:8]}"
    root = make_project(tmp_path, busybox_binary, repository, dockerfile=QUICK_DOCKERFILE)
    engine = DockerBackend(docker_host)
    first = build(engine, root, f"{repository}:one", "one\n")
    build(engine, root, f"{repository}:two", "two, a little longer\n")
    pushed = list(engine.push(repository, "one"))
    assert isinstance(pushed[-1], PushSucceeded)
    fake_kube.apply_object(deployment("web", image=f"{repository}:one"))

    app = make_app(fake_kubeconfig, view="images", project=root, docker_host=docker_host)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        assert isinstance(app.screen, ImagesScreen)
        await until(pilot, lambda: len(table_keys(app)) == 2, timeout=10, what="two images")
        tags = table_column(app, "REPOSITORY:TAG")
        assert tags == [f"{repository}:two", f"{repository}:one"]  # newest first
        assert table_column(app, "RUNS IN") == ["-", "deploy/web"]

        await pilot.press("enter")  # layers of the selected image
        await until(pilot, lambda: isinstance(app.screen, TextPanel), what="layer panel")
        assert "COPY" in screen_text(app) and "SIZE" in screen_text(app)
        await pilot.press("escape")

        await pilot.press("t")  # the registry holds only the pushed tag
        await until(pilot, lambda: isinstance(app.screen, TextPanel), what="registry tags")
        assert "1 tags" in screen_text(app) and "local one" in screen_text(app)
        await pilot.press("escape")

        await pilot.press("g", "x")  # delete the unused newest build
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal), what="confirmation")
        assert "delete 1 local image(s)" in screen_text(app)
        await pilot.press("y")
        await until(pilot, lambda: table_keys(app) == [first], timeout=10, what="one left")

    audit = (Path.home() / ".local" / "state" / "gok-tui" / "log" / "audit.jsonl").read_text()
    line = json.loads(audit.splitlines()[-1])
    assert line["action"] == "image delete" and line["ok"] is True
    engine.close()


async def test_read_only_disables_delete_and_an_unreachable_engine_is_said(
    fake_kubeconfig: Path, tmp_path: Path
) -> None:
    app = make_app(
        fake_kubeconfig, view="images", readonly=True, docker_host=f"unix://{tmp_path}/no.sock"
    )
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: "no.sock" in screen_text(app), timeout=10, what="the error")
        for key, what in (("x", "delete"), ("P", "prune"), ("R", "roll out")):
            await press_and_expect_refusal(pilot, key, what)
            assert not isinstance(app.screen, ConfirmModal)


async def test_prune_with_the_engine_unreachable_says_so(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "gok.toml").write_text('[image]\nrepository = "127.0.0.1:5000/app"\n')
    socket_path = tmp_path / "no.sock"
    app = make_app(None, view="images", project=project, docker_host=f"unix://{socket_path}")
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await until(pilot, lambda: "not reachable" in screen_text(app), timeout=10, what="error")
        app.clear_notifications()
        await pilot.press("P")
        await until(pilot, lambda: toast_texts(app) != [], what="an answer to P")
        [notice] = toast_texts(app)
        assert "not reachable" in notice and str(socket_path) in notice, notice
        assert "nothing to prune" not in notice
        assert not isinstance(app.screen, ConfirmModal)
