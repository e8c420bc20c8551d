"""Driving the real app with Pilot against the fake API server."""

from __future__ import annotations

import html
import json
import re
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from gok_tui.app import GokApp
from gok_tui.config.kubeconfig import resolve_target
from gok_tui.config.project import load_project
from gok_tui.config.settings import Settings
from gok_tui.session import Session
from gok_tui.widgets.resource_table import ResourceTable
from platformdirs import user_log_path
from rich.cells import cell_len
from textual import events
from textual.app import App
from textual.css.query import NoMatches
from textual.keys import key_to_character
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


POLL = 0.05  # seconds of real time between looks at what comes from outside the app


async def until(
    pilot: Pilot, predicate: Callable[[], bool], timeout: float = 5.0, what: str = ""
) -> None:
    """Wait until ``predicate()`` holds.

    It is asked first once the app has gone idle: it has handled what was queued (a key's
    effects, a pushed screen composed and drawn) without any fixed sleep. Only then does the
    wait turn to real time, asking every POLL seconds, for what comes from outside the app's
    queue: the fake server's answers and watch events, worker threads, and the refresh tick
    that drains them.
    """
    deadline = time.monotonic() + timeout
    delay: float | None = None  # None: until idle (Pilot.pause)
    while True:
        await pilot.pause(delay)
        try:
            if predicate():
                return
        except NoMatches:  # the screen the predicate reads is not up yet (a modal still is)
            pass
        if time.monotonic() >= deadline:
            raise AssertionError(
                f"timed out waiting for {what or predicate}; screen: {screen_text(pilot.app)}"
            )
        delay = POLL


def table_keys(app: GokApp) -> list[str]:
    table = app.screen.query_one(ResourceTable)
    return [row.key.value for row in table.ordered_rows]


def table_column(app: GokApp, title: str) -> list[str]:
    table = app.screen.query_one(ResourceTable)
    titles = [str(column.label) for column in table.ordered_columns]
    index = titles.index(title)
    return [str(table.get_row_at(i)[index]) for i in range(table.row_count)]


# One run of text in Textual's SVG screenshot (rich's export_svg): its column as x (in units
# of textLength / len(text)) and its screen row as the line its clip-path names.
_SVG_TEXT = re.compile(
    r'<text [^>]*?x="([0-9.]+)"[^>]*?textLength="([0-9.]+)"[^>]*?-line-(\d+)\)">(.*?)</text>',
    re.DOTALL,
)


def screen_text(app: App[Any]) -> str:
    """Plain text of what is on screen now (what a person would read: a modal over the screen
    it covers), one line per row, read from the app's public SVG screenshot."""
    width, height = app.size
    rows = [""] * height
    for x, length, row, escaped in _SVG_TEXT.findall(app.export_screenshot()):
        text = html.unescape(escaped.replace("&#160;", " "))
        if text == "\n" or int(row) >= height:
            continue  # the line break after each row
        column = round(float(x) * len(text) / float(length))
        line = rows[int(row)]
        rows[int(row)] = line + " " * (column - cell_len(line)) + text
    return "\n".join(line + " " * (width - cell_len(line)) for line in rows)


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


def write_audit(*entries: dict[str, object]) -> None:
    """Audit entries as gok-tui would have written them in an earlier session."""
    path = user_log_path("gok-tui") / "audit.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(entry, ensure_ascii=False) + "\n" for entry in entries))


def burst(app: App[Any], *keys: str) -> None:
    """Queue every key at once, as a terminal delivers a burst (no waiting in between); keys
    by Textual's names (``slash``, ``enter``), letters as themselves."""
    for key in keys:
        app.post_message(events.Key(key, key_to_character(key)))


async def press_at_once(pilot: Pilot, *keys: str) -> None:
    """``keys`` as one burst, then wait until the app has handled them: for runs of keys whose
    end state is what a test reads (120 presses of k, a long word typed into an open prompt),
    where Pilot.press would wait for the app to go idle after every one of them."""
    burst(pilot.app, *keys)
    await pilot.pause()


def sent_changes(fake: FakeKube) -> list[Any]:
    """The requests that could change the cluster (an access review only asks a question)."""
    return [
        r
        for r in list(fake.requests)
        if r.method not in ("GET", "HEAD") and not r.path.endswith("/selfsubjectaccessreviews")
    ]


def keys_reviewed(app: GokApp) -> bool:
    """Every key of the view that needs the cluster's leave has its access review's answer
    (asked out of sight, in a worker)."""
    from gok_tui.screens.base import BaseScreen

    screen, target = app.screen, app.session.target
    if not isinstance(screen, BaseScreen) or target is None:
        return False
    where = (target.context, app.session.namespace)
    needs = screen.access_needs().values()
    return bool(needs) and all(app.access.answer(where, need) is not None for need in needs)


def usage_settled(app: App[Any]) -> bool:
    """Whether the view on screen, if it shows resource usage, has had the metrics API's
    answer and shown it (an absent API's one-time toast is then out, not yet to come)."""
    from gok_tui.screens.usage import UsageView

    screen = app.screen
    return not isinstance(screen, UsageView) or screen.usage_settled
