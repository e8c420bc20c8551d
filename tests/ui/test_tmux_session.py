"""gok-tui as a person has it: a real terminal (tmux, 80x24), keys typed, the screen read back."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


class Terminal:
    def __init__(self, session: str) -> None:
        self.session = session

    def keys(self, *keys: str) -> None:
        for key in keys:
            subprocess.run(["tmux", "send-keys", "-t", self.session, key], check=True)
            # a lone ESC followed at once by another key reads as alt+key in a real terminal
            time.sleep(0.5 if key == "Escape" else 0.15)

    def screen(self) -> str:
        return subprocess.run(
            ["tmux", "capture-pane", "-p", "-t", self.session],
            capture_output=True,
            text=True,
            check=False,
        ).stdout

    def wait_for(self, text: str, timeout: float = 10.0) -> str:
        return self.wait_until(lambda screen: text in screen, f"{text!r}", timeout)

    def wait_until(
        self, shows: Callable[[str], bool], what: str = "condition", timeout: float = 10.0
    ) -> str:
        """The title of a view is painted before its rows; wait for what the test reads."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if shows(screen):
                return screen
            time.sleep(0.05)
        raise AssertionError(f"{what} never appeared; screen:\n{self.screen()}")

    def close(self) -> None:
        subprocess.run(
            ["tmux", "kill-session", "-t", self.session], capture_output=True, check=False
        )

    def alive(self) -> bool:
        return (
            subprocess.run(
                ["tmux", "has-session", "-t", self.session], capture_output=True, check=False
            ).returncode
            == 0
        )


@pytest.fixture
def fake_server(tmp_path: Path) -> Iterator[Path]:
    kubeconfig, ready = tmp_path / "kubeconfig", tmp_path / "ready"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.kubefake",
            "--kubeconfig",
            str(kubeconfig),
            "--ready-file",
            str(ready),
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while not ready.exists():
        assert proc.poll() is None and time.monotonic() < deadline, "fake API server did not start"
        time.sleep(0.05)
    yield kubeconfig
    proc.terminate()
    proc.wait(10)


def start_terminal(kubeconfig: Path, home: Path, extra_env: str = "") -> Terminal:
    """gok-tui in a detached tmux session at 80x24, with a fresh HOME (no user config)."""
    if shutil.which("tmux") is None:
        if os.environ.get("CI"):
            pytest.fail("tmux is missing in CI: scripts/test installs it")
        pytest.skip("tmux is not installed")
    session = f"gok-{uuid.uuid4().hex[:8]}"
    gok = Path(sys.executable).parent / "gok-tui"
    env = f"HOME={home} XDG_STATE_HOME={home}/state TERM=xterm-256color {extra_env}".strip()
    command = f"cd {home} && env {env} {gok} --kubeconfig {kubeconfig}"
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", session, "-x", "80", "-y", "24", command], check=True
    )
    return Terminal(session)


@pytest.fixture
def terminal(fake_server: Path, tmp_path: Path) -> Iterator[Terminal]:
    term = start_terminal(fake_server, tmp_path)
    yield term
    term.close()


def deployment_rows(screen: str) -> list[str]:
    return [line.split()[0] for line in screen.splitlines() if line.startswith(" shop-")]


def test_keyboard_session_at_80x24(terminal: Terminal) -> None:
    screen = terminal.wait_for("shop-web")
    assert "Deployments(default)[2]" in screen and "ns:default" in screen
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
    screen = terminal.wait_for("3 replicas  ->  4 replicas")
    assert (
        "context   fake" in screen
        and "PATCH /apis/apps/v1/namespaces/default/deployments" in screen
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
    screen = terminal.wait_for("Keys (live")
    assert "table.filter" in screen
    terminal.keys("Escape")

    terminal.keys(":", "i", "n", "g", "Enter")
    terminal.wait_for("Ingress routes(default)[2]")
    terminal.keys("q")
    deadline = time.monotonic() + 5
    while terminal.alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not terminal.alive(), "gok-tui did not quit on q"
