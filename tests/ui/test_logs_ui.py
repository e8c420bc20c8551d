"""The Logs view at 80x24 against the fake API server's log endpoint."""

from __future__ import annotations

import json
from pathlib import Path

from gok_tui.config.settings import Settings
from gok_tui.screens.logs import LogsScreen
from gok_tui.widgets.log_view import LogView

from tests.integration.helpers import bare_pod, deployment
from tests.integration.test_logs import init_wait_pod, pod_names, running
from tests.kubefake import FakeKube, wait_until
from tests.ui.helpers import SIZE, make_app, press_at_once, screen_text, table_keys, until
from tests.ui.notices import toast_texts


def log_view(app) -> LogView:
    return app.screen.query_one(LogView)


async def test_deployment_logs_filter_context_level_pause_and_save(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.apply_object(deployment("web", image="web:1", replicas=2))
    wait_until(lambda: len(pod_names(fake_kube, "web")) == 2)
    first, second = pod_names(fake_kube, "web")
    for name in (first, second):
        running(fake_kube, name)
    fake_kube.append_log(
        "default",
        first,
        "web",
        [
            "GET / 200",
            "GET /cart 200",
            json.dumps({"level": "error", "msg": "payment failed", "order": 42}),
            "GET /health 200",
        ],
    )
    fake_kube.append_log(
        "default", second, "web", [json.dumps({"level": "info", "msg": "warming cache"})]
    )
    app = make_app(fake_kubeconfig)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: table_keys(app) == ["default/web"])
        await pilot.press("l")
        await until(pilot, lambda: isinstance(app.screen, LogsScreen))
        await until(pilot, lambda: "warming cache" in screen_text(app), what="both pods' lines")
        text = screen_text(app)
        assert "Logs(deploy/web) 2 streams 5 lines" in text and "FOLLOWING" in text
        assert f"{first} GET /cart 200" in text
        assert f"{second} INFO  warming cache" in text
        assert f"{first} ERROR payment failed  order=42" in text

        await pilot.press("/", *"payment", "enter")
        await until(pilot, lambda: "[1 shown]" in screen_text(app), what="one match")
        await pilot.press("plus")
        await until(
            pilot,
            lambda: (
                "[3 shown]" in screen_text(app)
                and "GET /cart 200" in screen_text(app)
                and "GET /health 200" in screen_text(app)
            ),
            what="the match with a line of context on each side",
        )
        await pilot.press("escape")  # clears the filter
        await until(pilot, lambda: "shown]" not in screen_text(app))

        await pilot.press("minus")  # no context lines
        await pilot.press("v", "v", "v", "v")  # all -> debug -> info -> warn -> error
        await until(
            pilot, lambda: ">=error" in screen_text(app) and "[1 shown]" in screen_text(app)
        )
        await pilot.press("v")
        await until(pilot, lambda: ">=" not in screen_text(app))

        await pilot.press("f")  # pause: lines keep coming, counted
        fake_kube.append_log("default", second, "web", ["late 1", "late 2"])
        await until(pilot, lambda: "PAUSED, 2 new lines" in screen_text(app), what="counted")
        await pilot.press("f")
        await until(pilot, lambda: "late 2" in screen_text(app), what="resumed at the end")

        await pilot.press("/", *"GET", "enter")
        await pilot.press("s")
        await until(pilot, lambda: app.screen.saved_path is not None, what="saved")
        saved = app.screen.saved_path.read_text().splitlines()
        assert saved == [f"{first} GET / 200", f"{first} GET /cart 200", f"{first} GET /health 200"]


async def test_hostile_log_bytes_and_the_dropped_lines_counter(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.apply_object(bare_pod("evil-1", labels={"app": "evil"}))
    running(fake_kube, "evil-1")
    fake_kube.append_log(
        "default", "evil-1", "main", [b"\x1b]0;pwned\x07\x1b[31mred\x1b[0m text \xff"]
    )
    fake_kube.append_log("default", "evil-1", "main", [f"line {n}" for n in range(1500)])
    app = make_app(fake_kubeconfig, view="pods", settings=Settings(log_buffer_lines=1000))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: table_keys(app) == ["default/evil-1"])
        await pilot.press("S")  # since presets live in the Logs view; first open it
        await pilot.press("l")
        await until(pilot, lambda: isinstance(app.screen, LogsScreen))
        await pilot.press("S", "S", "S", "S")  # last 200 -> 5m -> 15m -> 1h -> all
        await until(
            pilot,
            lambda: "501 dropped from the front" in screen_text(app),
            timeout=15,
            what="1501 lines into a 1000-line buffer",
        )
        assert log_view(app).buffer.lines[-1].text == "line 1499"
        await pilot.press("g")  # the oldest kept line is line 500
        await until(pilot, lambda: "line 500" in screen_text(app))
        for line in screen_text(app).splitlines():
            assert "\x1b" not in line and "\x07" not in line


async def test_following_opens_at_the_newest_lines_of_the_first_batch(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.apply_object(bare_pod("chatty-1", labels={"app": "chatty"}))
    running(fake_kube, "chatty-1")
    fake_kube.append_log("default", "chatty-1", "main", [f"line {n:03}" for n in range(200)])
    app = make_app(fake_kubeconfig, view="pods")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: table_keys(app) == ["default/chatty-1"])
        await pilot.press("l")
        await until(pilot, lambda: isinstance(app.screen, LogsScreen))
        await until(pilot, lambda: log_view(app).buffer.total == 200, what="the first batch")
        # no line arrives after the first batch: the view must already sit at its end
        await until(pilot, lambda: "line 199" in screen_text(app), what="the newest line")
        text = screen_text(app)
        assert "FOLLOWING" in text
        assert "line 000" not in text


async def test_save_writes_the_lines_as_the_containers_wrote_them(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    raw_lines: list[bytes] = [
        json.dumps({"level": "error", "msg": "payment failed", "order": 42}).encode(),
        b"\x1b[31mred\x1b[0m\ttabbed \xff",
        b"x" * 5000,
    ]
    fake_kube.apply_object(bare_pod("api-1", labels={"app": "api"}))
    running(fake_kube, "api-1")
    fake_kube.append_log("default", "api-1", "main", raw_lines)
    app = make_app(fake_kubeconfig, view="pods")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: table_keys(app) == ["default/api-1"])
        await pilot.press("l")
        await until(pilot, lambda: "payment failed" in screen_text(app), what="the lines")
        await pilot.press("s")
        await until(pilot, lambda: "saved 3 lines to" in screen_text(app), what="saved")
        saved_path = app.screen.saved_path
        assert saved_path is not None
        # one pod: no prefix, no timestamps, bytes untouched, like `kubectl logs pod > file`
        assert saved_path.read_bytes() == b"".join(line + b"\n" for line in raw_lines)

        await pilot.press("t", "s")  # timestamps on: as `kubectl logs --timestamps` has them
        await until(pilot, lambda: app.screen.saved_path != saved_path, what="saved again")
        stamped = app.screen.saved_path.read_bytes().split(b"\n")
        assert [line.split(b" ", 1)[1] for line in stamped[:-1]] == raw_lines
        assert all(line[:4].isdigit() and b"T" in line.split(b" ")[0] for line in stamped[:-1])


async def test_typing_a_filter_says_once_that_it_is_not_a_regular_expression(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    fake_kube.apply_object(bare_pod("api-1", labels={"app": "api"}))
    running(fake_kube, "api-1")
    fake_kube.append_log("default", "api-1", "main", ["(ab) literal", "abc", "other"])
    app = make_app(fake_kubeconfig, view="pods")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: table_keys(app) == ["default/api-1"])
        await pilot.press("l")
        await until(pilot, lambda: "(ab) literal" in screen_text(app), what="the lines")
        await pilot.press("/", *"(ab")  # invalid from the first key until the ")"
        await until(
            pilot,
            lambda: log_view(app).filter.pattern == "(ab" and "[1 shown]" in screen_text(app),
            what="searched literally",
        )
        text = screen_text(app)
        assert "not a regular expression: missing ) at position 3" in text
        assert "matched as plain text" in text
        assert text.count("not a regular expression") == 1
        assert len(toast_texts(app)) <= 1

        await pilot.press(")", "c")  # valid again: the message goes away
        await until(
            pilot,
            lambda: "not a regular expression" not in screen_text(app),
            what="the message cleared",
        )
        await pilot.press("enter")
        await until(pilot, lambda: "/(ab)c" in screen_text(app), what="the filter applied")
        assert len(toast_texts(app)) <= 1


def log_rows(app) -> list[str]:
    """The Logs view's rows as they are on screen, top to bottom (not its scrollbars)."""
    region = log_view(app).scrollable_content_region
    lines = screen_text(app).splitlines()[region.y : region.y + region.height]
    return [line[region.x : region.x + region.width].rstrip() for line in lines]


def row_of(app, text: str) -> int | None:
    """The screen row (within the Logs view) of the line holding ``text``."""
    rows = log_rows(app)
    return next((n for n, row in enumerate(rows) if text in row), None)


async def open_paused_logs(pilot, app, fake_kube: FakeKube, lines: list[str]) -> None:
    fake_kube.apply_object(bare_pod("api-1", labels={"app": "api"}))
    running(fake_kube, "api-1")
    fake_kube.append_log("default", "api-1", "main", lines)
    await until(pilot, lambda: table_keys(app) == ["default/api-1"])
    await pilot.press("l")
    await until(pilot, lambda: isinstance(app.screen, LogsScreen))
    await until(pilot, lambda: log_view(app).buffer.total == len(lines), what="all the lines")
    await until(pilot, lambda: lines[-1][:20] in screen_text(app), what="the newest line")
    await pilot.press("f")
    await until(pilot, lambda: "PAUSED" in screen_text(app), what="paused")


ERROR_EVERY = 40  # lines 017, 057, 097, 137 and 177 say ERROR (the tail is 200 lines)


def numbered_lines(count: int, tail: str = "") -> list[str]:
    return [
        f"line {n:03} " + ("ERROR payment failed" if n % ERROR_EVERY == 17 else "ok") + tail
        for n in range(count)
    ]


async def test_clearing_the_filter_while_paused_keeps_the_match_in_its_place(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    """The on-call pattern: find the error with a filter, then clear it to read around it."""
    app = make_app(fake_kubeconfig, view="pods")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_paused_logs(pilot, app, fake_kube, numbered_lines(200))
        await press_at_once(pilot, *["k"] * 120)  # reading somewhere in the middle
        await pilot.press("/", *"ERROR", "enter")
        await until(pilot, lambda: "[5 shown]" in screen_text(app), what="filtered")
        await pilot.press("n")
        await pilot.pause()
        current = log_view(app).buffer.lines[log_view(app).line_at(log_view(app)._last_match_row)]
        match = current.text[:8]  # "line 137"
        place = row_of(app, match)
        assert place is not None, log_rows(app)

        await pilot.press("escape")  # the filter is cleared: read around the match
        await until(pilot, lambda: "shown]" not in screen_text(app), what="filter cleared")
        assert row_of(app, match) == place, log_rows(app)
        number = int(match.split()[1])
        assert row_of(app, f"line {number - 1:03}") == place - 1
        assert row_of(app, f"line {number + 1:03}") == place + 1
        assert "PAUSED" in screen_text(app)

        await pilot.press("G")  # following again: a filter change keeps the newest in view
        await pilot.press("/", *"ERROR", "enter")
        await until(pilot, lambda: "line 177 ERROR" in screen_text(app), what="newest match")
        await pilot.press("escape")
        await until(pilot, lambda: "line 199 ok" in screen_text(app), what="newest line")
        assert "FOLLOWING" in screen_text(app)


async def test_a_filter_typed_and_cleared_while_paused_leaves_the_reader_where_they_were(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    app = make_app(fake_kubeconfig, view="pods")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_paused_logs(pilot, app, fake_kube, numbered_lines(200))
        await press_at_once(pilot, *["k"] * 100)
        await pilot.pause()
        reading = log_rows(app)
        top = reading[0].split()[2]  # "api-1 line NNN ok"
        first_match = next(n for n in range(int(top), 200) if n % ERROR_EVERY != 17)

        # typed a key at a time, through a typo that matches nothing; more lines match than
        # the view holds
        await pilot.press("/", *"okX")
        await until(pilot, lambda: "[0 shown]" in screen_text(app), what="nothing matches")
        await pilot.press("backspace")
        await until(pilot, lambda: "[195 shown]" in screen_text(app), what="the matches")
        # the matches from where the reader was on, not from the top of the buffer
        assert f"line {first_match:03} ok" in log_rows(app)[0], log_rows(app)

        await pilot.press("escape")  # the prompt closes and the filter clears
        await until(pilot, lambda: "shown]" not in screen_text(app), what="filter cleared")
        assert log_rows(app) == reading


async def test_wrapped_lines_keep_the_match_in_its_place_when_the_filter_clears(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    """With wrap on a screen row is a piece of a line: the match still stays put."""
    app = make_app(fake_kubeconfig, view="pods")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_paused_logs(pilot, app, fake_kube, numbered_lines(200, " " + "x" * 100))
        await pilot.press("w")
        await press_at_once(pilot, *["k"] * 150)
        await pilot.press("/", *"ERROR", "enter")
        await until(pilot, lambda: "[5 shown]" in screen_text(app), what="filtered")
        await pilot.press("n")
        await pilot.pause()
        view = log_view(app)
        match = view.buffer.lines[view.line_at(view._last_match_row)].text[:8]
        place = row_of(app, match)
        assert place is not None, log_rows(app)  # n brought the match into view

        await pilot.press("escape")
        await until(pilot, lambda: "shown]" not in screen_text(app), what="filter cleared")
        assert row_of(app, match) == place, log_rows(app)
        number = int(match.split()[1])
        assert row_of(app, f"line {number + 1:03}") == place + 2  # the match takes two rows


async def test_c_cycles_every_container_of_the_pod_in_spec_order(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    pod = bare_pod("two-1", labels={"app": "two"})
    pod["spec"]["containers"] = [
        {"name": "app", "image": "app:1"},
        {"name": "sidecar", "image": "proxy:1"},
    ]
    fake_kube.apply_object(pod)
    running(fake_kube, "two-1")
    fake_kube.append_log("default", "two-1", "app", ["app says hi"])
    fake_kube.append_log("default", "two-1", "sidecar", ["sidecar says hi"])
    app = make_app(fake_kubeconfig, view="pods")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: table_keys(app) == ["default/two-1"])
        await pilot.press("l")
        await until(pilot, lambda: "sidecar says hi" in screen_text(app), what="both")
        assert "Logs(pod/two-1) 2 streams" in screen_text(app)
        for chosen, shown, hidden in (
            ("app", "app says hi", "sidecar says hi"),
            ("sidecar", "sidecar says hi", "app says hi"),
        ):
            await pilot.press("c")
            await until(
                pilot,
                lambda chosen=chosen: f"container: {chosen}" in toast_texts(app)[-1],
                what=f"container: {chosen}",
            )
            await until(pilot, lambda shown=shown: shown in screen_text(app), what=shown)
            text = screen_text(app)
            assert f"Logs(pod/two-1 -c {chosen}) 1 stream " in text
            assert hidden not in text
        await pilot.press("c")
        await until(pilot, lambda: "container: all" in toast_texts(app)[-1], what="all again")
        await until(pilot, lambda: "Logs(pod/two-1) 2 streams" in screen_text(app))


async def test_the_init_container_of_an_initialising_pod_and_its_previous_log(
    fake_kube: FakeKube, fake_kubeconfig: Path
) -> None:
    init_wait_pod(fake_kube)
    app = make_app(fake_kubeconfig, view="pods")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: table_keys(app) == ["default/init-wait"])
        await pilot.press("l")
        await until(
            pilot,
            lambda: "waiting for migrate to start: CrashLoopBackOff" in screen_text(app),
            what="the init container followed",
        )
        text = screen_text(app)
        assert "waiting for c to start" not in text
        assert "Logs(pod/init-wait) 1 stream " in text

        await pilot.press("p")  # the crashed init container's log
        await until(
            pilot, lambda: "error: relation users exists" in screen_text(app), what="previous"
        )
        text = screen_text(app)
        assert "no previous container" not in text
        assert "Logs(pod/init-wait (previous))" in text
        assert "PREVIOUS LOG" in text and "FOLLOWING" not in text

        await pilot.press("c")
        await until(pilot, lambda: "container: c" in toast_texts(app)[-1], what="c")
        await pilot.press("c")
        await until(
            pilot, lambda: "container: migrate (init)" in toast_texts(app)[-1], what="migrate"
        )
        await until(
            pilot, lambda: "error: relation users exists" in screen_text(app), what="previous"
        )
        assert "Logs(pod/init-wait -c migrate (init) (previous))" in screen_text(app)
