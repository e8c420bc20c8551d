"""The Build view driven by keys, on the private Docker engine and the fake API server."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

from gok_tui.config.settings import Settings
from gok_tui.devloop.loop import LoopNote
from gok_tui.screens.build import BuildScreen
from gok_tui.screens.rollout import RolloutScreen
from gok_tui.widgets.confirm import ConfirmModal

from tests.integration.helpers import deployment
from tests.integration.test_devloop import BROKEN_DOCKERFILE, make_project
from tests.kubefake import FakeKube
from tests.ui.helpers import SIZE, make_app, screen_text, until


async def test_build_from_a_saved_file_to_a_followed_rollout(
    fake_kube: FakeKube,
    fake_kubeconfig: Path,
    tmp_path: Path,
    busybox_binary: Path,
    registry: str,
    docker_host: str,
) -> None:
    fake_kube.apply_object(deployment("web", image="web:old", replicas=2))
    root = make_project(tmp_path, busybox_binary, f"{registry}/ui-{uuid.uuid4().hex[:8]}")
    app = make_app(fake_kubeconfig, view="build", project=root, watch=True, docker_host=docker_host)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        assert isinstance(app.screen, BuildScreen)
        await until(pilot, lambda: "watching ." in screen_text(app), what="the watcher")
        # opening built and rolled out once, without a key (as `tilt up` does)
        await until(
            pilot,
            lambda: (
                app.session.build_view.history and "successfully rolled out" in screen_text(app)
            ),
            timeout=60,
            what="the build at start, rolled out",
        )
        assert [r.trigger for r in app.session.build_view.history] == [("start",)]
        # a file name that reads as markup ([slug] routes are common) is shown as it is
        (root / "[slug].txt").write_text("a route\n")
        await until(
            pilot,
            lambda: "triggered by [slug].txt" in screen_text(app),
            timeout=10,
            what="the build, with what triggered it",
        )
        await until(
            pilot,
            lambda: "successfully rolled out" in screen_text(app),
            timeout=60,
            what="the rollout followed to the end",
        )
        text = screen_text(app)
        assert "step 7 of 7" in text and "push" in text and "ok" in text
        assert "[slug].txt" in text.split("WHEN")[1]  # the history row names the trigger
        image = fake_kube.get_object("deployments", "default", "web")["spec"]["template"]["spec"][
            "containers"
        ][0]["image"]
        assert image.startswith(f"{registry}/ui-")

        await pilot.press("w")
        await until(pilot, lambda: "PAUSED" in screen_text(app), what="paused")
        (root / "app.txt").write_text("version 3\n")
        await pilot.pause(1.0)
        assert len(app.session.build_view.history) == 2  # nothing built while paused


async def test_a_broken_dockerfile_is_shown_in_red_and_nothing_rolls_out(
    fake_kube: FakeKube,
    fake_kubeconfig: Path,
    tmp_path: Path,
    busybox_binary: Path,
    registry: str,
    docker_host: str,
) -> None:
    fake_kube.apply_object(deployment("web", image="web:old"))
    root = make_project(
        tmp_path,
        busybox_binary,
        f"{registry}/ui-{uuid.uuid4().hex[:8]}",
        dockerfile=BROKEN_DOCKERFILE,
    )
    app = make_app(fake_kubeconfig, view="build", project=root, docker_host=docker_host)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: "press b to build now" in screen_text(app), what="idle")
        started = time.monotonic()
        await pilot.press("b")
        await until(pilot, lambda: "FAILED at step 4" in screen_text(app), timeout=30)
        text = screen_text(app)
        assert "missing header" in text
        assert "Nothing was deployed; the running version stays." in text
        assert time.monotonic() - started < 30
        web = fake_kube.get_object("deployments", "default", "web")
        assert web["spec"]["template"]["spec"]["containers"][0]["image"] == "web:old"


async def test_on_a_production_context_a_build_waits_for_d_and_a_typed_confirm(
    fake_kube: FakeKube,
    tmp_path: Path,
    busybox_binary: Path,
    registry: str,
    docker_host: str,
) -> None:
    kubeconfig = fake_kube.write_kubeconfig(tmp_path / "kc", context="prod-eu")
    fake_kube.apply_object(deployment("web", image="web:old", replicas=1))
    root = make_project(tmp_path, busybox_binary, f"{registry}/ui-{uuid.uuid4().hex[:8]}")
    app = make_app(
        kubeconfig,
        view="build",
        project=root,
        docker_host=docker_host,
        settings=Settings(production_contexts=("prod-*",)),
    )

    def running_image() -> str:
        web = fake_kube.get_object("deployments", "default", "web")
        return str(web["spec"]["template"]["spec"]["containers"][0]["image"])

    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: "(PROD: D asks first)" in screen_text(app), what="head")
        await pilot.press("b")
        await until(
            pilot,
            # where the line wraps depends on the registry's port: compare without spaces
            lambda: "prod-euisaproductioncontext" in "".join(screen_text(app).split()),
            timeout=60,
            what="the built image held back",
        )
        assert running_image() == "web:old"
        loop = app.session.devloop
        assert loop is not None and loop.last_good is not None
        built = loop.last_good.image

        await pilot.press("D")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the confirm")
        text = screen_text(app)
        assert "prod-eu" in text and "web:old" in text
        await pilot.press("enter")  # the name is not typed: nothing happens
        await pilot.pause(0.3)
        assert isinstance(app.screen, ConfirmModal) and running_image() == "web:old"
        await pilot.press(*"web", "enter")
        await until(pilot, lambda: running_image() == built, what="the rollout of the build")
        await until(pilot, lambda: isinstance(app.screen, RolloutScreen), what="followed")
    audit = app.session.audit.path.read_text(encoding="utf-8")
    assert '"action": "rollout"' in audit and built in audit and "prod-eu" in audit


async def test_the_head_says_what_a_save_does_on_the_context_switched_to(
    fake_kube: FakeKube, tmp_path: Path, busybox_binary: Path, registry: str
) -> None:
    kubeconfig = fake_kube.write_kubeconfig(
        tmp_path / "kc", context="staging", extra_contexts=["prod-eu", "audit-eu"]
    )
    root = make_project(tmp_path, busybox_binary, f"{registry}/ui-{uuid.uuid4().hex[:8]}")
    settings = Settings(production_contexts=("prod-*",), readonly_contexts=("audit-*",))
    app = make_app(kubeconfig, view="build", project=root, settings=settings)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: "deploy/web (auto-deploy)" in screen_text(app), what="head")
        note = LoopNote("web:1 is ready but not deployed: ...", "warning")
        app.session.build_view.apply(note)
        await until(pilot, lambda: "web:1 is ready" in screen_text(app), what="a note")
        await pilot.press("colon", *"ctx prod-eu", "enter")
        await until(pilot, lambda: "(PROD: D asks first)" in screen_text(app), what="prod head")
        assert "web:1 is ready" not in screen_text(app)  # a note about another context
        await pilot.press("colon", *"ctx audit-eu", "enter")
        await until(pilot, lambda: "(READ-ONLY: builds only)" in screen_text(app), what="ro")


async def test_a_rebuild_of_the_same_content_says_it_is_already_in_the_registry_and_deploys(
    fake_kube: FakeKube,
    fake_kubeconfig: Path,
    tmp_path: Path,
    busybox_binary: Path,
    registry: str,
    docker_host: str,
) -> None:
    fake_kube.apply_object(deployment("web", image="web:old", replicas=2))
    root = make_project(tmp_path, busybox_binary, f"{registry}/ui-{uuid.uuid4().hex[:8]}")
    app = make_app(fake_kubeconfig, view="build", project=root, docker_host=docker_host)
    view = app.session.build_view

    def rolled_out(builds: int) -> bool:
        return len(view.history) == builds and "successfully rolled out" in screen_text(app)

    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("b")
        await until(pilot, lambda: rolled_out(1), timeout=90, what="the first build's rollout")
        assert "already in the registry" not in screen_text(app)
        await pilot.press("b")
        await until(pilot, lambda: rolled_out(2), timeout=90, what="the second build's rollout")
        app.clear_notifications()  # the toasts of both builds cover the notes at 80x24
        await pilot.pause()
        # where the line wraps depends on the registry's port: compare without spaces
        text = "".join(screen_text(app).split())
        assert "isalreadyintheregistry(sha256:" in text and "pushskipped" in text
        assert view.history[1].ok and view.history[1].tag == view.history[0].tag


async def test_the_services_list_opens_one_service_and_esc_comes_back(
    fake_kubeconfig: Path, tmp_path: Path
) -> None:
    root = tmp_path / "duo"
    root.mkdir()
    (root / "gok.toml").write_text(
        "".join(
            f'[[service]]\nname = "{name}"\n[service.image]\nrepository = "r/{name}"\n'
            f'context = "{name}"\n[service.deploy]\ndeployment = "{name}"\n'
            for name in ("api", "web")
        )
    )
    app = make_app(fake_kubeconfig, view="build", project=root)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: "2 services" in screen_text(app), what="the list")
        text = screen_text(app)
        assert "api" in text and "deploy/web" in text and text.count("no build yet") == 2
        await pilot.press("down", "enter")
        await until(pilot, lambda: "duo / web" in screen_text(app), what="web opened")
        assert "-> deploy/web" in screen_text(app) and "r/web" in screen_text(app)
        await pilot.press("escape")
        await until(pilot, lambda: "2 services" in screen_text(app), what="back on the list")
        assert isinstance(app.screen, BuildScreen) and app.screen.service is None
