"""A slow API server (every request answered after 500 ms): the UI never waits for it.

The fake's ``latency`` delays each request before it is answered (a watch's later events are not
delayed), and lists are held until the test releases them. The view must come up at once, keys
must be answered while the lists are still in flight, and the rows must still arrive. "Answered
while in flight" rather than "within N ms": a wall-clock bound fails on a loaded machine, while a
UI that waited for the server could not answer a key before the held list is released.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

from gok_tui.screens.deployments import DeploymentsScreen
from gok_tui.screens.help import HelpScreen
from gok_tui.screens.pods import PodsScreen
from gok_tui.widgets.resource_table import ResourceTable
from textual.pilot import Pilot

from tests.integration.helpers import deployment
from tests.kubefake import FakeKube, wait_until
from tests.ui.helpers import SIZE, make_app, screen_text, table_keys, until

LATENCY = 0.5
PATIENCE = 10.0  # seconds a key may take on a loaded machine; lists are held for 30 s


async def answered(
    pilot: Pilot, key: str, done: Callable[[], bool], presses: list[asyncio.Task[None]]
) -> float:
    """Seconds from pressing ``key`` until ``done()`` holds (at most PATIENCE). The press itself
    goes on (Pilot then waits for the whole app to be idle); its task joins ``presses``."""
    started = time.perf_counter()
    presses.append(asyncio.create_task(pilot.press(key)))
    while not done() and time.perf_counter() - started < PATIENCE:
        await asyncio.sleep(0.002)
    return time.perf_counter() - started


def lists_of(fake: FakeKube, plural: str) -> int:
    return sum(
        1
        for record in fake.requests
        if record.method == "GET"
        and record.path.endswith(f"/{plural}")
        and record.query.get("watch") not in ("1", "true")
    )


async def test_keys_are_answered_while_every_request_takes_half_a_second(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    for name in ("api", "web"):
        fake_kube.apply_object(deployment(name, replicas=1))
    wait_until(lambda: len(fake_kube.list_objects("pods")) == 2)
    fake_kube.latency = LATENCY
    # lists are also held until released, so "in flight" does not depend on how fast this
    # test polls on a loaded machine; the latency still delays every answer
    fake_kube.hold_lists()
    app = make_app(fake_kubeconfig)
    presses: list[asyncio.Task[None]] = []
    async with app.run_test(size=SIZE) as pilot:
        # the view is up, loading, before any answer came back
        assert isinstance(app.screen, DeploymentsScreen)
        screen = app.screen
        await until(pilot, lambda: lists_of(fake_kube, "deployments") >= 1, timeout=2)
        feed = screen.feeds["deployments"]
        assert feed.loop is not None and feed.loop.list_count == 0, "the list is in flight"
        # "retrying" when the held list outlived the client's read timeout on a loaded machine
        assert "loading" in screen_text(app) or "retrying" in screen_text(app)

        # help opens and closes while the list is still in flight
        await answered(pilot, "question_mark", lambda: isinstance(app.screen, HelpScreen), presses)
        assert isinstance(app.screen, HelpScreen)
        await answered(pilot, "escape", lambda: app.screen is screen, presses)
        assert app.screen is screen
        assert feed.loop.list_count == 0, "help opened and closed while the list was in flight"

        # the rows still arrive
        fake_kube.release_lists()
        await until(
            pilot,
            lambda: table_keys(app) == ["default/api", "default/web"],
            timeout=5,
            what="both deployments",
        )
        table = screen.query_one(ResourceTable)

        # another view's list in flight: back on Deployments, j and k move the cursor at once
        pods_lists = lists_of(fake_kube, "pods")
        fake_kube.hold_lists()
        await answered(pilot, "2", lambda: isinstance(app.screen, PodsScreen), presses)
        pods = app.screen
        assert isinstance(pods, PodsScreen)
        deadline = time.perf_counter() + PATIENCE
        while "pods" not in pods.feeds or lists_of(fake_kube, "pods") == pods_lists:
            assert time.perf_counter() < deadline, "the Pods view never asked for its list"
            await asyncio.sleep(0.002)  # mounted, and its watch loop has asked for the list
        pods_loop = pods.feeds["pods"].loop
        assert pods_loop is not None
        await answered(pilot, "1", lambda: app.screen is screen, presses)
        assert app.screen is screen
        in_flight: list[bool] = []

        def moved(row: int) -> bool:
            if table.cursor_row != row:
                return False
            in_flight.append(pods_loop.list_count == 0)
            return True

        await answered(pilot, "j", lambda: moved(1), presses)
        await answered(pilot, "k", lambda: moved(0), presses)
        assert table.cursor_row == 0
        assert in_flight == [True, True], "the pods list was in flight while j and k were answered"

        # and the pods arrive too
        fake_kube.release_lists()
        await asyncio.gather(*presses)
        await pilot.press("2")
        await until(pilot, lambda: len(table_keys(app)) == 2, timeout=5, what="both pods")
