"""The cluster bar says how the cluster answers in every view, not only in the tables."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.kubefake import FakeKube
from tests.ui.helpers import SIZE, make_app, screen_text, until


def unreachable_kubeconfig(tmp_path: Path) -> Path:
    """A kubeconfig whose server port nobody listens on any more."""
    fake = FakeKube(port=0)
    fake.start()
    kubeconfig = fake.write_kubeconfig(tmp_path / "kc")
    fake.stop()
    return kubeconfig


def bar(text: str) -> str:
    return text.splitlines()[0]


@pytest.mark.parametrize("view", ["build", "images", "audit"])
async def test_views_without_tables_do_not_call_an_unreachable_cluster_live(
    tmp_path: Path, view: str
) -> None:
    kubeconfig = unreachable_kubeconfig(tmp_path)
    app = make_app(kubeconfig, view=view, docker_host=f"unix://{tmp_path}/no.sock")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: "✖ retrying" in bar(screen_text(app)), what="retrying")
        await pilot.pause(0.3)
        assert "live" not in bar(screen_text(app))


async def test_build_and_audit_follow_the_cluster_going_away_and_back(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    app = make_app(fake_kubeconfig, view="pods")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: "● live" in bar(screen_text(app)), what="pods: live")
        await pilot.press("4")
        await until(pilot, lambda: "● live" in bar(screen_text(app)), what="build: live")
        fake_kube.stop()
        await pilot.press("9")
        await until(pilot, lambda: "✖ retrying" in bar(screen_text(app)), what="audit: retrying")
        await pilot.press("4")
        await until(pilot, lambda: "✖ retrying" in bar(screen_text(app)), what="build: retrying")
        fake_kube.start()
        await pilot.press("9")
        await until(pilot, lambda: "● live" in bar(screen_text(app)), what="audit: live again")


async def test_build_view_shows_a_context_switched_to_and_its_state(
    fake_kube: FakeKube, tmp_path: Path
) -> None:
    down = yaml.safe_load(unreachable_kubeconfig(tmp_path).read_text())
    kubeconfig = yaml.safe_load(fake_kube.write_kubeconfig(tmp_path / "kc").read_text())
    kubeconfig["clusters"].append(
        {"name": "down-cluster", "cluster": down["clusters"][0]["cluster"]}
    )
    kubeconfig["users"].append({"name": "down-user", "user": {}})
    kubeconfig["contexts"].append(
        {"name": "down", "context": {"cluster": "down-cluster", "user": "down-user"}}
    )
    (tmp_path / "kc").write_text(yaml.safe_dump(kubeconfig))
    app = make_app(tmp_path / "kc", view="build")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: "fake ns:default ● live" in bar(screen_text(app)))
        await pilot.press("colon", *"ctx down", "enter")
        await until(pilot, lambda: "down ns:default ✖ retrying" in bar(screen_text(app)))
        await pilot.press("colon", *"ctx fake", "enter")
        await until(pilot, lambda: "fake ns:default ● live" in bar(screen_text(app)))
