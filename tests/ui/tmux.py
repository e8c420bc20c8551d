"""gok-tui as a person runs it: the real console script in tmux, against the fake API server
started as its own process (``python -m tests.kubefake``), keys typed and the screen read back.

Shared by the tmux tests; plain functions and a context manager, so each test module chooses
its own fixture scope.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SGR = re.compile(r"\x1b\[([0-9;:]*)m")


class Terminal:
    def __init__(self, session: str) -> None:
        self.session = session

    def keys(self, *keys: str) -> None:
        for key in keys:
            subprocess.run(["tmux", "send-keys", "-t", self.session, key], check=True)
            # a lone ESC followed at once by another key reads as alt+key in a real terminal
            time.sleep(0.5 if key == "Escape" else 0.15)

    def screen(self) -> str:
        """The text on screen, without styles."""
        return self._capture()

    def escaped_screen(self) -> str:
        """The screen with its SGR sequences (colours, bold, reverse) as tmux holds them."""
        return self._capture("-e")

    def _capture(self, *flags: str) -> str:
        return subprocess.run(
            ["tmux", "capture-pane", "-p", *flags, "-t", self.session],
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


@contextmanager
def fake_api_server(folder: Path, *args: str) -> Iterator[Path]:
    """``python -m tests.kubefake`` (the demo shop unless ``--empty``); yields its kubeconfig."""
    kubeconfig, ready = folder / "kubeconfig", folder / "ready"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.kubefake",
            "--kubeconfig",
            str(kubeconfig),
            "--ready-file",
            str(ready),
            *args,
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while not ready.exists():
            assert proc.poll() is None, "fake API server exited before it was ready"
            assert time.monotonic() < deadline, "fake API server did not start"
            time.sleep(0.05)
        yield kubeconfig
    finally:
        proc.terminate()
        proc.wait(10)


def require_tmux() -> None:
    if shutil.which("tmux") is None:
        if os.environ.get("CI"):
            pytest.fail("tmux is missing in CI: scripts/test installs it")
        pytest.skip("tmux is not installed")


def start_terminal(
    kubeconfig: Path,
    home: Path,
    extra_env: str = "",
    size: tuple[int, int] = (80, 24),
    unset: tuple[str, ...] = (),
) -> Terminal:
    """gok-tui in a detached tmux session, with a fresh HOME (no user config). ``unset`` names
    variables to remove: a tmux server already running hands its own environment down."""
    require_tmux()
    session = f"gok-{uuid.uuid4().hex[:8]}"
    gok = Path(sys.executable).parent / "gok-tui"
    removed = "".join(f"-u {name} " for name in unset)
    env = f"{removed}HOME={home} XDG_STATE_HOME={home}/state TERM=xterm-256color {extra_env}"
    command = f"cd {shlex.quote(str(home))} && env {env.strip()} {gok} --kubeconfig {kubeconfig}"
    width, height = size
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", session, "-x", str(width), "-y", str(height), command],
        check=True,
    )
    return Terminal(session)
