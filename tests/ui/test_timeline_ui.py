"""The timeline view: what changed, its diff on enter, and an undo to before a revision that
goes through the usual confirm."""

from __future__ import annotations

from pathlib import Path

from gok_tui.config.settings import timeline_export_dir
from gok_tui.screens.timeline import TimelineScreen
from gok_tui.widgets.confirm import ConfirmModal

from tests.integration.helpers import deployment
from tests.kubefake import FakeKube
from tests.ui.helpers import SIZE, make_app, screen_text, sent_changes, table_column, until


async def test_timeline_shows_a_revision_its_diff_and_undoes_to_before_it(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        for revision, image in enumerate(("web:1", "web:2"), start=1):
            fake_kube.apply_object(deployment("web", image=image, replicas=1))
            await until(pilot, lambda r=revision: table_column(app, "REVISION") == [str(r)])
        await pilot.press("colon", *"tl", "enter")
        await until(pilot, lambda: isinstance(app.screen, TimelineScreen), what="the timeline")
        await until(pilot, lambda: "revision 2: image web:2" in screen_text(app))

        await pilot.press("slash", *"revision 2", "enter")
        await until(pilot, lambda: "Timeline[1/" in screen_text(app), what="the filter")
        await pilot.press("enter")
        await until(pilot, lambda: "web: image: web:1 -> web:2" in screen_text(app), what="diff")
        assert "u: undo to revision 1" in screen_text(app)

        await pilot.press("u")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the confirm")
        text = screen_text(app)
        assert "revision 2  ->  revision 1" in text
        assert "context   fake" in text and "namespace default" in text
        assert not sent_changes(fake_kube)  # nothing sent before the y

        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, TimelineScreen), what="cancelled")
        await pilot.press("s")
        exported = timeline_export_dir()
        await until(pilot, lambda: len(list(exported.glob("timeline-*"))) == 2, what="export")
        markdown = next(exported.glob("timeline-*.md")).read_text()
        assert "deployments/default/web | revision 2: image web:2 |" in markdown
