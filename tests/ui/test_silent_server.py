"""A server that accepts the connection and never answers: gok-tui says so within seconds, and
quits at once whatever is still waiting on it. The real console script in a pty."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ui.pty_app import SilentServer, gok_tui

# seconds from q to the process gone: a quit that waited for the hanging requests would wait out
# their read timeouts (5 s and more); this leaves room for a loaded 2-core machine
QUIT_WITHIN = 3.0
SAID_WITHIN = 8.0  # seconds from start to the timeout said (the first list waits 5 s)


@pytest.fixture
def silent_kubeconfig(tmp_path: Path) -> Iterator[tuple[SilentServer, Path]]:
    server = SilentServer()
    try:
        yield server, server.write_kubeconfig(tmp_path / "kubeconfig")
    finally:
        server.close()


def flowing(screen: str) -> str:
    """The screen's words in reading order: a toast's wrapped lines read as one."""
    return " ".join(screen.replace("▌", " ").split())


def test_quit_is_immediate_while_requests_hang(
    silent_kubeconfig: tuple[SilentServer, Path], tmp_path: Path
) -> None:
    server, kubeconfig = silent_kubeconfig
    with gok_tui(kubeconfig, tmp_path / "home") as app:
        app.wait_for(lambda s: "Deployments(default)" in s and "loading" in s, "the view")
        # the list and the namespace check are both on the wire, unanswered
        app.wait_for(lambda s: len(server.connections) >= 2, "two requests in flight")
        app.keys(b"q")
        took = app.wait_exit(timeout=30)
        assert took is not None, "gok-tui still runs 30 s after q"
        print(f"quit with requests hanging: {took:.2f} s")
        assert took < QUIT_WITHIN, f"quit took {took:.2f} s"
        assert app.exit_status == 0


def test_a_silent_server_is_said_whole_within_seconds(
    silent_kubeconfig: tuple[SilentServer, Path], tmp_path: Path
) -> None:
    server, kubeconfig = silent_kubeconfig
    said = f"deployments: the cluster at http://127.0.0.1:{server.port} did not answer within 5 s"
    with gok_tui(kubeconfig, tmp_path / "home") as app:
        app.wait_for(lambda s: "◌ connecting" in s.splitlines()[0], "connecting")
        # one read may hold part of a paint: what is read is waited for, all of it at once
        _, took = app.wait_for(
            lambda s: (
                said in flowing(s)
                and "✖ retrying" in s.splitlines()[0]
                and "(list deployments)" in flowing(s)
            ),
            "the timeout, whole, and retrying in the cluster bar",
            timeout=SAID_WITHIN,
        )
        print(f"connecting -> timeout said after {took:.1f} s")
        # the title line is cut at 80 columns; the whole sentence stays in Messages
        app.keys(b"M")
        app.wait_for(lambda s: "Messages" in s and said in flowing(s), "the sentence in Messages")


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_quit_ends_a_credential_plugin_that_waits_forever(tmp_path: Path) -> None:
    """An exec plugin waiting for a login nobody makes: quit at once, and the plugin with it
    (it would otherwise outlive gok-tui for as long as it waits)."""
    plugin = tmp_path / "get-token"
    # HUP ignored: here gok-tui leads the pty's session, and its end would hang the plugin up,
    # which does not happen under a shell
    plugin.write_text(f"#!/bin/sh\ntrap '' HUP\necho $$ > {tmp_path / 'pid'}\nexec sleep 600\n")
    plugin.chmod(0o755)
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(
        f"""apiVersion: v1
kind: Config
clusters: [{{name: c, cluster: {{server: "http://127.0.0.1:9"}}}}]
users:
- name: u
  user:
    exec: {{apiVersion: client.authentication.k8s.io/v1, command: {plugin}}}
contexts: [{{name: c, context: {{cluster: c, user: u, namespace: default}}}}]
current-context: c
"""
    )
    with gok_tui(kubeconfig, tmp_path / "home") as app:
        app.wait_for(lambda s: "Deployments(default)" in s, "the view")
        app.wait_for(lambda s: (tmp_path / "pid").exists(), "the plugin running")
        pid = int((tmp_path / "pid").read_text())
        app.keys(b"q")
        took = app.wait_exit(timeout=30)
        assert took is not None and took < QUIT_WITHIN, f"quit took {took} s"
    deadline = time.monotonic() + 5
    while not gone(pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert gone(pid), "the plugin outlived gok-tui"
