"""``s`` on a pod: the container picker (with its snapshot), read-only refusal, and what is said
when the terminal cannot be handed over (the headless test driver cannot suspend; the shell
itself is tested on a real pty in tests/integration/test_shell.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from gok_tui.app import GokApp
from gok_tui.screens.shell import ContainerPicker, containers_of

from tests.kubefake import FakeKube, wait_until
from tests.ui.helpers import SIZE, make_app, screen_text, table_keys, until
from tests.ui.notices import read_only_refusal, toast_texts
from tests.ui.test_snapshots import (  # noqa: F401 (same_place_and_time: an autouse fixture)
    CLUSTER_NOW,
    SERVER,
    SIZES,
    Snap,
    World,
    app_for,
    same_place_and_time,
    settled,
    showing,
    steps,
    wait,
)
from tests.ui.test_snapshots import press as pressing


def two_container_pod(name: str = "api-1") -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": name,
            "namespace": "default",
            "labels": {"app": "api"},
            "annotations": {"kubectl.kubernetes.io/default-container": "app"},
        },
        "spec": {
            "containers": [
                {"name": "istio-proxy", "image": "istio/proxyv2:1.22.0"},
                {"name": "app", "image": "ghcr.io/acme/api:2.1.0"},
            ]
        },
    }


@pytest.fixture(scope="module")
def pod_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    fake = FakeKube(port=0, clock=lambda: CLUSTER_NOW)
    fake.ready_delay = 0
    fake.apply_object(two_container_pod())
    fake.start()
    try:
        wait_until(
            lambda: (
                (fake.get_object("pods", "default", "api-1") or {}).get("status", {}).get("phase")
                == "Running"
            ),
            timeout=10,
        )
        settled(fake)
        kubeconfig = tmp_path_factory.mktemp("kube") / "config"
        yield World(fake, fake.write_kubeconfig(kubeconfig, server=SERVER))
    finally:
        fake.stop()


def test_the_default_container_comes_first() -> None:
    pod = two_container_pod()
    pod["status"] = {
        "containerStatuses": [
            {"name": "app", "state": {"running": {}}},
            {"name": "istio-proxy", "state": {"waiting": {"reason": "PodInitializing"}}},
        ]
    }
    assert containers_of(pod) == [
        ("app", "ghcr.io/acme/api:2.1.0  running"),
        ("istio-proxy", "istio/proxyv2:1.22.0  waiting"),
    ]


@pytest.mark.parametrize("size", SIZES)
def test_container_picker(snap_compare: Snap, pod_world: World, size: tuple[int, int]) -> None:
    before = steps(
        wait(lambda app: table_keys(app) == ["default/api-1"], "the pod"),
        pressing("s"),
        showing(ContainerPicker),
    )
    app = app_for(pod_world, view="pods")
    assert snap_compare(app, terminal_size=size, run_before=before)


async def test_picking_a_container_says_the_terminal_cannot_be_handed_over(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.apply_object(two_container_pod())
    app = make_app(fake_kubeconfig, view="pods")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: table_keys(app) == ["default/api-1"], what="the pod")
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, ContainerPicker), what="the picker")
        text = screen_text(app)
        assert "Shell in pod default/api-1: which container?" in text
        assert text.index("app  ghcr.io/acme/api:2.1.0") < text.index("istio-proxy")
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, ContainerPicker))
        assert toast_texts(app) == []
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, ContainerPicker))
        await pilot.press("down", "enter")
        said = "shell: this terminal cannot be handed over (gok-tui runs without one)"
        await until(pilot, lambda: said in toast_texts(app), what="the toast")
        assert not isinstance(app.screen, ContainerPicker)
        assert not fake_kube.streams.execs


async def test_read_only_refuses_the_shell_key(fake_kube: FakeKube, fake_kubeconfig: Path) -> None:
    fake_kube.apply_object(two_container_pod())
    app = make_app(fake_kubeconfig, view="pods", readonly=True)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        assert isinstance(app, GokApp)
        await until(pilot, lambda: table_keys(app) == ["default/api-1"], what="the pod")
        await pilot.press("s")
        message = read_only_refusal("shell")
        await until(pilot, lambda: message in toast_texts(app), what=message)
        assert not isinstance(app.screen, ContainerPicker)
        assert not fake_kube.streams.execs
