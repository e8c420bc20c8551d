"""gok-tui as a person has it: a real terminal (tmux, 80x24), keys typed, the screen read back."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ui.tmux import Terminal, fake_api_server, start_terminal


@pytest.fixture
def fake_server(tmp_path: Path) -> Iterator[Path]:
    with fake_api_server(tmp_path) as kubeconfig:
        yield kubeconfig


@pytest.fixture
def terminal(fake_server: Path, tmp_path: Path) -> Iterator[Terminal]:
    term = start_terminal(fake_server, tmp_path)
    yield term
    term.close()


def deployment_rows(screen: str) -> list[str]:
    return [line.split()[0] for line in screen.splitlines() if line.startswith(" shop-")]


def test_keyboard_session_at_80x24(terminal: Terminal) -> None:
    # one capture may fall between two writes of a paint (rows drawn, the title lines not yet):
    # wait for all three rather than read them from the first capture that has the rows
    terminal.wait_until(
        lambda screen: all(
            s in screen for s in ("shop-web", "Deployments(default)[2]", "ns:default")
        ),
        "the Deployments view with its title and the cluster bar",
    )
    terminal.wait_for("3/3")

    terminal.keys("j", "Enter")  # shop-web is the second row: its rollout panel
    terminal.wait_for("3/3 of the newest revision ready")
    terminal.keys("Enter")  # and its pods table
    terminal.wait_for("Pods(deploy/shop-web)[3]")
    terminal.wait_until(lambda screen: screen.count("Running") == 3, "three Running pods")
    terminal.keys("Escape", "Escape")
    terminal.wait_for("Deployments(default)")

    terminal.keys("s")
    terminal.wait_for("now 3 replicas")
    terminal.keys("+", "Enter")
    terminal.wait_until(
        lambda screen: all(
            s in screen
            for s in (
                "3 replicas  ->  4 replicas",
                "context   fake",
                "PATCH /apis/apps/v1/namespaces/default/deployments",
            )
        ),
        "the scale confirm with its context and request",
    )
    terminal.keys("y")  # the rollout panel opens by itself and follows the scale
    terminal.wait_for("4/4 of the newest revision ready")
    terminal.keys("Escape")
    terminal.wait_for("Deployments(default)")
    terminal.wait_for("4/4")

    terminal.keys("/", "a", "p", "i")
    terminal.wait_for("[1/2]")
    terminal.wait_until(lambda screen: deployment_rows(screen) == ["shop-api"], "only shop-api")
    terminal.keys("Escape")
    terminal.wait_for("Deployments(default)[2]")

    terminal.keys("?")
    terminal.wait_until(
        lambda screen: "Keys (live" in screen and "table.filter" in screen, "the help"
    )
    terminal.keys("Escape")

    terminal.keys(":", "i", "n", "g", "Enter")
    terminal.wait_for("Ingress routes(default)[2]")
    terminal.keys("q")
    deadline = time.monotonic() + 5
    while terminal.alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not terminal.alive(), "gok-tui did not quit on q"
