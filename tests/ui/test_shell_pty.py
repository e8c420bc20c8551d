"""``s`` on a pod in gok-tui as a person runs it, in a pseudo-terminal: the UI suspends, the
shell has the terminal, and the UI comes back with a toast of the exit code. Once without
kubectl on PATH (the in-process exec against the fake), once with a fake ``kubectl``."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from tests.integration.test_kube_streams import WAIT, phase
from tests.kubefake import FakeKube, wait_until
from tests.ui.pty_app import gok_tui

POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "web-1", "namespace": "default", "labels": {"app": "web"}},
    "spec": {"containers": [{"name": "main", "image": "nginx:1"}]},
}


def audit_entries(home: Path) -> list[dict]:
    path = home / ".local" / "state" / "gok-tui" / "log" / "audit.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines()]


def on_the_pod(fake_kube: FakeKube) -> None:
    fake_kube.apply_object(POD)
    wait_until(lambda: phase(fake_kube, "web-1") == "Running", WAIT)


def test_in_process_shell_takes_the_terminal_and_gives_it_back(
    fake_kube: FakeKube, fake_kubeconfig: Path, tmp_path: Path
) -> None:
    on_the_pod(fake_kube)
    no_kubectl = tmp_path / "bin"
    no_kubectl.mkdir()
    home = tmp_path / "home"
    with gok_tui(fake_kubeconfig, home, PATH=str(no_kubectl)) as app:
        app.keys(b"2")
        app.wait_for(lambda text: "web-1" in text and "Running" in text, "the pod", WAIT)
        app.keys(b"s")
        # (pyte keeps no alternate screen: the shell writes over the table's last picture)
        app.wait_for(lambda text: "$ " in text, "the shell's prompt", WAIT)
        app.keys(b"echo hello-from-the-pod\r")
        app.wait_for(lambda text: text.count("hello-from-the-pod") == 2, "typed, echoed", WAIT)
        app.keys(b"exit 5\r")
        screen, _ = app.wait_for(
            lambda text: "bash in pod default/web-1 ended" in text and "code 5)" in text,
            "the UI back with the exit code",
            WAIT,
        )
        assert "web-1" in screen and "Running" in screen  # the table as it was
    [entry] = audit_entries(home)
    assert (entry["action"], entry["name"], entry["patch"]) == (
        "shell",
        "web-1",
        {"container": "main", "via": "in-process"},
    )
    assert [command for _, command in fake_kube.streams.execs] == [("bash",)]


FAKE_KUBECTL = """#!/bin/sh
for word in "$@"; do printf '%s\\n' "$word"; done > "{argv}"
printf 'kubectl-was-here\\r\\n'
read line
echo "command terminated with exit code 4" >&2
exit 4
"""


def test_kubectl_takes_the_terminal_when_it_is_on_path(
    fake_kube: FakeKube, fake_kubeconfig: Path, tmp_path: Path
) -> None:
    on_the_pod(fake_kube)
    folder = tmp_path / "bin"
    folder.mkdir()
    kubectl = folder / "kubectl"
    kubectl.write_text(FAKE_KUBECTL.format(argv=tmp_path / "argv"))
    kubectl.chmod(kubectl.stat().st_mode | stat.S_IXUSR)
    home = tmp_path / "home"
    with gok_tui(fake_kubeconfig, home, PATH=f"{folder}:/usr/bin:/bin") as app:
        app.keys(b"2")
        app.wait_for(lambda text: "web-1" in text and "Running" in text, "the pod", WAIT)
        app.keys(b"s")
        app.wait_for(lambda text: "kubectl-was-here" in text, "kubectl on the terminal", WAIT)
        app.keys(b"\r")
        app.wait_for(
            lambda text: "shell in pod default/web-1 ended" in text and "code 4" in text,
            "the UI back with kubectl's exit code",
            WAIT,
        )
    argv = (tmp_path / "argv").read_text().splitlines()
    assert argv[:9] == [
        "exec",
        "-it",
        "web-1",
        "-c",
        "main",
        "--context",
        "fake",
        "--kubeconfig",
        str(fake_kubeconfig),
    ]
    assert not fake_kube.streams.execs
    [entry] = audit_entries(home)
    assert entry["patch"] == {"container": "main", "via": "kubectl"}
