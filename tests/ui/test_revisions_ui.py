"""The Revisions screen (h on a Deployment) is a view like the others: the cluster bar says
where an undo would go, and command mode works."""

from __future__ import annotations

from pathlib import Path

from gok_tui.config.settings import Settings
from gok_tui.screens.revisions import RevisionScreen
from gok_tui.screens.views import PodsScreen

from tests.integration.helpers import deployment
from tests.kubefake import FakeKube
from tests.ui.helpers import SIZE, make_app, screen_text, table_column, table_keys, until


async def test_revisions_show_the_cluster_bar_and_take_commands(
    fake_kube: FakeKube, tmp_path: Path
) -> None:
    kubeconfig = fake_kube.write_kubeconfig(tmp_path / "kc", context="prod-eu")
    app = make_app(kubeconfig, settings=Settings(production_contexts=("prod-*",)))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        for revision, image in enumerate(("web:1", "web:2"), start=1):
            fake_kube.apply_object(deployment("web", image=image, replicas=1))
            await until(pilot, lambda r=revision: table_column(app, "REVISION") == [str(r)])
        await pilot.press("h")
        await until(pilot, lambda: isinstance(app.screen, RevisionScreen))
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
