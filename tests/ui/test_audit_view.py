"""What the Audit view's narrow columns make of long context names, timestamps and image
changes, and its keys: ``/`` filter, ``g``/``G``."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from gok_tui.screens.audit import (
    AUDIT_COLUMNS,
    AuditScreen,
    short_change,
    short_context,
    short_time,
)
from platformdirs import user_log_path

from tests.ui.helpers import SIZE, make_app, screen_text, until


def test_the_context_column_comes_before_the_wide_ones() -> None:
    assert AUDIT_COLUMNS[:3] == ("TIME", "RESULT", "CONTEXT")


def test_cloud_context_names_are_shown_by_their_cluster_name() -> None:
    assert short_context("arn:aws:eks:eu-west-1:123456789012:cluster/prod-eu") == "prod-eu"
    assert short_context("gke_my-project_europe-west1-b_prod") == "prod"
    assert short_context("kind-dev") == "kind-dev"
    assert short_context("a-very-long-context-name-for-staging") == "a-very-l…staging"


def test_todays_entries_show_the_clock_older_ones_the_day() -> None:
    assert short_time("2026-11-30T10:00:05+0000", today="2026-11-30") == "10:00:05"
    assert short_time("2026-11-29T10:00:05+0000", today="2026-11-30") == "11-29 10:00"


def test_a_new_image_of_the_same_repository_shows_its_name_once_and_short_tags() -> None:
    assert (
        short_change("127.0.0.1:53929/hello2:4de2fab3a53a", "127.0.0.1:53929/hello2:2f5474ea9b1c")
        == "hello2:4de2fab3 -> 2f5474ea"
    )
    assert short_change("ghcr.io/acme/shop/web:1.4.2", "ghcr.io/acme/shop/web:1.5.0") == (
        "web:1.4.2 -> 1.5.0"
    )
    assert short_change("nginx", "nginx:1.27") == "nginx:latest -> 1.27"  # no tag is latest
    dirty = "reg.example:5000/app:4de2fab3a53a-dirty-0a1b2c3d"
    assert short_change("reg.example:5000/app:4de2fab3a53a", dirty) == (
        "app:4de2fab3 -> 4de2fab3-dirty-0a1b2c3d"
    )


def test_digests_are_shortened_like_tags() -> None:
    old, new = "a" * 64, "b" * 64
    assert short_change(f"r.io/x/app@sha256:{old}", f"r.io/x/app@sha256:{new}") == (
        "app@sha256:aaaaaaaa -> @sha256:bbbbbbbb"
    )
    assert short_change(f"r.io/app:v1@sha256:{old}", "r.io/app:v2") == (
        "app:v1@sha256:aaaaaaaa -> v2"
    )


def test_tags_that_would_look_alike_short_are_kept_whole() -> None:
    assert short_change("r.io/app:4de2fab3a53a", "r.io/app:4de2fab3ffff") == (
        "app:4de2fab3a53a -> 4de2fab3ffff"
    )


def test_other_repositories_keep_their_names_and_other_changes_are_as_written() -> None:
    assert short_change("r.io/app:4de2fab3a53a", "other.io/app:2f5474ea9b1c") == (
        "r.io/app:4de2fab3 -> other.io/app:2f5474ea"
    )
    assert short_change("2 replicas", "5 replicas") == "2 replicas -> 5 replicas"
    assert short_change("track=blue", "track=green") == "track=blue -> track=green"
    assert short_change("exists", "absent") == "exists -> absent"
    assert short_change("", "r.io/app:1") == " -> r.io/app:1"
    assert short_change("web:[/x]", "web:[bold]2") == "web:[/x] -> web:[bold]2"  # not a tag


# -- the view ------------------------------------------------------------------------------
ROLLOUT_FROM = "127.0.0.1:53929/hello2:4de2fab3a53a"
ROLLOUT_TO = "127.0.0.1:53929/hello2:2f5474ea9b1c"


def write_audit(*entries: dict[str, Any], today: str | None = None) -> None:
    """Audit lines as gok-tui writes them, oldest first (the view lists them newest first),
    written ``today`` (``YYYY-MM-DD``; the real today by default)."""
    path = user_log_path("gok-tui") / "audit.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    today = today or time.strftime("%Y-%m-%d")
    lines = []
    for second, entry in enumerate(entries):
        line = {
            "time": f"{today}T10:00:0{second}+0000",
            "ok": True,
            "context": "kind-dev",
            "cluster": "https://127.0.0.1:6443",
            "namespace": "default",
            "kind": "deployments",
            "patch": {},
            **entry,
        }
        lines.append(json.dumps(line) + "\n")
    path.write_text("".join(lines))


def three_entries(today: str | None = None) -> None:
    write_audit(
        {
            "action": "rollout",
            "name": "hello",
            "from": ROLLOUT_FROM,
            "to": ROLLOUT_TO,
            "summary": f"set image of deployment default/hello container hello to {ROLLOUT_TO}",
        },
        {
            "action": "scale",
            "name": "api",
            "from": "2 replicas",
            "to": "5 replicas",
            "summary": "scale deployment default/api from 2 to 5 replicas",
        },
        {
            "action": "switch",
            "kind": "services",
            "name": "shop",
            "from": "track=blue",
            "to": "track=green",
            "summary": "send all traffic of service default/shop to track=green",
        },
        today=today,
    )


async def test_a_rollouts_target_image_is_readable_at_80_columns(tmp_path: Path) -> None:
    three_entries()
    app = make_app(None, view="audit")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: "Audit[3]" in screen_text(app))
        await pilot.press("G")  # the oldest: the rollout
        await until(pilot, lambda: "set image of deployment default/hello" in screen_text(app))
        text = screen_text(app)
        row = next(line for line in text.splitlines() if "deploy/default/hello" in line)
        assert "hello2:4de2fab3 -> 2f5474ea" in row, row
        lines = [line.strip() for line in text.splitlines()]
        change = next(i for i, line in enumerate(lines) if line.startswith("change"))
        # the detail has the change whole (wrapped at 80 columns)
        assert lines[change : change + 2] == [f"change     {ROLLOUT_FROM} ->", ROLLOUT_TO], text
        assert "2 replicas -> 5 replicas" in text  # other changes as written


async def test_slash_filters_entries_and_what_is_typed_stays_in_the_filter(
    tmp_path: Path,
) -> None:
    three_entries()
    app = make_app(None, view="audit")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: "Audit[3]" in screen_text(app))
        # QA typed "/4b": 4 switched to the Build view and b started a build.
        await pilot.press("slash", "4", "b")
        await until(pilot, lambda: "Audit[0/3] /4b" in screen_text(app), what="no entry has 4b")
        assert isinstance(app.screen, AuditScreen)
        await pilot.press("backspace", "backspace", *"replicas", "enter")
        await until(pilot, lambda: "Audit[1/3] /replicas" in screen_text(app))
        assert "scale deployment default/api from 2 to 5 replicas" in screen_text(app)  # detail
        assert "track=green" not in screen_text(app)
        await pilot.press("escape")  # clears the filter
        await until(pilot, lambda: "Audit[3]" in screen_text(app))
        assert isinstance(app.screen, AuditScreen)

        await pilot.press("slash", "exclamation_mark", *"replicas", "enter")  # ! inverts
        await until(pilot, lambda: "Audit[2/3] /!replicas" in screen_text(app))
        assert "track=blue -> track=green" in screen_text(app)
        assert "2 replicas -> 5 replicas" not in screen_text(app)
        await pilot.press("escape", "slash", "left_parenthesis", *"shop")
        why = "not a regular expression: missing ) at position 5 · matched as plain text"
        await until(pilot, lambda: why in screen_text(app), what="why it is matched as text")
        assert screen_text(app).count("not a regular expression") == 1
        assert "Audit[0/3]" in screen_text(app)
        await pilot.press("escape")
        await until(pilot, lambda: "Audit[3]" in screen_text(app))
        assert "not a regular expression" not in screen_text(app)


async def test_g_and_shift_g_go_to_the_newest_and_the_oldest_entry(tmp_path: Path) -> None:
    three_entries()
    app = make_app(None, view="audit")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: "Audit[3]" in screen_text(app))
        newest = "send all traffic of service default/shop to track=green"
        await until(pilot, lambda: newest in screen_text(app))
        await pilot.press("G")
        await until(pilot, lambda: "set image of deployment default/hello" in screen_text(app))
        await pilot.press("g")
        await until(pilot, lambda: newest in screen_text(app))
