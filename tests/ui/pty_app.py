"""gok-tui as a person starts it, in a pseudo-terminal of its own: the console script, the bytes
it writes kept whole (for tests on what reaches the terminal), and a VT emulator (pyte) for
what the screen shows.

Also a server that accepts TCP connections and never answers, the worst an API server can do.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import signal
import socket
import struct
import sys
import termios
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pyte

from tests.ui.tmux import SGR

GOK = Path(sys.executable).parent / "gok-tui"


class PtyApp:
    """One gok-tui process on a pty of ``size``; a thread reads everything it writes."""

    def __init__(self, args: list[str], env: dict[str, str], size: tuple[int, int]) -> None:
        width, height = size
        self.output = bytearray()
        self.screen = pyte.Screen(width, height)
        self._stream = pyte.ByteStream(self.screen)
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self.exit_status: int | None = None
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: the app
            try:
                os.execve(str(GOK), [str(GOK), *args], env)
            finally:
                os._exit(127)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", height, width, 0, 0))
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:  # EIO: the app ended and closed the terminal
                break
            if not chunk:
                break
            with self._lock:
                self.output.extend(chunk)
                self._stream.feed(chunk)
        self._closed.set()

    def text(self) -> str:
        """The screen as a person reads it now."""
        with self._lock:
            return "\n".join(self.screen.display)

    def wait_for(
        self, shows: Callable[[str], bool], what: str, timeout: float = 10.0
    ) -> tuple[str, float]:
        """Wait until ``shows(screen text)``; returns the screen and the seconds it took."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            screen = self.text()
            if shows(screen):
                return screen, time.monotonic() - started
            if self.exited():
                break
            time.sleep(0.02)
        raise AssertionError(f"{what} not shown within {timeout} s; screen:\n{self.text()}")

    def keys(self, data: bytes) -> None:
        os.write(self.fd, data)

    def exited(self) -> bool:
        if self.exit_status is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.exit_status = os.waitstatus_to_exitcode(status)
        return self.exit_status is not None

    def wait_exit(self, timeout: float) -> float | None:
        """Seconds until the process ended, or None if it still runs after ``timeout``."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if self.exited():
                return time.monotonic() - started
            time.sleep(0.005)
        return None

    def close(self) -> None:
        if not self.exited():
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        self._closed.wait(5)
        os.close(self.fd)


@contextmanager
def gok_tui(
    kubeconfig: Path, home: Path, size: tuple[int, int] = (80, 24), **env: str
) -> Iterator[PtyApp]:
    """gok-tui with a fresh HOME (no user config, its own audit log) in a pty of ``size``."""
    environ = {
        key: value
        for key, value in os.environ.items()
        if key not in ("NO_COLOR", "KUBECONFIG", "GOK_TUI_CONFIG", "COLUMNS", "LINES")
    }
    environ.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_STATE_HOME=str(home / ".local" / "state"),
        TERM="xterm-256color",
        **env,
    )
    app = PtyApp(["--kubeconfig", str(kubeconfig)], environ, size)
    try:
        yield app
    finally:
        app.close()


class SilentServer:
    """Accepts TCP connections on 127.0.0.1 and never sends a byte."""

    def __init__(self) -> None:
        self._socket = socket.create_server(("127.0.0.1", 0), backlog=64)
        self.port = self._socket.getsockname()[1]
        self.connections: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self._socket.accept()
            except OSError:
                return
            self.connections.append(connection)

    def write_kubeconfig(self, path: Path, context: str = "silent") -> Path:
        path.write_text(
            f"""apiVersion: v1
kind: Config
clusters:
- name: {context}
  cluster: {{server: "http://127.0.0.1:{self.port}"}}
users:
- name: {context}
  user: {{token: not-checked}}
contexts:
- name: {context}
  context: {{cluster: {context}, user: {context}, namespace: default}}
current-context: {context}
"""
        )
        return path

    def close(self) -> None:
        self._socket.close()
        for connection in self.connections:
            connection.close()


def sgr_colours(escaped: str) -> list[str]:
    """Every colour the SGR sequences set, normalised: '38;5;196', '48;2;0;0;255', '31'..."""
    found: list[str] = []
    for params in SGR.findall(escaped):
        codes = [int(p) if p.isdigit() else 0 for p in re.split("[;:]", params)]
        i = 0
        while i < len(codes):
            code, kind = codes[i], codes[i + 1] if i + 1 < len(codes) else None
            if code in (38, 48, 58) and kind in (2, 5):
                size = 3 if kind == 5 else 5
                found.append(";".join(str(c) for c in codes[i : i + size]))
                i += size
                continue
            if 30 <= code <= 37 or 40 <= code <= 47 or 90 <= code <= 97 or 100 <= code <= 107:
                found.append(str(code))
            i += 1
    return found
