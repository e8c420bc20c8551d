"""Driving the real app with Pilot against the fake API server."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

from gok_tui.app import GokApp
from gok_tui.config.kubeconfig import resolve_target
from gok_tui.config.project import load_project
from gok_tui.config.settings import Settings
from gok_tui.session import Session
from gok_tui.widgets.resource_table import ResourceTable
from textual.css.query import NoMatches
from textual.pilot import Pilot

from tests.kubefake import FakeKube

SIZE = (80, 24)


def make_app(
    kubeconfig: Path | None,
    *,
    readonly: bool = False,
    settings: Settings | None = None,
    context: str | None = None,
    view: str = "deployments",
    project: Path | None = None,
    watch: bool = False,
    docker_host: str | None = None,
    clock: Callable[[], float] = time.time,
) -> GokApp:
    target = (
        resolve_target(kubeconfig=str(kubeconfig), context=context, environ={})
        if kubeconfig
        else None
    )
    session = Session(
        settings=settings or Settings(),
        target=target,
        readonly_flag=readonly,
        watch_timeout=5,
        project=load_project(project) if project is not None else None,
        watch_project=watch,
        docker_host=docker_host,
        build_network="none",  # the test engine has no bridge
        clock=clock,
    )
    return GokApp(session, start_view=view)


async def until(
    pilot: Pilot, predicate: Callable[[], bool], timeout: float = 5.0, what: str = ""
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        await pilot.pause(0.05)
        try:
            if predicate():
                return
        except NoMatches:  # the screen the predicate reads is not up yet (a modal still is)
            continue
    raise AssertionError(
        f"timed out waiting for {what or predicate}; screen: {screen_text(pilot.app)}"
    )


def table_keys(app: GokApp) -> list[str]:
    table = app.screen.query_one(ResourceTable)
    return [row.key.value for row in table.ordered_rows]


def table_column(app: GokApp, title: str) -> list[str]:
    table = app.screen.query_one(ResourceTable)
    titles = [str(column.label) for column in table.ordered_columns]
    index = titles.index(title)
    return [str(table.get_row_at(i)[index]) for i in range(table.row_count)]


def screen_text(app: GokApp) -> str:
    """Plain text of what is on screen now (what a person would read)."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


async def revisions_of_web(pilot: Pilot, fake: FakeKube, images: Sequence[str]) -> None:
    """Roll Deployment default/web out once per image (revisions 1, 2, ...), then open its
    revisions (h)."""
    from gok_tui.screens.revisions import RevisionScreen

    from tests.integration.helpers import deployment

    app = pilot.app
    assert isinstance(app, GokApp)
    for revision, image in enumerate(images, start=1):
        fake.apply_object(deployment("web", image=image, replicas=1))
        await until(pilot, lambda r=revision: table_column(app, "REVISION") == [str(r)])
    await pilot.press("h")
    await until(pilot, lambda: isinstance(app.screen, RevisionScreen), what="the revisions")
