"""The Revisions screen (h on a Deployment) is a view like the others: the cluster bar says
where an undo would go, and command mode works."""

from __future__ import annotations

from pathlib import Path

from gok_tui.app import GokApp
from gok_tui.config.settings import Settings
from gok_tui.screens.pods import PodsScreen
from gok_tui.screens.revisions import RevisionScreen
from gok_tui.screens.rollout import RolloutScreen
from gok_tui.widgets.confirm import ConfirmModal
from textual.widgets import DataTable

from tests.integration.helpers import deployment
from tests.kubefake import FakeKube
from tests.ui.helpers import (
    SIZE,
    make_app,
    revisions_of_web,
    screen_text,
    table_column,
    table_keys,
    until,
)


async def test_revisions_show_the_cluster_bar_and_take_commands(
    fake_kube: FakeKube, tmp_path: Path
) -> None:
    kubeconfig = fake_kube.write_kubeconfig(tmp_path / "kc", context="prod-eu")
    app = make_app(kubeconfig, settings=Settings(production_contexts=("prod-*",)))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await revisions_of_web(pilot, fake_kube, ("web:1", "web:2"))
        await until(pilot, lambda: "Revisions of deployment default/web (2)" in screen_text(app))
        top = screen_text(app).splitlines()[0]
        assert "prod-eu" in top and "PROD" in top and "ns:default" in top

        # its keys still work: j moves to the older revision, whose diff shows
        await pilot.press("j")
        await until(pilot, lambda: "image: web:2 -> web:1" in screen_text(app), what="diff")
        assert "enter: undo to revision 1" in screen_text(app)  # the footer cannot say it

        await pilot.press("colon", *"pods", "enter")
        await until(pilot, lambda: isinstance(app.screen, PodsScreen), what="the Pods view")
        await until(pilot, lambda: len(table_keys(app)) == 1, what="the pod listed")
        assert table_keys(app)[0].startswith("default/web-")


async def test_revisions_say_read_only_and_close_for_another_namespace(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.apply_object(deployment("web", image="web:1", replicas=1))
    app = make_app(fake_kubeconfig, readonly=True)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: table_column(app, "REVISION") == ["1"])
        await pilot.press("h")
        await until(pilot, lambda: isinstance(app.screen, RevisionScreen))
        await until(pilot, lambda: "Revisions of deployment default/web (1)" in screen_text(app))
        assert "READ-ONLY" in screen_text(app).splitlines()[0]
        await pilot.press("escape")
        await until(pilot, lambda: table_keys(app) == ["default/web"], what="back to the table")

        # another namespace: the revisions of default/web are not about it, and close
        await pilot.press("h")
        await until(pilot, lambda: "Revisions of deployment default/web (1)" in screen_text(app))
        await pilot.press("colon", *"ns all", "enter")
        await until(pilot, lambda: not isinstance(app.screen, RevisionScreen), what="closed")
        await until(pilot, lambda: "ns:all" in screen_text(app).splitlines()[0])
        await until(pilot, lambda: table_keys(app) == ["default/web"], what="the table again")


def template_image(fake: FakeKube) -> str:
    obj = fake.get_object("deployments", "default", "web")
    return obj["spec"]["template"]["spec"]["containers"][0]["image"]


def revision_rows(app: GokApp) -> list[tuple[str, str]]:
    """(REV, IMAGES) of each row of the revisions table, as shown."""
    table = app.screen.query_one("#revisions", DataTable)
    return [
        (str(table.get_row_at(i)[0]), str(table.get_row_at(i)[2])) for i in range(table.row_count)
    ]


async def test_revisions_stay_live_after_an_undo_and_the_next_pick_is_not_refused(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await revisions_of_web(pilot, fake_kube, ("web:1", "web:2", "web:3"))
        revisions = app.screen
        await until(
            pilot, lambda: revision_rows(app) == [("3*", "web:3"), ("2", "web:2"), ("1", "web:1")]
        )

        await pilot.press("j", "j", "enter")  # revision 1
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the confirm")
        assert "revision 3  ->  revision 1" in screen_text(app)
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, RolloutScreen), what="rollout panel")
        await until(pilot, lambda: template_image(fake_kube) == "web:1")
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is revisions, what="back to the revisions")
        # kubectl numbering: web:1 came back as revision 4, now the current one
        await until(
            pilot,
            lambda: revision_rows(app) == [("4*", "web:1"), ("3", "web:3"), ("2", "web:2")],
            what="the revisions after the undo",
        )

        await pilot.press("g", "j", "j", "enter")  # revision 2 (web:2)
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the confirm")
        assert "revision 4  ->  revision 2" in screen_text(app)
        assert "not found" not in screen_text(app)
        await pilot.press("y")
        await until(pilot, lambda: template_image(fake_kube) == "web:2", what="undone to web:2")


async def test_revisions_follow_a_rollout_made_elsewhere(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.apply_object(deployment("web", image="web:1", replicas=1))
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: table_column(app, "REVISION") == ["1"])
        await pilot.press("h")
        await until(pilot, lambda: isinstance(app.screen, RevisionScreen))
        await until(pilot, lambda: revision_rows(app) == [("1*", "web:1")])
        fake_kube.apply_object(deployment("web", image="web:2", replicas=1))  # kubectl, CI...
        await until(
            pilot,
            lambda: revision_rows(app) == [("2*", "web:2"), ("1", "web:1")],
            what="the new revision",
        )
        assert "Revisions of deployment default/web (2)" in screen_text(app)
