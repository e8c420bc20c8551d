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
        # the socket's path may wrap the sentence across lines
        await until(
            pilot,
            lambda: "not reachable" in " ".join(screen_text(app).split()),
            timeout=10,
            what="error",
        )
        app.clear_notifications()
        await pilot.press("P")
        await until(pilot, lambda: toast_texts(app) != [], what="an answer to P")
        [notice] = toast_texts(app)
        assert "not reachable" in notice and str(socket_path) in notice, notice
        assert "nothing to prune" not in notice
        assert not isinstance(app.screen, ConfirmModal)


def project_with_two_builds(
    tmp_path: Path, busybox_binary: Path, registry: str, docker_host: str
) -> tuple[Path, str, list[str]]:
    """A project whose repository holds two local builds, tagged as the git policy tags
    them (12 hex digits): the oldest first. Their content is the repository's own: a build of
    the same files is the same image, and would carry another test's tags too."""
    repository = f"{registry}/hello-{uuid.uuid4().hex[:8]}"
    root = make_project(tmp_path, busybox_binary, repository, dockerfile=QUICK_DOCKERFILE)
    engine = DockerBackend(docker_host)
    tags = [uuid.uuid4().hex[:12] for _ in range(2)]
    for number, tag in enumerate(tags):
        build(engine, root, f"{repository}:{tag}", f"build {number} of {repository}\n")
    engine.close()
    return root, repository, tags


async def test_slash_filters_the_images_and_what_is_typed_stays_in_the_filter(
    fake_kube: FakeKube,
    fake_kubeconfig: Path,
    tmp_path: Path,
    busybox_binary: Path,
    registry: str,
    docker_host: str,
) -> None:
    root, repository, (old, new) = project_with_two_builds(
        tmp_path, busybox_binary, registry, docker_host
    )
    app = make_app(fake_kubeconfig, view="images", project=root, docker_host=docker_host)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: len(table_keys(app)) == 2, timeout=10, what="two images")
        # QA typed "/84c": 8 switched to Traffic and c was pressed there. Typed after "/",
        # digits and letters are the filter, whatever they are bound to elsewhere.
        await pilot.press("slash", "8", "4", "c", "x")
        await until(pilot, lambda: "/84cx" in screen_text(app), what="the filter in the title")
        assert isinstance(app.screen, ImagesScreen)
        assert table_keys(app) == []  # no image has "84cx" in it
        assert "[0/2]" in screen_text(app)
        await pilot.press("backspace", "backspace", "backspace", "backspace", *new[:8])
        await until(pilot, lambda: table_column(app, "REPOSITORY:TAG") == [f"{repository}:{new}"])
        await pilot.press("enter")
        await pilot.pause()
        assert f"[1/2] /{new[:8]}" in screen_text(app)
        await pilot.press("escape")  # clears the filter; the view stays
        await until(pilot, lambda: len(table_keys(app)) == 2, what="no filter")
        assert isinstance(app.screen, ImagesScreen) and "/" + new[:8] not in screen_text(app)

        await pilot.press("slash", "exclamation_mark", *new[:8], "enter")  # ! inverts
        await until(pilot, lambda: table_column(app, "REPOSITORY:TAG") == [f"{repository}:{old}"])
        await pilot.press("escape", "slash", "left_parenthesis", *old[:8])
        why = "not a regular expression: missing ) at position 9 · matched as plain text"
        await until(pilot, lambda: why in screen_text(app), what="why it is matched as text")
        assert screen_text(app).count("not a regular expression") == 1
        assert table_keys(app) == []  # no image has "(" in it
        await pilot.press("escape")
        await until(pilot, lambda: len(table_keys(app)) == 2, what="no filter")
        assert "not a regular expression" not in screen_text(app)


async def test_deleting_an_image_in_use_names_its_tags_and_the_requests_that_run(
    fake_kube: FakeKube,
    fake_kubeconfig: Path,
    tmp_path: Path,
    busybox_binary: Path,
    registry: str,
    docker_host: str,
) -> None:
    root, repository, (old, new) = project_with_two_builds(
        tmp_path, busybox_binary, registry, docker_host
    )
    engine = DockerBackend(docker_host)
    engine.tag(f"{repository}:{new}", repository, "stable")  # one image, two tags
    image = engine.image(f"{repository}:{new}")
    assert len(image.tags) == 2
    fake_kube.apply_object(deployment("hello", image=f"{repository}:{new}"))
    app = make_app(fake_kubeconfig, view="images", project=root, docker_host=docker_host)
    async with app.run_test(size=(100, 40), notifications=True) as pilot:
        await until(pilot, lambda: len(table_keys(app)) == 2, timeout=10, what="two images")
        await until(pilot, lambda: "deploy/hello" in table_column(app, "RUNS IN"))
        await pilot.press("g", "x")  # the newest build, the one deploy/hello runs
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal), what="confirmation")
        text = screen_text(app)
        # the tags as written (the line wraps inside the 90-column confirmation)
        assert f"• {image.tags[0]}, " in text and "runs in deploy/hello" in text, text
        assert "('" not in text
        for tag in image.tags:  # one request per tag, as sent
            assert f"DELETE /images/{tag}" in text, text
        assert image.id.removeprefix("sha256:")[:12] not in text  # the id is not what is sent
        assert "()" not in text and "null" not in text  # a DELETE has no body to show
        await pilot.press("y")
        await until(pilot, lambda: len(table_keys(app)) == 1, timeout=10, what="one left")
        assert table_column(app, "REPOSITORY:TAG") == [f"{repository}:{old}"]
    engine.close()


async def test_the_deployments_running_an_image_are_readable_at_80_columns(
    fake_kube: FakeKube,
    fake_kubeconfig: Path,
    tmp_path: Path,
    busybox_binary: Path,
    registry: str,
    docker_host: str,
) -> None:
    root, repository, (_old, new) = project_with_two_builds(
        tmp_path, busybox_binary, registry, docker_host
    )
    fake_kube.apply_object(deployment("hello-web", image=f"{repository}:{new}"))
    app = make_app(fake_kubeconfig, view="images", project=root, docker_host=docker_host)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: "deploy/hello-web" in table_column(app, "RUNS IN"), timeout=10)
        line = next(row for row in screen_text(app).splitlines() if f":{new}" in row)
        assert "deploy/hello-web" in line, line
